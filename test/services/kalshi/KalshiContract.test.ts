/**
 * Contract: the official `kalshi-typescript` SDK drives our fake Kalshi, and every body the fake
 * serves has what the SDK's models declare (required fields present, values of the declared
 * types), checked with the TypeScript compiler over the SDK's own `models/*.ts`. The same bodies
 * decode with our schemas, element by element, with nothing rejected. When the SDK moves (a field
 * becomes required, a type changes), this test fails until the fake moves with it.
 *
 * One listing is left out of the SDK check on purpose: `KXLEGACY-24DEC31-A`, the legacy
 * integer-cent shape (gone since Oct 2026) that our decoder still has to read.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { generateKeyPairSync } from "node:crypto"
import { readFileSync } from "node:fs"
import { Configuration, EventsApi, MarketApi } from "kalshi-typescript"
import {
  KalshiEventResponse,
  KalshiEventsResponse,
  KalshiMarketResponse,
  KalshiMarketsResponse,
  KalshiOrderbookResponse,
  KalshiOrderbooksResponse,
  KalshiSeriesListResponse,
  KalshiSeriesResponse
} from "../../../src/services/kalshi/KalshiSchemas.ts"
import { Rejected } from "../../../src/services/marketdata/Wire.ts"
import { FakeKalshi } from "../../support/FakeKalshi.ts"
import { kalshiSdkShapes } from "../../support/SdkShapes.ts"

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
const LEGACY = "KXLEGACY-24DEC31-A"
/** Fields the recorded market capture carries that the SDK does not declare: the venue's, not the fake's */
const recorded = Object.keys((JSON.parse(readFileSync("/work/shared/fixtures/kalshi-market-KXGDPSHAREMANU-29-2026-04.json", "utf8")) as { market: object }).market)

let fake: FakeKalshi
let sdk: ReturnType<typeof kalshiSdkShapes>
let markets: MarketApi
let events: EventsApi

beforeAll(async () => {
  fake = new FakeKalshi({ publicKey, pageSize: 4 })
  await fake.start()
  sdk = kalshiSdkShapes()
  const configuration = new Configuration({
    basePath: fake.httpUrl("/trade-api/v2"),
    apiKey: "test-key",
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString()
  })
  markets = new MarketApi(configuration)
  events = new EventsApi(configuration)
}, 60_000)
afterAll(() => fake.close())

/** The SDK's model accepts the body, and anything it does not declare is a recorded venue field. */
const conforms = (model: string, body: unknown) => {
  const report = sdk.check(model, body)
  assert.deepStrictEqual(report.errors, [], model)
  const invented = report.undeclared.map((p) => p.split(".").at(-1)!).filter((k) => !recorded.includes(k))
  assert.deepStrictEqual([...new Set(invented)], [], `${model}: fields the SDK does not declare and no recording shows`)
}

/** Our schema decodes the body, and no list element is rejected. */
const decodes = <S extends Schema.Codec<any, any, never, never>>(schema: S, body: unknown): S["Type"] => {
  const decoded = Schema.decodeUnknownSync(schema)(body)
  const rejected: Array<unknown> = []
  const walk = (v: unknown) => {
    if (v instanceof Rejected) rejected.push(v.error)
    else if (Array.isArray(v)) v.forEach(walk)
    else if (typeof v === "object" && v !== null) Object.values(v).forEach(walk)
  }
  walk(decoded)
  assert.deepStrictEqual(rejected, [])
  return decoded
}

const withoutLegacy = <A extends { markets?: Array<{ ticker: string }> }>(body: A): A => ({ ...body, markets: body.markets?.filter((m) => m.ticker !== LEGACY) })

describe("the official Kalshi SDK against our fake Kalshi", () => {
  it("GET /markets, every page, through the SDK: each page conforms and decodes", async () => {
    let cursor: string | undefined
    const seen: Array<string> = []
    do {
      const page = (await markets.getMarkets(4, cursor)).data
      conforms("GetMarketsResponse", withoutLegacy(page))
      decodes(KalshiMarketsResponse, page)
      seen.push(...page.markets.map((m) => m.ticker))
      cursor = page.cursor === "" ? undefined : page.cursor
    } while (cursor !== undefined)
    assert.strictEqual(seen.length, fake.markets.length)
    assert.include(seen, LEGACY)
  })

  it("GET /markets/{ticker}, /orderbook and the signed batch /markets/orderbooks", async () => {
    for (const m of fake.markets.filter((x) => x["ticker"] !== LEGACY)) {
      const body = (await markets.getMarket(m["ticker"] as string)).data
      conforms("GetMarketResponse", body)
      assert.strictEqual(decodes(KalshiMarketResponse, body).market.ticker, m["ticker"])
    }
    for (const ticker of fake.books.keys()) {
      const body = (await markets.getMarketOrderbook(ticker)).data
      conforms("GetMarketOrderbookResponse", body)
      const ours = decodes(KalshiOrderbookResponse, body)
      // The SDK's levels and ours agree, level by level
      assert.deepStrictEqual(ours.yes.map(([p, q]) => [p / 1e6, q / 1e6]), body.orderbook_fp.yes_dollars.map(([p, q]) => [Number(p), Number(q)]))
      assert.deepStrictEqual(ours.no.map(([p, q]) => [p / 1e6, q / 1e6]), body.orderbook_fp.no_dollars.map(([p, q]) => [Number(p), Number(q)]))
    }
    const tickers = [...fake.books.keys()]
    const batch = (await markets.getMarketOrderbooks(tickers)).data
    conforms("GetMarketOrderbooksResponse", batch)
    assert.deepStrictEqual((decodes(KalshiOrderbooksResponse, batch).orderbooks as unknown as Array<{ ticker: string }>).map((b) => b.ticker), tickers)
    assert.isTrue(fake.requestsTo("/markets/orderbooks").every((r) => typeof r.headers["kalshi-access-signature"] === "string"))
  })

  it("GET /events (nested and not, every page) and /events/{ticker}", async () => {
    for (const nested of [true, false]) {
      let cursor: string | undefined
      do {
        const page = (await events.getEvents(4, cursor, nested)).data
        conforms("GetEventsResponse", page)
        decodes(KalshiEventsResponse, page)
        cursor = page.cursor === "" ? undefined : page.cursor
      } while (cursor !== undefined)
    }
    for (const e of fake.events) {
      const body = (await events.getEvent(e["event_ticker"] as string, false)).data
      conforms("GetEventResponse", body)
      decodes(KalshiEventResponse, body)
    }
  })

  it("GET /series and /series/{ticker}", async () => {
    const list = (await markets.getSeriesList()).data
    conforms("GetSeriesListResponse", list)
    assert.strictEqual((decodes(KalshiSeriesListResponse, list).series as Array<unknown>).length, fake.series.size)
    for (const ticker of fake.series.keys()) {
      const body = (await markets.getSeries(ticker)).data
      conforms("GetSeriesResponse", body)
      decodes(KalshiSeriesResponse, body)
    }
  })

  it("an unknown route and an unknown market answer with the venue's error body", async () => {
    for (const path of ["/markets/NOPE-1", "/events/NOPE-1", "/no-such-route"]) {
      const response = await fetch(fake.httpUrl(`/trade-api/v2${path}`))
      assert.strictEqual(response.status, 404)
      const body = (await response.json()) as { error: unknown }
      conforms("ErrorResponse", body.error)
      assert.strictEqual((body.error as { code: string }).code, "not_found")
    }
  })

  it("the check itself fails on a drifted body", () => {
    const drifted = { markets: [{ ...fake.markets[0], settlement_timer_seconds: "1800", yes_sub_title: undefined }], cursor: "" }
    assert.deepStrictEqual([...sdk.check("GetMarketsResponse", drifted).errors].sort(), [
      "GetMarketsResponse.markets[0].settlement_timer_seconds: \"1800\" is not number",
      "GetMarketsResponse.markets[0].yes_sub_title: required, missing"
    ])
  })
})
