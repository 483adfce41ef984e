/**
 * Polymarket has no sequence numbers, so a lost `price_change` cannot be seen on the socket. With
 * the fake venue losing 10% of its changes (seeded), through the feed and the hub:
 *
 * - a loss that moves the top is caught by the next change's best bid/ask (or a `best_bid_ask`
 *   event) and the book is resynced;
 * - a ghost level below the top is caught by the validation against REST within the validation
 *   interval, and the book is replaced;
 * - at the end every served book equals the venue's, level by level;
 * - a quiet book ages (its freshness is its own last message or agreeing validation, not the
 *   socket's pings), so the staleness rules stop trading on it.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { assert, describe, layer } from "@effect/vitest"
import { Duration, Effect, Layer } from "effect"
import type { OutcomeRef } from "../../../src/schema/Market.ts"
import { MarketDataHub } from "../../../src/services/marketdata/MarketDataHub.ts"
import { PolymarketClient } from "../../../src/services/polymarket/PolymarketClient.ts"
import { PolymarketFeed } from "../../../src/services/polymarket/PolymarketFeed.ts"
import { deadLetterLog } from "../../support/DeadLetterLog.ts"
import { eventually } from "../../support/Eventually.ts"
import { FakePolymarket, STREAM_ASSET } from "../../support/FakePolymarket.ts"
import { acquireFake } from "../../support/FakeVenue.ts"
import { collect, testLiveness } from "../../support/Liveness.ts"
import { seededRandom } from "../../support/Seeded.ts"

const MARKET = "0x285746de0e4f751fd4dc8f9dc2cecd0101ba9ad0096a43145ed9643b09514f01"
const outcome = { platform: "polymarket", marketId: MARKET, outcomeId: STREAM_ASSET } as OutcomeRef
const log = deadLetterLog()
const Infra = Layer.mergeAll(log.layer, NodeWS.layerWebSocketConstructor, NodeHttpClient.layerUndici)

const setup = (validation: { readonly quiet: Duration.Duration; readonly every: Duration.Duration }) =>
  Effect.gen(function*() {
    log.letters.length = 0
    const fake = yield* acquireFake(() => new FakePolymarket())
    const client = yield* PolymarketClient.make({ gammaUrl: fake.gammaUrl(), clobUrl: fake.httpUrl(), timeout: Duration.seconds(2), retries: 2, pageSize: 100, backoff: Duration.millis(10) })
    const feed = yield* PolymarketFeed.make({
      wsUrl: fake.wsUrl(),
      maxAssetsPerConnection: 200,
      pingInterval: Duration.millis(100),
      ...testLiveness,
      validateQuiet: validation.quiet,
      validateEvery: validation.every,
      validateDepth: 100
    }).pipe(Effect.provideService(PolymarketClient, client))
    const hub = yield* MarketDataHub.make([feed])
    const sub = yield* hub.subscribe([outcome])
    const c = collect(sub)
    yield* c.next((u) => u.live, "a live book")
    const served = Effect.gen(function*() {
      const latest = yield* sub.latest(outcome)
      const bids = yield* sub.depth(outcome, "bid", 1_000)
      const asks = yield* sub.depth(outcome, "ask", 1_000)
      return { live: latest?.live ?? false, bids: bids.map((l) => [l.price, l.size]), asks: asks.map((l) => [l.price, l.size]) }
    })
    const venue = () => ({ live: true, bids: fake.levels(STREAM_ASSET, "bids"), asks: fake.levels(STREAM_ASSET, "asks") })
    return { fake, sub, served, venue, ...c }
  })

const reasons = () => log.letters.map((l) => l.reason)

describe("Polymarket with 10% message loss", () => {
  layer(Infra, { excludeTestServices: true })((it) => {
    it.effect("400 changes, 10% lost: ghosts at the top are caught by best bid/ask, the rest by REST validation; the served book ends equal to the venue's", () =>
      Effect.gen(function*() {
        const { fake, served, venue } = yield* setup({ quiet: Duration.millis(300), every: Duration.millis(600) })
        fake.lossRate = 0.1
        const random = seededRandom(2026)
        // Bids between 0.250 and 0.349, asks between 0.350 and 0.449 on the 0.001 grid: they move
        // the top (best bid 0.300, best ask 0.397 to start) and below it, and never cross
        for (let i = 0; i < 400; i++) {
          const bid = random() < 0.5
          const price = ((bid ? 250 : 350) + Math.floor(random() * 100)) / 1000
          const size = random() < 0.3 ? "0" : String(1 + Math.floor(random() * 500))
          fake.priceChange(STREAM_ASSET, bid ? "BUY" : "SELL", String(price), size)
          if (i % 25 === 24) yield* Effect.sleep("20 millis")
        }
        assert.isAtLeast(fake.lost, 25)
        // Within the validation interval (and a generous margin for a busy machine), no ghost is left
        const sent = globalThis.performance.now()
        yield* eventually("the served book to equal the venue's", served, (s) => JSON.stringify(s) === JSON.stringify(venue()), "10 seconds")
        const settled = Math.round(globalThis.performance.now() - sent)
        const caught = reasons().filter((r) => r === "BestBidAskMismatch" || r === "ValidationMismatch" || r === "Crossed")
        assert.isAbove(caught.length, 0)
        console.log(`message loss: ${fake.lost} of 400 changes lost; resyncs on best bid/ask ${reasons().filter((r) => r === "BestBidAskMismatch" || r === "Crossed").length}, books replaced by REST validation ${reasons().filter((r) => r === "ValidationMismatch").length}; served book equal to the venue's ${settled} ms after the last change (validation quiet 300 ms)`)
      }))

    it.effect("a ghost level below the top (invisible to best bid/ask) is found by validation and removed", () =>
      Effect.gen(function*() {
        const { fake, served, venue } = yield* setup({ quiet: Duration.millis(400), every: Duration.seconds(60) })
        // The removal of a deep bid is lost: the client keeps a ghost at 0.253
        fake.lossRate = 1
        fake.priceChange(STREAM_ASSET, "BUY", "0.253", "0")
        fake.lossRate = 0
        // A later change at the top carries the right best bid/ask: it cannot see the ghost
        fake.priceChange(STREAM_ASSET, "SELL", "0.397", "150")
        const ghost = yield* eventually("the top change to arrive", served, (s) => s.asks[0]?.[1] === 150_000_000)
        assert.isTrue(ghost.bids.some(([p]) => p === 253_000), "the ghost is there")
        assert.notStrictEqual(JSON.stringify(ghost), JSON.stringify(venue()))
        assert.deepStrictEqual(reasons(), [])
        // Quiet for the validation delay: checked against REST, replaced, reported
        yield* eventually("validation to remove the ghost", served, (s) => JSON.stringify(s) === JSON.stringify(venue()), "10 seconds")
        assert.deepStrictEqual(reasons(), ["ValidationMismatch"])
        assert.match(log.letters[0]!.error, /^bid level \d+: ours 0\.253 x 400, venue .*; replaced by the REST book$/)
      }))

    it.effect("a best_bid_ask event that disagrees with the book resyncs it", () =>
      Effect.gen(function*() {
        const { fake, served, venue } = yield* setup({ quiet: Duration.seconds(60), every: Duration.seconds(60) })
        fake.lossRate = 1
        const best = fake.levels(STREAM_ASSET, "bids")[0]![0]
        fake.priceChange(STREAM_ASSET, "BUY", String(best / 1e6), "0") // the best bid leaves; the client does not hear of it
        fake.lossRate = 0
        fake.bestBidAsk(STREAM_ASSET)
        yield* eventually("the resynced book", served, (s) => JSON.stringify(s) === JSON.stringify(venue()), "10 seconds")
        assert.deepStrictEqual(reasons(), ["BestBidAskMismatch"])
      }))

    it.effect("a quiet book ages while the socket pings on; an agreeing validation vouches for it again", () =>
      Effect.gen(function*() {
        const quiet = yield* setup({ quiet: Duration.hours(1), every: Duration.hours(1) })
        const first = (yield* quiet.sub.latest(outcome))!.top.asOf
        yield* Effect.sleep("600 millis") // six PING/PONGs
        assert.strictEqual((yield* quiet.sub.latest(outcome))!.top.asOf, first, "pings do not refresh a Polymarket book")
        assert.isAtLeast((yield* quiet.sub.ageMillis(outcome))!, 500)
        const checked = yield* setup({ quiet: Duration.millis(200), every: Duration.hours(1) })
        const before = (yield* checked.sub.latest(outcome))!.top.asOf
        yield* eventually("an agreeing validation", checked.sub.latest(outcome), (u) => u!.top.asOf > before, "10 seconds")
        assert.deepStrictEqual(reasons(), [])
      }))
  })
})
