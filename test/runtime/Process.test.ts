/**
 * The process boundary: how supervisors start and stop arbees. These tests spawn real processes on
 * purpose (npm, a shell, node, process groups); everything else about commands runs in-process.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, readdirSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import * as Cli from "../support/Cli.ts"

const READY_MILLIS = 100_000
const TEST = { timeout: READY_MILLIS + 60_000 }

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Whether any process is left in the process group `pgid`. */
const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

/** `npm start -- ...` in its own process group, as a supervisor would start it. */
const npmStart = (dataDir: string) => {
  const child: ChildProcess = spawn("npm", ["start", "--", "--data-dir", dataDir, "--log-format", "json"], {
    cwd: resolve("."),
    env: Cli.cleanEnv(),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true
  })
  let output = ""
  child.stdout!.on("data", (d) => (output += d))
  child.stderr!.on("data", (d) => (output += d))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) => child.on("exit", (code, signal) => ok({ code, signal })))
  const ready = () =>
    new Promise<void>((ok, fail) => {
      const started = process.hrtime.bigint()
      const check = () => {
        if (output.includes("arbees ready")) return ok()
        if (child.exitCode !== null) return fail(new Error(`exited before ready: ${output}`))
        if (Number(process.hrtime.bigint() - started) / 1e6 > READY_MILLIS) return fail(new Error(`not ready: ${output}`))
        setTimeout(check, 100)
      }
      check()
    })
  return { child, exited, ready, output: () => output }
}

/** Waits until nothing is left in the group (the drain may outlive npm by a moment). */
const groupGone = async (pgid: number) => {
  for (let i = 0; i < 300 && groupAlive(pgid); i++) await new Promise((ok) => setTimeout(ok, 100))
  return !groupAlive(pgid)
}

const stopsCleanly = (signal: (pid: number) => void) =>
  Effect.promise(async () => {
    const dataDir = join(Cli.tempDir(), ".arbees")
    const proc = npmStart(dataDir)
    const pid = proc.child.pid!
    try {
      await proc.ready()
      assert.isTrue(existsSync(join(dataDir, "arbees.lock")))
      signal(pid)
      const exit = await proc.exited
      assert.deepStrictEqual(exit, { code: 0, signal: null }, proc.output())
      assert.isTrue(await groupGone(pid), "a process of the group is still running")
      // One drain, finished, and the lock released
      const messages = proc.output().split("\n").filter((l) => l.startsWith("{")).map((l) => (JSON.parse(l) as { message: string }).message)
      assert.strictEqual(messages.filter((m) => m === "shutdown requested; draining").length, 1)
      assert.strictEqual(messages[messages.length - 1], "shutdown complete")
      assert.isFalse(existsSync(join(dataDir, "arbees.lock")))
    } finally {
      if (groupAlive(pid)) process.kill(-pid, "SIGKILL")
    }
  })

describe("stopping under a supervisor", () => {
  it.live("SIGTERM to npm start's own process: one drain, exit 0, no process left, lock released", () =>
    stopsCleanly((pid) => process.kill(pid, "SIGTERM")), TEST)

  it.live("SIGTERM to npm start's process group: one drain, exit 0, no process left, lock released", () =>
    stopsCleanly((pid) => process.kill(-pid, "SIGTERM")), TEST)
})

describe("the Node version check", () => {
  it.live("an older Node gets one line and exit 1 before anything touches the data directory", () =>
    Effect.promise(async () => {
      const dir = Cli.tempDir()
      // Fakes an older Node before dist/main.js runs
      const shim = join(dir, "node20.mjs")
      writeFileSync(shim, `Object.defineProperty(process, "version", { value: "v20.19.0" })\nObject.defineProperty(process.versions, "node", { value: "20.19.0" })\n`)
      const child = spawn(process.execPath, ["--import", shim, Cli.mainJs, "run"], { cwd: dir, env: Cli.cleanEnv(), stdio: ["ignore", "pipe", "pipe"] })
      let stdout = ""
      let stderr = ""
      child.stdout.on("data", (d) => (stdout += d))
      child.stderr.on("data", (d) => (stderr += d))
      const code = await new Promise<number | null>((ok) => child.on("exit", (c) => ok(c)))
      await new Promise((ok) => setTimeout(ok, 50))
      assert.strictEqual(code, 1)
      assert.strictEqual(stdout, "")
      assert.deepStrictEqual(stderr.trimEnd().split("\n"), [
        `arbees: needs Node.js 24 or newer, but ${process.execPath} is v20.19.0; run it with the project's own Node: npm start -- <command>, or npx arbees <command>`
      ])
      // Nothing was created: no data directory, no database
      assert.deepStrictEqual(readdirSync(dir), ["node20.mjs"])
      assert.isFalse(alive(child.pid!))
    }))
})
