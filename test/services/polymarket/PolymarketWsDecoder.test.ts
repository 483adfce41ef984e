import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import * as fc from "fast-check"
import { readFileSync } from "node:fs"
import { ClobMarket } from "../../../src/services/polymarket/ClobSchemas.ts"
import { GammaTagsResponse } from "../../../src/services/polymarket/GammaSchemas.ts"
import { decodePolyMessage, fastPaths, PolyMessage } from "../../../src/services/polymarket/PolymarketWsDecoder.ts"
import {
  PolyBookMessage,
  PolyPriceChangeCurrentMessage,
  type PolyLastTradePrice,
  type PolyMarketResolved,
  type PolyTickSizeChange,
  PolyUserOrder,
  PolyUserTrade
} from "../../../src/services/polymarket/PolymarketWsSchemas.ts"
import { applyEdits, editsAt } from "../../support/FrameEdits.ts"

const fixture = (name: string): any => JSON.parse(readFileSync(`/work/shared/fixtures/${name}`, "utf8"))
const fixtureLines = (name: string): Array<any> => readFileSync(`/work/shared/fixtures/${name}`, "utf8").trim().split("\n").map((l) => JSON.parse(l))
const levels = (buffer: PolyMessage["bids"]) => Array.from({ length: buffer.count }, (_, i) => [buffer.prices[i], buffer.sizes[i]])
const changes = (m: PolyMessage) =>
  Array.from({ length: m.changes.count }, (_, i) => [m.changes.assets[i], m.changes.sides[i], m.changes.prices[i], m.changes.sizes[i], m.changes.bestBids[i], m.changes.bestAsks[i]])

describe("Polymarket WS fixtures decode", () => {
  const m = new PolyMessage()

  it("every recorded book, with sub-cent levels exact and best last", () => {
    decodePolyMessage(fixture("polymarket-ws-book.json"), m)
    assert.strictEqual(m.kind, "book")
    assert.strictEqual(m.assetId, "55558439202698150487746672855322717857013777460388991228050731207297477093591")
    assert.strictEqual(m.timestamp, 1770921570954)
    assert.strictEqual(m.tickSize, 10_000)
    assert.deepStrictEqual(levels(m.bids).at(-1), [130_000, 167_000_000])
    assert.deepStrictEqual(levels(m.asks).at(-1), [140_000, 189_000_000])
    decodePolyMessage(fixture("polymarket-ws-book-2024.json"), m)
    assert.deepStrictEqual(levels(m.asks).slice(0, 4), [[999_000, 10_500_100_000_000], [998_000, 1_000_000_000_000], [997_000, 1_000_000_000_000], [990_000, 200_259_000_000]])
    assert.strictEqual(m.tickSize, 0) // the 2024 shape has no tick_size
    decodePolyMessage(fixture("polymarket-ws-book-captured-2026.json"), m)
    assert.deepStrictEqual(levels(m.bids).at(-1), [70_000, 182_528_550_000])
    const books = fixtureLines("polymarket-ws-book-2026-02.jsonl").map((line) => {
      decodePolyMessage(line, m)
      assert.strictEqual(m.kind, "book", m.error)
      return [m.bids.count, m.asks.count, m.tickSize]
    })
    assert.deepStrictEqual(books.map((b) => b[2]), [10_000, 1_000, 1_000, 10_000, 10_000, 1_000, 10_000, 1_000, 10_000, 10_000])
    assert.deepStrictEqual(books[1]!.slice(0, 2), [26, 0]) // an empty ask side
  })

  it("the recorded market stream: a book, then two current-schema price changes with best bid/ask", () => {
    const [book, first, second] = fixture("polymarket-ws-market-stream-2026-head.json")
    decodePolyMessage(book, m)
    assert.deepStrictEqual([m.kind, m.bids.count, m.asks.count], ["book", 24, 22])
    decodePolyMessage(first, m)
    assert.strictEqual(m.kind, "price_change")
    assert.strictEqual(m.timestamp, 1790658674035)
    assert.deepStrictEqual(changes(m), [
      ["76670567130917723816490572615540605537878462672464291990940067659127658071111", 0, 301_000, 1_000_000_000, 301_000, 397_000],
      ["54179564009642723353355316176091991063553046330768303687769988635499280029688", 1, 699_000, 1_000_000_000, 603_000, 699_000]
    ])
    decodePolyMessage(second, m)
    assert.deepStrictEqual(changes(m).map((c) => c[2]), [311_000, 689_000])
  })

  it("the legacy price change (flat price/side/size) decodes to the same change list", () => {
    decodePolyMessage(fixture("polymarket-ws-price-change-legacy-2024.json"), m)
    assert.strictEqual(m.kind, "price_change")
    assert.deepStrictEqual(changes(m), [["48331043336612883890938759509493159234755048973500640148014422747788308965732", 1, 514_000, 21_574_080_000, -1, -1]])
    const nested = { event_type: "price_change", asset_id: "1", market: "0xab", timestamp: "1", changes: [{ price: "0.5", size: "0", side: "BUY" }] }
    decodePolyMessage(nested, m)
    assert.deepStrictEqual(changes(m), [["1", 0, 500_000, 0, -1, -1]])
  })

  it("tick size change, last trade prices, best bid/ask, new market, market resolved", () => {
    decodePolyMessage(fixture("polymarket-ws-tick-size-change-2025.json"), m)
    assert.strictEqual(m.kind, "tick_size_change")
    const tick = m.value as PolyTickSizeChange
    assert.deepStrictEqual([tick.old_tick_size, tick.new_tick_size, tick.timestamp], [10_000, 1_000, 1739068041853])
    decodePolyMessage(fixture("polymarket-ws-last-trade-price-2024.json"), m)
    const t = m.value as PolyLastTradePrice
    assert.deepStrictEqual([m.kind, t.price, t.size, t.side, t.fee_rate_bps], ["last_trade_price", 491_000, 85_360_000, "SELL", "0"])
    const trades = fixtureLines("polymarket-ws-last-trade-price-2026-02.jsonl").map((line) => {
      decodePolyMessage(line, m)
      assert.strictEqual(m.kind, "last_trade_price", m.error)
      return (m.value as PolyLastTradePrice).price
    })
    assert.deepStrictEqual(trades.slice(0, 4), [460_000, 490_000, 530_000, 540_000])
    decodePolyMessage(fixture("polymarket-ws-best-bid-ask.json"), m)
    const bba = m.value as { best_bid: number; best_ask: number; spread: number; timestamp: number }
    assert.deepStrictEqual([m.kind, bba.best_bid, bba.best_ask, bba.spread, bba.timestamp], ["best_bid_ask", 730_000, 770_000, 40_000, 1766789469958])
    decodePolyMessage(fixture("polymarket-ws-new-market.json"), m)
    const nm = m.value as { assets_ids: Array<string>; outcomes: Array<string>; slug: string }
    assert.deepStrictEqual([m.kind, nm.assets_ids.length, nm.outcomes, nm.slug], ["new_market", 2, ["Yes", "No"], "nvda-above-240-on-january-30-2026"])
    decodePolyMessage(fixture("polymarket-ws-market-resolved.json"), m)
    const resolved = m.value as PolyMarketResolved
    assert.deepStrictEqual([m.kind, resolved.winning_outcome, resolved.assets_ids.length], ["market_resolved", "Yes", 2])
  })

  it("the user channel, CLOB market and Gamma tag fixtures decode too", () => {
    const placement = Schema.decodeUnknownSync(PolyUserOrder)(fixture("polymarket-ws-user-order-placement-2024.json"))
    assert.deepStrictEqual([placement.type, placement.price, placement.original_size, placement.size_matched], ["PLACEMENT", 513_000, 5_000_000, 0])
    const cancel = Schema.decodeUnknownSync(PolyUserOrder)(fixture("polymarket-ws-user-order-cancel-2024.json"))
    assert.deepStrictEqual([cancel.type, cancel.status], ["CANCELLATION", "CANCELED"])
    const trade = Schema.decodeUnknownSync(PolyUserTrade)(fixture("polymarket-ws-user-trade-2024.json"))
    assert.deepStrictEqual([trade.status, trade.price, trade.maker_orders[0]!.matched_amount, trade.match_time], ["CONFIRMED", 489_000, 5_000_000, 1726043102_000]) // seconds on the wire
    const closed = Schema.decodeUnknownSync(ClobMarket)(fixture("polymarket-clob-market-closed.json"))
    assert.deepStrictEqual([closed.closed, closed.minimum_tick_size, closed.tokens.map((t) => t.winner)], [true, 10_000, [true, false]])
    assert.strictEqual(closed.game_start_time, Date.UTC(2026, 4, 8, 20, 0, 0))
    const old = Schema.decodeUnknownSync(ClobMarket)(fixture("polymarket-clob-market-2024.json"))
    assert.deepStrictEqual([old.neg_risk, old.minimum_tick_size, old.game_start_time], [true, 1_000, null])
    const tags = Schema.decodeUnknownSync(GammaTagsResponse)(fixture("polymarket-gamma-tags.json"))
    assert.deepStrictEqual(tags.map((t) => t.id)[0], "101259")
  })

  it("absent decimals: \"\" best bid/ask is an empty side, null/absent is unstated; blank sizes, lower-case sides, null hashes", () => {
    const message = {
      event_type: "price_change",
      market: "0x",
      price_changes: [
        { asset_id: "1", price: "0.5", size: "0", side: "sell", hash: null, best_bid: "0.4", best_ask: "" },
        { asset_id: "2", price: "0.5", side: "buy", best_bid: "", best_ask: null },
        { asset_id: "3", price: "0.6", size: "", side: "BUY", best_bid: null, best_ask: "0.7" }
      ]
    }
    decodePolyMessage(message, m)
    assert.strictEqual(m.kind, "price_change", m.error)
    assert.strictEqual(m.timestamp, -1)
    assert.deepStrictEqual(changes(m), [["1", 1, 500_000, 0, 400_000, 1_000_000], ["2", 0, 500_000, -1, 0, -1], ["3", 0, 600_000, -1, -1, 700_000]])
    const schema = Schema.decodeUnknownSync(PolyPriceChangeCurrentMessage)(message)
    assert.deepStrictEqual(schema.changes.map((c) => [c.size, c.bestBid, c.bestAsk]), [[0, 400_000, 1_000_000], [-1, 0, -1], [-1, -1, 700_000]])
    decodePolyMessage({ event_type: "book", asset_id: "1", market: "0x", hash: null, bids: [], asks: [{ price: "0.6", size: "3" }], tick_size: "", last_trade_price: "", min_order_size: "" }, m)
    assert.deepStrictEqual([m.kind, m.tickSize, m.timestamp, m.asks.count], ["book", 0, -1, 1])
    decodePolyMessage({ event_type: "last_trade_price", asset_id: "1", market: "0x", price: "0.5", size: "", side: "sell", fee_rate_bps: "", timestamp: "1" }, m)
    assert.strictEqual(m.kind, "last_trade_price", m.error)
    decodePolyMessage({ event_type: "tick_size_change", asset_id: "1", market: "0x", new_tick_size: "0.001" }, m)
    assert.deepStrictEqual([m.kind, (m.value as PolyTickSizeChange).new_tick_size], ["tick_size_change", 1_000])
    decodePolyMessage({ event_type: "market_resolved", market: "0x", assets_ids: ["1", "2"], timestamp: "1" }, m)
    assert.strictEqual(m.kind, "market_resolved", m.error)
    decodePolyMessage({ event_type: "best_bid_ask", asset_id: "1", market: "0x", best_bid: "", best_ask: "0.5", spread: "" }, m)
    assert.strictEqual(m.kind, "best_bid_ask", m.error)
    // Meaning stays strict: a blank price or new tick, a mixed-case side, a non-numeric size
    for (const bad of [
      { event_type: "price_change", market: "0x", price_changes: [{ asset_id: "1", price: "", size: "1", side: "BUY" }] },
      { event_type: "price_change", market: "0x", price_changes: [{ asset_id: "1", price: "0.5", size: "1", side: "Buy" }] },
      { event_type: "price_change", market: "0x", price_changes: [{ asset_id: "1", price: "0.5", size: "x", side: "BUY" }] },
      { event_type: "tick_size_change", asset_id: "1", market: "0x", new_tick_size: "" }
    ]) assert.strictEqual(decodePolyMessage(bad, m).kind, "invalid", JSON.stringify(bad))
  })

  it("malformed messages are invalid with the Schema's reason", () => {
    decodePolyMessage({ event_type: "price_change", market: "0x", timestamp: "1", price_changes: [{ asset_id: "1", price: "0.5", size: "-3", side: "BUY" }] }, m)
    assert.strictEqual(m.kind, "invalid")
    assert.isTrue(m.error.length > 0)
    decodePolyMessage([], m)
    assert.strictEqual(m.kind, "invalid")
  })
})

// ---------------------------------------------------------------------------
// The fast path accepts exactly what the Schemas accept, with the same values
// ---------------------------------------------------------------------------

const head = fixture("polymarket-ws-market-stream-2026-head.json")
const changePaths = ["event_type", "market", "timestamp", "price_changes", "price_changes.0", "price_changes.0.asset_id", "price_changes.0.price", "price_changes.0.size", "price_changes.0.side", "price_changes.0.hash", "price_changes.0.best_bid", "price_changes.0.best_ask", "price_changes.1.best_ask", "price_changes.1.best_bid", "price_changes.1.side", "price_changes.1.size", "price_changes.2"]
const bookPaths = ["event_type", "asset_id", "market", "timestamp", "hash", "tick_size", "last_trade_price", "min_order_size", "bids", "asks", "bids.0", "bids.0.price", "asks.3.size", "bids.23.price", "asks.30"]


describe("PolymarketWsDecoder agrees with PolymarketWsSchemas", () => {
  it("on current-schema price_change messages under random edits", () =>
    fc.assert(
      fc.property(fc.constantFrom(head[1], head[2]), editsAt(changePaths), (base, changes_) => {
        const message = applyEdits(base, changes_)
        if (message["event_type"] !== "price_change") return
        const schema = Schema.decodeUnknownResult(PolyPriceChangeCurrentMessage)(message)
        const fast = new PolyMessage()
        assert.strictEqual(fastPaths.priceChange(message, fast), schema._tag === "Success", JSON.stringify(message))
        if (schema._tag === "Success") {
          assert.deepStrictEqual([fast.market, fast.timestamp, changes(fast)], [schema.success.market, schema.success.timestamp, schema.success.changes.map((c) => [c.assetId, c.side === "bid" ? 0 : 1, c.price, c.size, c.bestBid, c.bestAsk])])
        }
      }),
      { numRuns: 3_000 }
    ))

  it("on book messages under random edits", () =>
    fc.assert(
      fc.property(editsAt(bookPaths), (changes_) => {
        const message = applyEdits(head[0], changes_)
        if (message["event_type"] !== "book") return
        const schema = Schema.decodeUnknownResult(PolyBookMessage)(message)
        const fast = new PolyMessage()
        assert.strictEqual(fastPaths.book(message, fast), schema._tag === "Success", JSON.stringify(message).slice(0, 300))
        if (schema._tag === "Success") {
          const s = schema.success
          assert.deepStrictEqual([fast.assetId, fast.market, fast.timestamp, fast.tickSize, levels(fast.bids), levels(fast.asks)], [s.assetId, s.market, s.timestamp, s.tickSize, s.bids.map((l) => [...l]), s.asks.map((l) => [...l])])
        }
      }),
      { numRuns: 3_000 }
    ))
})
