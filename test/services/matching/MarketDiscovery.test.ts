import { NodeServices } from "@effect/platform-node"
import { assert, describe, layer } from "@effect/vitest"
import { Context, Deferred, Effect, Fiber, Layer, Ref } from "effect"
import { TestClock } from "effect/testing"
import type { KalshiEventListing } from "../../../src/domain/matching/Inputs.ts"
import { Transport } from "../../../src/schema/errors/Reasons.ts"
import { VenueError } from "../../../src/schema/errors/VenueError.ts"
import type { League } from "../../../src/schema/Sport.ts"
import { migrate } from "../../../src/services/database/Migrations.ts"
import { MappingStore } from "../../../src/services/matching/MappingStore.ts"
import { ListingsSource } from "../../../src/services/matching/ListingsSource.ts"
import { MarketDiscovery } from "../../../src/services/matching/MarketDiscovery.ts"
import { TeamReference } from "../../../src/services/matching/TeamReference.ts"
import { espnGames, kalshiListings, polymarketListings } from "../../support/MatchingFixtures.ts"
import * as TestDatabase from "../../support/TestDatabase.ts"

// The venue boundary: a source serving the evaluation listings that counts fetches per key, can
// hold fetches open on a gate, and can serve a changed Kalshi listing
const nba = espnGames().filter((g) => g.league === "nba")
const nbaKalshi = kalshiListings().filter((e) => e.seriesTicker === "KXNBAGAME")
const nbaPolymarket = polymarketListings().filter((e) => e.slug.startsWith("nba-") && e.teams.length === 2)

class Venue extends Context.Service<Venue, {
  readonly fetches: Ref.Ref<Record<string, number>>
  readonly gate: Ref.Ref<Deferred.Deferred<void> | undefined>
  readonly kalshi: Ref.Ref<ReadonlyArray<KalshiEventListing>>
  /** Kalshi's listings fail while set */
  readonly kalshiDown: Ref.Ref<boolean>
}>()("test/Venue") {}

const venue = Layer.effect(
  Venue,
  Effect.gen(function*() {
    return Venue.of({
      fetches: yield* Ref.make<Record<string, number>>({}),
      gate: yield* Ref.make<Deferred.Deferred<void> | undefined>(undefined),
      kalshi: yield* Ref.make<ReadonlyArray<KalshiEventListing>>(nbaKalshi),
      kalshiDown: yield* Ref.make(false)
    })
  })
)

const unreachable = new VenueError({ platform: "kalshi", reason: new Transport({ operation: "GET /events", message: "connect ECONNREFUSED 127.0.0.1:9" }) })

const source = Layer.effect(
  ListingsSource,
  Effect.gen(function*() {
    const v = yield* Venue
    const fetch = <A, E>(key: string, value: Effect.Effect<A, E>) =>
      Effect.gen(function*() {
        yield* Ref.update(v.fetches, (m) => ({ ...m, [key]: (m[key] ?? 0) + 1 }))
        const gate = yield* Ref.get(v.gate)
        if (gate !== undefined) yield* Deferred.await(gate)
        return yield* value
      })
    return ListingsSource.of({
      kalshi: (league: League) =>
        fetch(`kalshi:${league}`, Effect.flatMap(Ref.get(v.kalshiDown), (down) => (down ? Effect.fail(unreachable) : Effect.map(Ref.get(v.kalshi), (ls) => (league === "nba" ? ls : []))))),
      polymarket: (league: League) => fetch(`polymarket:${league}`, Effect.succeed(league === "nba" ? nbaPolymarket : []))
    })
  })
)

const Live = MarketDiscovery.layerWith({ ttl: "60 seconds", failureTtl: "5 seconds" }).pipe(
  Layer.provide(source),
  Layer.provideMerge(venue),
  Layer.provideMerge(MappingStore.layer),
  Layer.provide(TeamReference.layer),
  // Discovery and the tests share one TestClock (the cache TTL is measured on it); the database
  // layer below keeps the live clock for its connections
  Layer.provideMerge(TestClock.layer()),
  Layer.provideMerge(TestDatabase.postgres),
  Layer.provideMerge(NodeServices.layer)
)

describe("MarketDiscovery", () => {
  layer(Live, { excludeTestServices: true })("on Postgres", (it) => {
    it.effect("persists every outcome mapping with its method, confidence and evidence", () =>
      Effect.gen(function*() {
        yield* migrate()
        yield* TestClock.setTime(Date.parse("2024-12-15T20:00:00Z"))
        const report = yield* (yield* MarketDiscovery).discover(nba)
        assert.strictEqual(report.games.filter((g) => g.kalshi._tag === "Matched" && g.polymarket._tag === "Matched").length, 8)
        const rows = yield* (yield* MappingStore).active("401737902")
        // Knicks at Magic: two Kalshi markets × yes/no, one Gamma moneyline × two tokens
        const kalshi = rows.filter((r) => r.platform === "kalshi").map((r) => `${r.marketId}:${r.outcomeId}:${r.meaning}`)
        assert.deepStrictEqual(kalshi, [
          "KXNBAGAME-24DEC15NYKORL-NYK:no:not_away_win",
          "KXNBAGAME-24DEC15NYKORL-NYK:yes:away_win",
          "KXNBAGAME-24DEC15NYKORL-ORL:no:not_home_win",
          "KXNBAGAME-24DEC15NYKORL-ORL:yes:home_win"
        ])
        const poly = rows.filter((r) => r.platform === "polymarket")
        assert.deepStrictEqual(poly.map((r) => r.meaning).sort(), ["away_win", "home_win"])
        for (const r of rows) {
          assert.strictEqual(r.method, "deterministic")
          assert.strictEqual(r.confidence, 1)
        }
        const evidence = rows[0]!.evidence as { eventId: string; evidence: ReadonlyArray<string> }
        assert.strictEqual(evidence.eventId, "KXNBAGAME-24DEC15NYKORL")
        assert.include(evidence.evidence, "codes NYK+ORL → New York Knicks / Orlando Magic")
      }))

    it.effect("concurrent discoveries share one fetch per venue and league, until the TTL lapses", () =>
      Effect.gen(function*() {
        const v = yield* Venue
        const discovery = yield* MarketDiscovery
        const start = yield* Ref.get(v.fetches)
        // Hold the next fetches open so that all callers pile up on them
        yield* TestClock.adjust("61 seconds")
        const gate = yield* Deferred.make<void>()
        yield* Ref.set(v.gate, gate)
        const fibers = yield* Effect.forEach([1, 2, 3, 4, 5], () => Effect.forkChild(discovery.discover(nba)))
        for (let i = 0; i < 50; i++) yield* Effect.yieldNow
        // All five are waiting, and only one fetch per key is under way
        for (const f of fibers) assert.isUndefined(f.pollUnsafe())
        const during = yield* Ref.get(v.fetches)
        assert.strictEqual(during["kalshi:nba"]! - (start["kalshi:nba"] ?? 0), 1)
        assert.strictEqual(during["polymarket:nba"]! - (start["polymarket:nba"] ?? 0), 1)
        yield* Deferred.succeed(gate, undefined)
        yield* Ref.set(v.gate, undefined)
        yield* Effect.forEach(fibers, Fiber.join)
        const after = yield* Ref.get(v.fetches)
        assert.strictEqual(after["kalshi:nba"]! - (start["kalshi:nba"] ?? 0), 1)
        assert.strictEqual(after["polymarket:nba"]! - (start["polymarket:nba"] ?? 0), 1)
        // Within the TTL: served from the cache
        yield* TestClock.adjust("30 seconds")
        yield* discovery.discover(nba)
        assert.strictEqual((yield* Ref.get(v.fetches))["kalshi:nba"], after["kalshi:nba"])
        // After it: one new fetch
        yield* TestClock.adjust("31 seconds")
        yield* discovery.discover(nba)
        assert.strictEqual((yield* Ref.get(v.fetches))["kalshi:nba"], after["kalshi:nba"]! + 1)
      }))

    it.effect("a listing that disappears deactivates its mappings at the next refresh", () =>
      Effect.gen(function*() {
        const v = yield* Venue
        yield* Ref.set(v.kalshi, nbaKalshi.filter((e) => e.eventTicker !== "KXNBAGAME-24DEC15NYKORL"))
        yield* TestClock.adjust("2 minutes")
        const report = yield* (yield* MarketDiscovery).discover(nba)
        const game = report.games.find((g) => g.game.gameId === "401737902")!
        assert.strictEqual(game.kalshi._tag, "Unmatched")
        const rows = yield* (yield* MappingStore).active("401737902")
        assert.deepStrictEqual([...new Set(rows.map((r) => r.platform))], ["polymarket"])
      }))

    it.effect("a venue whose listings fail is named unavailable, and its mappings stand", () =>
      Effect.gen(function*() {
        const v = yield* Venue
        yield* Ref.set(v.kalshi, nbaKalshi)
        yield* TestClock.adjust("2 minutes")
        const before = yield* (yield* MarketDiscovery).discover(nba)
        assert.deepStrictEqual(before.unavailable, [])
        yield* Ref.set(v.kalshiDown, true)
        yield* TestClock.adjust("2 minutes")
        const report = yield* (yield* MarketDiscovery).discover(nba)
        assert.deepStrictEqual(report.unavailable, ["kalshi"])
        // the report reads Kalshi unmatched (no listings), the stored mappings do not change
        assert.strictEqual(report.games.find((g) => g.game.gameId === "401737902")!.kalshi._tag, "Unmatched")
        const rows = yield* (yield* MappingStore).active("401737902")
        assert.deepStrictEqual([...new Set(rows.map((r) => r.platform))].sort(), ["kalshi", "polymarket"])
        yield* Ref.set(v.kalshiDown, false)
      }))
  })
})
