/**
 * The storage under the event bus: an append-only log per topic with consumer groups, modelled
 * on Redis Streams. `EventBus` runs one consumer loop over this interface, so the in-process log
 * (`MemoryStreamLog`) and Redis (`RedisStreamLog`) share every rule above it: decoding, dead
 * letters, acks, redelivery limits and draining.
 *
 * Semantics both implementations keep:
 * - `append` returns once the entry is in the log; entries get increasing ids.
 * - A group reads each entry once (`readNew`); readers in one group compete, groups fan out.
 * - A delivered entry stays pending for its group until acked; `claim` hands entries idle longer
 *   than `minIdle` to the claimer (a consumer that died keeps nothing), counting a delivery.
 * - Trimming (`maxLen`) may delete entries still pending: they come back with `fields` undefined,
 *   so the caller can record the loss.
 *
 * @since 0.1.0
 */
import type { Duration, Effect, Scope } from "effect"
import { Schema } from "effect"
import type { BusError } from "../../schema/errors/BusError.ts"
import { EventId } from "../../schema/Ids.ts"

/**
 * One event as stored in a stream entry: flat text fields, the same in both logs.
 *
 * @category models
 */
export interface WireFields {
  /** The event id (consumers deduplicate by it) */
  readonly id: string
  readonly topic: string
  /** Ordering key: the aggregate (order, position, game) the event is about */
  readonly key: string
  /** When the event happened, epoch milliseconds, decimal */
  readonly at: string
  /** The payload, JSON encoded by the topic's schema */
  readonly p: string
  /** W3C trace and span id of the publisher, so a consumer's span joins the trace */
  readonly tid?: string
  readonly sid?: string
}

/** Decodes the fields of an entry. @category schemas */
export const WireFieldsSchema = Schema.Struct({
  id: EventId,
  topic: Schema.NonEmptyString,
  key: Schema.String,
  at: Schema.NumberFromString.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(0)),
  p: Schema.String,
  tid: Schema.optionalKey(Schema.String),
  sid: Schema.optionalKey(Schema.String)
})

/** `{ a: "1", b: "2" }` → `["a", "1", "b", "2"]` (the XADD argument order). @category encoding */
export const flattenFields = (fields: Readonly<Record<string, string>>): Array<string> => {
  const out: Array<string> = []
  for (const [k, v] of Object.entries(fields)) out.push(k, v)
  return out
}

/** `["a", "1", "b", "2"]` → `{ a: "1", b: "2" }`. @category encoding */
export const fieldsFromFlat = (flat: ReadonlyArray<string>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!
  return out
}

/**
 * A stream entry handed to one consumer.
 *
 * @category models
 */
export interface Delivery {
  readonly entryId: string
  /** `undefined` when the entry was trimmed from the stream while it was pending */
  readonly fields: Readonly<Record<string, string>> | undefined
  /** How many times the entry has been delivered to the group, this time included */
  readonly deliveries: number
}

/** Where a new group starts reading. @category models */
export type StartFrom = "new" | "earliest"

/**
 * One consumer's handle on one stream and group.
 *
 * @category models
 */
export interface StreamReader {
  /** Entries delivered to this consumer name earlier and not acked (after a restart), after `cursor` */
  readonly readOwnPending: (cursor: string, count: number) => Effect.Effect<ReadonlyArray<Delivery>, BusError>
  /** Entries no consumer of the group has seen, waiting up to `block` for the first */
  readonly readNew: (count: number, block: Duration.Duration) => Effect.Effect<ReadonlyArray<Delivery>, BusError>
  /** Takes over entries pending longer than `minIdle`, whoever holds them */
  readonly claim: (minIdle: Duration.Duration, count: number) => Effect.Effect<ReadonlyArray<Delivery>, BusError>
  readonly ack: (entryIds: ReadonlyArray<string>) => Effect.Effect<void, BusError>
  /** Entries delivered to the group and not acked, all consumers together */
  readonly pending: Effect.Effect<number, BusError>
  /** Makes a `readNew` that is waiting return now (empty), so a stopping consumer need not wait out `block` */
  readonly unblock: Effect.Effect<void>
}

/** What an idempotent append found. @category models */
export interface Appended {
  readonly entryId: string
  /** The event was already in the stream (an earlier append that was not answered had landed) */
  readonly existed: boolean
}

/** One entry of an `appendBatch`. @category models */
export interface BatchEntry {
  readonly stream: string
  readonly fields: WireFields
}

/** What an `appendBatch` did: the entries before the first refusal, and the refusal. @category models */
export interface AppendedBatch {
  readonly appended: ReadonlyArray<Appended>
  readonly failure: BusError | undefined
}

/** The server behind the log and what it keeps across a restart. @category models */
export interface ServerInfo {
  /** Changes whenever the server restarts (Redis `run_id`) */
  readonly runId: string
  /** Append-only file on */
  readonly appendOnly: boolean | undefined
  /** RDB snapshot rules (`save`), empty when snapshots are off */
  readonly snapshots: string | undefined
}

/** The newest entry a stream has ever had, or `undefined` when the stream does not exist. @category models */
export type StreamTail = { readonly lastId: string; readonly length: number } | undefined

/**
 * A log of streams with consumer groups.
 *
 * @category models
 */
export interface StreamLog {
  readonly kind: "memory" | "redis"
  /** Appends an entry, trimming the stream to about `maxLen`; returns the entry id */
  readonly append: (stream: string, fields: WireFields) => Effect.Effect<string, BusError>
  /**
   * Appends unless an entry with the same event id is among the stream's newest `lookback`
   * entries, in one atomic step: resolves an append that was not answered without writing twice.
   */
  readonly appendOnce: (stream: string, fields: WireFields, lookback: number) => Effect.Effect<Appended, BusError>
  /**
   * Appends the entries in order, in one atomic step (one round trip to Redis); with `lookback`,
   * an entry whose event id is among its stream's newest `lookback` entries is not written again
   * (`existed`). Stops at the first entry the server refuses (`failure`): `appended` are the
   * entries before it. Fails (nothing known) when the server did not answer.
   */
  readonly appendBatch: (entries: ReadonlyArray<BatchEntry>, lookback: number | undefined) => Effect.Effect<AppendedBatch, BusError>
  /** The server's identity and persistence settings (`undefined` parts when it will not say) */
  readonly serverInfo: Effect.Effect<ServerInfo, BusError>
  /** The last id a stream ever generated and its length, `undefined` when the stream does not exist */
  readonly tail: (stream: string) => Effect.Effect<StreamTail, BusError>
  /**
   * The id of the newest entry at or before `entryId` that the stream still holds, `undefined`
   * when it holds none (or does not exist): `entryId` itself when that entry is still there.
   */
  readonly lastAtOrBefore: (stream: string, entryId: string) => Effect.Effect<string | undefined, BusError>
  /**
   * The id from which some consumer group of the stream has not acknowledged everything: its
   * oldest pending entry, or the successor of its last delivered one. `undefined` without groups.
   */
  readonly unackedFrom: (stream: string) => Effect.Effect<string | undefined, BusError>
  /** Calls `listener` each time the connection comes (back) up; returns the unregistering function */
  readonly onReady: (listener: () => void) => () => void
  /** Creates the group if it does not exist; an existing group keeps its position */
  readonly ensureGroup: (stream: string, group: string, from: StartFrom) => Effect.Effect<void, BusError>
  /** A reader for `consumer` in `group`; released with the scope */
  readonly reader: (stream: string, group: string, consumer: string) => Effect.Effect<StreamReader, BusError, Scope.Scope>
  /** All entries of a stream, oldest first (diagnostics and tests) */
  readonly range: (stream: string) => Effect.Effect<ReadonlyArray<Delivery>, BusError>
}

/** Orders two stream entry ids (`ms-seq`). @category encoding */
export const compareEntryIds = (a: string, b: string): number => {
  const [am = "0", as = "0"] = a.split("-")
  const [bm = "0", bs = "0"] = b.split("-")
  const ms = BigInt(am) - BigInt(bm)
  if (ms !== 0n) return ms < 0n ? -1 : 1
  const seq = BigInt(as) - BigInt(bs)
  return seq === 0n ? 0 : seq < 0n ? -1 : 1
}

/** The id right after `id` (`ms-seq` → `ms-(seq+1)`). @category encoding */
export const nextEntryId = (id: string): string => {
  const [ms = "0", seq = "0"] = id.split("-")
  return `${ms}-${BigInt(seq) + 1n}`
}
