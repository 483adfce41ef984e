/**
 * The adapters from the venues' wire schemas to the matcher's listings: Kalshi events (from
 * `/events?with_nested_markets=true`) or markets (from `/markets`, grouped by event) to
 * {@link KalshiEventListing}, and Gamma `/events` to {@link PolymarketEventListing}.
 *
 * Two entry points per venue:
 * - from values the venue clients already decoded (`kalshiListingsFromEvents`, ...), for discovery;
 * - from raw JSON (`decodeKalshiListings`, `decodePolymarketListings`), for saved payloads. Each
 *   event (or, for `/markets`, each market) is decoded on its own with the venue Schema, so one
 *   malformed listing is one failure and the rest still decode.
 *
 * A listing the matcher could not use safely is a failure too, never silently trimmed: an event
 * without markets, a Gamma event without slug or title, an `eventDate` that is not a date. A
 * market that cannot be mapped (a Gamma market without token ids, or with fewer token ids than
 * outcomes; a Kalshi market filed under another event) is left out of its event and reported;
 * leaving a market out can lose a match but never makes a wrong one.
 *
 * Pure: the caller records the failures (dead letter, metric, log, or a line on stderr).
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import type {
  KalshiEventListing,
  KalshiMarketListing,
  PolymarketEventListing,
  PolymarketMarketListing,
  PolymarketTeam
} from "../../domain/matching/Inputs.ts"
import { groupKalshiMarkets, type KalshiFlatMarket } from "../../domain/matching/KalshiListings.ts"
import { Decode } from "../../schema/errors/Reasons.ts"
import { VenueError } from "../../schema/errors/VenueError.ts"
import type { Platform } from "../../schema/Platform.ts"
import { sampleOf } from "../espn/Scoreboard.ts"
import { KalshiEvent, KalshiMarket } from "../kalshi/KalshiSchemas.ts"
import { splitElements } from "../marketdata/Wire.ts"
import { GammaEvent, type GammaMarket } from "../polymarket/GammaSchemas.ts"

/** One listing (or one market of a listing) that could not be used. @category models */
export interface ListingFailure {
  readonly platform: Platform
  /** The event ticker, Gamma event id or market id, when the payload has one */
  readonly listingId?: string
  readonly error: VenueError
  /** The offending payload, for the dead letter */
  readonly payload?: unknown
}

/** @category models */
export interface Adapted<A> {
  readonly listings: ReadonlyArray<A>
  readonly failures: ReadonlyArray<ListingFailure>
}

const failure = (platform: Platform, operation: string, listingId: string | undefined, message: string, payload: unknown): ListingFailure => ({
  platform,
  ...(listingId === undefined ? {} : { listingId }),
  // Schema messages span lines ("... \n  at [path]"): one line reads better on stderr and in logs
  error: new VenueError({ platform, reason: new Decode({ operation, message: message.replace(/\s*\n\s*/g, " "), sample: sampleOf(payload) }) }),
  payload
})

/** The key with its value, or nothing when the value is absent or null. */
const opt = <K extends string, V>(key: K, value: V | null | undefined): { [k in K]?: V } =>
  value === undefined || value === null ? {} : ({ [key]: value } as { [k in K]?: V })

const fieldOf = (raw: unknown, key: string): string | undefined => {
  if (typeof raw !== "object" || raw === null) return undefined
  const v = (raw as Record<string, unknown>)[key]
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined
}

type AdaptedOne<A> = { readonly listing?: A; readonly failures: ReadonlyArray<ListingFailure> }

const adaptAll = <E, A>(events: ReadonlyArray<E>, adapt: (event: E) => AdaptedOne<A>): Adapted<A> => {
  const listings: Array<A> = []
  const failures: Array<ListingFailure> = []
  for (const e of events) {
    const r = adapt(e)
    if (r.listing !== undefined) listings.push(r.listing)
    failures.push(...r.failures)
  }
  return { listings, failures }
}

// ---------------------------------------------------------------------------------------------
// Kalshi

const kalshiMarket = (m: KalshiMarket): KalshiMarketListing => ({
  ticker: m.ticker,
  ...opt("title", m.title),
  ...opt("yesSubTitle", m.yes_sub_title),
  ...opt("noSubTitle", m.no_sub_title),
  status: m.status,
  ...opt("openTime", m.open_time),
  ...opt("closeTime", m.close_time),
  ...opt("expectedExpirationTime", m.expected_expiration_time),
  ...opt("occurrenceTime", m.occurrence_datetime),
  ...opt("rulesPrimary", m.rules_primary),
  ...opt("rulesSecondary", m.rules_secondary)
})

/**
 * One Kalshi event with its nested markets. Fails when it has no markets (it was fetched without
 * `with_nested_markets=true`); a market filed under another event is left out and reported.
 *
 * @category adapters
 */
export const kalshiEventListing = (event: KalshiEvent): AdaptedOne<KalshiEventListing> => {
  const markets = event.markets ?? []
  if (markets.length === 0) {
    return { failures: [failure("kalshi", "kalshiEvent", event.event_ticker, `event ${event.event_ticker} has no markets (fetch it with with_nested_markets=true)`, event)] }
  }
  const failures: Array<ListingFailure> = []
  const own: Array<KalshiMarketListing> = []
  for (const m of markets) {
    if (m.event_ticker !== event.event_ticker) {
      failures.push(failure("kalshi", "kalshiMarket", m.ticker, `market ${m.ticker} of event ${m.event_ticker} is nested in event ${event.event_ticker}`, m))
    } else {
      own.push(kalshiMarket(m))
    }
  }
  if (own.length === 0) return { failures }
  return {
    listing: {
      eventTicker: event.event_ticker,
      seriesTicker: event.series_ticker,
      ...opt("title", event.title),
      ...opt("subTitle", event.sub_title),
      markets: own
    },
    failures
  }
}

/** Decoded `/events` entries as listings. @category adapters */
export const kalshiListingsFromEvents = (events: ReadonlyArray<KalshiEvent>): Adapted<KalshiEventListing> => adaptAll(events, kalshiEventListing)

/** Decoded `/markets` entries, grouped into one listing per event (in first-seen order). @category adapters */
export const kalshiListingsFromMarkets = (markets: ReadonlyArray<KalshiMarket>): Adapted<KalshiEventListing> => {
  // The schema requires `event_ticker`, so no market is an orphan
  const flat: ReadonlyArray<KalshiFlatMarket> = markets.map((m) => ({ ...kalshiMarket(m), eventTicker: m.event_ticker }))
  return { listings: groupKalshiMarkets(flat).events, failures: [] }
}

const decodeKalshiEvent = Schema.decodeUnknownResult(KalshiEvent)
const decodeKalshiMarket = Schema.decodeUnknownResult(KalshiMarket)
const KalshiEventsEnvelope = Schema.Struct({ events: Schema.NullOr(Schema.Array(Schema.Unknown)) })
const KalshiMarketsEnvelope = Schema.Struct({ markets: Schema.NullOr(Schema.Array(Schema.Unknown)) })
const decodeEventsEnvelope = Schema.decodeUnknownResult(KalshiEventsEnvelope)
const decodeMarketsEnvelope = Schema.decodeUnknownResult(KalshiMarketsEnvelope)

/** Events with their rejected markets left out, and one failure per rejected market; the event stays. */
const withoutRejectedMarkets = <E extends { readonly markets?: ReadonlyArray<unknown> }>(
  events: ReadonlyArray<E>,
  platform: Platform,
  operation: string,
  idOf: (event: E) => string
) => {
  const marketFailures: Array<ListingFailure> = []
  const clean = events.map((e) => {
    if (e.markets === undefined) return e
    const { items, rejected } = splitElements(e.markets)
    for (const r of rejected) marketFailures.push(failure(platform, operation, r.id, `event ${idOf(e)} market ${r.id ?? `#${r.index}`}: ${r.error}`, r.payload))
    return { ...e, markets: items }
  })
  return { clean, marketFailures }
}

/** Each raw item decoded on its own: the successes, and one failure per item that did not decode. */
const decodeEach = <A>(
  items: ReadonlyArray<unknown>,
  decode: (raw: unknown) => Result.Result<A, { readonly message: string }>,
  onFailure: (raw: unknown, message: string) => ListingFailure
): { readonly decoded: ReadonlyArray<A>; readonly failures: ReadonlyArray<ListingFailure> } => {
  const decoded: Array<A> = []
  const failures: Array<ListingFailure> = []
  for (const raw of items) {
    const r = decode(raw)
    if (Result.isSuccess(r)) decoded.push(r.success)
    else failures.push(onFailure(raw, r.failure.message))
  }
  return { decoded, failures }
}

/**
 * A saved Kalshi `/events` (with nested markets) or `/markets` response. Fails only when the
 * payload is neither; otherwise every event (or market) stands alone.
 *
 * @category decoding
 */
export const decodeKalshiListings = (json: unknown): Result.Result<Adapted<KalshiEventListing>, VenueError> => {
  const events = decodeEventsEnvelope(json)
  if (Result.isSuccess(events)) {
    const each = decodeEach(events.success.events ?? [], decodeKalshiEvent, (raw, message) =>
      failure("kalshi", "kalshiEvent", fieldOf(raw, "event_ticker"), `event ${fieldOf(raw, "event_ticker") ?? "?"}: ${message}`, raw))
    const { clean, marketFailures } = withoutRejectedMarkets(each.decoded, "kalshi", "kalshiMarket", (e) => e.event_ticker)
    const adapted = kalshiListingsFromEvents(clean as ReadonlyArray<KalshiEvent>)
    return Result.succeed({ listings: adapted.listings, failures: [...each.failures, ...marketFailures, ...adapted.failures] })
  }
  const markets = decodeMarketsEnvelope(json)
  if (Result.isSuccess(markets)) {
    const each = decodeEach(markets.success.markets ?? [], decodeKalshiMarket, (raw, message) =>
      failure("kalshi", "kalshiMarket", fieldOf(raw, "ticker"), `market ${fieldOf(raw, "ticker") ?? "?"}: ${message}`, raw))
    return Result.succeed({ listings: kalshiListingsFromMarkets(each.decoded).listings, failures: each.failures })
  }
  return Result.fail(
    new VenueError({
      platform: "kalshi",
      reason: new Decode({ operation: "kalshiListings", message: "not a Kalshi /events or /markets response (no events[] or markets[])", sample: sampleOf(json) })
    })
  )
}

// ---------------------------------------------------------------------------------------------
// Polymarket (Gamma)

const DATE = /^\d{4}-\d{2}-\d{2}$/

const ordering = (o: string | null | undefined): "home" | "away" | undefined => (o === "home" || o === "away" ? o : undefined)

const gammaMarket = (eventId: string, m: GammaMarket): Result.Result<PolymarketMarketListing, ListingFailure> => {
  const problem = (message: string) => Result.fail(failure("polymarket", "gammaMarket", m.conditionId, `event ${eventId} market ${m.id}: ${message}`, m))
  if (m.question === undefined) return problem("no question")
  const tokenIds = m.clobTokenIds
  if (tokenIds === undefined) return problem("no clobTokenIds or positionIds")
  if (tokenIds.length !== m.outcomes.length) return problem(`${m.outcomes.length} outcomes but ${tokenIds.length} token ids`)
  return Result.succeed({
    id: m.id,
    conditionId: m.conditionId,
    ...opt("slug", m.slug),
    question: m.question,
    ...opt("groupItemTitle", m.groupItemTitle),
    outcomes: m.outcomes,
    tokenIds,
    ...opt("sportsMarketType", m.sportsMarketType),
    ...opt("gameStartTime", m.gameStartTime),
    ...opt("negRisk", m.negRisk),
    ...opt("negRiskOther", m.negRiskOther),
    ...opt("description", m.description),
    ...opt("closed", m.closed)
  })
}

const gammaTeam = (t: { readonly name: string; readonly abbreviation?: string | null; readonly ordering?: string | null }): PolymarketTeam => ({
  name: t.name,
  ...opt("abbreviation", t.abbreviation),
  ...opt("ordering", ordering(t.ordering))
})

/**
 * One Gamma event. `seriesSlug` is read from `series[]` (the schema does not carry Gamma's
 * top-level `seriesSlug`); `sport.ordering` is not in the schema and the matcher does not need it
 * (it reads each team's own `ordering`).
 *
 * @category adapters
 */
export const polymarketEventListing = (event: GammaEvent): AdaptedOne<PolymarketEventListing> => {
  const problem = (message: string) => ({ failures: [failure("polymarket", "gammaEvent", event.id, `event ${event.id}: ${message}`, event)] })
  if (event.slug === undefined || event.slug === "") return problem("no slug")
  if (event.title === undefined) return problem("no title")
  if (event.eventDate != null && !DATE.test(event.eventDate)) return problem(`eventDate ${JSON.stringify(event.eventDate)} is not YYYY-MM-DD`)
  const raw = event.markets ?? []
  if (raw.length === 0) return problem("no markets")
  const markets: Array<PolymarketMarketListing> = []
  const failures: Array<ListingFailure> = []
  for (const m of raw) {
    const r = gammaMarket(event.id, m)
    if (Result.isSuccess(r)) markets.push(r.success)
    else failures.push(r.failure)
  }
  if (markets.length === 0) return { failures }
  const seriesSlug = event.series?.find((s) => s.slug !== undefined && s.slug !== "")?.slug
  return {
    listing: {
      id: event.id,
      slug: event.slug,
      title: event.title,
      ...opt("seriesSlug", seriesSlug),
      tagSlugs: (event.tags ?? []).flatMap((t) => (t.slug === undefined || t.slug === "" ? [] : [t.slug])),
      teams: (event.teams ?? []).map(gammaTeam),
      ...opt("gameId", event.gameId),
      ...opt("eventDate", event.eventDate),
      ...opt("startTime", event.startTime),
      negRisk: event.negRisk === true,
      negRiskAugmented: event.negRiskAugmented === true,
      ...opt("description", event.description),
      markets
    },
    failures
  }
}

/** Decoded Gamma `/events` entries as listings. @category adapters */
export const polymarketListingsFromEvents = (events: ReadonlyArray<GammaEvent>): Adapted<PolymarketEventListing> =>
  adaptAll(events, polymarketEventListing)

const decodeGammaEvent = Schema.decodeUnknownResult(GammaEvent)
const decodeGammaEnvelope = Schema.decodeUnknownResult(Schema.Array(Schema.Unknown))

/**
 * A saved Gamma `/events` response (a JSON array of events). Fails only when the payload is not
 * an array; otherwise every event stands alone.
 *
 * @category decoding
 */
export const decodePolymarketListings = (json: unknown): Result.Result<Adapted<PolymarketEventListing>, VenueError> => {
  const envelope = decodeGammaEnvelope(json)
  if (Result.isFailure(envelope)) {
    return Result.fail(
      new VenueError({
        platform: "polymarket",
        reason: new Decode({ operation: "gammaEvents", message: "not a Gamma /events response (expected a JSON array of events)", sample: sampleOf(json) })
      })
    )
  }
  const each = decodeEach(envelope.success, decodeGammaEvent, (raw, message) =>
    failure("polymarket", "gammaEvent", fieldOf(raw, "id"), `event ${fieldOf(raw, "id") ?? "?"}: ${message}`, raw))
  const { clean, marketFailures } = withoutRejectedMarkets(each.decoded, "polymarket", "gammaMarket", (e) => e.id)
  const adapted = polymarketListingsFromEvents(clean as ReadonlyArray<GammaEvent>)
  return Result.succeed({ listings: adapted.listings, failures: [...each.failures, ...marketFailures, ...adapted.failures] })
}
