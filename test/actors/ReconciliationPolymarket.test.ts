/**
 * Reconciliation (issue 15) over the fake Polymarket CLOB, as `Reconciliation.test.ts` does over the
 * fake Kalshi: the live venue signs real orders the fake recovers, the order journal (orders and
 * the order hash in `live_order_ids`, written before the POST) is real Postgres, and the
 * reconciliation actor makes the books say what the CLOB says.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { assert, describe, layer } from "@effect/vitest"
import { Duration, Effect, Layer, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { openAccount, readBalance } from "../../src/actors/Bankroll.ts"
import { isReconciling, polymarketIntents, reconcile, recordOrderId, runReconciliation } from "../../src/actors/Reconciliation.ts"
import type { ClientOrderId, MarketId, OutcomeId } from "../../src/schema/Ids.ts"
import type { Micros, Price, Qty } from "../../src/schema/Money.ts"
import { DeadLetters } from "../../src/services/DeadLetters.ts"
import { migrate } from "../../src/services/database/Migrations.ts"
import { makeSigner, type PolymarketSigner } from "../../src/services/polymarket/PolymarketSigning.ts"
import type { LiveVenue } from "../../src/services/live/LiveVenue.ts"
import type { OrderRequest } from "../../src/services/venue/Venue.ts"
import { until } from "../support/Eventually.ts"
import { CONDITION, FakePolymarketClob, TOKEN_NEG, TOKEN_YES } from "../support/FakePolymarketClob.ts"
import { acquireFake } from "../support/FakeVenue.ts"
import { polymarketOnFake } from "../support/LiveVenues.ts"
import * as TestDatabase from "../support/TestDatabase.ts"

const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
const signer = makeSigner({ privateKey: Redacted.make(KEY) }) as PolymarketSigner
const ACCOUNT = "live:polymarket"
const LOOKBACK = { lookback: Duration.hours(1) }

const Infra = Layer.mergeAll(DeadLetters.layer, NodeHttpClient.layerUndici, NodeWS.layerWebSocketConstructor).pipe(
  Layer.provideMerge(Layer.effectDiscard(Effect.orDie(migrate()))),
  Layer.provideMerge(TestDatabase.postgres),
  Layer.provideMerge(NodeServices.layer)
)

const order = (id: string): OrderRequest => ({
  clientOrderId: id as ClientOrderId,
  outcome: { platform: "polymarket", marketId: CONDITION as MarketId, outcomeId: TOKEN_YES as OutcomeId },
  action: "buy",
  limitPrice: 430_000 as Price,
  quantity: 5_000_000 as Qty,
  timeInForce: "ioc",
  postOnly: false
})

/** The order row execution writes before it sends (the journal). */
const journal = (id: string, status: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`INSERT INTO orders (client_order_id, platform, market_id, outcome_id, game_id, action, time_in_force, limit_price_micros, quantity, status, paper, created_at, updated_at)
        VALUES (${id}, 'polymarket', ${CONDITION}, ${TOKEN_YES}, '401000001', 'buy', 'ioc', 430000, 5000000, ${status}, false, now(), now())`)

const setup = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`INSERT INTO games (game_id, league, sport, home_team_id, home_team, home_abbr, away_team_id, away_team, away_abbr, start_time, status)
             VALUES ('401000001', 'nba', 'nba', '1', 'Lakers', 'LAL', '2', 'Warriors', 'GSW', now(), 'in_progress') ON CONFLICT DO NOTHING`
  yield* sql`DELETE FROM fills`.pipe(
    Effect.andThen(sql`DELETE FROM live_order_ids`),
    Effect.andThen(sql`DELETE FROM orders`),
    Effect.andThen(sql`DELETE FROM reconciliation_differences`)
  )
  const fake = yield* acquireFake(() => new FakePolymarketClob())
  // The journal hooks as the runtime wires them: the order hash is persisted before the POST
  const connect = Effect.map(
    polymarketOnFake(fake, signer, {
      intentOf: (id) => polymarketIntents(id).pipe(Effect.provideService(SqlClient.SqlClient, sql)),
      beforeSend: (intent) => Effect.orDie(recordOrderId("polymarket", intent.clientOrderId, intent.venueOrderId)).pipe(Effect.provideService(SqlClient.SqlClient, sql))
    }),
    (made) => made.venue
  )
  return { sql, fake, connect }
})

/** A process that sends one order and is gone (its venue, and what it remembered, closed with it). */
const sendAndStop = <E, R>(connect: Effect.Effect<LiveVenue, E, R>, request: OrderRequest) =>
  Effect.scoped(Effect.flatMap(connect, (venue) => Effect.flip(venue.submit(request))))

describe("reconciliation against the fake Polymarket CLOB", () => {
  layer(Infra, { excludeTestServices: true, timeout: 60_000 })((it) => {
    it.effect("an order POST that timed out but matched: found by its order hash, its fill recorded once, never re-sent; the ledger equals the venue's collateral", () =>
      Effect.gen(function*() {
        const { connect, fake, sql } = yield* setup
        const account = `${ACCOUNT}:a`
        yield* openAccount(account, fake.collateral as Micros)
        yield* journal("pm-lost-00001", "pending_submit")
        fake.hangAfterAccept = true
        const error = yield* sendAndStop(connect, order("pm-lost-00001"))
        assert.strictEqual(error.reason._tag, "OutcomeUnknown")
        // The restarted process knows the order hash only from the journal
        const venue = yield* connect
        yield* sql`UPDATE orders SET status = 'unknown' WHERE client_order_id = 'pm-lost-00001'`
        const hash = [...fake.orders.keys()][0]!
        const [journalled] = yield* sql<{ venue_order_id: string }>`SELECT venue_order_id FROM live_order_ids WHERE client_order_id = 'pm-lost-00001'`
        assert.strictEqual(journalled!.venue_order_id.toLowerCase(), hash.toLowerCase())
        const first = yield* reconcile(venue, account, LOOKBACK)
        assert.deepInclude<Record<string, unknown>>({ ...first }, { resolved: 1, fillsRecorded: 1, externalFills: 0, balanceAdjustment: 0 })
        assert.deepStrictEqual(first.externalPositions, [])
        const second = yield* reconcile(venue, account, LOOKBACK)
        assert.deepInclude<Record<string, unknown>>({ ...second }, { resolved: 0, fillsRecorded: 0, externalFills: 0, balanceAdjustment: 0 })
        // A pass that dies after recording the fill and before the order's update leaves it open: the next finds the fill already booked
        yield* sql`UPDATE orders SET status = 'unknown', filled_quantity = 0 WHERE client_order_id = 'pm-lost-00001'`
        const third = yield* reconcile(venue, account, LOOKBACK)
        assert.deepInclude<Record<string, unknown>>({ ...third }, { resolved: 1, fillsRecorded: 0, externalFills: 0, balanceAdjustment: 0 })
        const [row] = yield* sql<{ status: string; filled_quantity: string; venue_order_id: string }>`SELECT status, filled_quantity::text, venue_order_id FROM orders WHERE client_order_id = 'pm-lost-00001'`
        assert.deepStrictEqual({ ...row }, { status: "filled", filled_quantity: "5000000", venue_order_id: hash })
        const fills = yield* sql<{ fill_id: string; price_micros: string; quantity: string; fee_micros: string }>`SELECT fill_id, price_micros::text, quantity::text, fee_micros::text FROM fills`
        assert.deepStrictEqual(fills.map((f) => ({ ...f })), [{ fill_id: "polymarket:trade-1", price_micros: "430000", quantity: "5000000", fee_micros: "0" }])
        assert.strictEqual(fake.creates, 1)
        assert.strictEqual(fake.requestsTo("/order").filter((r) => r.method === "POST").length, 1)
        // 5 shares at 0.43: 2.15 pUSD of collateral, to the micro-dollar in the ledger
        assert.strictEqual(fake.collateral, 1_000_000_000 - 2_150_000)
        assert.strictEqual((yield* readBalance(account)).balance, fake.collateral)
        assert.isFalse(yield* isReconciling("polymarket"))
      }))

    it.effect("an order POST that never reached the venue is resolved as not placed", () =>
      Effect.gen(function*() {
        const { connect, fake, sql } = yield* setup
        const account = `${ACCOUNT}:b`
        yield* openAccount(account, fake.collateral as Micros)
        yield* journal("pm-void-00001", "pending_submit")
        fake.failNext(1, { status: 0, hang: true }, "/order")
        assert.strictEqual((yield* sendAndStop(connect, order("pm-void-00001"))).reason._tag, "OutcomeUnknown")
        const venue = yield* connect
        yield* sql`UPDATE orders SET status = 'unknown' WHERE client_order_id = 'pm-void-00001'`
        const report = yield* reconcile(venue, account, LOOKBACK)
        assert.deepInclude<Record<string, unknown>>({ ...report }, { resolved: 1, fillsRecorded: 0, balanceAdjustment: 0 })
        const [row] = yield* sql<{ status: string; last_error: string }>`SELECT status, last_error FROM orders WHERE client_order_id = 'pm-void-00001'`
        assert.deepStrictEqual({ ...row }, { status: "rejected", last_error: "not at the venue (reconciled)" })
        // The status query asked the CLOB for the journalled hash, and nothing was sent again
        const [journalled] = yield* sql<{ venue_order_id: string }>`SELECT venue_order_id FROM live_order_ids WHERE client_order_id = 'pm-void-00001'`
        assert.isAbove(fake.requestsTo(`/data/order/${journalled!.venue_order_id}`).length, 0)
        assert.strictEqual(fake.creates, 0)
        assert.strictEqual(fake.requestsTo("/order").filter((r) => r.method === "POST").length, 1)
        assert.strictEqual((yield* readBalance(account)).balance, fake.collateral)
      }))

    it.effect("a position arbees never opened is flagged, not traded; a cash difference is posted with its reason", () =>
      Effect.gen(function*() {
        const { connect, fake, sql } = yield* setup
        const venue = yield* connect
        const account = `${ACCOUNT}:c`
        yield* openAccount(account, 900_000_000 as Micros)
        fake.addExternalPosition(TOKEN_NEG, 7_000_000)
        const report = yield* reconcile(venue, account, LOOKBACK)
        assert.deepStrictEqual<unknown>(report.externalPositions.map((p) => [p.outcome.marketId, p.outcome.outcomeId, p.quantity]), [[CONDITION, TOKEN_NEG, 7_000_000]])
        assert.strictEqual(report.balanceAdjustment, fake.collateral - 900_000_000)
        assert.strictEqual((yield* readBalance(account)).balance, fake.collateral)
        const kinds = yield* sql<{ kind: string; detail: string }>`SELECT kind, detail FROM reconciliation_differences ORDER BY kind`
        assert.deepStrictEqual(kinds.map((k) => k.kind), ["balance", "external_position"])
        assert.match(kinds[0]!.detail, /^venue balance 1000, ledger 900$/)
        assert.match(kinds[1]!.detail, /^the venue holds 7, arbees opened 0: flagged, not traded$/)
        const [flag] = yield* sql<{ external_positions: unknown; reconciling: boolean }>`SELECT external_positions, reconciling FROM venue_reconciliation WHERE platform = 'polymarket'`
        assert.deepStrictEqual(flag!.external_positions, [{ marketId: CONDITION, outcomeId: TOKEN_NEG, quantity: 7_000_000 }])
        assert.isFalse(flag!.reconciling)
        // Not traded: no order was sent, none was journalled
        assert.strictEqual(fake.creates, 0)
        assert.deepStrictEqual((yield* sql<{ n: string }>`SELECT count(*)::text AS n FROM orders`)[0]!.n, "0")
        // A second pass flags it again without a second cash adjustment
        const again = yield* reconcile(venue, account, LOOKBACK)
        assert.strictEqual(again.balanceAdjustment, 0)
        assert.strictEqual(again.externalPositions.length, 1)
      }))

    it.effect("a user-channel drop during fills: the fills made while it was down are recovered by the reconciliation after the reconnect, each once", () =>
      Effect.gen(function*() {
        const { connect, fake, sql } = yield* setup
        const venue = yield* connect
        const account = `${ACCOUNT}:d`
        yield* openAccount(account, fake.collateral as Micros)
        yield* runReconciliation(venue, account, { ...LOOKBACK, every: Duration.hours(1) })
        yield* journal("pm-drop-00001", "submitted")
        yield* journal("pm-drop-00002", "submitted")
        fake.scriptFills({ kind: "full" }, { kind: "partial", quantity: 2_000_000 })
        // The channel goes down and stays down while both orders fill: their trades reach no one
        fake.userChannelDown = true
        fake.dropAll()
        yield* until(() => fake.userSockets === 0, "the user channel down")
        assert.strictEqual((yield* venue.submit(order("pm-drop-00001"))).state.status, "filled")
        assert.deepInclude<Record<string, unknown>>((yield* venue.submit(order("pm-drop-00002"))).state, { status: "canceled", filledQuantity: 2_000_000 })
        yield* Effect.sleep(Duration.millis(300))
        const before = yield* sql<{ n: string }>`SELECT count(*)::text AS n FROM fills`
        assert.strictEqual(before[0]!.n, "0", "nothing recorded while the channel is down")
        assert.isAbove(fake.refusedUpgrades, 0)
        fake.userChannelDown = false
        yield* until(() => fake.userSockets === 1, "the user channel back")
        const recorded = yield* Effect.gen(function*() {
          for (let i = 0; i < 100; i++) {
            const rows = yield* sql<{ status: string }>`SELECT status FROM orders WHERE client_order_id IN ('pm-drop-00001', 'pm-drop-00002') ORDER BY client_order_id`
            if (rows.map((r) => r.status).join() === "filled,canceled") return true
            yield* Effect.sleep(Duration.millis(50))
          }
          return false
        })
        assert.isTrue(recorded)
        const fills = yield* sql<{ fill_id: string; client_order_id: string; quantity: string }>`SELECT fill_id, client_order_id, quantity::text FROM fills ORDER BY fill_id`
        assert.deepStrictEqual(fills.map((f) => ({ ...f })), [
          { fill_id: "polymarket:trade-1", client_order_id: "pm-drop-00001", quantity: "5000000" },
          { fill_id: "polymarket:trade-2", client_order_id: "pm-drop-00002", quantity: "2000000" }
        ])
        const [filled] = yield* sql<{ filled_quantity: string }>`SELECT filled_quantity::text FROM orders WHERE client_order_id = 'pm-drop-00002'`
        assert.strictEqual(filled!.filled_quantity, "2000000")
        // 7 shares at 0.43 = 3.01 pUSD: the ledger and the CLOB agree
        assert.strictEqual(fake.collateral, 1_000_000_000 - 3_010_000)
        assert.strictEqual((yield* readBalance(account)).balance, fake.collateral)
        assert.strictEqual(fake.creates, 2)
      }))
  })
})
