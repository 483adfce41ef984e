/**
 * The embedded database's lock (issue 16, finding 7): of two processes taking it at the same
 * instant over a stale lock file (its holder long dead), exactly one gets the lock; the other is
 * told the directory is in use. Before, each read the stale pid, found it dead and overwrote the
 * file, so both passed. After the holder exits (even by kill -9), the next process gets it.
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

interface Probe {
  /** Resolves when the probe waits at the barrier (`wait`), or at once */
  readonly ready: Promise<void>
  /** Releases a waiting probe at the wall-clock instant `at` (epoch ms) */
  readonly go: (at: number) => void
  /** The probe's verdict: `LOCKED <pid>` or `BUSY <pid>` (empty if it died first) */
  readonly verdict: Promise<string>
  readonly kill: () => void
}

const start = (dir: string, holdMs: number, wait: boolean): Probe => {
  const child = spawn(node, [probe, dir, String(holdMs), ...(wait ? ["wait"] : [])], { stdio: ["pipe", "pipe", "inherit"] })
  children.push(child)
  let out = ""
  let onReady = () => {}
  let onVerdict = (_: string) => {}
  const ready = new Promise<void>((ok) => (onReady = ok))
  const verdict = new Promise<string>((ok) => (onVerdict = ok))
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    out += d
    if (out.includes("READY\n")) onReady()
    const line = out.split("\n").find((l) => l.startsWith("LOCKED") || l.startsWith("BUSY"))
    if (line !== undefined) onVerdict(line)
  })
  child.on("exit", () => {
    onReady()
    onVerdict("")
  })
  if (!wait) onReady()
  return { ready, go: (at) => void child.stdin.write(`${at}\n`), verdict, kill: () => void child.kill("SIGKILL") }
}

const PAIRS = 10

describe("embedded database lock", () => {
  it("of two processes taking a stale lock at the same instant exactly one gets it, ten times over; a killed holder frees it", async () => {
    // Ten directories, each with a stale lock (a pid that does not exist) and two probes
    const dirs = Array.from({ length: PAIRS }, () => {
      const dir = mkdtempSync(join(tmpdir(), "arbees-lock-"))
      writeFileSync(join(dir, "arbees.lock"), "2147480000")
      return dir
    })
    let holder: (() => void) | undefined
    try {
      // Every probe is started and waits at a barrier; each pair is then released at its own
      // instant (300 ms apart, so the pairs do not compete for the two cores) and both of a pair
      // take the lock within microseconds of each other. Each holds until killed. Before, with a
      // check-then-write lock file, both of a pair got it in 5 of 10 pairs (in finding 7, 2 of 20)
      const pairs = dirs.map((dir) => [start(dir, 120_000, true), start(dir, 120_000, true)] as const)
      await Promise.all(pairs.flat().map((p) => p.ready))
      // (a released probe spins until its instant: release each pair only just before it)
      const at = Date.now() + 300
      pairs.forEach((pair, i) => setTimeout(() => pair.forEach((p) => p.go(at + i * 300)), 200 + i * 300))
      const verdicts = await Promise.all(pairs.map(async (pair) => Promise.all(pair.map(async (p) => ({ line: await p.verdict, kill: p.kill })))))
      const outcomes = verdicts.map((pair) => pair.map((r) => r.line.split(" ")[0]).sort().join("+"))
      assert.deepStrictEqual(outcomes, Array.from({ length: PAIRS }, () => "BUSY+LOCKED"))
      holder = verdicts[PAIRS - 1]!.find((r) => r.line.startsWith("LOCKED"))!.kill
      // kill -9 the holder: the lock goes with it
      holder()
      await new Promise((r) => setTimeout(r, 300))
    } finally {
      for (const child of children) child.kill("SIGKILL")
    }
    const after = await start(dirs[PAIRS - 1]!, 10, false).verdict
    assert.match(after, /^LOCKED /)
  }, 180_000)
})
