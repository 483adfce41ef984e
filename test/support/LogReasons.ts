/**
 * The run-time half of "every warning has a non-empty reason" (issue 14): a logger that checks
 * each line with `missingReason` (`src/runtime/Logging.ts`) and keeps the lines that break the
 * rule. `test/setup.ts` installs it for every test file and fails the test that logged one.
 */
import { Context, Logger, References } from "effect"
import { keptLoggers, missingReason } from "../../src/runtime/Logging.ts"

const found: Array<string> = []

/** Checks every line it is given; keeps what breaks the rule. */
export const reasonAudit = Logger.make<unknown, void>(({ cause, fiber, logLevel, message }) => {
  const problem = missingReason({ logLevel, message, cause, annotations: fiber.getRef(References.CurrentLogAnnotations) })
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
    throw new Error(`a warning or error was logged without a non-empty reason (issue 14; src/runtime/Logging.ts):\n${lines.map((l) => `  ${l}`).join("\n")}`)
  }
}
