/**
 * `arbees match --espn FILE [--kalshi FILE] [--polymarket FILE]`: match a saved ESPN scoreboard to
 * saved venue listings, one JSON line per game. The declaration only; the implementation
 * (`handlers/Match.ts`) loads when the command runs.
 *
 * @since 0.1.0
 */
import { Command, Flag } from "effect/cli"
import { lazy } from "./Lazy.ts"
import { outputFlags } from "./Output.ts"

/** @category commands */
export const matchCommand = Command.make(
  "match",
  {
    espn: Flag.String("espn").pipe(Flag.withDescription("a saved ESPN scoreboard response"), Flag.withMetavar("FILE")),
    kalshi: Flag.String("kalshi").pipe(
      Flag.withDescription("a saved Kalshi /events?with_nested_markets=true or /markets response"),
      Flag.withMetavar("FILE"),
      Flag.optional
    ),
    polymarket: Flag.String("polymarket").pipe(Flag.withDescription("a saved Polymarket Gamma /events response"), Flag.withMetavar("FILE"), Flag.optional),
    ...outputFlags
  },
  (input) => lazy(() => import("./handlers/Match.ts"), (m) => m.match(input))
).pipe(Command.withDescription("Match the games of a saved ESPN scoreboard to their Kalshi and Polymarket moneyline markets"))
