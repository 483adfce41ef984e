/**
 * The game actor under bus faults (issue 16, findings 1 and 6): with Redis stalled, game states
 * are still accepted and decided on at once (before, every state waited out the publish timeout),
 * and their events reach the stream, in order, once Redis answers again. A stale ESPN state (an
 * earlier clock and score) never moves the game backwards and is neither recorded nor published.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { Game } from "../../src/actors/Game.ts"
import { upsertGame } from "../../src/actors/Orchestrator.ts"
import type { GameState } from "../../src/schema/GameState.ts"
import type { GameId, TeamId } from "../../src/schema/Ids.ts"
import { EventBus } from "../../src/services/bus/EventBus.ts"
import { eventually } from "../support/Eventually.ts"
import * as FaultProxy from "../support/FaultProxy.ts"
import { runtimeWithoutVenues } from "../support/Runtime.ts"
import * as TestRedis from "../support/TestRedis.ts"

const proxy = await FaultProxy.start(Number(new URL(TestRedis.url).port || 6379), new URL(TestRedis.url).hostname)
const prefix = `arbees-test:${process.pid}:gameactor-faults:`

const runtime = runtimeWithoutVenues({
  "redis.url": proxy.url("redis"),
  "bus.streamPrefix": prefix,
  "bus.publishTimeout": "2s",
  "discovery.leagues": "nba"
}).pipe(
  // Below the runtime, so the proxy closes after it stops publishing through it
  Layer.provideMerge(Layer.effectDiscard(Effect.addFinalizer(() => Effect.promise(() => proxy.close()).pipe(Effect.andThen(TestRedis.deleteKeys(prefix)), Effect.ignore))))
)

const GAME = "401736999" as GameId

/** The NBA game with `secondsRemaining` left in regulation; the home side scores one point a minute. */
const stateAt = (secondsRemaining: number, observedAt: number): GameState => {
  const played = 2880 - secondsRemaining
  return {
    gameId: GAME,
    league: "nba",
    sport: "nba",
    status: "in_progress",
    startTime: observedAt - 3_600_000,
    period: Math.min(4, Math.floor(played / 720) + 1),
    secondsRemaining,
    periodSecondsRemaining: secondsRemaining % 720,
    overtime: false,
    home: { teamId: "11" as TeamId, abbreviation: "IND", name: "Indiana Pacers", score: Math.floor(played / 60) },
    away: { teamId: "3" as TeamId, abbreviation: "NO", name: "New Orleans Pelicans", score: 10 },
    detail: `${secondsRemaining}s left`,
    observedAt
  }
}

layer(runtime, { excludeTestServices: true, timeout: "180 seconds" })("game actor under bus faults", (it) => {
  it.effect("decides on every state while Redis is stalled; the states reach the stream in order afterwards; stale states are dropped", () =>
    Effect.gen(function*() {
      const bus = yield* EventBus
      const sql = yield* SqlClient.SqlClient
      const games = (yield* Game.client)(GAME)
      const t0 = Date.now()
      yield* upsertGame(stateAt(2000, t0))
      yield* games.Track({ state: stateAt(2000, t0), revision: "r1", attempt: 0, outcomes: [] })
      yield* eventually("the first state on the stream", bus.stored("game.state"), (s) => s.length === 1, "60 seconds")

      proxy.freeze()
      const started = Date.now()
      // All observed in the same millisecond (a burst): each is still its own row and event
      const burstAt = Date.now()
      for (let i = 1; i <= 10; i++) yield* games.Update({ state: stateAt(2000 - i * 60, burstAt) })
      const tookMs = Date.now() - started
      const view = yield* games.Inspect()
      // Before: each state waited for its publish (up to bus.publishTimeout, 2 s) — 10 states, 20 s
      assert.isBelow(tookMs, 6_000, `10 states took ${tookMs} ms with Redis stalled`)
      assert.strictEqual(view.state?.secondsRemaining, 1400)

      // A stale response (an earlier clock and score) arrives after the newest one: dropped
      yield* games.Update({ state: stateAt(1700, burstAt + 100) })
      assert.strictEqual((yield* games.Inspect()).state?.secondsRemaining, 1400)

      proxy.thaw()
      const stored = yield* eventually("every state on the stream", bus.stored("game.state"), (s) => s.length >= 11, "60 seconds")
      const remaining = stored.map((e) => (JSON.parse(e.payload!) as { state: GameState }).state.secondsRemaining)
      assert.deepStrictEqual(remaining, [2000, 1940, 1880, 1820, 1760, 1700, 1640, 1580, 1520, 1460, 1400])
      const rows = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM game_states WHERE game_id = ${GAME}`
      assert.strictEqual(rows[0]!.n, 11)
    }), 150_000)
})
