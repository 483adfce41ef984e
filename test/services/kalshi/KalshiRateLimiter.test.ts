import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { KalshiRateLimiter } from "../../../src/services/kalshi/KalshiRateLimiter.ts"
import { makeBucket, penalize, reserve } from "../../../src/services/kalshi/TokenBucket.ts"

describe("TokenBucket", () => {
  it("grants the burst at once, then makes each caller wait for its share of the refill", () => {
    let bucket = makeBucket(600, 200, 0) // Basic tier: 200 tokens/s, 3 s of budget
    for (let i = 0; i < 60; i++) {
      const r = reserve(bucket, 10, 0)
      assert.strictEqual(r.waitMillis, 0)
      bucket = r.bucket
    }
    const r61 = reserve(bucket, 10, 0)
    assert.strictEqual(r61.waitMillis, 50) // 10 tokens at 200/s
    const r62 = reserve(r61.bucket, 10, 0)
    assert.strictEqual(r62.waitMillis, 100) // queued behind the first
    const later = reserve(r62.bucket, 10, 1_000) // a second later the debt is repaid
    assert.strictEqual(later.waitMillis, 0)
  })

  it("never holds more than its capacity", () => {
    const r = reserve(makeBucket(600, 200, 0), 0, 60_000)
    assert.strictEqual(r.bucket.tokens, 600)
  })

  it("a 429 penalty blocks even a full bucket, and empties it", () => {
    const blocked = penalize(makeBucket(600, 200, 0), 2_000, 0)
    const r = reserve(blocked, 10, 500)
    assert.strictEqual(r.waitMillis, 1_500)
    assert.isTrue(r.bucket.tokens < 600)
  })
})

describe("KalshiRateLimiter", () => {
  it.effect("is shared: concurrent callers queue on one bucket per class, on the Clock", () =>
    Effect.gen(function*() {
      const limiter = yield* KalshiRateLimiter.make({ readTokensPerSecond: 200, writeTokensPerSecond: 100, burstSeconds: 1 })
      // 20 reads of 10 tokens drain the 200-token burst; the 21st and 22nd wait 50 and 100 ms
      for (let i = 0; i < 20; i++) yield* limiter.acquire("read", 10)
      const waiting = yield* Effect.forkChild(Effect.all([limiter.acquire("read", 10), limiter.acquire("read", 10)], { concurrency: "unbounded" }))
      // Writes have their own bucket and pass at once
      yield* limiter.acquire("write", 10)
      yield* TestClock.adjust("99 millis")
      assert.isUndefined(waiting.pollUnsafe())
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(waiting)
    }))

  it.effect("a penalty pauses the class", () =>
    Effect.gen(function*() {
      const limiter = yield* KalshiRateLimiter.make({ readTokensPerSecond: 200, writeTokensPerSecond: 100, burstSeconds: 3 })
      yield* limiter.penalize("read", 2_000)
      const fiber = yield* Effect.forkChild(limiter.acquire("read", 10))
      yield* TestClock.adjust("1999 millis")
      assert.isUndefined(fiber.pollUnsafe())
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
    }))
})
