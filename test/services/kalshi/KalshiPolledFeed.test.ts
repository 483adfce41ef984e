/**
 * Kalshi books without an API key: polled from the public REST order books of the fake Kalshi
 * (which refuses unsigned WebSocket handshakes and batch requests), served live and marked
 * `polled`, aged by their poll time, and shown as a polled `feed:kalshi` node in the diagnostics.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { assert, describe, layer } from "@effect/vitest"
import { Duration, Effect, Layer } from "effect"
import { generateKeyPairSync } from "node:crypto"
import type { OutcomeRef } from "../../../src/schema/Market.ts"
import { DeadLetters } from "../../../src/services/DeadLetters.ts"
import { Diagnostics } from "../../../src/services/Diagnostics.ts"
import { KalshiClient } from "../../../src/services/kalshi/KalshiClient.ts"
import { KalshiFeed } from "../../../src/services/kalshi/KalshiFeed.ts"
import { KalshiRateLimiter } from "../../../src/services/kalshi/KalshiRateLimiter.ts"
import { MarketDataHub } from "../../../src/services/marketdata/MarketDataHub.ts"
import { eventually } from "../../support/Eventually.ts"
import { FakeKalshi } from "../../support/FakeKalshi.ts"
import { acquireFake, json } from "../../support/FakeVenue.ts"
import { collect, testLiveness } from "../../support/Liveness.ts"

const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
const TB = "KXMLBGAME-26OCT072000TBNYY-TB"
const NYY = "KXMLBGAME-26OCT072000TBNYY-NYY"
const yes = (ticker: string): OutcomeRef => ({ platform: "kalshi", marketId: ticker, outcomeId: "yes" }) as OutcomeRef

const Infra = Layer.mergeAll(DeadLetters.layerLog, NodeWS.layerWebSocketConstructor, NodeHttpClient.layerUndici, Diagnostics.layer)

const setup = Effect.gen(function*() {
  const fake = yield* acquireFake(() => new FakeKalshi({ publicKey }))
  const client = yield* KalshiClient.make({
    restUrl: fake.httpUrl("/trade-api/v2"),
    timeout: Duration.seconds(2),
    retries: 0,
    requestCost: 10,
    rateLimitPause: Duration.millis(20),
    credentials: undefined
  }).pipe(Effect.provideServiceEffect(KalshiRateLimiter, KalshiRateLimiter.make({ readTokensPerSecond: 200, writeTokensPerSecond: 100, burstSeconds: 3 })))
  const feed = yield* KalshiFeed.make({
    wsUrl: fake.wsUrl(),
    credentials: undefined,
    sideChannels: [],
    ...testLiveness,
    poll: { client, interval: Duration.millis(150), staleAfter: Duration.seconds(1) }
  })
  const hub = yield* MarketDataHub.make([feed])
  const sub = yield* hub.subscribe([yes(TB), yes(NYY)])
  return { fake, hub, sub, ...collect(sub) }
})

describe("Kalshi books without an API key", () => {
  layer(Infra, { excludeTestServices: true })((it) => {
    it.effect("are polled from the public REST order books, live and marked polled, and follow the venue", () =>
      Effect.gen(function*() {
        const { fake, hub, next, sub } = yield* setup
        const seen = yield* next((u) => u.live && u.top.outcome.marketId === TB, "a live polled book")
        assert.isTrue(seen.filter((u) => u.live).every((u) => u.polled === true))
        const first = (yield* sub.latest(yes(TB)))!
        assert.strictEqual(first.polled, true)
        assert.deepStrictEqual([first.top.bid?.price, first.top.bid?.size, first.top.ask?.price], [420_000, 13_000_000, 440_000])
        assert.strictEqual(fake.connections, 0, "no WebSocket without a key")
        assert.isTrue(fake.requestsTo("/orderbook").every((r) => r.headers["kalshi-access-signature"] === undefined))
        // The venue's book moves: the next poll serves it
        fake.setBook(TB, [["0.4500", "20.00"]], [["0.5300", "4.00"]])
        yield* next((u) => u.top.outcome.marketId === TB && u.top.bid?.price === 450_000, "the polled book to follow the venue")
        const moved = (yield* sub.latest(yes(TB)))!
        assert.deepStrictEqual([moved.top.ask?.price, moved.top.ask?.size], [470_000, 4_000_000])
        assert.deepStrictEqual((yield* sub.depth(yes(TB), "bid", 5)).map((l) => [l.price, l.size]), [[450_000, 20_000_000]])
        const status = yield* hub.status
        assert.deepStrictEqual(status.connections.map((c) => [c.platform, c.mode, c.connected]), [["kalshi", "polled", true]])
      }))

    it.effect("a book is as fresh as its last poll: failing polls age it; the diagnostics show a polled feed", () =>
      Effect.gen(function*() {
        const { fake, next, sub } = yield* setup
        yield* next((u) => u.live, "a live polled book")
        const diagnostics = yield* Diagnostics
        const node = yield* eventually("the feed:kalshi node to show polls", Effect.sync(() => diagnostics.get("feed:kalshi")), (n) => n !== undefined && n.details["books"] === 2)
        assert.deepStrictEqual([node!.details["mode"], node!.details["pollIntervalMs"], node!.details["books"]], ["polled", 150, 2])
        // Each tracked market's book: live, polled, when, and its YES bid and ask
        const markets = node!.details["markets"] as Array<{ ticker: string; live: boolean; polled: boolean; polledAt: number; yesBid?: string; yesAsk?: string }>
        assert.deepStrictEqual(markets.map((m) => [m.ticker, m.live, m.polled, m.polledAt > 0]).sort(), [[NYY, true, true, true], [TB, true, true, true]])
        assert.deepStrictEqual([markets.find((m) => m.ticker === TB)!.yesBid, markets.find((m) => m.ticker === TB)!.yesAsk], ["0.42", "0.44"])
        yield* eventually("the book to be re-polled", sub.ageMillis(yes(TB)), (age) => age !== undefined && age < 150)
        fake.failNext(1_000, json({ error: { code: "internal", message: "down" } }, 503), "/orderbook")
        const stale = yield* eventually("the book to age past two intervals", sub.ageMillis(yes(TB)), (age) => age !== undefined && age > 600, "10 seconds")
        assert.isAbove(stale!, 600)
        yield* eventually("the node to count failed polls", Effect.sync(() => diagnostics.get("feed:kalshi")!.details["failedPolls"]), (n) => Number(n ?? 0) >= 2)
      }))
  })
})
