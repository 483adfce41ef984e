/**
 * Lossless shutdown, end to end: a real child process (`test/support/BusBurst.ts`) on the real
 * layers, real Redis and a fresh real Postgres database, gets SIGTERM in the middle of a publish
 * burst. It must exit 0 within its shutdown deadline; every event it reported as accepted must then
 * be on the bus or unpublished in the outbox; and after the relay restarts, every one of them must
 * be on the bus, seen exactly once by a deduplicating consumer, with nothing else there.
 */
import { PgClient } from "@effect/sql-pg"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { AppConfig } from "../../../src/services/config/AppConfig.ts"
import { DeadLetters } from "../../../src/services/DeadLetters.ts"
import * as Dedup from "../../../src/services/bus/Dedup.ts"
import { EventBus } from "../../../src/services/bus/EventBus.ts"
import { GameTicked, PositionChanged } from "../../support/BusBurstTopics.ts"
import { eventually } from "../../support/Eventually.ts"
import * as TestDatabase from "../../support/TestDatabase.ts"
import * as TestRedis from "../../support/TestRedis.ts"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const node = `${root}node_modules/.bin/node`
const program = `${root}test/support/BusBurst.ts`
const DEADLINE_MS = 10_000
/** SIGTERM goes out once this many events have been accepted: mid-burst (the burst never ends) */
const SIGNAL_AFTER = 1_500

interface Child {
  readonly process: ChildProcess
  readonly lines: Array<string>
  readonly stderr: Array<string>
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
}

/** Starts the program; SIGKILLed if still running when the scope closes. */
const start = (mode: "burst" | "relay", env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.sync((): Child => {
      const child = spawn(node, [program, mode], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] })
      const lines: Array<string> = []
      const stderr: Array<string> = []
      let partial = ""
      child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
        const parts = (partial + chunk).split("\n")
        partial = parts.pop()!
        lines.push(...parts)
      })
      child.stderr!.setEncoding("utf8").on("data", (chunk: string) => void stderr.push(chunk))
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on("exit", (code, signal) => resolve({ code, signal }))
      )
      return { process: child, lines, stderr, exited }
    }),
    (child) => Effect.sync(() => (child.process.exitCode === null && child.process.signalCode === null ? void child.process.kill("SIGKILL") : undefined))
  )

const exitOf = (child: Child) =>
  Effect.promise(() => child.exited).pipe(
    Effect.timeoutOrElse({ duration: "30 seconds", orElse: () => Effect.die(new Error(`child did not exit; stderr:\n${child.stderr.join("")}`)) })
  )

/** Event ids on the bus (both topics), with how many entries each has. */
const onTheBus = (prefix: string) =>
  Effect.scoped(
    Effect.flatMap(TestRedis.client, (redis) =>
      Effect.promise(async () => {
        const counts = new Map<string, number>()
        for (const t of [PositionChanged.name, GameTicked.name]) {
          for (const [, fields] of await redis.xrange(`${prefix}${t}`, "-", "+")) {
            const id = fields[fields.indexOf("id") + 1]!
            counts.set(id, (counts.get(id) ?? 0) + 1)
          }
        }
        return counts
      }))
  )

/** The outbox, from the child's database: event id → still unpublished. */
const outboxOf = (url: string) =>
  Effect.scoped(
    Effect.flatMap(PgClient.make({ url: Redacted.make(url), maxConnections: 1 }), (sql) =>
      sql<{ event_id: string; pending: boolean }>`SELECT event_id, published_at IS NULL AS pending FROM outbox`)
  ).pipe(
    Effect.provide(Reactivity.layer),
    Effect.map((rows) => new Map(rows.map((r) => [r.event_id, r.pending] as const)))
  )

/** Every event on the bus, through a deduplicating consumer group reading from the start. */
const consumeAll = (prefix: string, expected: number) =>
  Effect.gen(function*() {
    const bus = yield* EventBus
    const seen = Dedup.window(100_000)
    const handled: Array<string> = []
    const handler = Dedup.deduplicated(seen, (e: { readonly id: string }) => Effect.sync(() => void handled.push(e.id)))
    for (const t of [PositionChanged, GameTicked] as const) {
      yield* bus.subscribe(t, { group: "audit", startFrom: "earliest", batchSize: 500, handler })
    }
    yield* eventually("the audit consumer to see every event", Effect.sync(() => handled.length), (n) => n >= expected, "20 seconds")
    // Nothing more arrives (duplicates are skipped, not handled)
    yield* Effect.sleep("300 millis")
    return handled
  }).pipe(
    Effect.scoped,
    Effect.provide(
      EventBus.layerRedis.pipe(
        Layer.provide(AppConfig.layerTest({ "redis.url": TestRedis.url, "bus.streamPrefix": prefix, "bus.consumer": `${prefix}audit`, "bus.block": "100ms" })),
        Layer.provide(DeadLetters.layerLog),
        Layer.orDie
      )
    )
  )

const scenario = (name: string, extraEnv: Record<string, string>) =>
  it.live(name, () =>
    Effect.gen(function*() {
      const url = yield* TestDatabase.createDatabase
      const prefix = yield* TestRedis.prefix
      const env: Record<string, string> = {
        PATH: process.env["PATH"] ?? "",
        HOME: process.env["HOME"] ?? "",
        DATABASE_URL: url,
        REDIS_URL: TestRedis.url,
        ARBEES_BUS_STREAM_PREFIX: prefix,
        ARBEES_BUS_CONSUMER: `${prefix}burst`,
        ARBEES_LOG_FORMAT: "json",
        ARBEES_SHUTDOWN_DEADLINE: `${DEADLINE_MS}ms`,
        ...extraEnv
      }

      // The burst, and SIGTERM in the middle of it
      const burst = yield* start("burst", env)
      yield* eventually("the burst to get going", Effect.sync(() => burst.lines.length), (n) => n >= SIGNAL_AFTER, "30 seconds")
      const acceptedBeforeSignal = burst.lines.filter((l) => l.startsWith("A ")).map((l) => l.split(" ")[1]!)
      const signalledAt = globalThis.performance.now()
      burst.process.kill("SIGTERM")
      const exit = yield* exitOf(burst)
      const shutdownMs = Math.round(globalThis.performance.now() - signalledAt)
      assert.deepStrictEqual(exit, { code: 0, signal: null }, burst.stderr.join(""))
      assert.isBelow(shutdownMs, DEADLINE_MS)

      const accepted = burst.lines.filter((l) => l.startsWith("A ")).map((l) => l.split(" "))
      const acceptedIds = accepted.map(([, id]) => id!)
      const money = accepted.filter(([, , kind]) => kind === "money").length
      assert.strictEqual(new Set(acceptedIds).size, acceptedIds.length)
      // The intake queue was full at the signal: its events were accepted, not dropped
      assert.isAbove(acceptedIds.length, acceptedBeforeSignal.length)
      assert.deepStrictEqual(acceptedIds.slice(0, acceptedBeforeSignal.length).sort(), [...acceptedBeforeSignal].sort())

      // Right after exit: each accepted event is on the bus or waiting in the outbox
      const busAtExit = yield* onTheBus(prefix)
      const outbox = yield* outboxOf(url)
      const lost = acceptedIds.filter((id) => !busAtExit.has(id) && outbox.get(id) !== true)
      assert.deepStrictEqual(lost, [])
      const pendingAtExit = [...outbox.values()].filter((pending) => pending).length
      // Every money event was written to the outbox, and nothing else was
      assert.strictEqual(outbox.size, money)

      // The restart: the relay publishes what was left
      const restart = yield* start("relay", env)
      const relayExit = yield* exitOf(restart)
      assert.deepStrictEqual(relayExit, { code: 0, signal: null }, restart.stderr.join(""))
      const [, before, published] = restart.lines.find((l) => l.startsWith("R "))!.split(" ").map(Number)
      assert.deepStrictEqual([before, published], [pendingAtExit, pendingAtExit])
      assert.deepStrictEqual([...(yield* outboxOf(url)).values()].filter((p) => p), [])

      // Now every accepted event is on the bus, and nothing that was not accepted
      const busAfter = yield* onTheBus(prefix)
      assert.deepStrictEqual([...busAfter.keys()].sort(), [...acceptedIds].sort())
      // A graceful stop never publishes an outbox row twice (a crash may; consumers deduplicate)
      const duplicates = [...busAfter.values()].reduce((sum, n) => sum + n - 1, 0)
      assert.strictEqual(duplicates, 0)
      const handled = yield* consumeAll(prefix, acceptedIds.length)
      assert.deepStrictEqual([...handled].sort(), [...acceptedIds].sort())

      yield* Effect.logInfo(`lossless shutdown: ${name}`).pipe(
        Effect.annotateLogs({
          acceptedBeforeSignal: acceptedBeforeSignal.length,
          acceptedAfterSignal: acceptedIds.length - acceptedBeforeSignal.length,
          accepted: acceptedIds.length,
          money,
          game: acceptedIds.length - money,
          onBusAtExit: busAtExit.size,
          pendingInOutboxAtExit: pendingAtExit,
          publishedByRestartedRelay: published,
          busEntriesAfterRestart: [...busAfter.values()].reduce((a, b) => a + b, 0),
          duplicateEntriesOnBus: duplicates,
          handledAfterDedup: handled.length,
          shutdownMs
        })
      )
    }), 120_000)

describe("lossless shutdown on SIGTERM (real Redis, real Postgres, a real child process)", () => {
  scenario("relay running", {})
  scenario("relay lagging, one event per batch, no time to drain", { ARBEES_BUS_OUTBOX_BATCH_SIZE: "1", ARBEES_BUS_OUTBOX_DRAIN_TIMEOUT: "1ms" })
  scenario("relay down during the burst", { BURST_RELAY: "off" })
})
