/**
 * A position's arithmetic: what a fill or a settlement does to it, exactly, in the held outcome's
 * own price. It mirrors the bankroll's postings to the micro-dollar (a buy costs `ceil(p × q)`, a
 * sale brings `floor(p × q)`, a settlement pays `floor(payout × q)`), so the sum of realised P&L
 * over closed positions is exactly the ledger's movement.
 *
 * `realized` accumulates proceeds and payouts minus the cost of what was sold or settled, minus
 * every fee (entry and exit): when the position is flat it is the position's whole P&L.
 *
 * @since 0.1.0
 */
import { type Micros, mulDiv, notional, type Price, type Qty } from "../../schema/Money.ts"
import type { Action } from "../../schema/Trading.ts"

/** @category models */
export interface Holding {
  /** Open quantity */
  readonly quantity: Qty
  /** What the open quantity cost, fees excluded */
  readonly cost: Micros
  readonly fees: Micros
  readonly realized: Micros
  /** Everything ever bought into this position */
  readonly entryQuantity: Qty
}

/** @category constructors */
export const flat: Holding = { quantity: 0 as Qty, cost: 0 as Micros, fees: 0 as Micros, realized: 0 as Micros, entryQuantity: 0 as Qty }

/** The cost of open quantity `q` out of the holding (the whole cost for the whole quantity). */
const costOf = (h: Holding, q: Qty): Micros => (q >= h.quantity ? h.cost : (mulDiv(h.cost, q, h.quantity, "floor") as Micros))

/**
 * A fill of the held outcome. A sell of more than is held is capped at the holding (positions are
 * long-only: a sell is an exit).
 *
 * @category transitions
 */
export const fillHolding = (h: Holding, fill: { readonly action: Action; readonly price: Price; readonly quantity: Qty; readonly fee: Micros }): Holding => {
  if (fill.action === "buy") {
    const cost = notional(fill.price, fill.quantity, "ceil")
    return {
      quantity: (h.quantity + fill.quantity) as Qty,
      cost: (h.cost + cost) as Micros,
      fees: (h.fees + fill.fee) as Micros,
      realized: (h.realized - fill.fee) as Micros,
      entryQuantity: (h.entryQuantity + fill.quantity) as Qty
    }
  }
  const q = Math.min(fill.quantity, h.quantity) as Qty
  const removed = costOf(h, q)
  const proceeds = notional(fill.price, q, "floor")
  return {
    ...h,
    quantity: (h.quantity - q) as Qty,
    cost: (h.cost - removed) as Micros,
    fees: (h.fees + fill.fee) as Micros,
    realized: (h.realized + proceeds - removed - fill.fee) as Micros
  }
}

/** What settlement pays for the open quantity at `payout` per contract. @category settlement */
export const settlementPayout = (h: Holding, payout: Price): Micros => notional(payout, h.quantity, "floor")

/**
 * Settles the open quantity at `payout` per contract ($1 won, $0 lost, a venue's split price).
 *
 * @category transitions
 */
export const settleHolding = (h: Holding, payout: Price): Holding => ({
  ...h,
  quantity: 0 as Qty,
  cost: 0 as Micros,
  realized: (h.realized + settlementPayout(h, payout) - h.cost) as Micros
})

/** The average price paid for the open quantity (display; `undefined` when flat). @category queries */
export const averagePrice = (h: Holding): Price | undefined => (h.quantity === 0 ? undefined : (mulDiv(h.cost, 1_000_000, h.quantity, "halfUp") as Price))

/** A void market: the open quantity is refunded at what it cost (fees are not refunded). @category transitions */
export const refundHolding = (h: Holding): Holding => ({ ...h, quantity: 0 as Qty, cost: 0 as Micros })
