/**
 * Two-leg arbitrage as one unit: the pure decisions behind it, in exact integer money.
 *
 * An arbitrage buys the two outcomes of one result on two venues (a complete set pays $1), both
 * legs concurrently with equal share counts. What each leg then holds is read back from its
 * orders' fills, and {@link decide} says what to do next:
 *
 * 1. **A leg still open** (no answer yet, unknown, a Polymarket order "delayed" by its matching
 *    engine) is polled with backoff ({@link pollDelay}: 100, 200, 500, 1000, 1500, 2000 ms) until
 *    the leg deadline ({@link LEG_TIMEOUT_MILLIS} after submission); then it is cancelled and
 *    assumed not to fill further. Nothing is unwound while a leg may still fill.
 * 2. **Equal holdings** (and no order open): done. The matched sets are one arbitrage position;
 *    its locked-in profit is {@link lockedProfit}.
 * 3. **A mismatch**: the excess of the long leg is either **unwound** (sold, IOC, at a floor price)
 *    or **hedged** (the short leg completed, IOC, at a cap price). Both limits are bounded by
 *    `execution.unwindMaxLoss` per contract, fees included, assuming the worst case that every
 *    contract fills at the limit itself ({@link unwindFloor}, {@link hedgeCap}); a fill above
 *    a sell limit (below a buy limit) only does better, since net proceeds rise with the price
 *    (rounding aside: a venue that rounds each fill's fee on its own may charge up to a cent more
 *    per level walked).
 *    Of the two, the one the current book fills more of is chosen, then the cheaper
 *    ({@link chooseRemedy}). When neither can fill now within the bound, the book is watched
 *    again after a pause; after {@link MAX_ATTEMPTS} orders or past the unwind deadline the
 *    excess is left **exposed** (flagged for the operator; never sold below the bound).
 *
 * The loss of an unwind is measured as a realised P&L is: the excess's share of what its leg
 * cost (price and entry fee, rounded against us) minus the sale's proceeds (floored) net of its
 * fee. A hedge's is what the completed sets cost, both legs and their fees, minus the $1 they pay.
 *
 * @since 0.1.0
 */
import type { BookLevel } from "../../schema/Book.ts"
import { CENT, type Micros, mulDiv, notional, ONE, type Price, type Qty } from "../../schema/Money.ts"
import { type FeeSchedule, orderFee, takerFeeAcross } from "../fees/Fee.ts"

/** Which leg: the order of the signal's legs. @category models */
export type LegIndex = 0 | 1

/** How long a leg may stay open before it is cancelled and assumed not to fill. @category constants */
export const LEG_TIMEOUT_MILLIS = 5_000

/** How long after the leg deadline an excess may be worked before it is left exposed. @category constants */
export const UNWIND_WINDOW_MILLIS = 30_000

/** Unwind and hedge orders, at most, before an excess is left exposed. @category constants */
export const MAX_ATTEMPTS = 5

/** The pause before the book is read again when nothing can be done within the bound. @category constants */
export const BOOK_RETRY_MILLIS = 1_000

const POLL_BACKOFF = [100, 200, 500, 1_000, 1_500, 2_000] as const

/**
 * The wait before the `n`-th status poll of an open order (0-based), after the delayed-order
 * backoff of the Polymarket arbitrage fork (LESSONS.md 2.2); the last step repeats.
 *
 * @category decisions
 */
export const pollDelay = (n: number): number => POLL_BACKOFF[Math.max(0, Math.min(n, POLL_BACKOFF.length - 1))]!

/**
 * What one leg's outcome holds because of this arbitrage, from its orders' fills: the entry leg
 * and any hedge are buys, unwinds are sells.
 *
 * @category models
 */
export interface LegHolding {
  /** Bought (entry and hedges) */
  readonly bought: Qty
  /** What the buys cost, `Σ ceil(p × q)`, fees apart */
  readonly cost: Micros
  /** Fees of the buys */
  readonly fees: Micros
  /** Sold (unwinds) */
  readonly sold: Qty
  /** What the sales brought, `Σ floor(p × q)` */
  readonly proceeds: Micros
  readonly sellFees: Micros
  /**
   * The entry order: `open` (the venue may still fill it and we still wait), `cancelling` (past the
   * deadline: cancelled or asked to be, assumed not to fill further), `done` (terminal)
   */
  readonly entry: "open" | "cancelling" | "done"
}

/** @category constructors */
export const emptyLeg: LegHolding = {
  bought: 0 as Qty,
  cost: 0 as Micros,
  fees: 0 as Micros,
  sold: 0 as Qty,
  proceeds: 0 as Micros,
  sellFees: 0 as Micros,
  entry: "done"
}

/** What a leg holds now. @category queries */
export const held = (leg: LegHolding): Qty => Math.max(0, leg.bought - leg.sold) as Qty

/** The complete sets held: the smaller of the two holdings. @category queries */
export const matchedQuantity = (legs: readonly [LegHolding, LegHolding]): Qty => Math.min(held(legs[0]), held(legs[1])) as Qty

/** The long leg and its excess over the other, or `undefined` when they are equal. @category queries */
export const mismatch = (legs: readonly [LegHolding, LegHolding]): { readonly long: LegIndex; readonly quantity: Qty } | undefined => {
  const d = held(legs[0]) - held(legs[1])
  if (d === 0) return undefined
  return d > 0 ? { long: 0, quantity: d as Qty } : { long: 1, quantity: -d as Qty }
}

/**
 * What `q` of a leg's holding cost, price and entry fees, pro rata and rounded up (against us, so
 * a bound computed on it holds).
 *
 * @category queries
 */
export const basisOf = (leg: LegHolding, q: Qty): Micros =>
  leg.bought === 0 ? (0 as Micros) : ((mulDiv(leg.cost, q, leg.bought, "ceil") + mulDiv(leg.fees, q, leg.bought, "ceil")) as Micros)

/**
 * The P&L of the whole arbitrage once its matched sets settle (one leg pays $1 a contract, the
 * other nothing): the sets' dollar, plus every sale, minus every buy and every fee. With equal
 * holdings this is exactly the sum of both positions' realised P&L at settlement.
 *
 * @category queries
 */
export const lockedProfit = (legs: readonly [LegHolding, LegHolding]): Micros => {
  const matched = matchedQuantity(legs)
  let total = notional(ONE as Price, matched, "floor") as number
  for (const leg of legs) total += leg.proceeds - leg.sellFees - leg.cost - leg.fees
  return total as Micros
}

/** The worst-case loss of selling `q` at `p` out of a holding that cost `basis`. */
const unwindLoss = (basis: Micros, q: Qty, p: Price, fees: FeeSchedule): number => basis - notional(p, q, "floor") + orderFee(fees, "taker", q, p)

/** The worst-case loss of completing `q` sets by buying the other outcome at `p`. */
const hedgeLoss = (basis: Micros, q: Qty, p: Price, fees: FeeSchedule): number =>
  basis + notional(p, q, "ceil") + orderFee(fees, "taker", q, p) - notional(ONE as Price, q, "floor")

/** `maxLoss` a contract over `q` contracts. */
const bound = (maxLoss: Price, q: Qty): number => notional(maxLoss, q, "floor")

/**
 * The lowest sell limit (on the tick grid) at which selling `q` that cost `basis` loses at most
 * `maxLoss` a contract even if all of it fills at the limit; `undefined` when even the highest
 * price would lose more.
 *
 * @category decisions
 */
export const unwindFloor = (basis: Micros, q: Qty, maxLoss: Price, fees: FeeSchedule, tick: Price = CENT as Price): Price | undefined => {
  const limit = bound(maxLoss, q)
  let lowest: Price | undefined
  for (let p = ONE - tick; p >= tick; p -= tick) {
    if (unwindLoss(basis, q, p as Price, fees) > limit) break
    lowest = p as Price
  }
  return lowest
}

/**
 * The highest buy limit (on the tick grid) at which completing `q` sets, whose long side cost
 * `basis`, loses at most `maxLoss` a contract even if all of it fills at the limit; `undefined`
 * when even the lowest price would lose more.
 *
 * @category decisions
 */
export const hedgeCap = (basis: Micros, q: Qty, maxLoss: Price, fees: FeeSchedule, tick: Price = CENT as Price): Price | undefined => {
  const limit = bound(maxLoss, q)
  let highest: Price | undefined
  for (let p: number = tick; p <= ONE - tick; p += tick) {
    if (hedgeLoss(basis, q, p as Price, fees) > limit) break
    highest = p as Price
  }
  return highest
}

/** What an IOC would take from one side of a book, best level first, up to `q` and the limit. @category models */
export interface Walk {
  readonly filled: Qty
  readonly levels: ReadonlyArray<{ readonly price: Price; readonly count: Qty }>
}

/**
 * Walks `levels` (bids for a sale, asks for a buy, best first) up to `q` within `limit`.
 *
 * @category decisions
 */
export const walk = (levels: ReadonlyArray<BookLevel>, action: "buy" | "sell", limit: Price, q: Qty): Walk => {
  const taken: Array<{ price: Price; count: Qty }> = []
  let left = q as number
  for (const level of levels) {
    if (left <= 0) break
    if (action === "sell" ? level.price < limit : level.price > limit) break
    const count = Math.min(left, level.size)
    if (count <= 0) continue
    taken.push({ price: level.price, count: count as Qty })
    left -= count
  }
  return { filled: (q - left) as Qty, levels: taken }
}

/** A remedy for an excess, with what the book now says it would do. @category models */
export interface Remedy {
  readonly _tag: "Unwind" | "Hedge"
  /** The leg whose outcome is traded: the long leg for an unwind, the short leg for a hedge */
  readonly leg: LegIndex
  readonly quantity: Qty
  readonly limit: Price
  /** What the current book would fill at once, and that part's P&L (negative: a loss) */
  readonly expectedFilled: Qty
  readonly expectedPnl: Micros
}

/** What the remedies of an excess need. @category models */
export interface RemedyInput {
  readonly legs: readonly [LegHolding, LegHolding]
  readonly fees: readonly [FeeSchedule | undefined, FeeSchedule | undefined]
  /** Each leg outcome's book now (`undefined`: not live) */
  readonly books: readonly [{ readonly bids: ReadonlyArray<BookLevel>; readonly asks: ReadonlyArray<BookLevel> } | undefined, { readonly bids: ReadonlyArray<BookLevel>; readonly asks: ReadonlyArray<BookLevel> } | undefined]
  /** `execution.unwindMaxLoss`, a contract */
  readonly maxLoss: Price
  readonly tick?: Price | undefined
}

const sumNotional = (levels: Walk["levels"], rounding: "floor" | "ceil"): number => levels.reduce((n, l) => n + notional(l.price, l.count, rounding), 0)

/**
 * The unwind and the hedge of the current excess, each within the loss bound, with what the book
 * would fill of it now. Empty when the legs are equal or nothing can be priced within the bound.
 *
 * @category decisions
 */
export const remedies = (input: RemedyInput): ReadonlyArray<Remedy> => {
  const m = mismatch(input.legs)
  if (m === undefined) return []
  const short: LegIndex = m.long === 0 ? 1 : 0
  const long = input.legs[m.long]
  const basis = basisOf(long, m.quantity)
  const tick = input.tick ?? (CENT as Price)
  const out: Array<Remedy> = []
  const longFees = input.fees[m.long]
  const floor = longFees === undefined ? undefined : unwindFloor(basis, m.quantity, input.maxLoss, longFees, tick)
  if (longFees !== undefined && floor !== undefined) {
    const w = walk(input.books[m.long]?.bids ?? [], "sell", floor, m.quantity)
    const pnl = sumNotional(w.levels, "floor") - takerFeeAcross(longFees, w.levels) - basisOf(long, w.filled)
    out.push({ _tag: "Unwind", leg: m.long, quantity: m.quantity, limit: floor, expectedFilled: w.filled, expectedPnl: pnl as Micros })
  }
  const shortFees = input.fees[short]
  const cap = shortFees === undefined ? undefined : hedgeCap(basis, m.quantity, input.maxLoss, shortFees, tick)
  if (shortFees !== undefined && cap !== undefined) {
    const w = walk(input.books[short]?.asks ?? [], "buy", cap, m.quantity)
    const pnl = notional(ONE as Price, w.filled, "floor") - sumNotional(w.levels, "ceil") - takerFeeAcross(shortFees, w.levels) - basisOf(long, w.filled)
    out.push({ _tag: "Hedge", leg: short, quantity: m.quantity, limit: cap, expectedFilled: w.filled, expectedPnl: pnl as Micros })
  }
  return out
}

/**
 * The remedy to send: the one the book fills more of now, then the cheaper (the higher P&L);
 * an unwind on a tie. `undefined` when neither would fill anything now.
 *
 * @category decisions
 */
export const chooseRemedy = (input: RemedyInput): Remedy | undefined => {
  let best: Remedy | undefined
  for (const r of remedies(input)) {
    if (r.expectedFilled === 0) continue
    if (best === undefined || r.expectedFilled > best.expectedFilled || (r.expectedFilled === best.expectedFilled && r.expectedPnl > best.expectedPnl)) best = r
  }
  return best
}

/** Where an arbitrage stands, as {@link decide} sees it. @category models */
export interface ArbSituation extends RemedyInput {
  readonly now: number
  /** Open legs are cancelled after this (epoch ms) */
  readonly legDeadline: number
  /** An excess still unremedied after this (epoch ms) is left exposed */
  readonly unwindDeadline: number
  /** An unwind or hedge order whose fate is still open */
  readonly adjustmentOpen: boolean
  /** Unwind and hedge orders placed so far */
  readonly attempts: number
}

/** The next step. @category models */
export type ArbStep =
  | { readonly _tag: "WaitForLeg"; readonly leg: LegIndex }
  | { readonly _tag: "CancelLeg"; readonly leg: LegIndex }
  | { readonly _tag: "WaitForAdjustment" }
  | { readonly _tag: "Matched"; readonly quantity: Qty; readonly lockedProfit: Micros }
  | { readonly _tag: "Flat"; readonly pnl: Micros }
  | Remedy
  | { readonly _tag: "WaitForBook"; readonly leg: LegIndex; readonly quantity: Qty }
  | { readonly _tag: "Exposed"; readonly leg: LegIndex; readonly quantity: Qty; readonly reason: string }

/**
 * The next step of an arbitrage.
 *
 * @category decisions
 */
export const decide = (s: ArbSituation): ArbStep => {
  for (const leg of [0, 1] as const) {
    if (s.legs[leg].entry === "open") return s.now < s.legDeadline ? { _tag: "WaitForLeg", leg } : { _tag: "CancelLeg", leg }
  }
  if (s.adjustmentOpen) return { _tag: "WaitForAdjustment" }
  const m = mismatch(s.legs)
  if (m === undefined) {
    const quantity = matchedQuantity(s.legs)
    const pnl = lockedProfit(s.legs)
    return quantity === 0 ? { _tag: "Flat", pnl } : { _tag: "Matched", quantity, lockedProfit: pnl }
  }
  if (s.attempts >= MAX_ATTEMPTS) return { _tag: "Exposed", leg: m.long, quantity: m.quantity, reason: `${s.attempts} unwind/hedge orders did not close the excess` }
  if (s.now >= s.unwindDeadline) return { _tag: "Exposed", leg: m.long, quantity: m.quantity, reason: "nothing to trade within unwindMaxLoss before the unwind deadline" }
  return chooseRemedy(s) ?? { _tag: "WaitForBook", leg: m.long, quantity: m.quantity }
}
