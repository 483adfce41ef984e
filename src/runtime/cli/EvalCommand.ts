/**
 * `arbees eval winprob`: measures the win-probability models offline. The declaration only; the
 * implementation (`handlers/Eval.ts`) loads when the command runs.
 *
 * @since 0.1.0
 */
import { Argument, Command, Flag } from "effect/cli"
import { lazy } from "./Lazy.ts"
import { outputFlags } from "./Output.ts"

/** @category commands */
export const winprobEvalCommand = Command.make(
  "winprob",
  {
    summary: Flag.String("summary").pipe(
      Flag.withDescription("an ESPN game summary (JSON) to replay; repeatable"),
      Flag.atLeast(0)
    ),
    soccer: Flag.String("soccer").pipe(
      Flag.withDescription("directory with intl_results.csv and intl_goalscorers.csv"),
      Flag.optional
    ),
    spreads: Flag.String("spreads").pipe(
      Flag.withDescription("an NFL (profb) or NCAAB (pntsprd) spread file; repeatable"),
      Flag.atLeast(0)
    ),
    corpus: Flag.String("corpus").pipe(
      Flag.withDescription("a corpus directory built by scripts/winprob-corpus.ts"),
      Flag.optional
    ),
    recorded: Flag.Boolean("recorded").pipe(
      Flag.withDescription("the live system's own record: every finished game in the database's game_states, our published probability against ESPN's"),
      Flag.withDefault(false)
    ),
    since: Flag.String("since").pipe(
      Flag.withDescription("only games first recorded on or after this day, YYYY-MM-DD UTC (with --recorded)"),
      Flag.optional
    ),
    season: Flag.Int("season").pipe(Flag.withDescription("only games of this season (with --corpus); repeatable"), Flag.atLeast(0)),
    league: Flag.String("league").pipe(Flag.withDescription("only games of this league (with --corpus or --recorded); repeatable"), Flag.atLeast(0)),
    fit: Flag.Boolean("fit").pipe(
      Flag.withDescription("fit the calibration layer on the selected corpus games and print it (training seasons only)"),
      Flag.withDefault(false)
    ),
    ...outputFlags,
    files: Argument.String("file").pipe(
      Argument.withDescription("more ESPN summaries, as after --summary"),
      Argument.atLeast(0)
    )
  },
  (input) => lazy(() => import("./handlers/Eval.ts"), (m) => m.winprob(input))
).pipe(Command.withDescription("Score the win-probability models on ESPN summaries, soccer goal timelines, spread files, a corpus or the live record (a table; JSON with --json)"))

/** @category commands */
export const evalCommand = Command.make("eval").pipe(
  Command.withDescription("Offline evaluations"),
  Command.withSubcommands([winprobEvalCommand])
)
