/**
 * The event bus: typed topics, durable publish, consumer groups, explicit acks, at-least-once
 * delivery.
 *
 * **Contract**
 *
 * - A {@link Topic} names a stream and the Schema of its payload. Every event has a unique
 *   `EventId` and a key (the aggregate it is about: an order, a position, a game).
 * - `publish` returns once the bus holds the event (in-process log, or Redis acknowledged the
 *   `XADD`). The append itself is uninterruptible, so a publish that has started is either
 *   reported or not reported, never half done.
 * - `subscribe` joins a consumer group: consumers in one group compete for events, every group
 *   sees every event. An event is acked only after its handler succeeds. A handler failure leaves
 *   it pending; it is redelivered (to any consumer of the group) once idle for `claimMinIdle`,
 *   and after `maxDeliveries` deliveries it becomes a dead letter.
 * - Delivery is at least once: consumers deduplicate by event id (`Dedup.ts`).
 * - Every payload is decoded with its topic's Schema. One that does not decode (or an entry with
 *   malformed fields, or one trimmed away before it was acked) becomes a dead letter, is acked
 *   so it cannot poison the group, and consumption continues.
 * - Closing a subscription's scope drains it: it stops reading, finishes the batch it holds
 *   (handlers run, acks sent), within `drainTimeout`; whatever is left unacked is redelivered
 *   later, never lost.
 *
 * Money events do not rely on the bus for durability: they are written to the outbox in Postgres
 * with the state change (`Outbox.ts`) and relayed here. Redis is fan-out, never the record.
 *
 * **Implementations** (one consumer loop over `StreamLog`): in-process (`MemoryStreamLog`, the
 * default) and Redis Streams (`RedisStreamLog`, when `redis.url` / `REDIS_URL` is set).
 *
 * @since 0.1.0
 */
import { Cause, Context, Deferred, Duration, Effect, Exit, Fiber, Layer, Metric, Option, Random, Redacted, Result, Schema, type Scope, Tracer } from "effect"
import * as os from "node:os"
import { AppConfig, type Config } from "../config/AppConfig.ts"
import { BusError, Closed, Encode } from "../../schema/errors/BusError.ts"
import { EventId } from "../../schema/Ids.ts"
import { DeadLetters } from "../DeadLetters.ts"
import { backoff } from "../Backoff.ts"
import * as MemoryStreamLog from "./MemoryStreamLog.ts"
import * as RedisStreamLog from "./RedisStreamLog.ts"
import {
  type Appended,
  type AppendedBatch,
  type Delivery,
  type ServerInfo,
  type StartFrom,
  type StreamLog,
  type StreamTail,
  type WireFields,
  WireFieldsSchema
} from "./StreamLog.ts"
import { nowMillis } from "../Time.ts"
import { describeFailure } from "../Failure.ts"
import { isOutage } from "../database/DatabaseGate.ts"
import * as Outage from "../Outage.ts"

// ---------------------------------------------------------------------------
// Topics and events
// ---------------------------------------------------------------------------

/**
 * A stream of events of one type.
 *
 * @category models
 */
export interface Topic<A> {
  readonly name: string
  /** The payload as JSON text */
  readonly codec: Schema.Codec<A, string>
}

const TOPIC_NAME = /^[a-z][a-z0-9._-]{0,63}$/

/**
 * A topic: `name` (lower case, used in the stream key) and the payload's Schema.
 *
 * @category constructors
 */
export const topic = <A, I>(name: string, schema: Schema.Codec<A, I>): Topic<A> => {
  if (!TOPIC_NAME.test(name)) throw new Error(`invalid topic name ${JSON.stringify(name)}`)
  return { name, codec: Schema.fromJsonString(schema) as unknown as Schema.Codec<A, string> }
}

/** What a publisher supplies. @category models */
export interface EventInput<A> {
  readonly id: EventId
  readonly payload: A
  /** The aggregate the event is about; events of one key are published in order */
  readonly key?: string | undefined
  /** Epoch milliseconds; defaults to now */
  readonly occurredAt?: number | undefined
}

/** What a handler receives. @category models */
export interface Envelope<A> {
  readonly id: EventId
  readonly topic: string
  readonly key: string
  readonly occurredAt: number
  readonly payload: A
  /** The stream entry id (Redis `ms-seq`, or `0-seq` in process) */
  readonly entryId: string
  /** 1 on first delivery; more means a redelivery (the handler may have run before) */
  readonly deliveries: number
}

/**
 * An event id from the parts of the logical event (`fill`, `kalshi`, fill id ...), so the same
 * event always gets the same id and a replay deduplicates.
 *
 * @category constructors
 */
export const eventId = (...parts: ReadonlyArray<string | number>): EventId => EventId.make(parts.join(":"))

/**
 * A fresh event id (time + randomness through `Clock` and `Random`) for events without a natural
 * identity.
 *
 * @category constructors
 */
export const randomEventId = (prefix: string): Effect.Effect<EventId> =>
  Effect.gen(function*() {
    const now = yield* nowMillis
    const a = yield* Random.nextIntBetween(0, 2 ** 31 - 1)
    const b = yield* Random.nextIntBetween(0, 2 ** 31 - 1)
    return EventId.make(`${prefix}:${now.toString(36)}-${a.toString(36)}${b.toString(36)}`)
  })

// ---------------------------------------------------------------------------
// Service
// ---------------------------------------------------------------------------

/** @category models */
export interface SubscribeOptions<A, E, R> {
  /** The consumer group: consumers in one group share the work, every group gets every event */
  readonly group: string
  /** Runs once per delivery; the event is acked only when it succeeds */
  readonly handler: (event: Envelope<A>) => Effect.Effect<void, E, R>
  /** This consumer's name in the group; default `bus.consumer` (or `host:pid`), numbered per subscription */
  readonly consumer?: string | undefined
  /** Where a new group starts; an existing group keeps its position. Default `new` */
  readonly startFrom?: StartFrom | undefined
  readonly batchSize?: number | undefined
  /**
   * How many deliveries of one read batch are handled at a time; default 1 (in order). More only
   * for handlers whose effects do not depend on order (each is still acked only when it succeeded)
   */
  readonly concurrency?: number | undefined
  /** How long closing the subscription waits for the batch in flight; default `bus.drainTimeout` */
  readonly drainTimeout?: Duration.Input | undefined
}

/** @category models */
export interface Subscription {
  readonly topic: string
  readonly group: string
  readonly consumer: string
}

/** A retained stream entry, for diagnostics and tests. @category models */
export interface StoredEvent {
  readonly entryId: string
  readonly id: string | undefined
  readonly key: string | undefined
  readonly payload: string | undefined
  /** When it happened (epoch ms), as published */
  readonly at: number | undefined
}

/** @category services */
export class EventBus extends Context.Service<EventBus, {
  readonly kind: "memory" | "redis"
  readonly publish: <A>(topic: Topic<A>, event: EventInput<A>) => Effect.Effect<void, BusError>
  /**
   * Publishes an already encoded event (the outbox relay); `fields.p` is the payload JSON. With
   * `resolve`, or when an earlier publish of the same event id was not answered, it first looks
   * for the event among the stream's newest `resolveLookback` entries and does not write it twice.
   */
  readonly publishWire: (fields: WireFields, options?: { readonly resolve?: boolean }) => Effect.Effect<Appended, BusError>
  /**
   * Publishes encoded events in order, in one round trip (the outbox relay's batch). With
   * `resolve`, or when an earlier publish of one of them was not answered, an event already among
   * its stream's newest `resolveLookback` entries is not written twice. A refused event stops the
   * batch (`failure`; `appended` are those before it); a batch not answered fails.
   */
  readonly publishBatch: (batch: ReadonlyArray<WireFields>, options?: { readonly resolve?: boolean }) => Effect.Effect<AppendedBatch, BusError>
  /** The server's identity and persistence (Redis `run_id`, `appendonly`, `save`) */
  readonly serverInfo: Effect.Effect<ServerInfo, BusError>
  /** The newest id a topic's stream ever generated, `undefined` when the stream does not exist */
  readonly tail: (topic: string) => Effect.Effect<StreamTail, BusError>
  /** The newest entry at or before `entryId` that a topic's stream still holds (see `StreamLog.lastAtOrBefore`) */
  readonly lastAtOrBefore: (topic: string, entryId: string) => Effect.Effect<string | undefined, BusError>
  /** Where a topic's consumer groups stop having acknowledged everything (see `StreamLog.unackedFrom`) */
  readonly unackedFrom: (topic: string) => Effect.Effect<string | undefined, BusError>
  /** Calls `listener` whenever the connection to the server comes back; returns the unregistering function */
  readonly onReconnect: (listener: () => void) => () => void
  readonly subscribe: <A, E, R>(topic: Topic<A>, options: SubscribeOptions<A, E, R>) => Effect.Effect<Subscription, BusError, Scope.Scope | R>
  /** The entries a topic's stream still holds, oldest first */
  readonly stored: (topic: string) => Effect.Effect<ReadonlyArray<StoredEvent>, BusError>
  /** The stream key of a topic (`bus.streamPrefix` + name) */
  readonly streamKey: (topic: string) => string
}>()("arbees/services/bus/EventBus") {
  /** The in-process bus, whatever `redis.url` says. */
  static readonly layerMemory: Layer.Layer<EventBus, never, AppConfig | DeadLetters> = Layer.effect(
    EventBus,
    Effect.gen(function*() {
      const { config } = yield* AppConfig
      return yield* make(MemoryStreamLog.make({ maxLen: config.bus.maxLen }), settingsFrom(config))
    })
  )

  /** Redis Streams at `redis.url`; fails if it is unset or Redis does not answer. */
  static readonly layerRedis: Layer.Layer<EventBus, BusError, AppConfig | DeadLetters> = Layer.effect(
    EventBus,
    Effect.gen(function*() {
      const { config } = yield* AppConfig
      const url = config.redis.url
      const settings = settingsFrom(config)
      if (url === undefined) {
        return yield* new BusError({ reason: new Closed({ operation: "connect: redis.url is not set" }) })
      }
      const log = yield* RedisStreamLog.make({
        url,
        maxLen: config.bus.maxLen,
        commandTimeout: config.bus.publishTimeout,
        connectTimeout: config.bus.connectTimeout,
        reconnectBase: config.bus.reconnectBase,
        reconnectMax: config.bus.reconnectMax,
        connectionName: `arbees:${settings.consumer}`
      })
      yield* Effect.logInfo("event bus on Redis Streams").pipe(
        Effect.annotateLogs({ redis: RedisStreamLog.describeRedisUrl(Redacted.value(url)), streamPrefix: config.bus.streamPrefix })
      )
      // What survives a Redis restart: with nothing persisted, a restart empties every stream
      // (the outbox republishes what consumers had not acknowledged, see Outbox.ts)
      const server = yield* log.serverInfo
      const volatile = server.appendOnly === false && server.snapshots === ""
      yield* (volatile ? Effect.logWarning("Redis persistence: none, so a Redis restart empties every stream") : Effect.logInfo("Redis persistence")).pipe(
        Effect.annotateLogs({
          appendonly: server.appendOnly === undefined ? "unknown (CONFIG unavailable)" : server.appendOnly ? "yes" : "no",
          save: server.snapshots === undefined ? "unknown (CONFIG unavailable)" : server.snapshots === "" ? "(none)" : server.snapshots,
          persistsNothing: volatile
        })
      )
      if (volatile && config.mode === "live" && !config.redis.allowVolatile) {
        return yield* new BusError({
          reason: new Closed({ operation: "connect: Redis persists nothing (appendonly no, save \"\"); enable AOF or snapshots, or set redis.allowVolatile=true for mode=live" })
        })
      }
      return yield* make(log, settings)
    })
  )

  /** Redis Streams when `redis.url` (`REDIS_URL`) is set, otherwise in-process. */
  static readonly layer: Layer.Layer<EventBus, BusError, AppConfig | DeadLetters> = Layer.unwrap(
    Effect.map(AppConfig, ({ config }) => (config.redis.url === undefined ? EventBus.layerMemory : EventBus.layerRedis))
  )
}

/** @category formatting */
export { describeRedisUrl } from "./RedisStreamLog.ts"

// ---------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------

/** @category metrics */
export const publishedTotal = Metric.counter("arbees_bus_published_total", { description: "Events the bus accepted, by topic" })
/** @category metrics */
export const publishFailuresTotal = Metric.counter("arbees_bus_publish_failures_total", {
  description: "Publishes the bus did not accept (known not written), by topic and reason"
})
/** @category metrics */
export const publishUnansweredTotal = Metric.counter("arbees_bus_publish_unanswered_total", {
  description: "Publishes not answered in time (they may have landed; resolved before they are retried), by topic"
})
/** @category metrics */
export const publishResolvedTotal = Metric.counter("arbees_bus_publish_resolved_total", {
  description: "Unanswered publishes resolved on retry, by topic and outcome (landed: it had been written; written: it had not, and was written now)"
})
/** @category metrics */
export const consumedTotal = Metric.counter("arbees_bus_consumed_total", { description: "Events handled and acked, by topic and group" })
/** @category metrics */
export const redeliveriesTotal = Metric.counter("arbees_bus_redeliveries_total", {
  description: "Deliveries of an event delivered before (handler failed, or its consumer died), by topic and group"
})
/** @category metrics */
export const handlerFailuresTotal = Metric.counter("arbees_bus_handler_failures_total", {
  description: "Handler runs that failed; the event stays pending for redelivery"
})
/** @category metrics */
export const consumerErrorsTotal = Metric.counter("arbees_bus_consumer_errors_total", {
  description: "Failed reads, claims or acks of a consumer (retried with backoff)"
})
/** @category metrics */
export const pendingGauge = Metric.gauge("arbees_bus_pending", { description: "Events delivered to a group and not yet acked" })

// ---------------------------------------------------------------------------
// Implementation
// ---------------------------------------------------------------------------

/** The knobs of the consumer loop. @category models */
export interface BusSettings {
  readonly prefix: string
  readonly consumer: string
  readonly batchSize: number
  readonly block: Duration.Duration
  readonly claimMinIdle: Duration.Duration
  readonly claimInterval: Duration.Duration
  readonly maxDeliveries: number
  readonly drainTimeout: Duration.Duration
  readonly retryBase: Duration.Duration
  readonly retryMax: Duration.Duration
}

/** @category constructors */
export const settingsFrom = (config: Config): BusSettings => ({
  prefix: config.bus.streamPrefix,
  consumer: config.bus.consumer ?? `${os.hostname()}:${process.pid}`,
  batchSize: config.bus.batchSize,
  block: config.bus.block,
  claimMinIdle: config.bus.claimMinIdle,
  claimInterval: config.bus.claimInterval,
  maxDeliveries: config.bus.maxDeliveries,
  drainTimeout: config.bus.drainTimeout,
  retryBase: config.bus.reconnectBase,
  retryMax: config.bus.reconnectMax
})

const reasonTag = (e: BusError): string => e.reason._tag

/** Entries a resolving publish looks back through for its event id. @category constants */
export const RESOLVE_LOOKBACK = 2_000

/** Unanswered publishes remembered for resolution; past this the oldest are forgotten. */
const MAX_UNANSWERED = 10_000

/** A publish that failed before it reached the server (nothing written), as opposed to one not answered. */
const neverSent = (e: BusError): boolean =>
  e.reason._tag === "Closed" || e.reason._tag === "Encode" ||
  (e.reason._tag === "Transport" && /isn't writeable|enableOfflineQueue/i.test(e.reason.message))

/**
 * The bus over a stream log. The bus stops accepting publishes when the scope closes.
 *
 * @category constructors
 */
export const make = Effect.fnUntraced(function*(log: StreamLog, settings: BusSettings) {
  const deadLetters = yield* DeadLetters
  let closed = false
  yield* Effect.addFinalizer(() =>
    Effect.sync(() => {
      closed = true
    })
  )
  const streamKey = (name: string) => `${settings.prefix}${name}`
  const consumerNumbers = new Map<string, number>()

  // Event ids whose last publish was not answered: the next publish of each resolves it first
  const unanswered = new Set<string>()

  const publishWire = (fields: WireFields, options?: { readonly resolve?: boolean }) =>
    Effect.suspend(() => {
      if (closed) return Effect.fail(new BusError({ reason: new Closed({ operation: "publish" }) }))
      const topic = { topic: fields.topic }
      const resolving = options?.resolve === true || unanswered.has(fields.id)
      const append: Effect.Effect<Appended, BusError> = resolving
        ? log.appendOnce(streamKey(fields.topic), fields, RESOLVE_LOOKBACK)
        : Effect.map(log.append(streamKey(fields.topic), fields), (entryId) => ({ entryId, existed: false }))
      return Effect.uninterruptible(append).pipe(
        Effect.tap((appended) =>
          Effect.gen(function*() {
            if (unanswered.delete(fields.id)) {
              yield* Metric.update(Metric.withAttributes(publishResolvedTotal, { ...topic, outcome: appended.existed ? "landed" : "written" }), 1)
            }
            if (!appended.existed) yield* Metric.update(Metric.withAttributes(publishedTotal, topic), 1)
          })
        ),
        Effect.tapError((e) => {
          if (neverSent(e)) return Metric.update(Metric.withAttributes(publishFailuresTotal, { ...topic, reason: reasonTag(e) }), 1)
          unanswered.add(fields.id)
          if (unanswered.size > MAX_UNANSWERED) unanswered.delete(unanswered.values().next().value!)
          return Metric.update(Metric.withAttributes(publishUnansweredTotal, topic), 1)
        })
      )
    })

  const publishBatch = (batch: ReadonlyArray<WireFields>, options?: { readonly resolve?: boolean }) =>
    Effect.suspend(() => {
      if (closed) return Effect.fail(new BusError({ reason: new Closed({ operation: "publish" }) }))
      const resolving = options?.resolve === true || batch.some((fields) => unanswered.has(fields.id))
      const entries = batch.map((fields) => ({ stream: streamKey(fields.topic), fields }))
      return Effect.uninterruptible(log.appendBatch(entries, resolving ? RESOLVE_LOOKBACK : undefined)).pipe(
        Effect.tap(({ appended, failure }) =>
          Effect.gen(function*() {
            for (const [i, done] of appended.entries()) {
              const topic = { topic: batch[i]!.topic }
              if (unanswered.delete(batch[i]!.id)) {
                yield* Metric.update(Metric.withAttributes(publishResolvedTotal, { ...topic, outcome: done.existed ? "landed" : "written" }), 1)
              }
              if (!done.existed) yield* Metric.update(Metric.withAttributes(publishedTotal, topic), 1)
            }
            const refused = batch[appended.length]
            if (failure !== undefined && refused !== undefined) {
              yield* Metric.update(Metric.withAttributes(publishFailuresTotal, { topic: refused.topic, reason: reasonTag(failure) }), 1)
            }
          })
        ),
        Effect.tapError((e) =>
          Effect.forEach(batch, (fields) => {
            const topic = { topic: fields.topic }
            if (neverSent(e)) return Metric.update(Metric.withAttributes(publishFailuresTotal, { ...topic, reason: reasonTag(e) }), 1)
            unanswered.add(fields.id)
            if (unanswered.size > MAX_UNANSWERED) unanswered.delete(unanswered.values().next().value!)
            return Metric.update(Metric.withAttributes(publishUnansweredTotal, topic), 1)
          }, { discard: true })
        )
      )
    })

  const publish = Effect.fn("EventBus.publish")(function*<A>(topic: Topic<A>, event: EventInput<A>) {
    const p = yield* Schema.encodeEffect(topic.codec)(event.payload).pipe(
      Effect.mapError((e) => new BusError({ reason: new Encode({ topic: topic.name, message: e.message }) }))
    )
    const at = event.occurredAt ?? (yield* nowMillis)
    const span = yield* Effect.option(Effect.currentSpan)
    yield* Effect.annotateCurrentSpan({ topic: topic.name, eventId: event.id })
    return yield* publishWire({
      id: event.id,
      topic: topic.name,
      key: event.key ?? "",
      at: String(at),
      p,
      ...(Option.isSome(span) ? { tid: span.value.traceId, sid: span.value.spanId } : {})
    })
  })

  const subscribe = <A, E, R>(topic: Topic<A>, options: SubscribeOptions<A, E, R>) =>
    Effect.gen(function*() {
      const context = yield* Effect.context<R>()
      const stream = streamKey(topic.name)
      const group = options.group
      const base = options.consumer ?? settings.consumer
      const numberKey = `${stream}\u0000${group}\u0000${base}`
      const n = (consumerNumbers.get(numberKey) ?? 0) + 1
      consumerNumbers.set(numberKey, n)
      // Numbered in subscription order, so a restarted process gets the same names back and
      // picks up its own pending entries at once
      const consumer = n === 1 ? base : `${base}#${n}`
      const startFrom = options.startFrom ?? "new"
      const batchSize = options.batchSize ?? settings.batchSize
      const drainTimeout = options.drainTimeout === undefined ? settings.drainTimeout : Duration.fromInputUnsafe(options.drainTimeout)
      const attributes = { topic: topic.name, group }
      const consumed = Metric.withAttributes(consumedTotal, attributes)
      const redeliveries = Metric.withAttributes(redeliveriesTotal, attributes)
      const handlerFailures = Metric.withAttributes(handlerFailuresTotal, attributes)
      const consumerErrors = Metric.withAttributes(consumerErrorsTotal, attributes)
      const pending = Metric.withAttributes(pendingGauge, attributes)
      const annotate = Effect.annotateLogs({ topic: topic.name, group, consumer })
      // A handler failing because the database is unreachable is told once per consumer and
      // summarised (every redelivery would otherwise warn); any other failure warns each time
      const handlerOutage = yield* Outage.make({ name: `database (${group} on ${topic.name})`, staleAfter: Duration.minutes(1) })

      yield* log.ensureGroup(stream, group, startFrom)
      const reader = yield* log.reader(stream, group, consumer)
      let stopping = false
      const stopped = Deferred.makeUnsafe<void>()

      const ack = (d: Delivery) =>
        reader.ack([d.entryId]).pipe(
          Effect.retry({ times: 3 }),
          Effect.catch((e) =>
            Metric.update(consumerErrors, 1).pipe(
              Effect.andThen(Effect.logError("ack failed; the event will be redelivered").pipe(Effect.annotateLogs({ entryId: d.entryId, error: describeFailure(e) })))
            )
          )
        )

      const reject = (d: Delivery, reason: string, error: string, id?: string) =>
        deadLetters.record({
          source: `bus.${topic.name}`,
          reason,
          error,
          payload: d.fields === undefined ? undefined : JSON.stringify(d.fields),
          context: { stream, group, consumer, entryId: d.entryId, eventId: id, deliveries: d.deliveries }
        }).pipe(
          Effect.andThen(Effect.logWarning("event dead-lettered").pipe(Effect.annotateLogs({ reason, entryId: d.entryId, eventId: id, error }))),
          Effect.andThen(ack(d))
        )

      const handleOne = (d: Delivery) =>
        Effect.uninterruptibleMask((restore) =>
          Effect.gen(function*() {
            if (d.fields === undefined) {
              return yield* reject(d, "Trimmed", `the entry was trimmed from ${stream} before ${group} acked it`)
            }
            const wire = Schema.decodeUnknownResult(WireFieldsSchema)(d.fields)
            if (Result.isFailure(wire)) return yield* reject(d, "Decode", `malformed bus entry: ${wire.failure.message}`)
            const fields = wire.success
            if (d.deliveries > settings.maxDeliveries) {
              return yield* reject(d, "MaxDeliveries", `delivered ${d.deliveries} times without an ack`, fields.id)
            }
            const payload = Schema.decodeUnknownResult(topic.codec)(fields.p)
            if (Result.isFailure(payload)) return yield* reject(d, "Decode", payload.failure.message, fields.id)
            if (d.deliveries > 1) yield* Metric.update(redeliveries, 1)
            const envelope: Envelope<A> = {
              id: fields.id,
              topic: topic.name,
              key: fields.key,
              occurredAt: fields.at,
              payload: payload.success,
              entryId: d.entryId,
              deliveries: d.deliveries
            }
            const parent = fields.tid !== undefined && fields.sid !== undefined
              ? Tracer.externalSpan({ traceId: fields.tid, spanId: fields.sid })
              : undefined
            // Only the handler may be interrupted: once it has succeeded, the ack is sent
            const exit = yield* restore(options.handler(envelope)).pipe(
              Effect.provideContext(context),
              Effect.withSpan("EventBus.handle", {
                kind: "consumer",
                attributes: { ...attributes, eventId: fields.id, deliveries: d.deliveries },
                ...(parent === undefined ? { root: true } : { parent })
              }, {
                // where it was called from is always this line: not worth a stack capture per event
                captureStackTrace: false
              }),
              Effect.exit
            )
            if (Exit.isSuccess(exit)) {
              yield* ack(d)
              yield* Metric.update(consumed, 1)
              yield* handlerOutage.succeeded
            } else if (!Exit.hasInterrupts(exit)) {
              yield* Metric.update(handlerFailures, 1)
              const error = Cause.squash(exit.cause)
              if (!Cause.hasDies(exit.cause) && isOutage(error)) yield* handlerOutage.failed(error)
              else {
                yield* Effect.logWarning("event handler failed; it will be redelivered", exit.cause).pipe(
                  Effect.annotateLogs({ eventId: fields.id, entryId: d.entryId, deliveries: d.deliveries })
                )
              }
            }
          })
        )

      const concurrency = Math.max(1, options.concurrency ?? 1)
      const handleAll = (batch: ReadonlyArray<Delivery>) => Effect.forEach(batch, handleOne, { discard: true, concurrency })

      // Entries this consumer name held when it last stopped (same name after a restart)
      const recoverOwn = Effect.gen(function*() {
        let cursor = "0"
        while (!stopping) {
          const batch = yield* reader.readOwnPending(cursor, batchSize)
          if (batch.length === 0) return
          yield* handleAll(batch)
          cursor = batch[batch.length - 1]!.entryId
        }
      })

      let nextClaimAt = 0
      const step = Effect.gen(function*() {
        const now = yield* nowMillis
        if (now >= nextClaimAt) {
          nextClaimAt = now + Duration.toMillis(settings.claimInterval)
          yield* handleAll(yield* reader.claim(settings.claimMinIdle, batchSize))
          yield* Metric.update(pending, yield* reader.pending)
        }
        if (stopping) return
        yield* handleAll(yield* reader.readNew(batchSize, settings.block))
      })

      const recovering = (failures: number, cause: Cause.Cause<BusError>) =>
        Effect.gen(function*() {
          yield* Metric.update(consumerErrors, 1)
          const error = Cause.findErrorOption(cause)
          if (failures === 1 || failures % 10 === 0) {
            yield* Effect.logWarning("event bus consumer failed; retrying with backoff", ...(Option.isSome(error) ? [] : [cause])).pipe(
              Effect.annotateLogs({ error: Option.isSome(error) ? describeFailure(error.value) : "defect", failures })
            )
          }
          // The group is gone if Redis lost its data: recreate it from the start of the stream, which
          // now holds only what was written since (the outbox republishes what was lost into it)
          if (Option.isSome(error) && error.value.reason._tag === "Transport" && error.value.reason.message.startsWith("NOGROUP")) {
            yield* log.ensureGroup(stream, group, "earliest").pipe(Effect.ignore)
          }
          yield* Effect.sleep(yield* backoff(settings.retryBase, settings.retryMax, failures)).pipe(Effect.raceFirst(Deferred.await(stopped)))
        })

      // Failures and defects alike are retried with backoff: a consumer never dies quietly
      const loop = Effect.gen(function*() {
        const recovered = yield* Effect.exit(recoverOwn)
        if (Exit.isFailure(recovered) && !Cause.hasInterruptsOnly(recovered.cause)) yield* recovering(1, recovered.cause)
        let failures = 0
        while (!stopping) {
          const exit = yield* Effect.exit(step)
          if (Exit.isSuccess(exit)) failures = 0
          else if (Cause.hasInterruptsOnly(exit.cause)) return
          else yield* recovering(++failures, exit.cause)
        }
      }).pipe(annotate)

      const fiber = yield* Effect.forkScoped(loop)
      // Runs before the fiber is interrupted (finalizers run last-in first-out)
      yield* Effect.addFinalizer(() =>
        Effect.gen(function*() {
          stopping = true
          Deferred.doneUnsafe(stopped, Exit.void)
          yield* reader.unblock
          const drained = yield* Fiber.await(fiber).pipe(Effect.timeoutOption(drainTimeout))
          if (Option.isNone(drained)) {
            yield* Effect.logWarning("consumer did not drain in time; its unacked events will be redelivered").pipe(
              Effect.annotateLogs({ drainTimeout: Duration.format(drainTimeout), reason: `still handling an event after ${Duration.format(drainTimeout)}` }),
              annotate
            )
          }
        })
      )
      return { topic: topic.name, group, consumer } satisfies Subscription
    })

  const stored = (name: string) =>
    log.range(streamKey(name)).pipe(
      Effect.map((entries) =>
        entries.map((e): StoredEvent => ({
          entryId: e.entryId,
          id: e.fields?.["id"],
          key: e.fields?.["key"],
          payload: e.fields?.["p"],
          at: e.fields?.["at"] === undefined ? undefined : Number(e.fields["at"])
        }))
      )
    )

  return EventBus.of({
    kind: log.kind,
    publish: (topic, event) => Effect.asVoid(publish(topic, event)),
    publishWire,
    publishBatch,
    subscribe,
    stored,
    streamKey,
    serverInfo: log.serverInfo,
    tail: (topic) => log.tail(streamKey(topic)),
    lastAtOrBefore: (topic, entryId) => log.lastAtOrBefore(streamKey(topic), entryId),
    unackedFrom: (topic) => log.unackedFrom(streamKey(topic)),
    onReconnect: log.onReady
  })
})
