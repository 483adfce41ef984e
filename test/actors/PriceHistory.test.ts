/**
 * The price history over the in-process bus, on the real Postgres and on the embedded database:
 * every published price becomes one `market_prices` row (a redelivered or repeated one does not
 * add a row), and a burst is written in far fewer statements than rows.
 */
import { NodeServices } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Metric } from "effect"
import { SqlClient } from "effect/sql"
import { PriceChanged } from "../../src/actors/Events.ts"
import * as PriceHistory from "../../src/actors/PriceHistory.ts"
import { EventBus, eventId } from "../../src/services/bus/EventBus.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import { DeadLetters } from "../../src/services/DeadLetters.ts"
import * as GroupWriter from "../../src/services/database/GroupWriter.ts"
import { migrate } from "../../src/services/database/Migrations.ts"
import { MarketId, OutcomeId } from "../../src/schema/Ids.ts"
import * as Money from "../../src/schema/Money.ts"
import { eventually } from "../support/Eventually.ts"
import * as TestDatabase from "../support/TestDatabase.ts"

const T0 = Date.UTC(2026, 11, 3, 1, 0)
const PRICES = 600

const price = (i: number) => ({
  gameId: `g${i % 7}`,
  top: {
    outcome: { platform: i % 2 === 0 ? "kalshi" as const : "polymarket" as const, marketId: MarketId.make(`m-${i % 13}`), outcomeId: OutcomeId.make("yes") },
    bid: { price: Money.price(400_000 + (i % 50) * 1_000), size: Money.qty(5_000_000) },
    ask: { price: Money.price(420_000 + (i % 50) * 1_000), size: Money.qty(7_000_000) },
    asOf: T0 + i * 250,
    epoch: i
  }
})

const statements = Metric.value(Metric.withAttributes(GroupWriter.statementsTotal, { writer: "market_prices" })).pipe(Effect.map((s) => s.count))

const history = (database: typeof TestDatabase.postgres) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const before = yield* statements
    yield* Effect.gen(function*() {
      const bus = yield* EventBus
      for (let i = 0; i < PRICES; i++) yield* bus.publish(PriceChanged, { id: eventId("price", i), payload: price(i) })
      // the same price published again (a redelivery, or a second runner) adds no row
      yield* bus.publish(PriceChanged, { id: eventId("price-again", 0), payload: price(0) })
      const count = sql<{ n: number }>`SELECT count(*)::int AS n FROM market_prices`.pipe(Effect.map((r) => r[0]!.n))
      yield* eventually("every price written", count, (n) => n === PRICES, "20 seconds")
    }).pipe(Effect.provide(PriceHistory.layer.pipe(Layer.provideMerge(EventBus.layerMemory), Layer.provideMerge(DeadLetters.layer))))

    const rows = yield* sql<{ bid_micros: number; ask_micros: number; bid_size: number; observed_at: Date; game_id: string }>`
      SELECT bid_micros::int8::int AS bid_micros, ask_micros::int8::int AS ask_micros, bid_size::int8::int AS bid_size, observed_at, game_id
      FROM market_prices WHERE platform = 'polymarket' AND market_id = 'm-3' AND book_epoch = 3`
    assert.strictEqual(rows.length, 1)
    assert.deepStrictEqual([rows[0]!.bid_micros, rows[0]!.ask_micros, rows[0]!.bid_size, rows[0]!.game_id], [403_000, 423_000, 5_000_000, "g3"])
    assert.strictEqual(new Date(rows[0]!.observed_at).getTime(), T0 + 3 * 250)
    const used = (yield* statements) - before
    assert.isAtMost(used, PRICES / 4, `${used} statements for ${PRICES} rows`)
  }).pipe(
    Effect.provide(AppConfig.layerTest({ "bus.block": "20ms" }).pipe(Layer.orDie)),
    Effect.provide(Layer.effectDiscard(Effect.orDie(migrate())).pipe(Layer.provideMerge(database), Layer.provideMerge(NodeServices.layer)))
  )

describe("price history", () => {
  it.live("writes every published price once, grouped into few statements (Postgres)", () => history(TestDatabase.postgres), 60_000)
  it.live("writes every published price once, grouped into few statements (embedded)", () => history(TestDatabase.embedded), 60_000)
})
