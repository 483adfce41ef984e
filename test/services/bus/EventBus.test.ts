/**
 * The event bus contract, run against both implementations: the in-process log and real Redis
 * Streams (127.0.0.1:6379, a unique stream prefix per suite). Dead letters go to a real Postgres.
 */
import { NodeServices } from "@effect/platform-node"
import { assert, describe, layer, type Vitest } from "@effect/vitest"
import { Deferred, Effect, Exit, Layer, Metric, Option, Schema, Scope, Tracer } from "effect"
import { SqlClient } from "effect/sql"
import { AppConfig } from "../../../src/services/config/AppConfig.ts"
import { EventId } from "../../../src/schema/Ids.ts"
import { DeadLetters, deadLettersTotal } from "../../../src/services/DeadLetters.ts"
import { migrate } from "../../../src/services/database/Migrations.ts"
import * as Dedup from "../../../src/services/bus/Dedup.ts"
import { consumedTotal, type Envelope, EventBus, eventId, redeliveriesTotal, topic } from "../../../src/services/bus/EventBus.ts"
import { eventually } from "../../support/Eventually.ts"
import * as TestDatabase from "../../support/TestDatabase.ts"
import * as TestRedis from "../../support/TestRedis.ts"

const Fill = Schema.Struct({ orderId: Schema.String, quantity: Schema.Int, priceMicros: Schema.Int })
type Fill = typeof Fill.Type

let topics = 0
/** A topic of its own for each test, so tests sharing a bus never see each other's events. */
const freshTopic = () => topic(`fills-${++topics}`, Fill)
const fill = (n: number): Fill => ({ orderId: `o-${n}`, quantity: n, priceMicros: 430_000 + n })
const id = (t: string, n: number) => eventId(t, n)

const settings = {
  "bus.block": "100ms",
  "bus.claimMinIdle": "300ms",
  "bus.claimInterval": "100ms",
  "bus.maxDeliveries": "3",
  "bus.drainTimeout": "2s",
  "bus.batchSize": "10"
}

const database = Layer.effectDiscard(migrate()).pipe(
  Layer.provideMerge(TestDatabase.postgres),
  Layer.provideMerge(NodeServices.layer),
  Layer.orDie
)
const withDeadLetters = DeadLetters.layer.pipe(Layer.provideMerge(database))

const memoryBus = EventBus.layerMemory.pipe(
  Layer.provideMerge(AppConfig.layerTest(settings)),
  Layer.provideMerge(withDeadLetters),
  Layer.orDie
)

const redisBus = Layer.unwrap(
  Effect.map(TestRedis.prefix, (prefix) =>
    EventBus.layerRedis.pipe(
      Layer.provideMerge(AppConfig.layerTest({ ...settings, "redis.url": TestRedis.url, "bus.streamPrefix": prefix, "bus.consumer": `${prefix}c` }))
    ))
).pipe(Layer.provideMerge(withDeadLetters), Layer.orDie)

const counter = (metric: Metric.Metric<number, Metric.CounterState<number>>, attributes: Record<string, string>) =>
  Metric.value(Metric.withAttributes(metric, attributes)).pipe(Effect.map((s) => s.count))

/** A handler that records what it saw. */
const recorder = <A>() => {
  const seen: Array<Envelope<A>> = []
  return { seen, handler: (e: Envelope<A>) => Effect.sync(() => void seen.push(e)) }
}

const contract = (it: Vitest.MethodsNonLive<EventBus | SqlClient.SqlClient | AppConfig>) => {
  it.effect("delivers a published event, decoded, with its id, key and time, and acks it", () =>
    Effect.gen(function*() {
      const bus = yield* EventBus
      const t = freshTopic()
      const { handler, seen } = recorder<Fill>()
      yield* bus.subscribe(t, { group: "ledger", handler })
      yield* bus.publish(t, { id: id(t.name, 1), key: "o-1", payload: fill(1), occurredAt: 1_764_000_000_123 })
      yield* eventually("one delivery", Effect.sync(() => seen.length), (n) => n === 1)
      const e = seen[0]!
      assert.deepStrictEqual(
        { id: e.id, topic: e.topic, key: e.key, at: e.occurredAt, payload: e.payload, deliveries: e.deliveries },
        { id: id(t.name, 1), topic: t.name, key: "o-1", at: 1_764_000_000_123, payload: fill(1), deliveries: 1 }
      )
      yield* eventually("the ack", counter(consumedTotal, { topic: t.name, group: "ledger" }), (n) => n === 1)
    }))

  it.effect("keeps publish order for one consumer", () =>
    Effect.gen(function*() {
      const bus = yield* EventBus
      const t = freshTopic()
      const { handler, seen } = recorder<Fill>()
      yield* bus.subscribe(t, { group: "g", handler })
      for (let n = 1; n <= 50; n++) yield* bus.publish(t, { id: id(t.name, n), key: "o", payload: fill(n) })
      yield* eventually("50 deliveries", Effect.sync(() => seen.length), (n) => n === 50)
      assert.deepStrictEqual(seen.map((e) => e.payload.quantity), Array.from({ length: 50 }, (_, i) => i + 1))
    }))

  it.effect("shares a group's events between its consumers and gives every group every event", () =>
    Effect.gen(function*() {
      const bus = yield* EventBus
      const t = freshTopic()
      const a = recorder<Fill>()
      const b = recorder<Fill>()
      const audit = recorder<Fill>()
      // Slow handlers and one event per read, so both consumers of the group get work
      const slow = (h: (e: Envelope<Fill>) => Effect.Effect<void>) => (e: Envelope<Fill>) => Effect.andThen(Effect.sleep("5 millis"), h(e))
      yield* bus.subscribe(t, { group: "risk", handler: slow(a.handler), batchSize: 1 })
      yield* bus.subscribe(t, { group: "risk", handler: slow(b.handler), batchSize: 1 })
      yield* bus.subscribe(t, { group: "audit", handler: audit.handler })
      for (let n = 1; n <= 40; n++) yield* bus.publish(t, { id: id(t.name, n), key: `o-${n % 3}`, payload: fill(n) })
      yield* eventually("40 events in each group", Effect.sync(() => [a.seen.length + b.seen.length, audit.seen.length]), ([r, x]) => r === 40 && x === 40)
      const risk = [...a.seen, ...b.seen].map((e) => e.payload.quantity).sort((x, y) => x - y)
      assert.deepStrictEqual(risk, Array.from({ length: 40 }, (_, i) => i + 1))
      assert.isAbove(a.seen.length, 0)
      assert.isAbove(b.seen.length, 0)
      assert.deepStrictEqual(audit.seen.map((e) => e.payload.quantity), Array.from({ length: 40 }, (_, i) => i + 1))
    }))

  it.effect("dead-letters a payload that does not decode, acks it and keeps consuming", () =>
    Effect.gen(function*() {
      const bus = yield* EventBus
      const sql = yield* SqlClient.SqlClient
      const t = freshTopic()
      const { handler, seen } = recorder<Fill>()
      const source = `bus.${t.name}`
      const before = yield* counter(deadLettersTotal, { source, reason: "Decode" })
      yield* bus.subscribe(t, { group: "g", handler })
      yield* bus.publishWire({ id: id(t.name, 1), topic: t.name, key: "o", at: "1", p: "{not json" })
      yield* bus.publishWire({ id: id(t.name, 2), topic: t.name, key: "o", at: "1", p: JSON.stringify({ orderId: "o", quantity: 1.5, priceMicros: 1 }) })
      yield* bus.publishWire({ id: "", topic: t.name, key: "o", at: "x", p: "{}" })
      yield* bus.publish(t, { id: id(t.name, 4), key: "o", payload: fill(4) })
      yield* eventually("the good event", Effect.sync(() => seen.length), (n) => n === 1)
      assert.strictEqual(seen[0]!.id, id(t.name, 4))
      const letters = yield* eventually(
        "three dead letters",
        sql<{ reason: string; event_id: string | null }>`SELECT reason, context->>'eventId' AS event_id FROM dead_letters WHERE source = ${source} ORDER BY id`,
        (rows) => rows.length === 3
      )
      assert.deepStrictEqual(letters.map((r) => [r.reason, r.event_id]), [["Decode", id(t.name, 1)], ["Decode", id(t.name, 2)], ["Decode", null]])
      assert.strictEqual((yield* counter(deadLettersTotal, { source, reason: "Decode" })) - before, 3)
      // All four were acked: nothing comes back after the reclaim interval
      yield* Effect.sleep("500 millis")
      assert.strictEqual(seen.length, 1)
    }))

  it.effect("redelivers an event whose handler failed, once it has been idle for claimMinIdle", () =>
    Effect.gen(function*() {
      const bus = yield* EventBus
      const t = freshTopic()
      const attempts: Array<number> = []
      yield* bus.subscribe(t, {
        group: "g",
        handler: (e) =>
          Effect.suspend(() => {
            attempts.push(e.deliveries)
            return attempts.length === 1 ? Effect.fail("venue down") : Effect.void
          })
      })
      const redelivered = yield* counter(redeliveriesTotal, { topic: t.name, group: "g" })
      yield* bus.publish(t, { id: id(t.name, 1), key: "o", payload: fill(1) })
      yield* eventually("a second, successful delivery", Effect.sync(() => attempts.length), (n) => n === 2)
      assert.deepStrictEqual(attempts, [1, 2])
      assert.strictEqual((yield* counter(redeliveriesTotal, { topic: t.name, group: "g" })) - redelivered, 1)
      yield* eventually("the ack", counter(consumedTotal, { topic: t.name, group: "g" }), (n) => n === 1)
    }))

  it.effect("dead-letters an event still failing after maxDeliveries", () =>
    Effect.gen(function*() {
      const bus = yield* EventBus
      const sql = yield* SqlClient.SqlClient
      const t = freshTopic()
      const attempts: Array<number> = []
      yield* bus.subscribe(t, { group: "g", handler: (e) => Effect.suspend(() => (attempts.push(e.deliveries), Effect.die("bug"))) })
      yield* bus.publish(t, { id: id(t.name, 1), key: "o", payload: fill(1) })
      const rows = yield* eventually(
        "the dead letter",
        sql<{ reason: string }>`SELECT reason FROM dead_letters WHERE source = ${`bus.${t.name}`}`,
        (r) => r.length === 1
      )
      assert.strictEqual(rows[0]!.reason, "MaxDeliveries")
      assert.deepStrictEqual(attempts, [1, 2, 3])
    }))

  it.effect("a consumer killed mid-batch loses nothing: another consumer reclaims its pending events", () =>
    Effect.gen(function*() {
      const bus = yield* EventBus
      const t = freshTopic()
      const hang = yield* Deferred.make<void>()
      const byA: Array<number> = []
      const byB: Array<Envelope<Fill>> = []
      const scopeA = yield* Scope.make()
      for (let n = 1; n <= 10; n++) yield* bus.publish(t, { id: id(t.name, n), key: "o", payload: fill(n) })
      // A reads all ten in one batch, handles three and hangs on the fourth
      yield* bus.subscribe(t, {
        group: "exec",
        consumer: "victim",
        startFrom: "earliest",
        batchSize: 10,
        drainTimeout: "100 millis",
        handler: (e) => e.payload.quantity === 4 ? Deferred.await(hang) : Effect.sync(() => void byA.push(e.payload.quantity))
      }).pipe(Scope.provide(scopeA))
      yield* eventually("A handling three", Effect.sync(() => byA.length), (n) => n === 3)
      // Kill A: its drain times out on the hung handler and the fiber is interrupted, unacked
      yield* Scope.close(scopeA, Exit.void)
      yield* bus.subscribe(t, { group: "exec", consumer: "rescuer", handler: (e) => Effect.sync(() => void byB.push(e)) })
      yield* eventually("B handling the other seven", Effect.sync(() => byB.length), (n) => n === 7)
      assert.deepStrictEqual(byA, [1, 2, 3])
      assert.deepStrictEqual(byB.map((e) => e.payload.quantity), [4, 5, 6, 7, 8, 9, 10])
      // Each was delivered to A once, then claimed by B
      assert.deepStrictEqual(byB.map((e) => e.deliveries), [2, 2, 2, 2, 2, 2, 2])
      yield* eventually("all ten acked", counter(consumedTotal, { topic: t.name, group: "exec" }), (n) => n === 10)
    }))

  it.effect("drains on close: the batch in hand is handled and acked before the subscription ends", () =>
    Effect.gen(function*() {
      const bus = yield* EventBus
      const t = freshTopic()
      const handled: Array<number> = []
      const scope = yield* Scope.make()
      for (let n = 1; n <= 5; n++) yield* bus.publish(t, { id: id(t.name, n), key: "o", payload: fill(n) })
      // One read takes all five
      yield* bus.subscribe(t, {
        group: "g",
        startFrom: "earliest",
        batchSize: 5,
        handler: (e) => Effect.sleep("40 millis").pipe(Effect.andThen(Effect.sync(() => void handled.push(e.payload.quantity))))
      }).pipe(Scope.provide(scope))
      yield* eventually("the first handled", Effect.sync(() => handled.length), (n) => n >= 1)
      yield* Scope.close(scope, Exit.void)
      assert.deepStrictEqual(handled, [1, 2, 3, 4, 5])
      assert.strictEqual(yield* counter(consumedTotal, { topic: t.name, group: "g" }), 5)
      // A later consumer of the group has nothing left to reclaim
      const again = recorder<Fill>()
      yield* bus.subscribe(t, { group: "g", handler: again.handler })
      yield* Effect.sleep("500 millis")
      assert.strictEqual(again.seen.length, 0)
    }))

  it.effect("consumers deduplicate by event id (in memory and durably in Postgres)", () =>
    Effect.gen(function*() {
      const bus = yield* EventBus
      const sql = yield* SqlClient.SqlClient
      const t = freshTopic()
      const memory: Array<string> = []
      const seen = Dedup.window(1000)
      yield* bus.subscribe(t, { group: "projection", handler: Dedup.deduplicated(seen, (e) => Effect.sync(() => void memory.push(e.id))) })
      yield* sql`CREATE TABLE IF NOT EXISTS dedup_probe (event_id text, quantity int)`
      yield* bus.subscribe(t, {
        group: "ledger",
        handler: Dedup.once("ledger", (e) => sql`INSERT INTO dedup_probe VALUES (${e.id}, ${e.payload.quantity})`.pipe(Effect.asVoid))
      })
      // The same event three times (a relay retried), and another
      for (const n of [1, 1, 1, 2]) yield* bus.publish(t, { id: id(t.name, n), key: "o", payload: fill(n) })
      yield* eventually("both groups done", counter(consumedTotal, { topic: t.name, group: "ledger" }), (n) => n === 4)
      yield* eventually("projection done", counter(consumedTotal, { topic: t.name, group: "projection" }), (n) => n === 4)
      assert.deepStrictEqual(memory, [id(t.name, 1), id(t.name, 2)])
      const rows = yield* sql<{ event_id: string }>`SELECT event_id FROM dedup_probe WHERE event_id LIKE ${`${t.name}:%`} ORDER BY event_id`
      assert.deepStrictEqual(rows.map((r) => r.event_id), [id(t.name, 1), id(t.name, 2)])
      yield* sql`DROP TABLE dedup_probe`
    }))

  it.effect("carries the publisher's trace into the handler's span", () => {
    const spans: Array<Tracer.NativeSpan> = []
    const tracer = Tracer.make({
      span(options) {
        const span = new Tracer.NativeSpan(options)
        spans.push(span)
        return span
      }
    })
    return Effect.gen(function*() {
      const bus = yield* EventBus
      const t = freshTopic()
      const { handler, seen } = recorder<Fill>()
      yield* bus.subscribe(t, { group: "g", handler })
      yield* bus.publish(t, { id: id(t.name, 1), key: "o", payload: fill(1) }).pipe(Effect.withSpan("Execution.recordFill"))
      yield* eventually("the delivery", Effect.sync(() => seen.length), (n) => n === 1)
      const publish = spans.find((s) => s.name === "EventBus.publish")!
      const handle = spans.find((s) => s.name === "EventBus.handle")!
      assert.strictEqual(Option.getOrUndefined(publish.parent)?.spanId, spans.find((s) => s.name === "Execution.recordFill")!.spanId)
      assert.strictEqual(handle.traceId, publish.traceId)
      assert.strictEqual(Option.getOrUndefined(handle.parent)?.spanId, publish.spanId)
      assert.strictEqual(handle.attributes.get("eventId"), id(t.name, 1))
    }).pipe(Effect.provideService(Tracer.Tracer, tracer))
  })

  it.effect("refuses a malformed event id and an unencodable payload before anything is stored", () =>
    Effect.gen(function*() {
      const bus = yield* EventBus
      const t = freshTopic()
      const error = yield* Effect.flip(bus.publish(t, { id: id(t.name, 1), payload: { orderId: "o", quantity: 1.5, priceMicros: 1 } }))
      assert.strictEqual(error.reason._tag, "Encode")
      assert.throws(() => EventId.make(""))
      assert.deepStrictEqual(yield* bus.stored(t.name), [])
    }))
}

describe("EventBus contract", () => {
  layer(memoryBus, { excludeTestServices: true, timeout: "60 seconds" })("in-process", (it) => {
    it.effect("is the in-process implementation", () => Effect.map(EventBus, (bus) => assert.strictEqual(bus.kind, "memory")))
    contract(it)
  })

  layer(redisBus, { excludeTestServices: true, timeout: "60 seconds" })("Redis Streams", (it) => {
    it.effect("is the Redis implementation", () => Effect.map(EventBus, (bus) => assert.strictEqual(bus.kind, "redis")))
    contract(it)
  })
})

