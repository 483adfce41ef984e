import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import * as fc from "fast-check"
import { readFileSync } from "node:fs"
import { decodeKalshiFrame, decodeKalshiValue, fastPaths, KalshiFrame } from "../../../src/services/kalshi/KalshiWsDecoder.ts"
import { KalshiDeltaMessage, KalshiSnapshotMessage, type KalshiTickerMsg, type KalshiTradeMsg } from "../../../src/services/kalshi/KalshiWsSchemas.ts"
import { applyEdits, editsAt } from "../../support/FrameEdits.ts"

const lines = (name: string) => readFileSync(`/work/shared/fixtures/${name}`, "utf8").trim().split("\n")
const levels = (buffer: KalshiFrame["yes"]) => Array.from({ length: buffer.count }, (_, i) => [buffer.prices[i], buffer.sizes[i]])

describe("Kalshi WS fixtures decode", () => {
  it("the AsyncAPI snapshot and delta (current fixed-point shape)", () => {
    const [snapshot, delta] = lines("kalshi-ws-orderbook-fp-asyncapi-example.jsonl")
    const f = decodeKalshiFrame(snapshot!, new KalshiFrame())
    assert.strictEqual(f.kind, "snapshot")
    assert.deepStrictEqual([f.sid, f.seq, f.ticker], [2, 2, "FED-23DEC-T3.00"])
    assert.deepStrictEqual(levels(f.yes), [[80_000, 300_000_000], [220_000, 333_000_000]])
    assert.deepStrictEqual(levels(f.no), [[540_000, 20_000_000], [560_000, 146_000_000]])
    decodeKalshiFrame(delta!, f)
    assert.strictEqual(f.kind, "delta")
    assert.deepStrictEqual([f.sid, f.seq, f.ticker, f.side, f.price, f.delta, f.venueTs], [2, 3, "FED-23DEC-T3.00", "yes", 960_000, -54_000_000, 1669149841000])
  })

  it("the recorded legacy delta (cents, integer contracts, RFC3339 ts)", () => {
    const f = decodeKalshiFrame(readFileSync("/work/shared/fixtures/kalshi-ws-orderbook-delta-legacy-2025-08-KXMLBGAME.json", "utf8"), new KalshiFrame())
    assert.strictEqual(f.kind, "delta")
    assert.deepStrictEqual([f.sid, f.seq, f.ticker, f.side, f.price, f.delta, f.venueTs], [1, 3, "KXMLBGAME-25AUG12SDSF-SD", "no", 510_000, -1_000_000, -1])
  })

  it("every recorded ticker message, with both cent and fixed-point fields", () => {
    const f = new KalshiFrame()
    const decoded = lines("kalshi-ws-ticker-2026-02.jsonl").map((l) => {
      decodeKalshiFrame(l, f)
      assert.strictEqual(f.kind, "ticker", f.error)
      return (f.value as { msg: KalshiTickerMsg }).msg
    })
    assert.strictEqual(decoded.length, 10)
    const first = decoded[0]!
    assert.strictEqual(first.market_ticker, "KXXRP-26FEB1317-B1.3899500")
    assert.deepStrictEqual([first.price_dollars, first.yes_bid_dollars, first.yes_ask_dollars], [140_000, 40_000, 950_000])
    assert.deepStrictEqual([first.yes_bid_size_fp, first.yes_ask_size_fp, first.volume_fp, first.open_interest_fp], [14_000_000, 84_000_000, 13_446_000_000, 892_000_000])
    assert.strictEqual(first.ts, 1770897976)
    assert.strictEqual(decoded[1]!.yes_ask_dollars, 1_000_000) // the "no ask" sentinel stays a price
  })

  it("every recorded trade message, with its per-sid seq", () => {
    const f = new KalshiFrame()
    const trades = lines("kalshi-ws-trade-2026-02.jsonl").map((l) => {
      decodeKalshiFrame(l, f)
      assert.strictEqual(f.kind, "trade", f.error)
      return { seq: f.seq, msg: (f.value as { msg: KalshiTradeMsg }).msg }
    })
    assert.deepStrictEqual(trades.map((t) => t.seq), [10, 48, 49, 50, 51, 52, 53, 54, 55, 56])
    const t = trades[1]!.msg
    assert.deepStrictEqual([t.trade_id, t.market_ticker, t.yes_price_dollars, t.no_price_dollars, t.count_fp, t.taker_side], ["d6af7817-8764-6afb-f5b7-ced5fda2581c", "KXBTCD-26FEB1217-T67749.99", 570_000, 430_000, 90_000_000, "no"])
  })

  it("command responses and unknown types", () => {
    const f = new KalshiFrame()
    decodeKalshiFrame('{"id":1,"type":"subscribed","msg":{"channel":"orderbook_delta","sid":7}}', f)
    assert.deepStrictEqual([f.kind, f.id], ["subscribed", 1])
    decodeKalshiFrame('{"id":123,"type":"error","msg":{"code":6,"msg":"Already subscribed"}}', f)
    assert.deepStrictEqual([f.kind, f.id], ["error", 123])
    decodeKalshiFrame('{"type":"market_lifecycle_v2","sid":3,"msg":{}}', f)
    assert.strictEqual(f.kind, "other")
  })

  it("malformed frames are invalid with a reason, and keep sid/seq when the envelope has them", () => {
    const f = new KalshiFrame()
    decodeKalshiFrame("{not json", f)
    assert.strictEqual(f.kind, "invalid")
    assert.include(f.error, "malformed JSON")
    decodeKalshiFrame('{"type":"orderbook_delta","sid":4,"seq":9,"msg":{"market_ticker":"X","price_dollars":"0.1234567","delta_fp":"1.00","side":"yes"}}', f)
    assert.deepStrictEqual([f.kind, f.sid, f.seq], ["invalid", 4, 9])
    assert.include(f.error, "0.1234567")
  })
})

// ---------------------------------------------------------------------------
// The fast path accepts exactly what the Schemas accept, with the same values
// ---------------------------------------------------------------------------

const deltaBase = () => JSON.parse(lines("kalshi-ws-orderbook-fp-asyncapi-example.jsonl")[1]!) as Record<string, unknown>
const legacyBase = () => JSON.parse(readFileSync("/work/shared/fixtures/kalshi-ws-orderbook-delta-legacy-2025-08-KXMLBGAME.json", "utf8")) as Record<string, unknown>
const snapshotBase = () => JSON.parse(lines("kalshi-ws-orderbook-fp-asyncapi-example.jsonl")[0]!) as Record<string, unknown>

const deltaPaths = ["type", "sid", "seq", "msg", "msg.market_ticker", "msg.side", "msg.price_dollars", "msg.price", "msg.delta_fp", "msg.delta", "msg.ts_ms", "msg.ts", "msg.client_order_id"]
const snapshotPaths = ["type", "sid", "seq", "msg", "msg.market_ticker", "msg.yes_dollars_fp", "msg.no_dollars_fp", "msg.yes_dollars", "msg.no_dollars", "msg.yes", "msg.no", "msg.yes_dollars_fp.0", "msg.yes_dollars_fp.1.0", "msg.no_dollars_fp.1.1", "msg.yes_dollars_fp.0.2"]


describe("KalshiWsDecoder agrees with KalshiWsSchemas", () => {
  const f = new KalshiFrame()
  it("on orderbook_delta frames (current and legacy) under random edits", () =>
    fc.assert(
      fc.property(fc.boolean(), editsAt(deltaPaths), (legacy, changes) => {
        const frame = applyEdits(legacy ? legacyBase() : deltaBase(), changes)
        const decoded = decodeKalshiValue(frame, f)
        if (frame["type"] !== "orderbook_delta") return
        const schema = Schema.decodeUnknownResult(KalshiDeltaMessage)(frame)
        assert.strictEqual(decoded.kind === "delta", schema._tag === "Success", decoded.error)
        const fast = new KalshiFrame()
        assert.strictEqual(fastPaths.delta(frame, fast), schema._tag === "Success", `${JSON.stringify(frame)}`)
        if (schema._tag === "Success") {
          const s = schema.success
          assert.deepStrictEqual([fast.sid, fast.seq, fast.ticker, fast.side, fast.price, fast.delta, fast.venueTs], [s.sid, s.seq, s.ticker, s.side, s.price, s.delta, s.venueTs])
        }
      }),
      { numRuns: 3_000 }
    ))

  it("on orderbook_snapshot frames under random edits", () =>
    fc.assert(
      fc.property(editsAt(snapshotPaths), (changes) => {
        const frame = applyEdits(snapshotBase(), changes)
        const decoded = decodeKalshiValue(frame, f)
        if (frame["type"] !== "orderbook_snapshot") return
        const schema = Schema.decodeUnknownResult(KalshiSnapshotMessage)(frame)
        assert.strictEqual(decoded.kind === "snapshot", schema._tag === "Success", decoded.error)
        const fast = new KalshiFrame()
        assert.strictEqual(fastPaths.snapshot(frame, fast), schema._tag === "Success", `${JSON.stringify(frame)}`)
        if (schema._tag === "Success") {
          const s = schema.success
          assert.deepStrictEqual([fast.sid, fast.seq, fast.ticker, levels(fast.yes), levels(fast.no)], [s.sid, s.seq, s.ticker, s.yes.map((l) => [...l]), s.no.map((l) => [...l])])
        }
      }),
      { numRuns: 3_000 }
    ))
})
