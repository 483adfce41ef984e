/**
 * Kalshi WebSocket message schemas: the specification of every frame arbees reads on
 * `/trade-api/ws/v2`.
 *
 * Envelope: `{type, sid, seq, msg}`; command responses carry the command `id`.
 *
 * - `orderbook_snapshot`: `msg{market_ticker, yes_dollars_fp, no_dollars_fp}` (bids per outcome,
 *   ascending). Older servers sent `yes_dollars` as `[price, integer count]`, or `yes`/`no` in
 *   cents; each side falls back independently.
 * - `orderbook_delta`: `msg{market_ticker, price_dollars, delta_fp, side, ts_ms | ts}`. `delta` is a
 *   **signed increment**. Older: `price` in cents, integer `delta`.
 * - `ticker`, `trade`: quotes and public trades (fixed-point with legacy fallback).
 * - `subscribed`, `ok`, `unsubscribed`, `error`: command responses.
 *
 * The two order-book messages are on the hottest path in arbees, so the stream decodes them with
 * a hand-specialised decoder (`KalshiWsDecoder.ts`) that is property-tested to accept exactly what
 * these Schemas accept and to produce the same values; these Schemas stay the specification and
 * produce the error message for any frame the fast path rejects.
 *
 * @since 0.1.0
 */
import { Schema, SchemaTransformation } from "effect"
import {
  PriceFromCents,
  PriceFromDollars,
  QtyDeltaFromContracts,
  QtyDeltaFromString,
  QtyFromContracts,
  QtyFromString
} from "../../schema/Money.ts"
import { ArrayOrNull } from "../marketdata/Wire.ts"
import { withLegacy } from "./KalshiSchemas.ts"

const opt = Schema.optionalKey
const Ticker = Schema.NonEmptyString
/** Subscription ids and sequence numbers start at 1; a negative one would skip the gap check. */
const PositiveInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))

// ---------------------------------------------------------------------------
// Order book
// ---------------------------------------------------------------------------

const LevelFp = Schema.Tuple([PriceFromDollars, QtyFromString])
const LevelDollarsInt = Schema.Tuple([PriceFromDollars, QtyFromContracts])
const LevelCents = Schema.Tuple([PriceFromCents, QtyFromContracts])

/** A snapshot as the stream applies it: bids per outcome as `[price, size]`, wire order. @category models */
export interface KalshiSnapshot {
  readonly sid: number
  readonly seq: number
  readonly ticker: string
  readonly yes: ReadonlyArray<readonly [number, number]>
  readonly no: ReadonlyArray<readonly [number, number]>
}

const Levels = Schema.Array(Schema.Tuple([Schema.Number, Schema.Number]))

/**
 * `orderbook_snapshot`, normalised.
 *
 * @category schemas
 */
export const KalshiSnapshotMessage = Schema.Struct({
  type: Schema.Literal("orderbook_snapshot"),
  sid: PositiveInt,
  seq: PositiveInt,
  msg: Schema.Struct({
    market_ticker: Ticker,
    // A side may be absent or `null` when empty
    yes_dollars_fp: ArrayOrNull(LevelFp),
    no_dollars_fp: ArrayOrNull(LevelFp),
    yes_dollars: ArrayOrNull(LevelDollarsInt),
    no_dollars: ArrayOrNull(LevelDollarsInt),
    yes: ArrayOrNull(LevelCents),
    no: ArrayOrNull(LevelCents)
  })
}).pipe(
  Schema.decodeTo(
    Schema.toType(Schema.Struct({ sid: Schema.Int, seq: Schema.Int, ticker: Schema.String, yes: Levels, no: Levels })),
    SchemaTransformation.transform({
      decode: (m): KalshiSnapshot => ({
        sid: m.sid,
        seq: m.seq,
        ticker: m.msg.market_ticker,
        yes: m.msg.yes_dollars_fp ?? m.msg.yes_dollars ?? m.msg.yes ?? [],
        no: m.msg.no_dollars_fp ?? m.msg.no_dollars ?? m.msg.no ?? []
      }),
      encode: (s) => ({ type: "orderbook_snapshot" as const, sid: s.sid, seq: s.seq, msg: { market_ticker: s.ticker, yes_dollars_fp: s.yes, no_dollars_fp: s.no } }) as never
    })
  )
)

/** A delta as the stream applies it. @category models */
export interface KalshiDelta {
  readonly sid: number
  readonly seq: number
  readonly ticker: string
  readonly side: "yes" | "no"
  readonly price: number
  /** Signed micro-contracts */
  readonly delta: number
  /** Venue time (epoch ms) when it said so with `ts_ms`, else -1 */
  readonly venueTs: number
}

const DeltaFields = Schema.Struct({
  market_ticker: Ticker,
  side: Schema.Literals(["yes", "no"]),
  price_dollars: opt(PriceFromDollars),
  price: opt(PriceFromCents),
  delta_fp: opt(QtyDeltaFromString),
  delta: opt(QtyDeltaFromContracts),
  ts_ms: opt(Schema.Int),
  ts: opt(Schema.Union([Schema.String, Schema.Number])),
  client_order_id: opt(Schema.String)
}).check(
  Schema.makeFilter((m) => (m.price_dollars !== undefined || m.price !== undefined) || "expected price_dollars or price"),
  Schema.makeFilter((m) => (m.delta_fp !== undefined || m.delta !== undefined) || "expected delta_fp or delta")
)

/**
 * `orderbook_delta`, normalised: the fixed-point price and count, or the legacy cents and integer
 * contracts when that is what the frame has.
 *
 * @category schemas
 */
export const KalshiDeltaMessage = Schema.Struct({
  type: Schema.Literal("orderbook_delta"),
  sid: PositiveInt,
  seq: PositiveInt,
  msg: DeltaFields
}).pipe(
  Schema.decodeTo(
    Schema.toType(Schema.Struct({
      sid: Schema.Int,
      seq: Schema.Int,
      ticker: Schema.String,
      side: Schema.Literals(["yes", "no"]),
      price: Schema.Number,
      delta: Schema.Number,
      venueTs: Schema.Number
    })),
    SchemaTransformation.transform({
      decode: (m): KalshiDelta => ({
        sid: m.sid,
        seq: m.seq,
        ticker: m.msg.market_ticker,
        side: m.msg.side,
        price: (m.msg.price_dollars ?? m.msg.price)!,
        delta: (m.msg.delta_fp ?? m.msg.delta)!,
        venueTs: m.msg.ts_ms ?? -1
      }),
      encode: (d) => ({ type: "orderbook_delta" as const, sid: d.sid, seq: d.seq, msg: { market_ticker: d.ticker, side: d.side, price_dollars: d.price, delta_fp: d.delta, ts_ms: d.venueTs } }) as never
    })
  )
)

// ---------------------------------------------------------------------------
// Ticker and trade
// ---------------------------------------------------------------------------

/**
 * `ticker` message body: quotes, volume and open interest (no `seq`).
 *
 * @category schemas
 */
export const KalshiTickerMsg = withLegacy(
  {
    market_ticker: Ticker,
    market_id: opt(Schema.String),
    price_dollars: opt(PriceFromDollars),
    yes_bid_dollars: opt(PriceFromDollars),
    yes_ask_dollars: opt(PriceFromDollars),
    yes_bid_size_fp: opt(QtyFromString),
    yes_ask_size_fp: opt(QtyFromString),
    last_trade_size_fp: opt(QtyFromString),
    volume_fp: opt(QtyFromString),
    open_interest_fp: opt(QtyFromString),
    /** Unix seconds */
    ts: opt(Schema.Int)
  },
  {
    price: opt(PriceFromCents),
    yes_bid: opt(PriceFromCents),
    yes_ask: opt(PriceFromCents),
    volume: opt(QtyFromContracts),
    open_interest: opt(QtyFromContracts)
  },
  [["price_dollars", "price"], ["yes_bid_dollars", "yes_bid"], ["yes_ask_dollars", "yes_ask"], ["volume_fp", "volume"], ["open_interest_fp", "open_interest"]]
)
export type KalshiTickerMsg = typeof KalshiTickerMsg.Type

/** @category schemas */
export const KalshiTickerMessage = Schema.Struct({ type: Schema.Literal("ticker"), sid: Schema.Int, msg: KalshiTickerMsg })

/**
 * `trade` message body: a public trade.
 *
 * @category schemas
 */
export const KalshiTradeMsg = withLegacy(
  {
    trade_id: Schema.String,
    market_ticker: Ticker,
    yes_price_dollars: opt(PriceFromDollars),
    no_price_dollars: opt(PriceFromDollars),
    count_fp: opt(QtyFromString),
    taker_side: opt(Schema.Literals(["yes", "no"])),
    taker_outcome_side: opt(Schema.Literals(["yes", "no"])),
    taker_book_side: opt(Schema.Literals(["bid", "ask"])),
    is_block_trade: opt(Schema.Boolean),
    /** Unix seconds */
    ts: opt(Schema.Int),
    ts_ms: opt(Schema.Int)
  },
  { yes_price: opt(PriceFromCents), no_price: opt(PriceFromCents), count: opt(QtyFromContracts) },
  [["yes_price_dollars", "yes_price"], ["no_price_dollars", "no_price"], ["count_fp", "count"]]
)
export type KalshiTradeMsg = typeof KalshiTradeMsg.Type

/** @category schemas */
export const KalshiTradeMessage = Schema.Struct({ type: Schema.Literal("trade"), sid: Schema.Int, seq: opt(Schema.Int), msg: KalshiTradeMsg })

// ---------------------------------------------------------------------------
// Command responses
// ---------------------------------------------------------------------------

/** `{"id":1,"type":"subscribed","msg":{"channel":"orderbook_delta","sid":1}}` @category schemas */
export const KalshiSubscribed = Schema.Struct({
  type: Schema.Literal("subscribed"),
  id: opt(Schema.Int),
  msg: Schema.Struct({ channel: Schema.String, sid: Schema.Int })
})

/** `{"id":3,"type":"ok","sid":42,"seq":7,"market_tickers":[...]}` @category schemas */
export const KalshiOk = Schema.Struct({
  type: Schema.Literal("ok"),
  id: opt(Schema.Int),
  sid: opt(Schema.Int),
  seq: opt(Schema.Int),
  market_tickers: opt(Schema.Array(Schema.String))
})

/** `{"id":2,"type":"unsubscribed","sid":42}` @category schemas */
export const KalshiUnsubscribed = Schema.Struct({ type: Schema.Literal("unsubscribed"), id: opt(Schema.Int), sid: opt(Schema.Int) })

/** `{"id":123,"type":"error","msg":{"code":6,"msg":"..."}}` @category schemas */
export const KalshiErrorMessage = Schema.Struct({
  type: Schema.Literal("error"),
  id: opt(Schema.NullOr(Schema.Int)),
  msg: Schema.Struct({ code: Schema.Int, msg: opt(Schema.String) })
})
