/**
 * A child process for the `kill -9` test of live order entry (`test/actors/LiveKill.test.ts`),
 * run as `node_modules/.bin/node test/support/LiveOrderChild.ts <submit|recover>` on the real
 * layers (configuration from the environment, the migrated database) and the live Kalshi venue
 * over the test's fake Kalshi (`KALSHI_REST`, `KALSHI_WS`, the key in `KALSHI_KEY_FILE`).
 *
 * `submit`: reconciles once (which opens the account at the venue's balance), journals one order
 * exactly as execution does (`Trades.recordOrder`, `pending_submit`), prints `SENDING`, and sends
 * it. The test kills the process while the POST waits for its answer.
 *
 * `recover`: the restart. Reconciles and prints `R <report as JSON>`; nothing is re-sent.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { Duration, Effect, Layer, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { createPrivateKey } from "node:crypto"
import { readFileSync } from "node:fs"
import { kalshiIntents, reconcile } from "../../src/actors/Reconciliation.ts"
import * as Trades from "../../src/actors/Trades.ts"
import { MigratedDatabase } from "../../src/runtime/App.ts"
import type { ClientOrderId, GameId, MarketId, OutcomeId, SignalId } from "../../src/schema/Ids.ts"
import { priceOf, qtyOf } from "../../src/schema/Money.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import { EventBus } from "../../src/services/bus/EventBus.ts"
import { Outbox } from "../../src/services/bus/Outbox.ts"
import { DeadLetters } from "../../src/services/DeadLetters.ts"
import { KalshiRateLimiter } from "../../src/services/kalshi/KalshiRateLimiter.ts"
import { makeKalshiVenue } from "../../src/services/live/KalshiVenue.ts"

export const TICKER = "KXNBAGAME-26DEC02LALBOS-LAL"
export const ORDER_ID = "sig-kill9-00001"
export const ACCOUNT = "live:kalshi"
const say = (line: string) => Effect.sync(() => void process.stdout.write(`${line}\n`))

const program = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { venue, connection } = yield* makeKalshiVenue({
    restUrl: process.env["KALSHI_REST"]!,
    wsUrl: process.env["KALSHI_WS"]!,
    credentials: { keyId: Redacted.make("test-key"), privateKey: createPrivateKey(readFileSync(process.env["KALSHI_KEY_FILE"]!, "utf8")) },
    timeout: Duration.seconds(30),
    retries: 1,
    requestCost: 10,
    rateLimitPause: Duration.millis(20),
    silence: Duration.seconds(30),
    reconnectInitial: Duration.millis(50),
    reconnectMax: Duration.millis(200),
    intentOf: (id) => kalshiIntents(id).pipe(Effect.provideService(SqlClient.SqlClient, sql))
  }).pipe(Effect.provideServiceEffect(KalshiRateLimiter, KalshiRateLimiter.make({ readTokensPerSecond: 10_000, writeTokensPerSecond: 10_000, burstSeconds: 1 })))
  while (!connection.status().connected) yield* Effect.sleep("20 millis")
  if (process.argv[2] === "recover") {
    const report = yield* reconcile(venue, ACCOUNT, { lookback: Duration.hours(1) })
    return yield* say(`R ${JSON.stringify({ ...report, externalPositions: report.externalPositions.length })}`)
  }
  yield* reconcile(venue, ACCOUNT, { lookback: Duration.hours(1) })
  yield* sql`INSERT INTO games (game_id, league, sport, home_team_id, home_team, home_abbr, away_team_id, away_team, away_abbr, start_time, status)
             VALUES ('401810099', 'nba', 'nba', '1', 'Boston Celtics', 'BOS', '2', 'Los Angeles Lakers', 'LAL', now(), 'in_progress') ON CONFLICT DO NOTHING`
  const outcome = { platform: "kalshi" as const, marketId: TICKER as MarketId, outcomeId: "no" as OutcomeId }
  const order = { clientOrderId: ORDER_ID as ClientOrderId, outcome, action: "buy" as const, limitPrice: priceOf("0.40"), quantity: qtyOf("5"), timeInForce: "ioc" as const, postOnly: false }
  yield* Trades.recordOrder({ ...order, signalId: ORDER_ID as SignalId, gameId: "401810099" as GameId, purpose: "entry", paper: false })
  yield* say("SENDING")
  yield* venue.submit(order)
  yield* say("ANSWERED")
})

if (import.meta.main) {
  const layer = Outbox.layerNoRelay.pipe(
    Layer.provideMerge(EventBus.layerMemory),
    Layer.provideMerge(DeadLetters.layer),
    Layer.provideMerge(MigratedDatabase),
    Layer.provideMerge(Layer.mergeAll(NodeHttpClient.layerUndici, NodeWS.layerWebSocketConstructor)),
    Layer.provideMerge(AppConfig.layer({ flags: [] })),
    Layer.provideMerge(NodeServices.layer)
  )
  NodeRuntime.runMain(Effect.scoped(program).pipe(Effect.provide(layer)))
}
