import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import * as BankrollActor from "../../src/actors/Bankroll.ts"
import * as Money from "../../src/schema/Money.ts"
import { actorRuntime } from "../support/Runtime.ts"

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

          const fee = { kind: "fee" as const, bucket: "available" as const, amount: Money.micros(-17_200), reference: "fill:kalshi:f1" }
          const first = yield* client.Post(fee)
          assert.isTrue(first.applied)
          assert.strictEqual(first.snapshot.balance, Money.dollars("999.9828"))
          // The same posting again (a redelivery, or a replayed fill) changes nothing
          const again = yield* client.Post(fee)
          assert.strictEqual(again.snapshot.balance, Money.dollars("999.9828"))
          assert.strictEqual(again.snapshot.version, 1)

          const saved = yield* client.Post({ kind: "piggybank", bucket: "piggybank", amount: Money.dollars("5"), reference: "profit:p1" })
          assert.strictEqual(saved.snapshot.piggybank, Money.dollars("5"))
          assert.strictEqual(saved.snapshot.peak, Money.dollars("1004.9828"))

          const sql = yield* SqlClient.SqlClient
          const [ledger] = yield* sql<{ n: number; total: string }>`SELECT count(*)::int AS n, sum(amount_micros)::text AS total FROM bankroll_ledger WHERE account = 'paper'`
          assert.strictEqual(ledger!.n, 3)
          assert.strictEqual(ledger!.total, String(Money.dollars("1004.9828")))
        }))
    }
  )

describe("Bankroll", () => {
  suite("postgres")
  suite("embedded")
})
