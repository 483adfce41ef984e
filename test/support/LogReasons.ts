/**
 * The run-time half of "every warning has a non-empty reason" (issue 14): a logger that checks
 * each line with `emptyReason` (`src/runtime/Logging.ts`) and keeps the lines whose reason is
 * empty. `test/setup.ts` installs it for every test file and fails the test that logged one. (That
 * each call site in `src/` names a reason at all is `npm run lint`'s part.)
 */
import { Context, Logger, References } from "effect"
import { emptyReason, keptLoggers } from "../../src/runtime/Logging.ts"

const found: Array<string> = []

/** Checks every line it is given; keeps what breaks the rule. */
export const reasonAudit = Logger.make<unknown, void>(({ fiber, logLevel, message }) => {
  const problem = emptyReason({ logLevel, message, annotations: fiber.getRef(References.CurrentLogAnnotations) })
  if (problem !== undefined) found.push(problem)
})

/**
 * Adds the audit beside Effect's default loggers (every test that installs none) and to the app's
 * logging set-up (`Logging.layer`: the CLI in-process, the runtime). A test that installs its own
 * loggers with `Logger.layer` is not audited; `npm run lint` still checks its call sites.
 */
export const install = (): void => {
  // The default logger set is created once and shared by every fiber without its own loggers
  ;(Context.get(Context.empty(), References.CurrentLoggers) as Set<Logger.Logger<unknown, unknown>>).add(reasonAudit)
  keptLoggers.add(reasonAudit)
}

/** The lines that broke the rule since the last call. */
export const takeUnreasoned = (): Array<string> => found.splice(0)

/** Throws when a line broke the rule since the last check: the test that logged it fails. */
export const check = (): void => {
  const lines = takeUnreasoned()
  if (lines.length > 0) {
    throw new Error(`a warning or error was logged with an empty reason (issue 14; src/runtime/Logging.ts):\n${lines.map((l) => `  ${l}`).join("\n")}`)
  }
}
