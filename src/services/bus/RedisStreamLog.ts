/**
 * The stream log on Redis Streams, through ioredis (RESP2 replies, decoded by Schema).
 *
 * - `append` is `XADD key MAXLEN ~ n * ...`: it returns once Redis has the entry.
 * - Groups are `XGROUP CREATE ... MKSTREAM`; reads are `XREADGROUP`, acks `XACK`, reclaiming is
 *   `XAUTOCLAIM` (Redis ≥ 6.2), delivery counts come from `XPENDING`.
 * - One shared connection carries every non-blocking command, with a command timeout and the
 *   offline queue, so a publish during a short reconnect waits instead of failing.
 * - Each reader has its own connection for the blocking `XREADGROUP ... BLOCK`. It has no offline
 *   queue and never resends an unanswered read after a reconnect: the consumer loop sees the
 *   failure and retries with backoff. A read that outlives its block time by a grace period is
 *   taken as a dead socket and the connection is reset. `unblock` sends `CLIENT UNBLOCK` so a
 *   stopping consumer does not wait out its block time.
 * - Both reconnect with jittered exponential backoff (ioredis `retryStrategy`), forever.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Metric, Random, Redacted, Schema, type Scope } from "effect"
import { Redis, type RedisOptions as IORedisOptions } from "ioredis"
import { BusError } from "../../schema/errors/BusError.ts"
import { Timeout, Transport } from "../../schema/errors/Reasons.ts"
import { backoffMillis } from "../Backoff.ts"
import { describeFailure } from "../Failure.ts"
import {
  type Appended,
  type AppendedBatch,
  type BatchEntry,
  compareEntryIds,
  type Delivery,
  fieldsFromFlat,
  flattenFields,
  nextEntryId,
  type ServerInfo,
  type StartFrom,
  type StreamLog,
  type StreamReader,
  type StreamTail,
  type WireFields
} from "./StreamLog.ts"

/** @category models */
export interface RedisSettings {
  readonly url: Redacted.Redacted<string>
  readonly maxLen: number
  /** Bound on every non-blocking command, publishes included */
  readonly commandTimeout: Duration.Duration
  readonly connectTimeout: Duration.Duration
  readonly reconnectBase: Duration.Duration
  readonly reconnectMax: Duration.Duration
  /** Shown in `CLIENT LIST` */
  readonly connectionName: string
}

/** @category metrics */
export const redisConnectionErrors = Metric.counter("arbees_bus_redis_connection_errors_total", {
  description: "Redis connections of the event bus that failed or dropped"
})

/**
 * XADD unless the event id (ARGV[2]) is among the newest ARGV[1] entries: atomic, so a publish
 * that was not answered is resolved (it landed, or it is written now) and never written twice.
 * ARGV[3] is MAXLEN, the rest the fields.
 */
const APPEND_ONCE = `
local tail = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', ARGV[1])
for _, entry in ipairs(tail) do
  local f = entry[2]
  for i = 1, #f, 2 do
    if f[i] == 'id' then
      if f[i + 1] == ARGV[2] then return {entry[1], 1} end
      break
    end
  end
end
local args = {KEYS[1], 'MAXLEN', '~', ARGV[3], '*'}
for i = 4, #ARGV do args[#args + 1] = ARGV[i] end
return {redis.call('XADD', unpack(args)), 0}
`

/**
 * Appends a batch in order, atomically. KEYS are the streams; ARGV[1] the lookback (0: append
 * everything), ARGV[2] MAXLEN, then per entry: its stream's KEYS index, its event id, its field
 * count and the fields. With a lookback, an entry whose event id is among its stream's newest
 * ARGV[1] entries (read once per stream, before the batch) is not written again. Stops at the
 * first refused XADD. Returns `{{entry id, 1 if it existed}...}` for the entries appended (or
 * found), and the refusal if one stopped it.
 */
const APPEND_BATCH = `
local lookback = tonumber(ARGV[1])
local seen = {}
if lookback > 0 then
  for k = 1, #KEYS do
    local ids = {}
    -- A key that is not a stream has no entries: its XADD below is refused and stops the batch
    local tail = redis.pcall('XREVRANGE', KEYS[k], '+', '-', 'COUNT', lookback)
    if tail.err then tail = {} end
    for _, entry in ipairs(tail) do
      local f = entry[2]
      for i = 1, #f, 2 do
        if f[i] == 'id' then
          if ids[f[i + 1]] == nil then ids[f[i + 1]] = entry[1] end
          break
        end
      end
    end
    seen[k] = ids
  end
end
local out = {}
local i = 3
while i <= #ARGV do
  local k = tonumber(ARGV[i])
  local n = tonumber(ARGV[i + 2])
  local existing = lookback > 0 and seen[k][ARGV[i + 1]] or nil
  if existing then
    out[#out + 1] = {existing, 1}
  else
    local args = {KEYS[k], 'MAXLEN', '~', ARGV[2], '*'}
    for j = 1, n do args[#args + 1] = ARGV[i + 2 + j] end
    local added = redis.pcall('XADD', unpack(args))
    if type(added) == 'table' and added.err then return {out, added.err} end
    out[#out + 1] = {added, 0}
  end
  i = i + 3 + n
end
return {out}
`

/** `redis://user:secret@host:6379/0` → `host:6379/0` (never print credentials). @category formatting */
export const describeRedisUrl = (url: string): string => {
  try {
    const u = new URL(url)
    return `${u.hostname}:${u.port === "" ? "6379" : u.port}${u.pathname === "/" ? "" : u.pathname}`
  } catch {
    return "(unparseable Redis URL)"
  }
}

/** A read that has not answered this long after its block time is a dead socket. */
const BLOCK_GRACE_MS = 2_000

type RedisOptions = Omit<IORedisOptions, "replyMapping">

const Entry = Schema.Tuple([Schema.String, Schema.NullOr(Schema.Array(Schema.String))])
const ReadReply = Schema.NullOr(Schema.Array(Schema.Tuple([Schema.String, Schema.Array(Entry)])))
const AutoClaimReply = Schema.Union([
  Schema.Tuple([Schema.String, Schema.Array(Entry), Schema.Array(Schema.String)]),
  Schema.Tuple([Schema.String, Schema.Array(Entry)])
])
const PendingRangeReply = Schema.Array(Schema.Tuple([Schema.String, Schema.String, Schema.Number, Schema.Number]))
const PendingSummaryReply = Schema.Tuple([Schema.Number, Schema.Unknown, Schema.Unknown, Schema.Unknown])
const RangeReply = Schema.Array(Entry)
const BatchAppended = Schema.Array(Schema.Tuple([Schema.String, Schema.Number]))
const BatchReply = Schema.Union([Schema.Tuple([BatchAppended, Schema.String]), Schema.Tuple([BatchAppended])])

const errorOf = (operation: string) => (e: unknown): BusError => {
  const message = e instanceof Error ? e.message : String(e)
  return new BusError({
    reason: /timed out/i.test(message)
      ? new Timeout({ operation, afterMillis: 0 })
      : new Transport({ operation, message })
  })
}

const decodeReply = <S extends Schema.Codec<unknown, unknown>>(schema: S, operation: string) => (reply: unknown) =>
  Schema.decodeUnknownEffect(schema)(reply).pipe(
    Effect.mapError((e) => new BusError({ reason: new Transport({ operation, message: `unexpected reply: ${e.message}` }) }))
  )

const toDelivery = ([entryId, flat]: typeof Entry.Type, deliveries: number): Delivery => ({
  entryId,
  fields: flat === null ? undefined : fieldsFromFlat(flat),
  deliveries
})

/**
 * Connects to Redis and returns the log; connections close (gracefully, bounded) with the scope.
 * Fails with a clear error if Redis does not answer within `connectTimeout`.
 *
 * @category constructors
 */
export const make = Effect.fn("RedisStreamLog.make")(function*(settings: RedisSettings) {
  const random = yield* Random.Random
  const context = yield* Effect.context<never>()
  const runFork = Effect.runForkWith(context)
  const url = Redacted.value(settings.url)
  const commandTimeout = Duration.toMillis(settings.commandTimeout)

  const baseOptions: RedisOptions = {
    protocol: 2,
    lazyConnect: true,
    connectTimeout: Duration.toMillis(settings.connectTimeout),
    // Jittered exponential backoff, never giving up: the bus outlives a Redis restart
    retryStrategy: (times) => backoffMillis(settings.reconnectBase, settings.reconnectMax, times, random.nextDoubleUnsafe()),
    // Auto-pipelining wedges a connection whose pipelined read was dropped by a reconnect
    enableAutoPipelining: false
  }

  /** One connection; `role` names it in logs and in `CLIENT LIST`. */
  const open = (role: string, options: RedisOptions) =>
    Effect.gen(function*() {
      const client = yield* Effect.acquireRelease(
        Effect.sync(() => new Redis(url, { ...baseOptions, ...options, connectionName: `${settings.connectionName}:${role}` })),
        (client) =>
          Effect.tryPromise(() => client.quit()).pipe(
            Effect.timeout("2 seconds"),
            Effect.ignore,
            Effect.ensuring(Effect.sync(() => client.disconnect()))
          )
      )
      // Logged once per outage: "lost" on the first close after being up, "reconnected" on ready
      let state: "connecting" | "up" | "down" | "closing" = "connecting"
      let lastError = ""
      let lastErrorCause: Error | undefined
      client.on("error", (e: Error) => {
        lastError = describeFailure(e)
        lastErrorCause = e
      })
      client.on("close", () => {
        if (state !== "up") return
        state = "down"
        runFork(
          Metric.update(redisConnectionErrors, 1).pipe(
            Effect.andThen(Effect.logWarning("event bus lost its Redis connection; reconnecting").pipe(Effect.annotateLogs({ role, error: lastError === "" ? "the connection closed" : lastError })))
          )
        )
      })
      client.on("ready", () => {
        if (state === "down") runFork(Effect.logInfo("event bus reconnected to Redis").pipe(Effect.annotateLogs({ role })))
        if (state !== "closing") state = "up"
      })
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          state = "closing"
        })
      )
      // ioredis rejects with "Connection is closed."; the cause (refused, DNS, auth…) came as an "error" event
      const target = describeRedisUrl(url)
      const unreachable = (why: string) =>
        new BusError({ reason: new Transport({ operation: `connect ${role}`, message: `cannot reach Redis at ${target}: ${why}` }) })
      yield* Effect.tryPromise({ try: () => client.connect(), catch: (e) => unreachable(describeFailure(lastErrorCause ?? e)) }).pipe(
        Effect.timeoutOrElse({
          duration: settings.connectTimeout,
          orElse: () =>
            Effect.fail(unreachable(`no answer within ${Duration.format(settings.connectTimeout)}${lastErrorCause === undefined ? "" : ` (last error: ${describeFailure(lastErrorCause)})`}`))
        })
      )
      state = "up"
      return client
    })

  // A publish not answered within the timeout may still be sent (offline queue) or have landed:
  // the bus retries it with `appendOnce`, which writes it only if it is not there, so however many
  // attempts a reconnect flushes, the event is in the stream once
  const commands = yield* open("commands", { commandTimeout })

  // Registered after the first connect: every "ready" from here on is a reconnect
  const readyListeners = new Set<() => void>()
  commands.on("ready", () => {
    for (const listener of readyListeners) listener()
  })

  const call = (operation: string, args: ReadonlyArray<string | number>) =>
    Effect.tryPromise({ try: () => commands.call(operation, [...args]), catch: errorOf(operation) })

  const append = (stream: string, fields: WireFields) =>
    call("XADD", [stream, "MAXLEN", "~", settings.maxLen, "*", ...flattenFields(fields as unknown as Record<string, string>)]).pipe(
      Effect.flatMap(decodeReply(Schema.String, "XADD"))
    )

  const appendOnce = (stream: string, fields: WireFields, lookback: number) =>
    call("EVAL", [APPEND_ONCE, 1, stream, lookback, fields.id, settings.maxLen, ...flattenFields(fields as unknown as Record<string, string>)]).pipe(
      Effect.flatMap(decodeReply(Schema.Tuple([Schema.String, Schema.Number]), "XADD")),
      Effect.map(([entryId, existed]): Appended => ({ entryId, existed: existed === 1 }))
    )

  const appendBatch = (entries: ReadonlyArray<BatchEntry>, lookback: number | undefined) => {
    if (entries.length === 0) return Effect.succeed<AppendedBatch>({ appended: [], failure: undefined })
    const keys: Array<string> = []
    const index = new Map<string, number>()
    const argv: Array<string | number> = [lookback ?? 0, settings.maxLen]
    for (const { stream, fields } of entries) {
      let k = index.get(stream)
      if (k === undefined) {
        keys.push(stream)
        k = keys.length
        index.set(stream, k)
      }
      const flat = flattenFields(fields as unknown as Record<string, string>)
      argv.push(k, fields.id, flat.length, ...flat)
    }
    return call("EVAL", [APPEND_BATCH, keys.length, ...keys, ...argv]).pipe(
      Effect.flatMap(decodeReply(BatchReply, "XADD")),
      Effect.map(([replies, refusal]): AppendedBatch => ({
        appended: replies.map(([entryId, existed]): Appended => ({ entryId, existed: existed === 1 })),
        failure: refusal === undefined ? undefined : new BusError({ reason: new Transport({ operation: "XADD", message: refusal }) })
      }))
    )
  }

  const serverInfo = Effect.gen(function*() {
    const info = yield* call("INFO", ["server"]).pipe(Effect.flatMap(decodeReply(Schema.String, "INFO")))
    const runId = /run_id:(\w+)/.exec(info)?.[1] ?? "unknown"
    // CONFIG may be disabled (managed Redis): then persistence is unknown, not absent
    const config = (key: string) =>
      call("CONFIG", ["GET", key]).pipe(
        Effect.flatMap(decodeReply(Schema.Array(Schema.String), "CONFIG")),
        Effect.map((reply) => reply[1]),
        Effect.orElseSucceed(() => undefined)
      )
    const appendOnly = yield* config("appendonly")
    const snapshots = yield* config("save")
    return { runId, appendOnly: appendOnly === undefined ? undefined : appendOnly === "yes", snapshots } satisfies ServerInfo
  })

  const tail = (stream: string) =>
    call("XINFO", ["STREAM", stream]).pipe(
      Effect.flatMap(decodeReply(Schema.Array(Schema.Unknown), "XINFO")),
      Effect.map((flat): StreamTail => {
        const info = new Map<unknown, unknown>()
        for (let i = 0; i + 1 < flat.length; i += 2) info.set(flat[i], flat[i + 1])
        return { lastId: String(info.get("last-generated-id")), length: Number(info.get("length")) }
      }),
      Effect.catchIf((e) => e.reason._tag === "Transport" && /no such key/i.test(e.reason.message), () => Effect.succeed(undefined))
    )

  const lastAtOrBefore = (stream: string, entryId: string) =>
    call("XREVRANGE", [stream, entryId, "-", "COUNT", 1]).pipe(
      Effect.flatMap(decodeReply(Schema.Array(Schema.Tuple([Schema.String, Schema.Unknown])), "XREVRANGE")),
      Effect.map((entries) => entries[0]?.[0])
    )

  const ensureGroup = (stream: string, group: string, from: StartFrom) =>
    call("XGROUP", ["CREATE", stream, group, from === "earliest" ? "0" : "$", "MKSTREAM"]).pipe(
      Effect.catchIf((e) => e.reason._tag === "Transport" && e.reason.message.startsWith("BUSYGROUP"), () => Effect.void),
      Effect.asVoid
    )

  /** Delivery counts of `ids` (pending for `consumer`), from `XPENDING`. */
  const deliveryCounts = (stream: string, group: string, consumer: string, ids: ReadonlyArray<string>) =>
    ids.length === 0
      ? Effect.succeed(new Map<string, number>())
      // Other entries this consumer holds may sit in the same id range: leave room for them
      : call("XPENDING", [stream, group, ids[0]!, ids[ids.length - 1]!, ids.length + 1000, consumer]).pipe(
        Effect.flatMap(decodeReply(PendingRangeReply, "XPENDING")),
        Effect.map((rows) => new Map(rows.map(([id, , , count]) => [id, count] as const)))
      )

  const withCounts = (stream: string, group: string, consumer: string, entries: ReadonlyArray<typeof Entry.Type>) =>
    deliveryCounts(stream, group, consumer, entries.map(([id]) => id)).pipe(
      Effect.map((counts) => entries.map((entry) => toDelivery(entry, counts.get(entry[0]) ?? 1)))
    )

  const reader = (stream: string, group: string, consumer: string): Effect.Effect<StreamReader, BusError, Scope.Scope> =>
    Effect.gen(function*() {
      // No offline queue and no resend: a read during an outage fails at once and the loop backs off
      const conn = yield* open(`reader:${group}:${consumer}`, { enableOfflineQueue: false, autoResendUnfulfilledCommands: false })
      let clientId: number | undefined
      const refreshId = () => {
        conn.call("CLIENT", ["ID"]).then((id) => {
          clientId = Number(id)
        }, () => {})
      }
      refreshId()
      conn.on("ready", refreshId)
      let abandonRead: (() => void) | undefined
      conn.on("close", () => abandonRead?.())
      let stopped = false
      let claimCursor = "0-0"

      const readNew = (count: number, block: Duration.Duration) => {
        if (stopped) return Effect.succeed([])
        const blockMs = Math.max(1, Duration.toMillis(block))
        return Effect.tryPromise({
          // A read cut off by a reconnect is never answered (no resend): fail it when the socket closes
          try: () =>
            new Promise<unknown>((resolve, reject) => {
              abandonRead = () => reject(new Error("connection closed during a blocked read"))
              conn.call("XREADGROUP", ["GROUP", group, consumer, "COUNT", count, "BLOCK", blockMs, "STREAMS", stream, ">"]).then(resolve, reject)
            }).finally(() => {
              abandonRead = undefined
            }),
          catch: errorOf("XREADGROUP")
        }).pipe(
          Effect.timeoutOrElse({
            duration: blockMs + BLOCK_GRACE_MS,
            orElse: () =>
              Effect.sync(() => conn.disconnect(true)).pipe(
                Effect.andThen(Effect.fail(new BusError({ reason: new Timeout({ operation: "XREADGROUP", afterMillis: blockMs + BLOCK_GRACE_MS }) })))
              )
          }),
          Effect.flatMap(decodeReply(ReadReply, "XREADGROUP")),
          Effect.map((reply) => (reply ?? []).flatMap(([, entries]) => entries.map((entry) => toDelivery(entry, 1))))
        )
      }

      const readOwnPending = (cursor: string, count: number) =>
        call("XREADGROUP", ["GROUP", group, consumer, "COUNT", count, "STREAMS", stream, cursor]).pipe(
          Effect.flatMap(decodeReply(ReadReply, "XREADGROUP")),
          Effect.flatMap((reply) => withCounts(stream, group, consumer, (reply ?? []).flatMap(([, entries]) => entries)))
        )

      const claim = (minIdle: Duration.Duration, count: number) =>
        call("XAUTOCLAIM", [stream, group, consumer, Duration.toMillis(minIdle), claimCursor, "COUNT", count]).pipe(
          Effect.flatMap(decodeReply(AutoClaimReply, "XAUTOCLAIM")),
          Effect.flatMap((reply) => {
            claimCursor = reply[0]
            // Redis 7 lists entries deleted by trimming separately (and drops them from the pending list)
            const deleted = reply.length === 3 ? reply[2] : []
            const live = reply[1].filter(([, fields]) => fields !== null)
            const gone = [...reply[1].filter(([, fields]) => fields === null).map(([id]) => id), ...deleted]
            return withCounts(stream, group, consumer, live).pipe(
              Effect.map((claimed) => [...claimed, ...gone.map((entryId): Delivery => ({ entryId, fields: undefined, deliveries: 0 }))])
            )
          })
        )

      return {
        readNew,
        readOwnPending,
        claim,
        ack: (ids) => ids.length === 0 ? Effect.void : call("XACK", [stream, group, ...ids]).pipe(Effect.asVoid),
        pending: call("XPENDING", [stream, group]).pipe(
          Effect.flatMap(decodeReply(PendingSummaryReply, "XPENDING")),
          Effect.map(([count]) => count)
        ),
        unblock: Effect.suspend(() => {
          stopped = true
          return clientId === undefined ? Effect.void : call("CLIENT", ["UNBLOCK", clientId]).pipe(Effect.ignore)
        })
      } satisfies StreamReader
    })

  const range = (stream: string) =>
    Effect.gen(function*() {
      const out: Array<Delivery> = []
      let start = "-"
      while (true) {
        const page = yield* call("XRANGE", [stream, start, "+", "COUNT", 1000]).pipe(Effect.flatMap(decodeReply(RangeReply, "XRANGE")))
        for (const entry of page) out.push(toDelivery(entry, 0))
        if (page.length < 1000) return out
        start = `(${page[page.length - 1]![0]}`
      }
    })

  const unackedFrom = (stream: string) =>
    Effect.gen(function*() {
      const groups = yield* call("XINFO", ["GROUPS", stream]).pipe(
        Effect.flatMap(decodeReply(Schema.Array(Schema.Array(Schema.Unknown)), "XINFO")),
        Effect.catchIf((e) => e.reason._tag === "Transport" && /no such key/i.test(e.reason.message), () => Effect.succeed([]))
      )
      let from: string | undefined
      for (const flat of groups) {
        const info = new Map<unknown, unknown>()
        for (let i = 0; i + 1 < flat.length; i += 2) info.set(flat[i], flat[i + 1])
        const name = String(info.get("name"))
        const summary = yield* call("XPENDING", [stream, name]).pipe(Effect.flatMap(decodeReply(PendingSummaryReply, "XPENDING")))
        const groupFrom = summary[0] > 0 && typeof summary[1] === "string" ? summary[1] : nextEntryId(String(info.get("last-delivered-id")))
        if (from === undefined || compareEntryIds(groupFrom, from) < 0) from = groupFrom
      }
      return from
    })

  return {
    kind: "redis",
    unackedFrom,
    append,
    appendOnce,
    appendBatch,
    ensureGroup,
    reader,
    range,
    serverInfo,
    tail,
    lastAtOrBefore,
    onReady: (listener) => {
      readyListeners.add(listener)
      return () => void readyListeners.delete(listener)
    }
  } satisfies StreamLog
})
