import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import * as BankrollActor from "../../src/actors/Bankroll.ts"
import { MarketId, OutcomeId } from "../../src/schema/Ids.ts"
import type { OutcomeRef } from "../../src/schema/Market.ts"
import * as Money from "../../src/schema/Money.ts"
import { actorRuntime } from "../support/Runtime.ts"

const outcome: OutcomeRef = { platform: "kalshi", marketId: MarketId.make("KXNBAGAME-X-LAL"), outcomeId: OutcomeId.make("yes") }

const suite = (kind: "postgres" | "embedded") =>
  layer(BankrollActor.layer.pipe(Layer.provideMerge(actorRuntime(kind, { "bankroll.initial": "1000" }))), { excludeTestServices: true })(
    `Bankroll actor on ${kind}`,
    (it) => {
      it.effect("opens the account once and posts each entry exactly once, whatever is redelivered", () =>
        Effect.gen(function*() {
          const client = (yield* BankrollActor.Bankroll.client)("paper")
          const opened = yield* client.GetBalance()
          assert.strictEqual(opened.balance, Money.dollars("1000"))
          assert.strictEqual(opened.version, 0)

          const fee = { kind: "adjustment" as const, bucket: "available" as const, amount: Money.micros(-17_200), reference: "op:1" }
          const first = yield* client.Post(fee)
          assert.isTrue(first.applied)
          assert.strictEqual(first.snapshot.balance, Money.dollars("999.9828"))
          // The same posting again (a redelivery, or a replayed fill) changes nothing
          const again = yield* client.Post(fee)
          assert.strictEqual(again.snapshot.balance, Money.dollars("999.9828"))
          assert.strictEqual(again.snapshot.version, 1)

          const deposited = yield* client.Post({ kind: "deposit", bucket: "available", amount: Money.dollars("5"), reference: "op:2" })
          assert.strictEqual(deposited.snapshot.equity, Money.dollars("1005"))
          assert.strictEqual(deposited.snapshot.peak, Money.dollars("1005"))
          // A withdrawal moves the peak with it: taking cash out is not a drawdown
          const withdrawn = yield* client.Post({ kind: "withdrawal", bucket: "available", amount: Money.dollars("-505"), reference: "op:3" })
          assert.deepStrictEqual([withdrawn.snapshot.equity, withdrawn.snapshot.peak], [Money.dollars("500"), Money.dollars("500")])
          yield* client.Post({ kind: "deposit", bucket: "available", amount: Money.dollars("505"), reference: "op:4" })

          const sql = yield* SqlClient.SqlClient
          const [ledger] = yield* sql<{ n: number; total: string }>`SELECT count(*)::int AS n, sum(amount_micros)::text AS total FROM bankroll_ledger WHERE account = 'paper'`
          assert.strictEqual(ledger!.n, 5)
          assert.strictEqual(ledger!.total, String(Money.dollars("1004.9828")))
        }))

      it.effect("reserves, converts on fills, releases the rest, settles and banks a share of the profit", () =>
        Effect.gen(function*() {
          const account = "acct2"
          yield* BankrollActor.openAccount(account, Money.dollars("100"))
          const reservation = { signalId: "s1", gameId: "401", sport: "nba", outcome, contracts: Money.qtyOf("20") }
          // 20 @ 0.40 + $0.17 fee = $8.17
          yield* BankrollActor.reserve(account, [{ ...reservation, reservationId: "s1-0", amount: Money.dollars("8.17") }])
          let snap = yield* BankrollActor.readBalance(account)
          assert.deepStrictEqual([snap.balance, snap.reserved, snap.available], [Money.dollars("100"), Money.dollars("8.17"), Money.dollars("91.83")])

          // More than is available is refused whole
          const refused = yield* Effect.flip(BankrollActor.reserve(account, [{ ...reservation, reservationId: "s2-0", amount: Money.dollars("91.84") }]))
          assert.strictEqual(refused._tag, "InsufficientFunds")

          // 15 fill at 0.39 with a 12¢ fee: $5.85 + $0.12 leaves cash and the reservation
          const fill = { reservationId: "s1-0", fillId: "kalshi:f1", price: Money.priceOf("0.39"), quantity: Money.qtyOf("15"), fee: Money.dollars("0.12") }
          assert.isTrue(yield* BankrollActor.postFill(account, fill))
          assert.isFalse(yield* BankrollActor.postFill(account, fill), "a replayed fill posts nothing")
          snap = yield* BankrollActor.readBalance(account)
          assert.deepStrictEqual([snap.balance, snap.reserved], [Money.dollars("94.03"), Money.dollars("2.20")])

          // The IOC remainder dies: the rest is released
          assert.strictEqual(yield* BankrollActor.releaseReservation(account, "s1-0", "canceled"), Money.dollars("2.20"))
          assert.strictEqual(yield* BankrollActor.releaseReservation(account, "s1-0", "canceled"), 0)
          snap = yield* BankrollActor.readBalance(account)
          assert.deepStrictEqual([snap.balance, snap.reserved, snap.available], [Money.dollars("94.03"), Money.dollars("0"), Money.dollars("94.03")])

          // Settles at $1: +$15, realised +$9.03 → 50% to the piggybank
          yield* BankrollActor.postSettlement(account, { positionId: "p1", payout: Money.dollars("15") })
          yield* BankrollActor.recordPositionClose(account, { positionId: "p1", gameId: "401", sport: "nba", outcome, realizedPnl: Money.dollars("9.03") }, Money.bpsOf("0.5"))
          snap = yield* BankrollActor.readBalance(account)
          assert.deepStrictEqual(
            [snap.balance, snap.piggybank, snap.equity, snap.peak, snap.dailyPnl],
            [Money.dollars("104.515"), Money.dollars("4.515"), Money.dollars("109.03"), Money.dollars("109.03"), Money.dollars("9.03")]
          )
          // A losing close: trough and daily P&L move, nothing is banked
          yield* BankrollActor.recordPositionClose(account, { positionId: "p2", gameId: "401", sport: "nba", outcome, realizedPnl: Money.dollars("-20") }, Money.bpsOf("0.5"))
          snap = yield* BankrollActor.readBalance(account)
          assert.deepStrictEqual([snap.equity, snap.peak, snap.trough, snap.dailyPnl], [Money.dollars("89.03"), Money.dollars("109.03"), Money.dollars("89.03"), Money.dollars("-10.97")])

          const check = yield* BankrollActor.ledgerCheck(account)
          assert.isTrue(check.ok)
          assert.strictEqual(check.ledgerBalance, Money.dollars("104.515"))
        }))

      it.effect("the ledger check fails when a balance is written around the ledger", () =>
        Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          yield* BankrollActor.openAccount("acct3", Money.dollars("10"))
          // The commit trigger refuses it...
          const refused = yield* Effect.flip(sql`UPDATE bankroll SET balance_micros = 1 WHERE account = 'acct3'`)
          assert.strictEqual(refused._tag, "SqlError")
          assert.strictEqual((yield* BankrollActor.readBalance("acct3")).balance, Money.dollars("10"))
          // ...and with the triggers bypassed, the check sees it
          yield* sql.withTransaction(Effect.gen(function*() {
            yield* sql`SET CONSTRAINTS ALL IMMEDIATE`
            yield* sql`ALTER TABLE bankroll DISABLE TRIGGER bankroll_balanced`
            yield* sql`UPDATE bankroll SET balance_micros = 1 WHERE account = 'acct3'`
            yield* sql`ALTER TABLE bankroll ENABLE TRIGGER bankroll_balanced`
          }))
          const check = yield* BankrollActor.ledgerCheck("acct3")
          assert.isFalse(check.ok)
          assert.deepStrictEqual([check.balance, check.ledgerBalance], [1, Money.dollars("10")])
        }))
    }
  )

describe("Bankroll", () => {
  suite("postgres")
  suite("embedded")
})
