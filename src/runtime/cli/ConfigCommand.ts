/**
 * `arbees config`: the effective configuration, where each value came from, secrets masked. The
 * declaration (with every bounded key's range in its help); the implementation
 * (`handlers/Config.ts`) loads when the command runs.
 *
 * @since 0.1.0
 */
import { Command, Flag } from "effect/cli"
import { flatten } from "../../services/config/ConfigLoader.ts"
import { spec } from "../../services/config/ConfigSpec.ts"
import { lazy } from "./Lazy.ts"

/** The help's list of ranges: one `key  range` line per bounded key. @category formatting */
export const rangesHelp = (): string => {
  const bounded = flatten(spec).flatMap(([key, setting]) => (setting.type.range === undefined ? [] : [[key, setting.type.range] as const]))
  const width = Math.max(...bounded.map(([key]) => key.length))
  return [
    "Durations need a unit (ms, s, m, h, d). Accepted ranges:",
    ...bounded.map(([key, range]) => `  ${key.padEnd(width)}  ${range}`)
  ].join("\n")
}

/** @category commands */
export const configCommand = Command.make(
  "config",
  {
    json: Flag.Boolean("json").pipe(Flag.withDescription("one JSON object per key instead of a table"), Flag.withDefault(false))
  },
  (input) => lazy(() => import("./handlers/Config.ts"), (m) => m.showConfig(input))
).pipe(Command.withDescription(`Print the effective configuration and the source of every value; secrets are masked.\n\n${rangesHelp()}`))
