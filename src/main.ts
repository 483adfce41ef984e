#!/usr/bin/env node
/**
 * Entry point: `node dist/main.js <command>`.
 *
 * Signals interrupt the main fiber and every layer shuts down in order; a signal-driven shutdown
 * that completes exits 0. A failure prints one line (the full cause only at debug log level) and
 * exits 1.
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Cause, Console, Effect, Exit, Runtime } from "effect"
import { Command } from "effect/cli"
import { cli, VERSION } from "./runtime/cli/Cli.ts"

const debugRequested = (): boolean => {
  const argv = process.argv.join(" ")
  return /--log-level[ =](debug|trace|all)\b/.test(argv) || /^(debug|trace|all)$/.test(process.env["ARBEES_LOG_LEVEL"] ?? "")
}

/** One line for a failure: our tagged errors carry a readable message. */
const describe = (cause: Cause.Cause<unknown>): string => {
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

const program = Command.run(cli, { version: VERSION }).pipe(
  Effect.tapCause((cause) => {
    if (Cause.hasInterruptsOnly(cause)) return Effect.void
    // The CLI already printed its own usage errors and help
    const squashed = Cause.squash(cause) as { _tag?: string }
    if (typeof squashed?._tag === "string" && /^(ShowHelp|MissingOption|MissingArgument|InvalidValue|UnrecognizedOption|UnknownSubcommand|DuplicateOption)$/.test(squashed._tag)) {
      return Effect.void
    }
    return Console.error(debugRequested() ? Cause.pretty(cause) : `arbees: ${describe(cause)}`)
  }),
  Effect.provide(NodeServices.layer)
)

NodeRuntime.runMain(program, {
  disableErrorReporting: true,
  teardown: (exit, onExit) => {
    // An interruption here is a signal-driven shutdown that completed: success
    if (Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)) return onExit(0)
    Runtime.defaultTeardown(exit, onExit)
  }
})
