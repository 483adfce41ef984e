/**
 * The implementation of `arbees run` (also what `arbees` alone does).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { run } from "../../App.ts"
import type { CliInputs } from "../../../services/config/AppConfig.ts"
import { configuredFrom } from "../Configured.ts"

/** The run program with the configuration from `inputs`. @category commands */
export const runProgram = <R>(inputs: Effect.Effect<CliInputs, never, R>) => run.pipe(Effect.provide(configuredFrom({ stderr: false }, inputs)))
