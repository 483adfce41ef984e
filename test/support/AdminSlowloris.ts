/**
 * A slowloris against a real arbees process (issue 16, finding 8), from three vantages: arbees
 * itself (`node dist/main.js run`, a child, on its own event loop), the attacker (a second child,
 * `SlowlorisAttacker.ts`, holding the slow connections), and this process, which probes `/healthz`
 * (liveness) and `/readyz` (its database check runs `SELECT 1` through arbees' own pool) on fresh
 * connections before, during and after the attack. Used by the chaos suite
 * (`test/chaos/AdminSlowloris.test.ts`) and the bench (`bench/admin-slowloris.bench.ts`).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import * as net from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../../", import.meta.url))
const node = `${root}node_modules/.bin/node`

const elapsed = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms))

const percentile = (values: ReadonlyArray<number>, p: number): number | null => {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 10) / 10
}

/** One GET on a fresh connection (Connection: close): status line, body and round trip. */
const get = (port: number, path: string, timeoutMs: number) =>
  new Promise<{ readonly ms: number; readonly status: string; readonly body: string }>((ok) => {
    const start = process.hrtime.bigint()
    const socket = net.connect(port, "127.0.0.1", () => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`))
    let data = ""
    const timer = setTimeout(() => socket.destroy(), timeoutMs)
    socket.setEncoding("utf8").on("data", (d: string) => (data += d))
    socket.on("close", () => {
      clearTimeout(timer)
      ok({ ms: elapsed(start), status: data.split("\r\n")[0] ?? "", body: data.slice(data.indexOf("\r\n\r\n") + 4) })
    })
    socket.on("error", () => {})
  })

/** The database check of a `/readyz` answer, or why there is none. */
const databaseOk = (body: string): boolean => {
  try {
    // Chunked or not, the JSON object is the part between the first `{` and the last `}`
    const json = JSON.parse(body.slice(body.indexOf("{"), body.lastIndexOf("}") + 1)) as { checks?: Array<{ name: string; ok: boolean }> }
    return json.checks?.find((c) => c.name === "database")?.ok === true
  } catch {
    return false
  }
}

export interface SlowlorisOptions {
  readonly connections: number
  readonly headerTimeoutMs: number
  /** Postgres for the child (a fresh database); the embedded one when undefined */
  readonly databaseUrl?: string | undefined
}

export interface SlowlorisFigures {
  readonly connections: number
  readonly headerTimeoutMs: number
  readonly database: "postgres" | "embedded"
  readonly attacker: {
    readonly connected: number
    readonly failedToConnect: number
    readonly closedByServer: number
    readonly stillOpen: number
    readonly keptP50Ms: number | null
    readonly keptP99Ms: number | null
    readonly keptMaxMs: number | null
  }
  readonly healthzBefore: { readonly p50Ms: number | null; readonly maxMs: number | null }
  readonly healthzDuring: { readonly probes: number; readonly failed: number; readonly p50Ms: number | null; readonly p99Ms: number | null; readonly maxMs: number | null }
  readonly databaseDuring: { readonly probes: number; readonly ok: number; readonly p50Ms: number | null; readonly maxMs: number | null }
  readonly healthzAfter: { readonly p50Ms: number | null; readonly maxMs: number | null }
}

const lines = (child: ChildProcess, onLine: (line: string) => void) => {
  let partial = ""
  const feed = (chunk: string) => {
    const parts = (partial + chunk).split("\n")
    partial = parts.pop()!
    for (const line of parts) onLine(line)
  }
  child.stdout?.setEncoding("utf8").on("data", feed)
  child.stderr?.setEncoding("utf8").on("data", feed)
}

/** Runs arbees, attacks its admin port, and measures; everything it started is stopped. */
export const measure = async (options: SlowlorisOptions): Promise<SlowlorisFigures> => {
  const dir = mkdtempSync(join(tmpdir(), "arbees-slowloris-"))
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith("ARBEES_") && !k.startsWith("OTEL_") && k !== "DATABASE_URL" && k !== "REDIS_URL") env[k] = v
  }
  Object.assign(env, {
    ARBEES_ADMIN_PORT: "0",
    ARBEES_ADMIN_HEADER_TIMEOUT: `${options.headerTimeoutMs}ms`,
    ...(options.databaseUrl === undefined ? {} : { DATABASE_URL: options.databaseUrl })
  })
  const dataDir = join(dir, ".arbees")
  const arbees = spawn(node, [`${root}dist/main.js`, "run", "--data-dir", dataDir, "--log-format", "json"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] })
  const output: Array<string> = []
  let ready = false
  lines(arbees, (line) => {
    output.push(line)
    if (line.includes("arbees ready")) ready = true
  })
  let attacker: ChildProcess | undefined
  try {
    const startedAt = Date.now()
    while (!ready) {
      if (arbees.exitCode !== null) throw new Error(`arbees exited before ready: ${output.slice(-20).join("\n")}`)
      if (Date.now() - startedAt > 150_000) throw new Error(`arbees not ready: ${output.slice(-20).join("\n")}`)
      await sleep(100)
    }
    const port = (JSON.parse(readFileSync(join(dataDir, "admin.json"), "utf8")) as { port: number }).port

    const before: Array<number> = []
    for (let i = 0; i < 5; i++) before.push((await get(port, "/healthz", 5_000)).ms)

    attacker = spawn(node, [`${root}test/support/SlowlorisAttacker.ts`, String(port), String(options.connections), String(options.headerTimeoutMs * 6)], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    let opened = false
    let done: SlowlorisFigures["attacker"] | undefined
    lines(attacker, (line) => {
      if (line.startsWith("OPEN ")) opened = true
      if (line.startsWith("DONE ")) done = JSON.parse(line.slice(5)) as SlowlorisFigures["attacker"]
    })

    // While the attack is on: /healthz every 100 ms and /readyz every 250 ms, each on a fresh
    // connection, from the moment the attacker starts until it reports every connection closed
    const healthz: Array<{ ms: number; ok: boolean }> = []
    const readyz: Array<{ ms: number; ok: boolean }> = []
    const probeHealthz = (async () => {
      while (done === undefined) {
        const r = await get(port, "/healthz", 5_000)
        healthz.push({ ms: r.ms, ok: r.status === "HTTP/1.1 200 OK" })
        await sleep(100)
      }
    })()
    const probeDatabase = (async () => {
      while (done === undefined) {
        const r = await get(port, "/readyz", 5_000)
        readyz.push({ ms: r.ms, ok: databaseOk(r.body) })
        await sleep(250)
      }
    })()
    const attackStarted = Date.now()
    while (done === undefined) {
      if (attacker.exitCode !== null && done === undefined) throw new Error("the attacker exited without its figures")
      if (Date.now() - attackStarted > options.headerTimeoutMs * 6 + 60_000) throw new Error(`the attack did not finish (opened: ${opened})`)
      await sleep(100)
    }
    await Promise.all([probeHealthz, probeDatabase])

    const after: Array<number> = []
    for (let i = 0; i < 5; i++) after.push((await get(port, "/healthz", 5_000)).ms)
    const answered = healthz.filter((p) => p.ok).map((p) => p.ms)
    return {
      connections: options.connections,
      headerTimeoutMs: options.headerTimeoutMs,
      database: options.databaseUrl === undefined ? "embedded" : "postgres",
      attacker: done,
      healthzBefore: { p50Ms: percentile(before, 50), maxMs: percentile(before, 100) },
      healthzDuring: {
        probes: healthz.length,
        failed: healthz.filter((p) => !p.ok).length,
        p50Ms: percentile(answered, 50),
        p99Ms: percentile(answered, 99),
        maxMs: percentile(answered, 100)
      },
      databaseDuring: {
        probes: readyz.length,
        ok: readyz.filter((p) => p.ok).length,
        p50Ms: percentile(readyz.map((p) => p.ms), 50),
        maxMs: percentile(readyz.map((p) => p.ms), 100)
      },
      healthzAfter: { p50Ms: percentile(after, 50), maxMs: percentile(after, 100) }
    }
  } finally {
    attacker?.kill("SIGKILL")
    if (arbees.exitCode === null) {
      arbees.kill("SIGTERM")
      await Promise.race([new Promise((ok) => arbees.once("exit", ok)), sleep(20_000)])
      if (arbees.exitCode === null && arbees.signalCode === null) arbees.kill("SIGKILL")
    }
    rmSync(dir, { recursive: true, force: true })
  }
}
