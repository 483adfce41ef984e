/**
 * Real databases for tests.
 *
 * `postgres` creates a fresh database on the local Postgres server (the one CI starts, at
 * `ARBEES_TEST_DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`) for the
 * lifetime of the layer, and drops it afterwards, so test files never share state. `embedded`
 * runs an in-memory PGlite through the same driver, for the embedded path.
 */
import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Random, Redacted } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import type { SqlClient } from "effect/sql"
import { Database, embeddedClient, serveEmbedded } from "../../src/services/database/Database.ts"

export const adminUrl = process.env["ARBEES_TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres"

const withDatabase = (url: string, database: string): string => {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

const admin = <A, E>(f: (sql: PgClient.PgClient) => Effect.Effect<A, E>) =>
  Effect.scoped(Effect.flatMap(PgClient.make({ url: Redacted.make(adminUrl), maxConnections: 1 }), f)).pipe(
    Effect.provide(Reactivity.layer)
  )

/** Creates an empty database; returns its URL. Dropped when the scope closes. */
export const createDatabase = Effect.gen(function*() {
  const suffix = (yield* Random.nextIntBetween(0, 2 ** 31 - 1)).toString(36)
  const name = `arbees_test_${process.pid}_${suffix}`
  yield* Effect.acquireRelease(
    admin((sql) => sql.unsafe(`CREATE DATABASE ${name}`)),
    () => admin((sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).pipe(Effect.ignore)
  )
  return withDatabase(adminUrl, name)
})

/** A fresh, empty Postgres database for one test file. */
export const postgres: Layer.Layer<Database | PgClient.PgClient | SqlClient.SqlClient> = Layer.unwrap(
  Effect.map(createDatabase, (url) =>
    PgClient.layer({ url: Redacted.make(url), maxConnections: 4 }).pipe(
      Layer.provideMerge(Layer.succeed(Database, Database.of({ kind: "postgres", target: url })))
    ))
).pipe(Layer.orDie)

/** A fresh in-memory embedded database, through the same driver. */
export const embedded: Layer.Layer<Database | PgClient.PgClient | SqlClient.SqlClient> = Layer.unwrap(
  Effect.map(serveEmbedded(undefined), (url) =>
    embeddedClient(url).pipe(Layer.provideMerge(Layer.succeed(Database, Database.of({ kind: "embedded", target: "memory" })))))
).pipe(Layer.orDie)
