import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { emptyTop } from "../../../src/domain/book/BookState.ts"
import { kalshiTop } from "../../../src/domain/book/KalshiBook.ts"
import { KalshiBookStream } from "../../../src/services/kalshi/KalshiBookStream.ts"
import type { StreamProblem } from "../../../src/services/marketdata/StreamProblem.ts"

const A = "KXMLBGAME-26OCT072000TBNYY-TB"
const B = "KXMLBGAME-26OCT072000TBNYY-NYY"

const snapshot = (sid: number, seq: number, ticker: string, yes: Array<[string, string]>, no: Array<[string, string]>) =>
  JSON.stringify({ type: "orderbook_snapshot", sid, seq, msg: { market_ticker: ticker, yes_dollars_fp: yes, no_dollars_fp: no } })
const delta = (sid: number, seq: number, ticker: string, side: "yes" | "no", price: string, d: string) =>
  JSON.stringify({ type: "orderbook_delta", sid, seq, msg: { market_ticker: ticker, price_dollars: price, delta_fp: d, side, ts_ms: 1 } })
const subscribed = (id: number, sid: number, channel = "orderbook_delta") => JSON.stringify({ id, type: "subscribed", msg: { channel, sid } })

const harness = (options: ConstructorParameters<typeof KalshiBookStream>[1] = {}) => {
  const problems: Array<StreamProblem> = []
  const changed: Array<string> = []
  const trades: Array<string> = []
  const stream = new KalshiBookStream({
    onBook: (b) => changed.push(b.ticker),
    onProblem: (p) => problems.push(p),
    onTrade: (t) => trades.push(t.trade_id)
  }, options)
  const commands = () => stream.takeOutbox().map((c) => JSON.parse(c) as { id: number; cmd: string; params: Record<string, unknown> })
  const top = (ticker: string) => kalshiTop(stream.books.get(ticker)!, "yes", emptyTop())
  return { stream, problems, changed, trades, commands, top }
}

/** Connected, subscribed as sid 1, both books live from snapshots (seq 1, 2). */
const live = () => {
  const h = harness()
  h.stream.add([A, B], 0)
  h.stream.connected(0)
  const [sub] = h.commands()
  assert.deepStrictEqual(sub, { id: 1, cmd: "subscribe", params: { channels: ["orderbook_delta"], market_tickers: [A, B] } })
  h.stream.onFrame(subscribed(1, 1), 1)
  h.stream.onFrame(snapshot(1, 1, A, [["0.4200", "13.00"]], [["0.5600", "17.00"]]), 2)
  h.stream.onFrame(snapshot(1, 2, B, [["0.4000", "5.00"]], [["0.5500", "7.00"]]), 3)
  return h
}

describe("KalshiBookStream", () => {
  it("subscribes on connect, goes live on snapshots, applies signed deltas", () => {
    const h = live()
    assert.deepStrictEqual(h.top(A), { bid: 420_000, bidSize: 13_000_000, ask: 440_000, askSize: 17_000_000 })
    h.stream.onFrame(delta(1, 3, A, "yes", "0.4300", "2.50"), 4)
    h.stream.onFrame(delta(1, 4, A, "no", "0.5600", "-17.00"), 5)
    assert.deepStrictEqual(h.top(A), { bid: 430_000, bidSize: 2_500_000, ask: -1, askSize: 0 })
    assert.strictEqual(h.stream.books.get(A)!.asOf, 5)
    assert.deepStrictEqual(h.problems, [])
    assert.deepStrictEqual(h.changed, [A, B, A, A])
  })

  it("a seq gap drops every book on the sid, unsubscribes it, and resubscribes for fresh snapshots", () => {
    const h = live()
    h.stream.onFrame(delta(1, 4, A, "yes", "0.4300", "1.00"), 4) // seq 3 lost
    assert.strictEqual(h.problems[0]!.reason, "SequenceGap")
    assert.strictEqual(h.stream.books.get(A)!.status, "awaiting_snapshot")
    assert.strictEqual(h.stream.books.get(B)!.status, "awaiting_snapshot")
    assert.deepStrictEqual(h.top(A), emptyTop()) // never read while resyncing
    assert.deepStrictEqual(h.commands().map((c) => [c.cmd, c.params]), [
      ["unsubscribe", { sids: [1] }],
      ["subscribe", { channels: ["orderbook_delta"], market_tickers: [A, B] }]
    ])
    // Late frames of the old sid are ignored
    h.stream.onFrame(delta(1, 5, A, "yes", "0.9000", "1.00"), 5)
    assert.strictEqual(h.stream.books.get(A)!.status, "awaiting_snapshot")
    // The new subscription restarts seq and rebuilds from scratch (no ghost levels)
    h.stream.onFrame(subscribed(3, 2), 6)
    h.stream.onFrame(snapshot(2, 1, A, [["0.3000", "1.00"]], []), 7)
    h.stream.onFrame(snapshot(2, 2, B, [], [["0.5000", "2.00"]]), 7)
    assert.deepStrictEqual(h.top(A), { bid: 300_000, bidSize: 1_000_000, ask: -1, askSize: 0 })
    assert.strictEqual(h.stream.books.get(A)!.epoch, 2)
    h.stream.onFrame(delta(2, 3, A, "yes", "0.3000", "1.00"), 8)
    assert.strictEqual(h.top(A).bidSize, 2_000_000)
  })

  it("a delta that would go negative drops that book only and resubscribes that market alone", () => {
    const h = live()
    h.stream.onFrame(delta(1, 3, A, "yes", "0.4200", "-14.00"), 4)
    assert.strictEqual(h.problems[0]!.reason, "NegativeLevel")
    assert.strictEqual(h.stream.books.get(A)!.status, "awaiting_snapshot")
    assert.strictEqual(h.stream.books.get(B)!.status, "live")
    assert.deepStrictEqual(h.commands().map((c) => [c.cmd, c.params]), [
      ["update_subscription", { sids: [1], market_tickers: [A], action: "delete_markets" }],
      ["subscribe", { channels: ["orderbook_delta"], market_tickers: [A] }]
    ])
    // B keeps streaming on sid 1; A's stray deltas on sid 1 are ignored
    h.stream.onFrame(delta(1, 4, A, "yes", "0.4200", "1.00"), 5)
    h.stream.onFrame(delta(1, 5, B, "yes", "0.4000", "1.00"), 5)
    assert.strictEqual(h.top(B).bidSize, 6_000_000)
    assert.strictEqual(h.stream.books.get(A)!.status, "awaiting_snapshot")
  })

  it("a crossed book is dropped and resynced", () => {
    const h = live()
    h.stream.onFrame(delta(1, 3, A, "yes", "0.4400", "1.00"), 4) // 0.44 + 0.56 = $1
    assert.strictEqual(h.problems[0]!.reason, "Crossed")
    assert.strictEqual(h.stream.books.get(A)!.status, "awaiting_snapshot")
  })

  it("the AsyncAPI doc example is not self-consistent: its delta removes a level its snapshot lacks", () => {
    const h = harness()
    const [snap, d] = readFileSync("/work/shared/fixtures/kalshi-ws-orderbook-fp-asyncapi-example.jsonl", "utf8").trim().split("\n")
    h.stream.add(["FED-23DEC-T3.00"], 0)
    h.stream.connected(0)
    h.commands()
    h.stream.onFrame(subscribed(1, 2), 0)
    h.stream.onFrame(snap!, 1)
    assert.strictEqual(h.stream.books.get("FED-23DEC-T3.00")!.status, "live")
    h.stream.onFrame(d!, 2)
    assert.strictEqual(h.problems[0]!.reason, "NegativeLevel")
    assert.strictEqual(h.stream.books.get("FED-23DEC-T3.00")!.status, "awaiting_snapshot")
  })

  it("adds and removes markets with update_subscription", () => {
    const h = live()
    h.stream.add(["KXC-1"], 10)
    assert.deepStrictEqual(h.commands().map((c) => [c.cmd, c.params]), [["update_subscription", { sids: [1], market_tickers: ["KXC-1"], action: "add_markets" }]])
    h.stream.onFrame(snapshot(1, 3, "KXC-1", [["0.1000", "1.00"]], []), 11)
    assert.strictEqual(h.stream.books.get("KXC-1")!.status, "live")
    h.stream.remove([B])
    assert.deepStrictEqual(h.commands().map((c) => [c.cmd, c.params]), [["update_subscription", { sids: [1], market_tickers: [B], action: "delete_markets" }]])
    assert.isFalse(h.stream.books.has(B))
    h.stream.remove([A, "KXC-1"])
    assert.deepStrictEqual(h.commands().map((c) => [c.cmd, c.params]), [
      ["update_subscription", { sids: [1], market_tickers: [A], action: "delete_markets" }],
      ["unsubscribe", { sids: [1] }]
    ])
  })

  it("a disconnect drops every book; the reconnect resubscribes and each waits for its own snapshot", () => {
    const h = live()
    h.stream.disconnected()
    assert.strictEqual(h.stream.books.get(A)!.status, "awaiting_snapshot")
    h.stream.connected(100)
    assert.deepStrictEqual(h.commands().map((c) => c.params["market_tickers"]), [[A, B]])
    h.stream.onFrame(subscribed(2, 9), 101)
    h.stream.onFrame(snapshot(9, 1, A, [["0.4200", "1.00"]], []), 102)
    assert.strictEqual(h.stream.books.get(A)!.status, "live")
    assert.strictEqual(h.stream.books.get(B)!.status, "awaiting_snapshot")
  })

  it("an order-book frame that does not decode is a lost message: the sid is resynced", () => {
    const h = live()
    h.stream.onFrame('{"type":"orderbook_delta","sid":1,"seq":3,"msg":{"market_ticker":"X","price_dollars":"abc","delta_fp":"1.00","side":"yes"}}', 4)
    assert.deepStrictEqual(h.problems.map((p) => p.reason), ["Decode"])
    assert.strictEqual(h.stream.books.get(A)!.status, "awaiting_snapshot")
    assert.deepStrictEqual(h.commands().map((c) => c.cmd), ["unsubscribe", "subscribe"])
    h.stream.onFrame("{not json", 5)
    assert.deepStrictEqual(h.problems.map((p) => p.reason), ["Decode", "Decode"])
  })

  it("an error answer leaves the markets waiting; overdue books are resubscribed after the timeout", () => {
    const h = harness()
    h.stream.add([A], 0)
    h.stream.connected(0)
    h.commands()
    h.stream.onFrame('{"id":1,"type":"error","msg":{"code":17,"msg":"Internal error"}}', 1)
    assert.strictEqual(h.problems[0]!.reason, "VenueError")
    h.stream.overdue(5_000, 10_000)
    assert.deepStrictEqual(h.commands(), [])
    h.stream.overdue(10_000, 10_000)
    assert.deepStrictEqual(h.commands().map((c) => [c.cmd, c.params["market_tickers"]]), [["subscribe", [A]]])
  })

  it("replays a capture passively (inspect): adopts sids and markets, still detects gaps", () => {
    const h = harness({ passive: true })
    h.stream.onFrame(snapshot(5, 1, A, [["0.4200", "13.00"]], [["0.5600", "17.00"]]), 0)
    h.stream.onFrame(delta(5, 2, A, "yes", "0.4300", "1.00"), 1)
    assert.strictEqual(h.top(A).bid, 430_000)
    h.stream.onFrame(delta(5, 4, A, "yes", "0.4400", "1.00"), 2)
    assert.strictEqual(h.problems[0]!.reason, "SequenceGap")
    assert.strictEqual(h.stream.books.get(A)!.status, "awaiting_snapshot")
    h.stream.onFrame(snapshot(5, 5, A, [["0.4100", "1.00"]], []), 3)
    assert.strictEqual(h.top(A).bid, 410_000)
  })

  it("tracks trade seq on its own sid and reports trades", () => {
    const h = harness({ sideChannels: ["trade"] })
    h.stream.add([A], 0)
    h.stream.connected(0)
    assert.deepStrictEqual(h.commands().map((c) => c.params["channels"]), [["orderbook_delta"], ["trade"]])
    h.stream.onFrame(subscribed(2, 7, "trade"), 1)
    for (const line of readFileSync("/work/shared/fixtures/kalshi-ws-trade-2026-02.jsonl", "utf8").trim().split("\n")) {
      h.stream.onFrame(JSON.stringify({ ...JSON.parse(line), sid: 7 }), 2)
    }
    assert.strictEqual(h.trades.length, 10)
    // The capture jumps from seq 10 to 48 (other markets were filtered out of it): a trade gap is reported, no book is touched
    assert.deepStrictEqual(h.problems.map((p) => p.reason), ["SequenceGap"])
  })
})
