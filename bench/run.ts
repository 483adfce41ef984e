/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or those named on the command line) and writes
 * each one's figures to `bench/results/<name>.json`, with the machine and Node version they were
 * measured on.
 *
 * A benchmark module default-exports a {@link Benchmark}. Its `run` measures, prints a short
 * human summary to stdout and returns the figures.
 */
import { readdirSync, writeFileSync } from "node:fs"
import { cpus } from "node:os"
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

if (files.length === 0) {
  process.stdout.write("no benchmarks found\n")
}
for (const file of files) {
  const bench = (await import(pathToFileURL(join(dir, file)).href)).default as Benchmark
  process.stdout.write(`\n== ${bench.name}\n`)
  const figures = await bench.run()
  const result = {
    name: bench.name,
    measuredAt: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    figures
  }
  const out = join(dir, "results", `${bench.name}.json`)
  writeFileSync(out, JSON.stringify(result, null, 2) + "\n")
  process.stdout.write(`wrote ${out}\n`)
}
