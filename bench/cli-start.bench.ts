/**
 * CLI start times (issue 14): each command's wall time and CPU time, from spawn to exit, against a
 * bare `node -e 0` measured in the same run, interleaved so both see the same machine load. Uses
 * the built CLI (`dist/main.js`; `npm run build` first). The goal is ≤ 0.5 s wall per command on an
 * idle machine; on a loaded one the wall time stretches with the load, so CPU time is reported too.
 */
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { loadavg } from "node:os"
import { resolve } from "node:path"
import type { Benchmark } from "./run.ts"

const main = resolve("dist/main.js")
const fixture = (name: string) => resolve("../shared/fixtures", name)
const espn = existsSync(fixture("espn-nba-scoreboard-single-final.json")) ? fixture("espn-nba-scoreboard-single-final.json") : undefined

const commands: Record<string, ReadonlyArray<string>> = {
  "node -e 0": ["-e", "0"],
  "--help": [main, "--help"],
  "config": [main, "config"],
  "inspect --help": [main, "inspect", "--help"],
  "match --help": [main, "match", "--help"],
  "eval --help": [main, "eval", "--help"],
  ...(espn === undefined ? {} : {
    "inspect espn-scoreboard FILE": [main, "inspect", "espn-scoreboard", espn],
    "match --espn FILE": [main, "match", "--espn", espn]
  })
}

/** Wall seconds and CPU seconds (user + system, from /usr/bin/time when present) of one run. */
const once = (args: ReadonlyArray<string>): { wall: number; cpu: number | undefined } => {
  const timed = existsSync("/usr/bin/time")
  const start = process.hrtime.bigint()
  const result = timed
    ? spawnSync("/usr/bin/time", ["-f", "%U %S", process.execPath, ...args], { encoding: "utf8", env: { ...process.env, ARBEES_LOG_LEVEL: "warn" } })
    : spawnSync(process.execPath, args, { encoding: "utf8" })
  const wall = Number(process.hrtime.bigint() - start) / 1e9
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}`)
  const last = timed ? result.stderr.trim().split("\n").pop()!.split(" ").map(Number) : undefined
  return { wall, cpu: last === undefined ? undefined : last[0]! + last[1]! }
}

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const bench: Benchmark = {
  name: "cli-start",
  run: async () => {
    if (!existsSync(main)) throw new Error("dist/main.js is missing: npm run build first")
    const rounds = 5
    const samples: Record<string, Array<{ wall: number; cpu: number | undefined }>> = {}
    for (const name of Object.keys(commands)) samples[name] = []
    once(commands["--help"]!) // warm the file cache
    for (let r = 0; r < rounds; r++) {
      for (const [name, args] of Object.entries(commands)) samples[name]!.push(once(args))
    }
    const figures: Record<string, unknown> = { rounds, loadAverage1m: loadavg()[0] }
    const baseline = median(samples["node -e 0"]!.map((s) => s.wall))
    for (const [name, runs] of Object.entries(samples)) {
      const wall = median(runs.map((s) => s.wall))
      const cpus = runs.flatMap((s) => (s.cpu === undefined ? [] : [s.cpu]))
      const cpu = cpus.length === 0 ? undefined : median(cpus)
      figures[name] = { wallSeconds: wall, cpuSeconds: cpu, overNodeSeconds: wall - baseline, withinHalfSecond: wall <= 0.5 }
      process.stdout.write(`${name.padEnd(30)} wall ${wall.toFixed(3)} s  cpu ${cpu === undefined ? "?" : cpu.toFixed(2)} s  (node -e 0 + ${(wall - baseline).toFixed(3)} s)\n`)
    }
    process.stdout.write(`load average (1 min) ${loadavg()[0]!.toFixed(1)}\n`)
    return figures
  }
}
export default bench
