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
import { Migrator, SqlClient } from "effect/sql"
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
 * Applies the pending migrations among `files`; returns the ids applied.
 *
 * @category running
 */
export const applyMigrations = Effect.fn("Migrations.apply")(function*(files: ReadonlyArray<MigrationFile>) {
  const loader = Effect.succeed(
    files.map((file) =>
      [
        file.id,
        file.name,
        Effect.succeed(
          Effect.gen(function*() {
            const sql = yield* SqlClient.SqlClient
            for (const statement of file.statements) yield* sql.unsafe(statement)
          })
        )
      ] as const
    )
  )
  const applied = yield* Migrator.make({})({ loader, table: MIGRATIONS_TABLE }).pipe(
    Effect.mapError((error) => {
      const cause = "cause" in error && error.cause !== undefined ? `: ${String((error.cause as { message?: string }).message ?? error.cause)}` : ""
      return new StorageError({
        reason: new MigrationFailed({
          migration: error._tag === "MigrationError" ? error.kind : "sql",
          message: `${error.message}${cause}`
        })
      })
    })
  )
  return applied.map(([id]) => id)
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
