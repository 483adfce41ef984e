/**
 * `arbees run` (also what `arbees` alone does). The declaration only; the runtime
 * (`handlers/Run.ts`, `App.ts`) loads when the command runs.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import { Command } from "effect/cli"
import type { CliInputs } from "../../services/config/AppConfig.ts"
import { lazy } from "./Lazy.ts"
import { cliInputs } from "./Root.ts"

/** The run program with the configuration from `inputs`. @category commands */
export const runProgram = <R>(inputs: Effect.Effect<CliInputs, never, R>) => lazy(() => import("./handlers/Run.ts"), (m) => m.runProgram(inputs))

/** @category commands */
export const runCommand = Command.make("run", {}, () => runProgram(cliInputs)).pipe(
  Command.withDescription("Run the trading runtime until SIGINT/SIGTERM (paper trading unless authorised)")
)
