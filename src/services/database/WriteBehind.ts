/**
 * An ordered write-behind queue: an actor hands over a database write and goes on deciding; one
 * fiber runs the writes in the order they were handed over, each retried with backoff while the
 * database is unreachable (or while a write hangs past its attempt timeout), so an outage delays what is recorded but never stops the actor that
 * records it (and nothing is reordered). Writes must be idempotent (`ON CONFLICT DO NOTHING`,
 * outbox event ids): a write whose commit was cut off is run again.
 *
 * The queue is bounded: past `capacity` the oldest write is dropped and counted. Closing the scope
 * runs what is left within `drainTimeout`.
 *
 * @since 0.1.0
 */
import { Cause, Deferred, Duration, Effect, Exit, Fiber, Metric, Option, Queue, type Scope } from "effect"
import { backoff } from "../Backoff.ts"

/** @category metrics */
export const deferredTotal = Metric.counter("arbees_writes_deferred_total", {
  description: "Database writes that failed and were retried later (the database was unreachable)"
})
/** @category metrics */
export const droppedTotal = Metric.counter("arbees_writes_dropped_total", {
  description: "Queued database writes dropped because the write-behind queue was full, failed for a reason other than the database, or were not done when their owner stopped"
})

/** @category models */
export interface WriteBehindOptions {
  /** Names the queue in logs and metrics */
  readonly name: string
  readonly capacity: number
  readonly retryBase: Duration.Duration
  readonly retryMax: Duration.Duration
  readonly drainTimeout: Duration.Duration
  /** A write that has not finished by then is abandoned and run again (default 10 s): a connection that hangs must not stall the queue */
  readonly attemptTimeout?: Duration.Duration
}

/** @category models */
export interface WriteBehind {
  /** Queues a write; returns at once */
  readonly enqueue: (label: string, write: Effect.Effect<void, unknown>) => Effect.Effect<void>
  /** Writes queued and not yet done */
  readonly pending: () => number
  /** Whether the last write attempt failed (the database is unreachable) */
  readonly failing: () => boolean
}

interface Job {
  readonly label: string
  readonly write: Effect.Effect<void, unknown>
}

/** Whether a write failed because the database was unreachable (worth retrying). */
const retryable = (e: unknown): boolean =>
  typeof e === "object" && e !== null && "_tag" in e && ((e as { _tag: unknown })._tag === "SqlError" || (e as { _tag: unknown })._tag === "TimeoutError")

/**
 * Starts the writer fiber in the current scope.
 *
 * @category constructors
 */
export const make = (options: WriteBehindOptions): Effect.Effect<WriteBehind, never, Scope.Scope> =>
  Effect.gen(function*() {
    const jobs: Array<Job> = []
    const wake = yield* Queue.sliding<void>(1)
    const stopped = Deferred.makeUnsafe<void>()
    const attributes = { queue: options.name }
    const attemptTimeout = options.attemptTimeout ?? Duration.seconds(10)
    let failing = false

    const enqueue = (label: string, write: Effect.Effect<void, unknown>) =>
      Effect.suspend(() => {
        jobs.push({ label, write })
        const overflow = jobs.length > options.capacity ? jobs.splice(0, jobs.length - options.capacity).length : 0
        return (overflow > 0 ? Metric.update(Metric.withAttributes(droppedTotal, attributes), overflow) : Effect.void).pipe(
          Effect.andThen(Queue.offer(wake, undefined)),
          Effect.asVoid
        )
      })

    /**
     * One attempt at a write. Past `attemptTimeout` it is abandoned (interrupted on the side, not
     * awaited: a write stuck where interruption waits, such as the `BEGIN`, `COMMIT` or `ROLLBACK`
     * `withTransaction` runs uninterruptibly, or an interrupted statement draining (up to 5 s),
     * must not hold the queue) and fails with a `TimeoutError`, so it is run again; writes are
     * idempotent, so an abandoned attempt that still lands does no harm.
     */
    const attempt = (write: Effect.Effect<void, unknown>) =>
      Effect.gen(function*() {
        // Started at once, as a write run inline would be: its statements keep their order with
        // other fibers' (the whole-day replay's figures depend on it)
        const fiber = yield* Effect.forkDetach(write, { startImmediately: true })
        const abandon = Effect.asVoid(Effect.forkDetach(Fiber.interrupt(fiber)))
        const exit = yield* Effect.timeoutOption(Fiber.await(fiber), attemptTimeout).pipe(Effect.onInterrupt(() => abandon))
        if (Option.isSome(exit)) return yield* exit.value
        yield* abandon
        return yield* Effect.fail(new Cause.TimeoutError(`not done within ${Duration.format(attemptTimeout)}`))
      })

    /**
     * Runs queued writes in order until the queue is empty or a write fails (it stays first).
     *
     * A write's whole cause is judged, defects included: a transaction whose connection is lost
     * midway (Postgres crashed or restarted) does not fail with the `SqlError`, it dies with it,
     * because `withTransaction` turns the failed `ROLLBACK` on the dead connection into a defect.
     * Judged on its failures only, that write's defect ended this fiber: the queue stopped for good,
     * with nothing logged and every later write pending (the `arbees run` outage findings).
     */
    const runAll = Effect.gen(function*() {
      while (jobs.length > 0) {
        const job = jobs[0]!
        const exit = yield* Effect.exit(attempt(job.write))
        if (Exit.isFailure(exit)) {
          // An interrupted attempt (the pool shutting down) is run again, like a refused one
          const failure = Cause.hasInterruptsOnly(exit.cause) ? new Cause.TimeoutError("interrupted") : Cause.squash(exit.cause)
          if (retryable(failure)) return failure
          yield* Metric.update(Metric.withAttributes(droppedTotal, attributes), 1)
          yield* Effect.logError("write dropped", exit.cause).pipe(Effect.annotateLogs({ queue: options.name, write: job.label, error: String(failure) }))
        }
        if (jobs[0] === job) jobs.shift()
      }
      return undefined
    })

    const loop = Effect.gen(function*() {
      let failures = 0
      while (true) {
        const failure = yield* runAll
        if (failure === undefined) {
          if (failing) {
            failing = false
            yield* Effect.logInfo("deferred writes caught up").pipe(Effect.annotateLogs({ queue: options.name, afterFailures: failures }))
          }
          failures = 0
          yield* Queue.take(wake)
          continue
        }
        failures++
        failing = true
        yield* Metric.update(Metric.withAttributes(deferredTotal, attributes), 1)
        if (failures === 1) {
          yield* Effect.logWarning("database unreachable; writes deferred").pipe(
            Effect.annotateLogs({ queue: options.name, pending: jobs.length, error: String(failure) })
          )
        }
        yield* Effect.sleep(yield* backoff(options.retryBase, options.retryMax, failures)).pipe(Effect.raceFirst(Deferred.await(stopped)))
      }
    })

    const fiber = yield* Effect.forkScoped(loop)
    yield* Effect.addFinalizer(() =>
      Effect.gen(function*() {
        Deferred.doneUnsafe(stopped, Exit.void)
        yield* Fiber.interrupt(fiber)
        yield* runAll.pipe(Effect.timeoutOption(options.drainTimeout))
        if (jobs.length > 0) {
          yield* Metric.update(Metric.withAttributes(droppedTotal, attributes), jobs.length)
          yield* Effect.logWarning("writes not done at shutdown").pipe(
            Effect.annotateLogs({
              queue: options.name,
              pending: jobs.length,
              drainTimeout: Duration.format(options.drainTimeout),
              reason: `not written within ${Duration.format(options.drainTimeout)}`
            })
          )
        }
      })
    )
    return { enqueue, pending: () => jobs.length, failing: () => failing } satisfies WriteBehind
  })
