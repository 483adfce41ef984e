/**
 * Structured logging: JSON lines for machines, a readable format on a terminal.
 *
 * `arbees run` logs to stdout. Commands whose stdout is data (`config --json`, `inspect`, `match`,
 * `eval`) log to stderr, so their output stays machine-readable.
 *
 * Every warning and error says why (issue 14): a cause, a `reason` (or `error`, `cause`)
 * annotation, or a "what: why" message, and none of them empty. `npm run lint` checks that each
 * call site in `src/` names one (`scripts/log-reasons.ts`); {@link emptyReason} checks each line as
 * it is logged that what it names is not empty, and the test suite runs it on every line
 * (`test/setup.ts`).
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

/** The annotations that carry a line's reason. @category reasons */
export const REASON_KEYS: ReadonlyArray<string> = ["reason", "error", "cause"]

/** A message that says why: text after a colon. @category reasons */
export const SAYS_WHY = /:\s*\S/

const needsReason: ReadonlySet<LogLevel.LogLevel> = new Set(["Warn", "Error", "Fatal"])

/** A reason with nothing in it: blank, or a label whose text is missing (`"fee terms unavailable: "`). */
const blank = (text: string): boolean => text.trim() === "" || /:\s*$/.test(text)

/**
 * Why a logged warning or error gives an empty reason: a blank message, a message that stops
 * after its label (`"ESPN unreachable: "`), or a blank `reason`, `error` or `cause` annotation.
 * Undefined when it gives none of these (and for every line below warning).
 *
 * Whether a line names a reason at all is checked at its call site by `npm run lint`: a line from a
 * library (the cluster's `No healthy runners available`) cannot carry our annotations.
 *
 * @category reasons
 */
export const emptyReason = (line: {
  readonly logLevel: LogLevel.LogLevel
  readonly message: unknown
  readonly annotations: Readonly<Record<string, unknown>>
}): string | undefined => {
  if (!needsReason.has(line.logLevel)) return undefined
  const parts: ReadonlyArray<unknown> = Array.isArray(line.message) ? line.message : [line.message]
  const text = parts.map((p) => (typeof p === "string" ? p : p === undefined || p === null ? "" : String(p))).join(" ")
  if (text.trim() === "") return "the message is empty"
  if (blank(text)) return `the message ends before its reason: ${JSON.stringify(text)}`
  for (const key of REASON_KEYS) {
    const value = line.annotations[key]
    if (value !== undefined && (value === null || blank(String(value)))) return `its ${key} is empty: ${JSON.stringify(text)} with ${key} ${JSON.stringify(value)}`
  }
  return undefined
}

/**
 * Loggers every logging set-up here keeps beside the configured one: none in production; the
 * test suite adds its reason check (`test/setup.ts`), so lines of in-process commands are checked.
 *
 * @category logging
 */
export const keptLoggers: Set<Logger.Logger<unknown, unknown>> = new Set()

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
    Logger.layer([logger, ...keptLoggers]),
    Layer.succeed(References.MinimumLogLevel, levels[log.level]),
    Layer.succeed(Logger.LogToStderr, options.stderr)
  )
}
