/**
 * Polymarket REST client: Gamma (events and markets, e.g. by sports tag) and the public CLOB
 * endpoints (`/book`, `/books`, `/tick-size`, `/fee-rate`).
 *
 * - Gamma pages by `limit`/`offset` until an EMPTY page: Gamma silently clamps `limit` (about 100
 *   on `/events`), so a page shorter than the limit asked for is not the last.
 * - List pages decode element by element: a bad event, market or book is dead-lettered and
 *   skipped (as the official client skips a market pending deployment), never the whole page.
 * - `POST /books` takes at most 500 tokens per request; larger sets are batched.
 * - Decoding, retries, timeouts and dead letters are `VenueHttp`'s.
 * - The market's fee schedule comes from Gamma's `feeSchedule`; {@link PolymarketClient.feeSchedule}
 *   falls back to `/fee-rate` (basis points) when a market has none.
 *
 * @since 0.1.0
 */
import { Context, Duration, Effect, Layer } from "effect"
import { HttpClient } from "effect/http"
import {
  noPolymarketFee,
  polymarketFeeSchedule,
  type PolymarketFeeSchedule,
  polymarketFeeScheduleFromBps,
  type PolymarketNonRoutable
} from "../../domain/fees/PolymarketFees.ts"
import { AppConfig } from "../config/AppConfig.ts"
import type { VenueError } from "../../schema/errors/VenueError.ts"
import type { Price } from "../../schema/Money.ts"
import { DeadLetters } from "../DeadLetters.ts"
import { makeVenueHttp } from "../marketdata/VenueHttp.ts"
import { type ClobBook, ClobBook as ClobBookSchema, ClobBooksResponse, ClobFeeRate, ClobMarket, ClobTickSize } from "./ClobSchemas.ts"
import type { Rejected } from "../marketdata/Wire.ts"
import { type GammaEvent, GammaEventsResponse, type GammaEventWire, type GammaMarket, GammaMarketsResponse } from "./GammaSchemas.ts"

/** @category models */
export interface GammaQuery {
  /** Gamma tag id, e.g. `"1"` = Sports */
  readonly tagId?: string | undefined
  readonly active?: boolean | undefined
  readonly closed?: boolean | undefined
  readonly archived?: boolean | undefined
  readonly slug?: string | undefined
  /** Further parameters passed as they are (`order`, `ascending`, `start_date_min`, ...) */
  readonly extra?: Readonly<Record<string, string>> | undefined
}

/** The most tokens `POST /books` takes per request. @category constants */
export const MAX_BOOKS_PER_REQUEST = 500
const MAX_PAGES = 1_000

/** @category models */
export interface PolymarketClientConfig {
  readonly gammaUrl: string
  readonly clobUrl: string
  readonly timeout: Duration.Duration
  readonly retries: number
  readonly pageSize: number
  readonly backoff?: Duration.Duration | undefined
}

/** @category services */
export class PolymarketClient extends Context.Service<PolymarketClient, {
  /** Every page of Gamma `/events` for the query */
  readonly events: (query: GammaQuery) => Effect.Effect<ReadonlyArray<GammaEvent>, VenueError>
  /** Every page of Gamma `/markets` for the query; `conditionIds`/`tokenIds` narrow it */
  readonly markets: (query: GammaQuery & { readonly conditionIds?: ReadonlyArray<string>; readonly tokenIds?: ReadonlyArray<string> }) => Effect.Effect<ReadonlyArray<GammaMarket>, VenueError>
  readonly book: (tokenId: string) => Effect.Effect<ClobBook, VenueError>
  /** `GET /markets/{condition_id}`: the CLOB market, with each token's `winner` once resolved */
  readonly market: (conditionId: string) => Effect.Effect<ClobMarket, VenueError>
  readonly books: (tokenIds: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<ClobBook>, VenueError>
  readonly tickSize: (tokenId: string) => Effect.Effect<Price, VenueError>
  /** The legacy base fee in basis points */
  readonly feeRateBps: (tokenId: string) => Effect.Effect<number, VenueError>
  /** The market's fee schedule: its Gamma `feeSchedule`, else `/fee-rate` for its first token */
  readonly feeSchedule: (market: GammaMarket) => Effect.Effect<PolymarketFeeSchedule | PolymarketNonRoutable, VenueError>
}>()("arbees/services/polymarket/PolymarketClient") {
  /** A client with explicit settings (tests, tools). */
  static readonly make = (config: PolymarketClientConfig) =>
    Effect.gen(function*() {
      const gamma = yield* makeVenueHttp({ platform: "polymarket", source: "polymarket.gamma", baseUrl: config.gammaUrl, timeout: config.timeout, retries: config.retries, backoff: config.backoff })
      const clob = yield* makeVenueHttp({ platform: "polymarket", source: "polymarket.clob", baseUrl: config.clobUrl, timeout: config.timeout, retries: config.retries, backoff: config.backoff })

      const params = (query: GammaQuery) => ({
        tag_id: query.tagId,
        active: query.active,
        closed: query.closed,
        archived: query.archived,
        slug: query.slug,
        ...query.extra
      })

      /** Pages by offset until an empty page; each raw page's elements count, rejected ones included. */
      const paged = Effect.fnUntraced(function*<W, A>(
        operation: string,
        fetch: (offset: number) => Effect.Effect<ReadonlyArray<W | Rejected> | null, VenueError>,
        keep: (operation: string, list: ReadonlyArray<W | Rejected> | null) => Effect.Effect<Array<A>>
      ) {
        const all: Array<A> = []
        let offset = 0
        for (let page = 0; page < MAX_PAGES; page++) {
          const raw = yield* fetch(offset)
          if (raw === null || raw.length === 0) return all
          all.push(...(yield* keep(operation, raw)))
          offset += raw.length
        }
        return all
      })

      /** Events with their rejected markets dead-lettered and left out (the event itself stays). */
      const keepEvents = (operation: string, list: ReadonlyArray<GammaEventWire | Rejected> | null) =>
        Effect.flatMap(gamma.keep(operation, list ?? []), (events) =>
          Effect.forEach(events, (e): Effect.Effect<GammaEvent> =>
            e.markets === undefined
              ? Effect.succeed(e as GammaEvent)
              : Effect.map(gamma.keep(operation, e.markets), (markets) => ({ ...e, markets }))))

      const events = Effect.fn("PolymarketClient.events")(function*(query: GammaQuery) {
        return yield* paged("gammaEvents", (offset) => gamma.get("gammaEvents", "/events", { ...params(query), limit: config.pageSize, offset }, GammaEventsResponse), keepEvents)
      })

      const markets = Effect.fn("PolymarketClient.markets")(function*(query: GammaQuery & { readonly conditionIds?: ReadonlyArray<string>; readonly tokenIds?: ReadonlyArray<string> }) {
        const repeated = [
          ...(query.conditionIds ?? []).map((id) => ["condition_ids", id] as const),
          ...(query.tokenIds ?? []).map((id) => ["clob_token_ids", id] as const)
        ]
        return yield* paged(
          "gammaMarkets",
          (offset) =>
            gamma.get(
              "gammaMarkets",
              "/markets",
              [...Object.entries({ ...params(query), limit: config.pageSize, offset }), ...repeated],
              GammaMarketsResponse
            ),
          (operation, list) => gamma.keep(operation, list ?? [])
        )
      })

      const book = Effect.fn("PolymarketClient.book")(function*(tokenId: string) {
        return yield* clob.get("book", "/book", { token_id: tokenId }, ClobBookSchema)
      })

      const market = Effect.fn("PolymarketClient.market")(function*(conditionId: string) {
        return yield* clob.get("market", `/markets/${encodeURIComponent(conditionId)}`, {}, ClobMarket)
      })

      const books = Effect.fn("PolymarketClient.books")(function*(tokenIds: ReadonlyArray<string>) {
        const all: Array<ClobBook> = []
        for (let i = 0; i < tokenIds.length; i += MAX_BOOKS_PER_REQUEST) {
          const batch = tokenIds.slice(i, i + MAX_BOOKS_PER_REQUEST).map((token_id) => ({ token_id }))
          all.push(...(yield* clob.keep("books", yield* clob.post("books", "/books", batch, ClobBooksResponse))))
        }
        return all
      })

      const tickSize = Effect.fn("PolymarketClient.tickSize")(function*(tokenId: string) {
        const r = yield* clob.get("tickSize", "/tick-size", { token_id: tokenId }, ClobTickSize)
        return r.minimum_tick_size
      })

      const feeRateBps = Effect.fn("PolymarketClient.feeRateBps")(function*(tokenId: string) {
        const r = yield* clob.get("feeRate", "/fee-rate", { token_id: tokenId }, ClobFeeRate)
        return r.base_fee
      })

      const feeSchedule = Effect.fn("PolymarketClient.feeSchedule")(function*(market: GammaMarket) {
        if (market.feesEnabled === false) return noPolymarketFee
        const schedule = market.feeSchedule
        if (schedule != null) {
          return polymarketFeeSchedule({ rate: schedule.rate, exponent: schedule.exponent, takerOnly: schedule.takerOnly, feesEnabled: market.feesEnabled })
        }
        const token = market.clobTokenIds?.[0]
        if (token === undefined) return { _tag: "PolymarketNonRoutable" as const, reason: "no feeSchedule and no token to ask /fee-rate for" }
        return polymarketFeeScheduleFromBps(yield* feeRateBps(token))
      })

      return PolymarketClient.of({ events, markets, book, market, books, tickSize, feeRateBps, feeSchedule })
    })

  /** From the `polymarket.*` configuration. */
  static readonly layer: Layer.Layer<PolymarketClient, never, AppConfig | HttpClient.HttpClient | DeadLetters> = Layer.effect(
    PolymarketClient,
    Effect.flatMap(AppConfig, ({ config }) =>
      PolymarketClient.make({
        gammaUrl: config.polymarket.gammaUrl,
        clobUrl: config.polymarket.clobUrl,
        timeout: config.polymarket.timeout,
        retries: config.polymarket.retries,
        pageSize: config.polymarket.gammaPageSize
      }))
  )
}
