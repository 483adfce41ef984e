/**
 * `arbees run` (also what `arbees` alone does), and `arbees record --out DIR`, which is `run`
 * recording every external response and WebSocket frame into DIR (`run --record DIR` too). The
 * declarations only; the runtime (`handlers/Run.ts`, `App.ts`) loads when the command runs.
 *
 * @since 0.1.0
 */
import { type Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import type { CliInputs } from "../../services/config/AppConfig.ts"
import { lazy } from "./Lazy.ts"
import { cliInputs } from "./Root.ts"

/** The run program with the configuration from `inputs`. @category commands */
export const runProgram = <R>(inputs: Effect.Effect<CliInputs, never, R>, record?: string) =>
  lazy(() => import("./handlers/Run.ts"), (m) => m.runProgram(inputs, record))

/** @category commands */
export const runCommand = Command.make("run", {
  record: Flag.String("record").pipe(
    Flag.withDescription("also record every ESPN and venue response and WebSocket frame into DIR (see `arbees replay`)"),
    Flag.withMetavar("DIR"),
    Flag.optional
  )
}, ({ record }) => runProgram(cliInputs, Option.getOrUndefined(record))).pipe(
  Command.withDescription("Run the trading runtime until SIGINT/SIGTERM (paper trading unless authorised)")
)

/** @category commands */
export const recordCommand = Command.make("record", {
  out: Flag.String("out").pipe(Flag.withDescription("directory for the recording (must not hold one)"), Flag.withMetavar("DIR"))
}, ({ out }) => runProgram(cliInputs, out)).pipe(
  Command.withDescription("Run (paper trading) and record every ESPN and venue response and WebSocket frame into DIR")
)
