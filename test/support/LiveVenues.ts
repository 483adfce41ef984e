/**
 * The live venue adapters over the fake Kalshi and Polymarket servers, with the settings the tests
 * share, connected (their private channels subscribed) before they are returned.
 */
import { Duration, Effect, Redacted } from "effect"
import type { KeyObject } from "node:crypto"
import { KalshiRateLimiter } from "../../src/services/kalshi/KalshiRateLimiter.ts"
import { makeKalshiVenue } from "../../src/services/live/KalshiVenue.ts"
import { makePolymarketVenue, type PolymarketVenueConfig } from "../../src/services/live/PolymarketVenue.ts"
import type { PolymarketSigner } from "../../src/services/polymarket/PolymarketSigning.ts"
import { until } from "./Eventually.ts"
import type { FakeKalshi } from "./FakeKalshi.ts"
import type { FakePolymarketClob } from "./FakePolymarketClob.ts"

/** The Kalshi venue over a fake with order entry. */
export const kalshiOnFake = (fake: FakeKalshi, privateKey: KeyObject, timeout: Duration.Duration = Duration.millis(400)) =>
  Effect.gen(function*() {
    const made = yield* makeKalshiVenue({
      restUrl: fake.httpUrl("/trade-api/v2"),
      wsUrl: fake.wsUrl(),
      credentials: { keyId: Redacted.make("test-key"), privateKey },
      timeout,
      retries: 2,
      requestCost: 10,
      rateLimitPause: Duration.millis(20),
      silence: Duration.seconds(5),
      reconnectInitial: Duration.millis(50),
      reconnectMax: Duration.millis(200)
    }).pipe(Effect.provideServiceEffect(KalshiRateLimiter, KalshiRateLimiter.make({ readTokensPerSecond: 10_000, writeTokensPerSecond: 10_000, burstSeconds: 1 })))
    yield* until(() => made.connection.status().connected && fake.subscriptions.size === 2, "the private channels")
    return made
  })

/** The Polymarket venue over a fake CLOB; `extra`: the order journal hooks (`intentOf`, `beforeSend`). */
export const polymarketOnFake = (fake: FakePolymarketClob, signer: PolymarketSigner, extra: Pick<PolymarketVenueConfig, "intentOf" | "beforeSend"> = {}) =>
  Effect.gen(function*() {
    const made = yield* makePolymarketVenue({
      clobUrl: fake.httpUrl(),
      userWsUrl: fake.wsUrl(),
      dataUrl: fake.httpUrl(),
      signer,
      // The fake's first signature check warms up ethers; give the POST room on a busy machine
      timeout: Duration.millis(2_500),
      retries: 2,
      writesPerSecond: 100,
      silence: Duration.seconds(5),
      reconnectInitial: Duration.millis(50),
      reconnectMax: Duration.millis(200),
      pingInterval: Duration.seconds(1),
      ...extra
    })
    yield* until(() => made.connection.status().connected && fake.userSockets === 1, "the user channel")
    return made
  })
