/**
 * A live book checked against the venue's own snapshot (REST), level by level from the touch.
 *
 * Polymarket has no sequence numbers: a lost `price_change` leaves a ghost level (or misses one),
 * and the best bid/ask each change carries only catches it at the top. Comparing the top `depth`
 * levels of each side with a REST snapshot at least as new as the book catches it anywhere within
 * that depth.
 *
 * @since 0.1.0
 */
import { formatScaled } from "../../schema/Money.ts"
import type { SnapshotSide } from "./BookState.ts"
import type { PriceLevels } from "./PriceLevels.ts"

const level = (price: number | undefined, size: number | undefined) =>
  price === undefined ? "none" : `${formatScaled(price, 6, 2)} x ${formatScaled(size ?? 0, 6, 0)}`

/**
 * The first difference between `ours` and the venue's `venue` side within `depth` levels from the
 * touch (`venue` in wire order: best last), as a sentence for the log; `undefined` when they agree.
 *
 * @category validation
 */
export const sideDifference = (name: string, ours: PriceLevels, venue: SnapshotSide, depth: number): string | undefined => {
  const prices: Array<number> = []
  const sizes: Array<number> = []
  ours.walk(depth, (p, s) => {
    prices.push(p)
    sizes.push(s)
  })
  const n = Math.min(depth, Math.max(prices.length, venue.count))
  for (let i = 0; i < n; i++) {
    const j = venue.count - 1 - i
    const vp = j >= 0 ? venue.prices[j] : undefined
    const vs = j >= 0 ? venue.sizes[j] : undefined
    if (prices[i] !== vp || sizes[i] !== vs) return `${name} level ${i + 1}: ours ${level(prices[i], sizes[i])}, venue ${level(vp, vs)}`
  }
  return undefined
}

/**
 * The first difference between a two-sided book and the venue's snapshot of it, within `depth`
 * levels per side; `undefined` when they agree.
 *
 * @category validation
 */
export const bookDifference = (
  bids: PriceLevels,
  asks: PriceLevels,
  venueBids: SnapshotSide,
  venueAsks: SnapshotSide,
  depth: number
): string | undefined => sideDifference("bid", bids, venueBids, depth) ?? sideDifference("ask", asks, venueAsks, depth)
