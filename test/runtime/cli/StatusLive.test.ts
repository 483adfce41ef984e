/**
 * `arbees status` against a running instance: the real runtime (cluster, game actor, market data
 * over the fake Polymarket's real WebSocket, the price history) tracks a game, its operator API is
 * served on a real port, and the real CLI prints the game with its teams, score, clock, model and
 * the venue's live price, which the runtime itself recorded.
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { assert, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { HttpRouter, HttpServer } from "effect/http"
import { SqlClient } from "effect/sql"
import { createServer } from "node:http"
import { Game } from "../../../src/actors/Game.ts"
import { upsertGame } from "../../../src/actors/Orchestrator.ts"
import * as ConsoleApi from "../../../src/runtime/api/ConsoleApi.ts"
import type { GameId } from "../../../src/schema/Ids.ts"
import { EventFeed } from "../../../src/services/console/EventFeed.ts"
import { ReadModel } from "../../../src/services/console/ReadModel.ts"
import { runCli } from "../../support/CliInProcess.ts"
import { eventually } from "../../support/Eventually.ts"
import { STREAM_ASSET } from "../../support/FakePolymarket.ts"
import { nbaGame } from "../../support/Games.ts"
import { overFakePolymarket, STREAM_CONDITION, streamOutcome } from "../../support/PolymarketRuntime.ts"

const GAME = "401736813" as GameId

const instance = overFakePolymarket({ "bus.block": "20ms" }, (runtime) =>
  HttpRouter.serve(ConsoleApi.layer, { disableLogger: true, disableListenLog: true }).pipe(
    Layer.provideMerge(NodeHttpServer.layer(createServer, { host: "127.0.0.1", port: 0 })),
    Layer.provideMerge(Layer.mergeAll(ReadModel.layer, EventFeed.layer([]))),
    Layer.provideMerge(runtime)
  ))

const state = (now: number) =>
  nbaGame({ gameId: GAME, now, period: 3, secondsRemaining: 1_000, periodSecondsRemaining: 280, home: 71, away: 66, detail: "4:40 - 3rd" })

layer(instance, { excludeTestServices: true, timeout: "90 seconds" })("arbees status on a running instance", (it) => {
  it.effect("shows the game the runtime tracks, with its teams, score, clock, model and the venue's live price", () =>
    Effect.gen(function*() {
      const now = Date.now()
      yield* upsertGame(state(now))
      yield* (yield* Game.client)(GAME).Track({
        state: state(now),
        revision: "r1",
        attempt: 0,
        outcomes: [streamOutcome("home_win")]
      })
      // The runtime records the live price itself (the game actor publishes it; the history writes it)
      const sql = yield* SqlClient.SqlClient
      yield* eventually("the live price in the history", sql`SELECT 1 FROM market_prices WHERE game_id = ${GAME}`, (rows) => rows.length > 0, "30 seconds")
      const base = HttpServer.formatAddress((yield* HttpServer.HttpServer).address)
      const result = yield* runCli(["status", "--url", base])
      assert.strictEqual(result.code, 0, result.stderr)
      assert.match(result.stdout, /NBA New Orleans Pelicans at Indiana Pacers {2}NO 66 - 71 IND {2}P3 4:40 {2}model home \d+\.\d%/)
      // The fake book's best ask is 0.397
      assert.match(result.stdout, new RegExp(`polymarket +${STREAM_CONDITION} +${STREAM_ASSET} +\\S+ +0\\.397`))
    }), 60_000)
})
