/**
 * Runs the CLI in this process, as `node dist/main.js` would but without starting a process:
 * the same command tree and error handling (`src/runtime/cli/Main.ts`), with its console captured
 * and its environment given. For tests of what a command does; tests where the process boundary is
 * the point (signals, exit codes, the Node version check) spawn `dist/main.js` (`Cli.ts`).
 */
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Console, Effect, Exit } from "effect"
import { CliEnv } from "../../src/runtime/cli/Configured.ts"
import { main } from "../../src/runtime/cli/Main.ts"
import type { CliResult } from "./Cli.ts"

const text = (args: ReadonlyArray<unknown>) => args.map((a) => (typeof a === "string" ? a : String(a))).join(" ") + "\n"

/**
 * Runs `args`; `env` replaces the process environment for configuration (nothing leaks in from
 * the caller). Relative paths are relative to the test process's directory.
 */
export const runCli = (args: ReadonlyArray<string>, env: Record<string, string> = {}): Effect.Effect<CliResult> =>
  Effect.gen(function*() {
    let stdout = ""
    let stderr = ""
    const console: Console.Console = Object.assign(Object.create(globalThis.console) as Console.Console, {
      log: (...a: ReadonlyArray<unknown>) => void (stdout += text(a)),
      info: (...a: ReadonlyArray<unknown>) => void (stdout += text(a)),
      error: (...a: ReadonlyArray<unknown>) => void (stderr += text(a)),
      warn: (...a: ReadonlyArray<unknown>) => void (stderr += text(a))
    })
    const exit = yield* main(args).pipe(
      Effect.provide(NodeServices.layer),
      Effect.provideService(Console.Console, console),
      Effect.provideService(CliEnv, { ARBEES_LOG_FORMAT: "json", ...env }),
      Effect.exit
    )
    return { code: Exit.isSuccess(exit) ? 0 : 1, signal: null, stdout, stderr }
  })

/** {@link runCli} as a promise. */
export const runCliPromise = (args: ReadonlyArray<string>, env: Record<string, string> = {}): Promise<CliResult> => Effect.runPromise(runCli(args, env))
