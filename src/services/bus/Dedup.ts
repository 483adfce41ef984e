/**
 * Consumer-side deduplication by event id: the bus delivers at least once, so a handler may see
 * an event again (a redelivery after a crash, an outbox row relayed twice).
 *
 * - {@link window}: a bounded in-memory set of recently handled ids, for consumers whose effects
 *   are in memory (a projection, a cache, a fan-out to websockets).
 * - {@link once}: a durable mark in `bus_consumed`, written in the same transaction as the
 *   handler's own database writes, for consumers whose effects are in Postgres. The mark and the
 *   effects commit together or not at all.
 *
 * Either way an id counts as handled only after the handler succeeded, so a failed run is retried.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Metric } from "effect"
import { SqlClient } from "effect/sql"
import type { SqlError } from "effect/sql/SqlError"
import type { EventId } from "../../schema/Ids.ts"
import type { Envelope } from "./EventBus.ts"

/** @category metrics */
export const duplicatesTotal = Metric.counter("arbees_bus_duplicates_total", {
  description: "Deliveries skipped because the event id was already handled, by topic"
})

/** @category models */
export interface SeenWindow {
  readonly has: (id: string) => boolean
  /** Remembers `id`, forgetting the oldest beyond the capacity */
  readonly add: (id: string) => void
  readonly size: () => number
}

/**
 * The last `capacity` handled ids, in memory.
 *
 * @category constructors
 */
export const window = (capacity: number): SeenWindow => {
  const seen = new Set<string>()
  const order: Array<string | undefined> = new Array(capacity)
  let next = 0
  return {
    has: (id) => seen.has(id),
    add: (id) => {
      if (seen.has(id)) return
      const evicted = order[next]
      if (evicted !== undefined) seen.delete(evicted)
      order[next] = id
      next = (next + 1) % capacity
      seen.add(id)
    },
    size: () => seen.size
  }
}

const skip = (topic: string) => Metric.update(Metric.withAttributes(duplicatesTotal, { topic }), 1)

/**
 * Wraps a handler so an event id it already handled (within the window) is skipped.
 *
 * @category combinators
 */
export const deduplicated = <A, E, R>(seen: SeenWindow, handler: (event: Envelope<A>) => Effect.Effect<void, E, R>) =>
(event: Envelope<A>): Effect.Effect<void, E, R> =>
  seen.has(event.id) ? skip(event.topic) : Effect.tap(handler(event), () => Effect.sync(() => seen.add(event.id)))

/**
 * Marks `id` handled by `group`; `true` the first time. Use inside the handler's transaction.
 *
 * @category durable
 */
export const markConsumed = (group: string, id: EventId): Effect.Effect<boolean, SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql<{ readonly one: number }>`INSERT INTO bus_consumed (consumer_group, event_id) VALUES (${group}, ${id})
                                 ON CONFLICT DO NOTHING RETURNING 1 AS one`.pipe(Effect.map((rows) => rows.length === 1)))

/**
 * Wraps a handler so it runs at most once per event id for `group`: the mark in `bus_consumed`
 * and the handler's database writes share one transaction.
 *
 * @category combinators
 */
export const once = <A, E, R>(group: string, handler: (event: Envelope<A>) => Effect.Effect<void, E, R>) =>
(event: Envelope<A>): Effect.Effect<void, E | SqlError, R | SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.withTransaction(
      Effect.flatMap(markConsumed(group, event.id), (first) => (first ? handler(event) : skip(event.topic)))
    ))

/**
 * Deletes marks older than `olderThan` (a redelivery that late is no longer expected).
 *
 * @category durable
 */
export const pruneConsumed = (olderThan: Duration.Duration): Effect.Effect<number, SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql<{ readonly n: number }>`WITH d AS (DELETE FROM bus_consumed WHERE consumed_at < now() - make_interval(secs => ${Duration.toSeconds(olderThan)}) RETURNING 1)
                               SELECT count(*)::int AS n FROM d`.pipe(Effect.map((rows) => rows[0]?.n ?? 0)))
