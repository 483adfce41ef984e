import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { readFileSync } from "node:fs"
import { ClobBook, ClobFeeRate, ClobTickSize } from "../../../src/services/polymarket/ClobSchemas.ts"
import { splitElements } from "../../../src/services/marketdata/Wire.ts"
import { GammaEventsResponse, GammaMarket } from "../../../src/services/polymarket/GammaSchemas.ts"

const fixture = (name: string): unknown => JSON.parse(readFileSync(`/work/shared/fixtures/${name}`, "utf8"))
const decode = <A>(schema: Schema.Codec<A, any, never, never>, input: unknown): A => Schema.decodeUnknownSync(schema)(input)
/** The decoded events, each with its decoded markets (every fixture element decodes). */
const splitEvents = (list: typeof GammaEventsResponse.Type) => {
  const { items, rejected } = splitElements(list)
  assert.deepStrictEqual(rejected, [])
  return items.map((e) => {
    const markets = splitElements(e.markets)
    assert.deepStrictEqual(markets.rejected, [])
    return { ...e, markets: markets.items }
  })
}

describe("Gamma schemas", () => {
  it("a market pending deployment (conditionId \"\", null or 31 bytes; outcomes null) is rejected alone; its event and the page decode", () => {
    const [base] = fixture("polymarket-gamma-events-sports-mlp-2026-08.json") as Array<any>
    const good = base.markets[0]
    const bad = [{ ...good, conditionId: "" }, { ...good, conditionId: null }, { ...good, conditionId: good.conditionId.slice(0, 64) }, { ...good, outcomes: null }]
    const page = decode(GammaEventsResponse, [{ ...base, markets: [good, ...bad] }, { id: [] }, { ...base, id: "e2" }])
    const events = splitElements(page)
    assert.deepStrictEqual(events.items.map((e) => e.id), [base.id, "e2"])
    assert.deepStrictEqual(events.rejected.map((r) => [r.index, r.id]), [[1, undefined]])
    const markets = splitElements(events.items[0]!.markets)
    assert.deepStrictEqual(markets.items.map((m) => m.conditionId), [good.conditionId])
    assert.deepStrictEqual(markets.rejected.map((r) => r.index), [1, 2, 3, 4])
  })


  it("decode the sports event: teams, game id, dates, nested markets with JSON-string fields and fee schedule", () => {
    const [event] = splitEvents(decode(GammaEventsResponse, fixture("polymarket-gamma-events-sports-mlp-2026-08.json")))
    assert.strictEqual(event!.id, "835109")
    assert.strictEqual(event!.gameId, "287011684") // an integer on the event
    assert.strictEqual(event!.eventDate, "2026-08-14")
    assert.strictEqual(event!.startTime, Date.UTC(2026, 7, 14, 21, 0, 0))
    assert.strictEqual(event!.period, "NS")
    assert.deepStrictEqual(event!.teams?.map((t) => [t.name, t.abbreviation, t.ordering]), [["St. Louis Shock", "stl", "home"], ["Texas Ranchers", "tex", "away"]])
    assert.strictEqual(event!.sport?.sport, "mlp")
    assert.deepStrictEqual(event!.tags?.map((t) => t.id).slice(0, 1), ["1"])
    const [moneyline, advance] = event!.markets!
    assert.deepStrictEqual(moneyline!.outcomes, ["St. Louis Shock", "Texas Ranchers"])
    assert.deepStrictEqual<unknown>(moneyline!.outcomePrices, [525_000, 475_000])
    const raw = (fixture("polymarket-gamma-events-sports-mlp-2026-08.json") as Array<{ markets: Array<{ clobTokenIds: string }> }>)[0]!.markets[0]!.clobTokenIds
    assert.deepStrictEqual<unknown>(moneyline!.clobTokenIds, JSON.parse(raw))
    assert.strictEqual(moneyline!.clobTokenIds![0], "36280099875251751745818064964562734168278241751001325046514103806779905894113")
    assert.isTrue(moneyline!.clobTokenIds![1]!.length > 70) // beyond 2^53: kept as a string
    assert.strictEqual(moneyline!.gameStartTime, Date.UTC(2026, 7, 14, 21, 0, 0)) // "2026-08-14 21:00:00+00"
    assert.strictEqual(moneyline!.gameId, "dd80aae9-52f9-4c7b-a1cf-7b4ab63cd281:STL:TEX") // a string on the market
    assert.strictEqual(moneyline!.sportsMarketType, "moneyline")
    assert.strictEqual(moneyline!.negRisk, false)
    assert.strictEqual(moneyline!.orderPriceMinTickSize, 10_000)
    assert.strictEqual(moneyline!.orderMinSize, 5_000_000)
    assert.deepStrictEqual<unknown>(moneyline!.feeSchedule, { exponent: 1, rate: 50_000, takerOnly: true, rebateRate: 150_000 })
    assert.strictEqual(advance!.sportsMarketType, "soccer_team_to_advance")
    assert.strictEqual(advance!.gameStartTime, Date.UTC(2026, 7, 16, 0, 30, 0))
  })

  it("decode the neg-risk politics event", () => {
    const [event] = splitEvents(decode(GammaEventsResponse, fixture("polymarket-gamma-events-politics-negrisk.json")))
    assert.isTrue(event!.negRisk)
    assert.isTrue(event!.negRiskAugmented)
    assert.strictEqual(event!.markets!.length, 2)
    assert.deepStrictEqual<unknown>(event!.markets![0]!.outcomePrices, [10_500, 989_500])
    assert.strictEqual(event!.markets![0]!.feesEnabled, false)
    assert.isNull(event!.markets![0]!.feeType)
  })

  it("decode the esports and crypto markets", () => {
    const ml = decode(GammaMarket, fixture("polymarket-gamma-market-sports-moneyline-esports.json"))
    assert.deepStrictEqual(ml.outcomes, ["FaZe", "illwill"])
    assert.deepStrictEqual<unknown>(ml.outcomePrices, [1_000_000, 0])
    assert.strictEqual(ml.gameStartTime, Date.UTC(2026, 3, 5, 15, 10, 0))
    assert.strictEqual(ml.gameId, "1427074")
    assert.strictEqual(ml.orderPriceMinTickSize, 1_000)
    assert.deepStrictEqual<unknown>(ml.feeSchedule, { exponent: 1, rate: 30_000, rebateRate: 250_000, takerOnly: true })
    const handicap = decode(GammaMarket, fixture("polymarket-gamma-market-sports-map-handicap-esports.json"))
    assert.deepStrictEqual([handicap.sportsMarketType, handicap.line], ["map_handicap", -1.5])
    const crypto = decode(GammaMarket, fixture("polymarket-gamma-market-crypto-updown.json"))
    assert.deepStrictEqual([crypto.feeType, crypto.feeSchedule, crypto.sportsMarketType], ["crypto_fees", undefined, undefined])
    assert.strictEqual(crypto.clobTokenIds!.length, 2)
  })

  it("reads positionIds (protocol V2) when clobTokenIds is absent, and real arrays as well as JSON strings", () => {
    const base = fixture("polymarket-gamma-market-crypto-updown.json") as Record<string, unknown>
    const { clobTokenIds, ...rest } = base
    const v2 = decode(GammaMarket, { ...rest, positionIds: clobTokenIds })
    assert.deepStrictEqual(v2.clobTokenIds, decode(GammaMarket, base).clobTokenIds)
    assert.deepStrictEqual(decode(GammaMarket, { ...rest, outcomes: ["Up", "Down"] }).outcomes, ["Up", "Down"])
  })

  it("reject a malformed JSON-string field or an inexact outcome price", () => {
    const base = fixture("polymarket-gamma-market-crypto-updown.json") as Record<string, unknown>
    assert.throws(() => decode(GammaMarket, { ...base, outcomes: "[\"Up\", " }))
    assert.throws(() => decode(GammaMarket, { ...base, outcomePrices: "[\"0.1234567\", \"0.8765433\"]" }))
    assert.throws(() => decode(GammaMarket, { ...base, clobTokenIds: "[\"12x\"]" }))
  })
})

describe("CLOB REST schemas", () => {
  it("decode the recorded /book: bids ascending, asks descending, best last", () => {
    const book = decode(ClobBook, fixture("polymarket-clob-book-2024.json"))
    assert.strictEqual(book.timestamp, 1728799418260)
    assert.deepStrictEqual<unknown>(book.bids.at(-1), { price: 100_000, size: 125_000_000 })
    assert.deepStrictEqual<unknown>(book.asks.at(-1), { price: 140_000, size: 705_000_000 })
    assert.deepStrictEqual<unknown>(book.asks.find((l) => l.price === 380_000), { price: 380_000, size: 192_300_000 })
  })

  it("decode tick size and fee rate in their number and string forms", () => {
    assert.strictEqual(decode(ClobTickSize, { minimum_tick_size: 0.01 }).minimum_tick_size, 10_000)
    assert.strictEqual(decode(ClobTickSize, { minimum_tick_size: "0.001" }).minimum_tick_size, 1_000)
    assert.strictEqual(decode(ClobFeeRate, { base_fee: "150" }).base_fee, 150)
    assert.strictEqual(decode(ClobFeeRate, { base_fee: 1000 }).base_fee, 1000)
    assert.throws(() => decode(ClobFeeRate, { base_fee: "1.5" }))
  })
})
