/**
 * The chaos suite (issue 16): a real child process (`test/support/BusBurst.ts`: money events
 * written through arbees' own outbox and relay, on the real layers) against a private Redis and a
 * private PostgreSQL that this suite starts on free ports, with a scripted fault in the middle of
 * the burst. Each scenario asserts: no accepted event lost, duplicates within one relay batch, a
 * clean exit on SIGTERM afterwards (or a clean restart after `kill -9`), and records the figures
 * (events written, lost, duplicated; p50/p99 recovery latency; whether decisions continued during
 * the fault) in `.arbees/chaos/<scenario>.json`.
 *
 * `npm test` runs the `kill -9` scenarios and the Redis restart without persistence; `npm run chaos`
 * (CHAOS=all) runs every scenario.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Redis } from "ioredis"
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import { fileURLToPath } from "node:url"
import * as Private from "../support/PrivateServers.ts"

const root = fileURLToPath(new URL("../../", import.meta.url))
const node = `${root}node_modules/.bin/node`
const program = `${root}test/support/BusBurst.ts`
const PREFIX = "chaos:"
const BATCH = 200
const RATE = 250
const all = process.env["CHAOS"] === "all"

interface Child {
  readonly process: ChildProcess
  /** Accepted event id → when the parent saw it (wall ms) */
  readonly accepted: Map<string, number>
  readonly refused: Array<string>
  /** The relay mode's report: pending at start, published */
  readonly relay: Array<number>
  readonly stderr: Array<string>
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
}

const spawnBurst = (mode: "burst" | "relay", env: Record<string, string>): Child => {
  const child = spawn(node, [program, mode], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] })
  const accepted = new Map<string, number>()
  const refused: Array<string> = []
  const relay: Array<number> = []
  const stderr: Array<string> = []
  let partial = ""
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n")
    partial = parts.pop()!
    const now = Date.now()
    for (const line of parts) {
      const [tag, id] = line.split(" ")
      if (tag === "A") accepted.set(id!, now)
      else if (tag === "F") refused.push(id!)
      else if (tag === "R") relay.push(...line.split(" ").slice(1).map(Number))
    }
  })
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => void stderr.push(chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })))
  return { process: child, accepted, refused, relay, stderr, exited }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const until = async (what: string, holds: () => boolean | Promise<boolean>, timeoutMs: number) => {
  const started = Date.now()
  while (!(await holds())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

/** Every entry of the money stream: event id → the entries' times (ms, from the entry ids). */
const stream = async (redisUrl: string): Promise<Map<string, Array<number>>> => {
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await client.connect()
    const entries = await client.xrange(`${PREFIX}positions`, "-", "+")
    const byId = new Map<string, Array<number>>()
    for (const [entryId, fields] of entries) {
      const id = fields[fields.indexOf("id") + 1]!
      byId.set(id, [...(byId.get(id) ?? []), Number(entryId.split("-")[0])])
    }
    return byId
  } finally {
    client.disconnect()
  }
}

const percentile = (values: ReadonlyArray<number>, p: number): number | null => {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

type Fault = "kill9" | "kill9-relay-down" | "redis-none" | "redis-aof" | "pg-fast" | "pg-immediate"

const run = async (fault: Fault) => {
  const redis = await Private.redis({ persistence: fault === "redis-aof" ? "aof" : "none" })
  const pg = await Private.postgres()
  const children: Array<Child> = []
  try {
    const env: Record<string, string> = {
      PATH: process.env["PATH"] ?? "",
      HOME: process.env["HOME"] ?? "",
      DATABASE_URL: pg.url(),
      REDIS_URL: redis.url,
      ARBEES_BUS_STREAM_PREFIX: PREFIX,
      ARBEES_BUS_CONSUMER: "chaos-burst",
      ARBEES_BUS_OUTBOX_BATCH_SIZE: String(BATCH),
      ARBEES_BUS_PUBLISH_TIMEOUT: "1s",
      ARBEES_LOG_FORMAT: "json",
      ARBEES_LOG_LEVEL: "warn",
      ARBEES_SHUTDOWN_DEADLINE: "20s",
      BURST_MONEY_ONLY: "on",
      BURST_TOLERANT: "on",
      BURST_RATE: String(RATE)
    }
    // A dead relay: everything the process accepted is still in the outbox when it is killed
    const burst = spawnBurst("burst", fault === "kill9-relay-down" ? { ...env, BURST_RELAY: "off" } : env)
    children.push(burst)
    await until("the burst to get going", () => burst.accepted.size >= 300, 60_000)

    const faultAt = Date.now()
    let healedAt: number
    const acceptedAtFault = burst.accepted.size
    let exit: { code: number | null; signal: NodeJS.Signals | null }
    let accepted: Map<string, number>
    let refused: number
    let relayed = 0
    if (fault === "kill9" || fault === "kill9-relay-down") {
      burst.process.kill("SIGKILL")
      exit = await burst.exited
      await sleep(500)
      // The restart: a new process whose relay publishes what the dead one left
      healedAt = Date.now()
      const restart = spawnBurst("relay", env)
      children.push(restart)
      const relayExit = await restart.exited
      assert.deepStrictEqual(relayExit, { code: 0, signal: null }, restart.stderr.join(""))
      accepted = burst.accepted
      refused = burst.refused.length
      relayed = restart.relay[1] ?? 0
    } else {
      if (fault === "redis-none" || fault === "redis-aof") await redis.kill()
      else await pg.stop(fault === "pg-fast" ? "fast" : "immediate")
      await sleep(3_000)
      if (fault === "redis-none" || fault === "redis-aof") await redis.start()
      else await pg.start()
      healedAt = Date.now()
      // Let the burst run on, and the relay catch up, then stop it as a supervisor would
      await sleep(4_000)
      burst.process.kill("SIGTERM")
      exit = await Promise.race([burst.exited, sleep(40_000).then(() => ({ code: null, signal: null }))])
      assert.deepStrictEqual(exit, { code: 0, signal: null }, burst.stderr.join("").slice(-3_000))
      accepted = burst.accepted
      refused = burst.refused.length
    }

    const onBus = await stream(redis.url)
    const lost = [...accepted.keys()].filter((id) => !onBus.has(id))
    const entries = [...onBus.values()].reduce((n, times) => n + times.length, 0)
    const duplicates = entries - onBus.size
    // Recovery: for the events accepted while the fault lasted (or left pending by the dead
    // process), how long after the heal each reached the stream
    const during = [...accepted.entries()].filter(([, at]) => (fault === "kill9-relay-down" ? true : at >= faultAt - 1_000) && at <= healedAt)
    const latencies = during
      .map(([id]) => onBus.get(id)?.[0])
      .filter((t): t is number => t !== undefined && t >= healedAt)
      .map((t) => t - healedAt)
    const acceptedDuringFault = [...accepted.values()].filter((at) => at > faultAt && at < healedAt).length
    const figures = {
      scenario: fault,
      written: accepted.size,
      refusedDuringFault: refused,
      lost: lost.length,
      streamEntries: entries,
      duplicated: duplicates,
      duplicateBound: BATCH,
      recoveredEvents: latencies.length,
      recoveryP50Ms: percentile(latencies, 50),
      recoveryP99Ms: percentile(latencies, 99),
      decisionsContinued: acceptedDuringFault > 0,
      acceptedDuringFault,
      acceptedBeforeFault: acceptedAtFault,
      faultMs: healedAt - faultAt,
      relayedAfterRestart: relayed,
      exit
    }
    fs.mkdirSync(`${root}.arbees/chaos`, { recursive: true })
    fs.writeFileSync(`${root}.arbees/chaos/${fault}.json`, JSON.stringify(figures, null, 2) + "\n")
    process.stdout.write(`chaos ${JSON.stringify(figures)}\n`)
    return { figures, lost }
  } finally {
    for (const c of children) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill("SIGKILL")
    await redis.dispose()
    await pg.dispose()
  }
}

const scenario = (fault: Fault, name: string, expect: (f: Awaited<ReturnType<typeof run>>["figures"]) => void) =>
  it.live(name, () =>
    Effect.promise(async () => {
      const { figures, lost } = await run(fault)
      assert.deepStrictEqual(lost, [], "no accepted event is lost")
      assert.isAtMost(figures.duplicated, BATCH, "duplicates within one relay batch")
      expect(figures)
    }), 180_000)

describe("chaos: a real arbees burst against private Redis and Postgres", () => {
  scenario("kill9", "kill -9 mid-burst: the restarted relay publishes what was left; nothing lost", (f) => {
    assert.isAbove(f.written, 0)
  })
  scenario("kill9-relay-down", "kill -9 with the relay down: the restart publishes the whole backlog once", (f) => {
    // Every accepted event was left in the outbox and published by the restart, plus any the kill
    // caught between its commit and its report (at most one per worker: committed, so not lost)
    assert.isAtLeast(f.relayedAfterRestart, f.written)
    assert.isAtMost(f.relayedAfterRestart, f.written + 4)
    assert.strictEqual(f.duplicated, 0)
  })
  // Found a loss (308 of 1,834 events) before the outbox checked for its last entry, not the stream's last id
  scenario("redis-none", "Redis (no persistence) killed for 3 s: decisions go on; everything accepted reaches the new Redis", (f) => {
    assert.isTrue(f.decisionsContinued, "money events kept being accepted while Redis was gone")
  })
  if (all) {
    scenario("redis-aof", "Redis (AOF) killed for 3 s: decisions go on; nothing lost, duplicates bounded", (f) => {
      assert.isTrue(f.decisionsContinued)
    })
    scenario("pg-fast", "Postgres stopped (fast) for 3 s: accepts are refused, not lost; the burst resumes", (f) => {
      assert.isAbove(f.written, f.acceptedBeforeFault, "accepting resumed after Postgres came back")
    })
    scenario("pg-immediate", "Postgres crashed (immediate) for 3 s: nothing accepted is lost", (f) => {
      assert.isAbove(f.written, f.acceptedBeforeFault)
    })
  }
})
