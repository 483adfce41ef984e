/**
 * Kalshi books checked against the batched REST order books: a live book that no longer matches
 * the venue's (a divergence the sequence numbers did not show) is reported and resubscribed, and
 * the fresh snapshot is served; a book that matches stays as it is.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { assert, describe, layer } from "@effect/vitest"
import { Duration, Effect, Layer, Logger, Redacted } from "effect"
import { generateKeyPairSync } from "node:crypto"
import type { OutcomeRef } from "../../../src/schema/Market.ts"
import { KalshiClient } from "../../../src/services/kalshi/KalshiClient.ts"
import { KalshiFeed } from "../../../src/services/kalshi/KalshiFeed.ts"
import { KalshiRateLimiter } from "../../../src/services/kalshi/KalshiRateLimiter.ts"
import { MarketDataHub } from "../../../src/services/marketdata/MarketDataHub.ts"
import { deadLetterLog } from "../../support/DeadLetterLog.ts"
import { eventually } from "../../support/Eventually.ts"
import { FakeKalshi } from "../../support/FakeKalshi.ts"
import { acquireFake } from "../../support/FakeVenue.ts"
import { collect, testLiveness } from "../../support/Liveness.ts"

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
const TB = "KXMLBGAME-26OCT072000TBNYY-TB"
const yes = { platform: "kalshi", marketId: TB, outcomeId: "yes" } as OutcomeRef
const log = deadLetterLog()
const lines: Array<{ readonly level: string; readonly message: string }> = []
const Capture = Logger.layer([Logger.map(Logger.formatStructured, (l) => void lines.push({ level: l.level, message: String(l.message) }))])
const Infra = Layer.mergeAll(log.layer, NodeWS.layerWebSocketConstructor, NodeHttpClient.layerUndici)

describe("Kalshi books validated against REST", () => {
  layer(Infra, { excludeTestServices: true })((it) => {
    it.effect("a book that drifted from the venue's is reported, resubscribed and served fresh", () =>
      Effect.gen(function*() {
        log.letters.length = 0
        const fake = yield* acquireFake(() => new FakeKalshi({ publicKey, pingMillis: 100 }))
        const credentials = { keyId: Redacted.make("test-key"), privateKey }
        const client = yield* KalshiClient.make({ restUrl: fake.httpUrl("/trade-api/v2"), timeout: Duration.seconds(2), retries: 0, requestCost: 10, rateLimitPause: Duration.millis(20), credentials }).pipe(
          Effect.provideServiceEffect(KalshiRateLimiter, KalshiRateLimiter.make({ readTokensPerSecond: 10_000, writeTokensPerSecond: 10_000, burstSeconds: 1 }))
        )
        const feed = yield* KalshiFeed.make({ wsUrl: fake.wsUrl(), credentials, sideChannels: [], ...testLiveness, validate: { client, every: Duration.millis(300), depth: 100 } })
        const hub = yield* MarketDataHub.make([feed])
        const sub = yield* hub.subscribe([yes])
        yield* collect(sub).next((u) => u.live, "a live book")
        // Agreeing checks change nothing
        yield* eventually("a first validation", Effect.sync(() => fake.requestsTo("/markets/orderbooks").length), (n) => n >= 2, "10 seconds")
        assert.deepStrictEqual(log.letters, [])
        assert.strictEqual(fake.snapshotsSent, 1)
        // The venue's book moves without a delta on the stream
        fake.setBook(TB, [["0.4500", "20.00"]], [["0.5300", "4.00"]])
        const top = yield* eventually("the fresh snapshot", sub.latest(yes), (u) => u?.live === true && u.top.bid?.price === 450_000, "10 seconds")
        assert.strictEqual(top!.top.ask?.price, 470_000)
        assert.deepStrictEqual(log.letters.map((l) => [l.reason, l.context?.["market"]]), [["ValidationMismatch", TB]])
        assert.match(log.letters[0]!.error, /^yes level 1: ours 0\.42 x 13, venue 0\.45 x 20; resubscribed$/)
        assert.isTrue(fake.requestsTo("/markets/orderbooks").every((r) => typeof r.headers["kalshi-access-signature"] === "string"))
      }))

    it.effect("a validation that keeps failing is told once, not warned per attempt, and its end is told", () =>
      Effect.gen(function*() {
        lines.length = 0
        const fake = yield* acquireFake(() => new FakeKalshi({ publicKey, pingMillis: 100 }))
        const credentials = { keyId: Redacted.make("test-key"), privateKey }
        const client = yield* KalshiClient.make({ restUrl: fake.httpUrl("/trade-api/v2"), timeout: Duration.seconds(2), retries: 0, requestCost: 10, rateLimitPause: Duration.millis(20), credentials }).pipe(
          Effect.provideServiceEffect(KalshiRateLimiter, KalshiRateLimiter.make({ readTokensPerSecond: 10_000, writeTokensPerSecond: 10_000, burstSeconds: 1 }))
        )
        fake.failNext(8, { status: 503, body: { error: { code: "service_unavailable", message: "try later" } } }, "/markets/orderbooks")
        const feed = yield* KalshiFeed.make({ wsUrl: fake.wsUrl(), credentials, sideChannels: [], ...testLiveness, validate: { client, every: Duration.millis(150), depth: 100 } })
        const hub = yield* MarketDataHub.make([feed])
        const sub = yield* hub.subscribe([yes])
        yield* collect(sub).next((u) => u.live, "a live book")
        // eight failed checks, then one that answers
        yield* eventually("the validation back", Effect.sync(() => lines.filter((l) => l.message.startsWith("Kalshi REST book validation reachable again")).length), (n) => n === 1, "20 seconds")
        const told = lines.filter((l) => l.message.startsWith("Kalshi REST book validation"))
        assert.isAtLeast(fake.requestsTo("/markets/orderbooks").length, 9)
        assert.deepStrictEqual(told.map((l) => l.level), ["WARN", "INFO"], JSON.stringify(told))
        assert.match(told[0]!.message, /^Kalshi REST book validation unreachable: HTTP 503 /)
        // the REST client tells its own outage once too, never per attempt
        assert.isAtMost(lines.filter((l) => l.level === "WARN").length, 3, JSON.stringify(lines))
        assert.match(told[1]!.message, /^Kalshi REST book validation reachable again after \d+ s$/)
      }).pipe(Effect.provide(Capture)))
  })
})
