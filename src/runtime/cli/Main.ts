/**
 * The CLI as one program: parse `args`, run the command, and turn a failure into one line on
 * stderr (`arbees: ...`; the full cause only at debug log level). `src/main.ts` runs it as the
 * process; tests run it in-process with their own console and environment.
 *
 * @since 0.1.0
 */
import { Cause, Console, Effect } from "effect"
import { Command } from "effect/cli"
import { cli, VERSION } from "./Cli.ts"
import { CliEnv } from "./Configured.ts"
import { causeChain } from "../../services/Failure.ts"

const debugRequested = (args: ReadonlyArray<string>, env: Readonly<Record<string, string | undefined>>): boolean =>
  /--log-level[ =](debug|trace|all)\b/.test(args.join(" ")) || /^(debug|trace|all)$/.test(env["ARBEES_LOG_LEVEL"] ?? "")

/** One line for a failure: our tagged errors carry a readable message. @category errors */
export const describe = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  if (typeof error === "object" && error !== null) {
    const e = error as { message?: unknown; reason?: { message?: unknown }; _tag?: unknown; cause?: { message?: unknown } }
    if (typeof e.reason?.message === "string" && e.reason.message !== "") return e.reason.message
    if (typeof e.message === "string" && e.message !== "") return e.message
    // Platform errors (ServeError, ...) carry the useful part in their cause
    if (typeof e.cause?.message === "string") return `${typeof e._tag === "string" ? e._tag + ": " : ""}${e.cause.message}`
    if (typeof e._tag === "string") return e._tag
  }
  return String(error)
}

const usageError = /^(ShowHelp|MissingOption|MissingArgument|InvalidValue|UnrecognizedOption|UnknownSubcommand|DuplicateOption)$/

/**
 * Runs the command line `args` (without `node` and the script).
 *
 * @category running
 */
export const main = (args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const env = yield* CliEnv
    return yield* Command.runWith(cli, { version: VERSION })(args).pipe(
      Effect.tapCause((cause) => {
        if (Cause.hasInterruptsOnly(cause)) return Effect.void
        // The CLI already printed its own usage errors and help
        const squashed = Cause.squash(cause) as { _tag?: string }
        if (typeof squashed?._tag === "string" && usageError.test(squashed._tag)) return Effect.void
        const line = `arbees: ${describe(cause)}`
        // Debug adds the cause chain under the line, never instead of it
        return Console.error(debugRequested(args, env) ? [line, ...causeChain(cause).map((c) => `  caused by: ${c}`)].join("\n") : line)
      })
    )
  })
