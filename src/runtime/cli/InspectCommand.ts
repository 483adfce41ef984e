/**
 * `arbees inspect`: decode a saved payload (an ESPN scoreboard or summary, captured Kalshi or
 * Polymarket WebSocket messages) the way the runtime would, and print what arbees makes of it (a
 * table on a terminal, JSON lines with `--json`), to diagnose a feed change. The declarations
 * only; each implementation is a module in `inspect/`, loaded when its command runs.
 *
 * @since 0.1.0
 */
import { Argument, Command, Flag } from "effect/cli"
import { League } from "../../schema/Sport.ts"
import { lazy } from "./Lazy.ts"
import { outputFlags } from "./Output.ts"

/** `--league`: overrides the league read from the payload. @category flags */
export const leagueFlag = Flag.Literals("league", League.literals).pipe(
  Flag.withDescription("the league, when the payload does not say (leagues[0].slug / header.league.slug)"),
  Flag.optional
)

/** @category commands */
export const espnScoreboardCommand = Command.make(
  "espn-scoreboard",
  {
    file: Argument.String("FILE").pipe(Argument.withDescription("a saved ESPN scoreboard (JSON)")),
    league: leagueFlag,
    ...outputFlags
  },
  (input) => lazy(() => import("./inspect/EspnScoreboard.ts"), (m) => m.inspectScoreboard(input))
).pipe(Command.withDescription("Decode a saved ESPN scoreboard and print one normalised game state per line"))

/** @category commands */
export const espnSummaryCommand = Command.make(
  "espn-summary",
  {
    file: Argument.String("FILE").pipe(Argument.withDescription("a saved ESPN game summary (JSON)")),
    league: leagueFlag,
    full: Flag.Boolean("full").pipe(Flag.withDescription("print each play's whole normalised state (JSON lines)"), Flag.withDefault(false)),
    ...outputFlags
  },
  (input) => lazy(() => import("./inspect/EspnSummary.ts"), (m) => m.inspectSummary(input))
).pipe(Command.withDescription("Decode a saved ESPN game summary: the game, then one line per play with ESPN's win probability"))

/** @category commands */
export const kalshiWsCommand = Command.make(
  "kalshi-ws",
  { file: Argument.String("FILE").pipe(Argument.withDescription("a JSON array or JSON-lines file of raw Kalshi WebSocket messages")), ...outputFlags },
  (input) => lazy(() => import("./inspect/KalshiWs.ts"), (m) => m.inspectKalshiFile(input))
).pipe(Command.withDescription("Replay raw Kalshi WebSocket messages through the order-book code; print each touched market's top of book"))

/** @category commands */
export const polymarketWsCommand = Command.make(
  "polymarket-ws",
  { file: Argument.String("FILE").pipe(Argument.withDescription("a JSON array or JSON-lines file of raw Polymarket market-channel messages")), ...outputFlags },
  (input) => lazy(() => import("./inspect/PolymarketWs.ts"), (m) => m.inspectPolymarketFile(input))
).pipe(Command.withDescription("Replay raw Polymarket market-channel messages through the order-book code; print each touched asset's top of book"))

/** The payload kinds `inspect` understands. @category commands */
export const inspectSubcommands = [espnScoreboardCommand, espnSummaryCommand, kalshiWsCommand, polymarketWsCommand] as const

/** @category commands */
export const inspectCommand = Command.make("inspect").pipe(
  Command.withDescription("Decode a saved payload and print the normalised objects (a table; JSON lines with --json)"),
  Command.withSubcommands(inspectSubcommands)
)
