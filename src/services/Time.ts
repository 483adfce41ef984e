/**
 * The current time in whole epoch milliseconds, from Effect's `Clock`.
 *
 * The live clock already reads whole milliseconds; a test clock that has slept a jittered,
 * fractional delay does not. Every timestamp arbees stores or sends is an integer, so time is read
 * through here.
 *
 * @since 0.1.0
 */
import { Clock, Effect } from "effect"

/** Epoch milliseconds, floored. @category time */
export const nowMillis: Effect.Effect<number> = Effect.map(Clock.currentTimeMillis, Math.floor)
