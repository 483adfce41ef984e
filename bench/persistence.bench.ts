/**
 * Market-price persistence into the real Postgres (127.0.0.1:5432, a fresh migrated database),
 * rows/s into `market_prices`, beside the baseline: a raw multi-row INSERT of the same rows,
 * 1,000 per statement.
 *
 * The figure measured is how the runtime writes a price row today (`src/actors/PriceHistory.ts`):
 * one statement per row through the SQL client, awaited. A batched writer would write like the
 * baseline.
 */
import { NodeServices } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { migrate } from "../src/services/database/Migrations.ts"
import * as TestDatabase from "../test/support/TestDatabase.ts"
import type { Benchmark } from "./run.ts"

const ROWS = 10_000
const T0 = Date.UTC(2026, 11, 1, 18, 0)

const rowsOf = (tag: string) =>
  Array.from({ length: ROWS }, (_, i) => ({
    platform: i % 2 === 0 ? "kalshi" : "polymarket",
    market_id: `${tag}-${i % 200}`,
    outcome_id: "yes",
    observed_at: new Date(T0 + i * 10),
    game_id: `g${i % 200}`,
    bid_micros: 400_000 + (i % 50) * 1_000,
    ask_micros: 420_000 + (i % 50) * 1_000,
    bid_size: 50_000_000,
    ask_size: 50_000_000,
    book_epoch: i
  }))

const run = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const single = rowsOf("single")
  const t0 = performance.now()
  for (const r of single) {
    yield* sql`INSERT INTO market_prices ${sql.insert(r)}`
  }
  const singleSeconds = (performance.now() - t0) / 1000
  const batch = rowsOf("batch")
  const t1 = performance.now()
  for (let i = 0; i < batch.length; i += 1_000) {
    const [first, ...rest] = batch.slice(i, i + 1_000)
    yield* sql`INSERT INTO market_prices ${sql.insert([first!, ...rest])}`
  }
  const batchSeconds = (performance.now() - t1) / 1000
  const figures = {
    rows: ROWS,
    runtimePathRowsPerSecond: Math.round(ROWS / singleSeconds),
    rawMultiRowInsertRowsPerSecond: Math.round(ROWS / batchSeconds),
    share: Math.round((batchSeconds / singleSeconds) * 1000) / 1000,
    targetShare: 0.5,
    note: "no market-price writer exists in the runtime yet; the runtime path is one awaited INSERT per row"
  }
  process.stdout.write(`persistence: ${figures.runtimePathRowsPerSecond} rows/s one statement per row vs ${figures.rawMultiRowInsertRowsPerSecond} rows/s multi-row insert (${figures.share} of it)\n`)
  return figures
})

export default {
  name: "persistence",
  run: () =>
    Effect.runPromise(
      run.pipe(
        Effect.provide(Layer.effectDiscard(migrate()).pipe(Layer.provideMerge(TestDatabase.postgres), Layer.provideMerge(NodeServices.layer))),
        Effect.scoped
      )
    )
} satisfies Benchmark
