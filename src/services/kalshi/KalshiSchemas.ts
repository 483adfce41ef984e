/**
 * Kalshi Trade API v2 wire schemas (REST): series, events (with nested markets), markets,
 * order books, and the response envelopes around them.
 *
 * **Fixed-point first, legacy as fallback.** Kalshi moved prices to `*_dollars` strings and counts
 * to `*_fp` strings; the integer-cent fields are gone from live responses but remain in older
 * captures. Each schema reads the fixed-point field and, when only the legacy one is present,
 * fills the fixed-point field from it. The decoded value always carries the current field name, so
 * callers never look at legacy names. Prices decode to `Price` (micro-dollars), counts to `Qty`
 * (micro-contracts), times to epoch milliseconds, fee multipliers to millionths.
 *
 * Unknown keys are ignored; only fields arbees reads are checked, so a new field never breaks a
 * decode but a malformed price always does.
 *
 * @since 0.1.0
 */
import { Schema, SchemaTransformation } from "effect"
import { KalshiTicker } from "../../schema/Ids.ts"
import { MicrosFromDollars, PriceFromCents, PriceFromDollars, QtyFromContracts, QtyFromString } from "../../schema/Money.ts"
import { ArrayOrNull, Elements, IsoMillis, Millionths, type Rejected } from "../marketdata/Wire.ts"

const opt = Schema.optionalKey
const optNull = <S extends Schema.Top>(s: S) => Schema.optionalKey(Schema.NullOr(s))

/**
 * Builds a struct schema that reads `current` fields and, for each `[current, legacy]` pair in
 * `fallbacks`, fills the current field from the legacy one when only the legacy one is present.
 *
 * @category constructors
 */
export const withLegacy = <const F extends Schema.Struct.Fields, const L extends Schema.Struct.Fields>(
  current: F,
  legacy: L,
  fallbacks: ReadonlyArray<readonly [keyof F & string, keyof L & string]>
) => {
  const normal = Schema.toType(Schema.Struct(current))
  return Schema.Struct({ ...current, ...legacy }).pipe(
    Schema.decodeTo(
      normal,
      SchemaTransformation.transform({
        decode: (wire) => {
          const out: Record<string, unknown> = {}
          const source = wire as Record<string, unknown>
          for (const key of Object.keys(current)) {
            if (source[key] !== undefined) out[key] = source[key]
          }
          for (const [to, from] of fallbacks) {
            if (out[to] === undefined && source[from] !== undefined) out[to] = source[from]
          }
          return out as typeof normal.Encoded
        },
        encode: (value) => value as unknown as Schema.Struct<F & L>["Type"]
      })
    )
  )
}

// ---------------------------------------------------------------------------
// Series
// ---------------------------------------------------------------------------

/**
 * A series: the template for recurring events, and where fees are set.
 *
 * @category schemas
 */
export const KalshiSeries = Schema.Struct({
  ticker: KalshiTicker,
  title: optNull(Schema.String),
  category: optNull(Schema.String),
  frequency: optNull(Schema.String),
  tags: optNull(Schema.Array(Schema.String)),
  /** `quadratic`, `quadratic_with_maker_fees`, ...; any string decodes, unknown ones are non-routable */
  fee_type: Schema.String,
  /** Millionths: `0.5` → 500_000 */
  fee_multiplier: Millionths,
  last_updated_ts: opt(IsoMillis)
})
export type KalshiSeries = typeof KalshiSeries.Type

// ---------------------------------------------------------------------------
// Markets
// ---------------------------------------------------------------------------

/** One step of a market's price grid. @category schemas */
export const KalshiPriceRange = Schema.Struct({ start: PriceFromDollars, end: PriceFromDollars, step: PriceFromDollars })
export type KalshiPriceRange = typeof KalshiPriceRange.Type

/**
 * A market (`GET /markets`, `/markets/{ticker}`, nested in events).
 *
 * Quote fields carry the current names (`yes_bid_dollars`, `volume_fp`, ...), filled from the legacy
 * integer fields (`yes_bid`, `volume`, ...) for older payloads. `status` is the object vocabulary
 * (`active`, `initialized`, `inactive`, `closed`, `determined`, `finalized`, ...), not the query one.
 *
 * @category schemas
 */
export const KalshiMarket = withLegacy(
  {
    ticker: KalshiTicker,
    event_ticker: KalshiTicker,
    market_type: optNull(Schema.String),
    title: optNull(Schema.String),
    subtitle: optNull(Schema.String),
    yes_sub_title: optNull(Schema.String),
    no_sub_title: optNull(Schema.String),
    status: Schema.String,
    open_time: optNull(IsoMillis),
    close_time: optNull(IsoMillis),
    expected_expiration_time: optNull(IsoMillis),
    latest_expiration_time: optNull(IsoMillis),
    occurrence_datetime: optNull(IsoMillis),
    yes_bid_dollars: opt(PriceFromDollars),
    yes_ask_dollars: opt(PriceFromDollars),
    no_bid_dollars: opt(PriceFromDollars),
    no_ask_dollars: opt(PriceFromDollars),
    last_price_dollars: opt(PriceFromDollars),
    yes_bid_size_fp: opt(QtyFromString),
    yes_ask_size_fp: opt(QtyFromString),
    volume_fp: opt(QtyFromString),
    volume_24h_fp: opt(QtyFromString),
    open_interest_fp: opt(QtyFromString),
    liquidity_dollars: opt(MicrosFromDollars),
    /** `yes`, `no`, `scalar` (paid at `settlement_value_dollars` per YES) or `void`; empty while open */
    result: optNull(Schema.String),
    settlement_value_dollars: optNull(PriceFromDollars),
    can_close_early: opt(Schema.Boolean),
    rules_primary: optNull(Schema.String),
    rules_secondary: optNull(Schema.String),
    price_level_structure: optNull(Schema.String),
    price_ranges: ArrayOrNull(KalshiPriceRange),
    fractional_trading_enabled: opt(Schema.Boolean)
  },
  {
    yes_bid: opt(PriceFromCents),
    yes_ask: opt(PriceFromCents),
    no_bid: opt(PriceFromCents),
    no_ask: opt(PriceFromCents),
    last_price: opt(PriceFromCents),
    volume: opt(QtyFromContracts),
    volume_24h: opt(QtyFromContracts),
    open_interest: opt(QtyFromContracts)
  },
  [
    ["yes_bid_dollars", "yes_bid"],
    ["yes_ask_dollars", "yes_ask"],
    ["no_bid_dollars", "no_bid"],
    ["no_ask_dollars", "no_ask"],
    ["last_price_dollars", "last_price"],
    ["volume_fp", "volume"],
    ["volume_24h_fp", "volume_24h"],
    ["open_interest_fp", "open_interest"]
  ]
)
export type KalshiMarket = typeof KalshiMarket.Type

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------

/**
 * An event: a real-world occurrence holding one or more markets. `markets` is present with
 * `with_nested_markets=true`. The fee overrides, when set, win over the series' fee parameters.
 *
 * @category schemas
 */
export const KalshiEvent = Schema.Struct({
  event_ticker: KalshiTicker,
  series_ticker: KalshiTicker,
  title: optNull(Schema.String),
  sub_title: optNull(Schema.String),
  category: optNull(Schema.String),
  mutually_exclusive: opt(Schema.Boolean),
  strike_date: optNull(IsoMillis),
  strike_period: optNull(Schema.String),
  fee_type_override: optNull(Schema.String),
  fee_multiplier_override: optNull(Millionths),
  last_updated_ts: opt(IsoMillis),
  /** Decoded market by market: a bad one is `Rejected` and dead-lettered by the client */
  markets: Elements(KalshiMarket, ["ticker"])
})
/** An event as the client returns it: its rejected markets dead-lettered and left out. */
export type KalshiEvent = Omit<typeof KalshiEvent.Type, "markets"> & { readonly markets?: ReadonlyArray<KalshiMarket> }
/** An event as decoded, rejected markets still in place. */
export type KalshiEventWire = typeof KalshiEvent.Type
export type { Rejected }

// ---------------------------------------------------------------------------
// Order books
// ---------------------------------------------------------------------------

/** A fixed-point level `["0.4200", "13.00"]`. @category schemas */
export const KalshiLevelFp = Schema.Tuple([PriceFromDollars, QtyFromString])
/** A legacy level `[42, 13]` (cents, whole contracts). @category schemas */
export const KalshiLevelCents = Schema.Tuple([PriceFromCents, QtyFromContracts])

/** `orderbook_fp`: bids per outcome, ascending (best last). Sides may be absent or null. @category schemas */
export const KalshiOrderbookFp = Schema.Struct({
  yes_dollars: ArrayOrNull(KalshiLevelFp),
  no_dollars: ArrayOrNull(KalshiLevelFp)
})

/** The legacy `orderbook` (cents). @category schemas */
export const KalshiOrderbookCents = Schema.Struct({
  yes: ArrayOrNull(KalshiLevelCents),
  no: ArrayOrNull(KalshiLevelCents)
})

/**
 * An order book as arbees holds it: YES bids and NO bids as `[price, size]` pairs, ascending (the
 * wire order: best last). An unknown ticker is an empty book, not an error (the venue answers 200).
 *
 * @category models
 */
export interface KalshiOrderbook {
  readonly yes: ReadonlyArray<readonly [number, number]>
  readonly no: ReadonlyArray<readonly [number, number]>
}

const normalBook = Schema.toType(Schema.Struct({
  yes: Schema.Array(Schema.Tuple([Schema.Number, Schema.Number])),
  no: Schema.Array(Schema.Tuple([Schema.Number, Schema.Number]))
}))

/**
 * `GET /markets/{ticker}/orderbook`: `orderbook_fp`, or the legacy `orderbook` when that is all
 * there is.
 *
 * @category schemas
 */
export const KalshiOrderbookResponse = Schema.Struct({
  orderbook_fp: optNull(KalshiOrderbookFp),
  orderbook: optNull(KalshiOrderbookCents)
}).pipe(
  Schema.decodeTo(
    normalBook,
    SchemaTransformation.transform({
      decode: (wire): KalshiOrderbook => {
        if (wire.orderbook_fp != null) return { yes: wire.orderbook_fp.yes_dollars ?? [], no: wire.orderbook_fp.no_dollars ?? [] }
        if (wire.orderbook != null) return { yes: wire.orderbook.yes ?? [], no: wire.orderbook.no ?? [] }
        return { yes: [], no: [] }
      },
      encode: (book) => ({ orderbook_fp: { yes_dollars: book.yes, no_dollars: book.no } }) as never
    })
  )
)

/** `GET /markets/orderbooks` (repeated `tickers=`): one book per requested ticker. @category schemas */
export const KalshiOrderbooksResponse = Schema.Struct({
  orderbooks: Elements(Schema.Struct({ ticker: KalshiTicker, orderbook_fp: optNull(KalshiOrderbookFp) }), ["ticker"])
})

// ---------------------------------------------------------------------------
// Envelopes. List pages decode element by element (`Elements`): a bad element is dead-lettered
// by the client, and the rest of the page survives.
// ---------------------------------------------------------------------------

/** `GET /series` (not paginated). @category schemas */
export const KalshiSeriesListResponse = Schema.Struct({ series: Elements(KalshiSeries, ["ticker"]) })
/** `GET /series/{ticker}`. @category schemas */
export const KalshiSeriesResponse = Schema.Struct({ series: KalshiSeries })
/** `GET /events` (cursor-paged; `""` ends). @category schemas */
export const KalshiEventsResponse = Schema.Struct({ events: Elements(KalshiEvent, ["event_ticker"]), cursor: optNull(Schema.String) })
/** `GET /events/{ticker}`: the event, and its markets beside it unless nested. @category schemas */
export const KalshiEventResponse = Schema.Struct({ event: KalshiEvent, markets: Elements(KalshiMarket, ["ticker"]) })
/** `GET /markets` (cursor-paged; `""` ends). @category schemas */
export const KalshiMarketsResponse = Schema.Struct({ markets: Elements(KalshiMarket, ["ticker"]), cursor: optNull(Schema.String) })
/** `GET /markets/{ticker}`. @category schemas */
export const KalshiMarketResponse = Schema.Struct({ market: KalshiMarket })

/** An error body: `{"error":{"code","message"}}` or `{"error":"..."}`. @category schemas */
export const KalshiErrorBody = Schema.Struct({
  error: Schema.Union([Schema.String, Schema.Struct({ code: opt(Schema.String), message: opt(Schema.String) })])
})
