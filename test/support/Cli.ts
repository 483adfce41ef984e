/**
 * Runs the built CLI (`node dist/main.js`) as a child process, as a user would.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

export const mainJs = resolve("dist/main.js")

export interface CliResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** A clean environment: no ARBEES_*, DATABASE_URL or REDIS_URL leaking in from the caller. */
export const cleanEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith("ARBEES_") && !k.startsWith("OTEL_") && k !== "DATABASE_URL" && k !== "REDIS_URL") env[k] = v
  }
  // Tests run side by side: let the OS pick the admin port
  return { ...env, ARBEES_ADMIN_PORT: "0", ...extra }
}

/**
 * The settings of an `arbees run` on a fake ESPN's NBA (and `leagues`) scoreboards, polled every
 * second, with every venue at `closedPort` (unreachable: no game has a market), logging JSON.
 */
export const fakeEspnRunSettings = (espnBaseUrl: string, closedPort: number, leagues = "nba"): Record<string, string> => ({
  ARBEES_ESPN_BASE_URL: espnBaseUrl,
  ARBEES_DISCOVERY_LEAGUES: leagues,
  ARBEES_DISCOVERY_INTERVAL: "2s",
  ARBEES_ESPN_POLL_LIVE: "1s",
  ARBEES_POLYMARKET_GAMMA_URL: `http://127.0.0.1:${closedPort}`,
  ARBEES_POLYMARKET_CLOB_URL: `http://127.0.0.1:${closedPort}`,
  ARBEES_KALSHI_REST_URL: `http://127.0.0.1:${closedPort}`,
  ARBEES_LOG_FORMAT: "json"
})

export const tempDir = (): string => mkdtempSync(join(tmpdir(), "arbees-cli-"))

/** Starts the CLI; resolves with its output once it exits. */
export const start = (args: ReadonlyArray<string>, options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) => {
  const child: ChildProcess = spawn(process.execPath, [mainJs, ...args], {
    env: options.env ?? cleanEnv(),
    cwd: options.cwd ?? tempDir(),
    stdio: ["ignore", "pipe", "pipe"]
  })
  let stdout = ""
  let stderr = ""
  child.stdout!.on("data", (d) => (stdout += d))
  child.stderr!.on("data", (d) => (stderr += d))
  const exited = new Promise<CliResult>((resolvePromise) =>
    child.on("exit", (code, signal) => {
      // Let the pipes drain
      setTimeout(() => resolvePromise({ code, signal, stdout, stderr }), 50)
    })
  )
  const waitFor = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<void>((resolvePromise, reject) => {
      const started = process.hrtime.bigint()
      const check = () => {
        if (pattern.test(stdout) || pattern.test(stderr)) return resolvePromise()
        if (child.exitCode !== null) return reject(new Error(`exited ${child.exitCode} before ${pattern}: ${stdout}${stderr}`))
        if (Number(process.hrtime.bigint() - started) / 1e6 > timeoutMs) return reject(new Error(`timed out waiting for ${pattern}: ${stdout}${stderr}`))
        setTimeout(check, 50)
      }
      check()
    })
  return { child, exited, waitFor, output: () => ({ stdout, stderr }) }
}

/** Runs the CLI to completion. */
export const run = (args: ReadonlyArray<string>, options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) => start(args, options).exited
