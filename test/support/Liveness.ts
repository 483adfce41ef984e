/**
 * Settings and helpers for the feed scenario tests: liveness timings short enough for tests (a
 * stall is declared after 400 ms), and a collector of a subscription's updates that waits for one
 * matching a condition.
 */
import { Duration, Effect, Queue } from "effect"
import type { BookSubscription, BookUpdate } from "../../src/services/marketdata/MarketDataHub.ts"
import { eventually } from "./Eventually.ts"

export const testLiveness = {
  silence: Duration.millis(400),
  checkEvery: Duration.millis(50),
  reconnectInitial: Duration.millis(50),
  reconnectMax: Duration.millis(200),
  snapshotTimeout: Duration.seconds(2)
} as const

/** Every update seen so far, and a wait for one that passes `ok`. */
export const collect = (sub: BookSubscription) => {
  const seen: Array<BookUpdate> = []
  const next = (ok: (u: BookUpdate) => boolean, what: string) =>
    eventually(Effect.map(Queue.takeAll(sub.updates), (batch) => (seen.push(...batch), seen)), (all) => all.some(ok), { what })
  return { seen, next }
}
