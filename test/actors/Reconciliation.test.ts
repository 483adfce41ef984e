import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { assert, describe, layer } from "@effect/vitest"
import { Duration, Effect, Layer, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { generateKeyPairSync } from "node:crypto"
import { openAccount, readBalance } from "../../src/actors/Bankroll.ts"
import { isReconciling, kalshiIntents, reconcile, reconcileAtStartup, runReconciliation } from "../../src/actors/Reconciliation.ts"
import type { ClientOrderId, MarketId, OutcomeId } from "../../src/schema/Ids.ts"
import type { Micros, Price, Qty } from "../../src/schema/Money.ts"
import { DeadLetters } from "../../src/services/DeadLetters.ts"
import { migrate } from "../../src/services/database/Migrations.ts"
import { KalshiRateLimiter } from "../../src/services/kalshi/KalshiRateLimiter.ts"
import { makeKalshiVenue } from "../../src/services/live/KalshiVenue.ts"
import type { OrderRequest } from "../../src/services/venue/Venue.ts"
import { until } from "../support/Eventually.ts"
import { FakeKalshi } from "../support/FakeKalshi.ts"
import { acquireFake } from "../support/FakeVenue.ts"
import * as TestDatabase from "../support/TestDatabase.ts"

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
const TICKER = "KXNBAGAME-26OCT21LALGSW-LAL"
const ACCOUNT = "live:kalshi"
const LOOKBACK = { lookback: Duration.hours(1) }

const Infra = Layer.mergeAll(DeadLetters.layer, NodeHttpClient.layerUndici, NodeWS.layerWebSocketConstructor).pipe(
  Layer.provideMerge(Layer.effectDiscard(Effect.orDie(migrate()))),
  Layer.provideMerge(TestDatabase.postgres),
  Layer.provideMerge(NodeServices.layer)
)

const order = (id: string): OrderRequest => ({
  clientOrderId: id as ClientOrderId,
  outcome: { platform: "kalshi", marketId: TICKER as MarketId, outcomeId: "no" as OutcomeId },
  action: "buy",
  limitPrice: 400_000 as Price,
  quantity: 5_000_000 as Qty,
  timeInForce: "ioc",
  postOnly: false
})

/** The order row execution writes before it sends (the journal). */
const journal = (id: string, status: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`INSERT INTO orders (client_order_id, platform, market_id, outcome_id, game_id, action, time_in_force, limit_price_micros, quantity, status, paper, created_at, updated_at)
        VALUES (${id}, 'kalshi', ${TICKER}, 'no', '401000001', 'buy', 'ioc', 400000, 5000000, ${status}, false, now(), now())`)

const setup = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`INSERT INTO games (game_id, league, sport, home_team_id, home_team, home_abbr, away_team_id, away_team, away_abbr, start_time, status)
             VALUES ('401000001', 'nba', 'nba', '1', 'Lakers', 'LAL', '2', 'Warriors', 'GSW', now(), 'in_progress') ON CONFLICT DO NOTHING`
  yield* sql`DELETE FROM fills`.pipe(Effect.andThen(sql`DELETE FROM orders`), Effect.andThen(sql`DELETE FROM reconciliation_differences`))
  const fake = yield* acquireFake(() => new FakeKalshi({ publicKey, orders: true }))
  const { venue, connection } = yield* makeKalshiVenue({
    restUrl: fake.httpUrl("/trade-api/v2"),
    wsUrl: fake.wsUrl(),
    credentials: { keyId: Redacted.make("test-key"), privateKey },
    timeout: Duration.millis(500),
    retries: 1,
    requestCost: 10,
    rateLimitPause: Duration.millis(20),
    silence: Duration.seconds(5),
    reconnectInitial: Duration.millis(50),
    reconnectMax: Duration.millis(200),
    intentOf: (id) => kalshiIntents(id).pipe(Effect.provideService(SqlClient.SqlClient, sql))
  }).pipe(Effect.provideServiceEffect(KalshiRateLimiter, KalshiRateLimiter.make({ readTokensPerSecond: 10_000, writeTokensPerSecond: 10_000, burstSeconds: 1 })))
  yield* until(() => connection.status().connected && fake.subscriptions.size === 2, "the private channels")
  return { sql, fake, desk: fake.desk!, venue }
})

describe("reconciliation against the fake Kalshi", () => {
  layer(Infra, { excludeTestServices: true, timeout: 60_000 })((it) => {
    it.effect("an order POST that timed out but filled: found, its fill recorded once, never re-sent; the ledger equals the venue", () =>
      Effect.gen(function*() {
        const { desk, sql, venue } = yield* setup
        const account = `${ACCOUNT}:a`
        yield* openAccount(account, desk.balance as Micros)
        yield* journal("sig-lost-0001", "submitted")
        desk.hangAfterAccept = true
        const error = yield* Effect.flip(venue.submit(order("sig-lost-0001")))
        assert.strictEqual(error.reason._tag, "OutcomeUnknown")
        yield* sql`UPDATE orders SET status = 'unknown' WHERE client_order_id = 'sig-lost-0001'`
        const first = yield* reconcile(venue, account, LOOKBACK)
        assert.deepInclude<Record<string, unknown>>({ ...first }, { resolved: 1, fillsRecorded: 1, externalFills: 0, balanceAdjustment: 0 })
        const second = yield* reconcile(venue, account, LOOKBACK)
        assert.deepInclude<Record<string, unknown>>({ ...second }, { resolved: 0, fillsRecorded: 0, balanceAdjustment: 0 })
        const [row] = yield* sql<{ status: string; filled_quantity: string; venue_order_id: string }>`SELECT status, filled_quantity::text, venue_order_id FROM orders WHERE client_order_id = 'sig-lost-0001'`
        assert.deepStrictEqual({ ...row }, { status: "filled", filled_quantity: "5000000", venue_order_id: "ord-1" })
        const fills = yield* sql<{ fill_id: string; price_micros: string; fee_micros: string }>`SELECT fill_id, price_micros::text, fee_micros::text FROM fills`
        assert.deepStrictEqual(fills.map((f) => ({ ...f })), [{ fill_id: "kalshi:trade-1", price_micros: "400000", fee_micros: "90000" }])
        assert.strictEqual(desk.creates, 1)
        assert.strictEqual((yield* readBalance(account)).balance, desk.balance)
        assert.strictEqual(desk.balance, 1_000_000_000 - 2_000_000 - 90_000)
        assert.isFalse(yield* isReconciling("kalshi"))
      }))

    it.effect("an order POST that never reached the venue is resolved as not placed", () =>
      Effect.gen(function*() {
        const { desk, fake, sql, venue } = yield* setup
        const account = `${ACCOUNT}:b`
        yield* openAccount(account, desk.balance as Micros)
        yield* journal("sig-void-0001", "submitted")
        fake.failNext(1, { status: 0, hang: true }, "/portfolio/events/orders")
        assert.strictEqual((yield* Effect.flip(venue.submit(order("sig-void-0001")))).reason._tag, "OutcomeUnknown")
        const report = yield* reconcile(venue, account, LOOKBACK)
        assert.deepInclude<Record<string, unknown>>({ ...report }, { resolved: 1, fillsRecorded: 0, balanceAdjustment: 0 })
        const [row] = yield* sql<{ status: string; last_error: string }>`SELECT status, last_error FROM orders WHERE client_order_id = 'sig-void-0001'`
        assert.deepStrictEqual({ ...row }, { status: "rejected", last_error: "not at the venue (reconciled)" })
        assert.strictEqual(desk.creates, 0)
      }))

    it.effect("a position arbees never opened is flagged, not traded; a cash difference is posted with its reason", () =>
      Effect.gen(function*() {
        const { desk, sql, venue } = yield* setup
        const account = `${ACCOUNT}:c`
        yield* openAccount(account, 900_000_000 as Micros)
        desk.addExternalPosition("KXMLBGAME-26OCT072000TBNYY-TB", 7_000_000)
        const report = yield* reconcile(venue, account, LOOKBACK)
        assert.deepStrictEqual<unknown>(report.externalPositions.map((p) => [p.outcome.marketId, p.outcome.outcomeId, p.quantity]), [["KXMLBGAME-26OCT072000TBNYY-TB", "yes", 7_000_000]])
        assert.strictEqual(report.balanceAdjustment, desk.balance - 900_000_000)
        assert.strictEqual((yield* readBalance(account)).balance, desk.balance)
        const kinds = yield* sql<{ kind: string; detail: string }>`SELECT kind, detail FROM reconciliation_differences ORDER BY kind`
        assert.deepStrictEqual(kinds.map((k) => k.kind), ["balance", "external_position"])
        assert.match(kinds[0]!.detail, /^venue balance 1000, ledger 900$/)
        const [flag] = yield* sql<{ external_positions: unknown; reconciling: boolean }>`SELECT external_positions, reconciling FROM venue_reconciliation WHERE platform = 'kalshi'`
        assert.deepStrictEqual(flag!.external_positions, [{ marketId: "KXMLBGAME-26OCT072000TBNYY-TB", outcomeId: "yes", quantity: 7_000_000 }])
        assert.isFalse(flag!.reconciling)
        assert.strictEqual(desk.creates, 0)
      }))

    it.effect("a user-channel drop during fills is recovered by the reconciliation after the reconnect", () =>
      Effect.gen(function*() {
        const { desk, fake, sql, venue } = yield* setup
        const account = `${ACCOUNT}:d`
        yield* openAccount(account, desk.balance as Micros)
        yield* runReconciliation(venue, account, { ...LOOKBACK, every: Duration.hours(1) })
        yield* journal("sig-drop-0001", "submitted")
        // The fill happens while the private channel is down: its message reaches no one
        fake.dropAll()
        const submitted = yield* venue.submit(order("sig-drop-0001"))
        assert.strictEqual(submitted.state.status, "filled")
        yield* until(() => fake.subscriptions.size === 2, "the channels back")
        const recorded = yield* Effect.gen(function*() {
          for (let i = 0; i < 100; i++) {
            const rows = yield* sql<{ status: string }>`SELECT status FROM orders WHERE client_order_id = 'sig-drop-0001'`
            if (rows[0]!.status === "filled") return true
            yield* Effect.sleep(Duration.millis(50))
          }
          return false
        })
        assert.isTrue(recorded)
        const fills = yield* sql<{ fill_id: string }>`SELECT fill_id FROM fills WHERE client_order_id = 'sig-drop-0001'`
        assert.deepStrictEqual(fills.map((f) => f.fill_id), ["kalshi:trade-1"])
        assert.strictEqual((yield* readBalance(account)).balance, desk.balance)
      }))

    it.effect("an order not sent yet and younger than the settle time is left alone (its POST may be on its way); after it, closed as never placed", () =>
      Effect.gen(function*() {
        const { desk, sql, venue } = yield* setup
        const account = `${ACCOUNT}:f`
        yield* openAccount(account, desk.balance as Micros)
        yield* journal("sig-settle-001", "pending_submit")
        const early = yield* reconcile(venue, account, { ...LOOKBACK, settle: Duration.minutes(1) })
        assert.strictEqual(early.resolved, 0)
        const [waiting] = yield* sql<{ status: string }>`SELECT status FROM orders WHERE client_order_id = 'sig-settle-001'`
        assert.strictEqual(waiting!.status, "pending_submit")
        const later = yield* reconcile(venue, account, LOOKBACK)
        assert.strictEqual(later.resolved, 1)
        const [closed] = yield* sql<{ status: string; last_error: string }>`SELECT status, last_error FROM orders WHERE client_order_id = 'sig-settle-001'`
        assert.deepStrictEqual({ ...closed }, { status: "rejected", last_error: "not at the venue (reconciled)" })
        assert.strictEqual(desk.creates, 0)
      }))

    it.effect("a failed start-up reconciliation refuses live trading with one clear line", () =>
      Effect.gen(function*() {
        const { fake, sql, venue } = yield* setup
        fake.failNext(10, { status: 500, body: { error: "down" } }, "/portfolio/positions")
        const refused = yield* Effect.flip(reconcileAtStartup([{ venue, account: `${ACCOUNT}:e` }], LOOKBACK))
        assert.strictEqual(refused._tag, "LiveRefused")
        assert.match(refused.message, /^live trading refused: start-up reconciliation with kalshi failed \(OrderError: OutcomeUnknown: read failed: HttpStatus 500\)$/)
        assert.notInclude(refused.message, "\n")
        const [flag] = yield* sql<{ reconciling: boolean; last_error: string }>`SELECT reconciling, last_error FROM venue_reconciliation WHERE platform = 'kalshi'`
        assert.deepStrictEqual({ ...flag }, { reconciling: false, last_error: "OrderError: OutcomeUnknown: read failed: HttpStatus 500" })
      }))
  })
})
