/**
 * A Kalshi market's order book: bids only, one side per outcome, with the asks derived.
 *
 * Kalshi publishes YES bids and NO bids. A NO bid at p is a YES offer at $1 − p with the same size,
 * so the YES ask is 1 − (best NO bid) and the NO ask is 1 − (best YES bid). The book is built from
 * an `orderbook_snapshot` and patched by `orderbook_delta`, whose `delta` is a signed increment.
 *
 * A book is inconsistent when a delta would take a level below zero (the stream and the book
 * disagree) or when the best YES bid plus the best NO bid reaches $1 (a locked or crossed book
 * would have matched). Either way the book is dropped (`awaiting_snapshot`) and the caller
 * resubscribes for a fresh snapshot; it is never read in that state.
 *
 * @since 0.1.0
 */
import { ONE } from "../../schema/Money.ts"
import { type BookHeader, clearTop, implausibleLevel, implausibleSide, type InvalidReason, loadSnapshot, type SnapshotSide, type Top } from "./BookState.ts"
import { NO_PRICE, PriceLevels } from "./PriceLevels.ts"

/** A Kalshi outcome. @category models */
export type KalshiSide = "yes" | "no"

/** @category models */
export class KalshiBook implements BookHeader {
  readonly ticker: string
  readonly yes = new PriceLevels("bid")
  readonly no = new PriceLevels("bid")
  status: BookHeader["status"] = "awaiting_snapshot"
  epoch = 0
  asOf = 0

  constructor(ticker: string) {
    this.ticker = ticker
  }

  /** The bids of one outcome. */
  bids(side: KalshiSide): PriceLevels {
    return side === "yes" ? this.yes : this.no
  }
}

/** Drops the book until the next snapshot. @category mutations */
export const invalidateKalshi = (book: KalshiBook): void => {
  book.status = "awaiting_snapshot"
  book.yes.clear()
  book.no.clear()
}

/** Whether the best YES bid and best NO bid add up to $1 or more. @category predicates */
export const isKalshiCrossed = (book: KalshiBook): boolean => {
  const yes = book.yes.bestPrice()
  const no = book.no.bestPrice()
  return yes !== NO_PRICE && no !== NO_PRICE && yes + no >= ONE
}

/**
 * Replaces the book with a snapshot of each outcome's bids (wire order). Returns `undefined` when
 * the book is live afterwards, or why it is not.
 *
 * @category mutations
 */
export const applyKalshiSnapshot = (book: KalshiBook, yes: SnapshotSide, no: SnapshotSide, now: number): InvalidReason | undefined => {
  // Resting bids strictly inside (0, 1); the tick grid is per market (price_ranges) and not checked here
  const implausible = implausibleSide(yes, 0) ?? implausibleSide(no, 0)
  if (implausible !== undefined) {
    book.epoch++
    invalidateKalshi(book)
    return implausible
  }
  return loadSnapshot(book, book.yes, yes, book.no, no, now, () => isKalshiCrossed(book), () => invalidateKalshi(book))
}

/**
 * Applies one `orderbook_delta`: `delta` micro-contracts added at `price` on `side`'s bids.
 * Returns `undefined` on success, `"NotLive"` when the book awaits a snapshot (the delta is
 * dropped: it belongs to a book we no longer hold), or why the book was invalidated.
 *
 * @category mutations
 */
export const applyKalshiDelta = (
  book: KalshiBook,
  side: KalshiSide,
  price: number,
  delta: number,
  now: number
): InvalidReason | "NotLive" | undefined => {
  if (book.status !== "live") return "NotLive"
  if (delta > 0 && implausibleLevel(price, 0) !== undefined) {
    invalidateKalshi(book)
    return "OutOfRange"
  }
  const result = book.bids(side).add(price, delta)
  book.asOf = now
  if (result !== "ok") {
    invalidateKalshi(book)
    return result === "negative" ? "NegativeLevel" : "Overflow"
  }
  if (isKalshiCrossed(book)) {
    invalidateKalshi(book)
    return "Crossed"
  }
  return undefined
}

/**
 * The top of book of one outcome, written into `out`: its best bid, and its ask derived from the
 * opposite outcome's best bid (price 1 − p, same size). An empty or non-live book has no levels.
 *
 * @category accessors
 */
export const kalshiTop = (book: KalshiBook, side: KalshiSide, out: Top): Top => {
  if (book.status !== "live") return clearTop(out)
  const own = side === "yes" ? book.yes : book.no
  const other = side === "yes" ? book.no : book.yes
  out.bid = own.bestPrice()
  out.bidSize = own.bestSize()
  const opposite = other.bestPrice()
  out.ask = opposite === NO_PRICE ? NO_PRICE : ONE - opposite
  out.askSize = other.bestSize()
  return out
}

/**
 * Walks up to `maxLevels` of one outcome's asks from the touch (derived from the opposite
 * outcome's bids), calling `f(price, size)`; stops early when `f` returns `false`. O(k).
 *
 * @category accessors
 */
export const walkKalshiAsks = (
  book: KalshiBook,
  side: KalshiSide,
  maxLevels: number,
  f: (price: number, size: number) => boolean | void
): void => {
  if (book.status === "live") book.bids(side === "yes" ? "no" : "yes").walk(maxLevels, (price, size) => f(ONE - price, size))
}

/**
 * Walks up to `maxLevels` of one outcome's bids from the touch. O(k).
 *
 * @category accessors
 */
export const walkKalshiBids = (
  book: KalshiBook,
  side: KalshiSide,
  maxLevels: number,
  f: (price: number, size: number) => boolean | void
): void => {
  if (book.status === "live") book.bids(side).walk(maxLevels, f)
}
