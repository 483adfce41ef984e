/**
 * The Postgres layer: a real server when `database.url` (or `DATABASE_URL`) is set, otherwise an
 * embedded PGlite database persisted under `dataDir`.
 *
 * Both go through the same driver (`@effect/sql-pg`) and the same SQL: the embedded database is
 * served on a loopback port by `@electric-sql/pglite-socket` and reached with one connection
 * (PGlite is single-connection). An OS-level lock (`lockDataDir`) keeps two processes from
 * opening the same embedded database.
 *
 * @since 0.1.0
 */
import { PGlite } from "@electric-sql/pglite"
import { PGLiteSocketServer } from "@electric-sql/pglite-socket"
import { PgClient } from "@effect/sql-pg"
import { Cause, Context, Duration, Effect, Exit, Layer, Redacted } from "effect"
import type { SqlClient } from "effect/sql"
import { isSqlError } from "effect/sql/SqlError"
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as net from "node:net"
import * as nodePath from "node:path"
import { StorageError, Unavailable } from "../../schema/errors/StorageError.ts"
import { AppConfig } from "../config/AppConfig.ts"
import { describeFailure } from "../Failure.ts"

/** @category models */
export interface DatabaseInfo {
  readonly kind: "postgres" | "embedded"
  /** Where it is, without credentials: `127.0.0.1:5432/arbees` or the embedded data directory */
  readonly target: string
}

/** `postgres://user:secret@host:5432/db?x=y` → `host:5432/db` (never print credentials). @category formatting */
export const describeUrl = (url: string): string => {
  try {
    const u = new URL(url)
    return `${u.hostname}:${u.port === "" ? "5432" : u.port}${u.pathname}`
  } catch {
    return "(unparseable database URL)"
  }
}

const unavailable = (message: string, cause?: unknown) =>
  new StorageError({ reason: new Unavailable(cause === undefined ? { message } : { message, cause }) })

/** Fails with a clear `Unavailable` unless the database answers within `timeout`. */
const probe = (target: string, timeout: Duration.Duration) =>
  Effect.flatMap(PgClient.PgClient, (sql) => sql`SELECT 1`).pipe(
    Effect.timeoutOrElse({
      duration: timeout,
      orElse: () => Effect.fail(unavailable(`cannot reach the database at ${target}: no answer within ${Duration.format(timeout)}`))
    }),
    Effect.mapError((e) => (e instanceof StorageError ? e : unavailable(`cannot reach the database at ${target}: ${describeFailure(e)}`, e))),
    Effect.asVoid
  )

/** The data directory's lock: a name in Linux's abstract socket namespace, derived from its real path. */
const lockName = (dir: string): string =>
  `\0arbees-embedded-lock:${createHash("sha256").update(fs.realpathSync(dir)).digest("hex")}`

/**
 * Takes the lock of `dir` for this process, or fails if another process holds it.
 *
 * The lock is an OS-level exclusive resource, not a check-then-write: a listening socket in the
 * abstract namespace. The kernel lets exactly one process bind a name, whatever the timing, and
 * frees it when that process exits, however it exits, so a lock is never stale. `arbees.lock`
 * in the directory names the holder's pid, for the message only. Elsewhere (no abstract
 * sockets) `arbees.lock` is created exclusively and a leftover one must be removed by hand.
 *
 * @category locking
 */
export const lockDataDir = (dir: string) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        fs.mkdirSync(dir, { recursive: true })
        const info = nodePath.join(dir, "arbees.lock")
        if (process.platform !== "linux") {
          // No abstract sockets: an exclusive create, never taken over automatically (no race)
          try {
            fs.writeFileSync(info, String(process.pid), { flag: "wx" })
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e
            throw new Error(`the embedded database in ${dir} is locked by ${info} (process ${fs.readFileSync(info, "utf8").trim()}); remove it if that process is gone`)
          }
          return { server: undefined, info }
        }
        const server = net.createServer()
        try {
          await new Promise<void>((resolve, reject) => {
            server.once("error", reject)
            server.listen(lockName(dir), () => resolve())
          })
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e
          const holder = fs.existsSync(info) ? fs.readFileSync(info, "utf8").trim() : "another process"
          throw new Error(`the embedded database in ${dir} is in use by ${/^\d+$/.test(holder) ? `process ${holder}` : holder}`)
        }
        // Never keeps the process alive on its own
        server.unref()
        fs.writeFileSync(info, String(process.pid))
        return { server, info }
      },
      catch: (e) => unavailable(e instanceof Error ? e.message : String(e))
    }),
    ({ info, server }) =>
      Effect.sync(() => {
        fs.rmSync(info, { force: true })
        server?.close()
      })
  )

/** Sockets the embedded server admits: the one connection, plus cancels and a replacement in flight. */
const EMBEDDED_SOCKETS = 8

/**
 * Starts PGlite on `dataDir` (or in memory when `dataDir` is undefined) and serves it on a
 * loopback port. Returns the connection URL; everything is stopped when the scope closes.
 * `opened` sees the database before it is served (the replay watches it to know when the
 * runtime has gone quiet).
 *
 * @category constructors
 */
export const serveEmbedded = Effect.fn("Database.serveEmbedded")(function*(dataDir: string | undefined, opened?: (db: PGlite) => void) {
  if (dataDir !== undefined) yield* lockDataDir(dataDir)
  const db = yield* Effect.acquireRelease(
    Effect.tryPromise({
      try: () => PGlite.create(dataDir === undefined ? {} : { dataDir: nodePath.join(dataDir, "pgdata") }),
      catch: (e) => unavailable(`cannot open the embedded database${dataDir === undefined ? "" : ` in ${dataDir}`}: ${String(e)}`)
    }),
    (db) => Effect.promise(() => db.close()).pipe(Effect.timeout("10 seconds"), Effect.ignore)
  )
  opened?.(db)
  const server = yield* Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        // The client holds one connection, but the server admits more: an interrupted statement
        // makes the driver send a CancelRequest on a side connection (which this server ignores,
        // leaving the socket open until the driver gives up on it) and may retire the connection.
        // With room for one (Node's `server.maxConnections` drops the extra socket unseen), the
        // replacement connection was dropped while those were still open: "Connection closed
        // during startup", reported at shutdown as an outbox drain failure. The server runs one
        // query at a time and keeps a transaction to its connection, whatever the number.
        const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: EMBEDDED_SOCKETS })
        await server.start()
        return server
      },
      catch: (e) => unavailable(`cannot serve the embedded database: ${String(e)}`)
    }),
    (server) => Effect.promise(() => server.stop()).pipe(Effect.timeout("10 seconds"), Effect.ignore)
  )
  const port = Number(server.getServerConn().split(":").pop())
  return Redacted.make(`postgres://postgres@127.0.0.1:${port}/postgres`)
})

/**
 * Makes a transaction whose connection is lost midway fail with the driver's `SqlError`, as a
 * statement does, instead of dying with it.
 *
 * effect's `withTransaction` (`SqlClient.makeWithTransaction`) runs its `ROLLBACK` with
 * `Effect.orDie`. When Postgres crashes or restarts under a transaction, the statement fails with
 * `SqlError` ("Connection closed"), the `ROLLBACK` then fails on the dead connection, and the
 * transaction ends as a defect: only `Die(SqlError)`, no failure. Code that judges a write by its
 * failures (retry while the database is unreachable) let that defect through: it stopped the
 * write-behind queue for good (test/services/database/WriteBehindCrash.test.ts) and crashed the
 * actor whose handler ran the transaction. When a `SqlError` defect ends a transaction whose body
 * failed, the transaction ends with the body's own cause instead (its failures as failures, its
 * defects and interruptions as they were); a nested transaction's failure, mapped by its caller,
 * is kept the same way.
 *
 * The client is patched in place, so `PgClient` and `SqlClient` (the same object) both have it.
 *
 * @category layers
 */
export const failLostConnections = <C extends SqlClient.SqlClient>(client: C): C => {
  const withTransaction = client.withTransaction
  const patched: SqlClient.SqlClient["withTransaction"] = <R, E, A>(effect: Effect.Effect<A, E, R>) =>
    Effect.suspend(() => {
      // The body's own exit: when the ROLLBACK dies, effect turns the body's failures into defects too
      let body: Exit.Exit<A, E> | undefined
      return Effect.catchCause(
        withTransaction(Effect.onExit(effect, (exit) => Effect.sync(() => void (body = exit)))),
        (cause) => {
          const lost = cause.reasons.some((r) => Cause.isDieReason(r) && isSqlError(r.defect))
          if (!lost || body === undefined || Exit.isSuccess(body)) return Effect.failCause(cause)
          return Effect.failCause(body.cause)
        }
      )
    })
  return Object.assign(client, { withTransaction: patched })
}

/**
 * A `PgClient` on an already-running embedded server: one connection, no statement cache
 * surprises across the socket bridge.
 *
 * @category layers
 */
export const embeddedClient = (url: Redacted.Redacted<string>) =>
  PgClient.layerFrom(
    PgClient.make({ url, maxConnections: 1, applicationName: "arbees" }).pipe(
      Effect.map(failLostConnections),
      Effect.mapError((e) => unavailable(`cannot open the embedded database: ${e.message}`))
    )
  )

/** @category services */
export class Database extends Context.Service<Database, DatabaseInfo>()("arbees/services/Database") {
  /**
   * Postgres from `database.url`, or the embedded database under `dataDir`. Fails at build time
   * with `StorageError.Unavailable` when the database cannot be reached.
   */
  static readonly layer: Layer.Layer<Database | PgClient.PgClient | SqlClient.SqlClient, StorageError, AppConfig> = Layer.unwrap(
    Effect.gen(function*() {
      const { config } = yield* AppConfig
      const timeout = config.database.connectTimeout
      if (config.database.url !== undefined) {
        const target = describeUrl(Redacted.value(config.database.url))
        const client = PgClient.layerFrom(
          PgClient.make({
            url: config.database.url,
            maxConnections: config.database.poolSize,
            connectTimeout: timeout,
            applicationName: "arbees"
          }).pipe(Effect.map(failLostConnections), Effect.mapError((e) => unavailable(`cannot reach the database at ${target}: ${describeFailure(e)}`, e)))
        )
        return Layer.effect(Database, probe(target, timeout).pipe(Effect.as(Database.of({ kind: "postgres", target })))).pipe(
          Layer.provideMerge(client)
        )
      }
      const dataDir = nodePath.resolve(config.dataDir)
      const url = yield* serveEmbedded(dataDir)
      const client = embeddedClient(url)
      return Layer.effect(Database, probe(dataDir, timeout).pipe(Effect.as(Database.of({ kind: "embedded", target: dataDir })))).pipe(
        Layer.provideMerge(client)
      )
    })
  )
}
