import { NodeServices } from "@effect/platform-node"
import { readdirSync } from "node:fs"
import { assert, describe, layer, type Vitest } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { SqlClient } from "effect/sql"
import { applyMigrations, defaultDirectory, migrate, readMigrations } from "../../../src/services/database/Migrations.ts"
import { maintain, TIMESERIES_TABLES } from "../../../src/services/database/Partitions.ts"
import * as TestDatabase from "../../support/TestDatabase.ts"

const tables = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_name NOT LIKE '%\\_p2%' AND table_name NOT LIKE '%\\_default'
     ORDER BY table_name`
  return rows.map((r) => r.table_name)
})

const columns = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<{ c: string }>`
    SELECT table_name || '.' || column_name || ':' || data_type AS c FROM information_schema.columns
     WHERE table_schema = 'public' ORDER BY 1`
  return rows.map((r) => r.c)
})

/** Every migration id in the directory: adding a migration does not edit this test. */
const allIds = readdirSync(defaultDirectory).filter((f) => /^\d{4}_.*\.sql$/.test(f)).map((f) => Number(f.slice(0, 4))).sort((a, b) => a - b)

const expectedTables = [
  "arbees_migrations",
  "arbitrage_opportunities",
  "arbitrage_transitions",
  "arbitrages",
  "bankroll",
  "bankroll_ledger",
  "bankroll_reservations",
  "bus_consumed",
  "bus_stream_marks",
  "dead_letters",
  "fills",
  "game_states",
  "games",
  "latency_metrics",
  "live_order_ids",
  "market_mappings",
  "market_prices",
  "markets",
  "order_transitions",
  "orders",
  "outbox",
  "plays",
  "position_close_requests",
  "position_closes",
  "positions",
  "reconciliation_differences",
  "signals",
  "strategy_switch_changes",
  "strategy_switches",
  "trading_state",
  "trading_state_changes",
  "venue_health",
  "venue_reconciliation"
]

/** Runs `effect` and returns the Postgres error reason tag it failed with, or "ok". */
const outcome = <A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient>) =>
  effect.pipe(
    Effect.match({
      onSuccess: () => "ok",
      onFailure: (e) => {
        const reason = (e as { reason?: { _tag?: string } }).reason
        return reason?._tag ?? String(e)
      }
    })
  )

const constraintSuite = (it: Vitest.MethodsNonLive<SqlClient.SqlClient | NodeServices.NodeServices>) => {
  it.effect("applies every migration once; a second run changes nothing", () =>
    Effect.gen(function*() {
      const again = yield* migrate()
      assert.deepStrictEqual(again, [])
      assert.deepStrictEqual(yield* tables, expectedTables)
    }))

  it.effect("refuses a duplicate market price, a probability of 1.5 and a negative quantity", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const price = sql`INSERT INTO market_prices (platform, market_id, outcome_id, observed_at, bid_micros, ask_micros)
                        VALUES ('kalshi', 'KXNBAGAME-25DEC25LALGSW-LAL', 'yes', '2026-11-24T12:00:00Z', 430000, 440000)`
      assert.strictEqual(yield* outcome(price), "ok")
      assert.strictEqual(yield* outcome(price), "UniqueViolation")

      const probability = sql`INSERT INTO game_states (game_id, observed_at, status, period, home_score, away_score, model_home_prob, state)
                              VALUES ('401', '2026-11-24T12:00:00Z', 'in_progress', 1, 0, 0, 1.5, '{}')`
      assert.strictEqual(yield* outcome(probability), "ConstraintError")

      yield* sql`INSERT INTO games (game_id, league, sport, home_team_id, home_team, home_abbr, away_team_id, away_team, away_abbr, start_time, status)
                 VALUES ('401', 'nba', 'nba', '13', 'Los Angeles Lakers', 'LAL', '9', 'Golden State Warriors', 'GS', '2026-11-24T12:00:00Z', 'scheduled')`
      const negative = sql`INSERT INTO orders (client_order_id, platform, market_id, outcome_id, game_id, action, time_in_force, limit_price_micros, quantity, status, paper, created_at, updated_at)
                           VALUES ('arb-0000001', 'kalshi', 'KXNBAGAME-X', 'yes', '401', 'buy', 'ioc', 430000, -1000000, 'pending_submit', true, now(), now())`
      assert.strictEqual(yield* outcome(negative), "ConstraintError")
      const price2 = sql`INSERT INTO fills (platform, fill_id, client_order_id, market_id, outcome_id, action, price_micros, quantity, fee_micros, is_taker, filled_at)
                         VALUES ('kalshi', 'f1', 'missing-order', 'KXNBAGAME-X', 'yes', 'buy', 1000001, 1, 0, true, now())`
      assert.notStrictEqual(yield* outcome(price2), "ok")
    }))

  it.effect("keeps the bankroll equal to its append-only ledger", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      // A deposit posted with its ledger entry commits
      yield* sql.withTransaction(
        Effect.gen(function*() {
          yield* sql`INSERT INTO bankroll (account, balance_micros) VALUES ('t1', 1000000000)`
          yield* sql`INSERT INTO bankroll_ledger (account, bucket, kind, amount_micros, reference) VALUES ('t1', 'available', 'deposit', 1000000000, 'initial')`
        })
      )
      // A balance change without its ledger entry is refused at commit
      const unbalanced = sql.withTransaction(sql`UPDATE bankroll SET balance_micros = balance_micros + 1, version = version + 1 WHERE account = 't1'`)
      assert.strictEqual(yield* outcome(unbalanced), "ConstraintError")
      // The ledger cannot be edited or deleted
      assert.strictEqual(yield* outcome(sql`UPDATE bankroll_ledger SET amount_micros = 5 WHERE account = 't1'`), "ConstraintError")
      assert.strictEqual(yield* outcome(sql`DELETE FROM bankroll_ledger WHERE account = 't1'`), "ConstraintError")
      // The same fee cannot be posted twice
      const fee = sql.withTransaction(
        Effect.gen(function*() {
          yield* sql`UPDATE bankroll SET balance_micros = balance_micros - 17200 WHERE account = 't1'`
          yield* sql`INSERT INTO bankroll_ledger (account, bucket, kind, amount_micros, reference) VALUES ('t1', 'available', 'fee', -17200, 'fill:f1')`
        })
      )
      assert.strictEqual(yield* outcome(fee), "ok")
      assert.strictEqual(yield* outcome(fee), "UniqueViolation")
      const [row] = yield* sql<{ balance: string }>`SELECT balance_micros::text AS balance FROM bankroll WHERE account = 't1'`
      assert.strictEqual(row!.balance, "999982800")
    }))

  it.effect("creates partitions ahead, moves early rows out of the default partition and drops old ones", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const hasTimescale = (yield* sql<{ t: boolean }>`SELECT arbees_has_timescale() AS t`)[0]!.t
      if (hasTimescale) return
      yield* sql`INSERT INTO latency_metrics (observed_at, metric, source, value_ms) VALUES ('2026-11-25T10:00:00Z', 'tick_to_decision', 'test', 3.5)`
      yield* sql`SELECT arbees_maintain_partitions('latency_metrics', '2026-11-24', 3, '2026-11-01')`
      const parts = yield* sql<{ relname: string }>`
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'latency_metrics'::regclass ORDER BY 1`
      assert.deepStrictEqual(parts.map((p) => p.relname), [
        "latency_metrics_default",
        "latency_metrics_p20261124",
        "latency_metrics_p20261125",
        "latency_metrics_p20261126",
        "latency_metrics_p20261127"
      ])
      const inDefault = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM latency_metrics_default`
      assert.strictEqual(inDefault[0]!.n, 0)
      const moved = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM latency_metrics_p20261125`
      assert.strictEqual(moved[0]!.n, 1)
      // Re-running is a no-op; a later retention cut drops the old days
      const dropped = yield* sql<{ n: number }>`SELECT arbees_maintain_partitions('latency_metrics', '2026-11-24', 3, '2026-11-26') AS n`
      assert.strictEqual(dropped[0]!.n, 2)
    }))
}

describe("migrations", () => {
  layer(TestDatabase.postgres.pipe(Layer.provideMerge(NodeServices.layer)), { excludeTestServices: true })("on Postgres", (it) => {
    it.effect("start from an empty database", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* tables, [])
        assert.deepStrictEqual(yield* migrate(), allIds)
      }))
    constraintSuite(it)
  })

  layer(TestDatabase.postgres.pipe(Layer.provideMerge(NodeServices.layer)), { excludeTestServices: true })("from the previous version", (it) => {
    it.effect("apply only what is pending and end with the same schema", () =>
      Effect.gen(function*() {
        const files = yield* readMigrations(defaultDirectory)
        assert.deepStrictEqual(yield* applyMigrations(files.slice(0, -1)), files.slice(0, -1).map((f) => f.id))
        assert.deepStrictEqual(yield* applyMigrations(files), [files[files.length - 1]!.id])
        const upgraded = yield* columns
        assert.include(upgraded, "market_prices.bid_micros:bigint")
        assert.deepStrictEqual(yield* tables, expectedTables)
        assert.deepStrictEqual(yield* applyMigrations(files), [])
      }))
  })

  layer(TestDatabase.postgres.pipe(Layer.provideMerge(NodeServices.layer)), { excludeTestServices: true })("two processes at once", (it) => {
    it.effect("two migrations started together on a fresh database: one applies everything, the other nothing, neither fails", () =>
      Effect.gen(function*() {
        const [a, b] = yield* Effect.all([migrate(), migrate()], { concurrency: 2 })
        assert.deepStrictEqual([...a, ...b].sort((x, y) => x - y), allIds)
        assert.deepStrictEqual(yield* tables, expectedTables)
      }))
  })

  layer(TestDatabase.postgres.pipe(Layer.provideMerge(NodeServices.layer)), { excludeTestServices: true })("landed out of order", (it) => {
    it.effect("a migration with an id below one already applied is still applied (branches land in any order)", () =>
      Effect.gen(function*() {
        const files = yield* readMigrations(defaultDirectory)
        // A database migrated before the second-to-last file existed, but after the last one
        const late = files[files.length - 2]!
        const rest = files.filter((f) => f.id !== late.id)
        assert.deepStrictEqual(yield* applyMigrations(rest), rest.map((f) => f.id))
        assert.deepStrictEqual(yield* applyMigrations(files), [late.id])
        assert.deepStrictEqual(yield* tables, expectedTables)
        assert.deepStrictEqual(yield* applyMigrations(files), [])
      }))
  })

  layer(TestDatabase.embedded.pipe(Layer.provideMerge(NodeServices.layer)), { excludeTestServices: true })("on the embedded database", (it) => {
    it.effect("start from an empty database", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* migrate(), allIds)
      }))
    constraintSuite(it)
  })
})

describe("partition maintenance", () => {
  layer(TestDatabase.postgres.pipe(Layer.provideMerge(NodeServices.layer)), { excludeTestServices: true })("on Postgres", (it) => {
    it.effect("creates today's partitions and those ahead for every time-series table, at the Clock's time", () =>
      Effect.gen(function*() {
        yield* migrate()
        const sql = yield* SqlClient.SqlClient
        // 2026-11-24T12:00:00Z, on a TestClock so the dates are deterministic
        const dropped = yield* Effect.gen(function*() {
          yield* TestClock.setTime(Date.UTC(2026, 10, 24, 12))
          return yield* maintain({ aheadDays: 2, retentionDays: 30, latencyRetentionDays: 7 })
        }).pipe(Effect.provide(TestClock.layer()))
        assert.deepStrictEqual(Object.keys(dropped).sort(), [...TIMESERIES_TABLES.map((t) => t.table)].sort())
        const rows = yield* sql<{ relname: string }>`
          SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
           WHERE i.inhparent = 'market_prices'::regclass AND c.relname <> 'market_prices_default' ORDER BY 1`
        assert.deepStrictEqual(rows.map((r) => r.relname), ["market_prices_p20261124", "market_prices_p20261125", "market_prices_p20261126"])
      }))
  })
})
