/**
 * The layers every command starts from: the effective configuration (from the shared flags, the
 * environment and the config file) and the logger it selects.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import { AppConfig } from "../../services/config/AppConfig.ts"
import * as Logging from "../Logging.ts"
import type { CliInputs } from "../../services/config/AppConfig.ts"
import { cliInputs } from "./Root.ts"

/**
 * The environment configuration is read from: the process's, unless a test runs the CLI
 * in-process with its own.
 *
 * @category configuration
 */
export const CliEnv = Context.Reference<Readonly<Record<string, string | undefined>>>("arbees/runtime/cli/CliEnv", {
  defaultValue: () => process.env
})

/**
 * `AppConfig` plus logging; `stderr` routes logs away from a command's data output.
 *
 * @category layers
 */
export const configuredFrom = <R>(options: { readonly stderr: boolean }, inputs: Effect.Effect<CliInputs, never, R>) =>
  Layer.unwrap(
    Effect.gen(function*() {
      const cli = yield* inputs
      const env = yield* CliEnv
      const config = AppConfig.layer(cli, env)
      return Layer.provideMerge(Layer.unwrap(Effect.map(AppConfig, ({ config }) => Logging.layer(config.log, options))), config)
    })
  )

/** {@link configuredFrom} with the shared flags of the running subcommand. @category layers */
export const configured = (options: { readonly stderr: boolean }) => configuredFrom(options, cliInputs)
