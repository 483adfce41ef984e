/**
 * The event bus and the outbox, on this machine's real Redis (127.0.0.1:6379) and Postgres
 * (127.0.0.1:5432, a fresh database): sequential publish rate (each publish awaits the bus's
 * acceptance), time for one consumer group to drain what was published, and the outbox's append
 * rate (one transaction per event) and relay rate.
 */
import { Effect, Layer, Schema } from "effect"
import { AppConfig } from "../src/services/config/AppConfig.ts"
import { migrate } from "../src/services/database/Migrations.ts"
import { DeadLetters } from "../src/services/DeadLetters.ts"
import { EventBus, eventId, topic } from "../src/services/bus/EventBus.ts"
import { Outbox } from "../src/services/bus/Outbox.ts"
import { NodeServices } from "@effect/platform-node"
import { SqlClient } from "effect/sql"
import * as TestDatabase from "../test/support/TestDatabase.ts"
import * as TestRedis from "../test/support/TestRedis.ts"
import type { Benchmark } from "./run.ts"

const Fill = topic("bench-fills", Schema.Struct({ orderId: Schema.String, quantity: Schema.Int, priceMicros: Schema.Int }))

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9

/** Publishes `n` events one after another, then lets one group consume them all. */
const publishAndConsume = (n: number) =>
  Effect.gen(function*() {
    const bus = yield* EventBus
    let consumed = 0
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++) {
      yield* bus.publish(Fill, { id: eventId("bench", i), key: `o-${i % 16}`, payload: { orderId: `o-${i % 16}`, quantity: i, priceMicros: 430_000 } })
    }
    const publishSeconds = seconds(t0)
    const t1 = process.hrtime.bigint()
    yield* bus.subscribe(Fill, { group: "bench", startFrom: "earliest", batchSize: 500, handler: () => Effect.sync(() => void consumed++) })
    while (consumed < n) yield* Effect.sleep("2 millis")
    const consumeSeconds = seconds(t1)
    return { publishPerSecond: Math.round(n / publishSeconds), consumePerSecond: Math.round(n / consumeSeconds) }
  }).pipe(Effect.scoped)

const outboxRates = (n: number) =>
  Effect.gen(function*() {
    const outbox = yield* Outbox
    const sql = yield* SqlClient.SqlClient
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++) {
      yield* sql.withTransaction(outbox.append(Fill, { id: eventId("bench-outbox", i), key: `o-${i % 16}`, payload: { orderId: `o-${i % 16}`, quantity: i, priceMicros: 1 } }))
    }
    const appendSeconds = seconds(t0)
    const t1 = process.hrtime.bigint()
    const published = yield* outbox.drain("60 seconds")
    const relaySeconds = seconds(t1)
    return { appendPerSecond: Math.round(n / appendSeconds), relayPerSecond: Math.round(published / relaySeconds) }
  })

const run = Effect.gen(function*() {
  const prefix = yield* TestRedis.prefix
  const database = DeadLetters.layer.pipe(
    Layer.provideMerge(Layer.effectDiscard(migrate())),
    Layer.provideMerge(TestDatabase.postgres),
    Layer.provideMerge(NodeServices.layer)
  )
  const config = (redis: boolean) =>
    AppConfig.layerTest({ "bus.streamPrefix": prefix, "bus.consumer": `${prefix}bench`, ...(redis ? { "redis.url": TestRedis.url } : {}) })
  const memory = yield* publishAndConsume(50_000).pipe(
    Effect.provide(EventBus.layerMemory.pipe(Layer.provide(config(false)), Layer.provide(DeadLetters.layerLog)))
  )
  const redis = yield* publishAndConsume(10_000).pipe(
    Effect.provide(EventBus.layerRedis.pipe(Layer.provide(config(true)), Layer.provide(DeadLetters.layerLog)))
  )
  const outbox = yield* outboxRates(2_000).pipe(
    Effect.provide(Outbox.layerNoRelay.pipe(Layer.provideMerge(EventBus.layerRedis), Layer.provideMerge(config(true)), Layer.provideMerge(database)))
  )
  return { memory, redis, outbox }
}).pipe(Effect.scoped, Effect.orDie)

const bench: Benchmark = {
  name: "bus",
  run: async () => {
    const figures = await Effect.runPromise(run)
    process.stdout.write(
      `in-process: publish ${figures.memory.publishPerSecond.toLocaleString()} /s, consume ${figures.memory.consumePerSecond.toLocaleString()} /s\n` +
        `redis:      publish ${figures.redis.publishPerSecond.toLocaleString()} /s, consume ${figures.redis.consumePerSecond.toLocaleString()} /s\n` +
        `outbox:     append ${figures.outbox.appendPerSecond.toLocaleString()} /s (a transaction each), relay ${figures.outbox.relayPerSecond.toLocaleString()} /s\n`
    )
    return figures
  }
}
export default bench
