/**
 * Non-blocking, conflating publishing for observation events (prices): the caller hands over the
 * newest value of a slot (an outcome's top of book) and returns at once; a background fiber
 * publishes the slots in the order they were first offered. While the bus is slow or down, a
 * newer value of a slot replaces the one still waiting (a superseded top of book is worth nothing
 * to an observer), so the buffer is bounded by the number of slots and a decision never waits on
 * Redis. Failed publishes are retried with backoff; closing the layer publishes what is left
 * within `bus.outbox.drainTimeout`.
 *
 * Events that must not be lost (game states, signals, orders) go through the outbox instead.
 *
 * @since 0.1.0
 */
import { Context, Deferred, Duration, Effect, Exit, Fiber, Layer, Metric, Queue, Result } from "effect"
import type { BusError } from "../../schema/errors/BusError.ts"
import { AppConfig } from "../config/AppConfig.ts"
import { backoff } from "../Backoff.ts"
import { EventBus, type EventInput, type Topic } from "./EventBus.ts"
import { describeFailure } from "../Failure.ts"

/** More slots than this waiting means the bus has been gone long: new slots are dropped, counted. @category constants */
export const MAX_SLOTS = 10_000

/** @category metrics */
export const conflatedTotal = Metric.counter("arbees_bus_fanout_conflated_total", {
  description: "Observation events replaced by a newer value of the same slot before they were published"
})
/** @category metrics */
export const droppedTotal = Metric.counter("arbees_bus_fanout_dropped_total", {
  description: "Observation events dropped because the fan-out buffer was full (the bus was unreachable)"
})
/** @category metrics */
export const waitingGauge = Metric.gauge("arbees_bus_fanout_waiting", { description: "Observation events waiting for the bus" })

interface Waiting {
  readonly publish: Effect.Effect<void, BusError>
}

/** @category services */
export class Fanout extends Context.Service<Fanout, {
  /** Hands over the newest event of `slot`; never waits on the bus */
  readonly offer: <A>(topic: Topic<A>, slot: string, event: EventInput<A>) => Effect.Effect<void>
  /** Events waiting to be published */
  readonly waiting: Effect.Effect<number>
}>()("arbees/services/bus/Fanout") {
  static readonly layer: Layer.Layer<Fanout, never, EventBus | AppConfig> = Layer.effect(
    Fanout,
    Effect.gen(function*() {
      const { config } = yield* AppConfig
      const bus = yield* EventBus
      // Insertion order is publishing order; a replaced slot keeps its place
      const slots = new Map<string, Waiting>()
      const wake = yield* Queue.sliding<void>(1)
      const stopped = Deferred.makeUnsafe<void>()

      const offer = <A>(topic: Topic<A>, slot: string, event: EventInput<A>) =>
        Effect.suspend(() => {
          const key = `${topic.name}\u0000${slot}`
          const replaced = slots.has(key)
          if (!replaced && slots.size >= MAX_SLOTS) return Metric.update(droppedTotal, 1)
          slots.set(key, { publish: bus.publish(topic, event) })
          return (replaced ? Metric.update(conflatedTotal, 1) : Effect.void).pipe(Effect.andThen(Queue.offer(wake, undefined)), Effect.asVoid)
        })

      /** Publishes every waiting slot; stops at the first failure (that slot stays waiting). */
      const flush = Effect.gen(function*() {
        while (slots.size > 0) {
          const [key, waiting] = slots.entries().next().value!
          const result = yield* Effect.result(waiting.publish)
          if (Result.isFailure(result)) return result.failure
          // A newer value may have replaced it while it was being published: keep that one
          if (slots.get(key) === waiting) slots.delete(key)
        }
        yield* Metric.update(waitingGauge, 0)
        return undefined
      })

      const loop = Effect.gen(function*() {
        let failures = 0
        while (true) {
          const failure = yield* flush
          if (failure === undefined) {
            failures = 0
            yield* Queue.take(wake)
            continue
          }
          failures++
          yield* Metric.update(waitingGauge, slots.size)
          if (failures === 1) yield* Effect.logWarning("observation events waiting for the bus").pipe(Effect.annotateLogs({ error: describeFailure(failure) }))
          yield* Effect.sleep(yield* backoff(config.bus.reconnectBase, config.bus.reconnectMax, failures)).pipe(
            Effect.raceFirst(Deferred.await(stopped))
          )
        }
      })
      const fiber = yield* Effect.forkScoped(loop)
      yield* Effect.addFinalizer(() =>
        Effect.gen(function*() {
          Deferred.doneUnsafe(stopped, Exit.void)
          yield* Fiber.interrupt(fiber)
          const left = yield* flush.pipe(Effect.timeoutOption(config.bus.outbox.drainTimeout))
          if (slots.size > 0) {
            yield* Effect.logWarning("observation events not published at shutdown").pipe(
              Effect.annotateLogs({
                waiting: slots.size,
                drainTimeout: Duration.format(config.bus.outbox.drainTimeout),
                left: String(left),
                reason: `the bus did not take them within ${Duration.format(config.bus.outbox.drainTimeout)}`
              })
            )
          }
        })
      )
      return Fanout.of({ offer, waiting: Effect.sync(() => slots.size) })
    })
  )
}
