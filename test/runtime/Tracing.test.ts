import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { assert, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { Game } from "../../src/actors/Game.ts"
import { upsertGame } from "../../src/actors/Orchestrator.ts"
import { runtimeWith } from "../../src/runtime/App.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import { Diagnostics } from "../../src/services/Diagnostics.ts"
import type { GameState } from "../../src/schema/GameState.ts"
import type { ConditionId, GameId, MarketId, OutcomeId, TeamId } from "../../src/schema/Ids.ts"
import { EspnClient, optionsFrom } from "../../src/services/espn/EspnClient.ts"
import { MarketDataHub } from "../../src/services/marketdata/MarketDataHub.ts"
import { eventually } from "../support/Eventually.ts"
import { FakePolymarket, STREAM_ASSET } from "../support/FakePolymarket.ts"
import { acquireFake } from "../support/FakeVenue.ts"
import { migratedDatabase } from "../support/Runtime.ts"
import * as SimulatedEspn from "../support/SimulatedEspn.ts"
import { makeRecorder } from "../support/Tracing.ts"

const CONDITION = "0x285746de0e4f751fd4dc8f9dc2cecd0101ba9ad0096a43145ed9643b09514f01"
const recorder = makeRecorder()

/** The real runtime over a fake Polymarket (HTTP + WebSocket), with every span recorded. */
const runtime = Layer.unwrap(
  Effect.gen(function*() {
    const fake = yield* acquireFake(() => new FakePolymarket())
    const config = AppConfig.layerTest({
      "polymarket.wsUrl": fake.wsUrl(),
      "polymarket.clobUrl": fake.httpUrl(),
      "polymarket.gammaUrl": fake.gammaUrl(),
      "discovery.leagues": "nba",
      "espn.baseUrl": "http://espn.simulated/apis/site/v2/sports",
      "strategies.enabled": "model_edge"
    }).pipe(Layer.orDie)
    const external = Layer.mergeAll(
      MarketDataHub.layerFromConfig,
      Layer.unwrap(Effect.map(AppConfig, ({ config: c }) =>
        EspnClient.layerNoDeps(optionsFrom(c))
          .pipe(Layer.provide(SimulatedEspn.layer([])))))
    ).pipe(Layer.provide(Layer.mergeAll(NodeHttpClient.layerUndici, NodeWS.layerWebSocketConstructor)))
    return runtimeWith(external).pipe(
      Layer.provideMerge(migratedDatabase("postgres")),
      Layer.provideMerge(Diagnostics.layer),
      Layer.provideMerge(config),
      Layer.provideMerge(NodeServices.layer)
    )
  })
).pipe(Layer.provideMerge(recorder.layer))

const ids = { game: "401736810" as GameId }

/** An NBA game late in the fourth quarter, the home side 15 up after starting a clear favourite. */
const lateGame = (now: number): GameState => ({
  gameId: ids.game,
  league: "nba",
  sport: "nba",
  status: "in_progress",
  startTime: now - 2 * 3_600_000,
  period: 4,
  secondsRemaining: 180,
  periodSecondsRemaining: 180,
  overtime: false,
  home: { teamId: "11" as TeamId, abbreviation: "IND", name: "Indiana Pacers", score: 110 },
  away: { teamId: "3" as TeamId, abbreviation: "NO", name: "New Orleans Pelicans", score: 95 },
  odds: { provider: "test", homeMoneyline: -400, awayMoneyline: 320 },
  detail: "3:00 - 4th",
  observedAt: now
})

layer(runtime, { excludeTestServices: true, timeout: "60 seconds" })("tracing", (it) => {
  it.effect("one trace runs from a book update through the model and the signal to the order", () =>
    Effect.gen(function*() {
      const now = Date.now()
      yield* upsertGame(lateGame(now))
      const games = yield* Game.client
      yield* games(ids.game).Track({
        state: lateGame(now),
        revision: "r1",
        attempt: 0,
        outcomes: [{
          outcome: { platform: "polymarket", marketId: CONDITION as ConditionId as unknown as MarketId, outcomeId: STREAM_ASSET as OutcomeId },
          meaning: "home_win",
          fees: { _tag: "PolymarketFeeSchedule", rate: 30_000, exponent: 1, takerOnly: true },
          arbEligible: false
        }]
      })

      // The first book snapshot (best ask 0.397) against a model near 0.99 is an edge: one order
      const sql = yield* SqlClient.SqlClient
      const orders = yield* eventually(
        "the order",
        sql<{ client_order_id: string; quantity: string; limit_price_micros: string }>`SELECT client_order_id, quantity::text, limit_price_micros::text FROM orders`,
        (rows) => rows.length > 0,
        "20 seconds"
      )
      assert.strictEqual(orders.length, 1)
      assert.strictEqual(orders[0]!.limit_price_micros, "397000")
      // Sized on the depth: the 100-contract order cap binds (100 @ 0.397 plus fees is within the $50 caps)
      assert.strictEqual(orders[0]!.quantity, "100000000")

      // The book update is the root; each cluster hop appears as the client's span and the handler's
      assert.deepStrictEqual(recorder.ancestry("Execution.submit"), [
        "GameActor.tick",
        "GameActor.onBook",
        "GameActor.evaluate",
        "GameActor.signal",
        "Execution.client.Submit",
        "Execution.Submit",
        "Execution.submit"
      ])
      assert.deepStrictEqual(recorder.ancestry("Risk.check"), [
        "GameActor.tick",
        "GameActor.onBook",
        "GameActor.evaluate",
        "GameActor.signal",
        "Risk.client.Check",
        "Risk.Check",
        "Risk.check"
      ])
      const trace = recorder.traceOf("Execution.submit").map((s) => s.name)
      assert.include(trace, "Risk.check")
      // The model ran on the game-state change that came with Track, in its own trace
      assert.include(recorder.ancestry("GameActor.model"), "GameActor.onState")
    }))
})
