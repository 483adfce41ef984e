/**
 * Polymarket CLOB market-channel WebSocket schemas: the specification of every message arbees
 * reads on `/ws/market`. A frame is one message object or an array of them.
 *
 * - `book`: a full snapshot of one asset (bids ascending, asks descending; best last).
 * - `price_change` (since 2025-09-15): `price_changes[{asset_id, price, size, side, best_bid,
 *   best_ask}]`; `size` is the level's new **absolute** size (`"0"` removes it) and `best_bid` /
 *   `best_ask` are the venue's top after the change (empty side: `"0"` / `"1"`). The legacy
 *   shapes (`asset_id` + `changes[]`, or a flat `price/side/size`) decode to the same changes.
 * - `tick_size_change`: a new book epoch.
 * - `last_trade_price`, `best_bid_ask`, `new_market`, `market_resolved`.
 *
 * Decoding is strict where meaning is at stake (prices, sizes, ids, sides) and tolerant where it is
 * not: an optional decimal sent as absent, `null` or `""` (the venue's spelling of "none") is
 * absent, `""` best bid/ask means that side is empty, `side` is case-insensitive, `hash` may be
 * `null`, `timestamp` may be missing (-1), a `price_change` entry may omit `size` (no level change
 * is stated, -1), and `market_resolved` may omit its winner.
 *
 * Asset ids are checked as non-empty strings here: the stream only acts on assets it subscribed
 * (already valid `TokenId`s), so anything else is ignored rather than re-validated per message.
 *
 * `book` and the current `price_change` go through a hand-specialised fast decoder
 * (`PolymarketWsDecoder.ts`), property-tested to agree with these Schemas; a frame it rejects is
 * decoded by these Schemas, which either accept it (a legacy shape) or say why not.
 *
 * @since 0.1.0
 */
import { Schema, SchemaGetter, SchemaTransformation } from "effect"
import { ONE, PriceFromDollars, QtyFromString } from "../../schema/Money.ts"
import { Blankable, MillisString, unblank } from "../marketdata/Wire.ts"

const opt = Schema.optionalKey
const Asset = Schema.NonEmptyString

const Level = Schema.Struct({ price: PriceFromDollars, size: QtyFromString })
const Hash = opt(Schema.NullOr(Schema.String))
/** A message timestamp; -1 when the venue left it out. */
const Timestamp = opt(MillisString)
const tsOf = (ts: number | undefined) => ts ?? -1

/** A normalised snapshot. `tickSize` 0 = not stated; `timestamp` -1 = not stated. @category models */
export interface PolyBook {
  readonly assetId: string
  readonly market: string
  readonly timestamp: number
  readonly bids: ReadonlyArray<readonly [number, number]>
  readonly asks: ReadonlyArray<readonly [number, number]>
  readonly tickSize: number
}

const Pairs = Schema.Array(Schema.Tuple([Schema.Number, Schema.Number]))

/** `book`, normalised. @category schemas */
export const PolyBookMessage = Schema.Struct({
  event_type: Schema.Literal("book"),
  asset_id: Asset,
  market: Schema.String,
  timestamp: Timestamp,
  hash: Hash,
  bids: Schema.Array(Level),
  asks: Schema.Array(Level),
  tick_size: Blankable(PriceFromDollars),
  last_trade_price: Blankable(PriceFromDollars),
  min_order_size: Blankable(QtyFromString)
}).pipe(
  Schema.decodeTo(
    Schema.toType(Schema.Struct({ assetId: Schema.String, market: Schema.String, timestamp: Schema.Number, bids: Pairs, asks: Pairs, tickSize: Schema.Number })),
    {
      decode: SchemaGetter.transform((m): PolyBook => ({
        assetId: m.asset_id,
        market: m.market,
        timestamp: tsOf(m.timestamp),
        bids: m.bids.map((l) => [l.price, l.size] as const),
        asks: m.asks.map((l) => [l.price, l.size] as const),
        tickSize: unblank(m.tick_size) ?? 0
      })),
      encode: SchemaGetter.forbiddenEncoding
    }
  )
)

/**
 * One level change. `size` -1: the entry states no new size (only the venue's best bid/ask). Best
 * bid/ask are `-1` when not stated; an empty side is best bid `0` / best ask `ONE`.
 *
 * @category models
 */
export interface PolyChange {
  readonly assetId: string
  readonly side: "bid" | "ask"
  readonly price: number
  readonly size: number
  readonly bestBid: number
  readonly bestAsk: number
}

/** A normalised `price_change`. @category models */
export interface PolyPriceChange {
  readonly market: string
  readonly timestamp: number
  readonly changes: ReadonlyArray<PolyChange>
}

/** The venue writes `BUY`/`SELL`; the official schemas accept lower case too. */
const Side = Schema.Literals(["BUY", "SELL", "buy", "sell"])
type Side = typeof Side.Type
const sideOf = (side: Side) => (side === "BUY" || side === "buy" ? "bid" as const : "ask" as const)
/** `""` best bid = the bid side is empty (`0`); absent or `null` = not stated (`-1`). */
const bestBidOf = (v: number | null | "" | undefined) => (v === "" ? 0 : v ?? -1)
/** `""` best ask = the ask side is empty (`ONE`); absent or `null` = not stated (`-1`). */
const bestAskOf = (v: number | null | "" | undefined) => (v === "" ? ONE : v ?? -1)

/** The current `price_change` shape (since 2025-09-15), raw. @category schemas */
export const PolyPriceChangeCurrent = Schema.Struct({
  event_type: Schema.Literal("price_change"),
  market: Schema.String,
  timestamp: Timestamp,
  price_changes: Schema.Array(Schema.Struct({
    asset_id: Asset,
    price: PriceFromDollars,
    size: Blankable(QtyFromString),
    side: Side,
    hash: Hash,
    best_bid: Blankable(PriceFromDollars),
    best_ask: Blankable(PriceFromDollars)
  }))
})

const LegacyNested = Schema.Struct({
  event_type: Schema.Literal("price_change"),
  asset_id: Asset,
  market: Schema.String,
  timestamp: Timestamp,
  hash: Hash,
  changes: Schema.Array(Schema.Struct({ price: PriceFromDollars, size: QtyFromString, side: Side }))
})

const LegacyFlat = Schema.Struct({
  event_type: Schema.Literal("price_change"),
  asset_id: Asset,
  market: Schema.String,
  timestamp: Timestamp,
  hash: Hash,
  price: PriceFromDollars,
  size: QtyFromString,
  side: Side
})

const NormalChange = Schema.toType(Schema.Struct({
  market: Schema.String,
  timestamp: Schema.Number,
  changes: Schema.Array(Schema.Struct({
    assetId: Schema.String,
    side: Schema.Literals(["bid", "ask"]),
    price: Schema.Number,
    size: Schema.Number,
    bestBid: Schema.Number,
    bestAsk: Schema.Number
  }))
}))


/** The current shape, normalised (the fast decoder's reference). @category schemas */
export const PolyPriceChangeCurrentMessage = PolyPriceChangeCurrent.pipe(
  Schema.decodeTo(
    NormalChange,
    {
      decode: SchemaGetter.transform((m): PolyPriceChange => ({
        market: m.market,
        timestamp: tsOf(m.timestamp),
        changes: m.price_changes.map((c) => ({
          assetId: c.asset_id,
          side: sideOf(c.side),
          price: c.price,
          size: unblank(c.size) ?? -1,
          bestBid: bestBidOf(c.best_bid),
          bestAsk: bestAskOf(c.best_ask)
        }))
      })),
      encode: SchemaGetter.forbiddenEncoding
    }
  )
)

/**
 * `price_change` in any of its shapes, normalised to a list of changes.
 *
 * @category schemas
 */
export const PolyPriceChangeMessage = Schema.Union([
  PolyPriceChangeCurrentMessage,
  LegacyNested.pipe(Schema.decodeTo(NormalChange, {
    decode: SchemaGetter.transform((m): PolyPriceChange => ({
      market: m.market,
      timestamp: tsOf(m.timestamp),
      changes: m.changes.map((c) => ({ assetId: m.asset_id, side: sideOf(c.side), price: c.price, size: c.size, bestBid: -1, bestAsk: -1 }))
    })),
    encode: SchemaGetter.forbiddenEncoding
  })),
  LegacyFlat.pipe(Schema.decodeTo(NormalChange, {
    decode: SchemaGetter.transform((m): PolyPriceChange => ({
      market: m.market,
      timestamp: tsOf(m.timestamp),
      changes: [{ assetId: m.asset_id, side: sideOf(m.side), price: m.price, size: m.size, bestBid: -1, bestAsk: -1 }]
    })),
    encode: SchemaGetter.forbiddenEncoding
  }))
])

/** `tick_size_change`. @category schemas */
export const PolyTickSizeChange = Schema.Struct({
  event_type: Schema.Literal("tick_size_change"),
  asset_id: Asset,
  market: Schema.String,
  old_tick_size: Blankable(PriceFromDollars),
  new_tick_size: PriceFromDollars,
  timestamp: Timestamp
})
export type PolyTickSizeChange = typeof PolyTickSizeChange.Type

/** `last_trade_price`. @category schemas */
export const PolyLastTradePrice = Schema.Struct({
  event_type: Schema.Literal("last_trade_price"),
  asset_id: Asset,
  market: Schema.String,
  price: PriceFromDollars,
  size: Blankable(QtyFromString),
  side: Side,
  fee_rate_bps: opt(Schema.NullOr(Schema.String)),
  timestamp: Timestamp,
  transaction_hash: opt(Schema.NullOr(Schema.String))
})
export type PolyLastTradePrice = typeof PolyLastTradePrice.Type

/** `best_bid_ask` (custom feature). @category schemas */
export const PolyBestBidAsk = Schema.Struct({
  event_type: Schema.Literal("best_bid_ask"),
  asset_id: Asset,
  market: Schema.String,
  best_bid: Blankable(PriceFromDollars),
  best_ask: Blankable(PriceFromDollars),
  spread: Blankable(PriceFromDollars),
  timestamp: Timestamp
})

export type PolyBestBidAsk = typeof PolyBestBidAsk.Type

/** `new_market` (custom feature). @category schemas */
export const PolyNewMarket = Schema.Struct({
  event_type: Schema.Literal("new_market"),
  market: Schema.String,
  assets_ids: Schema.Array(Asset),
  question: opt(Schema.String),
  slug: opt(Schema.String),
  outcomes: opt(Schema.NullOr(Schema.Array(Schema.String))),
  timestamp: Timestamp
})

/** `market_resolved` (custom feature). @category schemas */
export const PolyMarketResolved = Schema.Struct({
  event_type: Schema.Literal("market_resolved"),
  market: Schema.String,
  assets_ids: Schema.Array(Asset),
  winning_asset_id: opt(Schema.NullOr(Schema.String)),
  winning_outcome: opt(Schema.NullOr(Schema.String)),
  timestamp: Timestamp
})
export type PolyMarketResolved = typeof PolyMarketResolved.Type

/** Unix seconds (a digit string or a number) as epoch milliseconds. */
const SecondsAsMillis = MillisString.pipe(
  Schema.decodeTo(Schema.Number, SchemaTransformation.transform<number, number>({ decode: (s) => s * 1000, encode: (ms) => Math.floor(ms / 1000) }))
)

// ---------------------------------------------------------------------------
// User channel (`/ws/user`): decoded for completeness; order entry reads these later
// ---------------------------------------------------------------------------

/** A user-channel `order` event (`PLACEMENT`, `UPDATE`, `CANCELLATION`). @category schemas */
export const PolyUserOrder = Schema.Struct({
  event_type: Schema.Literal("order"),
  id: Schema.String,
  asset_id: Asset,
  market: Schema.String,
  side: Side,
  price: PriceFromDollars,
  original_size: QtyFromString,
  size_matched: QtyFromString,
  outcome: opt(Schema.String),
  order_type: opt(Schema.String),
  status: opt(Schema.String),
  type: Schema.String,
  timestamp: MillisString
})

/** A user-channel `trade` event (status `MATCHED` … `CONFIRMED`, `FAILED`). @category schemas */
export const PolyUserTrade = Schema.Struct({
  id: Schema.String,
  taker_order_id: Schema.String,
  asset_id: Asset,
  market: Schema.String,
  side: Side,
  size: QtyFromString,
  price: PriceFromDollars,
  fee_rate_bps: opt(Schema.String),
  status: Schema.String,
  /** Unix SECONDS on the wire (PROTOCOLS §5.1), decoded to epoch milliseconds */
  match_time: SecondsAsMillis,
  outcome: opt(Schema.String),
  trader_side: opt(Schema.Literals(["TAKER", "MAKER"])),
  maker_orders: Schema.Array(Schema.Struct({
    order_id: Schema.String,
    matched_amount: QtyFromString,
    price: PriceFromDollars,
    asset_id: Asset,
    outcome: opt(Schema.String)
  }))
})
