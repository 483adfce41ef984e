/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or those named on the command line) and writes
 * each one's figures to `bench/results/<name>.json`, with the machine and Node version they were
 * measured on and the machine's load average when it ran, and all of them to `bench/results.json`
 * (a partial run updates the benchmarks it ran there). Every figure is also printed on its own line.
 *
 * A benchmark module default-exports a {@link Benchmark}. Its `run` measures, prints a short
 * human summary to stdout and returns the figures.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { cpus, loadavg } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"

export interface Benchmark {
  readonly name: string
  readonly run: () => Promise<Record<string, unknown>>
}

const dir = new URL(".", import.meta.url).pathname
const only = process.argv.slice(2)
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort()

/** One line per figure: `name.path.to.figure value`. */
const lines = (prefix: string, value: unknown): Array<string> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? Object.entries(value).flatMap(([k, v]) => lines(`${prefix}.${k}`, v))
    : [`${prefix} ${JSON.stringify(value)}`]

const load = () => loadavg().map((x) => Math.round(x * 100) / 100)

if (files.length === 0) {
  process.stdout.write("no benchmarks found\n")
}
const all = join(dir, "results.json")
const summary = (existsSync(all) ? JSON.parse(readFileSync(all, "utf8")) : { benchmarks: {} }) as { benchmarks: Record<string, unknown> }
for (const file of files) {
  const bench = (await import(pathToFileURL(join(dir, file)).href)).default as Benchmark
  process.stdout.write(`\n== ${bench.name}\n`)
  const loadBefore = load()
  const figures = await bench.run()
  const result = {
    name: bench.name,
    measuredAt: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    // 1, 5 and 15-minute load averages (as `uptime` prints them) before and after the run
    loadAverage: { before: loadBefore, after: load() },
    figures
  }
  const out = join(dir, "results", `${bench.name}.json`)
  writeFileSync(out, JSON.stringify(result, null, 2) + "\n")
  summary.benchmarks[bench.name] = result
  writeFileSync(all, JSON.stringify({ ...summary, updatedAt: result.measuredAt }, null, 2) + "\n")
  for (const line of lines(bench.name, figures)) process.stdout.write(`${line}\n`)
  process.stdout.write(`wrote ${out} and ${all}\n`)
}
