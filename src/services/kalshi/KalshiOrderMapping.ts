/**
 * Our orders onto Kalshi's V2 order entry, and Kalshi's orders and fills back into ours. Pure.
 *
 * **One book.** V2 quotes everything on the YES book (`kalshi-typescript` `BookSide`): `bid` buys
 * YES, `ask` sells YES, and selling YES is buying NO at `1 − price`. So:
 *
 * | ours            | side  | price     |
 * |-----------------|-------|-----------|
 * | buy YES at p    | `bid` | p         |
 * | sell YES at p   | `ask` | p         |
 * | buy NO at p     | `ask` | 1 − p     |
 * | sell NO at p    | `bid` | 1 − p     |
 *
 * Kalshi's own order and fill carry the YES price; a NO order's or fill's price is its complement.
 * Whether an `ask` bought NO or sold YES depends on the position, not the order, so converting
 * back always takes our intent (the outcome and action we sent).
 *
 * @since 0.1.0
 */
import type { VenueFill, VenueOrderState, VenueOrderStatus } from "../venue/Venue.ts"
import type { ClientOrderId, FillId, VenueOrderId } from "../../schema/Ids.ts"
import type { OutcomeRef } from "../../schema/Market.ts"
import { formatScaled, type Micros, ONE, type Price, type Qty } from "../../schema/Money.ts"
import type { Action, TimeInForce } from "../../schema/Trading.ts"
import type { BookSide, KalshiFill, KalshiOrder, WsFill } from "./KalshiOrderSchemas.ts"

/** What we meant by an order: enough to read Kalshi's one-book answers back. @category models */
export interface OrderIntent {
  readonly clientOrderId: ClientOrderId
  readonly outcome: OutcomeRef
  readonly action: Action
  readonly quantity: Qty
}

/** The `CreateOrderV2Request` body we send. @category models */
export interface CreateOrderV2Body {
  readonly ticker: string
  readonly client_order_id: string
  readonly side: BookSide
  readonly count: string
  readonly price: string
  readonly time_in_force: "immediate_or_cancel" | "fill_or_kill" | "good_till_canceled"
  readonly self_trade_prevention_type: "taker_at_cross"
  readonly post_only?: boolean
  readonly expiration_time?: number
}

const TIME_IN_FORCE = { ioc: "immediate_or_cancel", fok: "fill_or_kill", gtc: "good_till_canceled" } as const

/** The book side of an order: which of bid/ask expresses our action on our outcome. @category mapping */
export const bookSide = (outcomeId: string, action: Action): BookSide =>
  (outcomeId === "yes") === (action === "buy") ? "bid" : "ask"

/** Our outcome's price from the YES-book price. @category mapping */
export const outcomePrice = (outcomeId: string, yesPrice: Price): Price => (outcomeId === "yes" ? yesPrice : (ONE - yesPrice) as Price)

/**
 * The V2 create body for one order, or why Kalshi cannot take it (prices have at most 4 decimals,
 * counts at most 2).
 *
 * @category mapping
 */
export const createOrderBody = (order: {
  readonly clientOrderId: ClientOrderId
  readonly outcome: OutcomeRef
  readonly action: Action
  readonly limitPrice: Price
  readonly quantity: Qty
  readonly timeInForce: TimeInForce
  readonly postOnly: boolean
  readonly expiresAt?: number | undefined
}): CreateOrderV2Body | { readonly error: string } => {
  const outcomeId = order.outcome.outcomeId
  if (outcomeId !== "yes" && outcomeId !== "no") return { error: `a Kalshi outcome is yes or no, was ${outcomeId}` }
  const price = outcomePrice(outcomeId, order.limitPrice)
  if (price % 100 !== 0) return { error: `Kalshi prices have at most 4 decimals, was ${formatScaled(order.limitPrice)}` }
  if (price <= 0 || price >= ONE) return { error: `price ${formatScaled(order.limitPrice)} is outside (0, 1)` }
  if (order.quantity % 10_000 !== 0 || order.quantity === 0) return { error: `Kalshi counts have at most 2 decimals and are positive, was ${formatScaled(order.quantity)}` }
  if (order.postOnly && order.timeInForce !== "gtc") return { error: "post-only needs good-till-cancelled" }
  return {
    ticker: order.outcome.marketId,
    client_order_id: order.clientOrderId,
    side: bookSide(outcomeId, order.action),
    count: formatScaled(order.quantity, 6, 2),
    price: formatScaled(price, 6, 4),
    time_in_force: TIME_IN_FORCE[order.timeInForce],
    self_trade_prevention_type: "taker_at_cross",
    ...(order.postOnly ? { post_only: true } : {}),
    ...(order.expiresAt !== undefined ? { expiration_time: Math.floor(order.expiresAt / 1000) } : {})
  }
}

/** Our status from Kalshi's (`resting|canceled|executed`) and the counts. @category mapping */
export const statusOf = (status: string, filled: Qty, remaining: Qty): VenueOrderStatus => {
  if (status === "executed" || (remaining === 0 && filled > 0 && status !== "canceled")) return "filled"
  if (status === "canceled") return "canceled"
  return filled > 0 ? "partially_filled" : "resting"
}

/** An order's state as ours. @category mapping */
export const orderState = (order: KalshiOrder, intent: OrderIntent, now: number): VenueOrderState => ({
  clientOrderId: intent.clientOrderId,
  venueOrderId: order.order_id as VenueOrderId,
  status: statusOf(order.status, order.fill_count_fp, order.remaining_count_fp),
  quantity: intent.quantity,
  filledQuantity: order.fill_count_fp,
  updatedAt: now
})

/** A fill (REST or WebSocket) as ours; the dedupe key is the trade id. @category mapping */
export const fillOf = (fill: KalshiFill | WsFill, intent: OrderIntent, venueOrderId: VenueOrderId, now: number): VenueFill => ({
  fillId: `kalshi:${fill.trade_id}` as FillId,
  clientOrderId: intent.clientOrderId,
  venueOrderId,
  outcome: intent.outcome,
  action: intent.action,
  price: outcomePrice(intent.outcome.outcomeId, fill.yes_price_dollars),
  quantity: fill.count_fp,
  fee: (fill.fee_cost ?? 0) as Micros,
  isTaker: fill.is_taker,
  filledAt: "ts_ms" in fill && fill.ts_ms !== undefined ? fill.ts_ms : fill.ts !== undefined ? fill.ts * 1000 : now
})
