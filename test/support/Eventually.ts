/**
 * Waiting on a condition instead of sleeping: polls a check until it holds, and fails with what
 * was awaited (and the last observed value) when it does not within the timeout.
 *
 * Two call shapes: `eventually(what, check, holds, timeout?)` and
 * `eventually(check, holds, { what?, timeout? })`.
 */
import { Duration, Effect } from "effect"

const poll = <A, E, R>(what: string, check: Effect.Effect<A, E, R>, holds: (a: A) => boolean, timeout: Duration.Input) =>
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

export function eventually<A, E, R>(what: string, check: Effect.Effect<A, E, R>, holds: (a: A) => boolean, timeout?: Duration.Input): Effect.Effect<A, E | Error, R>
export function eventually<A, E, R>(
  check: Effect.Effect<A, E, R>,
  holds: (a: A) => boolean,
  options?: { readonly timeout?: Duration.Input; readonly what?: string }
): Effect.Effect<A, E | Error, R>
export function eventually<A, E, R>(...args: ReadonlyArray<any>): Effect.Effect<A, E | Error, R> {
  if (typeof args[0] === "string") return poll(args[0], args[1], args[2], args[3] ?? "10 seconds")
  const options = (args[2] ?? {}) as { readonly timeout?: Duration.Input; readonly what?: string }
  return poll(options.what ?? "a condition", args[0], args[1], options.timeout ?? "5 seconds")
}

/** Waits until a plain predicate holds. */
export const until = (predicate: () => boolean, what: string, timeout: Duration.Input = "5 seconds") =>
  Effect.asVoid(eventually(what, Effect.sync(predicate), (b) => b, timeout))
