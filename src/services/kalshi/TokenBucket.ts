/**
 * A token bucket, as pure functions over plain state, for Kalshi's per-class rate limits.
 *
 * Kalshi meters reads and writes in separate buckets (Basic tier: 200 read tokens/s, 100 write
 * tokens/s; most requests cost 10; a bucket holds a few seconds of budget). A caller *reserves*
 * its cost: the tokens are taken at once, possibly driving the balance negative, and the caller
 * waits until the balance would have covered it. Reservations therefore queue in arrival order and
 * no caller can starve another. A 429 `penalize`s the bucket: nothing is granted before the
 * penalty ends, whatever the balance.
 *
 * @since 0.1.0
 */

/** @category models */
export interface TokenBucket {
  /** The most tokens the bucket holds (the burst) */
  readonly capacity: number
  readonly refillPerSecond: number
  /** Current balance; negative while reservations wait */
  readonly tokens: number
  /** Epoch ms the balance was computed at */
  readonly updatedAt: number
  /** Epoch ms before which nothing is granted (after a 429) */
  readonly blockedUntil: number
}

/** A full bucket. @category constructors */
export const makeBucket = (capacity: number, refillPerSecond: number, now: number): TokenBucket => ({
  capacity,
  refillPerSecond,
  tokens: capacity,
  updatedAt: now,
  blockedUntil: 0
})

const refill = (bucket: TokenBucket, now: number): TokenBucket => {
  if (now <= bucket.updatedAt) return bucket
  const tokens = Math.min(bucket.capacity, bucket.tokens + ((now - bucket.updatedAt) * bucket.refillPerSecond) / 1000)
  return { ...bucket, tokens, updatedAt: now }
}

/**
 * Reserves `cost` tokens at `now`. Returns the new bucket and how long the caller must wait
 * before sending (0 when the tokens are there).
 *
 * @category operations
 */
export const reserve = (bucket: TokenBucket, cost: number, now: number): { readonly bucket: TokenBucket; readonly waitMillis: number } => {
  const filled = refill(bucket, now)
  const tokens = filled.tokens - cost
  const debtWait = tokens >= 0 ? 0 : Math.ceil((-tokens * 1000) / filled.refillPerSecond)
  const blockWait = Math.max(0, filled.blockedUntil - now)
  return { bucket: { ...filled, tokens }, waitMillis: Math.max(debtWait, blockWait) }
}

/**
 * After a 429: grant nothing for `millis`, and empty the balance so that the burst does not fire
 * again the moment the penalty ends.
 *
 * @category operations
 */
export const penalize = (bucket: TokenBucket, millis: number, now: number): TokenBucket => {
  const filled = refill(bucket, now)
  return { ...filled, tokens: Math.min(filled.tokens, 0), blockedUntil: Math.max(filled.blockedUntil, now + millis) }
}
