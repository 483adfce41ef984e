/**
 * Listings from the real venue clients against the fake venues (real HTTP on 127.0.0.1), serving
 * the evaluation set's venue-format events; then discovery end to end on Postgres.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { assert, describe, layer } from "@effect/vitest"
import { Duration, Effect, Fiber, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { DeadLetters } from "../../../src/services/DeadLetters.ts"
import { migrate } from "../../../src/services/database/Migrations.ts"
import { KalshiClient } from "../../../src/services/kalshi/KalshiClient.ts"
import { KalshiRateLimiter } from "../../../src/services/kalshi/KalshiRateLimiter.ts"
import { ListingsSource } from "../../../src/services/matching/ListingsSource.ts"
import { MappingStore } from "../../../src/services/matching/MappingStore.ts"
import { MarketDiscovery } from "../../../src/services/matching/MarketDiscovery.ts"
import { TeamReference } from "../../../src/services/matching/TeamReference.ts"
import { PolymarketClient } from "../../../src/services/polymarket/PolymarketClient.ts"
import { acquireFake } from "../../support/FakeVenue.ts"
import { FakeKalshi } from "../../support/FakeKalshi.ts"
import { FakePolymarket } from "../../support/FakePolymarket.ts"
import { espnGames, fixturesDir, kalshiListings, polymarketListings } from "../../support/MatchingFixtures.ts"
import * as TestDatabase from "../../support/TestDatabase.ts"

const read = (name: string): any => JSON.parse(readFileSync(join(fixturesDir, name), "utf8"))
const nba = espnGames().filter((g) => g.league === "nba")

const Infra = Layer.mergeAll(DeadLetters.layer, MappingStore.layer, TeamReference.layer, NodeHttpClient.layerUndici).pipe(
  Layer.provideMerge(Layer.effectDiscard(Effect.orDie(migrate()))),
  Layer.provideMerge(TestDatabase.postgres),
  Layer.provideMerge(NodeServices.layer)
)

/**
 * Fake venues serving the evaluation listings (each test may edit them first), clients pointed at
 * them, and the listings source over those clients.
 */
const setup = (edit: { readonly kalshi?: (events: Array<any>) => void; readonly gamma?: (events: Array<any>) => void } = {}) =>
  Effect.gen(function*() {
    const kalshiFake = yield* acquireFake(() => new FakeKalshi({ pageSize: 4 }))
    const kalshiEvents: Array<any> = read("kalshi-events.json").events
    edit.kalshi?.(kalshiEvents)
    kalshiFake.events.splice(0, kalshiFake.events.length, ...kalshiEvents)
    const gammaFake = yield* acquireFake(() => new FakePolymarket())
    const gammaEvents: Array<any> = read("gamma-events.json")
    edit.gamma?.(gammaEvents)
    // The recorded Gamma events (pickleball, politics) stay: they are not any league's
    gammaFake.gammaEvents.push(...gammaEvents)
    const kalshi = yield* KalshiClient.make({
      restUrl: kalshiFake.httpUrl("/trade-api/v2"),
      timeout: Duration.seconds(2),
      retries: 0,
      requestCost: 10,
      rateLimitPause: Duration.millis(20),
      credentials: undefined
    }).pipe(Effect.provideServiceEffect(KalshiRateLimiter, KalshiRateLimiter.make({ readTokensPerSecond: 10_000, writeTokensPerSecond: 10_000, burstSeconds: 1 })))
    const polymarket = yield* PolymarketClient.make({
      gammaUrl: gammaFake.gammaUrl(),
      clobUrl: gammaFake.httpUrl(),
      timeout: Duration.seconds(2),
      retries: 0,
      pageSize: 20
    })
    const source = yield* ListingsSource.make.pipe(Effect.provideService(KalshiClient, kalshi), Effect.provideService(PolymarketClient, polymarket))
    return { kalshiFake, gammaFake, source }
  })

const deadLetters = (source: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return yield* sql<{ reason: string; error: string; context: { league: string; listing: string } }>`
      SELECT reason, error, context FROM dead_letters WHERE source = ${source} ORDER BY id`
  })

describe("ListingsSource against the fake venues", () => {
  layer(Infra, { excludeTestServices: true })((it) => {
    it.effect("reads a league's Kalshi game series, open events with nested markets, every cursor page", () =>
      Effect.gen(function*() {
        const { kalshiFake, source } = yield* setup()
        const listings = yield* source.kalshi("nba")
        assert.deepStrictEqual(listings, kalshiListings().filter((l) => l.seriesTicker === "KXNBAGAME"))
        assert.strictEqual(listings.length, 11)
        const requests = kalshiFake.requestsTo("/events")
        // 11 events, 4 per page
        assert.deepStrictEqual(requests.map((r) => r.query.get("cursor")), [null, "4", "8"])
        for (const r of requests) {
          assert.deepStrictEqual(
            [r.query.get("series_ticker"), r.query.get("status"), r.query.get("with_nested_markets")],
            ["KXNBAGAME", "open", "true"]
          )
        }
        // A league without a fixture event still asks its series
        assert.deepStrictEqual(yield* source.kalshi("wnba"), [])
        assert.strictEqual(kalshiFake.requestsTo("/events").at(-1)!.query.get("series_ticker"), "KXWNBAGAME")
      }))

    it.effect("reads a league's Gamma events by tag slug, open only, and keeps only that league's", () =>
      Effect.gen(function*() {
        const { gammaFake, source } = yield* setup()
        const listings = yield* source.polymarket("nba")
        // The fake ignores tag_slug and serves every event: the source keeps the NBA-tagged ones
        assert.deepStrictEqual(listings, polymarketListings().filter((l) => l.tagSlugs.includes("nba")))
        assert.strictEqual(listings.length, 13)
        const pages = gammaFake.requestsTo("/events")
        assert.deepStrictEqual(pages.map((r) => r.query.get("offset")), ["0", "20", "40", "60", "80", "100", "113"]) // until an empty page
        for (const r of pages) assert.deepStrictEqual([r.query.get("tag_slug"), r.query.get("closed"), r.query.get("limit")], ["nba", "false", "20"])
        // College football has three candidate tag slugs: each is asked, each event kept once
        const before = gammaFake.requestsTo("/events").length
        const cfb = yield* source.polymarket("ncaaf")
        assert.strictEqual(cfb.length, 18)
        assert.strictEqual(new Set(cfb.map((l) => l.id)).size, 18)
        assert.deepStrictEqual(
          [...new Set(gammaFake.requestsTo("/events").slice(before).map((r) => r.query.get("tag_slug")))],
          ["cfb", "ncaaf", "college-football"]
        )
      }))

    it.effect("dead-letters a listing it cannot use and returns the others", () =>
      Effect.gen(function*() {
        const { source } = yield* setup({
          kalshi: (events) => {
            const knicks = events.find((e) => e.event_ticker === "KXNBAGAME-24DEC15NYKORL")
            knicks.markets[0].event_ticker = "KXNBAGAME-24DEC15NYKBOS"
          },
          gamma: (events) => {
            const pelicans = events.find((e) => e.id === "900029")
            delete pelicans.markets[0].clobTokenIds
            events.find((e) => e.id === "900030").eventDate = "15/12/2024"
          }
        })
        const kalshi = yield* source.kalshi("nba")
        assert.strictEqual(kalshi.length, 11)
        assert.deepStrictEqual(kalshi.find((l) => l.eventTicker === "KXNBAGAME-24DEC15NYKORL")!.markets.map((m) => m.ticker), ["KXNBAGAME-24DEC15NYKORL-ORL"])
        const polymarket = yield* source.polymarket("nba")
        assert.strictEqual(polymarket.length, 12)
        assert.isUndefined(polymarket.find((l) => l.id === "900030"))
        assert.deepStrictEqual(polymarket.find((l) => l.id === "900029")!.markets.map((m) => m.sportsMarketType), ["spreads", "totals"])

        const kalshiLetters = yield* deadLetters("kalshi.listings")
        assert.deepStrictEqual(kalshiLetters.map((l) => [l.reason, l.context.league, l.context.listing]), [["Decode", "nba", "KXNBAGAME-24DEC15NYKORL-NYK"]])
        assert.include(kalshiLetters[0]!.error, "is nested in event KXNBAGAME-24DEC15NYKORL")
        const gammaLetters = yield* deadLetters("polymarket.listings")
        assert.deepStrictEqual(gammaLetters.map((l) => [l.reason, l.context.league]), [["Decode", "nba"], ["Decode", "nba"]])
        assert.match(gammaLetters[0]!.error, /^event 900029 market \d+: no clobTokenIds/)
        assert.strictEqual(gammaLetters[1]!.error, "event 900030: eventDate \"15/12/2024\" is not YYYY-MM-DD")
      }))

    it.effect("discovery matches and persists through the real clients, one fetch per venue and league", () =>
      Effect.gen(function*() {
        const { gammaFake, kalshiFake, source } = yield* setup()
        const Discovery = MarketDiscovery.layerWith({ ttl: "60 seconds", failureTtl: "5 seconds" }).pipe(Layer.provide(Layer.succeed(ListingsSource, source)))
        yield* Effect.gen(function*() {
          const discovery = yield* MarketDiscovery
          // Five discoveries at once share one fetch of each key
          const fibers = yield* Effect.forEach([1, 2, 3, 4, 5], () => Effect.forkChild(discovery.discover(nba)))
          const reports = yield* Effect.forEach(fibers, Fiber.join)
          assert.strictEqual(kalshiFake.requestsTo("/events").length, 3)
          assert.strictEqual(gammaFake.requestsTo("/events").length, 7)
          const report = reports[0]!
          const both = report.games.filter((g) => g.kalshi._tag === "Matched" && g.polymarket._tag === "Matched").map((g) => g.game.gameId)
          assert.deepStrictEqual(both, ["401736810", "401736811", "401737902", "401736812", "401736813", "401737912", "401772993"])
          // Grizzlies at Lakers: the fuzzy-scenario twin is listed too, so neither Gamma event is used
          const lakers = report.games.find((g) => g.game.gameId === "401736814")!
          assert.deepStrictEqual(lakers.polymarket, {
            _tag: "Unmatched",
            platform: "polymarket",
            reason: "conflicting_listings",
            detail: "2 listings match: 900035, 990021"
          })
          const rows = yield* (yield* MappingStore).active("401737902")
          assert.deepStrictEqual(rows.filter((r) => r.platform === "kalshi").map((r) => `${r.marketId}:${r.outcomeId}:${r.meaning}`), [
            "KXNBAGAME-24DEC15NYKORL-NYK:no:not_away_win",
            "KXNBAGAME-24DEC15NYKORL-NYK:yes:away_win",
            "KXNBAGAME-24DEC15NYKORL-ORL:no:not_home_win",
            "KXNBAGAME-24DEC15NYKORL-ORL:yes:home_win"
          ])
          assert.deepStrictEqual(rows.filter((r) => r.platform === "polymarket").map((r) => `${r.outcomeId.slice(0, 8)}:${r.meaning}`), [
            "88658524:home_win",
            "89330320:away_win"
          ])
          // Within the TTL: no new request
          yield* discovery.discover(nba)
          assert.strictEqual(kalshiFake.requestsTo("/events").length, 3)
        }).pipe(Effect.provide(Discovery))
      }))

    it.effect("a Kalshi market that does not decode is dead-lettered alone; its league still matches", () =>
      Effect.gen(function*() {
        const { source } = yield* setup({
          kalshi: (events) => {
            events.find((e) => e.event_ticker === "KXNBAGAME-24DEC15BOSWAS").markets[0].yes_bid_dollars = "0.45.1"
          }
        })
        // The page decodes element by element: only the bad market is left out
        const listings = yield* source.kalshi("nba")
        assert.strictEqual(listings.length, 11)
        assert.strictEqual(listings.find((l) => l.eventTicker === "KXNBAGAME-24DEC15BOSWAS")!.markets.length, 1)
        const letters = yield* deadLetters("kalshi.rest")
        assert.deepStrictEqual(letters.map((l) => [l.reason, (l.context as unknown as { operation: string }).operation]), [["Decode", "listEvents"]])
        assert.include(letters[0]!.error, "0.45.1")
        const Discovery = MarketDiscovery.layerWith({ ttl: "60 seconds", failureTtl: "5 seconds" }).pipe(Layer.provide(Layer.succeed(ListingsSource, source)))
        const report = yield* Effect.flatMap(MarketDiscovery, (d) => d.discover(nba)).pipe(Effect.provide(Discovery))
        const knicks = report.games.find((g) => g.game.gameId === "401737902")!
        assert.strictEqual(knicks.kalshi._tag, "Matched")
        assert.strictEqual(knicks.polymarket._tag, "Matched")
      }))

    it.effect("Kalshi /events whose markets (and events) have title: null still match the NFL slate", () =>
      Effect.gen(function*() {
        const nfl = espnGames().filter((g) => g.league === "nfl")
        const matchedKalshi = (edit?: (events: Array<any>) => void) =>
          Effect.gen(function*() {
            const { source } = yield* setup(edit === undefined ? {} : { kalshi: edit })
            const Discovery = MarketDiscovery.layerWith({ ttl: "60 seconds", failureTtl: "5 seconds" }).pipe(Layer.provide(Layer.succeed(ListingsSource, source)))
            const report = yield* Effect.flatMap(MarketDiscovery, (d) => d.discover(nfl)).pipe(Effect.provide(Discovery))
            const legs = (yield* source.kalshi("nfl")).reduce((n, l) => n + l.markets.length, 0)
            return { matched: report.games.filter((g) => g.kalshi._tag === "Matched").map((g) => g.game.gameId), legs }
          }).pipe(Effect.scoped)
        const intact = yield* matchedKalshi()
        const nulled = yield* matchedKalshi((events) => {
          for (const e of events) {
            if (e.series_ticker !== "KXNFLGAME") continue
            e.title = null
            for (const m of e.markets) Object.assign(m, { title: null, subtitle: null, yes_sub_title: null, no_sub_title: null })
          }
        })
        console.log(`title:null NFL slate: ${nulled.legs} Kalshi legs decoded, ${nulled.matched.length} of ${nfl.length} ESPN games matched on Kalshi (${intact.matched.length} with titles)`)
        assert.isAbove(intact.matched.length, 0)
        assert.strictEqual(nulled.legs, intact.legs)
        assert.deepStrictEqual(nulled.matched, intact.matched)
      }))
  })
})
