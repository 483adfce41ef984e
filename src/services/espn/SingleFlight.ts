/**
 * Single-flight: concurrent calls for the same key share one execution.
 *
 * The first caller starts the work in the owner's scope; everyone who asks for the same key while
 * it runs waits for that result. A caller that is interrupted only stops waiting: the shared work
 * carries on for the others. Once it completes the key is free again, so the next call starts
 * fresh (this is de-duplication of concurrent requests, not a cache).
 *
 * @since 0.1.0
 */
import { Deferred, Effect, Exit, Scope } from "effect"

/** @category models */
export interface SingleFlight<A, E> {
  readonly run: <R>(key: string, work: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** Keys with work in flight (diagnostics and tests) */
  readonly inFlight: Effect.Effect<number>
}

/**
 * A single-flight group whose shared work runs in the current scope (closing it interrupts the
 * work and everyone waiting on it).
 *
 * @category constructors
 */
export const make = <A, E>(): Effect.Effect<SingleFlight<A, E>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    const flights = new Map<string, Deferred.Deferred<A, E>>()
    const run = <R>(key: string, work: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
      Effect.suspend(() => {
        const existing = flights.get(key)
        if (existing !== undefined) return Deferred.await(existing)
        const deferred = Deferred.makeUnsafe<A, E>()
        flights.set(key, deferred)
        return work.pipe(
          Effect.onExit((exit: Exit.Exit<A, E>) =>
            Effect.suspend(() => {
              flights.delete(key)
              return Deferred.done(deferred, exit)
            })
          ),
          Effect.forkIn(scope),
          Effect.andThen(Deferred.await(deferred))
        )
      })
    return { run, inFlight: Effect.sync(() => flights.size) }
  })
