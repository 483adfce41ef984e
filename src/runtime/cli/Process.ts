/**
 * Runs the CLI as the process: platform services, signals, exit codes.
 *
 * `NodeRuntime.runMain` turns SIGINT/SIGTERM into an interruption of the main fiber; an
 * interruption that completes is a clean, signal-driven shutdown and exits 0.
 *
 * A supervisor may stop the process it started rather than this one: `npm start` is npm, then a
 * shell, then node. If our parent goes away without passing the signal on, we are an orphan still
 * holding the data directory and the admin port; so a parent that disappears is treated as
 * SIGTERM (one clean drain).
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Cause, Effect, Exit, Runtime } from "effect"
import { main } from "./Main.ts"

/** How often the parent is checked. @category constants */
export const PARENT_CHECK_MILLIS = 500

/** Sends ourselves SIGTERM once the process that started us is gone (we were re-parented). */
const followParent = (): void => {
  const parent = process.ppid
  // Started by init (a container's PID 1, or already orphaned): nothing to follow
  if (parent <= 1) return
  const timer = setInterval(() => {
    if (process.ppid === parent) return
    clearInterval(timer)
    process.kill(process.pid, "SIGTERM")
  }, PARENT_CHECK_MILLIS)
  timer.unref()
}

/** @category running */
export const start = (args: ReadonlyArray<string>): void => {
  followParent()
  NodeRuntime.runMain(main(args).pipe(Effect.provide(NodeServices.layer)), {
    disableErrorReporting: true,
    teardown: (exit, onExit) => {
      // An interruption here is a signal-driven shutdown that completed: success
      if (Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)) return onExit(0)
      Runtime.defaultTeardown(exit, onExit)
    }
  })
}
