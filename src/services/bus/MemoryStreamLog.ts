/**
 * The in-process stream log: the default event bus storage when no Redis is configured.
 *
 * It keeps the Redis Streams semantics that matter to consumers (see `StreamLog.ts`): one log per
 * topic trimmed to `maxLen`, consumer groups with a read cursor each, a pending list per group
 * with delivery counts and idle times, and reclaiming of idle entries. Nothing survives the
 * process, which is fine: what must survive is in Postgres (the outbox), never only on the bus.
 *
 * All state is plain mutable data touched only in synchronous sections, so fibers never observe
 * it half-updated.
 *
 * @since 0.1.0
 */
import { Deferred, Duration, Effect, Exit } from "effect"
import type { Appended, AppendedBatch, BatchEntry, Delivery, StartFrom, StreamLog, StreamReader, WireFields } from "./StreamLog.ts"
import { nowMillis } from "../Time.ts"

interface Entry {
  readonly seq: number
  readonly fields: Readonly<Record<string, string>>
}

interface Pending {
  readonly entry: Entry
  consumer: string
  deliveredAt: number
  deliveries: number
}

interface Group {
  /** The next sequence number this group has not read */
  cursor: number
  /** By sequence number; insertion order is delivery order, which is sequence order */
  readonly pending: Map<number, Pending>
}

interface Stream {
  entries: Array<Entry>
  nextSeq: number
  readonly groups: Map<string, Group>
  /** Completed (and replaced) on every append, to wake blocked readers */
  signal: Deferred.Deferred<void>
}

const entryId = (seq: number): string => `0-${seq}`
const seqOf = (id: string): number => {
  const dash = id.indexOf("-")
  return Number(dash < 0 ? id : id.slice(dash + 1))
}
const firstSeq = (stream: Stream): number => stream.entries[0]?.seq ?? stream.nextSeq

/**
 * A fresh in-process log. Each call is a separate log (tests make one per case).
 *
 * @category constructors
 */
export const make = (options: { readonly maxLen: number }): StreamLog => {
  const streams = new Map<string, Stream>()
  const streamOf = (name: string): Stream => {
    let stream = streams.get(name)
    if (stream === undefined) {
      stream = { entries: [], nextSeq: 1, groups: new Map(), signal: Deferred.makeUnsafe<void>() }
      streams.set(name, stream)
    }
    return stream
  }

  const append = (name: string, fields: WireFields) =>
    Effect.sync(() => {
      const stream = streamOf(name)
      const seq = stream.nextSeq++
      stream.entries.push({ seq, fields: { ...fields } })
      if (stream.entries.length > options.maxLen) stream.entries.splice(0, stream.entries.length - options.maxLen)
      const signal = stream.signal
      stream.signal = Deferred.makeUnsafe<void>()
      Deferred.doneUnsafe(signal, Exit.void)
      return entryId(seq)
    })

  const appendOnce = (name: string, fields: WireFields, lookback: number) =>
    Effect.suspend(() => {
      const entries = streamOf(name).entries
      for (let i = entries.length - 1; i >= Math.max(0, entries.length - lookback); i--) {
        if (entries[i]!.fields["id"] === fields.id) return Effect.succeed<Appended>({ entryId: entryId(entries[i]!.seq), existed: true })
      }
      return Effect.map(append(name, fields), (id): Appended => ({ entryId: id, existed: false }))
    })

  // Synchronous, so as atomic as the Redis script
  const appendBatch = (entries: ReadonlyArray<BatchEntry>, lookback: number | undefined) =>
    Effect.forEach(entries, ({ stream, fields }) =>
      lookback === undefined ? Effect.map(append(stream, fields), (id): Appended => ({ entryId: id, existed: false })) : appendOnce(stream, fields, lookback)).pipe(
        Effect.map((appended): AppendedBatch => ({ appended, failure: undefined }))
      )

  const ensureGroup = (name: string, group: string, from: StartFrom) =>
    Effect.sync(() => {
      const stream = streamOf(name)
      if (!stream.groups.has(group)) {
        stream.groups.set(group, { cursor: from === "earliest" ? firstSeq(stream) : stream.nextSeq, pending: new Map() })
      }
    })

  const reader = (name: string, groupName: string, consumer: string) =>
    Effect.sync((): StreamReader => {
      const stream = streamOf(name)
      const groupOf = (): Group => {
        let group = stream.groups.get(groupName)
        // A group that vanished (never, in memory) is recreated at the tail, as Redis would need
        if (group === undefined) {
          group = { cursor: stream.nextSeq, pending: new Map() }
          stream.groups.set(groupName, group)
        }
        return group
      }
      const unblocked = Deferred.makeUnsafe<void>()

      const takeNew = (count: number, now: number): Array<Delivery> => {
        const group = groupOf()
        const base = firstSeq(stream)
        const from = Math.max(group.cursor, base)
        const batch = stream.entries.slice(from - base, from - base + count)
        const out: Array<Delivery> = []
        for (const entry of batch) {
          group.pending.set(entry.seq, { entry, consumer, deliveredAt: now, deliveries: 1 })
          out.push({ entryId: entryId(entry.seq), fields: entry.fields, deliveries: 1 })
        }
        if (batch.length > 0) group.cursor = batch[batch.length - 1]!.seq + 1
        return out
      }

      const readNew = (count: number, block: Duration.Duration) =>
        Effect.gen(function*() {
          const now = yield* nowMillis
          const ready = takeNew(count, now)
          if (ready.length > 0 || Deferred.isDoneUnsafe(unblocked) || Duration.isZero(block)) return ready
          yield* Effect.raceFirst(Deferred.await(stream.signal), Deferred.await(unblocked)).pipe(Effect.timeoutOption(block))
          return takeNew(count, yield* nowMillis)
        })

      const readOwnPending = (cursor: string, count: number) =>
        nowMillis.pipe(Effect.map((now) => {
          const after = seqOf(cursor)
          const out: Array<Delivery> = []
          for (const p of [...groupOf().pending.values()].sort((a, b) => a.entry.seq - b.entry.seq)) {
            if (out.length >= count) break
            if (p.consumer !== consumer || p.entry.seq <= after) continue
            p.deliveredAt = now
            p.deliveries += 1
            const trimmed = p.entry.seq < firstSeq(stream)
            out.push({ entryId: entryId(p.entry.seq), fields: trimmed ? undefined : p.entry.fields, deliveries: p.deliveries })
          }
          return out
        }))

      const claim = (minIdle: Duration.Duration, count: number) =>
        nowMillis.pipe(Effect.map((now) => {
          const idle = Duration.toMillis(minIdle)
          const group = groupOf()
          const out: Array<Delivery> = []
          for (const p of [...group.pending.values()].sort((a, b) => a.entry.seq - b.entry.seq)) {
            if (out.length >= count) break
            if (now - p.deliveredAt < idle) continue
            if (p.entry.seq < firstSeq(stream)) {
              // Redis drops a deleted entry from the pending list when it is claimed, and reports it
              group.pending.delete(p.entry.seq)
              out.push({ entryId: entryId(p.entry.seq), fields: undefined, deliveries: p.deliveries })
              continue
            }
            p.consumer = consumer
            p.deliveredAt = now
            p.deliveries += 1
            out.push({ entryId: entryId(p.entry.seq), fields: p.entry.fields, deliveries: p.deliveries })
          }
          return out
        }))

      return {
        readNew,
        readOwnPending,
        claim,
        ack: (ids) =>
          Effect.sync(() => {
            const group = groupOf()
            for (const id of ids) group.pending.delete(seqOf(id))
          }),
        pending: Effect.sync(() => groupOf().pending.size),
        unblock: Effect.sync(() => {
          Deferred.doneUnsafe(unblocked, Exit.void)
        })
      }
    })

  const range = (name: string) =>
    Effect.sync((): ReadonlyArray<Delivery> => streamOf(name).entries.map((e) => ({ entryId: entryId(e.seq), fields: e.fields, deliveries: 0 })))

  const tail = (name: string) =>
    Effect.sync(() => {
      const stream = streams.get(name)
      return stream === undefined ? undefined : { lastId: entryId(stream.nextSeq - 1), length: stream.entries.length }
    })

  const lastAtOrBefore = (name: string, id: string) =>
    Effect.sync(() => {
      const seq = Number(id.split("-")[1] ?? 0)
      const kept = (streams.get(name)?.entries ?? []).filter((e) => e.seq <= seq)
      return kept.length === 0 ? undefined : entryId(kept[kept.length - 1]!.seq)
    })

  return {
    kind: "memory",
    lastAtOrBefore,
    append,
    appendOnce,
    appendBatch,
    ensureGroup,
    reader,
    range,
    tail,
    // The log lives and dies with the process: it never restarts under us
    serverInfo: Effect.succeed({ runId: "memory", appendOnly: undefined, snapshots: undefined }),
    unackedFrom: () => Effect.succeed(undefined),
    onReady: () => () => {}
  }
}
