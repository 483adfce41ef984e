/**
 * The implementation of `arbees run` (also what `arbees` alone does) and `arbees record`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { runWith } from "../../App.ts"
import type { CliInputs } from "../../../services/config/AppConfig.ts"
import { configuredFrom } from "../Configured.ts"

/** The run program with the configuration from `inputs`, recording into `record` if given. @category commands */
export const runProgram = <R>(inputs: Effect.Effect<CliInputs, never, R>, record?: string) =>
  runWith({ record }).pipe(Effect.provide(configuredFrom({ stderr: false }, inputs)))
