/**
 * Supervision: restart a crashed actor with jittered exponential backoff, and escalate a crash
 * loop instead of spinning or taking the process down.
 *
 * Defects are caught (the effect is sandboxed, so a thrown exception is retried like a typed
 * failure), logged with the actor's identity and cause, and recorded in the diagnostics tree.
 * When an actor restarts `crashLoopRestarts` times within `crashLoopWindow`, `onCrashLoop` runs
 * once (a game actor halts its game for trading and raises an alert) and restarts continue at the
 * capped backoff. Interruption always stops the actor.
 *
 * @since 0.1.0
 */
import { Cause, Duration, Effect, Exit, Random } from "effect"
import type { Config } from "../services/config/AppConfig.ts"
import { backoffMillis } from "../services/Backoff.ts"
import { Diagnostics, type NodeKind, type NodeReport } from "../services/Diagnostics.ts"
import { describeFailure } from "../services/Failure.ts"
import { nowMillis } from "../services/Time.ts"

/** @category models */
export interface RestartPolicy {
  readonly initialBackoff: Duration.Duration
  readonly maxBackoff: Duration.Duration
  readonly crashLoopRestarts: number
  readonly crashLoopWindow: Duration.Duration
}

/** @category constructors */
export const policyFromConfig = (config: Config): RestartPolicy => config.supervision

/**
 * Records a restart at `now` and says whether it completes a crash loop (exactly once per loop:
 * the restart that reaches the threshold).
 *
 * @category policy
 */
export const recordRestart = (report: NodeReport, now: number, policy: RestartPolicy): boolean => {
  const window = Duration.toMillis(policy.crashLoopWindow)
  report.restartTimes = report.restartTimes.filter((t) => now - t < window)
  if (report.restartTimes[report.restartTimes.length - 1] !== now) report.restartTimes.push(now)
  return report.restartTimes.length === policy.crashLoopRestarts
}

const describeCause = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  const text = error instanceof Error ? error.message : typeof error === "object" && error !== null && "_tag" in error ? String((error as { _tag: unknown })._tag) : String(error)
  // Never empty: an error without a message is named by its chain (`describeFailure`)
  return text.trim() === "" ? describeFailure(error) : text
}

/**
 * Runs `actor` under supervision until it succeeds or is interrupted.
 *
 * @category supervision
 */
export const supervise = <A, E, R>(
  options: {
    readonly id: string
    readonly kind: NodeKind
    readonly parent?: string | undefined
    readonly policy: RestartPolicy
    /** Runs once when a crash loop is detected; its failures are logged, never propagated */
    readonly onCrashLoop?: Effect.Effect<void, unknown, R> | undefined
  },
  actor: Effect.Effect<A, E, R>
): Effect.Effect<A, never, R | Diagnostics> =>
  Effect.gen(function*() {
    const diagnostics = yield* Diagnostics
    const report = yield* diagnostics.register({ id: options.id, kind: options.kind, parent: options.parent })
    yield* Effect.addFinalizer(() => Effect.sync(() => void (report.status = "stopped")))
    let attempt = 0
    while (true) {
      if (report.status !== "halted") report.status = "running"
      const started = yield* nowMillis
      const exit = yield* Effect.exit(actor)
      if (Exit.isSuccess(exit)) {
        report.status = "stopped"
        return exit.value
      }
      if (Cause.hasInterruptsOnly(exit.cause)) return yield* Effect.interrupt
      const now = yield* nowMillis
      // A run that lasted longer than the longest backoff was healthy: start the backoff over
      if (now - started > Duration.toMillis(options.policy.maxBackoff)) attempt = 0
      report.restarts++
      report.lastError = { at: now, message: describeCause(exit.cause) }
      yield* Effect.logError("actor crashed; restarting", exit.cause).pipe(
        Effect.annotateLogs({ actor: options.id, restarts: report.restarts })
      )
      if (recordRestart(report, now, options.policy)) {
        report.status = "halted"
        yield* Effect.logError("actor is crash-looping; escalating").pipe(
          Effect.annotateLogs({ actor: options.id, restarts: report.restartTimes.length, reason: report.lastError.message })
        )
        if (options.onCrashLoop !== undefined) {
          yield* options.onCrashLoop.pipe(
            Effect.catchCause((cause) => Effect.logError("crash-loop escalation failed", cause).pipe(Effect.annotateLogs({ actor: options.id })))
          )
        }
      } else if (report.status !== "halted") {
        report.status = "backing_off"
      }
      const delay = backoffMillis(options.policy.initialBackoff, options.policy.maxBackoff, attempt + 1, yield* Random.next)
      attempt++
      yield* Effect.sleep(Duration.millis(delay))
    }
  }).pipe(Effect.scoped)
