/**
 * The transactional outbox on real Postgres and on the embedded database: atomic appends, ordered
 * relaying, waking on commit (and on NOTIFY from another connection on a real server), stopping
 * at a failed publish, draining at shutdown, and one relay at a time.
 */
import { NodeServices } from "@effect/platform-node"
import { assert, describe, layer, type Vitest } from "@effect/vitest"
import { Context, Effect, Exit, Layer, Logger, References, Schema, Scope } from "effect"
import { SqlClient } from "effect/sql"
import { AppConfig } from "../../../src/services/config/AppConfig.ts"
import type { Database } from "../../../src/services/database/Database.ts"
import { migrate } from "../../../src/services/database/Migrations.ts"
import { DeadLetters } from "../../../src/services/DeadLetters.ts"
import { EventBus, eventId, topic } from "../../../src/services/bus/EventBus.ts"
import { Outbox } from "../../../src/services/bus/Outbox.ts"
import { eventually } from "../../support/Eventually.ts"
import * as TestDatabase from "../../support/TestDatabase.ts"
import * as TestRedis from "../../support/TestRedis.ts"

const Fill = Schema.Struct({ orderId: Schema.String, quantity: Schema.Int })
let topics = 0
const freshTopic = () => topic(`outbox-${++topics}`, Fill)

const withDatabase = (db: Layer.Layer<Database | SqlClient.SqlClient>) =>
  DeadLetters.layer.pipe(
    Layer.provideMerge(Layer.effectDiscard(migrate())),
    Layer.provideMerge(db),
    Layer.provideMerge(NodeServices.layer),
    Layer.orDie
  )

const memoryBus = (db: Layer.Layer<Database | SqlClient.SqlClient>) =>
  Outbox.layerNoRelay.pipe(
    Layer.provideMerge(EventBus.layerMemory),
    Layer.provideMerge(AppConfig.layerTest({ "bus.outbox.batchSize": "5" })),
    Layer.provideMerge(withDatabase(db)),
    Layer.orDie
  )

const ids = (stored: ReadonlyArray<{ readonly id: string | undefined }>) => stored.map((e) => e.id)

/** Runs the background relay (`Outbox.layer`) with `overrides`, until `scope` closes. */
const startRelay = (scope: Scope.Scope, overrides: Record<string, string>) =>
  Layer.buildWithScope(Outbox.layer.pipe(Layer.provide(AppConfig.layerTest(overrides)), Layer.orDie), scope).pipe(
    Effect.map((context) => Context.get(context, Outbox))
  )

type Env = Outbox | EventBus | SqlClient.SqlClient | Database

const suite = (it: Vitest.MethodsNonLive<Env>, kind: "postgres" | "embedded") => {
  it.effect("writes an event only when its transaction commits, and each id once", () =>
    Effect.gen(function*() {
      const outbox = yield* Outbox
      const sql = yield* SqlClient.SqlClient
      const t = freshTopic()
      const rolledBack = sql.withTransaction(
        Effect.gen(function*() {
          yield* outbox.append(t, { id: eventId(t.name, 1), key: "o-1", payload: { orderId: "o-1", quantity: 1 } })
          return yield* Effect.fail("risk check failed after the write")
        })
      )
      assert.strictEqual(yield* Effect.flip(rolledBack), "risk check failed after the write")
      const first = yield* sql.withTransaction(outbox.append(t, { id: eventId(t.name, 2), key: "o-1", payload: { orderId: "o-1", quantity: 2 } }))
      const again = yield* sql.withTransaction(outbox.append(t, { id: eventId(t.name, 2), key: "o-1", payload: { orderId: "o-1", quantity: 2 } }))
      const rows = yield* sql<{ event_id: string; payload: string }>`SELECT event_id, payload FROM outbox WHERE topic = ${t.name}`
      assert.deepStrictEqual([first, again], [true, false])
      assert.deepStrictEqual(rows.map((r) => [r.event_id, r.payload]), [[eventId(t.name, 2), "{\"orderId\":\"o-1\",\"quantity\":2}"]])
    }))

  it.effect("relays in write order, a batch at a time, and marks what it published", () =>
    Effect.gen(function*() {
      const outbox = yield* Outbox
      const bus = yield* EventBus
      const sql = yield* SqlClient.SqlClient
      const t = freshTopic()
      // Whatever earlier tests left unpublished
      yield* outbox.drain(Duration10s)
      for (let n = 1; n <= 12; n++) {
        yield* sql.withTransaction(outbox.append(t, { id: eventId(t.name, n), key: `o-${n % 2}`, payload: { orderId: `o-${n % 2}`, quantity: n } }))
      }
      assert.strictEqual(yield* outbox.pending, 12)
      const first = yield* outbox.relayOnce
      assert.deepStrictEqual([first.published, first.more], [5, true])
      assert.strictEqual(yield* outbox.pending, 7)
      assert.strictEqual(yield* outbox.drain(Duration10s), 7)
      assert.strictEqual(yield* outbox.pending, 0)
      assert.deepStrictEqual(ids(yield* bus.stored(t.name)), Array.from({ length: 12 }, (_, i) => eventId(t.name, i + 1)))
      const stored = yield* bus.stored(t.name)
      assert.strictEqual(stored[0]!.payload, "{\"orderId\":\"o-1\",\"quantity\":1}")
      assert.strictEqual(stored[0]!.key, "o-1")
      const published = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE topic = ${t.name} AND published_at IS NOT NULL`
      assert.strictEqual(published[0]!.n, 12)
      assert.strictEqual((yield* outbox.relayOnce).published, 0)
    }))

  it.effect("the background relay publishes a committed event at once, without waiting for its poll", () =>
    Effect.gen(function*() {
      const bus = yield* EventBus
      const sql = yield* SqlClient.SqlClient
      const t = freshTopic()
      const scope = yield* Scope.make()
      const outbox = yield* startRelay(scope, { "bus.outbox.pollInterval": "1h" })
      // Let the relay pass its first (empty) round and go to sleep
      yield* Effect.sleep("100 millis")
      yield* sql.withTransaction(outbox.append(t, { id: eventId(t.name, 1), key: "o", payload: { orderId: "o", quantity: 1 } }))
      yield* eventually("the event on the bus", bus.stored(t.name), (s) => s.length === 1, "3 seconds")
      yield* Scope.close(scope, Exit.void)
    }))

  if (kind === "postgres") {
    it.effect("on a real server, another connection's insert wakes the relay (LISTEN/NOTIFY)", () =>
      Effect.gen(function*() {
        const bus = yield* EventBus
        const sql = yield* SqlClient.SqlClient
        const t = freshTopic()
        const scope = yield* Scope.make()
        yield* startRelay(scope, { "bus.outbox.pollInterval": "1h" })
        yield* Effect.sleep("200 millis")
        // A plain insert, as another process would do it: no afterCommit in this process
        yield* sql`INSERT INTO outbox (event_id, topic, aggregate, payload, occurred_at)
                   VALUES (${eventId(t.name, 1)}, ${t.name}, 'o', '{"orderId":"o","quantity":1}', now())`
        yield* eventually("the event on the bus", bus.stored(t.name), (s) => s.length === 1, "3 seconds")
        yield* Scope.close(scope, Exit.void)
      }))

    it.effect("two relays at once publish every event once, in order", () =>
      Effect.gen(function*() {
        const outbox = yield* Outbox
        const bus = yield* EventBus
        const sql = yield* SqlClient.SqlClient
        const t = freshTopic()
        for (let n = 1; n <= 60; n++) {
          yield* sql.withTransaction(outbox.append(t, { id: eventId(t.name, n), key: "o", payload: { orderId: "o", quantity: n } }))
        }
        const scope = yield* Scope.make()
        const other = yield* Layer.buildWithScope(Outbox.layerNoRelay.pipe(Layer.provide(AppConfig.layerTest({ "bus.outbox.batchSize": "5" }))), scope).pipe(
          Effect.map((c) => Context.get(c, Outbox))
        )
        const [a, b] = yield* Effect.all([outbox.drain(Duration10s), other.drain(Duration10s)], { concurrency: 2 })
        yield* Scope.close(scope, Exit.void)
        assert.strictEqual(a + b, 60)
        assert.deepStrictEqual(ids(yield* bus.stored(t.name)), Array.from({ length: 60 }, (_, i) => eventId(t.name, i + 1)))
      }))
  }

  it.effect("a shutdown stops the relay between statements: no warning, and the drain and the connection are fine", () =>
    Effect.gen(function*() {
      const bus = yield* EventBus
      const sql = yield* SqlClient.SqlClient
      const t = freshTopic()
      const { warnings } = yield* warningsOf(Effect.gen(function*() {
        // A relay polling all the time: a stop nearly always finds it between two statements
        for (let round = 0; round < 8; round++) {
          const scope = yield* Scope.make()
          const outbox = yield* startRelay(scope, { "bus.outbox.pollInterval": "10ms" })
          yield* sql.withTransaction(outbox.append(t, { id: eventId(t.name, round), key: "o", payload: { orderId: "o", quantity: round } }))
          yield* Effect.sleep(`${15 + round * 7} millis`)
          yield* Scope.close(scope, Exit.void)
        }
      }))
      assert.deepStrictEqual(warnings, [])
      assert.strictEqual((yield* bus.stored(t.name)).length, 8)
      assert.deepStrictEqual(yield* sql`SELECT 1 AS one`, [{ one: 1 }])
    }))

  it.effect("a drain stopped by the database says so and why, never a bus failure", () =>
    Effect.gen(function*() {
      const outbox = yield* Outbox
      const sql = yield* SqlClient.SqlClient
      yield* sql`ALTER TABLE outbox RENAME TO outbox_away`
      const { value, warnings } = yield* warningsOf(outbox.drain("5 seconds")).pipe(
        Effect.ensuring(sql`ALTER TABLE outbox_away RENAME TO outbox`.pipe(Effect.orDie))
      )
      assert.strictEqual(value, 0)
      assert.strictEqual(warnings.length, 1)
      assert.match(warnings[0]!, /outbox drain stopped: the database failed/)
      assert.notMatch(warnings[0]!, /bus/)
      assert.match(warnings[0]!, /outbox_away|"outbox" does not exist|relation/)
    }))

  it.effect("at shutdown the relay publishes what is left", () =>
    Effect.gen(function*() {
      const bus = yield* EventBus
      const sql = yield* SqlClient.SqlClient
      const t = freshTopic()
      const scope = yield* Scope.make()
      const outbox = yield* startRelay(scope, { "bus.outbox.pollInterval": "1h", "bus.outbox.batchSize": "7" })
      yield* Effect.sleep("100 millis")
      // Inserted behind the relay's back (no wake in this process); on a real server NOTIFY may
      // still wake it, which is fine: either way nothing may be left after the close
      for (let n = 1; n <= 30; n++) {
        yield* sql`INSERT INTO outbox (event_id, topic, aggregate, payload, occurred_at)
                   VALUES (${eventId(t.name, n)}, ${t.name}, 'o', ${JSON.stringify({ orderId: "o", quantity: n })}, now())`
      }
      yield* Scope.close(scope, Exit.void)
      assert.strictEqual(yield* outbox.pending, 0)
      assert.deepStrictEqual(ids(yield* bus.stored(t.name)), Array.from({ length: 30 }, (_, i) => eventId(t.name, i + 1)))
    }))
}

const Duration10s = "10 seconds" as const

/** The warnings logged while `effect` runs (finalizers included). */
const warningsOf = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const warnings: Array<string> = []
    const capture = Logger.make<unknown, void>(({ fiber, logLevel, message }) => {
      if (logLevel === "Warn" || logLevel === "Error") warnings.push(JSON.stringify({ message, annotations: Object.fromEntries(Object.entries(fiber.getRef(References.CurrentLogAnnotations))) }))
    })
    const value = yield* effect.pipe(Effect.provide(Logger.layer([capture])))
    return { value, warnings }
  })

describe("Outbox", () => {
  layer(memoryBus(TestDatabase.postgres), { excludeTestServices: true, timeout: "60 seconds" })("on Postgres", (it) => suite(it, "postgres"))
  layer(memoryBus(TestDatabase.embedded), { excludeTestServices: true, timeout: "60 seconds" })("on the embedded database", (it) =>
    suite(it, "embedded"))

  const redis = Layer.unwrap(
    Effect.map(TestRedis.prefix, (prefix) =>
      Outbox.layerNoRelay.pipe(
        Layer.provideMerge(EventBus.layerRedis),
        Layer.provideMerge(
          AppConfig.layerTest({ "redis.url": TestRedis.url, "bus.streamPrefix": prefix, "bus.consumer": `${prefix}c`, "bus.publishTimeout": "1s" })
        )
      ))
  ).pipe(Layer.provideMerge(withDatabase(TestDatabase.postgres)), Layer.orDie)

  layer(redis, { excludeTestServices: true, timeout: "60 seconds" })("relaying to Redis", (it) => {
    it.effect("stops a batch at the first failed publish, keeps what was published, and resumes in order", () =>
      Effect.gen(function*() {
        const outbox = yield* Outbox
        const bus = yield* EventBus
        const sql = yield* SqlClient.SqlClient
        const good = freshTopic()
        const broken = freshTopic()
        const append = (t: typeof good, n: number) =>
          sql.withTransaction(outbox.append(t, { id: eventId(t.name, n), key: "o", payload: { orderId: "o", quantity: n } }))
        yield* append(good, 1)
        yield* append(good, 2)
        yield* append(broken, 3)
        yield* append(good, 4)
        // A key of the wrong type makes XADD fail (WRONGTYPE): a real Redis refusal
        const brokenKey = bus.streamKey(broken.name)
        yield* Effect.scoped(Effect.flatMap(TestRedis.client, (r) => Effect.promise(() => r.set(brokenKey, "not a stream"))))
        const pass = yield* outbox.relayOnce
        assert.strictEqual(pass.published, 2)
        assert.match(pass.failure?.message ?? "", /WRONGTYPE/)
        assert.strictEqual(yield* outbox.pending, 2)
        // Event 4 is not published ahead of event 3
        assert.deepStrictEqual(ids(yield* bus.stored(good.name)), [eventId(good.name, 1), eventId(good.name, 2)])
        yield* Effect.scoped(Effect.flatMap(TestRedis.client, (r) => Effect.promise(() => r.del(brokenKey))))
        assert.strictEqual(yield* outbox.drain(Duration10s), 2)
        assert.deepStrictEqual(ids(yield* bus.stored(broken.name)), [eventId(broken.name, 3)])
        assert.deepStrictEqual(ids(yield* bus.stored(good.name)), [1, 2, 4].map((n) => eventId(good.name, n)))
      }))
  })
})
