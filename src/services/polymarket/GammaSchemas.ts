/**
 * Polymarket Gamma API wire schemas: events (with their sports fields and nested markets) and
 * markets.
 *
 * Gamma quirks handled here, so no caller has to:
 * - `outcomes`, `outcomePrices` and `clobTokenIds` are JSON *strings* (`"[\"Yes\", \"No\"]"`);
 *   they decode to arrays, index i of each lining up. Real arrays are accepted too.
 * - Token ids are big decimal integers (> 2^53): they stay strings (`TokenId`).
 * - `gameStartTime` is not ISO (`"2026-08-14 21:00:00+00"`); it decodes to epoch ms, as do the
 *   ISO dates.
 * - `feeSchedule{rate, exponent, takerOnly, rebateRate}` comes per market; the rate decodes to
 *   millionths, exactly.
 * - Protocol-V2 markets may carry `positionIds` instead of `clobTokenIds`; `clobTokenIds` is filled
 *   from it.
 * - `gameId` is an integer on events and a string on markets; both decode to a string.
 *
 * Unknown keys are ignored; informational float fields (`bestBid`, `volume`, ...) are not read:
 * books come from the CLOB.
 *
 * @since 0.1.0
 */
import { Schema, SchemaTransformation } from "effect"
import { ConditionId, TokenId } from "../../schema/Ids.ts"
import { Price, PriceFromDollars, Qty } from "../../schema/Money.ts"
import { ElementList, Elements, IsoMillis, LooseTimestampMillis, Millionths, type Rejected, ScaledDecimal } from "../marketdata/Wire.ts"

const opt = Schema.optionalKey
const optNull = <S extends Schema.Top>(s: S) => Schema.optionalKey(Schema.NullOr(s))

/**
 * A JSON array that Gamma sends as a JSON-encoded string (or, sometimes, as a real array).
 *
 * @category schemas
 */
export const JsonStringArray = <S extends Schema.Top & { readonly DecodingServices: never; readonly EncodingServices: never }>(item: S) =>
  Schema.Union([Schema.fromJsonString(Schema.Array(item)), Schema.Array(item)])

/** An id that is a number in some payloads and a string in others; decodes to a string. @category schemas */
export const IdString = Schema.Union([Schema.String, Schema.Int]).pipe(
  Schema.decodeTo(Schema.String, SchemaTransformation.transform<string, string | number>({ decode: (v) => String(v), encode: (s) => s }))
)

/** A price sent as a JSON number (`0.01`), exactly. @category schemas */
export const PriceNumber = ScaledDecimal(6).pipe(Schema.decodeTo(Price))
/** A share count sent as a JSON number (`5`), exactly. @category schemas */
export const QtyNumber = ScaledDecimal(6).pipe(Schema.decodeTo(Qty))

/**
 * A market's fee schedule: `rate` in millionths (0.05 → 50_000), the exponent as given (a
 * fractional one makes the market non-routable in `PolymarketFees`), and the maker rebate share.
 *
 * @category schemas
 */
export const GammaFeeSchedule = Schema.Struct({
  rate: Millionths,
  exponent: Schema.Number,
  takerOnly: opt(Schema.Boolean),
  rebateRate: opt(Millionths)
})
export type GammaFeeSchedule = typeof GammaFeeSchedule.Type

const marketFields = {
  id: IdString,
  question: opt(Schema.String),
  conditionId: ConditionId,
  slug: opt(Schema.String),
  description: opt(Schema.String),
  startDate: optNull(IsoMillis),
  endDate: optNull(IsoMillis),
  outcomes: JsonStringArray(Schema.String),
  outcomePrices: opt(JsonStringArray(PriceFromDollars)),
  clobTokenIds: opt(JsonStringArray(TokenId)),
  active: opt(Schema.Boolean),
  closed: opt(Schema.Boolean),
  archived: opt(Schema.Boolean),
  acceptingOrders: opt(Schema.Boolean),
  enableOrderBook: opt(Schema.Boolean),
  orderPriceMinTickSize: optNull(PriceNumber),
  orderMinSize: optNull(QtyNumber),
  negRisk: opt(Schema.Boolean),
  negRiskOther: opt(Schema.Boolean),
  groupItemTitle: opt(Schema.String),
  /** Non-ISO `"2026-08-14 21:00:00+00"`, as epoch ms */
  gameStartTime: optNull(LooseTimestampMillis),
  gameId: optNull(IdString),
  /** `moneyline`, `spreads`, `totals`, `map_handicap`, `soccer_team_to_advance`, ... */
  sportsMarketType: optNull(Schema.String),
  /** Spread or total line, when the market has one */
  line: optNull(Schema.Number),
  feesEnabled: opt(Schema.Boolean),
  feeType: optNull(Schema.String),
  feeSchedule: optNull(GammaFeeSchedule)
}

/**
 * A Gamma market (a condition): its outcomes, their token ids, and its trading and fee rules.
 *
 * @category schemas
 */
export const GammaMarket = Schema.Struct({ ...marketFields, positionIds: opt(JsonStringArray(TokenId)) }).pipe(
  Schema.decodeTo(
    Schema.toType(Schema.Struct(marketFields)),
    SchemaTransformation.transform({
      decode: ({ positionIds, ...market }) =>
        market.clobTokenIds === undefined && positionIds !== undefined ? { ...market, clobTokenIds: positionIds } : market,
      encode: (market) => market
    })
  )
)
export type GammaMarket = typeof GammaMarket.Type

/** @category schemas */
export const GammaTag = Schema.Struct({ id: IdString, label: opt(Schema.String), slug: opt(Schema.String) })

/** @category schemas */
export const GammaSeries = Schema.Struct({ id: IdString, ticker: opt(Schema.String), slug: opt(Schema.String), title: opt(Schema.String) })

/** A team on a sports event; `ordering` says which side it is. @category schemas */
export const GammaTeam = Schema.Struct({
  id: opt(IdString),
  name: Schema.String,
  abbreviation: optNull(Schema.String),
  league: optNull(Schema.String),
  ordering: optNull(Schema.String)
})
export type GammaTeam = typeof GammaTeam.Type

/** The sport block of a sports event. @category schemas */
export const GammaSport = Schema.Struct({
  id: opt(IdString),
  sport: Schema.String,
  name: opt(Schema.String),
  primaryTagId: opt(IdString),
  tags: opt(Schema.String)
})

/**
 * A Gamma event: its markets, tags and series, and for sports events the teams, the game id, the
 * event date and the start time.
 *
 * @category schemas
 */
export const GammaEvent = Schema.Struct({
  id: IdString,
  ticker: opt(Schema.String),
  slug: opt(Schema.String),
  title: opt(Schema.String),
  description: opt(Schema.String),
  startDate: optNull(IsoMillis),
  endDate: optNull(IsoMillis),
  active: opt(Schema.Boolean),
  closed: opt(Schema.Boolean),
  archived: opt(Schema.Boolean),
  negRisk: opt(Schema.Boolean),
  negRiskAugmented: opt(Schema.Boolean),
  tags: optNull(Schema.Array(GammaTag)),
  series: optNull(Schema.Array(GammaSeries)),
  teams: optNull(Schema.Array(GammaTeam)),
  sport: optNull(GammaSport),
  gameId: optNull(IdString),
  /** `"2026-08-14"`: the calendar date of the game */
  eventDate: optNull(Schema.String),
  startTime: optNull(IsoMillis),
  /** `"NS"` = not started */
  period: optNull(Schema.String),
  /**
   * Decoded market by market: one with `conditionId` `""`, `null` or the wrong length, or
   * `outcomes: null` (pending deployment), is `Rejected`, dead-lettered and skipped by the client,
   * as the official client skips it; the event stays.
   */
  markets: Elements(GammaMarket, ["conditionId", "id"])
})
/** An event as the client returns it: rejected markets dead-lettered and left out. */
export type GammaEvent = Omit<typeof GammaEvent.Type, "markets"> & { readonly markets?: ReadonlyArray<GammaMarket> }
/** An event as decoded, rejected markets still in place. */
export type GammaEventWire = typeof GammaEvent.Type
export type { Rejected }

/** `GET /tags`: an array. @category schemas */
export const GammaTagsResponse = Schema.Array(GammaTag)

/** `GET /events`: an array, decoded event by event. @category schemas */
export const GammaEventsResponse = ElementList(GammaEvent, ["id"])
/** `GET /markets`: an array, decoded market by market. @category schemas */
export const GammaMarketsResponse = ElementList(GammaMarket, ["conditionId", "id"])
