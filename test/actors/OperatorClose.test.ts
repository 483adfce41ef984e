/**
 * An operator closes a position (`POST /api/positions/{id}/close` records the request): the next
 * exit pass sells it through the risk singleton at the bid less the slippage buffer although no
 * exit rule would, books the exact P&L, and marks the request handled; an arbitrage leg and a
 * closed position are refused.
 */
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { SqlClient } from "effect/sql"
import * as BankrollActor from "../../src/actors/Bankroll.ts"
import { ExecutionDriver } from "../../src/actors/Execution.ts"
import { checkExits, requestPositionClose } from "../../src/actors/Positions.ts"
import { type CheckRequest, decideAndRecord, limitsFrom } from "../../src/actors/Risk.ts"
import * as Trades from "../../src/actors/Trades.ts"
import { kalshiFeeSchedule, type KalshiFeeSchedule } from "../../src/domain/fees/KalshiFees.ts"
import type { ClientOrderId, GameId, MarketId, OutcomeId, SignalId } from "../../src/schema/Ids.ts"
import type { OutcomeRef } from "../../src/schema/Market.ts"
import { dollars, priceOf, qtyOf } from "../../src/schema/Money.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import { harness, seedGame } from "../support/ExecutionHarness.ts"

const kalshiFees = kalshiFeeSchedule({ feeType: "quadratic_with_maker_fees", multiplier: 1_000_000 }) as KalshiFeeSchedule
const GAME = "401810077" as GameId
const yes: OutcomeRef = { platform: "kalshi", marketId: "KXNBAGAME-26DEC02DENPHX-DEN" as MarketId, outcomeId: "yes" as OutcomeId }
const lv = (p: string, s: string) => ({ price: priceOf(p), size: qtyOf(s) })
const account = "paper"
const h = harness("postgres", { "paper.takeShare": "1", "exits.minHold": "1h" })

const riskCheck = (request: CheckRequest) => Effect.flatMap(AppConfig, ({ config }) => decideAndRecord(account, request, limitsFrom(config), true))

layer(h.layer, { excludeTestServices: true, timeout: 120_000 })("an operator closes a position", (it) => {
  it.effect("sold on the next exit pass through risk, at the bid less the buffer, with exact P&L; the request is handled once", () =>
    Effect.gen(function*() {
      yield* seedGame(GAME, "nba")
      const { market } = h.handle()
      const driver = yield* ExecutionDriver
      const sql = yield* SqlClient.SqlClient
      market.setFees(yes, kalshiFees)
      yield* market.setBook(yes, { bids: [lv("0.49", "100")], asks: [lv("0.50", "100")] })
      // Buy 20 YES @0.50: $10.00 + fee 0.07×20×0.5×0.5 = 0.35
      yield* BankrollActor.reserve(account, [{ reservationId: "op-entry-01", signalId: "sig-op-entry-01", gameId: GAME, sport: "nba", outcome: yes, amount: dollars("10.35"), contracts: qtyOf("20") }])
      assert.isTrue(yield* Trades.recordOrder({
        clientOrderId: "op-entry-01" as ClientOrderId,
        signalId: "sig-op-entry-01" as SignalId,
        gameId: GAME,
        outcome: yes,
        action: "buy",
        limitPrice: priceOf("0.50"),
        quantity: qtyOf("20"),
        timeInForce: "ioc",
        postOnly: false,
        purpose: "entry",
        paper: true
      }))
      yield* driver.place("op-entry-01")
      const [position] = yield* sql<{ position_id: string }>`SELECT position_id FROM positions WHERE status = 'open' AND market_id = ${yes.marketId}`
      const positionId = position!.position_id
      const before = yield* BankrollActor.readBalance(account)

      // No exit rule fires: inside the minimum hold (1 h) and inside the band
      const quiet = yield* checkExits(driver.place, riskCheck)
      assert.strictEqual(quiet.find((c) => c.positionId === positionId)?.decision._tag, "Hold")

      const requested = yield* requestPositionClose(positionId, "game looks wrong", "api:alice")
      assert.strictEqual(requested.requestedBy, "api:alice")
      // Asking again while it is open is the same request
      yield* requestPositionClose(positionId, "again", "api:bob")
      const checks = yield* checkExits(driver.place, riskCheck)
      const mine = checks.find((c) => c.positionId === positionId)!
      assert.deepStrictEqual(mine.decision, { _tag: "Exit", reason: "operator", mark: priceOf("0.49"), limit: priceOf("0.485"), quantity: qtyOf("20") })
      // Sold 20 @0.49 = 9.80, fee 0.07×20×0.49×0.51 = 0.34986 → 0.35: 9.80 − 10.00 − 0.35 − 0.35 = −0.90
      const [closed] = yield* sql<{ status: string; realized: string; exit_reason: string }>`
        SELECT status, realized_pnl_micros::text AS realized, exit_reason FROM positions WHERE position_id = ${positionId}`
      assert.deepStrictEqual([closed!.status, Number(closed!.realized), closed!.exit_reason], ["closed", dollars("-0.90"), "operator"])
      const after = yield* BankrollActor.readBalance(account)
      assert.strictEqual(after.balance - before.balance, dollars("9.45"))
      assert.isTrue((yield* BankrollActor.ledgerCheck(account)).ok)
      const requests = yield* sql<{ requested_by: string; handled: boolean; client_order_id: string }>`
        SELECT requested_by, handled_at IS NOT NULL AS handled, client_order_id FROM position_close_requests WHERE position_id = ${positionId}`
      assert.deepStrictEqual(requests.map((r) => [r.requested_by, r.handled, r.client_order_id]), [["api:alice", true, mine.clientOrderId]])
      const [signal] = yield* sql<{ kind: string; reason_code: string }>`SELECT kind, reason_code FROM signals WHERE signal_id = ${mine.clientOrderId!}`
      assert.deepStrictEqual([signal!.kind, signal!.reason_code], ["exit", "APPROVED"], "through the risk singleton, as an exit")

      // A closed position cannot be closed again
      const refused = yield* Effect.flip(requestPositionClose(positionId, "twice", "api:alice"))
      assert.strictEqual(refused.reason, "not_open")
    }))
})
