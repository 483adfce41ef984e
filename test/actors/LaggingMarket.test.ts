/**
 * The lagging-market strategy in the real runtime over a fake Polymarket: a play moves the model
 * while the venue's book sits still, and the strategy's signal goes through risk and execution
 * like any other: recorded with its strategy name and reason code, approved, ordered.
 */
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { SqlClient } from "effect/sql"
import { Game } from "../../src/actors/Game.ts"
import { upsertGame } from "../../src/actors/Orchestrator.ts"
import { eventually } from "../support/Eventually.ts"
import { STREAM_ASSET } from "../support/FakePolymarket.ts"
import { GAME, laggingMarketRuntime, lateGame as game, streamOutcome } from "../support/LaggingMarketRuntime.ts"
import { migratedDatabase } from "../support/Runtime.ts"

const runtime = laggingMarketRuntime(migratedDatabase("postgres"))

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
        outcomes: [streamOutcome("away_win")]
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
