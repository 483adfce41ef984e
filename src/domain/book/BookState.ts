/**
 * What every book carries besides its levels: whether it may be read at all, which snapshot it
 * descends from, and when it was last known to be correct.
 *
 * - `status` is `"live"` only between a complete snapshot and the next reason to doubt it (a
 *   sequence gap, a crossed or inconsistent book, a reconnect, a tick-size change). Anything else is
 *   `"awaiting_snapshot"`, and such a book is never read for trading: its levels are cleared.
 * - `epoch` counts snapshots. It changes whenever the book is rebuilt, so a consumer can tell a
 *   fresh book from one patched by deltas since it last looked.
 * - `asOf` is the receive time (epoch ms, from `Clock`) of the last message applied.
 *
 * @since 0.1.0
 */
import { ONE } from "../../schema/Money.ts"
import type { PriceLevels } from "./PriceLevels.ts"

/** @category models */
export type BookStatus = "awaiting_snapshot" | "live"

/**
 * Why a book stopped being live. Each is also the dead-letter/metric reason code.
 *
 * @category models
 */
export type InvalidReason =
  | "SequenceGap"
  | "Crossed"
  | "NegativeLevel"
  | "BestBidAskMismatch"
  | "DuplicateLevel"
  | "TickSizeChange"
  | "Reconnect"
  | "Overflow"
  /** A resting level at $0 or $1 (a resting order is strictly inside (0, 1)) */
  | "OutOfRange"
  /** A resting level off the market's tick grid */
  | "OffGrid"

/** The mutable header every book has. @category models */
export interface BookHeader {
  status: BookStatus
  epoch: number
  asOf: number
}

/** Top of book of one outcome: prices in micro-dollars (`-1` = no level), sizes in micro-units. @category models */
export interface Top {
  bid: number
  bidSize: number
  ask: number
  askSize: number
}

/** A fresh {@link Top} with no levels. @category constructors */
export const emptyTop = (): Top => ({ bid: -1, bidSize: 0, ask: -1, askSize: 0 })

/** One side's snapshot levels as parallel arrays in wire order (worst first, best last). @category models */
export interface SnapshotSide {
  readonly prices: ArrayLike<number>
  readonly sizes: ArrayLike<number>
  readonly count: number
}

/**
 * Replaces a two-sided book's levels with a snapshot: bumps the epoch and stamps the time, loads
 * both sides, and says why the result cannot be live (a duplicate price, or `crossed()`).
 * `invalidate` runs on failure, so a rejected snapshot leaves nothing readable behind.
 *
 * @category mutations
 */
export const loadSnapshot = (
  book: BookHeader,
  first: PriceLevels,
  firstLevels: SnapshotSide,
  second: PriceLevels,
  secondLevels: SnapshotSide,
  now: number,
  crossed: () => boolean,
  invalidate: () => void
): InvalidReason | undefined => {
  book.asOf = now
  book.epoch++
  const reason = !first.load(firstLevels.prices, firstLevels.sizes, firstLevels.count) ||
      !second.load(secondLevels.prices, secondLevels.sizes, secondLevels.count)
    ? "DuplicateLevel"
    : crossed()
    ? "Crossed"
    : undefined
  if (reason === undefined) book.status = "live"
  else invalidate()
  return reason
}

/**
 * Whether a resting level is plausible: strictly inside (0, 1) and, when the tick is known
 * (`tick` > 0), on its grid. Says why not.
 *
 * @category predicates
 */
export const implausibleLevel = (price: number, tick: number): "OutOfRange" | "OffGrid" | undefined =>
  price <= 0 || price >= ONE ? "OutOfRange" : tick > 0 && price % tick !== 0 ? "OffGrid" : undefined

/** The first implausible level of a snapshot side, if any. @category predicates */
export const implausibleSide = (side: SnapshotSide, tick: number): "OutOfRange" | "OffGrid" | undefined => {
  for (let i = 0; i < side.count; i++) {
    const reason = implausibleLevel(side.prices[i]!, tick)
    if (reason !== undefined) return reason
  }
  return undefined
}

/** Whether two tops show the same prices and sizes. @category predicates */
export const sameTop = (a: Top, b: Top): boolean =>
  a.bid === b.bid && a.bidSize === b.bidSize && a.ask === b.ask && a.askSize === b.askSize

/** Writes "no levels" into `out`. @category constructors */
export const clearTop = (out: Top): Top => {
  out.bid = -1
  out.bidSize = 0
  out.ask = -1
  out.askSize = 0
  return out
}

/** Copies `from` into `into` (no allocation). @category constructors */
export const copyTop = (from: Top, into: Top): Top => {
  into.bid = from.bid
  into.bidSize = from.bidSize
  into.ask = from.ask
  into.askSize = from.askSize
  return into
}
