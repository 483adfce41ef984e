/**
 * A group writer: rows handed over by concurrent callers are written together, one statement per
 * group, and each caller resumes only when the statement holding its row has committed (or fails
 * with that statement's error). Nothing waits for a group to fill: the writer takes whatever is
 * queued the moment it is free, so an idle writer writes one row at once and a busy one writes
 * many per round trip (group commit). A bus consumer that hands its deliveries over concurrently
 * and acks each only when its row is written therefore loses nothing and costs one round trip per
 * read batch, not per event.
 *
 * Rows must be idempotent to write (`ON CONFLICT DO NOTHING`): a redelivered event writes again.
 *
 * @since 0.1.0
 */
import { Deferred, Effect, Exit, Fiber, Metric, Queue, type Scope } from "effect"

/** @category metrics */
export const rowsTotal = Metric.counter("arbees_group_writer_rows_total", {
  description: "Rows written by a group writer, by writer"
})
/** @category metrics */
export const statementsTotal = Metric.counter("arbees_group_writer_statements_total", {
  description: "Statements a group writer ran (each writes a group of rows), by writer"
})

/** @category models */
export interface GroupWriterOptions<Row, E> {
  /** Names the writer in metrics */
  readonly name: string
  /** The most rows one statement writes */
  readonly maxRows: number
  /** Writes one group, in one statement; never called with an empty group */
  readonly writeRows: (rows: readonly [Row, ...Array<Row>]) => Effect.Effect<void, E>
}

/** @category models */
export interface GroupWriter<Row, E> {
  /** Hands a row over and waits until the statement holding it has committed */
  readonly write: (row: Row) => Effect.Effect<void, E>
}

interface Waiting<Row, E> {
  readonly row: Row
  readonly done: Deferred.Deferred<void, E>
}

/**
 * Starts the writer fiber in the current scope. Closing the scope writes what is still queued.
 *
 * @category constructors
 */
export const make = <Row, E>(options: GroupWriterOptions<Row, E>): Effect.Effect<GroupWriter<Row, E>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const queued: Array<Waiting<Row, E>> = []
    const wake = yield* Queue.sliding<void>(1)
    const rows = Metric.withAttributes(rowsTotal, { writer: options.name })
    const statements = Metric.withAttributes(statementsTotal, { writer: options.name })

    /** Writes one group and answers its callers; never interrupted halfway, so no caller hangs. */
    const writeGroup = Effect.uninterruptible(
      Effect.gen(function*() {
        const group = queued.splice(0, options.maxRows)
        if (group.length === 0) return
        const exit = yield* Effect.exit(options.writeRows(group.map((w) => w.row) as unknown as readonly [Row, ...Array<Row>]))
        yield* Metric.update(statements, 1)
        if (Exit.isSuccess(exit)) yield* Metric.update(rows, group.length)
        for (const w of group) Deferred.doneUnsafe(w.done, exit)
      })
    )
    const writeAll = Effect.whileLoop({ while: () => queued.length > 0, body: () => writeGroup, step: () => {} })

    // Woken by the first row, it lets the callers already running hand theirs over before it takes
    // the group, so a burst does not go out as one lone row followed by the rest
    const fiber = yield* Effect.forkScoped(Effect.forever(Queue.take(wake).pipe(Effect.andThen(Effect.yieldNow), Effect.andThen(writeAll))))
    yield* Effect.addFinalizer(() => Fiber.interrupt(fiber).pipe(Effect.andThen(writeAll)))

    const write = (row: Row): Effect.Effect<void, E> =>
      Effect.suspend(() => {
        const done = Deferred.makeUnsafe<void, E>()
        queued.push({ row, done })
        return Queue.offer(wake, undefined).pipe(Effect.andThen(Deferred.await(done)))
      })
    return { write } satisfies GroupWriter<Row, E>
  })
