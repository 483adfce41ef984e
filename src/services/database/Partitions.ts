/**
 * Keeps the time-series tables' daily partitions ahead of time and drops the ones past retention.
 *
 * Runs once at start-up and then daily. The SQL side (`arbees_maintain_partitions`, migration
 * 0002) also handles TimescaleDB hypertables, where it only drops old chunks.
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { AppConfig } from "../config/AppConfig.ts"
import { nowMillis } from "../Time.ts"

/** Time-series tables and which retention setting applies. @category constants */
export const TIMESERIES_TABLES = [
  { table: "game_states", retention: "retentionDays" },
  { table: "plays", retention: "retentionDays" },
  { table: "market_prices", retention: "retentionDays" },
  { table: "signals", retention: "retentionDays" },
  { table: "arbitrage_opportunities", retention: "retentionDays" },
  { table: "latency_metrics", retention: "latencyRetentionDays" }
] as const

const DAY = 86_400_000
const isoDay = (millis: number): string => new Date(millis).toISOString().slice(0, 10)

/**
 * One maintenance pass at the current `Clock` time; returns the partitions dropped per table.
 *
 * @category maintenance
 */
export const maintain = Effect.fn("Partitions.maintain")(function*(options: {
  readonly aheadDays: number
  readonly retentionDays: number
  readonly latencyRetentionDays: number
}) {
  const sql = yield* SqlClient.SqlClient
  const now = yield* nowMillis
  const dropped: Record<string, number> = {}
  for (const { table, retention } of TIMESERIES_TABLES) {
    const keep = options[retention]
    const rows = yield* sql<{ dropped: number }>`
      SELECT arbees_maintain_partitions(${table}, ${isoDay(now)}::date, ${options.aheadDays}, ${isoDay(now - keep * DAY)}::date) AS dropped`
    dropped[table] = Number(rows[0]?.dropped ?? 0)
  }
  return dropped
})

/**
 * Maintains partitions at start-up (failing start-up if it cannot) and then every day.
 *
 * @category layers
 */
export const layer: Layer.Layer<never, never, SqlClient.SqlClient | AppConfig> = Layer.effectDiscard(
  Effect.gen(function*() {
    const { config } = yield* AppConfig
    const options = {
      aheadDays: config.database.partitionsAheadDays,
      retentionDays: config.database.retentionDays,
      latencyRetentionDays: config.database.latencyRetentionDays
    }
    const pass = maintain(options).pipe(
      Effect.tap((dropped) => Effect.logDebug("partitions maintained").pipe(Effect.annotateLogs(dropped))),
      Effect.catchCause((cause) => Effect.logError("partition maintenance failed", cause))
    )
    yield* pass
    yield* pass.pipe(Effect.delay("1 day"), Effect.forever, Effect.forkScoped)
  })
)
