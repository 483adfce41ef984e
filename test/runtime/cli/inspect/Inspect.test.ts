import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { inspectKalshi } from "../../../../src/runtime/cli/inspect/KalshiWs.ts"
import { inspectPolymarket } from "../../../../src/runtime/cli/inspect/PolymarketWs.ts"
import { splitMessages } from "../../../../src/runtime/cli/inspect/Replay.ts"

const fixture = (name: string) => readFileSync(`/work/shared/fixtures/${name}`, "utf8")
const parse = (lines: Array<string>) => lines.map((l) => JSON.parse(l) as Record<string, unknown>)

describe("splitMessages", () => {
  it("reads a JSON array, one JSON object, or JSON lines (keeping malformed lines)", () => {
    assert.deepStrictEqual(splitMessages('[{"a":1},\n {"b":2}]'), ['{"a":1}', '{"b":2}'])
    assert.deepStrictEqual(splitMessages('{\n  "a": 1\n}'), ['{"a":1}'])
    assert.deepStrictEqual(splitMessages('{"a":1}\n\n{oops\n{"b":2}\n'), ['{"a":1}', "{oops", '{"b":2}'])
  })
})

describe("inspect kalshi-ws", () => {
  it("prints the YES top of book after each message, derived asks included", () => {
    const out = parse(inspectKalshi([
      '{"type":"orderbook_snapshot","sid":1,"seq":1,"msg":{"market_ticker":"KXA-1","yes_dollars_fp":[["0.4200","13.00"]],"no_dollars_fp":[["0.5600","17.00"],["0.5500","2.50"]]}}',
      '{"type":"orderbook_delta","sid":1,"seq":2,"msg":{"market_ticker":"KXA-1","price_dollars":"0.5600","delta_fp":"-17.00","side":"no","ts_ms":1}}'
    ]))
    assert.deepStrictEqual(out, [
      { message: 1, market: "KXA-1", outcome: "yes", status: "live", epoch: 1, bestBid: "0.42", bestBidSize: "13", bestAsk: "0.44", bestAskSize: "17" },
      { message: 2, market: "KXA-1", outcome: "yes", status: "live", epoch: 1, bestBid: "0.42", bestBidSize: "13", bestAsk: "0.45", bestAskSize: "2.5" }
    ])
  })

  it("prints an error line for a malformed message, a gap or a bad delta, and goes on", () => {
    const out = parse(inspectKalshi([
      '{"type":"orderbook_snapshot","sid":1,"seq":1,"msg":{"market_ticker":"KXA-1","yes_dollars_fp":[["0.4200","13.00"]]}}',
      "{not json",
      '{"type":"orderbook_delta","sid":1,"seq":3,"msg":{"market_ticker":"KXA-1","price_dollars":"0.4200","delta_fp":"1.00","side":"yes"}}',
      '{"type":"orderbook_snapshot","sid":1,"seq":4,"msg":{"market_ticker":"KXA-1","yes_dollars_fp":[["0.4100","1.00"]]}}',
      '{"type":"ticker","sid":9,"msg":{"market_ticker":"KXA-1","yes_bid_dollars":"0.4100"}}'
    ]))
    assert.deepStrictEqual(out.map((l) => [l["message"], l["error"] ?? l["status"]]), [[1, "live"], [2, "Decode"], [3, "SequenceGap"], [3, "awaiting_snapshot"], [4, "live"]])
    assert.strictEqual(out.at(-1)!["bestBid"], "0.41")
  })

  it("replays the recorded fixtures: the AsyncAPI delta does not fit its own snapshot", () => {
    const out = parse(inspectKalshi(splitMessages(fixture("kalshi-ws-orderbook-fp-asyncapi-example.jsonl"))))
    assert.deepStrictEqual(out.map((l) => l["error"] ?? l["bestBid"]), ["0.22", "NegativeLevel", null])
    // Ticker and trade captures touch no book: nothing to print, nothing wrong except the capture's own seq jump
    assert.deepStrictEqual(inspectKalshi(splitMessages(fixture("kalshi-ws-ticker-2026-02.jsonl"))), [])
    assert.deepStrictEqual(parse(inspectKalshi(splitMessages(fixture("kalshi-ws-trade-2026-02.jsonl")))).map((l) => l["error"]), ["SequenceGap"])
  })
})

describe("inspect polymarket-ws", () => {
  it("replays the recorded market stream: sub-cent top of book after each message, invariant holding", () => {
    const out = parse(inspectPolymarket(splitMessages(fixture("polymarket-ws-market-stream-2026-head.json"))))
    assert.deepStrictEqual(out.map((l) => [l["message"], l["bestBid"], l["bestBidSize"], l["bestAsk"], l["bestAskSize"]]), [
      [1, "0.30", "5000", "0.397", "100.09"],
      [2, "0.301", "1000", "0.397", "100.09"],
      [3, "0.311", "2000", "0.397", "100.09"]
    ])
    assert.isTrue(out.every((l) => l["error"] === undefined))
  })

  it("reads every recorded book, with an empty ask side as null", () => {
    const out = parse(inspectPolymarket(splitMessages(fixture("polymarket-ws-book-2026-02.jsonl"))))
    assert.strictEqual(out.length, 10)
    assert.deepStrictEqual([out[1]!["bestBid"], out[1]!["bestAsk"], out[1]!["bestAskSize"]], ["0.999", null, null])
  })

  it("an invariant break, a tick-size change and a malformed frame each show up, and processing goes on", () => {
    const book = JSON.parse(fixture("polymarket-ws-market-stream-2026-head.json"))[0]
    const asset = book.asset_id as string
    const out = parse(inspectPolymarket([
      JSON.stringify(book),
      JSON.stringify({ event_type: "price_change", market: book.market, timestamp: "1790658700000", price_changes: [{ asset_id: asset, price: "0.305", size: "10", side: "BUY", best_bid: "0.31", best_ask: "0.397" }] }),
      JSON.stringify([book]),
      JSON.stringify({ event_type: "tick_size_change", asset_id: asset, market: book.market, old_tick_size: "0.01", new_tick_size: "0.001", timestamp: "2" }),
      '[{"event_type": "book"',
      JSON.stringify({ ...book, tick_size: "0.001" })
    ]))
    assert.deepStrictEqual(out.map((l) => [l["message"], l["error"] ?? l["status"], l["epoch"] ?? null]), [
      [1, "live", 1],
      [2, "BestBidAskMismatch", null],
      [2, "awaiting_snapshot", 1],
      [3, "live", 2],
      [4, "live", 2], // every level sits on the finer grid: the book stays live
      [5, "Decode", null],
      [5, "awaiting_snapshot", 2], // a malformed frame may have carried any change
      [6, "live", 3]
    ])
  })
})
