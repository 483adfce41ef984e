/**
 * Polymarket CLOB order-entry wire schemas: `POST /order`'s answer, orders and trades (REST
 * `/data/order/{id}`, `/data/orders`, `/data/trades`, and the `/ws/user` `order` / `trade`
 * events, which share the shapes), `/version`, `/neg-risk`, `/balance-allowance`, the cancel answer,
 * and the Data API's positions.
 *
 * Sizes and prices are decimal strings decoded exactly; ids stay strings. A trade is provisional
 * until its status is `CONFIRMED`; `FAILED` voids it; `MATCHED`, `MINED` and `RETRYING` are still
 * settling (PROTOCOLS.md §5.1).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { PriceFromDollars, QtyFromString } from "../../schema/Money.ts"

const opt = Schema.optionalKey
const optNull = <S extends Schema.Top>(s: S) => Schema.optionalKey(Schema.NullOr(s))

/** @category schemas */
export const PostOrderResponse = Schema.Struct({
  success: Schema.Boolean,
  orderID: optNull(Schema.String),
  errorMsg: optNull(Schema.String),
  status: optNull(Schema.String),
  makingAmount: optNull(Schema.String),
  takingAmount: optNull(Schema.String)
})
export type PostOrderResponse = typeof PostOrderResponse.Type

/** An order as `/data/order/{id}`, `/data/orders` and the user channel show it. @category schemas */
export const ClobOrder = Schema.Struct({
  id: Schema.NonEmptyString,
  status: Schema.String,
  asset_id: Schema.String,
  market: opt(Schema.String),
  side: Schema.String,
  original_size: QtyFromString,
  size_matched: QtyFromString,
  price: PriceFromDollars,
  type: opt(Schema.String),
  associate_trades: optNull(Schema.Array(Schema.String))
})
export type ClobOrder = typeof ClobOrder.Type

/** @category schemas */
export const MakerOrder = Schema.Struct({
  order_id: Schema.String,
  matched_amount: QtyFromString,
  price: PriceFromDollars,
  asset_id: opt(Schema.String)
})

/** A trade (a match), REST or user channel. @category schemas */
export const ClobTrade = Schema.Struct({
  id: Schema.NonEmptyString,
  taker_order_id: Schema.String,
  market: opt(Schema.String),
  asset_id: Schema.String,
  side: Schema.String,
  size: QtyFromString,
  price: PriceFromDollars,
  status: Schema.String,
  match_time: opt(Schema.String),
  fee_rate_bps: opt(Schema.String),
  maker_orders: Schema.Array(MakerOrder)
})
export type ClobTrade = typeof ClobTrade.Type

/** @category schemas */
export const OrdersPage = Schema.Struct({ data: Schema.Array(ClobOrder), next_cursor: optNull(Schema.String) })
/** @category schemas */
export const TradesPage = Schema.Struct({ data: Schema.Array(ClobTrade), next_cursor: optNull(Schema.String) })
/** @category schemas */
export const VersionResponse = Schema.Struct({ version: Schema.Int })
/** @category schemas */
export const NegRiskResponse = Schema.Struct({ neg_risk: Schema.Boolean })
/** Balance in 6-decimal base units. @category schemas */
export const BalanceAllowance = Schema.Struct({ balance: Schema.String })
/** @category schemas */
export const CancelResponse = Schema.Struct({
  canceled: Schema.Array(Schema.String),
  not_canceled: opt(Schema.Record(Schema.String, Schema.String))
})
/** `GET /auth/derive-api-key` and `POST /auth/api-key`. @category schemas */
export const ApiKeyResponse = Schema.Struct({ apiKey: Schema.String, secret: Schema.String, passphrase: Schema.String })

/** One holding from the Data API's `/positions?user=`. @category schemas */
export const DataPosition = Schema.Struct({
  asset: Schema.String,
  conditionId: Schema.String,
  size: Schema.Union([Schema.Number, Schema.String])
})
/** @category schemas */
export const DataPositions = Schema.Array(DataPosition)

/** A user-channel event: `order` or `trade`, the rest as above. @category schemas */
export const UserEventHead = Schema.Struct({ event_type: Schema.String })
