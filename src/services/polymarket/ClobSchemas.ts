/**
 * Polymarket CLOB REST wire schemas: `/book`, `/books`, `/tick-size`, `/fee-rate`, `/markets/{id}`.
 *
 * A book lists bids ascending and asks descending, so the best of each is the LAST element; sizes
 * are absolute. Prices are exact sub-cent decimals (`"0.999"`); newer books add `tick_size`,
 * `min_order_size`, `neg_risk` and `last_trade_price` (`null` before the first trade), all
 * optional here.
 *
 * @since 0.1.0
 */
import { Schema, SchemaTransformation } from "effect"
import { ConditionId, TokenId } from "../../schema/Ids.ts"
import { PriceFromDollars, QtyFromString } from "../../schema/Money.ts"
import { Blankable, ElementList, IsoMillis, MillisString, ScaledDecimal } from "../marketdata/Wire.ts"
import { PriceNumber } from "./GammaSchemas.ts"

const opt = Schema.optionalKey

/** One level: `{"price":"0.48","size":"30"}`. @category schemas */
export const ClobLevel = Schema.Struct({ price: PriceFromDollars, size: QtyFromString })
export type ClobLevel = typeof ClobLevel.Type

/**
 * `GET /book?token_id=` (and each entry of `POST /books`).
 *
 * @category schemas
 */
export const ClobBook = Schema.Struct({
  market: Schema.String,
  asset_id: TokenId,
  timestamp: MillisString,
  hash: opt(Schema.NullOr(Schema.String)),
  bids: Schema.Array(ClobLevel),
  asks: Schema.Array(ClobLevel),
  // Cosmetic here: absent, `null` or `""` is "none" (`last_trade_price` is `null` before a trade)
  tick_size: Blankable(PriceFromDollars),
  min_order_size: Blankable(QtyFromString),
  neg_risk: opt(Schema.NullOr(Schema.Boolean)),
  last_trade_price: Blankable(PriceFromDollars)
})
export type ClobBook = typeof ClobBook.Type

/** `POST /books`: an array of books. @category schemas */
export const ClobBooksResponse = ElementList(ClobBook, ["asset_id"])

/** `GET /tick-size?token_id=` → `{"minimum_tick_size":0.01}` (a number or a string). @category schemas */
export const ClobTickSize = Schema.Struct({ minimum_tick_size: Schema.Union([PriceNumber, PriceFromDollars]) })

/** `GET /fee-rate?token_id=` → `{"base_fee":"150"}`: basis points, as a string or a number. @category schemas */
export const ClobFeeRate = Schema.Struct({
  base_fee: ScaledDecimal(0).pipe(
    Schema.decodeTo(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)), SchemaTransformation.transform<number, number>({ decode: (n) => n, encode: (n) => n }))
  )
})

/**
 * One outcome token of a CLOB market; `winner` is set once resolved. `price` is informational
 * while trading; after a resolution it is the payout (1/0, or 0.5 each in a 50/50).
 *
 * @category schemas
 */
export const ClobToken = Schema.Struct({
  token_id: TokenId,
  outcome: Schema.String,
  winner: opt(Schema.Boolean),
  price: opt(PriceNumber)
})

/**
 * `GET /markets/{condition_id}`: a condition with its tokens and trading rules.
 *
 * @category schemas
 */
export const ClobMarket = Schema.Struct({
  condition_id: ConditionId,
  question: opt(Schema.String),
  market_slug: opt(Schema.String),
  active: opt(Schema.Boolean),
  closed: opt(Schema.Boolean),
  archived: opt(Schema.Boolean),
  accepting_orders: opt(Schema.Boolean),
  enable_order_book: opt(Schema.Boolean),
  minimum_tick_size: PriceNumber,
  minimum_order_size: opt(ScaledDecimal(6)),
  neg_risk: opt(Schema.Boolean),
  end_date_iso: opt(Schema.NullOr(IsoMillis)),
  game_start_time: opt(Schema.NullOr(IsoMillis)),
  tokens: Schema.Array(ClobToken)
})
export type ClobMarket = typeof ClobMarket.Type
