/**
 * The one module allowed to read the machine's clock and randomness directly.
 *
 * Everything else reads time through Effect's `Clock` and randomness through `Random`, so a
 * simulation under `TestClock` (or a replay clock) is exact. This module exists for the few
 * places that run before or outside the Effect runtime; `npm run lint` rejects direct reads
 * anywhere else.
 *
 * @since 0.1.0
 */

/** Milliseconds since the epoch, from the machine. Not for use inside Effect code. @category unsafe */
export const unsafeWallClockMillis = (): number => Date.now()
