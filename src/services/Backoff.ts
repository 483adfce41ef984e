/**
 * The one backoff formula arbees uses (actor restarts, Redis reconnects, consumer retries, the
 * outbox relay): exponential from `base`, capped at `max`, with jitter between half and all of the
 * delay so that many actors or consumers recovering from the same outage do not retry in lockstep.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Random } from "effect"

/**
 * The delay before retry number `attempt` (1-based), given a uniform `random` in [0, 1).
 *
 * @category backoff
 */
export const backoffMillis = (base: Duration.Duration, max: Duration.Duration, attempt: number, random: number): number => {
  const ms = Math.min(Duration.toMillis(max), Duration.toMillis(base) * 2 ** Math.min(Math.max(attempt, 1) - 1, 30))
  return Math.round(ms * (0.5 + random / 2))
}

/**
 * {@link backoffMillis} with randomness from `Random`.
 *
 * @category backoff
 */
export const backoff = (base: Duration.Duration, max: Duration.Duration, attempt: number): Effect.Effect<Duration.Duration> =>
  Effect.map(Random.next, (r) => Duration.millis(backoffMillis(base, max, attempt, r)))
