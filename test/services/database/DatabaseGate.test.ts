/**
 * The runner lock behind the database gate, on a real Postgres: a second single runner on the
 * same database is refused at start, and so is a single runner beside socket runners (which share
 * the lock among themselves); a broken session is replaced at once; and a process whose lock was
 * taken by another while it was cut off closes its gate for good and stops.
 */
import { PgClient } from "@effect/sql-pg"
import { assert, describe, it, layer } from "@effect/vitest"
import { Deferred, Duration, Effect, Exit, Layer, Option, Redacted, Scope } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import { Diagnostics } from "../../../src/services/Diagnostics.ts"
import { type GateOptions, isOutage, make } from "../../../src/services/database/DatabaseGate.ts"
import * as FaultProxy from "../../support/FaultProxy.ts"
import { createDatabase } from "../../support/TestDatabase.ts"

const options = (url: string, mode: GateOptions["mode"], onLost: Effect.Effect<void> = Effect.void): GateOptions => ({
  url: Redacted.make(url),
  target: "test",
  mode,
  connectTimeout: Duration.seconds(5),
  onLost
})

/** A gate in its own scope, so a test can end it. */
const open = (o: GateOptions) =>
  Effect.gen(function*() {
    const scope = yield* Scope.make()
    const gate = yield* make(o).pipe(Scope.provide(scope))
    return { gate, close: Scope.close(scope, Exit.void) }
  })

/** Ends the server sessions of the gates of `mode` (a broken connection, as the server sees it). */
const terminate = (url: string, mode: GateOptions["mode"]) =>
  Effect.scoped(
    Effect.flatMap(PgClient.make({ url: Redacted.make(url), maxConnections: 1 }), (sql) =>
      sql<{ n: number }>`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
                         WHERE datname = current_database() AND application_name LIKE ${mode === "exclusive" ? "arbees runner %" : "arbees socket runner %"}`)
  ).pipe(Effect.provide(Reactivity.layer), Effect.map((rows) => rows[0]!.n))

const eventually = <A, R>(what: string, f: Effect.Effect<A, never, R>, ok: (a: A) => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 100; i++) {
      const a = yield* f
      if (ok(a)) return a
      yield* Effect.sleep("100 millis")
    }
    return yield* Effect.die(new Error(`timed out waiting for ${what}`))
  })

layer(Layer.mergeAll(Diagnostics.layer, Reactivity.layer), { excludeTestServices: true })("DatabaseGate", (it) => {
  it.effect("refuses a second single runner on the same database, naming the holder", () =>
    Effect.gen(function*() {
      const url = yield* createDatabase
      const first = yield* open(options(url, "exclusive"))
      assert.strictEqual(first.gate.state()._tag, "Open")
      const second = yield* open(options(url, "exclusive")).pipe(Effect.flip)
      assert.strictEqual(second.reason._tag, "Unavailable")
      assert.match(second.reason.message, /another arbees process runs on the database at test \("arbees runner \d+\//)
      // Once the first stops, the lock is free
      yield* first.close
      const third = yield* open(options(url, "exclusive"))
      assert.strictEqual(third.gate.state()._tag, "Open")
      yield* third.close
    }), 30_000)

  it.effect("lets socket runners share the lock, never beside a single runner", () =>
    Effect.gen(function*() {
      const url = yield* createDatabase
      const a = yield* open(options(url, "shared"))
      const b = yield* open(options(url, "shared"))
      const single = yield* open(options(url, "exclusive")).pipe(Effect.flip)
      assert.match(single.reason.message, /arbees socket runner/)
      yield* a.close
      yield* b.close
      const s = yield* open(options(url, "exclusive"))
      const runner = yield* open(options(url, "shared")).pipe(Effect.flip)
      assert.match(runner.reason.message, /it runs as a single runner/)
      yield* s.close
    }), 30_000)

  it.effect("takes the lock again on a new session when its session breaks", () =>
    Effect.gen(function*() {
      const url = yield* createDatabase
      const diagnostics = yield* Diagnostics
      const lost = yield* Deferred.make<void>()
      const a = yield* open(options(url, "exclusive", Deferred.succeed(lost, undefined).pipe(Effect.asVoid)))
      assert.strictEqual(yield* terminate(url, "exclusive"), 1)
      // The next probe finds the session gone, blocks trading, and takes the lock again at once
      yield* eventually("the gate to notice", Effect.sync(() => diagnostics.get("database")?.lastError), (e) => e !== undefined)
      assert.match(diagnostics.get("database")!.lastError!.message, /^trading blocked: the database at test does not answer/)
      yield* eventually("the gate to open again", Effect.sync(() => a.gate.state()._tag), (t) => t === "Open")
      assert.isFalse(yield* Deferred.isDone(lost))
      // ... and it holds the lock: another single runner is still refused
      yield* open(options(url, "exclusive")).pipe(Effect.flip)
      yield* a.close
    }), 30_000)

  it.effect("stops when another process took the lock while it was cut off", () =>
    Effect.scoped(Effect.gen(function*() {
      const url = yield* createDatabase
      // A reaches the database through a proxy the test can cut; the other process does not
      const target = new URL(url)
      const proxy = yield* Effect.acquireRelease(
        Effect.promise(() => FaultProxy.start(Number(target.port || 5432), target.hostname)),
        (p) => Effect.promise(() => p.close())
      )
      const viaProxy = new URL(url)
      viaProxy.host = `127.0.0.1:${proxy.port}`
      const lost = yield* Deferred.make<void>()
      const a = yield* open(options(viaProxy.toString(), "exclusive", Deferred.succeed(lost, undefined).pipe(Effect.asVoid)))
      proxy.cut()
      // Another process starts while A is cut off, as soon as the server has ended A's session
      const b = yield* eventually("another process to take the lock", open(options(url, "exclusive")).pipe(Effect.option), Option.isSome).pipe(
        Effect.map(Option.getOrThrow)
      )
      proxy.restore()
      yield* Deferred.await(lost).pipe(Effect.timeout("15 seconds"))
      const state = a.gate.state()
      assert.strictEqual(state._tag, "Closed")
      assert.match(state._tag === "Closed" ? state.reason : "", /another arbees process took the runner lock .* this process stops/)
      // It stays closed: it never takes the lock from the new holder
      yield* Effect.sleep("1500 millis")
      assert.strictEqual(a.gate.state()._tag, "Closed")
      assert.strictEqual(b.gate.state()._tag, "Open")
      yield* a.close
      yield* b.close
    })), 30_000)
})

describe("isOutage", () => {
  it("tells an unreachable database from a wrong statement", () => {
    const outage = [
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }),
      new Error("PgConnection: Failed to connect"),
      new Error("PgConnection: Connection closed"),
      new Error("terminating connection due to administrator command"),
      new Error("the database system is shutting down"),
      new Error("the database system is starting up")
    ]
    for (const e of outage) assert.isTrue(isOutage(e), e.message)
    assert.isFalse(isOutage(new Error('relation "trading_state" does not exist')))
    assert.isFalse(isOutage(new Error("duplicate key value violates unique constraint")))
  })
})
