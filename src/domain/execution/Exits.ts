/**
 * When to leave a position, decided in the held outcome's own price. A NO position is marked on
 * NO's bid and stopped on NO's price, never on YES's (the original system's costliest bug).
 *
 * - The **mark** is the held outcome's best bid: what selling would fetch now.
 * - No exit inside `minHold` of entry, and none on an invalid book (no bid or no ask, or wider
 *   than `maxSpread`) when `requireValidBook`.
 * - Once the game is over (ESPN's final, or cancelled/postponed) every position is held to the
 *   venue's settlement (`game_over`, decided by the caller): the outcome is known, and the book
 *   can only pay less than the result.
 * - At or above `holdToSettleAbove` the position is held to settlement (selling a near-certain
 *   winner gives away the last cents to the spread and fees).
 * - **Take-profit** at entry + `takeProfit`; **stop-loss** at entry − the sport's stop.
 * - The exit is a sell IOC limited at the bid − `slippageBuffer`, **sized from the book**: the
 *   open quantity, or less when the bids at or above that limit hold less (the rest is sold at a
 *   later check, when the book has refilled). No bids down to the limit: held (`no_depth`).
 *
 * @since 0.1.0
 */
import { type Price, type Qty } from "../../schema/Money.ts"

/** @category models */
export interface ExitRules {
  readonly takeProfit: Price
  readonly stopLoss: Price
  readonly holdToSettleAbove: Price
  readonly minHoldMillis: number
  readonly requireValidBook: boolean
  readonly maxSpread: Price
  /** Price points below the bid the exit limit may go */
  readonly slippageBuffer: Price
}

/** @category models */
export interface HeldPosition {
  readonly quantity: Qty
  /** Average entry price of the open quantity, in the held outcome's price */
  readonly entryPrice: Price
  readonly openedAt: number
}

/** The held outcome's book: the top, and the bid levels (best first) an exit would sell into. @category models */
export interface HeldTop {
  readonly bid?: Price | undefined
  readonly ask?: Price | undefined
  /** Bid depth, best first; absent: only the top is known, and the whole quantity is sent */
  readonly bids?: ReadonlyArray<{ readonly price: Price; readonly size: Qty }> | undefined
}

/** @category models */
export type ExitDecision =
  | { readonly _tag: "Hold"; readonly reason: "min_hold" | "invalid_book" | "hold_to_settle" | "inside_band" | "no_depth" | "game_over"; readonly mark?: Price | undefined }
  | { readonly _tag: "Exit"; readonly reason: "take_profit" | "stop_loss" | "operator"; readonly mark: Price; readonly limit: Price; readonly quantity: Qty }

/**
 * @category decisions
 */
export const decideExit = (position: HeldPosition, top: HeldTop, rules: ExitRules, now: number, operator = false): ExitDecision => {
  const mark = top.bid
  // An operator's close skips the holding rules (minimum hold, bands, hold-to-settle, the spread
  // check), never the price: it sells into the bids down to the bid less the slippage buffer
  if (operator) {
    if (mark === undefined) return { _tag: "Hold", reason: "invalid_book" }
    return sized(position, top, rules, mark, "operator")
  }
  if (now - position.openedAt < rules.minHoldMillis) return { _tag: "Hold", reason: "min_hold", mark }
  if (mark === undefined) return { _tag: "Hold", reason: "invalid_book" }
  if (rules.requireValidBook && (top.ask === undefined || top.ask < mark || top.ask - mark > rules.maxSpread)) {
    return { _tag: "Hold", reason: "invalid_book", mark }
  }
  if (mark >= rules.holdToSettleAbove) return { _tag: "Hold", reason: "hold_to_settle", mark }
  const reason = mark >= position.entryPrice + rules.takeProfit ? "take_profit" : mark <= position.entryPrice - rules.stopLoss ? "stop_loss" : undefined
  if (reason === undefined) return { _tag: "Hold", reason: "inside_band", mark }
  return sized(position, top, rules, mark, reason)
}

/** An exit at the bid less the slippage buffer, for what the bids down to that limit can take. */
const sized = (position: HeldPosition, top: HeldTop, rules: ExitRules, mark: Price, reason: "take_profit" | "stop_loss" | "operator"): ExitDecision => {
  const limit = Math.max(0, mark - rules.slippageBuffer) as Price
  const depth = top.bids === undefined ? position.quantity : top.bids.filter((l) => l.price >= limit).reduce((n, l) => n + l.size, 0)
  const quantity = Math.min(position.quantity, depth) as Qty
  if (quantity <= 0) return { _tag: "Hold", reason: "no_depth", mark }
  return { _tag: "Exit", reason, mark, limit, quantity }
}
