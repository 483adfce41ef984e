/**
 * Whether the database can record a trade right now, seen through one dedicated Postgres session
 * that also holds this process's runner lock.
 *
 * A single runner keeps its shard locks in memory (so a database outage never passivates its
 * actors, see `src/runtime/Cluster.ts`); what keeps a second single-runner process off the same
 * database is a session advisory lock taken here, exclusively, on a connection of its own.
 * Socket runners (`cluster.runnerHost`) take the same lock shared: any number of them may run
 * together, never beside a single runner.
 *
 * - At start the lock is taken or start-up fails (`StorageError.Unavailable` naming the holder).
 * - Every second the session answers `SELECT 1`. When it does not (the database is down, the
 *   connection broke), the gate closes: trading is blocked with the reason, the node `database`
 *   is degraded in the diagnostics tree, and the lock is taken again on a new session as soon as
 *   the database answers. The old session's lock went with it (the server ends a broken session,
 *   and a session of ours the server still keeps is ended by us: it carries this process's
 *   `application_name`).
 * - If another process took the lock meanwhile, this process must not go on as a second writer:
 *   the gate stays closed for good and `onLost` runs (the runtime stops the process).
 *
 * @since 0.1.0
 */
import { PgClient } from "@effect/sql-pg"
import { Context, Duration, Effect, Exit, Layer, Metric, Random, Redacted, Scope } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as os from "node:os"
import { StorageError, Unavailable } from "../../schema/errors/StorageError.ts"
import { Diagnostics } from "../Diagnostics.ts"
import { describeFailure, nameFailure } from "../Failure.ts"
import { nowMillis } from "../Time.ts"

/** The advisory lock's two keys: "arbe" and 1 (a `(int4, int4)` lock: `objsubid = 2` in `pg_locks`). */
const LOCK = [1634886245, 1] as const

/** How often the session is asked whether it is alive, and how long it has to answer. */
const PROBE_INTERVAL = Duration.seconds(1)
const PROBE_TIMEOUT = Duration.seconds(2)

/** @category metrics */
export const closedTotal = Metric.counter("arbees_database_gate_closed_total", {
  description: "Times trading was blocked because the database stopped answering (or the runner lock was lost)"
})

/**
 * Whether `error` says the database is unreachable (refused, reset, closed, timed out, shutting
 * down or starting up) rather than that a statement is wrong: an outage, told as a warning.
 *
 * @category checks
 */
export const isOutage = (error: unknown): boolean => {
  const { kind, text } = nameFailure(error)
  return kind === "refused" || kind === "reset" || kind === "closed" || kind === "timeout" || kind === "unreachable" || kind === "dns" ||
    /terminating connection|shutting down|starting up|connection closed|failed to connect/i.test(text)
}

/** @category models */
export type GateState =
  | { readonly _tag: "Open" }
  | { readonly _tag: "Closed"; readonly reason: string; readonly since: number }

/** @category services */
export class DatabaseGate extends Context.Service<DatabaseGate, {
  /** Open, or why trading is blocked and since when */
  readonly state: () => GateState
}>()("arbees/services/DatabaseGate") {
  /** Always open: the embedded database is in-process, and its data directory is locked by the OS. */
  static readonly layerOpen: Layer.Layer<DatabaseGate> = Layer.succeed(DatabaseGate, DatabaseGate.of({ state: () => ({ _tag: "Open" }) }))
}

/** @category models */
export interface GateOptions {
  readonly url: Redacted.Redacted<string>
  /** Where the database is, for messages (`host:port/db`) */
  readonly target: string
  /** A single runner holds the lock alone; socket runners share it */
  readonly mode: "exclusive" | "shared"
  readonly connectTimeout: Duration.Duration
  /** Runs once if another process took the lock while this one was cut off */
  readonly onLost: Effect.Effect<void>
}

type Attempt =
  | { readonly _tag: "Held" }
  | { readonly _tag: "Retry"; readonly reason: string }
  | { readonly _tag: "Taken"; readonly by: string }

const unavailable = (message: string) => new StorageError({ reason: new Unavailable({ message }) })

/**
 * Takes the lock (or fails start-up), then watches the session for the life of the scope.
 *
 * @category constructors
 */
export const make = (options: GateOptions): Effect.Effect<DatabaseGate["Service"], StorageError, Scope.Scope | Diagnostics> =>
  Effect.gen(function*() {
    const diagnostics = yield* Diagnostics
    const report = yield* diagnostics.register({ id: "database", kind: "service", parent: "runtime" })
    report.details["target"] = options.target
    report.details["lock"] = options.mode
    const token = (yield* Random.nextIntBetween(0, 2 ** 31 - 1)).toString(36)
    // Names this process's sessions, so a session of ours the server still keeps is told from another process's
    const identity = `arbees ${options.mode === "exclusive" ? "runner" : "socket runner"} ${process.pid}/${token} ${os.hostname()}`.slice(0, 63)
    const take = options.mode === "exclusive" ? "pg_try_advisory_lock" : "pg_try_advisory_lock_shared"
    let state: GateState = { _tag: "Open" }
    let session: Scope.Closeable | undefined
    let client: PgClient.PgClient | undefined

    const dropSession = Effect.suspend(() => {
      const s = session
      session = undefined
      client = undefined
      return s === undefined ? Effect.void : Scope.close(s, Exit.void)
    })

    /** A new session, and the lock on it. */
    const attempt: Effect.Effect<Attempt> = Effect.gen(function*() {
      yield* dropSession
      const scope = yield* Scope.make()
      session = scope
      const c = yield* PgClient.makeClient({ url: options.url, applicationName: identity, connectTimeout: options.connectTimeout }).pipe(
        Effect.provide(Reactivity.layer),
        Scope.provide(scope)
      )
      client = c
      const [row] = yield* c.unsafe<{ ok: boolean }>(`SELECT ${take}(${LOCK[0]}, ${LOCK[1]}) AS ok`)
      if (row?.ok === true) return { _tag: "Held" } as Attempt
      const holders = yield* c.unsafe<{ pid: number; name: string; addr: string | null }>(
        `SELECT a.pid, a.application_name AS name, a.client_addr::text AS addr
           FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.classid = ${LOCK[0]} AND l.objid = ${LOCK[1]} AND l.objsubid = 2 AND l.granted
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`
      )
      yield* dropSession
      const others = holders.filter((h) => h.name !== identity)
      if (holders.length > 0 && others.length === 0) {
        // Our own earlier session, which the server has not ended yet: end it, then take the lock again
        yield* Effect.forEach(holders, (h) => c.unsafe(`SELECT pg_terminate_backend(${Number(h.pid)})`), { discard: true }).pipe(Effect.ignore)
        return { _tag: "Retry", reason: "ending this process's earlier database session" } as Attempt
      }
      if (others.length === 0) return { _tag: "Retry", reason: "the runner lock was released while it was asked for" } as Attempt
      return { _tag: "Taken", by: others.map((h) => `"${h.name}" (backend ${h.pid}${h.addr === null ? "" : ` from ${h.addr}`})`).join(", ") } as Attempt
    }).pipe(
      Effect.timeoutOrElse({ duration: Duration.sum(options.connectTimeout, PROBE_TIMEOUT), orElse: () => Effect.succeed<Attempt>({ _tag: "Retry", reason: "no answer" }) }),
      Effect.catch((e) => Effect.succeed<Attempt>({ _tag: "Retry", reason: describeFailure(e) })),
      Effect.tap((a) => (a._tag === "Held" ? Effect.void : dropSession))
    )

    const close = Effect.fnUntraced(function*(reason: string, status: "degraded" | "halted") {
      const at = yield* nowMillis
      if (state._tag === "Open") {
        state = { _tag: "Closed", reason, since: at }
        yield* Metric.update(closedTotal, 1)
        yield* Effect.logWarning("database unreachable: trading blocked until it answers; actors keep their state").pipe(
          Effect.annotateLogs({ database: options.target, reason })
        )
      } else {
        state = { ...state, reason }
      }
      report.status = status
      report.lastError = { at, message: `trading blocked: ${reason}` }
    })

    const open = Effect.gen(function*() {
      if (state._tag === "Closed") {
        const now = yield* nowMillis
        yield* Effect.logInfo("database reachable again: trading resumes").pipe(
          Effect.annotateLogs({ database: options.target, blockedFor: Duration.format(Duration.millis(now - state.since)) })
        )
      }
      state = { _tag: "Open" }
      report.status = "running"
    })

    // Start-up: the lock, or a clear refusal
    let first = yield* attempt
    if (first._tag === "Retry") first = yield* attempt
    if (first._tag === "Taken") {
      return yield* unavailable(
        `another arbees process runs on the database at ${options.target} (${first.by}): ` +
          (options.mode === "exclusive"
            ? "a single runner needs the database to itself; stop the other process, or run both as socket runners (cluster.runnerHost)"
            : "it runs as a single runner; stop it, or give it cluster.runnerHost too")
      )
    }
    if (first._tag === "Retry") return yield* unavailable(`cannot take the runner lock on the database at ${options.target}: ${first.reason}`)
    report.status = "running"
    yield* Effect.addFinalizer(() => dropSession.pipe(Effect.andThen(Effect.sync(() => void (report.status = "stopped")))))

    const probe = Effect.gen(function*() {
      const c = client
      if (c !== undefined) {
        const alive = yield* c`SELECT 1`.pipe(
          Effect.timeout(PROBE_TIMEOUT),
          Effect.as<string | undefined>(undefined),
          Effect.catchCause((cause) => Effect.succeed<string | undefined>(describeFailure(cause)))
        )
        if (alive === undefined) return true
        yield* dropSession
        yield* close(`the database at ${options.target} does not answer (${alive})`, "degraded")
      }
      const next = yield* attempt
      switch (next._tag) {
        case "Held":
          yield* open
          return true
        case "Retry":
          yield* close(`the database at ${options.target} does not answer (${next.reason})`, "degraded")
          return true
        case "Taken": {
          const reason = `another arbees process took the runner lock on ${options.target} while this one was cut off (${next.by}): this process stops rather than run beside it`
          yield* close(reason, "halted")
          yield* Effect.logError("runner lock lost: stopping").pipe(Effect.annotateLogs({ database: options.target, reason }))
          yield* options.onLost
          return false
        }
      }
    })

    yield* Effect.sleep(PROBE_INTERVAL).pipe(
      Effect.andThen(probe),
      Effect.repeat({ while: (goOn) => goOn }),
      Effect.forkScoped
    )

    return DatabaseGate.of({ state: () => state })
  })
