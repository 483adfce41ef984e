/**
 * The layers every command starts from: the effective configuration (from the shared flags, the
 * environment and the config file) and the logger it selects.
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import { AppConfig } from "../../services/config/AppConfig.ts"
import * as Logging from "../Logging.ts"
import type { CliInputs } from "../../services/config/AppConfig.ts"
import { cliInputs } from "./Root.ts"

/**
 * `AppConfig` plus logging; `stderr` routes logs away from a command's data output.
 *
 * @category layers
 */
export const configuredFrom = <R>(options: { readonly stderr: boolean }, inputs: Effect.Effect<CliInputs, never, R>) =>
  Layer.unwrap(
    Effect.map(inputs, (cli) => {
      const config = AppConfig.layer(cli)
      return Layer.provideMerge(Layer.unwrap(Effect.map(AppConfig, ({ config }) => Logging.layer(config.log, options))), config)
    })
  )

/** {@link configuredFrom} with the shared flags of the running subcommand. @category layers */
export const configured = (options: { readonly stderr: boolean }) => configuredFrom(options, cliInputs)
