/**
 * Waiting on a condition instead of sleeping a fixed time: re-runs an effect until its result
 * passes, or fails the test with the last value seen.
 */
import { Duration, Effect } from "effect"

export const eventually = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  ok: (a: A) => boolean,
  options: { readonly timeout?: Duration.Input; readonly what?: string } = {}
): Effect.Effect<A, E | Error, R> =>
  Effect.gen(function*() {
    const deadline = Date.now() + Duration.toMillis(Duration.fromInputUnsafe(options.timeout ?? "5 seconds"))
    let last: A | undefined
    while (Date.now() < deadline) {
      last = yield* effect
      if (ok(last)) return last
      yield* Effect.sleep("10 millis")
    }
    return yield* Effect.fail(new Error(`timed out waiting for ${options.what ?? "a condition"}; last value: ${JSON.stringify(last)}`))
  })

/** Waits until a plain predicate holds. */
export const until = (predicate: () => boolean, what: string, timeout: Duration.Input = "5 seconds") =>
  Effect.asVoid(eventually(Effect.sync(predicate), (b) => b, { timeout, what }))
