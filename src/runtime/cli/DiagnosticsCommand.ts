/**
 * `arbees diagnostics`: the live supervision tree of a running instance. The declaration only; the
 * implementation (`handlers/Diagnostics.ts`) loads when the command runs.
 *
 * @since 0.1.0
 */
import { Command, Flag } from "effect/cli"
import { lazy } from "./Lazy.ts"

/** @category commands */
export const diagnosticsCommand = Command.make(
  "diagnostics",
  {
    pretty: Flag.Boolean("pretty").pipe(Flag.withDescription("a readable tree instead of JSON"), Flag.withDefault(false)),
    url: Flag.String("url").pipe(Flag.withDescription("admin endpoint of the instance (default: from the data directory or admin.port)"), Flag.optional)
  },
  (input) => lazy(() => import("./handlers/Diagnostics.ts"), (m) => m.diagnostics(input))
).pipe(Command.withDescription("Print the live supervision tree of a running instance (JSON, or --pretty)"))
