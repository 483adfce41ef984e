/**
 * The bus under Redis faults (issue 16, findings 2, 3 and 5), against a private redis-server this
 * test starts, stalls (through a TCP proxy) and kills:
 *
 * - a publish that was not answered is resolved before it is written again: retried five times
 *   during a stall, the event is in the stream once, and no failure is counted for it;
 * - a relay that died after publishing and before marking its rows (kill -9) leaves no
 *   duplicates: the next relay's first pass finds them on the stream;
 * - Redis restarted without persistence loses its streams: the relay notices (run_id), publishes
 *   again from the outbox everything the consumer group had not acknowledged, and the consumer
 *   gets every event.
 */
import { NodeServices } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Layer, Metric, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { AppConfig } from "../../../src/services/config/AppConfig.ts"
import { migrate } from "../../../src/services/database/Migrations.ts"
import { DeadLetters } from "../../../src/services/DeadLetters.ts"
import { EventBus, eventId, publishFailuresTotal, topic } from "../../../src/services/bus/EventBus.ts"
import { Outbox } from "../../../src/services/bus/Outbox.ts"
import { eventually } from "../../support/Eventually.ts"
import * as FaultProxy from "../../support/FaultProxy.ts"
import * as PrivateServers from "../../support/PrivateServers.ts"
import * as TestDatabase from "../../support/TestDatabase.ts"

const Fill = Schema.Struct({ n: Schema.Int })

const redisServer = (persistence: "aof" | "none") =>
  Effect.acquireRelease(Effect.promise(() => PrivateServers.redis({ persistence })), (r) => Effect.promise(() => r.dispose()))

const proxyTo = (port: number) => Effect.acquireRelease(Effect.promise(() => FaultProxy.start(port)), (p) => Effect.promise(() => p.close()))

const busLayer = (overrides: Record<string, string>) =>
  EventBus.layerRedis.pipe(
    Layer.provideMerge(AppConfig.layerTest({ "bus.streamPrefix": "t:", "bus.block": "100ms", "bus.claimInterval": "200ms", ...overrides })),
    Layer.provideMerge(DeadLetters.layerLog),
    Layer.orDie
  )

const outboxLayer = (overrides: Record<string, string>, relay: boolean) =>
  (relay ? Outbox.layer : Outbox.layerNoRelay).pipe(
    Layer.provideMerge(busLayer(overrides)),
    Layer.provideMerge(Layer.effectDiscard(migrate())),
    Layer.provideMerge(TestDatabase.postgres),
    Layer.provideMerge(NodeServices.layer),
    Layer.orDie
  )

const appendAll = (t: ReturnType<typeof topic<typeof Fill.Type, typeof Fill.Encoded>>, from: number, to: number) =>
  Effect.gen(function*() {
    const outbox = yield* Outbox
    const sql = yield* SqlClient.SqlClient
    for (let n = from; n <= to; n++) yield* sql.withTransaction(outbox.append(t, { id: eventId(t.name, n), key: "k", payload: { n } }))
  })

const countsOf = (stored: ReadonlyArray<{ readonly id: string | undefined }>) => {
  const counts = new Map<string, number>()
  for (const e of stored) counts.set(e.id!, (counts.get(e.id!) ?? 0) + 1)
  return counts
}

describe("bus faults (private Redis)", () => {
  it.live("a publish that was not answered is resolved, never written twice, and not counted as a failure", () =>
    Effect.gen(function*() {
      const server = yield* redisServer("none")
      const proxy = yield* proxyTo(server.port)
      const t = topic("stall", Fill)
      const result = yield* Effect.gen(function*() {
        const bus = yield* EventBus
        const failures = Metric.withAttributes(publishFailuresTotal, { topic: t.name, reason: "Timeout" })
        const failuresBefore = (yield* Metric.value(failures)).count
        proxy.freeze()
        for (let attempt = 0; attempt < 5; attempt++) {
          const exit = yield* Effect.exit(bus.publish(t, { id: eventId("stall", 1), key: "k", payload: { n: 1 } }))
          assert.isTrue(exit._tag === "Failure", "a stalled publish times out")
        }
        proxy.thaw()
        // The sixth attempt succeeds; the five unanswered ones reach Redis too, in order
        yield* bus.publish(t, { id: eventId("stall", 1), key: "k", payload: { n: 1 } })
        yield* bus.publish(t, { id: eventId("stall", 2), key: "k", payload: { n: 2 } })
        yield* Effect.sleep("300 millis")
        return { stored: yield* bus.stored(t.name), failures: (yield* Metric.value(failures)).count - failuresBefore }
      }).pipe(Effect.provide(busLayer({ "redis.url": `redis://127.0.0.1:${proxy.port}`, "bus.publishTimeout": "300ms" })))
      // Before: each unanswered XADD was sent again by the reconnect, and each retry was a new one
      assert.deepStrictEqual(result.stored.map((e) => e.id), [eventId("stall", 1), eventId("stall", 2)])
      assert.strictEqual(result.failures, 0)
    }).pipe(Effect.scoped), 60_000)

  it.live("after a relay died between publishing and marking, the next relay writes nothing twice", () =>
    Effect.gen(function*() {
      const server = yield* redisServer("none")
      const t = topic("crash", Fill)
      const stored = yield* Effect.gen(function*() {
        const bus = yield* EventBus
        const sql = yield* SqlClient.SqlClient
        yield* appendAll(t, 1, 120)
        // What a relay killed mid-batch leaves: 80 rows on the stream, none marked published
        const rows = yield* sql<{ event_id: string; payload: string; at: string }>`
          SELECT event_id, payload, (extract(epoch FROM occurred_at) * 1000)::bigint::text AS at FROM outbox ORDER BY seq LIMIT 80`
        for (const row of rows) yield* bus.publishWire({ id: row.event_id, topic: t.name, key: "k", at: row.at, p: row.payload })
        // The restarted relay
        const outbox = yield* Outbox
        yield* outbox.drain("20 seconds")
        assert.strictEqual(yield* outbox.pending, 0)
        return yield* bus.stored(t.name)
      }).pipe(Effect.provide(outboxLayer({ "redis.url": server.url, "bus.outbox.batchSize": "50" }, false)))
      const counts = countsOf(stored)
      assert.strictEqual(counts.size, 120)
      // Before: the 80 were published again (80 duplicates)
      assert.deepStrictEqual([...counts.values()].filter((n) => n > 1), [])
    }).pipe(Effect.scoped), 60_000)

  it.live("Redis restarted without persistence: everything not acknowledged is published again and consumed", () =>
    Effect.gen(function*() {
      const server = yield* redisServer("none")
      const t = topic("reset", Fill)
      const outcome = yield* Effect.gen(function*() {
        const bus = yield* EventBus
        const sql = yield* SqlClient.SqlClient
        const seen = new Set<number>()
        const open = yield* Deferred.make<void>()
        // The consumer handles 1..10 at once and holds 11.. (pending, unacknowledged) until released
        yield* bus.subscribe(t, {
          group: "audit",
          startFrom: "earliest",
          handler: (e) => (e.payload.n <= 10 ? Effect.void : Deferred.await(open)).pipe(Effect.andThen(Effect.sync(() => void seen.add(e.payload.n))))
        })
        yield* appendAll(t, 1, 20)
        yield* eventually("1..10 consumed", Effect.sync(() => seen.size), (n) => n === 10, "20 seconds")
        // The relay records where the group stopped acknowledging (event 11, pending)
        const entry11 = (yield* bus.stored(t.name)).find((e) => e.id === eventId(t.name, 11))!.entryId
        yield* eventually(
          "the acknowledgement mark",
          sql<{ unacked_from: string }>`SELECT unacked_from FROM bus_stream_marks WHERE topic = ${t.name}`,
          (rows) => rows[0]?.unacked_from === entry11,
          "20 seconds"
        )
        // Redis dies and comes back empty
        yield* Effect.promise(() => server.kill())
        yield* Effect.promise(() => server.start())
        yield* Deferred.succeed(open, undefined)
        yield* eventually("every event consumed", Effect.sync(() => seen.size), (n) => n === 20, "30 seconds")
        const republished = yield* bus.stored(t.name)
        return { seen: [...seen].sort((a, b) => a - b), republished: republished.map((e) => e.id) }
      }).pipe(Effect.provide(outboxLayer({ "redis.url": server.url, "bus.claimMinIdle": "1s" }, true)))
      assert.deepStrictEqual(outcome.seen, Array.from({ length: 20 }, (_, i) => i + 1))
      // Exactly what the group had not acknowledged went out again, once each
      assert.deepStrictEqual(outcome.republished, Array.from({ length: 10 }, (_, i) => eventId(t.name, i + 11)))
    }).pipe(Effect.scoped), 90_000)
})
