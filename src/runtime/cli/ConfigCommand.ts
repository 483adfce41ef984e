/**
 * `arbees config`: the effective configuration, where each value came from, secrets masked. The
 * declaration only; the implementation (`handlers/Config.ts`) loads when the command runs.
 *
 * @since 0.1.0
 */
import { Command, Flag } from "effect/cli"
import { lazy } from "./Lazy.ts"

/** @category commands */
export const configCommand = Command.make(
  "config",
  {
    json: Flag.Boolean("json").pipe(Flag.withDescription("one JSON object per key instead of a table"), Flag.withDefault(false))
  },
  (input) => lazy(() => import("./handlers/Config.ts"), (m) => m.showConfig(input))
).pipe(Command.withDescription("Print the effective configuration and the source of every value; secrets are masked"))
