import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect, Fiber, Layer, Metric, Option, References, Schema, Stream } from "effect"
import { TestClock } from "effect/testing"
import type { GameState } from "../../../src/schema/GameState.ts"
import { GameId } from "../../../src/schema/Ids.ts"
import type { League } from "../../../src/schema/Sport.ts"
import { DeadLetters } from "../../../src/services/DeadLetters.ts"
import {
  discover,
  Discovery,
  type DiscoveryOptions,
  discoveryDates,
  gamePollDelay,
  inWindow,
  leaguePollDelay
} from "../../../src/services/espn/Discovery.ts"
import { EspnClient, type EspnClientOptions } from "../../../src/services/espn/EspnClient.ts"
import * as FakeEspn from "../../support/FakeEspn.ts"
import { Reply } from "../../support/FakeEspn.ts"

const intervals = { live: 2_000, pregame: 60_000, idle: 30_000 }
const MIN = 60_000
const HOUR = 60 * MIN

const state = (over: Partial<GameState>): GameState => ({
  gameId: "1",
  league: "nba",
  sport: "nba",
  status: "scheduled",
  startTime: 10 * HOUR,
  period: 0,
  overtime: false,
  home: { teamId: "1", abbreviation: "A", name: "A", score: 0 },
  away: { teamId: "2", abbreviation: "B", name: "B", score: 0 },
  detail: "",
  observedAt: 0,
  ...over
} as GameState)

describe("adaptive polling rules", () => {
  it("live fast, pre-game slow until the start is near, none after the end", () => {
    const now = 9 * HOUR
    assert.deepStrictEqual(gamePollDelay(state({ status: "in_progress" }), now, intervals), Option.some(2_000))
    assert.deepStrictEqual(gamePollDelay(state({ status: "halftime" }), now, intervals), Option.some(2_000))
    assert.deepStrictEqual(gamePollDelay(state({ status: "delayed" }), now, intervals), Option.some(2_000))
    assert.deepStrictEqual(gamePollDelay(state({ status: "scheduled" }), now, intervals), Option.some(60_000))
    assert.deepStrictEqual(gamePollDelay(state({ status: "scheduled", startTime: now + 60_000 }), now, intervals), Option.some(2_000))
    assert.deepStrictEqual(gamePollDelay(state({ status: "scheduled", startTime: now - 5 * MIN }), now, intervals), Option.some(2_000))
    assert.deepStrictEqual(gamePollDelay(state({ status: "final" }), now, intervals), Option.none())
    assert.deepStrictEqual(gamePollDelay(state({ status: "postponed" }), now, intervals), Option.none())
    assert.deepStrictEqual(gamePollDelay(state({ status: "canceled" }), now, intervals), Option.none())
  })

  it("a league polls at its most urgent game's pace, or idles", () => {
    const now = 9 * HOUR
    assert.strictEqual(leaguePollDelay([], now, intervals), 30_000)
    assert.strictEqual(leaguePollDelay([state({ status: "final" })], now, intervals), 30_000)
    // Only far-off games: the pre-game pace, even if slower than idling
    assert.strictEqual(leaguePollDelay([state({}), state({ status: "final" })], now, intervals), 60_000)
    assert.strictEqual(leaguePollDelay([state({ startTime: 20 * HOUR }), state({ status: "in_progress" })], now, intervals), 2_000)
  })

  it("follows live games and games starting within the look-ahead", () => {
    const now = 9 * HOUR
    assert.isTrue(inWindow(state({ status: "in_progress", startTime: 0 }), now, 6 * HOUR))
    assert.isTrue(inWindow(state({ startTime: now + 6 * HOUR }), now, 6 * HOUR))
    assert.isFalse(inWindow(state({ startTime: now + 6 * HOUR + 1 }), now, 6 * HOUR))
    assert.isTrue(inWindow(state({ startTime: now - HOUR }), now, 6 * HOUR)) // a late start
    assert.isFalse(inWindow(state({ startTime: now - 7 * HOUR }), now, 6 * HOUR))
    assert.isFalse(inWindow(state({ status: "final", startTime: now }), now, 6 * HOUR))
  })

  it("asks for yesterday through the window's end, in ESPN days", () => {
    assert.deepStrictEqual<unknown>(discoveryDates(Date.parse("2025-05-18T17:50:00Z"), 6 * HOUR), { from: "20250517", to: "20250518" })
    assert.deepStrictEqual<unknown>(discoveryDates(Date.parse("2025-05-18T17:50:00Z"), 12 * HOUR), { from: "20250517", to: "20250519" })
  })
})

const clientOptions = (baseUrl: string): EspnClientOptions => ({
  baseUrl,
  timeout: "5 seconds",
  retries: 0,
  retryBase: "10 millis",
  breakerFailures: 50,
  breakerReset: "10 seconds",
  concurrency: 2
})

/** A fake ESPN server (scripted by `setup` before anything polls) and a client, on the test clock at `start`. */
const withServer = <A, E, R>(start: string, setup: (fake: FakeEspn.FakeEspn) => void, body: (fake: FakeEspn.FakeEspn) => Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(Date.parse(start))
    const fake = yield* FakeEspn.make
    setup(fake)
    return yield* body(fake).pipe(
      Effect.provide(EspnClient.layerNoDeps(clientOptions(fake.baseUrl)).pipe(Layer.provide(Layer.mergeAll(DeadLetters.layerLog, NodeHttpClient.layerUndici))))
    )
  }).pipe(
    Effect.provideService(Metric.MetricRegistry, new Map()),
    Effect.provideService(References.MinimumLogLevel, "Error")
  )

/** Waits (in real time) until `cond` holds, then a little more so the poller reaches its sleep. */
const waitFor = <R>(cond: Effect.Effect<boolean, never, R>, what: string) =>
  Effect.gen(function*() {
    for (let i = 0; i < 500; i++) {
      if (yield* cond) return yield* TestClock.withLive(Effect.sleep("20 millis"))
      yield* TestClock.withLive(Effect.sleep("10 millis"))
    }
    assert.fail(`timed out waiting for ${what}`)
  })

/** Waits until `league` has been polled `count` times in all and its next poll is scheduled. */
const polled = (fake: FakeEspn.FakeEspn, route: string, league: League, count: number) =>
  waitFor(
    Effect.gen(function*() {
      const discovery = yield* Discovery
      const next = (yield* discovery.schedule).get(league)
      const now = yield* Clock.currentTimeMillis
      return fake.count(route) === count && next !== undefined && next > now
    }),
    `${count} polls of ${route}`
  )

const discoveryOptions = (leagues: ReadonlyArray<League>): DiscoveryOptions => ({
  leagues,
  lookahead: "6 hours",
  pollLive: "2 seconds",
  pollPregame: "60 seconds",
  idle: "30 seconds",
  staleAfter: "30 seconds"
})

describe("discover", () => {
  it.effect("returns the live and soon-starting games of each league, one range request per league", () =>
    withServer("2025-05-18T17:50:00Z", () => {}, (fake) =>
      Effect.gen(function*() {
        const result = yield* discover(["mlb", "nba", "nhl"], "6 hours")
        // MLB: 7 live + 8 starting by 23:00Z; NBA: all final; NHL: one live
        assert.strictEqual(result.games.filter((g) => g.league === "mlb").length, 15)
        assert.strictEqual(result.games.filter((g) => g.league === "nba").length, 0)
        assert.deepStrictEqual(result.games.filter((g) => g.league === "nhl").map((g) => g.gameId), ["401777455"])
        assert.deepStrictEqual(result.errors, [])
        assert.deepStrictEqual(fake.requests().map((r) => [r.route, r.query["dates"]]).sort(), [
          ["baseball/mlb/scoreboard", "20250517-20250518"],
          ["basketball/nba/scoreboard", "20250517-20250518"],
          ["hockey/nhl/scoreboard", "20250517-20250518"]
        ])
        const soon = yield* discover(["mlb"], "1 hour")
        assert.deepStrictEqual(soon.games.filter((g) => g.status === "scheduled").map((g) => g.gameId).sort(), ["401695600", "401695602", "401695603"])
      })))

  it.effect("a failing league is reported and the others still count", () =>
    withServer("2025-05-18T17:50:00Z", (fake) => fake.script("basketball/nba/scoreboard", [Reply.status(500)]), () =>
      Effect.gen(function*() {
        const result = yield* discover(["nba", "nhl"], "6 hours")
        assert.deepStrictEqual(result.games.map((g) => g.gameId), ["401777455"])
        assert.deepStrictEqual(result.errors.map((e) => [e.league, e.error.reason._tag]), [["nba", "HttpStatus"]])
      })))
})

describe("Discovery polling", () => {
  const NHL = "hockey/nhl/scoreboard"

  it.effect("polls slowly before the start, fast while live, and stops after the final", () => {
    const game = FakeEspn.nhlProgression("2025-06-05T00:00:00Z")
    return withServer("2025-06-04T23:57:00Z", (fake) => fake.script(NHL, [Reply.json(game.pre), Reply.json(game.pre), Reply.json(game.pre), Reply.json(game.live), Reply.json(game.live), Reply.json(game.final)]), (fake) =>
      Effect.gen(function*() {
        const discovery = yield* Discovery
        // t=0: scheduled, 3 minutes out: the slow pace
        yield* polled(fake, NHL, "nhl", 1)
        const [pre] = yield* discovery.games
        assert.deepStrictEqual([pre!.state.gameId, pre!.state.status, pre!.stale], ["401777455", "scheduled", false])
        const changes = yield* Stream.take(discovery.changes, 2).pipe(Stream.runCollect, Effect.forkChild({ startImmediately: true }))
        yield* TestClock.withLive(Effect.sleep("20 millis"))

        yield* TestClock.adjust("59 seconds")
        yield* TestClock.withLive(Effect.sleep("50 millis"))
        assert.strictEqual(fake.count(NHL), 1)
        yield* TestClock.adjust("1 second")
        yield* polled(fake, NHL, "nhl", 2) // t=60s: 2 minutes out, still slow
        yield* TestClock.adjust("60 seconds")
        yield* polled(fake, NHL, "nhl", 3) // t=120s: 1 minute out: the live pace from here
        yield* TestClock.adjust("2 seconds")
        yield* polled(fake, NHL, "nhl", 4) // live
        const [live] = yield* discovery.games
        assert.deepStrictEqual([live!.state.status, live!.state.period, live!.state.periodSecondsRemaining, live!.state.away.score], ["in_progress", 1, 1140, 1])
        yield* TestClock.adjust("2 seconds")
        yield* polled(fake, NHL, "nhl", 5) // live, unchanged: nothing published
        yield* TestClock.adjust("2 seconds")
        yield* polled(fake, NHL, "nhl", 6) // final: published once, then dropped
        assert.deepStrictEqual(yield* discovery.games, [])
        const published = yield* Fiber.join(changes)
        assert.deepStrictEqual(published.map((s) => [s.status, s.home.score, s.away.score]), [["in_progress", 0, 1], ["final", 2, 3]])
        assert.deepStrictEqual(published[1]!.result, { winner: "away", homeScore: 2, awayScore: 3 })

        // Nothing left to follow: only the idle look for new games
        yield* TestClock.adjust("29 seconds")
        yield* TestClock.withLive(Effect.sleep("50 millis"))
        assert.strictEqual(fake.count(NHL), 6)
        yield* TestClock.adjust("1 second")
        yield* polled(fake, NHL, "nhl", 7)
        assert.deepStrictEqual(yield* discovery.games, [])
      }).pipe(Effect.provide(Discovery.layerWith(discoveryOptions(["nhl"])))))
  })

  it.effect("when polls fail the last state is kept and marked stale after the limit", () => {
    const game = FakeEspn.nhlProgression("2025-06-05T00:00:00Z")
    return withServer("2025-06-05T00:10:00Z", (fake) => fake.script(NHL, [Reply.json(game.live), Reply.status(503)]), (fake) =>
      Effect.gen(function*() {
        const discovery = yield* Discovery
        yield* polled(fake, NHL, "nhl", 1)
        const [fresh] = yield* discovery.games
        assert.deepStrictEqual([fresh!.state.status, fresh!.stale, fresh!.ageMillis], ["in_progress", false, 0])
        // Failing polls keep the live pace: 16 more polls in 32 s, none of them changes the state
        for (let i = 2; i <= 17; i++) {
          yield* TestClock.adjust("2 seconds")
          yield* polled(fake, NHL, "nhl", i)
        }
        const [old] = yield* discovery.games
        assert.deepStrictEqual([old!.state.status, old!.stale, old!.ageMillis], ["in_progress", true, 32_000])
        assert.strictEqual(old!.state.observedAt, fresh!.state.observedAt)
      }).pipe(Effect.provide(Discovery.layerWith(discoveryOptions(["nhl"])))))
  })

  it.effect("a summary is followed at the game's pace until it is final", () => {
    const route = "basketball/nba/summary/401772994"
    return withServer("2025-05-31T23:50:00Z", (fake) => fake.script(route, [Reply.fixture("espn-nba-summary-pregame-predictor.json"), Reply.fixture("espn-nba-summary-401772994.json")]), (fake) =>
      Effect.gen(function*() {
        const discovery = yield* Discovery
        const collected = yield* discovery.summaries("nba", Schema.decodeUnknownSync(GameId)("401772994")).pipe(
          Stream.runCollect,
          Effect.forkChild({ startImmediately: true })
        )
        yield* waitFor(Effect.sync(() => fake.count(route) === 1), "the first summary")
        // 10 minutes before the start: the slow pace
        yield* TestClock.adjust("59 seconds")
        yield* TestClock.withLive(Effect.sleep("50 millis"))
        assert.strictEqual(fake.count(route), 1)
        yield* TestClock.adjust("1 second")
        const summaries = yield* Fiber.join(collected)
        assert.deepStrictEqual(summaries.map((s) => [s.game.status, s.plays.length]), [["scheduled", 0], ["final", 472]])
        assert.deepStrictEqual(summaries[0]!.predictor, { homeWinProbability: 0.58 })
        yield* TestClock.adjust("10 minutes")
        yield* TestClock.withLive(Effect.sleep("50 millis"))
        assert.strictEqual(fake.count(route), 2)
      }).pipe(Effect.provide(Discovery.layerWith(discoveryOptions([])))))
  })

  it.effect("follows several leagues at their own pace", () =>
    withServer("2025-05-18T17:50:00Z", () => {}, (fake) =>
      Effect.gen(function*() {
        const discovery = yield* Discovery
        yield* polled(fake, "basketball/nba/scoreboard", "nba", 1)
        yield* polled(fake, "baseball/mlb/scoreboard", "mlb", 1)
        const schedule = yield* discovery.schedule
        const now = yield* Clock.currentTimeMillis
        assert.deepStrictEqual([schedule.get("mlb")! - now, schedule.get("nba")! - now], [2_000, 30_000])
        assert.strictEqual((yield* discovery.games).length, 15)
      }).pipe(Effect.provide(Discovery.layerWith(discoveryOptions(["mlb", "nba"]))))))
})
