/**
 * A venue's fill that arrives while the database is unreachable (issue 16: nothing lost): the
 * execution driver on a fresh Postgres database reached through a fault proxy, over the paper
 * venue. A resting order fills while the proxy has cut every connection; the fill cannot be
 * recorded, is applied again until it is, and is booked once when the database is back. Before,
 * the event was logged as an error and dropped: the order stayed resting with its fill unbooked.
 */
import { PgClient } from "@effect/sql-pg"
import { assert, layer } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import * as BankrollActor from "../../src/actors/Bankroll.ts"
import { ExecutionDriver } from "../../src/actors/Execution.ts"
import * as Trades from "../../src/actors/Trades.ts"
import { kalshiFeeSchedule, type KalshiFeeSchedule } from "../../src/domain/fees/KalshiFees.ts"
import type { ClientOrderId, GameId, MarketId, OutcomeId, SignalId } from "../../src/schema/Ids.ts"
import type { OutcomeRef } from "../../src/schema/Market.ts"
import { dollars, priceOf, qtyOf } from "../../src/schema/Money.ts"
import { Database } from "../../src/services/database/Database.ts"
import { eventually } from "../support/Eventually.ts"
import { harness, seedGame } from "../support/ExecutionHarness.ts"
import * as FaultProxy from "../support/FaultProxy.ts"
import * as TestDatabase from "../support/TestDatabase.ts"

const GAME = "401810077" as GameId
const kYes: OutcomeRef = { platform: "kalshi", marketId: "KXNBAGAME-26DEC03LALBOS-BOS" as MarketId, outcomeId: "yes" as OutcomeId }
const lv = (p: string, s: string) => ({ price: priceOf(p), size: qtyOf(s) })

const proxy = await FaultProxy.start(new URL(TestDatabase.adminUrl).port === "" ? 5432 : Number(new URL(TestDatabase.adminUrl).port))

/** A fresh database, reached through the proxy (created and dropped directly). */
const proxied = Layer.unwrap(
  Effect.map(TestDatabase.createDatabase, (direct) => {
    const url = new URL(direct)
    url.host = `127.0.0.1:${proxy.port}`
    return PgClient.layer({ url: Redacted.make(url.toString()), maxConnections: 4 }).pipe(
      Layer.provideMerge(Layer.succeed(Database, Database.of({ kind: "postgres", target: url.toString() })))
    )
  })
).pipe(Layer.orDie, Layer.provideMerge(Layer.effectDiscard(Effect.addFinalizer(() => Effect.promise(() => proxy.close())))))

const h = harness(proxied, { "paper.takeShare": "1" })

layer(h.layer, { excludeTestServices: true, timeout: 120_000 })("venue events while the database is unreachable", (it) => {
  it.effect("a fill that arrives during the outage is booked once when the database is back", () =>
    Effect.gen(function*() {
      yield* seedGame(GAME, "nba")
      const { market } = h.handle()
      market.setFees(kYes, kalshiFeeSchedule({ feeType: "quadratic_with_maker_fees", multiplier: 1_000_000 }) as KalshiFeeSchedule)
      yield* market.setBook(kYes, { bids: [lv("0.40", "100")], asks: [lv("0.45", "100")] })
      const id = "k-rest-000001"
      yield* BankrollActor.reserve("paper", [{ reservationId: id, signalId: `sig-${id}`, gameId: GAME, sport: "nba", outcome: kYes, amount: dollars("21.50"), contracts: qtyOf("50") }])
      assert.isTrue(yield* Trades.recordOrder({
        clientOrderId: id as ClientOrderId,
        signalId: `sig-${id}` as SignalId,
        gameId: GAME,
        outcome: kYes,
        action: "buy",
        limitPrice: priceOf("0.42"),
        quantity: qtyOf("50"),
        timeInForce: "gtc",
        postOnly: true,
        purpose: "entry",
        paper: true
      }))
      const driver = yield* ExecutionDriver
      yield* driver.place(id)
      yield* eventually("the order acknowledged (resting)", Trades.readOrder(id), (o) => o?.status === "acknowledged", "10 seconds")

      // The database goes away; 100 trade through 0.42 (nothing visible ahead of us at 0.42)
      proxy.cut()
      yield* market.trade(kYes, { price: priceOf("0.41"), size: qtyOf("100"), aggressor: "sell" })
      yield* Effect.sleep("2 seconds")
      proxy.restore()

      const sql = yield* SqlClient.SqlClient
      const fills = yield* eventually(
        "the fill booked",
        sql<{ quantity: string; n: number }>`SELECT quantity::text, count(*) OVER ()::int AS n FROM fills WHERE client_order_id = ${id}`,
        (rows) => rows.length > 0,
        "30 seconds"
      )
      assert.deepStrictEqual(fills.map((f) => [f.quantity, f.n]), [[String(qtyOf("50")), 1]])
      assert.strictEqual((yield* Trades.readOrder(id))?.status, "filled")
      const [position] = yield* Trades.openPositions({ platform: "kalshi", marketId: kYes.marketId })
      assert.strictEqual(position?.holding.quantity, qtyOf("50"))
      assert.isTrue((yield* BankrollActor.ledgerCheck("paper")).ok)
    }))
})
