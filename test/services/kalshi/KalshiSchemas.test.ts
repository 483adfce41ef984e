import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { readFileSync } from "node:fs"
import {
  KalshiEvent,
  KalshiMarket,
  KalshiMarketResponse,
  KalshiMarketsResponse,
  KalshiOrderbookResponse,
  KalshiOrderbooksResponse,
  KalshiSeries
} from "../../../src/services/kalshi/KalshiSchemas.ts"
import { splitElements } from "../../../src/services/marketdata/Wire.ts"

const fixture = (name: string): unknown => JSON.parse(readFileSync(`/work/shared/fixtures/${name}`, "utf8"))
const decode = <A>(schema: Schema.Codec<A, any, never, never>, input: unknown): A => Schema.decodeUnknownSync(schema)(input)

describe("Kalshi REST schemas", () => {
  it("decodes the recorded market (fixed-point fields only) with exact values", () => {
    const { market } = decode(KalshiMarketResponse, fixture("kalshi-market-KXGDPSHAREMANU-29-2026-04.json"))
    assert.strictEqual(market.ticker, "KXGDPSHAREMANU-29")
    assert.strictEqual(market.event_ticker, "KXGDPSHAREMANU-29")
    assert.strictEqual(market.status, "active")
    assert.strictEqual(market.yes_bid_dollars, 111_000)
    assert.strictEqual(market.yes_ask_dollars, 197_000)
    assert.strictEqual(market.no_bid_dollars, 803_000)
    assert.strictEqual(market.no_ask_dollars, 889_000)
    assert.strictEqual(market.last_price_dollars, 198_000)
    assert.strictEqual(market.yes_bid_size_fp, 2_505_610_000) // 2505.61 contracts: fractional counts are real
    assert.strictEqual(market.volume_fp, 19_617_680_000)
    assert.strictEqual(market.open_interest_fp, 11_077_210_000)
    assert.strictEqual(market.close_time, Date.UTC(2029, 5, 30, 3, 59, 0))
    assert.strictEqual(market.price_level_structure, "deci_cent")
    assert.deepStrictEqual<unknown>(market.price_ranges, [{ start: 550_000, end: 560_000, step: 10_000 }])
    assert.isTrue(market.fractional_trading_enabled)
  })

  it("fills the fixed-point fields from legacy integer cents when only those are present", () => {
    const m = decode(KalshiMarket, { ticker: "KXA-1", event_ticker: "KXA", status: "active", yes_bid: 42, yes_ask: 44, no_bid: 56, last_price: 43, volume: 1200, open_interest: 3 })
    assert.deepStrictEqual(
      [m.yes_bid_dollars, m.yes_ask_dollars, m.no_bid_dollars, m.last_price_dollars, m.volume_fp, m.open_interest_fp],
      [420_000, 440_000, 560_000, 430_000, 1_200_000_000, 3_000_000]
    )
    assert.isFalse("yes_bid" in m)
    // Both present: the fixed-point value wins
    assert.strictEqual(decode(KalshiMarket, { ticker: "KXA-1", event_ticker: "KXA", status: "active", yes_bid: 42, yes_bid_dollars: "0.4250" }).yes_bid_dollars, 425_000)
  })

  it("rejects inexact or out-of-range prices instead of rounding them", () => {
    assert.throws(() => decode(KalshiMarket, { ticker: "KXA-1", event_ticker: "KXA", status: "active", yes_bid_dollars: "0.12345678" }))
    assert.throws(() => decode(KalshiMarket, { ticker: "KXA-1", event_ticker: "KXA", status: "active", yes_bid_dollars: "1.0100" }))
    assert.throws(() => decode(KalshiMarket, { ticker: "KXA-1", event_ticker: "KXA", status: "active", yes_bid: 101 }))
    assert.throws(() => decode(KalshiMarket, { ticker: "kx lower", event_ticker: "KXA", status: "active" }))
  })

  it("decodes both order book docs examples to the same book (fixed-point and legacy cents)", () => {
    const fp = decode(KalshiOrderbookResponse, fixture("kalshi-orderbook-fp-docs-example.json"))
    const legacy = decode(KalshiOrderbookResponse, fixture("kalshi-orderbook-legacy-cents-docs-example.json"))
    assert.deepStrictEqual(fp, legacy)
    assert.strictEqual(fp.yes.length, 12)
    assert.strictEqual(fp.no.length, 10)
    assert.deepStrictEqual(fp.yes.at(-1), [420_000, 13_000_000]) // ascending: best last
    assert.deepStrictEqual(fp.no.at(-1), [560_000, 17_000_000])
    assert.deepStrictEqual(decode(KalshiOrderbookResponse, { orderbook_fp: { yes_dollars: null } }), { yes: [], no: [] })
    assert.deepStrictEqual(decode(KalshiOrderbookResponse, {}), { yes: [], no: [] })
  })

  it("decodes the batch order book envelope", () => {
    const r = decode(KalshiOrderbooksResponse, { orderbooks: [{ ticker: "KXA-1", orderbook_fp: { yes_dollars: [["0.4200", "13.00"]], no_dollars: [] } }] })
    assert.deepStrictEqual<unknown>(splitElements(r.orderbooks).items[0]?.orderbook_fp?.yes_dollars, [[420_000, 13_000_000]])
    assert.deepStrictEqual(decode(KalshiOrderbooksResponse, { orderbooks: null }).orderbooks, [])
  })

  it("list pages decode element by element: a bad element is Rejected with its reason, the rest decode; title null is fine", () => {
    const good = { ticker: "KXNFLGAME-25DEC14DALCAR-DAL", event_ticker: "KXNFLGAME-25DEC14DALCAR", status: "active", title: null, yes_sub_title: null }
    const r = decode(KalshiMarketsResponse, { markets: [good, { ...good, ticker: "not a ticker!" }, { ...good, status: 7 }], cursor: "" })
    const { items, rejected } = splitElements(r.markets)
    assert.deepStrictEqual(items.map((m) => [m.ticker, m.title]), [["KXNFLGAME-25DEC14DALCAR-DAL", null]])
    assert.deepStrictEqual(rejected.map((x) => [x.index, x.id]), [[1, "not a ticker!"], [2, "KXNFLGAME-25DEC14DALCAR-DAL"]])
    assert.isTrue(rejected.every((x) => x.error.length > 0 && !x.error.includes("\n")))
  })

  it("reads series fee parameters and event overrides exactly", () => {
    const s = decode(KalshiSeries, { ticker: "KXMLBGAME", fee_type: "quadratic_with_maker_fees", fee_multiplier: 0.5, tags: null })
    assert.strictEqual(s.fee_multiplier, 500_000)
    assert.strictEqual(decode(KalshiSeries, { ticker: "KXNFLGAME", fee_type: "quadratic_with_maker_fees", fee_multiplier: 1 }).fee_multiplier, 1_000_000)
    assert.strictEqual(decode(KalshiSeries, { ticker: "KXX", fee_type: "quadratic", fee_multiplier: "0.25" }).fee_multiplier, 250_000)
    const e = decode(KalshiEvent, { event_ticker: "KXMLBGAME-26OCT07TBNYY", series_ticker: "KXMLBGAME", fee_type_override: null, fee_multiplier_override: 0.75, markets: null })
    assert.strictEqual(e.fee_multiplier_override, 750_000)
    assert.isNull(e.fee_type_override)
  })
})
