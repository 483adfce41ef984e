/**
 * The transactional outbox: money events are written to Postgres with the state change they
 * describe, then relayed to the event bus at least once.
 *
 * **Writing.** `append(topic, event)` inserts into `outbox`. Run it inside the state change's
 * `sql.withTransaction`: the event exists if and only if the change committed. Appending an
 * event id that is already there is a no-op (`false`), so replaying a fill is harmless.
 *
 * **Relaying.** The relay publishes unpublished rows in `seq` order and stamps `published_at`,
 * one batch per transaction:
 * - a transaction-level advisory lock lets one relay run at a time across processes, so events
 *   of an aggregate reach the bus in the order they were written (writes to one aggregate are
 *   serialised by its actor and its row locks, so `seq` order is commit order per aggregate);
 * - a batch is published in one round trip (`EventBus.publishBatch`, so a backlog drains at batch
 *   speed, not at one round trip per event), in order; it stops at the first event the bus
 *   refuses and commits what was published, so nothing is published ahead of an earlier event;
 * - a batch is uninterruptible (each publish is bounded by `bus.publishTimeout`): a shutdown never
 *   leaves events published but unmarked, the one source of duplicates besides a crash;
 * - it runs every `bus.outbox.pollInterval`, and sooner when a commit in this process appended
 *   (`afterCommit`) or, on a real Postgres server, another process did (`LISTEN arbees_outbox`);
 *   the embedded database has a single connection, so it only polls.
 *
 * **Shutdown.** The relay finishes its batch, then publishes what is left within
 * `bus.outbox.drainTimeout`. Whatever remains is still in the table and goes out after restart.
 *
 * **Bounded duplicates.** The first pass after start-up and every pass after a failure (of the bus,
 * or of the database under the batch's transaction) publish resolving (`EventBus.publishBatch`
 * with `resolve`): an event already among its stream's newest entries (published by a relay that
 * died, or lost its database, before it marked the row, or by a publish that was not answered) is
 * not written again. Passes go on resolving while every event of a pass proves to be there.
 *
 * **Redis resets.** Each row records the entry id it was published as, and the relay records per
 * topic where the consumer groups had acknowledged up to (`bus_stream_marks`, refreshed when the
 * relay is idle). At start-up and whenever the connection comes back, if the server is a new one
 * (`run_id`) and a topic's stream no longer reaches the last entry we published, every row
 * published from the older of the two marks on is published again. Rows stay in the table for
 * `bus.outbox.retention`.
 *
 * @since 0.1.0
 */
import { PgClient } from "@effect/sql-pg"
import { Cause, Context, Deferred, Duration, Effect, Exit, Fiber, Layer, Metric, Option, Queue, Result, Schema } from "effect"
import { SqlClient } from "effect/sql"
import type { SqlError } from "effect/sql/SqlError"
import { AppConfig } from "../config/AppConfig.ts"
import { BusError, Encode } from "../../schema/errors/BusError.ts"
import { Database } from "../database/Database.ts"
import { backoff } from "../Backoff.ts"
import { pruneConsumed } from "./Dedup.ts"
import { EventBus, type EventInput, type Topic } from "./EventBus.ts"
import { compareEntryIds, nextEntryId, type WireFields } from "./StreamLog.ts"
import { nowMillis } from "../Time.ts"
import { describeFailure } from "../Failure.ts"
import * as Outage from "../Outage.ts"

/** The NOTIFY channel of the insert trigger (migration 0003). @category constants */
export const CHANNEL = "arbees_outbox"

/** An outbox event names its aggregate: its events are relayed in order. @category models */
export interface OutboxEvent<A> extends EventInput<A> {
  readonly key: string
}

/** What one relay pass did. @category models */
export interface RelayPass {
  readonly published: number
  /** A full batch was published: more may be waiting */
  readonly more: boolean
  /** Another relay held the lock; this pass did nothing */
  readonly skipped: boolean
  /** The publish that stopped the batch, if any (the rows before it were committed) */
  readonly failure: BusError | undefined
}

/** @category models */
export interface OutboxSettings {
  readonly pollInterval: Duration.Duration
  readonly batchSize: number
  readonly drainTimeout: Duration.Duration
  readonly retention: Duration.Duration
  readonly retryBase: Duration.Duration
  readonly retryMax: Duration.Duration
}

/** @category metrics */
export const appendedTotal = Metric.counter("arbees_outbox_appended_total", { description: "Events written to the outbox, by topic" })
/** @category metrics */
export const relayedTotal = Metric.counter("arbees_outbox_published_total", { description: "Outbox events the relay published to the bus" })
/** @category metrics */
export const relayFailuresTotal = Metric.counter("arbees_outbox_relay_failures_total", {
  description: "Relay passes that failed (bus or database), retried with backoff"
})
/** @category metrics */
export const republishedTotal = Metric.counter("arbees_outbox_republished_total", {
  description: "Outbox events queued again because the bus server lost them (a Redis reset), by topic"
})
/** @category metrics */
export const pendingGauge = Metric.gauge("arbees_outbox_pending", { description: "Outbox events not yet published" })

const Row = Schema.Struct({
  seq: Schema.String,
  event_id: Schema.String,
  topic: Schema.String,
  aggregate: Schema.String,
  payload: Schema.String,
  at: Schema.String,
  trace_id: Schema.NullOr(Schema.String),
  span_id: Schema.NullOr(Schema.String)
})
const decodeRows = Schema.decodeUnknownEffect(Schema.Array(Row))

/** How often (at most) the relay refreshes the consumer groups' acknowledgement marks. */
const MARK_INTERVAL_MS = 5_000

const toFields = (row: typeof Row.Type): WireFields => ({
  id: row.event_id,
  topic: row.topic,
  key: row.aggregate,
  at: row.at,
  p: row.payload,
  ...(row.trace_id !== null && row.span_id !== null ? { tid: row.trace_id, sid: row.span_id } : {})
})

/** @category services */
export class Outbox extends Context.Service<Outbox, {
  /** Writes the event; run inside the state change's transaction. `false` if its id was already written */
  readonly append: <A>(topic: Topic<A>, event: OutboxEvent<A>) => Effect.Effect<boolean, BusError | SqlError>
  /** Events not yet published */
  readonly pending: Effect.Effect<number, SqlError>
  /** Publishes one batch now (the relay loop runs this) */
  readonly relayOnce: Effect.Effect<RelayPass, SqlError>
  /** Publishes until nothing is left or `timeout` passes; returns how many were published */
  readonly drain: (timeout: Duration.Input) => Effect.Effect<number, SqlError>
  /**
   * Compares the bus server with what the outbox published; if it lost entries (a new server
   * without them), marks those rows unpublished again. Returns how many were.
   */
  readonly reconcile: Effect.Effect<number, SqlError | BusError>
  /** Records where each topic's consumer groups have acknowledged up to */
  readonly markAcknowledged: Effect.Effect<void, SqlError | BusError>
}>()("arbees/services/bus/Outbox") {
  /** Append and relay on demand, no background relay (tests, one-shot commands). */
  static readonly layerNoRelay: Layer.Layer<Outbox, never, SqlClient.SqlClient | EventBus | AppConfig> = Layer.effect(
    Outbox,
    Effect.gen(function*() {
      const { config } = yield* AppConfig
      return (yield* make(settingsFrom(config))).service
    })
  )

  /** Append, plus the relay running in the background until the layer closes (then drained). */
  static readonly layer: Layer.Layer<Outbox, never, SqlClient.SqlClient | EventBus | AppConfig> = Layer.effect(
    Outbox,
    Effect.gen(function*() {
      const { config } = yield* AppConfig
      const settings = settingsFrom(config)
      const made = yield* make(settings)
      yield* runRelay(made, settings)
      return made.service
    })
  )
}

/** @category constructors */
export const settingsFrom = (config: AppConfig["Service"]["config"]): OutboxSettings => ({
  pollInterval: config.bus.outbox.pollInterval,
  batchSize: config.bus.outbox.batchSize,
  drainTimeout: config.bus.outbox.drainTimeout,
  retention: config.bus.outbox.retention,
  retryBase: config.bus.reconnectBase,
  retryMax: config.bus.reconnectMax
})

interface Made {
  readonly service: Outbox["Service"]
  /** Offered (sliding, capacity 1) when there may be work */
  readonly wake: Queue.Queue<void>
}

const make = Effect.fnUntraced(function*(settings: OutboxSettings) {
  const sql = yield* SqlClient.SqlClient
  const bus = yield* EventBus
  const wake = yield* Queue.sliding<void>(1)
  const wakeRelay = Queue.offer(wake, undefined).pipe(Effect.asVoid)

  const append = Effect.fn("Outbox.append")(function*<A>(topic: Topic<A>, event: OutboxEvent<A>) {
    const payload = yield* Schema.encodeEffect(topic.codec)(event.payload).pipe(
      Effect.mapError((e) => new BusError({ reason: new Encode({ topic: topic.name, message: e.message }) }))
    )
    const at = event.occurredAt ?? (yield* nowMillis)
    const span = yield* Effect.option(Effect.currentSpan)
    const traceId = Option.isSome(span) ? span.value.traceId : null
    const spanId = Option.isSome(span) ? span.value.spanId : null
    yield* Effect.annotateCurrentSpan({ topic: topic.name, eventId: event.id, aggregate: event.key })
    const rows = yield* sql`INSERT INTO outbox (event_id, topic, aggregate, payload, occurred_at, trace_id, span_id)
                            VALUES (${event.id}, ${topic.name}, ${event.key}, ${payload}, ${new Date(at).toISOString()}::timestamptz, ${traceId}, ${spanId})
                            ON CONFLICT (event_id) DO NOTHING RETURNING seq`
    if (rows.length === 0) return false
    yield* Metric.update(Metric.withAttributes(appendedTotal, { topic: topic.name }), 1)
    // After the caller's commit (or now, outside a transaction): the relay need not wait for its poll
    yield* sql.afterCommit(wakeRelay)
    return true
  })

  const pending = sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`.pipe(
    Effect.map((rows) => rows[0]?.n ?? 0)
  )

  const anyPending = sql`SELECT 1 FROM outbox WHERE published_at IS NULL LIMIT 1`.pipe(Effect.map((rows) => rows.length > 0))

  // The first pass, and every pass after a failure, resolves what may already be on the bus
  let resolveNext = true
  let lastRunId: string | undefined
  // The newest entry this relay published per topic, and a copy taken when the connection comes
  // back: a reset is judged on what went to the old server, never on what the relay (or Redis
  // flushing its offline queue) already wrote to the new one
  const newest = new Map<string, string>()
  let beforeReconnect: ReadonlyMap<string, string> | undefined
  const forgetReconnect = bus.onReconnect(() => {
    beforeReconnect = new Map(newest)
  })
  yield* Effect.addFinalizer(() => Effect.sync(forgetReconnect))

  const batch = sql.withTransaction(
    Effect.gen(function*() {
      const [lock] = yield* sql<{ readonly locked: boolean }>`SELECT pg_try_advisory_xact_lock(hashtext('arbees.outbox.relay')) AS locked`
      if (lock?.locked !== true) return { published: 0, more: false, skipped: true, failure: undefined } satisfies RelayPass
      // `outbox.seq`, not the text alias: ordering by the alias would put 10 before 2
      const rows = yield* sql`SELECT seq::text AS seq, event_id, topic, aggregate, payload,
                                     (extract(epoch FROM occurred_at) * 1000)::bigint::text AS at, trace_id, span_id
                                FROM outbox WHERE published_at IS NULL ORDER BY outbox.seq LIMIT ${settings.batchSize}`.pipe(
        Effect.flatMap(decodeRows),
        Effect.orDie
      )
      // The whole batch in one round trip, in order, up to the first event the bus refuses
      const result = yield* Effect.result(bus.publishBatch(rows.map(toFields), { resolve: resolveNext }))
      const appended = Result.isSuccess(result) ? result.success.appended : []
      const failure = Result.isSuccess(result) ? result.success.failure : result.failure
      const published = appended.map((a, i) => ({ seq: rows[i]!.seq, entry_id: a.entryId }))
      appended.forEach((a, i) => newest.set(rows[i]!.topic, a.entryId))
      // Keep resolving while everything proved to be on the bus already
      resolveNext = failure !== undefined || (resolveNext && appended.length > 0 && appended.every((a) => a.existed))
      if (published.length > 0) {
        yield* sql`UPDATE outbox SET published_at = now(), entry_id = v.entry_id
                     FROM jsonb_to_recordset(${JSON.stringify(published)}::jsonb) AS v(seq bigint, entry_id text)
                    WHERE outbox.seq = v.seq`
      }
      return { published: published.length, more: failure === undefined && rows.length === settings.batchSize, skipped: false, failure } satisfies RelayPass
    })
  )

  const relayOnce = Effect.fn("Outbox.relayOnce")(function*() {
    if (!(yield* anyPending)) return { published: 0, more: false, skipped: false, failure: undefined } satisfies RelayPass
    // A batch runs to its end: rows published are marked in the same transaction. If the
    // transaction failed (the database went away), what it published is on the bus unmarked: the
    // next pass resolves it rather than writing it again
    const pass = yield* Effect.uninterruptible(batch).pipe(
      Effect.onError(() =>
        Effect.sync(() => {
          resolveNext = true
        })
      )
    )
    if (pass.published > 0) yield* Metric.update(relayedTotal, pass.published)
    // Counting what is pending reads every pending row: not after each pass of a backlog, only
    // once the relay has caught up (or stopped on a failure)
    if (pass.published > 0 && !pass.more) yield* Metric.update(pendingGauge, yield* pending)
    return pass
  })

  const drain = Effect.fn("Outbox.drain")(function*(timeout: Duration.Input) {
    let total = 0
    const loop = Effect.gen(function*() {
      while (true) {
        const pass = yield* relayOnce()
        total += pass.published
        if (pass.failure !== undefined) return yield* Effect.fail(pass.failure)
        if (!pass.more && !pass.skipped && pass.published === 0) return
        if (pass.skipped) yield* Effect.sleep("50 millis")
      }
    })
    const outcome = yield* loop.pipe(Effect.timeoutOption(timeout), Effect.result)
    if (Result.isFailure(outcome)) {
      // Named for what failed: a bus that refused a publish, or the database under the outbox
      const failure = outcome.failure
      const bus = failure._tag === "BusError"
      yield* Effect.logWarning(`outbox drain stopped: ${bus ? "the event bus refused a publish" : "the database failed"}; the rest goes out after restart`).pipe(
        Effect.annotateLogs({ reason: describeFailure(failure), publishedBeforeIt: total })
      )
    } else if (Option.isNone(outcome.success)) {
      yield* Effect.logWarning("outbox drain did not finish in time; the rest goes out after restart").pipe(
        Effect.annotateLogs({
          timeout: Duration.format(Duration.fromInputUnsafe(timeout)),
          publishedBeforeIt: total,
          reason: `not done within ${Duration.format(Duration.fromInputUnsafe(timeout))}`
        })
      )
    }
    return total
  })

  /** `ms-seq` as a comparable row value in SQL. */
  const entryKey = (column: string) => sql.unsafe(`(split_part(${column}, '-', 1)::numeric, split_part(${column}, '-', 2)::numeric)`)
  const parts = (id: string) => id.split("-").map((p) => p === "" ? "0" : p)

  const reconcile = Effect.gen(function*() {
    const info = yield* bus.serverInfo
    if (info.runId === lastRunId) return 0
    lastRunId = info.runId
    // After a reconnect: what this relay sent before it. At start-up: the record
    const sent = beforeReconnect
    beforeReconnect = undefined
    const lastPublished = sent !== undefined && sent.size > 0
      ? [...sent].map(([topic, entry_id]) => ({ topic, entry_id }))
      : yield* sql<{ topic: string; entry_id: string }>`
      SELECT DISTINCT ON (topic) topic, entry_id FROM outbox WHERE entry_id IS NOT NULL ORDER BY topic, seq DESC`
    let requeued = 0
    for (const { topic, entry_id } of lastPublished) {
      // Is the last entry we published still there? Not "is the stream's last id at least as new":
      // a publish queued during the outage may already have written newer entries to the empty,
      // restarted server (the chaos suite's Redis-without-persistence scenario lost 308 events so)
      const kept = yield* bus.lastAtOrBefore(topic, entry_id)
      if (kept === entry_id) continue
      // The stream lost entries: publish again from where its consumers had not acknowledged
      // everything, or from after what the restored stream still has, whichever is older
      const [mark] = yield* sql<{ unacked_from: string }>`SELECT unacked_from FROM bus_stream_marks WHERE topic = ${topic}`
      const tail = yield* bus.tail(topic)
      const candidates = [mark?.unacked_from, kept === undefined ? undefined : nextEntryId(kept)].filter((x): x is string => x !== undefined)
      const from = candidates.length === 0 ? undefined : candidates.reduce((a, b) => (compareEntryIds(a, b) <= 0 ? a : b))
      const [ms, seq] = from === undefined ? ["0", "0"] : parts(from)
      // Up to the last entry sent to the old server: what a batch in flight at the reconnect
      // published to the new one is there, and publishing it again would duplicate a whole batch
      const [lastMs, lastSeq] = parts(entry_id)
      const rows = yield* sql<{ n: number }>`
        WITH requeued AS (
          UPDATE outbox SET published_at = NULL, entry_id = NULL
           WHERE topic = ${topic} AND entry_id IS NOT NULL AND ${entryKey("entry_id")} >= (${ms}::numeric, ${seq}::numeric)
             AND ${entryKey("entry_id")} <= (${lastMs}::numeric, ${lastSeq}::numeric)
          RETURNING 1)
        SELECT count(*)::int AS n FROM requeued`
      const n = rows[0]?.n ?? 0
      requeued += n
      yield* Metric.update(Metric.withAttributes(republishedTotal, { topic }), n)
      yield* Effect.logWarning("the bus lost published events; publishing them again from the outbox").pipe(
        Effect.annotateLogs({
          topic,
          republishing: n,
          streamLastId: tail?.lastId ?? "(no stream)",
          lastPublished: entry_id,
          from: from ?? "(all retained)",
          reason: `the stream no longer holds the last published entry ${entry_id} (Redis restarted without it, or it was trimmed)`
        })
      )
    }
    if (requeued > 0) resolveNext = true
    return requeued
  })

  const markAcknowledged = Effect.gen(function*() {
    if (lastRunId === undefined) return
    const topics = yield* sql<{ topic: string }>`SELECT DISTINCT topic FROM outbox WHERE entry_id IS NOT NULL`
    for (const { topic } of topics) {
      const from = yield* bus.unackedFrom(topic)
      if (from === undefined) continue
      yield* sql`INSERT INTO bus_stream_marks (topic, unacked_from, run_id) VALUES (${topic}, ${from}, ${lastRunId})
                 ON CONFLICT (topic) DO UPDATE SET unacked_from = excluded.unacked_from, run_id = excluded.run_id, updated_at = now()`
    }
  })

  return {
    service: Outbox.of({ append, pending, relayOnce: relayOnce(), drain, reconcile, markAcknowledged }),
    wake
  } satisfies Made
})

/** Forks the relay loop in the current scope; closing the scope stops it and drains the outbox. */
const runRelay = Effect.fnUntraced(function*(made: Made, settings: OutboxSettings) {
  const { service, wake } = made
  const stopped = Deferred.makeUnsafe<void>()
  const untilStopped = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.raceFirst(Effect.asVoid(effect), Deferred.await(stopped))

  // Other processes' commits, on a real server only (LISTEN holds a connection; PGlite has one)
  const database = yield* Effect.serviceOption(Database)
  const pg = yield* Effect.serviceOption(PgClient.PgClient)
  if (Option.isSome(pg) && Option.isSome(database) && database.value.kind === "postgres") {
    // Told once and summarised while it keeps failing: the relay polls meanwhile
    const listenOutage = yield* Outage.make({
      name: "outbox notifications (LISTEN)",
      staleAfter: Duration.minutes(1),
      whenStale: `the relay polls every ${Duration.format(settings.pollInterval)} until they are back`
    })
    const listen = Effect.scoped(
      Effect.gen(function*() {
        const notifications = yield* pg.value.listen(CHANNEL)
        yield* listenOutage.succeeded
        while (true) {
          yield* Queue.take(notifications)
          yield* Queue.offer(wake, undefined)
        }
      })
    )
    yield* listen.pipe(
      Effect.catch((e) => listenOutage.failed(e)),
      Effect.andThen(Effect.sleep(settings.retryMax)),
      Effect.forever,
      Effect.forkScoped
    )
  }

  let lastPrune = 0
  const prune = Effect.gen(function*() {
    const now = yield* nowMillis
    if (now - lastPrune < 3_600_000) return
    lastPrune = now
    const sql = yield* SqlClient.SqlClient
    yield* sql`DELETE FROM outbox WHERE published_at < now() - make_interval(secs => ${Duration.toSeconds(settings.retention)})`
    yield* pruneConsumed(settings.retention)
  }).pipe(Effect.catch((e) => Effect.logWarning("outbox prune failed").pipe(Effect.annotateLogs({ error: describeFailure(e) }))))

  // The connection came back: look for a reset at once, and publish without waiting out a backoff
  const bus = yield* EventBus
  // The in-process bus never outlives the process: there is nothing to reconcile with
  let reconnected = bus.kind === "redis"
  const back = yield* Queue.sliding<void>(1)
  const unregister = bus.onReconnect(() => {
    reconnected = true
    Queue.offerUnsafe(back, undefined)
    Queue.offerUnsafe(wake, undefined)
  })
  yield* Effect.addFinalizer(() => Effect.sync(unregister))

  let lastMark = 0
  const mark = Effect.gen(function*() {
    const now = yield* nowMillis
    if (now - lastMark < MARK_INTERVAL_MS) return
    lastMark = now
    yield* service.markAcknowledged
  }).pipe(Effect.catch((e) => Effect.logWarning("could not record the consumers' acknowledgements").pipe(Effect.annotateLogs({ error: describeFailure(e) }))))

  // Failures and defects alike are retried with backoff: the relay never dies quietly
  const loop = Effect.gen(function*() {
    let failures = 0
    // Stopping ends the loop where it waits, never inside a statement (see the finalizer)
    while (!Deferred.isDoneUnsafe(stopped)) {
      if (reconnected) {
        reconnected = false
        const checked = yield* Effect.exit(service.reconcile)
        if (Exit.isFailure(checked)) {
          if (Cause.hasInterruptsOnly(checked.cause)) return
          yield* Effect.logWarning("could not compare the bus with the outbox; trying again").pipe(Effect.annotateLogs({ error: describeFailure(checked.cause) }))
          // Try again on the next pass
          reconnected = true
        }
      }
      const exit = yield* Effect.exit(service.relayOnce)
      if (Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)) return
      const pass = Exit.isSuccess(exit) ? exit.value : undefined
      if (pass === undefined || pass.failure !== undefined) {
        failures++
        yield* Metric.update(relayFailuresTotal, 1)
        if (failures === 1 || failures % 10 === 0) {
          // Never an empty reason: the bus's refusal, or the database's failure, named
          const error = describeFailure(pass?.failure ?? (Exit.isFailure(exit) ? exit.cause : undefined))
          yield* Effect.logWarning("outbox relay failed; retrying with backoff").pipe(Effect.annotateLogs({ error, failures }))
        }
        // A reconnect wakes the relay early: the backlog goes out as soon as the bus is back
        yield* untilStopped(Queue.take(back).pipe(Effect.timeoutOption(yield* backoff(settings.retryBase, settings.retryMax, failures))))
        continue
      }
      failures = 0
      if (!pass.more) {
        yield* mark
        yield* prune
        yield* untilStopped(Queue.take(wake).pipe(Effect.timeoutOption(settings.pollInterval)))
      }
    }
  })

  const fiber = yield* Effect.forkScoped(loop)
  yield* Effect.addFinalizer(() =>
    Effect.gen(function*() {
      Deferred.doneUnsafe(stopped, Exit.void)
      // The loop returns at its next wait; a pass in flight finishes first. It is not interrupted
      // unless it overstays the drain timeout: interrupting a statement on the single embedded
      // connection made the driver cancel it over a second connection, which the embedded server
      // refuses, and the connection closed under the drain below (a false "bus failure" warning)
      yield* Fiber.await(fiber).pipe(Effect.timeoutOption(settings.drainTimeout))
      yield* Fiber.interrupt(fiber)
      const published = yield* service.drain(settings.drainTimeout).pipe(Effect.orElseSucceed(() => 0))
      const left = yield* service.pending.pipe(Effect.option)
      yield* Effect.logInfo("outbox relay stopped").pipe(
        Effect.annotateLogs({ publishedAtShutdown: published, pending: Option.getOrElse(left, () => -1) })
      )
    })
  )
})
