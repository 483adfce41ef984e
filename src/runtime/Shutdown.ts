/**
 * A hard deadline on shutdown.
 *
 * `NodeRuntime.runMain` turns SIGINT/SIGTERM into an interruption of the main fiber, and every
 * layer then closes in reverse order, each step bounded by its own timeout. This module adds the
 * outer bound: if the whole shutdown has not finished within `shutdown.deadline`, the process
 * exits 1 with one line saying so, instead of hanging until someone sends SIGKILL.
 *
 * @since 0.1.0
 */
import { Duration, Effect } from "effect"

/**
 * Arms the deadline on the first SIGINT/SIGTERM for as long as the current scope is open.
 *
 * @category shutdown
 */
export const armDeadline = (deadline: Duration.Duration) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      let timer: NodeJS.Timeout | undefined
      const onSignal = (signal: NodeJS.Signals) => {
        if (timer !== undefined) return
        timer = setTimeout(() => {
          process.stderr.write(`arbees: shutdown did not finish within ${Duration.format(deadline)} of ${signal}; exiting\n`)
          process.exit(1)
        }, Duration.toMillis(deadline))
        timer.unref()
      }
      process.on("SIGINT", onSignal)
      process.on("SIGTERM", onSignal)
      return () => {
        process.off("SIGINT", onSignal)
        process.off("SIGTERM", onSignal)
      }
    }),
    // Keep the deadline armed until the very end: the remove runs as the last finalizer
    (remove) => Effect.sync(remove)
  )
