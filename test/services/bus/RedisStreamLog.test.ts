/**
 * What only the Redis implementation has: the stream layout in Redis, approximate trimming,
 * surviving dropped connections, and entries trimmed away while pending.
 */
import { NodeServices } from "@effect/platform-node"
import { assert, describe, layer } from "@effect/vitest"
import { Deferred, Effect, Exit, Layer, Schema, Scope } from "effect"
import type { Redis } from "ioredis"
import { SqlClient } from "effect/sql"
import { AppConfig } from "../../../src/services/config/AppConfig.ts"
import { DeadLetters } from "../../../src/services/DeadLetters.ts"
import { migrate } from "../../../src/services/database/Migrations.ts"
import { type Envelope, EventBus, eventId, topic } from "../../../src/services/bus/EventBus.ts"
import { eventually } from "../../support/Eventually.ts"
import * as TestDatabase from "../../support/TestDatabase.ts"
import * as TestRedis from "../../support/TestRedis.ts"

const Tick = Schema.Struct({ n: Schema.Int })

const deps = DeadLetters.layer.pipe(
  Layer.provideMerge(Layer.effectDiscard(migrate())),
  Layer.provideMerge(TestDatabase.postgres),
  Layer.provideMerge(NodeServices.layer),
  Layer.orDie
)

const bus = Layer.unwrap(
  Effect.map(TestRedis.prefix, (prefix) =>
    EventBus.layerRedis.pipe(
      Layer.provideMerge(
        AppConfig.layerTest({
          "redis.url": TestRedis.url,
          "bus.streamPrefix": prefix,
          "bus.consumer": `${prefix}c`,
          "bus.maxLen": "100",
          "bus.block": "100ms",
          "bus.claimMinIdle": "200ms",
          "bus.claimInterval": "100ms",
          "bus.reconnectBase": "20ms",
          "bus.reconnectMax": "200ms"
        })
      )
    ))
).pipe(Layer.provideMerge(deps), Layer.orDie)

const withClient = <A>(f: (redis: Redis) => Promise<A>) => Effect.scoped(Effect.flatMap(TestRedis.client, (c) => Effect.promise(() => f(c))))

describe("Redis Streams bus", () => {
  layer(bus, { excludeTestServices: true, timeout: "60 seconds" })((it) => {
    it.effect("stores each event as one entry with its id, key, time and JSON payload, trimmed to about maxLen", () =>
      Effect.gen(function*() {
        const bus = yield* EventBus
        const t = topic("ticks-layout", Tick)
        for (let n = 1; n <= 1000; n++) yield* bus.publish(t, { id: eventId("tick", n), key: "g-1", payload: { n }, occurredAt: 1_000 + n })
        const key = bus.streamKey(t.name)
        const [length, last] = yield* withClient((r) => Promise.all([r.xlen(key), r.xrevrange(key, "+", "-", "COUNT", 1)]))
        // MAXLEN ~ trims whole nodes (100 entries by default): between 100 and 200 remain
        assert.isAtLeast(length, 100)
        assert.isBelow(length, 200)
        const [, fields] = last[0]!
        assert.deepStrictEqual(fields.slice(0, 10), ["id", "tick:1000", "topic", "ticks-layout", "key", "g-1", "at", "2000", "p", "{\"n\":1000}"])
        // The publisher's trace and span, so the consumer's span joins its trace
        assert.deepStrictEqual([fields[10], fields[12]], ["tid", "sid"])
        assert.match(fields[11]!, /^[0-9a-f]{32}$/)
        assert.match(fields[13]!, /^[0-9a-f]{16}$/)
      }))

    it.effect("keeps consuming and publishing after Redis drops every bus connection", () =>
      Effect.gen(function*() {
        const bus = yield* EventBus
        const { config } = yield* AppConfig
        const t = topic("ticks-reconnect", Tick)
        const seen: Array<number> = []
        yield* bus.subscribe(t, { group: "g", handler: (e: Envelope<typeof Tick.Type>) => Effect.sync(() => void seen.push(e.payload.n)) })
        yield* bus.publish(t, { id: eventId("rc", 1), key: "k", payload: { n: 1 } })
        yield* eventually("the first event", Effect.sync(() => seen.length), (n) => n === 1)
        const name = `arbees:${config.bus.consumer}`
        const killed = yield* withClient(async (r) => {
          const list = String(await r.call("CLIENT", ["LIST"]))
          const ids = list.split("\n").filter((l) => l.includes(` name=${name}:`)).map((l) => /id=(\d+)/.exec(l)![1]!)
          for (const id of ids) await r.call("CLIENT", ["KILL", "ID", id])
          return ids.length
        })
        // The command connection and the reader's
        assert.strictEqual(killed, 2)
        for (let n = 2; n <= 5; n++) yield* bus.publish(t, { id: eventId("rc", n), key: "k", payload: { n } })
        yield* eventually("the events after the drop", Effect.sync(() => seen.length), (n) => n === 5)
        assert.deepStrictEqual(seen, [1, 2, 3, 4, 5])
      }))

    it.effect("records a dead letter for a pending event trimmed away before anyone acked it", () =>
      Effect.gen(function*() {
        const bus = yield* EventBus
        const sql = yield* SqlClient.SqlClient
        const t = topic("ticks-trimmed", Tick)
        const hang = yield* Deferred.make<void>()
        const scope = yield* Scope.make()
        let started = 0
        yield* bus.publish(t, { id: eventId("tr", 1), key: "k", payload: { n: 1 } })
        yield* bus.subscribe(t, {
          group: "g",
          consumer: "stuck",
          startFrom: "earliest",
          drainTimeout: "50 millis",
          handler: () => Effect.sync(() => started++).pipe(Effect.andThen(Deferred.await(hang)))
        }).pipe(Scope.provide(scope))
        yield* eventually("the handler started", Effect.sync(() => started), (n) => n === 1)
        yield* Scope.close(scope, Exit.void)
        yield* withClient((r) => r.xtrim(bus.streamKey(t.name), "MAXLEN", 0))
        const rescued: Array<number> = []
        yield* bus.subscribe(t, { group: "g", consumer: "rescuer", handler: (e) => Effect.sync(() => void rescued.push(e.payload.n)) })
        const rows = yield* eventually(
          "the dead letter",
          sql<{ reason: string; entry: string }>`SELECT reason, context->>'entryId' AS entry FROM dead_letters WHERE source = 'bus.ticks-trimmed'`,
          (r) => r.length === 1
        )
        assert.strictEqual(rows[0]!.reason, "Trimmed")
        assert.deepStrictEqual(rescued, [])
        const pending = yield* withClient((r) => r.xpending(bus.streamKey(t.name), "g"))
        assert.strictEqual((pending as [number])[0], 0)
      }))
  })
})
