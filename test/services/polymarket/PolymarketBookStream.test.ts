import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { emptyTop } from "../../../src/domain/book/BookState.ts"
import { tokenTop } from "../../../src/domain/book/TokenBook.ts"
import type { StreamProblem } from "../../../src/services/marketdata/StreamProblem.ts"
import { PolymarketBookStream } from "../../../src/services/polymarket/PolymarketBookStream.ts"

const STREAM = "76670567130917723816490572615540605537878462672464291990940067659127658071111"
const PARTNER = "54179564009642723353355316176091991063553046330768303687769988635499280029688"
const head = JSON.parse(readFileSync("/work/shared/fixtures/polymarket-ws-market-stream-2026-head.json", "utf8")) as Array<Record<string, unknown>>

const harness = (options: ConstructorParameters<typeof PolymarketBookStream>[1] = {}) => {
  const problems: Array<StreamProblem> = []
  const changed: Array<string> = []
  const stream = new PolymarketBookStream({ onBook: (b) => changed.push(b.assetId), onProblem: (p) => problems.push(p) }, options)
  const top = (asset: string) => tokenTop(stream.books.get(asset)!, emptyTop())
  return { stream, problems, changed, top }
}

const change = (asset: string, side: "BUY" | "SELL", price: string, size: string, bestBid: string, bestAsk: string, timestamp = "1790658700000") =>
  JSON.stringify({ market: "0x28", price_changes: [{ asset_id: asset, price, size, side, hash: "h", best_bid: bestBid, best_ask: bestAsk }], timestamp, event_type: "price_change" })

/** Subscribed to the recorded stream's asset, its recorded book applied. */
const live = () => {
  const h = harness()
  h.stream.add([STREAM], 0)
  h.stream.connected(0)
  h.stream.onFrame(JSON.stringify(head[0]), 1)
  return h
}

describe("PolymarketBookStream", () => {
  it("the price_change best bid/ask invariant holds on the real stream fixture (one frame, or one per message)", () => {
    for (const asFrames of [false, true]) {
      const h = harness()
      h.stream.add([STREAM, PARTNER], 0)
      h.stream.connected(0)
      if (asFrames) for (const message of head) h.stream.onFrame(JSON.stringify(message), 1)
      else h.stream.onFrame(JSON.stringify(head), 1) // frames may be arrays
      assert.deepStrictEqual(h.problems, [])
      assert.deepStrictEqual(h.top(STREAM), { bid: 311_000, bidSize: 2_000_000_000, ask: 397_000, askSize: 100_090_000 })
      // The partner had no snapshot in the recording: its changes are not applied to a book we do not hold
      assert.strictEqual(h.stream.books.get(PARTNER)!.status, "awaiting_snapshot")
      assert.deepStrictEqual(h.changed, [STREAM, STREAM, STREAM])
    }
  })

  it("subscribes once connected; PING is allowed only after that; later adds and removes use operations", () => {
    const h = harness()
    h.stream.connected(0)
    assert.isFalse(h.stream.hasSubscribed()) // nothing wanted yet: no subscription, so no PING
    assert.deepStrictEqual(h.stream.takeOutbox(), [])
    h.stream.add(["1", "2"], 0)
    assert.isTrue(h.stream.hasSubscribed())
    assert.deepStrictEqual(h.stream.takeOutbox().map((m) => JSON.parse(m)), [{ assets_ids: ["1", "2"], type: "market", custom_feature_enabled: true }])
    h.stream.add(["3"], 0)
    h.stream.remove(["1"])
    assert.deepStrictEqual(h.stream.takeOutbox().map((m) => JSON.parse(m)), [{ assets_ids: ["3"], operation: "subscribe", custom_feature_enabled: true, initial_dump: true }, { assets_ids: ["1"], operation: "unsubscribe" }])
    h.stream.disconnected()
    h.stream.connected(10)
    assert.deepStrictEqual(h.stream.takeOutbox().map((m) => JSON.parse(m).assets_ids), [["2", "3"]])
  })

  it("a change that disagrees with the venue's best bid/ask drops the book and resyncs it from REST, replaying what came meanwhile", () => {
    const h = live()
    h.stream.onFrame(change(STREAM, "BUY", "0.305", "10", "0.31", "0.397"), 2) // our best bid becomes 0.305, venue says 0.31
    assert.deepStrictEqual(h.problems.map((p) => p.reason), ["BestBidAskMismatch"])
    assert.deepStrictEqual(h.top(STREAM), emptyTop())
    assert.deepStrictEqual(h.stream.takeResyncs(), [STREAM])
    // Changes during the resync are buffered, not applied
    h.stream.onFrame(change(STREAM, "BUY", "0.32", "7", "0.32", "0.397", "1790658700100"), 3)
    h.stream.onFrame(change(STREAM, "BUY", "0.29", "1", "0.32", "0.397", "1790658699000"), 3)
    assert.strictEqual(h.stream.books.get(STREAM)!.status, "awaiting_snapshot")
    // The REST book (at ...700050): older buffered changes are dropped, newer ones replayed
    h.stream.applyRestBook({ assetId: STREAM, market: "0x28", timestamp: 1790658700050, bids: [[300_000, 5_000_000_000], [310_000, 1_000_000]], asks: [[397_000, 100_090_000]], tickSize: 0 }, 4)
    assert.deepStrictEqual(h.top(STREAM), { bid: 320_000, bidSize: 7_000_000, ask: 397_000, askSize: 100_090_000 })
    assert.strictEqual(h.stream.books.get(STREAM)!.bids.sizeAtPrice(290_000), 0)
    assert.strictEqual(h.stream.books.get(STREAM)!.epoch, 2)
    assert.strictEqual(h.problems.length, 1)
  })

  it("a WS snapshot during a REST resync wins; the late REST book is ignored", () => {
    const h = live()
    h.stream.onFrame(change(STREAM, "BUY", "0.305", "10", "0.9", "0.95"), 2)
    h.stream.takeResyncs()
    h.stream.onFrame(JSON.stringify(head[0]), 3)
    const epoch = h.stream.books.get(STREAM)!.epoch
    h.stream.applyRestBook({ assetId: STREAM, market: "0x28", timestamp: 0, bids: [], asks: [], tickSize: 0 }, 4)
    assert.strictEqual(h.stream.books.get(STREAM)!.epoch, epoch)
    assert.strictEqual(h.top(STREAM).bid, 300_000)
  })

  it("a tick-size change keeps a book on the new grid live, and resyncs one with levels off it", () => {
    const h = live()
    h.stream.onFrame(JSON.stringify({ event_type: "tick_size_change", asset_id: STREAM, market: "0x28", old_tick_size: "0.01", new_tick_size: "0.001", timestamp: "1790658700001" }), 2)
    assert.deepStrictEqual([h.stream.books.get(STREAM)!.status, h.stream.books.get(STREAM)!.tickSize, h.stream.books.get(STREAM)!.epoch], ["live", 1_000, 1])
    h.stream.onFrame(change(STREAM, "BUY", "0.305", "10", "0.305", "0.397"), 3)
    assert.deepStrictEqual(h.top(STREAM), { bid: 305_000, bidSize: 10_000_000, ask: 397_000, askSize: 100_090_000 })
    assert.deepStrictEqual(h.problems, [])
    // Without old_tick_size, as the official schema allows; a 0.1 grid leaves 0.305 off it
    h.stream.onFrame(JSON.stringify({ event_type: "tick_size_change", asset_id: STREAM, market: "0x28", new_tick_size: "0.1" }), 4)
    assert.deepStrictEqual(h.problems.map((p) => p.reason), ["TickSizeChange"])
    assert.deepStrictEqual(h.stream.takeResyncs(), [STREAM])
    assert.deepStrictEqual(h.top(STREAM), emptyTop())
  })

  it("a book still without a snapshot after the timeout is resynced from REST", () => {
    const h = live()
    h.stream.add(["9"], 100)
    h.stream.overdue(5_000, 10_000)
    assert.deepStrictEqual(h.stream.takeResyncs(), [])
    h.stream.overdue(10_100, 10_000)
    assert.deepStrictEqual(h.stream.takeResyncs(), ["9"])
    h.stream.resyncFailed("9", 10_200)
    h.stream.overdue(15_000, 10_000)
    assert.deepStrictEqual(h.stream.takeResyncs(), [])
    h.stream.overdue(20_200, 10_000)
    assert.deepStrictEqual(h.stream.takeResyncs(), ["9"])
  })

  it("a frame that is not JSON may have carried any change: every book is resynced", () => {
    const h = live()
    h.stream.add(["9"], 1)
    h.stream.onFrame('{"event_type":"price_change", "market": ', 2)
    assert.deepStrictEqual(h.problems.map((p) => p.reason), ["Decode"])
    assert.deepStrictEqual(h.stream.takeResyncs(), [STREAM, "9"])
    assert.deepStrictEqual(h.top(STREAM), emptyTop())
  })

  it("a message that does not decode resyncs only the assets it names", () => {
    const h = live()
    h.stream.add(["9"], 1)
    h.stream.onFrame(JSON.stringify({ event_type: "price_change", market: "0x28", timestamp: "1", price_changes: [{ asset_id: STREAM, price: "0.5", size: "abc", side: "BUY" }] }), 2)
    assert.deepStrictEqual(h.stream.takeResyncs(), [STREAM])
  })

  it("a crossed snapshot is refused and resynced", () => {
    const h = live()
    h.stream.onFrame(JSON.stringify({ ...head[0], bids: [{ price: "0.5", size: "1" }], asks: [{ price: "0.4", size: "1" }] }), 2)
    assert.deepStrictEqual(h.problems.map((p) => p.reason), ["Crossed"])
    assert.deepStrictEqual(h.stream.takeResyncs(), [STREAM])
  })

  it("a reconnect drops every book until its own snapshot", () => {
    const h = live()
    h.stream.disconnected()
    assert.strictEqual(h.stream.books.get(STREAM)!.status, "awaiting_snapshot")
    h.stream.connected(5)
    h.stream.onFrame(change(STREAM, "BUY", "0.301", "1", "0.301", "0.397"), 6)
    assert.deepStrictEqual(h.top(STREAM), emptyTop())
    h.stream.onFrame(JSON.stringify([head[0]]), 7)
    assert.strictEqual(h.top(STREAM).bid, 300_000)
  })

  it("passive mode adopts books from snapshots (inspect)", () => {
    const h = harness({ passive: true })
    h.stream.onFrame(JSON.stringify(head), 0)
    assert.strictEqual(h.top(STREAM).bid, 311_000)
    assert.isFalse(h.stream.books.has(PARTNER))
  })
})
