import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { assert, describe, layer } from "@effect/vitest"
import { Duration, Effect, Layer } from "effect"
import type { OutcomeRef } from "../../../src/schema/Market.ts"
import { DeadLetters } from "../../../src/services/DeadLetters.ts"
import { type BookUpdate, MarketDataHub } from "../../../src/services/marketdata/MarketDataHub.ts"
import { PolymarketClient } from "../../../src/services/polymarket/PolymarketClient.ts"
import { PolymarketFeed, type PolymarketFeedConfig } from "../../../src/services/polymarket/PolymarketFeed.ts"
import { until } from "../../support/Eventually.ts"
import { FakePolymarket, type FakePolymarketOptions, STREAM_ASSET } from "../../support/FakePolymarket.ts"
import { acquireFake, json } from "../../support/FakeVenue.ts"
import { collect, testLiveness } from "../../support/Liveness.ts"

const MARKET = "0x285746de0e4f751fd4dc8f9dc2cecd0101ba9ad0096a43145ed9643b09514f01"
const BOOK_2026 = "55558439202698150487746672855322717857013777460388991228050731207297477093591"
const token = (id: string, market = MARKET): OutcomeRef => ({ platform: "polymarket", marketId: market, outcomeId: id }) as OutcomeRef

const Infra = Layer.mergeAll(DeadLetters.layerLog, NodeWS.layerWebSocketConstructor, NodeHttpClient.layerUndici)

const setup = (outcomes: ReadonlyArray<OutcomeRef>, options: FakePolymarketOptions = {}, overrides: Partial<PolymarketFeedConfig> = {}) =>
  Effect.gen(function*() {
    const fake = yield* acquireFake(() => new FakePolymarket(options))
    const client = yield* PolymarketClient.make({ gammaUrl: fake.gammaUrl(), clobUrl: fake.httpUrl(), timeout: Duration.seconds(2), retries: 2, pageSize: 100, backoff: Duration.millis(10) })
    const feed = yield* PolymarketFeed.make({
      wsUrl: fake.wsUrl(),
      maxAssetsPerConnection: 200,
      pingInterval: Duration.millis(100),
      ...testLiveness,
      ...overrides
    }).pipe(Effect.provideService(PolymarketClient, client))
    const hub = yield* MarketDataHub.make([feed])
    const sub = yield* hub.subscribe(outcomes)
    return { fake, feed, hub, sub, ...collect(sub) }
  })

const top = (u: BookUpdate) => [u.top.bid?.price, u.top.bid?.size, u.top.ask?.price, u.top.ask?.size]

describe("Polymarket feed against the fake venue", () => {
  layer(Infra, { excludeTestServices: true })((it) => {
    it.effect("replays the recorded stream: snapshot (array frame), then price changes that keep the invariant", () =>
      Effect.gen(function*() {
        const { fake, next, sub } = yield* setup([token(STREAM_ASSET)])
        yield* next((u) => u.live && u.top.bid?.price === 311_000, "the second recorded price change")
        const latest = (yield* sub.latest(token(STREAM_ASSET)))!
        assert.deepStrictEqual(top(latest), [311_000, 2_000_000_000, 397_000, 100_090_000] as Array<unknown>)
        assert.strictEqual(latest.top.epoch, 1)
        assert.deepStrictEqual(JSON.parse(fake.received[0]!), { assets_ids: [STREAM_ASSET], type: "market", custom_feature_enabled: true })
        assert.strictEqual(fake.requestsTo("/books").length, 0) // no resync was needed
        // Heartbeats flow only after the subscription
        yield* until(() => fake.pings >= 2, "two PINGs")
        assert.strictEqual(fake.pingsBeforeSubscribe, 0)
      }))

    it.effect("a silent stall (no data, no PONG, socket open) is detected, reconnected and resynced", () =>
      Effect.gen(function*() {
        const { fake, feed, next, seen } = yield* setup([token(BOOK_2026, "0x02330ccbfc1a90b7330ed35f27fadb01b64f5e523bfaaa5329ff0da249f836c1")])
        yield* next((u) => u.live, "a live book")
        fake.stalled = true
        yield* next((u) => !u.live && u.top.epoch === 1, "the stalled book to be dropped")
        fake.stalled = false
        const all = yield* next((u) => u.live && u.top.epoch === 2, "a fresh snapshot after the reconnect")
        assert.deepStrictEqual(top(all.at(-1)!), [130_000, 167_000_000, 140_000, 189_000_000] as Array<unknown>)
        assert.strictEqual(feed.health()[0]!.stalls, 1)
        assert.strictEqual(fake.connections, 2)
        assert.isTrue(seen.filter((u) => u.live).every((u) => u.top.epoch === 1 || u.top.epoch === 2))
      }))

    it.effect("a tick-size change keeps a book on the new grid live; sub-cent changes then apply", () =>
      Effect.gen(function*() {
        const outcome = token(BOOK_2026, "0x02330ccbfc1a90b7330ed35f27fadb01b64f5e523bfaaa5329ff0da249f836c1")
        const { fake, next, sub } = yield* setup([outcome], {}, { snapshotTimeout: Duration.seconds(30) })
        yield* next((u) => u.live, "a live book")
        fake.tickSizeChange(BOOK_2026, "0.001")
        fake.priceChange(BOOK_2026, "BUY", "0.135", "50") // a sub-cent level at the new tick
        const all = yield* next((u) => u.live && u.top.bid?.price === 135_000, "the sub-cent change")
        assert.isTrue(all.slice(all.findIndex((u) => u.live)).every((u) => u.live)) // never dropped once live
        assert.deepStrictEqual(top((yield* sub.latest(outcome))!), [135_000, 50_000_000, 140_000, 189_000_000] as Array<unknown>)
        assert.strictEqual((yield* sub.latest(outcome))!.top.epoch, 1)
        assert.strictEqual(fake.requestsTo("/books").length, 0)
      }))

    it.effect("a change that breaks the best bid/ask invariant is resynced from REST", () =>
      Effect.gen(function*() {
        const { fake, next } = yield* setup([token(BOOK_2026)])
        yield* next((u) => u.live, "a live book")
        fake.priceChange(BOOK_2026, "BUY", "0.13", "200", { wrongBest: { bid: "0.12", ask: "0.14" } })
        const all = yield* next((u) => u.live && u.top.epoch === 2, "the REST resync")
        assert.deepStrictEqual(top(all.at(-1)!), [130_000, 200_000_000, 140_000, 189_000_000] as Array<unknown>)
        assert.deepStrictEqual(JSON.parse(fake.requestsTo("/books")[0]!.body), [{ token_id: BOOK_2026 }])
      }))

    it.effect("a malformed frame resyncs every book of the connection from REST, through a 429", () =>
      Effect.gen(function*() {
        const { fake, next } = yield* setup([token(BOOK_2026)])
        yield* next((u) => u.live, "a live book")
        fake.failNext(1, json({ error: "Too Many Requests" }, 429), "/books")
        fake.sendRaw("{\"event_type\": \"price_change\", \"price_chan")
        yield* next((u) => u.live && u.top.epoch === 2, "the REST resync")
        assert.strictEqual(fake.requestsTo("/books").length, 2)
      }))

    it.effect("shards assets across connections, at most N per connection", () =>
      Effect.gen(function*() {
        const books = [...new FakePolymarket().books.keys()].slice(0, 5)
        const { fake, hub, next } = yield* setup(books.map((b) => token(b)), {}, { maxAssetsPerConnection: 2 })
        yield* next((u) => u.live, "a live book")
        yield* until(() => [...fake.subscribed.values()].map((s) => s.size).sort().join() === "1,2,2", "three connections carrying 2, 2 and 1 assets")
        assert.strictEqual(fake.connections, 3)
        const status = yield* hub.status
        assert.strictEqual(status.books, 5)
        assert.strictEqual(status.connections.length, 3)
      }))
  })
})
