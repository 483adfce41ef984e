/**
 * A Polymarket outcome token's order book: bids and asks at exact sub-cent prices.
 *
 * Built from a `book` snapshot (or REST `/book`) and patched by `price_change`, whose size is the
 * new *absolute* size of the level (`"0"` removes it). Every change carries the venue's own best
 * bid and best ask after it; {@link matchesVenueBest} checks our book against them, and a mismatch
 * drops the book. A `tick_size_change` keeps a live book whose levels sit on the new grid and drops
 * one that does not until the next snapshot.
 *
 * A crossed book (best bid ≥ best ask) is dropped the same way; a dropped book is never read.
 *
 * @since 0.1.0
 */
import { ONE } from "../../schema/Money.ts"
import { type BookHeader, clearTop, implausibleLevel, implausibleSide, type InvalidReason, loadSnapshot, type SnapshotSide, type Top } from "./BookState.ts"
import { NO_PRICE, PriceLevels } from "./PriceLevels.ts"

/** @category models */
export class TokenBook implements BookHeader {
  readonly assetId: string
  readonly bids = new PriceLevels("bid")
  readonly asks = new PriceLevels("ask")
  status: BookHeader["status"] = "awaiting_snapshot"
  epoch = 0
  asOf = 0
  /** The minimum price increment in micro-dollars, when known (0 = unknown) */
  tickSize = 0
  /** The venue timestamp (epoch ms) of the newest snapshot or change applied; -1 = none stated */
  venueTs = -1

  constructor(assetId: string) {
    this.assetId = assetId
  }
}

/** Drops the book until the next snapshot. @category mutations */
export const invalidateToken = (book: TokenBook): void => {
  book.status = "awaiting_snapshot"
  book.bids.clear()
  book.asks.clear()
}

/** Whether the best bid is at or above the best ask. @category predicates */
export const isTokenCrossed = (book: TokenBook): boolean => {
  const bid = book.bids.bestPrice()
  const ask = book.asks.bestPrice()
  return bid !== NO_PRICE && ask !== NO_PRICE && bid >= ask
}

/**
 * Replaces the book with a snapshot (wire order: bids ascending, asks descending). `tickSize` 0
 * keeps the current tick. Returns `undefined` when the book is live afterwards, or why not.
 *
 * @category mutations
 */
export const applyTokenSnapshot = (book: TokenBook, bids: SnapshotSide, asks: SnapshotSide, tickSize: number, now: number): InvalidReason | undefined => {
  if (tickSize > 0) book.tickSize = tickSize
  const implausible = implausibleSide(bids, book.tickSize) ?? implausibleSide(asks, book.tickSize)
  if (implausible !== undefined) {
    book.epoch++
    invalidateToken(book)
    return implausible
  }
  return loadSnapshot(book, book.bids, bids, book.asks, asks, now, () => isTokenCrossed(book), () => invalidateToken(book))
}

/**
 * Sets one level to an absolute size (0 removes it). Returns `"NotLive"` when the book awaits a
 * snapshot (the change is ignored). Crossing is checked by the caller once the whole message has
 * been applied ({@link settleTokenChanges}), since one message may move both sides.
 *
 * @category mutations
 */
export const applyTokenLevel = (
  book: TokenBook,
  side: "bid" | "ask",
  price: number,
  size: number,
  now: number
): "NotLive" | "OutOfRange" | "OffGrid" | undefined => {
  if (book.status !== "live") return "NotLive"
  // Removing a level is always plausible; a resting one must be inside (0, 1) and on the grid
  const implausible = size > 0 ? implausibleLevel(price, book.tickSize) : undefined
  if (implausible !== undefined) {
    invalidateToken(book)
    return implausible
  }
  ;(side === "bid" ? book.bids : book.asks).set(price, size)
  book.asOf = now
  return undefined
}

/**
 * Whether the book's best bid and ask equal the venue's. The venue writes an empty side as best
 * bid `0` and best ask `1` (`ONE`); pass `-1` to skip a side the message did not state.
 *
 * @category predicates
 */
export const matchesVenueBest = (book: TokenBook, venueBestBid: number, venueBestAsk: number): boolean => {
  if (venueBestBid >= 0) {
    const bid = book.bids.bestPrice()
    if (venueBestBid === 0 ? bid !== NO_PRICE : bid !== venueBestBid) return false
  }
  if (venueBestAsk >= 0) {
    const ask = book.asks.bestPrice()
    if (venueBestAsk === ONE ? ask !== NO_PRICE : ask !== venueBestAsk) return false
  }
  return true
}

/**
 * Closes out the changes of one message for this book: checks it is not crossed and that it
 * agrees with the venue's best bid/ask (`-1` to skip). Drops the book and says why when not.
 *
 * @category mutations
 */
export const settleTokenChanges = (book: TokenBook, venueBestBid: number, venueBestAsk: number): InvalidReason | undefined => {
  if (book.status !== "live") return undefined
  if (isTokenCrossed(book)) {
    invalidateToken(book)
    return "Crossed"
  }
  if (!matchesVenueBest(book, venueBestBid, venueBestAsk)) {
    invalidateToken(book)
    return "BestBidAskMismatch"
  }
  return undefined
}

/** Whether every resting level of `levels` is a multiple of `tick` (0 = no grid known). */
const onGrid = (levels: PriceLevels, tick: number): boolean => {
  if (tick <= 0) return true
  let ok = true
  levels.walk(Number.MAX_SAFE_INTEGER, (price) => {
    if (price % tick !== 0) ok = false
    return ok
  })
  return ok
}

/**
 * A `tick_size_change`. The levels are absolute sizes at exact prices, so a live book whose levels
 * all sit on the new grid stays live (a notice is not a reason to go blind); one with a level off
 * the new grid is dropped ("TickSizeChange") until the next snapshot.
 *
 * @category mutations
 */
export const applyTickSizeChange = (book: TokenBook, newTickSize: number, now: number): InvalidReason | undefined => {
  book.tickSize = newTickSize
  if (book.status !== "live") return undefined
  book.asOf = now
  if (onGrid(book.bids, newTickSize) && onGrid(book.asks, newTickSize)) return undefined
  invalidateToken(book)
  return "TickSizeChange"
}

/**
 * Marks the book as confirmed at `now` without changing a level (a message about this asset that
 * states no level, or a validation against the venue that agreed).
 *
 * @category mutations
 */
export const touchToken = (book: TokenBook, now: number): void => {
  if (book.status === "live") book.asOf = now
}

/** The top of book, written into `out`; a non-live book has no levels. @category accessors */
export const tokenTop = (book: TokenBook, out: Top): Top => {
  if (book.status !== "live") return clearTop(out)
  out.bid = book.bids.bestPrice()
  out.bidSize = book.bids.bestSize()
  out.ask = book.asks.bestPrice()
  out.askSize = book.asks.bestSize()
  return out
}

/**
 * Walks up to `maxLevels` of one side from the touch, calling `f(price, size)`; stops early when
 * `f` returns `false`. O(k).
 *
 * @category accessors
 */
export const walkToken = (
  book: TokenBook,
  side: "bid" | "ask",
  maxLevels: number,
  f: (price: number, size: number) => boolean | void
): void => {
  if (book.status === "live") (side === "bid" ? book.bids : book.asks).walk(maxLevels, f)
}
