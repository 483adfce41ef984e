/**
 * The shapes Polymarket really sends and the official schemas accept (PROTOCOLS §5.1), driven
 * through the fake venue, the feed and the hub: none of them may drop a live book or start a REST
 * resync, and only book messages touch books.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { assert, describe, layer } from "@effect/vitest"
import { Duration, Effect, Layer } from "effect"
import type { OutcomeRef } from "../../../src/schema/Market.ts"
import { type BookUpdate, MarketDataHub } from "../../../src/services/marketdata/MarketDataHub.ts"
import { PolymarketClient } from "../../../src/services/polymarket/PolymarketClient.ts"
import { PolymarketFeed } from "../../../src/services/polymarket/PolymarketFeed.ts"
import { deadLetterLog } from "../../support/DeadLetterLog.ts"
import { FakePolymarket } from "../../support/FakePolymarket.ts"
import { acquireFake } from "../../support/FakeVenue.ts"
import { collect, testLiveness } from "../../support/Liveness.ts"

const BOOK_2026 = "55558439202698150487746672855322717857013777460388991228050731207297477093591"
const MARKET = "0x02330ccbfc1a90b7330ed35f27fadb01b64f5e523bfaaa5329ff0da249f836c1"
const outcome = { platform: "polymarket", marketId: MARKET, outcomeId: BOOK_2026 } as OutcomeRef
const top = (u: BookUpdate) => [u.top.bid?.price, u.top.bid?.size, u.top.ask?.price, u.top.ask?.size]

const log = deadLetterLog()
const Infra = Layer.mergeAll(log.layer, NodeWS.layerWebSocketConstructor, NodeHttpClient.layerUndici)

const setup = Effect.gen(function*() {
  log.letters.length = 0
  const fake = yield* acquireFake(() => new FakePolymarket())
  const client = yield* PolymarketClient.make({ gammaUrl: fake.gammaUrl(), clobUrl: fake.httpUrl(), timeout: Duration.seconds(2), retries: 2, pageSize: 100, backoff: Duration.millis(10) })
  const feed = yield* PolymarketFeed.make({ wsUrl: fake.wsUrl(), maxAssetsPerConnection: 200, pingInterval: Duration.millis(100), ...testLiveness }).pipe(
    Effect.provideService(PolymarketClient, client)
  )
  const hub = yield* MarketDataHub.make([feed])
  const sub = yield* hub.subscribe([outcome])
  const c = collect(sub)
  yield* c.next((u) => u.live, "a live book")
  const latest = Effect.map(sub.latest(outcome), (u) => u!)
  return { fake, sub, latest, ...c }
})

describe("Polymarket edge shapes through the fake venue", () => {
  layer(Infra, { excludeTestServices: true })((it) => {
    it.effect("blank decimals, lowercase side, null hash, no timestamp, no size, no old tick, no winner: the book stays live", () =>
      Effect.gen(function*() {
        const { fake, next, seen, latest } = yield* setup
        const from = seen.length - 1
        // Trade prints with "" size and fee, a resolution without winner fields, a tick notice without the old size
        fake.sendTo(BOOK_2026, { event_type: "last_trade_price", asset_id: BOOK_2026, market: MARKET, price: "0.13", size: "", side: "buy", fee_rate_bps: "", timestamp: "1790658700000" })
        fake.sendTo(BOOK_2026, [{ event_type: "market_resolved", market: MARKET, assets_ids: [BOOK_2026], timestamp: "1790658700000" }])
        fake.sendTo(BOOK_2026, { event_type: "best_bid_ask", asset_id: BOOK_2026, market: MARKET, best_bid: "0.13", best_ask: "0.14", spread: "" })
        fake.tickSizeChange(BOOK_2026, "0.001", { withoutOld: true })
        // A change in lower case, with a null hash and no timestamp
        fake.priceChange(BOOK_2026, "BUY", "0.135", "50", { lowercaseSide: true, nullHash: true, omitTimestamp: true })
        yield* next((u) => u.top.bid?.price === 135_000, "the lower-case change applied")
        // An entry without a size states only the venue's best bid/ask
        fake.priceChange(BOOK_2026, "BUY", "0.12", "7", { omitSize: true })
        // Empty the ask side: the last change says best_ask ""
        const asks = [...fake.books.get(BOOK_2026)!.asks.keys()].sort((a, b) => b - a)
        for (const price of asks) fake.priceChange(BOOK_2026, "SELL", (price / 1e6).toString(), "0")
        const all = yield* next((u) => u.live && u.top.ask === undefined, "the ask side emptied")
        assert.isTrue(all.slice(from).every((u) => u.live), "never dropped")
        assert.deepStrictEqual(top(yield* latest), [135_000, 50_000_000, undefined, undefined])
        assert.strictEqual((yield* latest).top.epoch, 1)
        assert.strictEqual(fake.requestsTo("/books").length, 0)
        assert.deepStrictEqual(log.letters, [])
      }))

    it.effect("a trade print that does not decode is dead-lettered and drops no book", () =>
      Effect.gen(function*() {
        const { fake, latest } = yield* setup
        fake.sendTo(BOOK_2026, { event_type: "last_trade_price", asset_id: BOOK_2026, market: MARKET, price: "abc", size: "5", side: "BUY", timestamp: "1790658700000" })
        fake.sendTo(BOOK_2026, { event_type: "market_resolved", market: MARKET, assets_ids: [BOOK_2026], winning_asset_id: 7 })
        fake.priceChange(BOOK_2026, "BUY", "0.13", "9")
        yield* Effect.sleep("300 millis")
        assert.deepStrictEqual(log.letters.map((l) => [l.source, l.reason]), [["polymarket.ws", "Decode"], ["polymarket.ws", "Decode"]])
        const u = yield* latest
        assert.deepStrictEqual([u.live, u.top.epoch, u.top.bid?.price, u.top.bid?.size], [true, 1, 130_000, 9_000_000])
        assert.strictEqual(fake.requestsTo("/books").length, 0)
      }))

    it.effect("a REST resync reads books whose last_trade_price is null (the whole batch used to fail)", () =>
      Effect.gen(function*() {
        const { fake, next } = yield* setup
        fake.priceChange(BOOK_2026, "BUY", "0.13", "200", { wrongBest: { bid: "0.12", ask: "0.14" } })
        const all = yield* next((u) => u.live && u.top.epoch === 2, "the REST resync")
        assert.deepStrictEqual(top(all.at(-1)!), [130_000, 200_000_000, 140_000, 189_000_000] as Array<unknown>)
        const books = yield* Effect.promise(() => fetch(fake.httpUrl("/book?token_id=" + BOOK_2026)).then((r) => r.json() as Promise<Record<string, unknown>>))
        assert.deepStrictEqual([books.last_trade_price, books.min_order_size, books.neg_risk], [null, "5", false])
        assert.deepStrictEqual(log.letters.map((l) => l.reason), ["BestBidAskMismatch"])
      }))
  })
})
