/**
 * `arbees run` (also what `arbees` alone does).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Command } from "effect/cli"
import { run } from "../App.ts"
import type { CliInputs } from "../../services/config/AppConfig.ts"
import { configuredFrom } from "./Configured.ts"
import { cliInputs } from "./Root.ts"

/** The run program with the configuration from `inputs`. @category commands */
export const runProgram = <R>(inputs: Effect.Effect<CliInputs, never, R>) => run.pipe(Effect.provide(configuredFrom({ stderr: false }, inputs)))

/** @category commands */
export const runCommand = Command.make("run", {}, () => runProgram(cliInputs)).pipe(
  Command.withDescription("Run the trading runtime until SIGINT/SIGTERM (paper trading unless authorised)")
)
