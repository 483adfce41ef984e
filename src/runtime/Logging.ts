/**
 * Structured logging: JSON lines for machines, a readable format on a terminal.
 *
 * `arbees run` logs to stdout. Commands whose stdout is data (`config --json`, `inspect`, `match`,
 * `eval`) log to stderr, so their output stays machine-readable.
 *
 * @since 0.1.0
 */
import { Layer, Logger, type LogLevel, References } from "effect"
import type { Config } from "../services/config/AppConfig.ts"

const levels: Record<Config["log"]["level"], LogLevel.LogLevel> = {
  all: "All",
  trace: "Trace",
  debug: "Debug",
  info: "Info",
  warn: "Warn",
  error: "Error",
  fatal: "Fatal",
  none: "None"
}

/** Whether logs are written as JSON lines (vs pretty text). @category logging */
export const isJson = (format: Config["log"]["format"], stream: NodeJS.WriteStream): boolean =>
  format === "json" || (format === "auto" && stream.isTTY !== true)

/**
 * The logger and minimum level from the configuration.
 *
 * @category layers
 */
export const layer = (log: Config["log"], options: { readonly stderr: boolean }): Layer.Layer<never> => {
  const stream = options.stderr ? process.stderr : process.stdout
  const logger = isJson(log.format, stream)
    ? options.stderr ? Logger.withConsoleError(Logger.formatJson) : Logger.consoleJson
    : Logger.consolePretty({ colors: stream.isTTY === true })
  return Layer.mergeAll(
    Logger.layer([logger]),
    Layer.succeed(References.MinimumLogLevel, levels[log.level]),
    Layer.succeed(Logger.LogToStderr, options.stderr)
  )
}
