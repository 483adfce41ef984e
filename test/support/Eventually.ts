/**
 * Waiting on a condition instead of sleeping: polls `check` until it holds, and fails with
 * `what` (and the last observed value) when it does not within `timeout`.
 */
import { Duration, Effect } from "effect"

export const eventually = <A, E, R>(
  what: string,
  check: Effect.Effect<A, E, R>,
  holds: (a: A) => boolean,
  timeout: Duration.Input = "10 seconds"
): Effect.Effect<A, E | Error, R> =>
  Effect.gen(function*() {
    const deadline = Duration.toMillis(Duration.fromInputUnsafe(timeout))
    const started = globalThis.performance.now()
    while (true) {
      const value = yield* check
      if (holds(value)) return value
      if (globalThis.performance.now() - started > deadline) {
        return yield* Effect.fail(new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`))
      }
      yield* Effect.sleep("10 millis")
    }
  })
