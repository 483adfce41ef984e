/**
 * The implementation of `arbees config`: the effective configuration, where each value came from,
 * secrets masked.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { AppConfig } from "../../../services/config/AppConfig.ts"
import { type Entry, formatSource } from "../../../services/config/ConfigLoader.ts"
import { configured } from "../Configured.ts"

const show = (value: unknown): string =>
  value === null ? "(unset)" : typeof value === "string" ? value : JSON.stringify(value)

/** Aligned `KEY  VALUE  SOURCE` rows. @category formatting */
export const formatTable = (entries: ReadonlyArray<Entry>): string => {
  const rows = entries.map((e) => [e.key, show(e.value), formatSource(e.source)] as const)
  const width = (i: 0 | 1) => Math.max(...rows.map((r) => r[i].length), i === 0 ? 3 : 5)
  const [kw, vw] = [width(0), Math.min(width(1), 60)]
  const line = (k: string, v: string, s: string) => `${k.padEnd(kw)}  ${v.padEnd(vw)}  ${s}`
  return [line("KEY", "VALUE", "SOURCE"), ...rows.map(([k, v, s]) => line(k, v, s))].join("\n")
}

/** `arbees config`. @category commands */
export const showConfig = ({ json }: { readonly json: boolean }) =>
  Effect.gen(function*() {
    const { entries } = yield* AppConfig
    if (json) {
      for (const e of entries) {
        yield* Console.log(JSON.stringify({ key: e.key, value: e.value, source: formatSource(e.source), secret: e.secret }))
      }
    } else {
      yield* Console.log(formatTable(entries))
    }
  }).pipe(Effect.provide(configured({ stderr: true })))
