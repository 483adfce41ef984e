/**
 * Prints the configuration reference (every key, its environment variable, default, accepted range
 * and meaning)
 * as a Markdown table, from the spec itself. `README.md` embeds its output between
 * `<!-- config:begin -->` and `<!-- config:end -->`; `test/readme.test.ts` checks they agree.
 *
 * Usage: `node scripts/config-reference.ts > /tmp/ref.md`, or `--write` to update README.md.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { envName, flatten, resolve } from "../src/services/config/ConfigLoader.ts"
import { spec } from "../src/services/config/ConfigSpec.ts"

export const referenceTable = (): string => {
  const result = resolve(spec, { env: {}, flags: [] })
  if (result._tag === "Failure") throw new Error("defaults do not resolve")
  const defaults = new Map(result.success.entries.map((e) => [e.key, e.value]))
  const rows = flatten(spec).map(([key, setting]) => {
    const value = defaults.get(key)
    const shown = value === null ? "(unset)" : typeof value === "string" ? value : JSON.stringify(value)
    const env = [envName(key), ...(setting.options.env ?? [])].map((n) => `\`${n}\``).join(", ")
    const range = setting.type.range === undefined ? "" : setting.type.range
    return `| \`${key}\` | ${env} | \`${shown}\` | ${range} | ${setting.description}${setting.options.secret === true ? " (secret)" : ""} |`
  })
  return ["| key | environment | default | range | meaning |", "| --- | --- | --- | --- | --- |", ...rows].join("\n")
}

export const BEGIN = "<!-- config:begin -->"
export const END = "<!-- config:end -->"

if (import.meta.main) {
  const table = referenceTable()
  if (process.argv.includes("--write")) {
    const readme = readFileSync("README.md", "utf8")
    const start = readme.indexOf(BEGIN)
    const end = readme.indexOf(END)
    writeFileSync("README.md", readme.slice(0, start + BEGIN.length) + "\n" + table + "\n" + readme.slice(end))
  } else {
    process.stdout.write(table + "\n")
  }
}
