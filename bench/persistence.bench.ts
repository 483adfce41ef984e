/**
 * Market-price persistence into the real Postgres (127.0.0.1:5432, a fresh migrated database),
 * rows/s into `market_prices`, beside the baseline: a raw multi-row INSERT of the same rows,
 * 1,000 per statement, measured in the same run.
 *
 * The runtime path is measured as the runtime runs it (`src/actors/PriceHistory.ts`): prices
 * published on the in-process bus, read by the `price-history` consumer in batches of
 * 1,000 (one statement's worth), handed to the group writer concurrently and acked when written;
 * timed from the consumer's start to the last row committed (the prices are on the stream first). The old path, one awaited INSERT per row, is measured
 * too, for comparison, and the group writer alone (without the bus consumer in front of it).
 */
import { NodeServices } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { PriceChanged } from "../src/actors/Events.ts"
import * as PriceHistory from "../src/actors/PriceHistory.ts"
import { EventBus, eventId } from "../src/services/bus/EventBus.ts"
import { AppConfig } from "../src/services/config/AppConfig.ts"
import { DeadLetters } from "../src/services/DeadLetters.ts"
import { migrate } from "../src/services/database/Migrations.ts"
import { MarketId, OutcomeId } from "../src/schema/Ids.ts"
import * as Money from "../src/schema/Money.ts"
import * as TestDatabase from "../test/support/TestDatabase.ts"
import type { Benchmark } from "./run.ts"

const ROWS = 10_000
const T0 = Date.UTC(2026, 11, 1, 18, 0)

const price = (tag: string, i: number) => ({
  gameId: `g${i % 200}`,
  top: {
    outcome: { platform: i % 2 === 0 ? "kalshi" as const : "polymarket" as const, marketId: MarketId.make(`${tag}-${i % 200}`), outcomeId: OutcomeId.make("yes") },
    bid: { price: Money.price(400_000 + (i % 50) * 1_000), size: Money.qty(50_000_000) },
    ask: { price: Money.price(420_000 + (i % 50) * 1_000), size: Money.qty(50_000_000) },
    asOf: T0 + i * 10,
    epoch: i
  }
})

const rowOf = (tag: string, i: number) => {
  const { gameId, top } = price(tag, i)
  return {
    platform: top.outcome.platform,
    market_id: top.outcome.marketId,
    outcome_id: top.outcome.outcomeId,
    observed_at: new Date(top.asOf),
    game_id: gameId,
    bid_micros: top.bid.price,
    ask_micros: top.ask.price,
    bid_size: top.bid.size,
    ask_size: top.ask.size,
    book_epoch: top.epoch
  }
}

const count = (tag: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM market_prices WHERE market_id LIKE ${tag + "-%"}`
    return rows[0]!.n
  })

/**
 * Through the bus and the price history's consumer and group writer, as the runtime writes prices:
 * the prices are on the stream first, then the consumer is timed from its start to the last row.
 */
const runtimePath = Effect.gen(function*() {
  const bus = yield* EventBus
  for (let i = 0; i < ROWS; i++) yield* bus.publish(PriceChanged, { id: eventId("bench", i), payload: price("runtime", i) })
  return yield* Effect.scoped(Effect.gen(function*() {
    const t0 = performance.now()
    yield* PriceHistory.consume("earliest")
    while ((yield* count("runtime")) < ROWS) yield* Effect.sleep("2 millis")
    return (performance.now() - t0) / 1000
  }))
}).pipe(Effect.provide(EventBus.layerMemory.pipe(Layer.provideMerge(DeadLetters.layer))))

/** The group writer alone, handed rows the way the consumer hands them: 1,000 at a time, concurrently. */
const writerPath = Effect.gen(function*() {
  const writer = yield* PriceHistory.writer
  const t0 = performance.now()
  for (let i = 0; i < ROWS; i += PriceHistory.MAX_ROWS) {
    const burst = Array.from({ length: Math.min(PriceHistory.MAX_ROWS, ROWS - i) }, (_, k) => price("writer", i + k))
    yield* Effect.forEach(burst, (p) => writer.write(p), { concurrency: "unbounded", discard: true })
  }
  return (performance.now() - t0) / 1000
}).pipe(Effect.scoped)

const run = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const single = Array.from({ length: ROWS }, (_, i) => rowOf("single", i))
  const t0 = performance.now()
  for (const r of single) yield* sql`INSERT INTO market_prices ${sql.insert(r)}`
  const singleSeconds = (performance.now() - t0) / 1000

  const runtimeSeconds = yield* runtimePath
  const writerSeconds = yield* writerPath

  const batch = Array.from({ length: ROWS }, (_, i) => rowOf("batch", i))
  const t1 = performance.now()
  for (let i = 0; i < batch.length; i += 1_000) {
    const [first, ...rest] = batch.slice(i, i + 1_000)
    yield* sql`INSERT INTO market_prices ${sql.insert([first!, ...rest])}`
  }
  const batchSeconds = (performance.now() - t1) / 1000
  const figures = {
    rows: ROWS,
    runtimePathRowsPerSecond: Math.round(ROWS / runtimeSeconds),
    rawMultiRowInsertRowsPerSecond: Math.round(ROWS / batchSeconds),
    share: Math.round((batchSeconds / runtimeSeconds) * 1000) / 1000,
    targetShare: 0.5,
    writerRowsPerSecond: Math.round(ROWS / writerSeconds),
    writerShare: Math.round((batchSeconds / writerSeconds) * 1000) / 1000,
    oneInsertPerRowRowsPerSecond: Math.round(ROWS / singleSeconds),
    note: "runtime path: in-process bus stream -> price-history consumer (1,000 deliveries at a time, decoded, acked) -> group writer, one multi-row INSERT per group"
  }
  process.stdout.write(
    `persistence: runtime path ${figures.runtimePathRowsPerSecond} rows/s vs raw multi-row insert ${figures.rawMultiRowInsertRowsPerSecond} rows/s (${figures.share} of it); the group writer alone ${figures.writerRowsPerSecond} rows/s (${figures.writerShare}); one insert per row ${figures.oneInsertPerRowRowsPerSecond} rows/s\n`
  )
  return figures
})

export default {
  name: "persistence",
  run: () =>
    Effect.runPromise(
      run.pipe(
        Effect.provide(AppConfig.layerTest({}).pipe(Layer.orDie)),
        Effect.provide(Layer.effectDiscard(migrate()).pipe(Layer.provideMerge(TestDatabase.postgres), Layer.provideMerge(NodeServices.layer))),
        Effect.scoped
      )
    )
} satisfies Benchmark
