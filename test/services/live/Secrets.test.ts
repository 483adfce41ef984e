/**
 * No secret leaks: live order entry on both venues (signed requests, the user channels, a derived
 * API key, refusals, timeouts, a failed and a good reconciliation) runs with sentinel secrets while
 * every log line (debug and up) is captured; then the logs, every row of every table and the output
 * of `arbees config` are searched for the sentinels. The same search over `arbees run` in live mode
 * (its log lines, `arbees config` with its environment, every row of its database) is in
 * `test/runtime/LiveRun.test.ts`.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { assert, describe, layer } from "@effect/vitest"
import { Duration, Effect, Layer, Logger, Redacted, References } from "effect"
import { SqlClient } from "effect/sql"
import { generateKeyPairSync } from "node:crypto"
import { openAccount } from "../../../src/actors/Bankroll.ts"
import { kalshiIntents, polymarketIntents, reconcile, reconcileAtStartup } from "../../../src/actors/Reconciliation.ts"
import type { ClientOrderId, MarketId, OutcomeId } from "../../../src/schema/Ids.ts"
import type { Micros, Price, Qty } from "../../../src/schema/Money.ts"
import { DeadLetters } from "../../../src/services/DeadLetters.ts"
import { migrate } from "../../../src/services/database/Migrations.ts"
import { KalshiRateLimiter } from "../../../src/services/kalshi/KalshiRateLimiter.ts"
import { makeKalshiVenue } from "../../../src/services/live/KalshiVenue.ts"
import { makePolymarketVenue } from "../../../src/services/live/PolymarketVenue.ts"
import { makeSigner, type PolymarketSigner } from "../../../src/services/polymarket/PolymarketSigning.ts"
import { cleanEnv, run } from "../../support/Cli.ts"
import { until } from "../../support/Eventually.ts"
import { FakeKalshi } from "../../support/FakeKalshi.ts"
import { CONDITION, FakePolymarketClob, TOKEN_YES } from "../../support/FakePolymarketClob.ts"
import { acquireFake } from "../../support/FakeVenue.ts"
import * as TestDatabase from "../../support/TestDatabase.ts"

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
const PEM = privateKey.export({ type: "pkcs8", format: "pem" }).toString()
const PEM_BODY = PEM.split("\n")[5]!
const KALSHI_KEY_ID = "sentinel-kalshi-key-id-5b0f2c1e"
const WALLET_KEY = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba"
const clob = new FakePolymarketClob()
const SENTINELS = [KALSHI_KEY_ID, PEM_BODY, WALLET_KEY.slice(2), clob.secret, clob.passphrase, clob.apiKey]

const lines: Array<string> = []
const Capture = Logger.layer([Logger.map(Logger.formatJson, (line) => void lines.push(line))])

const Infra = Layer.mergeAll(DeadLetters.layer, NodeHttpClient.layerUndici, NodeWS.layerWebSocketConstructor, Capture).pipe(
  Layer.provideMerge(Layer.effectDiscard(Effect.orDie(migrate()))),
  Layer.provideMerge(TestDatabase.postgres),
  Layer.provideMerge(NodeServices.layer)
)

const leaks = (text: string) => SENTINELS.filter((s) => text.includes(s))

describe("secrets never leak", () => {
  layer(Infra, { excludeTestServices: true, timeout: 90_000 })((it) => {
    it.effect("not in a log line nor a database row, across live trading and reconciliation on both venues", () =>
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        yield* sql`INSERT INTO games (game_id, league, sport, home_team_id, home_team, home_abbr, away_team_id, away_team, away_abbr, start_time, status)
                   VALUES ('401000002', 'nba', 'nba', '1', 'Lakers', 'LAL', '2', 'Warriors', 'GSW', now(), 'in_progress')`
        const kalshi = yield* acquireFake(() => new FakeKalshi({ publicKey, orders: true }))
        const poly = yield* acquireFake(() => clob)
        const k = yield* makeKalshiVenue({
          restUrl: kalshi.httpUrl("/trade-api/v2"),
          wsUrl: kalshi.wsUrl(),
          credentials: { keyId: Redacted.make(KALSHI_KEY_ID), privateKey },
          timeout: Duration.millis(500),
          retries: 1,
          requestCost: 10,
          rateLimitPause: Duration.millis(20),
          silence: Duration.seconds(5),
          reconnectInitial: Duration.millis(50),
          reconnectMax: Duration.millis(200),
          intentOf: (id) => kalshiIntents(id).pipe(Effect.provideService(SqlClient.SqlClient, sql))
        }).pipe(Effect.provideServiceEffect(KalshiRateLimiter, KalshiRateLimiter.make({ readTokensPerSecond: 10_000, writeTokensPerSecond: 10_000, burstSeconds: 1 })))
        const p = yield* makePolymarketVenue({
          clobUrl: poly.httpUrl(),
          userWsUrl: poly.wsUrl(),
          signer: makeSigner({ privateKey: Redacted.make(WALLET_KEY) }) as PolymarketSigner,
          timeout: Duration.millis(2_500),
          retries: 1,
          writesPerSecond: 100,
          silence: Duration.seconds(5),
          reconnectInitial: Duration.millis(50),
          reconnectMax: Duration.millis(200),
          pingInterval: Duration.seconds(1),
          intentOf: (id) => polymarketIntents(id).pipe(Effect.provideService(SqlClient.SqlClient, sql))
        })
        yield* until(() => k.connection.status().connected && p.connection.status().connected && poly.userSockets === 1, "both private channels")
        yield* Effect.gen(function*() {
          yield* openAccount("live:kalshi", kalshi.desk!.balance as Micros)
          yield* sql`INSERT INTO orders (client_order_id, platform, market_id, outcome_id, game_id, action, time_in_force, limit_price_micros, quantity, status, paper, created_at, updated_at)
                     VALUES ('sec-kal-00001', 'kalshi', 'KXNBAGAME-26OCT21LALGSW-LAL', 'yes', '401000002', 'buy', 'ioc', 500000, 2000000, 'unknown', false, now(), now())`
          kalshi.desk!.hangAfterAccept = true
          yield* Effect.ignore(k.venue.submit({
            clientOrderId: "sec-kal-00001" as ClientOrderId,
            outcome: { platform: "kalshi", marketId: "KXNBAGAME-26OCT21LALGSW-LAL" as MarketId, outcomeId: "yes" as OutcomeId },
            action: "buy", limitPrice: 500_000 as Price, quantity: 2_000_000 as Qty, timeInForce: "ioc", postOnly: false
          }))
          kalshi.failNext(1, { status: 401, body: { error: { code: "unauthorized", message: `bad key ${KALSHI_KEY_ID}?` } } }, "/portfolio/events/orders")
          yield* Effect.ignore(k.venue.submit({
            clientOrderId: "sec-kal-00002" as ClientOrderId,
            outcome: { platform: "kalshi", marketId: "KXNBAGAME-26OCT21LALGSW-LAL" as MarketId, outcomeId: "yes" as OutcomeId },
            action: "buy", limitPrice: 500_000 as Price, quantity: 1_000_000 as Qty, timeInForce: "ioc", postOnly: false
          }))
          yield* Effect.ignore(p.venue.submit({
            clientOrderId: "sec-pm-000001" as ClientOrderId,
            outcome: { platform: "polymarket", marketId: CONDITION as MarketId, outcomeId: TOKEN_YES as OutcomeId },
            action: "buy", limitPrice: 430_000 as Price, quantity: 5_000_000 as Qty, timeInForce: "ioc", postOnly: false
          }))
          poly.failNext(1, { status: 200, raw: "{not json" }, "/order")
          yield* Effect.ignore(p.venue.submit({
            clientOrderId: "sec-pm-000002" as ClientOrderId,
            outcome: { platform: "polymarket", marketId: CONDITION as MarketId, outcomeId: TOKEN_YES as OutcomeId },
            action: "buy", limitPrice: 430_000 as Price, quantity: 5_000_000 as Qty, timeInForce: "ioc", postOnly: false
          }))
          kalshi.failNext(2, { status: 500, body: { error: "down" } }, "/portfolio/positions")
          yield* Effect.ignore(reconcileAtStartup([{ venue: k.venue, account: "live:kalshi" }], { lookback: Duration.hours(1) }))
          yield* reconcile(k.venue, "live:kalshi", { lookback: Duration.hours(1) })
          yield* reconcile(p.venue, "live:polymarket", { lookback: Duration.hours(1) })
        }).pipe(Effect.provideService(References.MinimumLogLevel, "Debug"))
        assert.isAbove(lines.length, 3)
        assert.deepStrictEqual(leaks(lines.join("\n")), [])
        const tables = yield* sql<{ tablename: string }>`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`
        let rows = 0
        for (const { tablename } of tables) {
          const dump = yield* sql.unsafe<{ row: string }>(`SELECT t::text AS row FROM "${tablename}" t`)
          rows += dump.length
          assert.deepStrictEqual(leaks(dump.map((r) => r.row).join("\n")), [], `table ${tablename}`)
        }
        assert.isAbove(rows, 10)
        const counted = yield* sql<{ n: string }>`SELECT count(*)::text AS n FROM fills`
        // The Kalshi order in the journal; the Polymarket one was never journalled, so it is flagged, not booked
        assert.strictEqual(counted[0]!.n, "1")
      }))

    it.effect("not in `arbees config`", () =>
      Effect.gen(function*() {
        const result = yield* Effect.promise(() =>
          run(["config"], {
            env: cleanEnv({
              ARBEES_KALSHI_KEY_ID: KALSHI_KEY_ID,
              ARBEES_KALSHI_PRIVATE_KEY: PEM,
              ARBEES_POLYMARKET_WALLET_PRIVATE_KEY: WALLET_KEY,
              ARBEES_POLYMARKET_API_KEY: clob.apiKey,
              ARBEES_POLYMARKET_API_SECRET: clob.secret,
              ARBEES_POLYMARKET_API_PASSPHRASE: clob.passphrase
            })
          })
        )
        assert.strictEqual(result.code, 0, result.stderr)
        assert.include(result.stdout, "kalshi.keyId")
        assert.deepStrictEqual(leaks(result.stdout + result.stderr), [])
      }))
  })
})
