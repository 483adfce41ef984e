/**
 * Project lint: the rules a type checker cannot enforce.
 *
 * - Time and randomness are read only through Effect's `Clock` and `Random`, so simulations under
 *   `TestClock` replay exactly. `Date.now()`, `new Date()`, `Math.random()`, `performance.now()`
 *   and `crypto.randomUUID()` are banned in `src/` and `migrations/`, except in `src/runtime/WallClock.ts`.
 * - Time in milliseconds is read through `src/services/Time.ts` (`nowMillis`, whole milliseconds).
 * - Output goes through the Effect logger or `Console`, never `console.*`.
 * - Money is never parsed or rounded as a float: no `parseFloat` or `toFixed` in `src/`.
 * - Layers: `schema` ← `domain` ← `services` ← `actors` ← `runtime`. A module never imports
 *   from a layer above its own.
 * - Every warning and error log call in `src/` names its reason (`scripts/log-reasons.ts`).
 *
 * Run with `npm run lint`; `test/lint.test.ts` runs the same check inside `npm test`.
 */
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import { unreasonedLogs } from "./log-reasons.ts"

export interface Violation {
  readonly file: string
  readonly line: number
  readonly rule: string
  readonly text: string
}

const ALLOWED_CLOCK_MODULE = "src/runtime/WallClock.ts"

const rules: ReadonlyArray<{ readonly name: string; readonly pattern: RegExp; readonly allow?: (file: string) => boolean }> = [
  { name: "no-date-now", pattern: /\bDate\.now\s*\(/, allow: (f) => f === ALLOWED_CLOCK_MODULE },
  { name: "no-new-date-without-argument", pattern: /\bnew\s+Date\s*\(\s*\)/, allow: (f) => f === ALLOWED_CLOCK_MODULE },
  { name: "no-math-random", pattern: /\bMath\.random\s*\(/, allow: (f) => f === ALLOWED_CLOCK_MODULE },
  { name: "no-performance-now", pattern: /\bperformance\.now\s*\(/, allow: (f) => f === ALLOWED_CLOCK_MODULE },
  { name: "no-random-uuid", pattern: /\brandomUUID\s*\(/, allow: (f) => f === ALLOWED_CLOCK_MODULE },
  // Whole milliseconds: a test clock can stand between two (see src/services/Time.ts)
  { name: "no-raw-clock-millis", pattern: /\bClock\.currentTimeMillis\b/, allow: (f) => f === "src/services/Time.ts" },
  { name: "no-console", pattern: /\bconsole\.(log|error|warn|info|debug)\s*\(/ },
  { name: "no-float-money", pattern: /\b(parseFloat|toFixed)\s*\(/ }
]

const LAYERS = ["schema", "domain", "services", "actors", "runtime"] as const
const layerOf = (file: string): number => LAYERS.indexOf(file.split("/")[1] as (typeof LAYERS)[number])

/** The layer an import reaches above the importing file's own, if any. */
const importAbove = (file: string, code: string): string | undefined => {
  const own = layerOf(file)
  if (own < 0) return undefined
  const match = /^\s*(?:import|export)\b[^"']*["'](\.{1,2}\/[^"']+)["']/.exec(code)
  if (match === null) return undefined
  const parts = file.split("/").slice(0, -1)
  for (const segment of match[1]!.split("/")) {
    if (segment === "..") parts.pop()
    else if (segment !== ".") parts.push(segment)
  }
  const target = layerOf(parts.join("/"))
  return target > own ? LAYERS[target] : undefined
}

const walk = (dir: string): Array<string> => {
  const out: Array<string> = []
  let entries: Array<string>
  try {
    entries = readdirSync(dir)
  } catch {
    return out
  }
  for (const name of entries) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...walk(path))
    else if (/\.(ts|mts|sql)$/.test(name)) out.push(path)
  }
  return out
}

/** Scans `src/` and `migrations/` under `root` and returns every violation. */
export const lint = (root: string): Array<Violation> => {
  const violations: Array<Violation> = []
  for (const dir of ["src", "migrations"]) {
    for (const path of walk(join(root, dir))) {
      const file = relative(root, path).split("\\").join("/")
      const source = readFileSync(path, "utf8")
      const lines = source.split("\n")
      lines.forEach((text, index) => {
        const code = text.replace(/\/\/.*$/, "")
        for (const rule of rules) {
          if (rule.pattern.test(code) && !(rule.allow?.(file) ?? false)) {
            violations.push({ file, line: index + 1, rule: rule.name, text: text.trim() })
          }
        }
        if (file.startsWith("src/") && importAbove(file, code) !== undefined) {
          violations.push({ file, line: index + 1, rule: "no-upward-import", text: text.trim() })
        }
      })
      // Parsed only where a warning or error is logged
      if (file.startsWith("src/") && file.endsWith(".ts") && /\blog(Warning|Error|Fatal)\b/.test(source)) {
        for (const u of unreasonedLogs(file, source)) violations.push({ file, line: u.line, rule: "warning-without-reason", text: u.text })
      }
    }
  }
  return violations
}

if (import.meta.main) {
  const violations = lint(process.cwd())
  for (const v of violations) process.stderr.write(`${v.file}:${v.line}: ${v.rule}: ${v.text}\n`)
  process.stdout.write(violations.length === 0 ? "lint: ok\n" : `lint: ${violations.length} violation(s)\n`)
  process.exit(violations.length === 0 ? 0 : 1)
}
