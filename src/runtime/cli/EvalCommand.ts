/**
 * `arbees eval winprob`: measures the win-probability models offline and prints JSON. The
 * declaration only; the implementation (`handlers/Eval.ts`) loads when the command runs.
 *
 * @since 0.1.0
 */
import { Argument, Command, Flag } from "effect/cli"
import { lazy } from "./Lazy.ts"

/** @category commands */
export const winprobEvalCommand = Command.make(
  "winprob",
  {
    summary: Flag.File("summary", { mustExist: true }).pipe(
      Flag.withDescription("an ESPN game summary (JSON) to replay; repeatable"),
      Flag.atLeast(0)
    ),
    soccer: Flag.Directory("soccer", { mustExist: true }).pipe(
      Flag.withDescription("directory with intl_results.csv and intl_goalscorers.csv"),
      Flag.optional
    ),
    spreads: Flag.File("spreads", { mustExist: true }).pipe(
      Flag.withDescription("an NFL (profb) or NCAAB (pntsprd) spread file; repeatable"),
      Flag.atLeast(0)
    ),
    files: Argument.File("file", { mustExist: true }).pipe(
      Argument.withDescription("more ESPN summaries, as after --summary"),
      Argument.atLeast(0)
    )
  },
  (input) => lazy(() => import("./handlers/Eval.ts"), (m) => m.winprob(input))
).pipe(Command.withDescription("Score the win-probability models on ESPN summaries, soccer goal timelines and spread files (JSON)"))

/** @category commands */
export const evalCommand = Command.make("eval").pipe(
  Command.withDescription("Offline evaluations"),
  Command.withSubcommands([winprobEvalCommand])
)
