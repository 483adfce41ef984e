/**
 * Kalshi order-entry wire schemas (PROTOCOLS.md §5.3, the `kalshi-typescript` 3.30 models): the V2
 * create/cancel/decrease answers, orders, fills, positions and the balance (REST), and the private
 * `fill` / `user_orders` WebSocket messages.
 *
 * Prices decode to `Price`, counts to `Qty`, money to `Micros`, exactly. What arbees reads is
 * checked strictly; everything else is ignored, so a new field never breaks a decode. The fill's
 * dedupe key is its `trade_id`, present both on REST fills and on the WebSocket `fill` message.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { MicrosFromDollars, PriceFromDollars, QtyDeltaFromString, QtyFromString } from "../../schema/Money.ts"

const opt = Schema.optionalKey
const optNull = <S extends Schema.Top>(s: S) => Schema.optionalKey(Schema.NullOr(s))

/** `bid` buys YES, `ask` sells YES (buying NO at 1 − price), on the one YES book. @category schemas */
export const BookSide = Schema.Literals(["bid", "ask"])
export type BookSide = typeof BookSide.Type

/** `POST /portfolio/events/orders`. @category schemas */
export const CreateOrderV2Response = Schema.Struct({
  order_id: Schema.NonEmptyString,
  client_order_id: opt(Schema.String),
  fill_count: QtyFromString,
  remaining_count: QtyFromString,
  average_fill_price: optNull(Schema.String),
  average_fee_paid: optNull(Schema.String),
  ts_ms: Schema.Number
})
export type CreateOrderV2Response = typeof CreateOrderV2Response.Type

/** `DELETE /portfolio/events/orders/{id}` and `.../decrease`. @category schemas */
export const ReduceOrderV2Response = Schema.Struct({
  order_id: Schema.NonEmptyString,
  client_order_id: opt(Schema.String),
  reduced_by: opt(QtyFromString),
  ts_ms: opt(Schema.Number)
})
export type ReduceOrderV2Response = typeof ReduceOrderV2Response.Type

/** An order as `GET /portfolio/orders[/{id}]` and the `user_orders` channel show it. @category schemas */
export const KalshiOrder = Schema.Struct({
  order_id: Schema.NonEmptyString,
  client_order_id: optNull(Schema.String),
  ticker: Schema.String,
  status: Schema.Literals(["resting", "canceled", "executed", "pending"]),
  outcome_side: opt(Schema.Literals(["yes", "no"])),
  book_side: opt(BookSide),
  yes_price_dollars: PriceFromDollars,
  fill_count_fp: QtyFromString,
  remaining_count_fp: QtyFromString,
  initial_count_fp: opt(QtyFromString),
  last_update_time: optNull(Schema.String),
  created_time: optNull(Schema.String)
})
export type KalshiOrder = typeof KalshiOrder.Type

/** @category schemas */
export const GetOrderResponse = Schema.Struct({ order: KalshiOrder })
/** @category schemas */
export const GetOrdersResponse = Schema.Struct({ orders: Schema.Array(KalshiOrder), cursor: optNull(Schema.String) })

/** A fill as `GET /portfolio/fills` shows it. @category schemas */
export const KalshiFill = Schema.Struct({
  trade_id: Schema.NonEmptyString,
  fill_id: opt(Schema.String),
  order_id: Schema.NonEmptyString,
  ticker: opt(Schema.String),
  market_ticker: opt(Schema.String),
  outcome_side: opt(Schema.Literals(["yes", "no"])),
  book_side: opt(BookSide),
  count_fp: QtyFromString,
  yes_price_dollars: PriceFromDollars,
  is_taker: Schema.Boolean,
  fee_cost: opt(MicrosFromDollars),
  created_time: optNull(Schema.String),
  ts: opt(Schema.Number)
})
export type KalshiFill = typeof KalshiFill.Type

/** @category schemas */
export const GetFillsResponse = Schema.Struct({ fills: Schema.Array(KalshiFill), cursor: optNull(Schema.String) })

/** One market position: `position_fp` is signed, YES positive and NO negative. @category schemas */
export const KalshiMarketPosition = Schema.Struct({
  ticker: Schema.String,
  position_fp: QtyDeltaFromString
})
/** @category schemas */
export const GetPositionsResponse = Schema.Struct({
  market_positions: Schema.Array(KalshiMarketPosition),
  cursor: optNull(Schema.String)
})

/** @category schemas */
export const GetBalanceResponse = Schema.Struct({
  balance: Schema.Number,
  balance_dollars: opt(MicrosFromDollars)
})

/** The private `fill` channel's message body. @category schemas */
export const WsFill = Schema.Struct({
  trade_id: Schema.NonEmptyString,
  order_id: Schema.NonEmptyString,
  market_ticker: Schema.String,
  is_taker: Schema.Boolean,
  outcome_side: opt(Schema.Literals(["yes", "no"])),
  book_side: opt(BookSide),
  yes_price_dollars: PriceFromDollars,
  count_fp: QtyFromString,
  fee_cost: opt(MicrosFromDollars),
  client_order_id: optNull(Schema.String),
  ts: opt(Schema.Number),
  ts_ms: opt(Schema.Number)
})
export type WsFill = typeof WsFill.Type

/** A private-channel frame: `{type, sid, seq?, msg}`. @category schemas */
export const WsPrivateFrame = Schema.Struct({
  type: Schema.String,
  sid: opt(Schema.Number),
  msg: opt(Schema.Unknown)
})
