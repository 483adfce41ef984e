/**
 * `arbees status`: one screen of the running instance (trading state, games in play with teams,
 * score, clock, model and venue prices, open positions, today's P&L). The declaration only; the
 * implementation (`handlers/Status.ts`) loads when the command runs.
 *
 * @since 0.1.0
 */
import { Command, Flag } from "effect/cli"
import { lazy } from "./Lazy.ts"

/** @category commands */
export const statusCommand = Command.make(
  "status",
  {
    json: Flag.Boolean("json").pipe(Flag.withDescription("the same figures as one JSON object"), Flag.withDefault(false)),
    url: Flag.String("url").pipe(Flag.withDescription("admin endpoint of the instance (default: from the data directory or admin.port)"), Flag.optional)
  },
  (input) => lazy(() => import("./handlers/Status.ts"), (m) => m.status(input))
).pipe(Command.withDescription("One screen of a running instance: trading state, games in play with prices, open positions, today's P&L"))
