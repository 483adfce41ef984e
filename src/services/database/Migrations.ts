/**
 * Forward-only schema migrations from `migrations/NNNN_name.sql`.
 *
 * Every pending migration runs in one transaction under a lock on the migrations table, so two
 * processes starting together cannot both apply it, and re-running is a no-op. Applied at
 * start-up by `arbees run` and explicitly by `arbees migrate`.
 *
 * @since 0.1.0
 */
import { Effect, FileSystem, Path } from "effect"
import { SqlClient } from "effect/sql"
import { MigrationFailed, StorageError } from "../../schema/errors/StorageError.ts"
import { splitStatements } from "./SqlScript.ts"
import { packagePath } from "../PackagePath.ts"

/** The bookkeeping table. @category constants */
export const MIGRATIONS_TABLE = "arbees_migrations"

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/

/** `migrations/` at the package root, from both `src/` (tests) and `dist/` (the build). @category constants */
export const defaultDirectory: string = packagePath(import.meta.url, "migrations/")

/** @category models */
export interface MigrationFile {
  readonly id: number
  readonly name: string
  readonly statements: ReadonlyArray<string>
}

/** Reads and splits every migration file in `directory`, in id order. @category loading */
export const readMigrations = Effect.fn("Migrations.read")(function*(directory: string) {
  const fs = yield* FileSystem.FileSystem
  const path = yield* Path.Path
  const names = (yield* fs.readDirectory(directory)).filter((name) => FILE.test(name)).sort()
  const files: Array<MigrationFile> = []
  for (const name of names) {
    const [, id, label] = FILE.exec(name)!
    const text = yield* fs.readFileString(path.join(directory, name))
    files.push({ id: Number(id), name: label!, statements: splitStatements(text) })
  }
  return files
})

/**
 * Applies the pending migrations among `files`, in id order; returns the ids applied.
 *
 * Pending means not recorded in the bookkeeping table, not "above the newest recorded": migrations
 * written on parallel branches land with ids below one already applied (0011 after 0035), and an
 * existing database must still get them. Everything runs in one transaction holding an exclusive
 * lock on the table, so two processes starting together cannot both apply a migration.
 *
 * @category running
 */
export const applyMigrations = Effect.fn("Migrations.apply")(function*(files: ReadonlyArray<MigrationFile>) {
  const sql = yield* SqlClient.SqlClient
  const ids = files.map((f) => f.id)
  if (new Set(ids).size !== ids.length) {
    return yield* new StorageError({ reason: new MigrationFailed({ migration: "read", message: "two migration files share an id" }) })
  }
  let current: MigrationFile | undefined
  const run = Effect.gen(function*() {
    // Two processes starting together on a fresh database would race on creating the table (a
    // unique violation in the catalogue): one waits here for the other's whole transaction
    yield* sql`SELECT pg_advisory_xact_lock(hashtext('arbees.migrations'))`
    // The same table effect's Migrator kept, so databases it migrated carry on
    yield* sql.unsafe(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
      migration_id integer primary key,
      created_at timestamp with time zone not null default now(),
      name text not null)`)
    yield* sql.unsafe(`LOCK TABLE ${MIGRATIONS_TABLE} IN ACCESS EXCLUSIVE MODE`)
    const done = new Set((yield* sql<{ migration_id: number }>`SELECT migration_id FROM ${sql(MIGRATIONS_TABLE)}`).map((r) => Number(r.migration_id)))
    const pending = [...files].sort((a, b) => a.id - b.id).filter((f) => !done.has(f.id))
    for (const file of pending) {
      current = file
      for (const statement of file.statements) yield* sql.unsafe(statement)
      yield* sql`INSERT INTO ${sql(MIGRATIONS_TABLE)} (migration_id, name) VALUES (${file.id}, ${file.name})`
    }
    return pending.map((f) => f.id)
  })
  return yield* sql.withTransaction(run).pipe(
    Effect.mapError((error) =>
      new StorageError({
        reason: new MigrationFailed({
          migration: current === undefined ? "sql" : `${String(current.id).padStart(4, "0")}_${current.name}`,
          message: error.message
        })
      })
    )
  )
})

/**
 * Reads `directory` (default: the package's `migrations/`) and applies what is pending.
 *
 * @category running
 */
export const migrate = Effect.fn("Migrations.migrate")(function*(directory?: string) {
  const files = yield* readMigrations(directory ?? defaultDirectory).pipe(
    Effect.mapError((e) => new StorageError({ reason: new MigrationFailed({ migration: "read", message: e.message }) }))
  )
  const applied = yield* applyMigrations(files)
  if (applied.length > 0) yield* Effect.logInfo("migrations applied").pipe(Effect.annotateLogs({ applied: applied.join(",") }))
  return applied
})
