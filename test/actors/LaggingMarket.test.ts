/**
 * The lagging-market strategy in the real runtime over a fake Polymarket: a play moves the model
 * while the venue's book sits still, and the strategy's signal goes through risk and execution
 * like any other: recorded with its strategy name and reason code, approved, ordered.
 */
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

const CONDITION = "0x285746de0e4f751fd4dc8f9dc2cecd0101ba9ad0096a43145ed9643b09514f01"
const GAME = "401736811"

const runtime = Layer.unwrap(
  Effect.gen(function*() {
    const fake = yield* acquireFake(() => new FakePolymarket())
    const config = AppConfig.layerTest({
      "polymarket.wsUrl": fake.wsUrl(),
      "polymarket.clobUrl": fake.httpUrl(),
      "polymarket.gammaUrl": fake.httpUrl(),
      "discovery.leagues": "nba",
      "espn.baseUrl": "http://espn.simulated/apis/site/v2/sports",
      "strategies.enabled": "lagging_market",
      "strategies.params": JSON.stringify({ lagging_market: { minJump: 0.05, windowMillis: 60_000 } })
    }).pipe(Layer.orDie)
    const external = Layer.mergeAll(
      MarketDataHub.layerFromConfig,
      Layer.unwrap(Effect.map(AppConfig, ({ config: c }) => EspnClient.layerNoDeps(optionsFrom(c)).pipe(Layer.provide(SimulatedEspn.layer([])))))
    ).pipe(Layer.provide(Layer.mergeAll(NodeHttpClient.layerUndici, NodeWS.layerWebSocketConstructor)))
    return runtimeWith(external).pipe(
      Layer.provideMerge(migratedDatabase("postgres")),
      Layer.provideMerge(Diagnostics.layer),
      Layer.provideMerge(config),
      Layer.provideMerge(NodeServices.layer)
    )
  })
)

const game = (now: number, home: number, away: number): GameState => ({
  gameId: GAME as GameId,
  league: "nba",
  sport: "nba",
  status: "in_progress",
  startTime: now - 3_600_000,
  period: 4,
  secondsRemaining: 240,
  periodSecondsRemaining: 240,
  overtime: false,
  home: { teamId: "11" as TeamId, abbreviation: "IND", name: "Indiana Pacers", score: home },
  away: { teamId: "3" as TeamId, abbreviation: "NO", name: "New Orleans Pelicans", score: away },
  detail: "4:00 - 4th",
  observedAt: now
})

layer(runtime, { excludeTestServices: true, timeout: "90 seconds" })("the lagging market in the runtime", (it) => {
  it.effect("a play the venue has not priced in is bought, recorded under lagging_market, and ordered", () =>
    Effect.gen(function*() {
      const client = (yield* Game.client)(GAME)
      const t0 = Date.now()
      yield* upsertGame(game(t0, 100, 100))
      // The fake's token is the away side; tied late in the fourth, the model has it near even
      yield* client.Track({
        state: game(t0, 100, 100),
        revision: "r1",
        attempt: 0,
        outcomes: [{
          outcome: { platform: "polymarket", marketId: CONDITION as ConditionId as unknown as MarketId, outcomeId: STREAM_ASSET as OutcomeId },
          meaning: "away_win",
          fees: { _tag: "PolymarketFeeSchedule", rate: 30_000, exponent: 1, takerOnly: true },
          arbEligible: false
        }]
      })
      // The venue's book is live before the play
      yield* eventually("the live book", client.Inspect(), (v) => v.tops.some((t) => t.ask !== undefined), "30 seconds")
      // The away side scores three in a row: the model jumps toward away, the venue still asks 0.397
      yield* client.Update({ state: game(Date.now(), 100, 107) })
      const sql = yield* SqlClient.SqlClient
      const signals = yield* eventually(
        "the lagging-market signal",
        sql<{ strategy: string; status: string; reason_code: string; kind: string }>`SELECT strategy, status, reason_code, kind FROM signals`,
        (rows) => rows.length > 0,
        "30 seconds"
      )
      assert.deepStrictEqual(signals.map((s) => [s.strategy, s.status, s.reason_code]), [["lagging_market", "accepted", "APPROVED"]])
      const orders = yield* eventually(
        "its order",
        sql<{ action: string; outcome_id: string }>`SELECT action, outcome_id FROM orders`,
        (rows) => rows.length > 0,
        "30 seconds"
      )
      assert.deepStrictEqual(orders.map((o) => [o.action, o.outcome_id]), [["buy", STREAM_ASSET]])
    }))
})
