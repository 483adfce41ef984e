/**
 * Kalshi Trade API v2 REST client: series (with fee parameters), events, markets, order books.
 *
 * - Every request takes `kalshi.requestCost` tokens from the shared read bucket first
 *   ({@link KalshiRateLimiter}); a 429 pauses the whole read class for `kalshi.rateLimitPause`.
 * - Requests are signed (RSA-PSS) when credentials are configured. Public market data works
 *   without them; the batch order-book endpoint needs them.
 * - `/events` and `/markets` are cursor-paged: pages are fetched until the cursor is `""` (or
 *   null/absent). A cursor that repeats is a protocol error, not an endless loop.
 * - `/markets/orderbooks` takes up to 100 tickers as a *repeated* `tickers=` parameter (a comma
 *   list silently returns empty books).
 *
 * @since 0.1.0
 */
import { Context, Duration, Effect, Layer } from "effect"
import { HttpClient } from "effect/http"
import { AppConfig } from "../config/AppConfig.ts"
import { Decode, Unauthorized } from "../../schema/errors/Reasons.ts"
import { VenueError } from "../../schema/errors/VenueError.ts"
import { DeadLetters } from "../DeadLetters.ts"
import { makeVenueHttp, type VenueHttpConfig } from "../marketdata/VenueHttp.ts"
import { authHeaders, type KalshiCredentials, loadCredentials } from "./KalshiAuth.ts"
import { KalshiRateLimiter } from "./KalshiRateLimiter.ts"
import {
  type KalshiEvent,
  type KalshiEventWire,
  KalshiEventResponse,
  KalshiEventsResponse,
  type KalshiMarket,
  KalshiMarketResponse,
  KalshiMarketsResponse,
  type KalshiOrderbook,
  KalshiOrderbookResponse,
  KalshiOrderbooksResponse,
  type KalshiSeries,
  KalshiSeriesListResponse,
  KalshiSeriesResponse,
  type Rejected
} from "./KalshiSchemas.ts"
import { nowMillis } from "../Time.ts"

/** Query filter vocabulary (the object `status` differs: `open` ↔ `active`). @category models */
export type KalshiStatusFilter = "unopened" | "open" | "paused" | "closed" | "settled"

/** @category models */
export interface ListEventsParams {
  readonly seriesTicker?: string | undefined
  readonly status?: KalshiStatusFilter | undefined
  readonly withNestedMarkets?: boolean | undefined
  readonly minCloseTs?: number | undefined
}

/** @category models */
export interface ListMarketsParams {
  readonly seriesTicker?: string | undefined
  readonly eventTicker?: string | undefined
  readonly status?: KalshiStatusFilter | undefined
  readonly tickers?: ReadonlyArray<string> | undefined
}

/** The most tickers `/markets/orderbooks` takes per request. @category constants */
export const MAX_BATCH_TICKERS = 100
const MAX_PAGES = 10_000

/** @category models */
export interface KalshiClientConfig {
  readonly restUrl: string
  readonly timeout: Duration.Duration
  readonly retries: number
  readonly requestCost: number
  readonly rateLimitPause: Duration.Duration
  readonly credentials: KalshiCredentials | undefined
  /** First retry delay; 200 ms when unset */
  readonly backoff?: Duration.Duration | undefined
}

/** @category services */
export class KalshiClient extends Context.Service<KalshiClient, {
  readonly getSeries: (seriesTicker: string) => Effect.Effect<KalshiSeries, VenueError>
  readonly listSeries: (params?: { readonly category?: string; readonly tags?: string }) => Effect.Effect<ReadonlyArray<KalshiSeries>, VenueError>
  /** Every page of `/events` until the cursor is empty */
  readonly listEvents: (params: ListEventsParams) => Effect.Effect<ReadonlyArray<KalshiEvent>, VenueError>
  /** One event; with `withNestedMarkets` its markets are inside it, otherwise beside it */
  readonly getEvent: (eventTicker: string, withNestedMarkets?: boolean) => Effect.Effect<{ readonly event: KalshiEvent; readonly markets: ReadonlyArray<KalshiMarket> }, VenueError>
  /** Every page of `/markets` until the cursor is empty */
  readonly listMarkets: (params: ListMarketsParams) => Effect.Effect<ReadonlyArray<KalshiMarket>, VenueError>
  readonly getMarket: (ticker: string) => Effect.Effect<KalshiMarket, VenueError>
  /** `depth` 0 = all levels */
  readonly getOrderbook: (ticker: string, depth?: number) => Effect.Effect<KalshiOrderbook, VenueError>
  /** Batched by {@link MAX_BATCH_TICKERS}; one entry per ticker the venue returns */
  readonly getOrderbooks: (tickers: ReadonlyArray<string>) => Effect.Effect<ReadonlyMap<string, KalshiOrderbook>, VenueError>
}>()("arbees/services/kalshi/KalshiClient") {
  /** A client with explicit settings (tests, tools). */
  static readonly make = (config: KalshiClientConfig) =>
    Effect.gen(function*() {
      const limiter = yield* KalshiRateLimiter
      const credentials = config.credentials
      const httpConfig: VenueHttpConfig = {
        platform: "kalshi",
        source: "kalshi.rest",
        baseUrl: config.restUrl,
        timeout: config.timeout,
        retries: config.retries,
        backoff: config.backoff,
        throttle: limiter.acquire("read", config.requestCost),
        onRateLimited: Effect.andThen(
          Effect.logWarning("Kalshi rate limit hit; pausing reads").pipe(
            Effect.annotateLogs({ pauseMillis: Duration.toMillis(config.rateLimitPause), reason: "HTTP 429 Too Many Requests" })
          ),
          limiter.penalize("read", Duration.toMillis(config.rateLimitPause))
        ),
        sign: credentials === undefined ? undefined : (method, path) =>
          Effect.map(nowMillis, (now) => ({ ...authHeaders(credentials, now, method, path) }))
      }
      const http = yield* makeVenueHttp(httpConfig)

      const pages = Effect.fnUntraced(function*<A>(
        operation: string,
        fetch: (cursor: string | undefined) => Effect.Effect<{ readonly items: ReadonlyArray<A>; readonly cursor: string | null | undefined }, VenueError>
      ) {
        const all: Array<A> = []
        const seen = new Set<string>()
        let cursor: string | undefined
        for (let page = 0; page < MAX_PAGES; page++) {
          const result = yield* fetch(cursor)
          all.push(...result.items)
          const next = result.cursor ?? ""
          if (next === "") return all
          if (seen.has(next)) {
            return yield* new VenueError({ platform: "kalshi", reason: new Decode({ operation, message: `cursor ${JSON.stringify(next)} repeated: paging would not end` }) })
          }
          seen.add(next)
          cursor = next
        }
        return yield* new VenueError({ platform: "kalshi", reason: new Decode({ operation, message: `more than ${MAX_PAGES} pages` }) })
      })

      /** Events with their rejected markets dead-lettered and left out (the event itself stays). */
      const keepEvents = (operation: string, list: ReadonlyArray<KalshiEventWire | Rejected> | undefined) =>
        Effect.flatMap(http.keep(operation, list), (events) =>
          Effect.forEach(events, (e): Effect.Effect<KalshiEvent> =>
            e.markets === undefined
              ? Effect.succeed(e as KalshiEvent)
              : Effect.map(http.keep(operation, e.markets), (markets) => ({ ...e, markets }))))

      const getSeries = Effect.fn("KalshiClient.getSeries")(function*(seriesTicker: string) {
        const response = yield* http.get("getSeries", `/series/${encodeURIComponent(seriesTicker)}`, {}, KalshiSeriesResponse)
        return response.series
      })

      const listSeries = Effect.fn("KalshiClient.listSeries")(function*(params: { readonly category?: string; readonly tags?: string } = {}) {
        const response = yield* http.get("listSeries", "/series", { category: params.category, tags: params.tags }, KalshiSeriesListResponse)
        return yield* http.keep("listSeries", response.series)
      })

      const listEvents = Effect.fn("KalshiClient.listEvents")(function*(params: ListEventsParams) {
        return yield* pages("listEvents", (cursor) =>
          http.get(
            "listEvents",
            "/events",
            {
              limit: 200,
              cursor,
              series_ticker: params.seriesTicker,
              status: params.status,
              with_nested_markets: params.withNestedMarkets === true ? "true" : undefined,
              min_close_ts: params.minCloseTs
            },
            KalshiEventsResponse
          ).pipe(Effect.flatMap((r) => Effect.map(keepEvents("listEvents", r.events), (items) => ({ items, cursor: r.cursor })))))
      })

      const getEvent = Effect.fn("KalshiClient.getEvent")(function*(eventTicker: string, withNestedMarkets = true) {
        const response = yield* http.get(
          "getEvent",
          `/events/${encodeURIComponent(eventTicker)}`,
          { with_nested_markets: withNestedMarkets ? "true" : undefined },
          KalshiEventResponse
        )
        const [event] = yield* keepEvents("getEvent", [response.event])
        const beside = yield* http.keep("getEvent", response.markets)
        return { event: event!, markets: event!.markets !== undefined && event!.markets.length > 0 ? event!.markets : beside }
      })

      const listMarkets = Effect.fn("KalshiClient.listMarkets")(function*(params: ListMarketsParams) {
        return yield* pages("listMarkets", (cursor) =>
          http.get(
            "listMarkets",
            "/markets",
            {
              limit: 1000,
              cursor,
              series_ticker: params.seriesTicker,
              event_ticker: params.eventTicker,
              status: params.status,
              tickers: params.tickers === undefined ? undefined : params.tickers.join(",")
            },
            KalshiMarketsResponse
          ).pipe(Effect.flatMap((r) => Effect.map(http.keep("listMarkets", r.markets), (items) => ({ items, cursor: r.cursor })))))
      })

      const getMarket = Effect.fn("KalshiClient.getMarket")(function*(ticker: string) {
        const response = yield* http.get("getMarket", `/markets/${encodeURIComponent(ticker)}`, {}, KalshiMarketResponse)
        return response.market
      })

      const getOrderbook = Effect.fn("KalshiClient.getOrderbook")(function*(ticker: string, depth = 0) {
        return yield* http.get("getOrderbook", `/markets/${encodeURIComponent(ticker)}/orderbook`, { depth }, KalshiOrderbookResponse)
      })

      const getOrderbooks = Effect.fn("KalshiClient.getOrderbooks")(function*(tickers: ReadonlyArray<string>) {
        const books = new Map<string, KalshiOrderbook>()
        for (let i = 0; i < tickers.length; i += MAX_BATCH_TICKERS) {
          const batch = tickers.slice(i, i + MAX_BATCH_TICKERS)
          // Repeated `tickers=A&tickers=B`: a comma list silently returns empty books
          const response = yield* http.get("getOrderbooks", "/markets/orderbooks", batch.map((t) => ["tickers", t] as const), KalshiOrderbooksResponse)
          for (const entry of yield* http.keep("getOrderbooks", response.orderbooks)) {
            books.set(entry.ticker, { yes: entry.orderbook_fp?.yes_dollars ?? [], no: entry.orderbook_fp?.no_dollars ?? [] })
          }
        }
        return books as ReadonlyMap<string, KalshiOrderbook>
      })

      return KalshiClient.of({ getSeries, listSeries, listEvents, getEvent, listMarkets, getMarket, getOrderbook, getOrderbooks })
    })

  /** From the `kalshi.*` configuration. Fails at start-up when configured credentials do not load. */
  static readonly layer: Layer.Layer<KalshiClient, VenueError, AppConfig | HttpClient.HttpClient | DeadLetters | KalshiRateLimiter> = Layer.effect(
    KalshiClient,
    Effect.gen(function*() {
      const { config } = yield* AppConfig
      const credentials = yield* kalshiCredentials(config.kalshi)
      return yield* KalshiClient.make({
        restUrl: config.kalshi.restUrl,
        timeout: config.kalshi.timeout,
        retries: config.kalshi.retries,
        requestCost: config.kalshi.requestCost,
        rateLimitPause: config.kalshi.rateLimitPause,
        credentials
      })
    })
  )
}

/**
 * Loads the configured credentials, or fails with `Unauthorized` naming what is wrong.
 *
 * @category constructors
 */
export const kalshiCredentials = (config: Parameters<typeof loadCredentials>[0]) =>
  Effect.suspend(() => {
    const loaded = loadCredentials(config)
    if (loaded !== undefined && "error" in loaded) {
      return Effect.fail(new VenueError({ platform: "kalshi", reason: new Unauthorized({ operation: "loadCredentials", message: loaded.error }) }))
    }
    return Effect.succeed(loaded)
  })
