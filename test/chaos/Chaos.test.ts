/**
 * The chaos suite (issue 16): a real child process (`test/support/BusBurst.ts`: money events
 * written through arbees' own outbox and relay, on the real layers, and game ticks published
 * straight to the bus) against a private Redis and a private PostgreSQL that this suite starts on
 * free ports, with a scripted fault in the middle of the burst. Each scenario asserts: no accepted
 * event lost, duplicates within one relay batch, the backlog on the bus within 5 s (p99) of the
 * dependency's return (the drain bound), game ticks on the bus in order, and a clean exit on
 * SIGTERM afterwards (or a clean restart after `kill -9`). It records the figures (events written,
 * lost, duplicated; p50/p99 recovery latency, from the dependency's return to each held-up event's
 * first stream entry; how long the bus went without a new game state; whether money events were
 * still accepted during the fault) in `.arbees/chaos/<scenario>.json`.
 *
 * `npm test` runs the `kill -9` scenarios, the Redis restart without persistence and the Postgres
 * crash loop; `npm run chaos` (CHAOS=all) runs every scenario, Redis down for 90 s among them.
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
const GAME_RATE = 20
const CRASHES = 8
const all = process.env["CHAOS"] === "all"

interface Child {
  readonly process: ChildProcess
  /** Accepted event id → when the parent saw it (wall ms) */
  readonly accepted: Map<string, number>
  readonly refused: Array<string>
  /** The relay mode's report: pending at start, published */
  readonly relay: Array<number>
  /** When the process said it was up (relay mode) */
  readonly up: Array<number>
  /** When the parent saw each game tick the bus took (wall ms) */
  readonly games: Array<number>
  readonly stderr: Array<string>
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
}

const spawnBurst = (mode: "burst" | "relay", env: Record<string, string>): Child => {
  const child = spawn(node, [program, mode], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] })
  const accepted = new Map<string, number>()
  const refused: Array<string> = []
  const relay: Array<number> = []
  const games: Array<number> = []
  const up: Array<number> = []
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
      else if (tag === "G") games.push(now)
      else if (tag === "U") up.push(now)
      else if (tag === "R") relay.push(...line.split(" ").slice(1).map(Number))
    }
  })
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => void stderr.push(chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })))
  return { process: child, accepted, refused, relay, up, games, stderr, exited }
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

/** The game stream: each tick's number, in stream order. */
const gameTicks = async (redisUrl: string): Promise<Array<{ readonly n: number }>> => {
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await client.connect()
    const entries = await client.xrange(`${PREFIX}games`, "-", "+")
    return entries.map(([, fields]) => ({ n: JSON.parse(fields[fields.indexOf("p") + 1]!).n as number }))
  } finally {
    client.disconnect()
  }
}

type Fault = "kill9" | "kill9-relay-down" | "redis-none" | "redis-aof" | "redis-down-90s" | "pg-fast" | "pg-immediate" | "pg-crashloop"

/** One outage: when it began and when the dependency was back (wall ms). */
interface Outage {
  readonly at: number
  readonly healedAt: number
}

/**
 * Recovery latencies: for each accepted event held up by an outage (accepted before the heal,
 * first on the stream after it), the time from the latest such heal to its first stream entry.
 */
const recoveryLatencies = (
  accepted: ReadonlyMap<string, number>,
  onBus: ReadonlyMap<string, ReadonlyArray<number>>,
  outages: ReadonlyArray<Outage>
): Array<number> => {
  const latencies: Array<number> = []
  for (const [id, at] of accepted) {
    const published = onBus.get(id)?.[0]
    if (published === undefined) continue
    let heal: number | undefined
    for (const o of outages) if (at <= o.healedAt && o.healedAt <= published && (heal === undefined || o.healedAt > heal)) heal = o.healedAt
    if (heal !== undefined) latencies.push(published - heal)
  }
  return latencies
}

/** The drain bound of issue 16: the backlog is on the bus within this (p99) of the dependency's return. */
const DRAIN_BOUND_MS = 5_000

const run = async (fault: Fault) => {
  const redis = await Private.redis({ persistence: fault === "redis-aof" ? "aof" : "none" })
  const pg = await Private.postgres()
  const children: Array<Child> = []
  const outages: Array<Outage> = []
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
      BURST_RATE: String(RATE),
      BURST_GAME_RATE: String(GAME_RATE)
    }
    // A dead relay: everything the process accepted is still in the outbox when it is killed
    const burst = spawnBurst("burst", fault === "kill9-relay-down" ? { ...env, BURST_RELAY: "off" } : env)
    children.push(burst)
    await until("the burst to get going", () => burst.accepted.size >= 300, 60_000)

    const faultAt = Date.now()
    const acceptedAtFault = burst.accepted.size
    let exit: { code: number | null; signal: NodeJS.Signals | null }
    let relayed = 0
    let restartMs: number | null = null
    if (fault === "kill9" || fault === "kill9-relay-down") {
      burst.process.kill("SIGKILL")
      exit = await burst.exited
      await sleep(500)
      // The restart: a new process whose relay publishes what the dead one left. Recovery counts
      // from when it is up (migrated, connected); starting Node is `restartMs`
      const spawnedAt = Date.now()
      const restart = spawnBurst("relay", env)
      children.push(restart)
      const relayExit = await restart.exited
      assert.deepStrictEqual(relayExit, { code: 0, signal: null }, restart.stderr.join(""))
      assert.strictEqual(restart.up.length, 1, "the restart said it was up")
      outages.push({ at: faultAt, healedAt: restart.up[0]! })
      restartMs = restart.up[0]! - spawnedAt
      relayed = restart.relay[1] ?? 0
    } else {
      if (fault === "pg-crashloop") {
        // Postgres crashes 8 times in a row, each while the relay is mid-batch (finding 5)
        for (let i = 0; i < CRASHES; i++) {
          const at = Date.now()
          await pg.stop("immediate")
          await sleep(500)
          await pg.start()
          outages.push({ at, healedAt: Date.now() })
          await sleep(1_500)
        }
      } else {
        const redisFault = fault === "redis-none" || fault === "redis-aof" || fault === "redis-down-90s"
        if (redisFault) await redis.kill()
        else await pg.stop(fault === "pg-fast" ? "fast" : "immediate")
        await sleep(fault === "redis-down-90s" ? 90_000 : 3_000)
        if (redisFault) await redis.start()
        else await pg.start()
        outages.push({ at: faultAt, healedAt: Date.now() })
      }
      // Let the burst run on, and the relay catch up, then stop it as a supervisor would
      await sleep(fault === "redis-down-90s" ? 10_000 : 5_000)
      burst.process.kill("SIGTERM")
      exit = await Promise.race([burst.exited, sleep(40_000).then(() => ({ code: null, signal: null }))])
      assert.deepStrictEqual(exit, { code: 0, signal: null }, burst.stderr.join("").slice(-3_000))
    }
    const healedAt = outages[outages.length - 1]!.healedAt
    const accepted = burst.accepted

    const onBus = await stream(redis.url)
    const lost = [...accepted.keys()].filter((id) => !onBus.has(id))
    const entries = [...onBus.values()].reduce((n, times) => n + times.length, 0)
    const latencies = recoveryLatencies(accepted, onBus, outages)
    const inOutage = (at: number) => outages.some((o) => at > o.at && at < o.healedAt)
    const acceptedDuringFault = [...accepted.values()].filter(inOutage).length
    // Game state: how long the bus took no new tick (from the fault on), and ticks that reached
    // it out of order
    let stalest = 0
    for (let i = 1; i < burst.games.length; i++) if (burst.games[i]! >= faultAt) stalest = Math.max(stalest, burst.games[i]! - burst.games[i - 1]!)
    const ticks = await gameTicks(redis.url)
    let outOfOrder = 0
    let highest = 0
    for (const tick of ticks) {
      if (tick.n < highest) outOfOrder++
      highest = Math.max(highest, tick.n)
    }
    const figures = {
      scenario: fault,
      written: accepted.size,
      refusedDuringFault: burst.refused.length,
      lost: lost.length,
      streamEntries: entries,
      duplicated: entries - onBus.size,
      duplicateBound: BATCH,
      outages: outages.length,
      recoveredEvents: latencies.length,
      recoveryP50Ms: percentile(latencies, 50),
      recoveryP99Ms: percentile(latencies, 99),
      drainedMs: latencies.length === 0 ? null : Math.max(...latencies),
      drainBoundMs: DRAIN_BOUND_MS,
      decisionsContinued: acceptedDuringFault > 0,
      acceptedDuringFault,
      acceptedBeforeFault: acceptedAtFault,
      gameTicksAccepted: burst.games.length,
      gameTicksOnBus: ticks.length,
      gameStateStalestMs: stalest,
      gameTicksOutOfOrder: outOfOrder,
      faultMs: healedAt - faultAt,
      relayedAfterRestart: relayed,
      restartMs,
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

const scenario = (fault: Fault, name: string, expect: (f: Awaited<ReturnType<typeof run>>["figures"]) => void, timeoutMs = 180_000) =>
  it.live(name, () =>
    Effect.promise(async () => {
      const { figures, lost } = await run(fault)
      assert.deepStrictEqual(lost, [], "no accepted event is lost")
      assert.isAtMost(figures.duplicated, BATCH, "duplicates within one relay batch")
      if (figures.recoveryP99Ms !== null) assert.isAtMost(figures.recoveryP99Ms, DRAIN_BOUND_MS, "the backlog drains within 5 s (p99) of the dependency's return")
      assert.strictEqual(figures.gameTicksOutOfOrder, 0, "game states reach the bus in order")
      expect(figures)
    }), timeoutMs)

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
  // Found a loss (308 of 1,834 events) before the outbox checked for its last entry, not the
  // stream's last id; on the code before the outbox republished what Redis lost (8f24888^), 307 of
  // 1,809 were lost (finding 3). The batch in flight at the reconnect was published twice (200
  // duplicates) until the republishing stopped at the last entry sent to the old server
  scenario("redis-none", "Redis (no persistence) killed for 3 s: decisions go on; everything accepted reaches the new Redis", (f) => {
    assert.isTrue(f.decisionsContinued, "money events kept being accepted while Redis was gone")
  })
  // A batch the relay published and could not mark (its transaction died with Postgres) is
  // resolved by the next pass: 10 duplicates on 8f24888^, 12 before the relay resolved after a
  // database failure (finding 5)
  scenario("pg-crashloop", "Postgres crashed 8 times in a row mid-relay: nothing lost, nothing duplicated, drained within 5 s", (f) => {
    assert.strictEqual(f.outages, CRASHES)
    assert.strictEqual(f.duplicated, 0)
    assert.isAbove(f.written, f.acceptedBeforeFault, "accepting resumed between the crashes")
  }, 240_000)
  if (all) {
    // 15,358 events held up: p99 5,938 ms and 200 duplicates while the relay published one event
    // per round trip; since it publishes a batch per round trip, none duplicated and p99 2,877 and
    // 4,549 ms, but 7,227 ms at a load average of 14 (other work on the 2 cores)
    scenario("redis-down-90s", "Redis (no persistence) down for 90 s: decisions go on; the backlog drains within 5 s of its return", (f) => {
      assert.isTrue(f.decisionsContinued)
    }, 300_000)
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
