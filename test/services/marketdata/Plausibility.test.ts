/**
 * Values that decode but cannot be true never enter a book: a negative Kalshi `seq` (it used to
 * skip the sequence check, so a replayed delta was applied twice), a Polymarket change older than
 * the book, and resting levels at $0 or $1 or off the tick grid.
 */
import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { emptyTop } from "../../../src/domain/book/BookState.ts"
import { kalshiTop } from "../../../src/domain/book/KalshiBook.ts"
import { tokenTop } from "../../../src/domain/book/TokenBook.ts"
import { KalshiBookStream } from "../../../src/services/kalshi/KalshiBookStream.ts"
import type { StreamProblem } from "../../../src/services/marketdata/StreamProblem.ts"
import { PolymarketBookStream } from "../../../src/services/polymarket/PolymarketBookStream.ts"

const A = "KXMLBGAME-26OCT072000TBNYY-TB"
const STREAM = "76670567130917723816490572615540605537878462672464291990940067659127658071111"
const head = JSON.parse(readFileSync("/work/shared/fixtures/polymarket-ws-market-stream-2026-head.json", "utf8")) as Array<Record<string, unknown>>

const kalshi = () => {
  const problems: Array<StreamProblem> = []
  const stream = new KalshiBookStream({ onBook: () => {}, onProblem: (p) => problems.push(p) })
  stream.add([A], 0)
  stream.connected(0)
  stream.takeOutbox()
  stream.onFrame(JSON.stringify({ id: 1, type: "subscribed", msg: { channel: "orderbook_delta", sid: 1 } }), 1)
  stream.onFrame(JSON.stringify({ type: "orderbook_snapshot", sid: 1, seq: 1, msg: { market_ticker: A, yes_dollars_fp: [["0.4200", "13.00"]], no_dollars_fp: [["0.5600", "17.00"]] } }), 2)
  return { stream, problems, top: () => kalshiTop(stream.books.get(A)!, "yes", emptyTop()) }
}
const delta = (seq: number, price = "0.4200", d = "5.00") =>
  JSON.stringify({ type: "orderbook_delta", sid: 1, seq, msg: { market_ticker: A, price_dollars: price, delta_fp: d, side: "yes", ts_ms: 1 } })

const poly = () => {
  const problems: Array<StreamProblem> = []
  const stream = new PolymarketBookStream({ onBook: () => {}, onProblem: (p) => problems.push(p) })
  stream.add([STREAM], 0)
  stream.connected(0)
  stream.onFrame(JSON.stringify(head[0]), 1) // timestamp 1790658661234, tick 0.001
  return { stream, problems, top: () => tokenTop(stream.books.get(STREAM)!, emptyTop()) }
}
const change = (price: string, size: string, bestBid: string, bestAsk: string, timestamp: string) =>
  JSON.stringify({ event_type: "price_change", market: "0x28", timestamp, price_changes: [{ asset_id: STREAM, price, size, side: "BUY", best_bid: bestBid, best_ask: bestAsk }] })

describe("plausibility", () => {
  it("Kalshi: a delta replayed with seq -1 is not applied twice; it is a lost book frame (resubscribe)", () => {
    const h = kalshi()
    h.stream.onFrame(delta(2), 3)
    assert.strictEqual(h.top().bidSize, 18_000_000)
    h.stream.onFrame(delta(-1), 4)
    assert.deepStrictEqual(h.problems.map((p) => p.reason), ["Decode"])
    assert.deepStrictEqual(h.top(), emptyTop()) // dropped for a fresh snapshot, never 23
    assert.deepStrictEqual(h.stream.takeOutbox().map((c) => JSON.parse(c).cmd), ["unsubscribe", "subscribe"])
  })

  it("Kalshi: a resting bid at $0 or $1 drops the book (snapshot or delta)", () => {
    const h = kalshi()
    h.stream.onFrame(delta(2, "1.0000", "3.00"), 3)
    assert.deepStrictEqual(h.problems.map((p) => p.reason), ["OutOfRange"])
    assert.deepStrictEqual(h.top(), emptyTop())
  })

  it("Polymarket: a change older than the book is ignored and reported; a newer one applies", () => {
    const h = poly()
    h.stream.onFrame(change("0.305", "10", "0.305", "0.397", "1790658661000"), 2)
    assert.deepStrictEqual(h.problems.map((p) => p.reason), ["Stale"])
    assert.strictEqual(h.top().bid, 300_000)
    h.stream.onFrame(change("0.305", "10", "0.305", "0.397", "1790658661300"), 3)
    assert.strictEqual(h.top().bid, 305_000)
    h.stream.onFrame(change("0.306", "10", "0.306", "0.397", "1790658661234"), 4) // older than the last change
    assert.deepStrictEqual(h.problems.map((p) => p.reason), ["Stale", "Stale"])
    assert.strictEqual(h.top().bid, 305_000)
  })

  it("Polymarket: resting levels at $0, at $1 or off the tick grid drop the book and resync it", () => {
    for (const [price, reason] of [["0", "OutOfRange"], ["0.3005", "OffGrid"]] as const) {
      const h = poly()
      h.stream.onFrame(change(price, "10", "0.3", "0.397", "1790658674036"), 2)
      assert.deepStrictEqual(h.problems.map((p) => p.reason), [reason], price)
      assert.deepStrictEqual(h.top(), emptyTop())
      assert.deepStrictEqual(h.stream.takeResyncs(), [STREAM])
    }
    const h = poly()
    h.stream.onFrame(JSON.stringify({ ...head[0], asks: [{ price: "1", size: "5" }] }), 2)
    assert.deepStrictEqual(h.problems.map((p) => p.reason), ["OutOfRange"])
    assert.deepStrictEqual(h.stream.takeResyncs(), [STREAM])
  })
})
