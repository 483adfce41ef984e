/**
 * `arbees inspect`: decode a saved payload (an ESPN scoreboard or summary, captured Kalshi or
 * Polymarket WebSocket messages) the way the runtime would, and print what arbees makes of it as
 * JSON lines, to diagnose a feed change. Each subcommand is a module in `inspect/`.
 *
 * @since 0.1.0
 */
import { Command } from "effect/cli"
import { espnScoreboardCommand } from "./inspect/EspnScoreboard.ts"
import { espnSummaryCommand } from "./inspect/EspnSummary.ts"
import { kalshiWsCommand } from "./inspect/KalshiWs.ts"
import { polymarketWsCommand } from "./inspect/PolymarketWs.ts"

/** The payload kinds `inspect` understands. @category commands */
export const inspectSubcommands = [espnScoreboardCommand, espnSummaryCommand, kalshiWsCommand, polymarketWsCommand] as const

/** @category commands */
export const inspectCommand = Command.make("inspect").pipe(
  Command.withDescription("Decode a saved payload and print the normalised objects as JSON lines"),
  Command.withSubcommands(inspectSubcommands)
)
