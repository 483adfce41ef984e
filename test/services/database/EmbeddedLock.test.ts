/**
 * The embedded database's lock (issue 16, finding 7): many processes started at the same moment
 * over a stale lock file (its holder long dead), exactly one gets the lock; the others are told
 * the directory is in use. Before, each read the stale pid, found it dead and overwrote the file,
 * so several passed. After the holder exits (even by kill -9), the next process gets it.
 */
import { assert, describe, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const node = `${root}node_modules/.bin/node`
const probe = `${root}test/support/LockProbe.ts`

const children: Array<ReturnType<typeof spawn>> = []

const run = (dir: string, holdMs: number) =>
  new Promise<{ readonly line: string; readonly kill: () => void }>((resolve) => {
    const child = spawn(node, [probe, dir, String(holdMs)], { stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d
      if (out.includes("\n")) resolve({ line: out.trim(), kill: () => void child.kill("SIGKILL") })
    })
    child.on("exit", () => resolve({ line: out.trim(), kill: () => {} }))
    children.push(child)
  })

describe("embedded database lock", () => {
  it("exactly one of many processes started at once over a stale lock gets it; a killed holder frees it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "arbees-lock-"))
    // A stale lock: a pid that does not exist
    writeFileSync(join(dir, "arbees.lock"), "2147480000")
    try {
      // Each holds until killed, so every start overlaps every other however slow the machine is
      const results = await Promise.all(Array.from({ length: 8 }, () => run(dir, 120_000)))
      const locked = results.filter((r) => r.line.startsWith("LOCKED"))
      assert.strictEqual(locked.length, 1, results.map((r) => r.line).join(", "))
      assert.strictEqual(results.filter((r) => r.line.startsWith("BUSY")).length, 7)
      // kill -9 the holder: the lock goes with it
      locked[0]!.kill()
      await new Promise((r) => setTimeout(r, 300))
    } finally {
      for (const child of children) child.kill("SIGKILL")
    }
    const after = await run(dir, 10)
    assert.match(after.line, /^LOCKED /)
  }, 180_000)
})
