/**
 * A child process for the `kill -9` tests of live order entry (`test/actors/LiveKill.test.ts`),
 * run as `node_modules/.bin/node test/support/LiveOrderChild.ts <submit|recover> [kalshi|polymarket]`
 * on the real layers (configuration from the environment, the migrated database) and a live venue:
 * Kalshi over the test's fake Kalshi (`KALSHI_REST`, `KALSHI_WS`, the key in `KALSHI_KEY_FILE`), or
 * Polymarket over the fake CLOB (`POLY_CLOB`, `POLY_WS`, the wallet key in `POLY_WALLET`, the API
 * key in `POLY_API_KEY`, `POLY_API_SECRET`, `POLY_API_PASSPHRASE`). Polymarket's order id (the
 * order's hash) is journalled before the POST, as `arbees run` does.
 *
 * `submit`: reconciles once (which opens the account at the venue's balance), journals one order
 * exactly as execution does (`Trades.recordOrder`, `pending_submit`), prints `SENDING`, and sends
 * it. The test kills the process while the POST waits for its answer.
 *
 * `recover`: the restart. Reconciles (a fill it finds is booked through `Trades.applyFill`, as
 * `arbees run` books it) and prints `R <report as JSON>`; nothing is re-sent.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { Duration, Effect, Layer, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { createPrivateKey } from "node:crypto"
import { readFileSync } from "node:fs"
import { kalshiIntents, polymarketIntents, reconcile, recordOrderId } from "../../src/actors/Reconciliation.ts"
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
import { makePolymarketVenue } from "../../src/services/live/PolymarketVenue.ts"
import { makeSigner } from "../../src/services/polymarket/PolymarketSigning.ts"
import type { VenueFill } from "../../src/services/venue/Venue.ts"
import { CONDITION, TOKEN_YES } from "./FakePolymarketClob.ts"

export const TICKER = "KXNBAGAME-26DEC02LALBOS-LAL"
export const ORDER_ID = "sig-kill9-00001"
export const ACCOUNT = "live:kalshi"
const say = (line: string) => Effect.sync(() => void process.stdout.write(`${line}\n`))

export const POLY_ORDER_ID = "sig-kill9-poly1"
export const POLY_ACCOUNT = "live:polymarket"
const venueName = process.argv[3] === "polymarket" ? "polymarket" : "kalshi"

const kalshiVenue = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  return yield* makeKalshiVenue({
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
})

const polymarketVenue = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const env = (name: string) => process.env[name]!
  const signer = makeSigner({ privateKey: Redacted.make(env("POLY_WALLET")) })
  if ("error" in signer) return yield* Effect.die(signer.error)
  return yield* makePolymarketVenue({
    clobUrl: env("POLY_CLOB"),
    userWsUrl: env("POLY_WS"),
    dataUrl: env("POLY_CLOB"),
    signer,
    credentials: { apiKey: Redacted.make(env("POLY_API_KEY")), secret: Redacted.make(env("POLY_API_SECRET")), passphrase: Redacted.make(env("POLY_API_PASSPHRASE")) },
    timeout: Duration.seconds(30),
    retries: 1,
    writesPerSecond: 100,
    silence: Duration.seconds(30),
    reconnectInitial: Duration.millis(50),
    reconnectMax: Duration.millis(200),
    pingInterval: Duration.seconds(5),
    intentOf: (id) => polymarketIntents(id).pipe(Effect.provideService(SqlClient.SqlClient, sql)),
    beforeSend: (intent) => Effect.orDie(recordOrderId("polymarket", intent.clientOrderId, intent.venueOrderId)).pipe(Effect.provideService(SqlClient.SqlClient, sql))
  })
})

const program = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { connection, venue } = venueName === "kalshi" ? yield* kalshiVenue : yield* polymarketVenue
  const account = venueName === "kalshi" ? ACCOUNT : POLY_ACCOUNT
  while (!connection.status().connected) yield* Effect.sleep("20 millis")
  // Found fills are booked as `arbees run` books them: the order, the position and the ledger
  const { config } = yield* AppConfig
  const books = { account: config.bankroll.account, live: new Set([venueName] as const), piggybankShare: config.bankroll.piggybankShare }
  const journal = yield* Effect.context<Trades.TradesContext>()
  const options = { lookback: Duration.hours(1), apply: (fill: VenueFill) => Trades.applyFill(books, fill).pipe(Effect.provideContext(journal)) }
  if (process.argv[2] === "recover") {
    const report = yield* reconcile(venue, account, options)
    return yield* say(`R ${JSON.stringify({ ...report, externalPositions: report.externalPositions.length })}`)
  }
  yield* reconcile(venue, account, options)
  yield* sql`INSERT INTO games (game_id, league, sport, home_team_id, home_team, home_abbr, away_team_id, away_team, away_abbr, start_time, status)
             VALUES ('401810099', 'nba', 'nba', '1', 'Boston Celtics', 'BOS', '2', 'Los Angeles Lakers', 'LAL', now(), 'in_progress') ON CONFLICT DO NOTHING`
  const order = venueName === "kalshi"
    ? {
      clientOrderId: ORDER_ID as ClientOrderId,
      outcome: { platform: "kalshi" as const, marketId: TICKER as MarketId, outcomeId: "no" as OutcomeId },
      action: "buy" as const, limitPrice: priceOf("0.40"), quantity: qtyOf("5"), timeInForce: "ioc" as const, postOnly: false
    }
    : {
      clientOrderId: POLY_ORDER_ID as ClientOrderId,
      outcome: { platform: "polymarket" as const, marketId: CONDITION as MarketId, outcomeId: TOKEN_YES as OutcomeId },
      action: "buy" as const, limitPrice: priceOf("0.43"), quantity: qtyOf("5"), timeInForce: "ioc" as const, postOnly: false
    }
  yield* Trades.recordOrder({ ...order, signalId: order.clientOrderId as string as SignalId, gameId: "401810099" as GameId, purpose: "entry", paper: false })
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
