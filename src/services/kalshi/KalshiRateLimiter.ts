/**
 * Kalshi's request budget, one token bucket per class (read, write), shared by every caller in the
 * process: the REST client, the batch order-book fetches and, later, order entry all draw from the
 * same buckets, so no caller can spend another's budget.
 *
 * @since 0.1.0
 */
import { Context, Duration, Effect, Layer, Ref } from "effect"
import { AppConfig } from "../config/AppConfig.ts"
import { makeBucket, penalize, reserve, type TokenBucket } from "./TokenBucket.ts"
import { nowMillis } from "../Time.ts"

/** @category models */
export type RequestClass = "read" | "write"

/** @category models */
export interface RateLimits {
  readonly readTokensPerSecond: number
  readonly writeTokensPerSecond: number
  /** Seconds of budget a full bucket holds (the burst) */
  readonly burstSeconds: number
}

/** @category services */
export class KalshiRateLimiter extends Context.Service<KalshiRateLimiter, {
  /** Waits until `cost` tokens of the class are available, and takes them. */
  readonly acquire: (kind: RequestClass, cost: number) => Effect.Effect<void>
  /** After a 429: grant nothing in this class for `millis`. */
  readonly penalize: (kind: RequestClass, millis: number) => Effect.Effect<void>
}>()("arbees/services/kalshi/KalshiRateLimiter") {
  /** Buckets with the given limits. */
  static readonly make = (limits: RateLimits) =>
    Effect.gen(function*() {
      const now = yield* nowMillis
      const buckets = yield* Ref.make<Record<RequestClass, TokenBucket>>({
        read: makeBucket(limits.readTokensPerSecond * limits.burstSeconds, limits.readTokensPerSecond, now),
        write: makeBucket(limits.writeTokensPerSecond * limits.burstSeconds, limits.writeTokensPerSecond, now)
      })
      const acquire = Effect.fnUntraced(function*(kind: RequestClass, cost: number) {
        const at = yield* nowMillis
        const wait = yield* Ref.modify(buckets, (all) => {
          const { bucket, waitMillis } = reserve(all[kind], cost, at)
          return [waitMillis, { ...all, [kind]: bucket }]
        })
        if (wait > 0) yield* Effect.sleep(Duration.millis(wait))
      })
      const penalizeClass = Effect.fnUntraced(function*(kind: RequestClass, millis: number) {
        const at = yield* nowMillis
        yield* Ref.update(buckets, (all) => ({ ...all, [kind]: penalize(all[kind], millis, at) }))
      })
      return KalshiRateLimiter.of({ acquire, penalize: penalizeClass })
    })

  /** From `kalshi.readTokensPerSecond`, `kalshi.writeTokensPerSecond` and `kalshi.burstSeconds`. */
  static readonly layer: Layer.Layer<KalshiRateLimiter, never, AppConfig> = Layer.effect(
    KalshiRateLimiter,
    Effect.flatMap(AppConfig, ({ config }) =>
      KalshiRateLimiter.make({
        readTokensPerSecond: config.kalshi.readTokensPerSecond,
        writeTokensPerSecond: config.kalshi.writeTokensPerSecond,
        burstSeconds: config.kalshi.burstSeconds
      }))
  )
}
