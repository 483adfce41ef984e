/**
 * Contract: everything our fake Polymarket serves and streams is accepted by the official
 * Polymarket schemas (`@polymarket/bindings`, the zod schemas of the official TypeScript client),
 * and decodes with ours to the same values. Gamma and the CLOB answer on different origins, and an
 * unknown route answers with the CLOB's own error body. When the official schemas move, this test
 * fails until the fake moves with them.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { MarketEventSchema, UserEventSchema } from "@polymarket/bindings/subscriptions"
import {
  ApiKeyCredsSchema,
  BalanceAllowanceResponseSchema,
  CancelOrdersResponseSchema,
  ClobTradesPageSchema,
  FetchTickSizeResponseSchema,
  NegRiskSchema,
  OpenOrderSchema,
  OpenOrdersPageSchema,
  OrderBookSchema,
  OrderBooksSchema,
  OrderResponseSchema
} from "@polymarket/bindings/clob"
import { ListEventsResponseSchema, ListMarketsResponseSchema } from "@polymarket/bindings/gamma"
import { Schema } from "effect"
import { WebSocket } from "ws"
import { ClobBook, ClobBooksResponse, ClobTickSize } from "../../../src/services/polymarket/ClobSchemas.ts"
import { GammaEventsResponse, GammaMarketsResponse } from "../../../src/services/polymarket/GammaSchemas.ts"
import { ApiKeyResponse, CancelResponse, ClobOrder, NegRiskResponse, OrdersPage, PostOrderResponse, TradesPage } from "../../../src/services/polymarket/PolymarketOrderSchemas.ts"
import { decodePolyMessage, PolyMessage } from "../../../src/services/polymarket/PolymarketWsDecoder.ts"
import { PolyUserOrder, PolyUserTrade } from "../../../src/services/polymarket/PolymarketWsSchemas.ts"
import { Rejected } from "../../../src/services/marketdata/Wire.ts"
import { FakePolymarket, STREAM_ASSET, STREAM_PARTNER } from "../../support/FakePolymarket.ts"
import { type ClobOrderRecord, type ClobTradeRecord, FakePolymarketClob, TOKEN_NEG, TOKEN_YES } from "../../support/FakePolymarketClob.ts"

let fake: FakePolymarket
beforeAll(async () => {
  fake = new FakePolymarket({ pageSize: 3 })
  await fake.start()
})
afterAll(() => fake.close())

const get = async (url: string, init?: RequestInit) => {
  const response = await fetch(url, init)
  return { status: response.status, body: (await response.json()) as any }
}

/** The official schema accepts the value; its issues otherwise, for a readable failure. */
const official = (schema: { safeParse: (v: unknown) => { success: boolean; error?: { issues: unknown } } }, value: unknown, what: string) => {
  const r = schema.safeParse(value)
  assert.isTrue(r.success, `${what}: ${JSON.stringify(r.error?.issues)?.slice(0, 600)}`)
}

const rejectedIn = (v: unknown): Array<string> =>
  v instanceof Rejected ? [v.error] : Array.isArray(v) ? v.flatMap(rejectedIn) : typeof v === "object" && v !== null ? Object.values(v).flatMap(rejectedIn) : []

/** Levels as `[price, size]` numbers from either side's output. */
const levels = (xs: ReadonlyArray<{ price: unknown; size: unknown }>, scale = 1) => xs.map((l) => [Number(l.price) / scale, Number(l.size) / scale])

describe("the official Polymarket schemas against our fake Polymarket", () => {
  it("CLOB GET /book and POST /books: accepted by the official schemas, and ours read the same levels", async () => {
    const tokens = [...fake.books.keys()]
    for (const token of tokens) {
      const { body, status } = await get(fake.httpUrl(`/book?token_id=${token}`))
      assert.strictEqual(status, 200)
      official(OrderBookSchema, body, `/book ${token}`)
      const ours = Schema.decodeUnknownSync(ClobBook)(body)
      assert.deepStrictEqual(levels(ours.bids, 1e6), levels(body.bids), token)
      assert.deepStrictEqual(levels(ours.asks, 1e6), levels(body.asks), token)
    }
    const { body } = await get(fake.httpUrl("/books"), { method: "POST", body: JSON.stringify(tokens.map((token_id) => ({ token_id }))) })
    official(OrderBooksSchema, body, "/books")
    const ours = Schema.decodeUnknownSync(ClobBooksResponse)(body)
    assert.deepStrictEqual(rejectedIn(ours), [])
    assert.strictEqual(ours.length, tokens.length)
  })

  it("CLOB /tick-size, and the CLOB's error body for an unknown token or route", async () => {
    const { body } = await get(fake.httpUrl(`/tick-size?token_id=${STREAM_ASSET}`))
    official(FetchTickSizeResponseSchema, body, "/tick-size")
    Schema.decodeUnknownSync(ClobTickSize)(body)
    for (const path of ["/book?token_id=1", "/tick-size?token_id=1", "/no-such-route", "/events", "/markets"]) {
      const r = await get(fake.httpUrl(path))
      assert.strictEqual(r.status, 404, path)
      assert.deepStrictEqual(Object.keys(r.body), ["error"], path) // what the official client reads: `{"error": "..."}`
      assert.isString(r.body.error)
    }
  })

  it("Gamma answers on its own origin: every /events and /markets page is accepted and decodes without a rejected element", async () => {
    assert.notStrictEqual(new URL(fake.gammaUrl()).origin, new URL(fake.httpUrl()).origin)
    for (const [path, schema, ours] of [["/events", ListEventsResponseSchema, GammaEventsResponse], ["/markets", ListMarketsResponseSchema, GammaMarketsResponse]] as const) {
      let offset = 0
      for (;;) {
        const { body } = await get(fake.gammaUrl(`${path}?limit=100&offset=${offset}`))
        if (body.length === 0) break
        assert.isAtMost(body.length, 3) // the clamp
        official(schema, body, `${path} @${offset}`)
        assert.deepStrictEqual(rejectedIn(Schema.decodeUnknownSync(ours as Schema.Codec<any, any, never, never>)(body)), [], `${path} @${offset}`)
        offset += body.length
      }
      assert.strictEqual(offset, path === "/events" ? fake.gammaEvents.length : fake.gammaMarkets.length + fake.gammaEvents.flatMap((e) => e["markets"] as Array<unknown>).length, path)
    }
    assert.strictEqual((await get(fake.gammaUrl("/book?token_id=1"))).status, 404)
  })

  it("every market-channel message the fake streams, edge shapes included, is accepted and decodes with ours", async () => {
    const ws = new WebSocket(fake.wsUrl())
    const frames: Array<unknown> = []
    ws.on("message", (data) => {
      const text = String(data)
      if (text === "PONG") return
      const parsed = JSON.parse(text) as unknown
      frames.push(...(Array.isArray(parsed) ? parsed : [parsed]))
    })
    await new Promise((resolve) => ws.once("open", resolve))
    const until = async (n: number) => {
      for (let i = 0; i < 500 && frames.length < n; i++) await new Promise((r) => setTimeout(r, 10))
      assert.isAtLeast(frames.length, n)
    }
    ws.send(JSON.stringify({ assets_ids: [...fake.books.keys()], type: "market", custom_feature_enabled: true, initial_dump: true }))
    await until(fake.books.size + 2) // the snapshots, then the recorded stream's two changes

    const asset = STREAM_ASSET
    const before = frames.length
    fake.priceChange(asset, "BUY", "0.31", "12")
    fake.priceChange(asset, "SELL", "0.4", "5", { lowercaseSide: true, nullHash: true })
    fake.priceChange(asset, "BUY", "0.305", "3", { omitTimestamp: true })
    fake.priceChange(asset, "BUY", "0.302", "9", { omitSize: true })
    fake.tickSizeChange(asset, "0.001", { withoutOld: true })
    fake.tickSizeChange(asset, "0.01")
    fake.sendBook(asset)
    fake.lastTradePrice(asset, "0.31", "10")
    fake.lastTradePrice(asset, "0.31", "10", { blankSize: true, side: "SELL" })
    fake.bestBidAsk(asset)
    // Empty the partner's bid side: its best_bid becomes "" on the wire
    for (const price of [...fake.books.get(STREAM_PARTNER)!.bids.keys()]) fake.priceChange(STREAM_PARTNER, "BUY", (price / 1e6).toString(), "0")
    fake.bestBidAsk(STREAM_PARTNER)
    fake.marketResolved(asset, asset)
    fake.marketResolved(asset, undefined)
    fake.newMarket(asset)
    const partnerBids = fake.books.get(STREAM_PARTNER)!
    await until(before + 15 + (partnerBids.bids.size === 0 ? 2 : 0))
    await new Promise((r) => setTimeout(r, 100))
    ws.close()

    const m = new PolyMessage()
    const kinds = new Set<string>()
    // A `price_change` entry without `size` (PROTOCOLS §5.1, from @polymarket/client 0.2) is one
    // shape bindings 0.10 no longer accepts: our decoder still must, and the fake still sends it
    const sizeless = (f: any) => f.event_type === "price_change" && f.price_changes.some((c: any) => c.size === undefined)
    assert.strictEqual(frames.filter(sizeless).length, 1)
    for (const frame of frames.filter(sizeless)) assert.isFalse(MarketEventSchema.safeParse(frame).success)
    for (const frame of frames) {
      if (!sizeless(frame)) official(MarketEventSchema, frame, JSON.stringify(frame).slice(0, 200))
      decodePolyMessage(frame, m)
      assert.notStrictEqual(m.kind, "invalid", `${m.error}: ${JSON.stringify(frame).slice(0, 200)}`)
      kinds.add(m.kind)
    }
    assert.deepStrictEqual([...kinds].sort(), ["best_bid_ask", "book", "last_trade_price", "market_resolved", "new_market", "price_change", "tick_size_change"])
    const blanks = frames.filter((f: any) => f.best_bid === "" || f.size === "" || f.price_changes?.some((c: any) => c.best_bid === "" || c.best_ask === ""))
    assert.isAtLeast(blanks.length, 3, "the fake sends blank decimals")
  })

  it("order entry (FakePolymarketClob): orders, trades, pages and user-channel events are accepted, and ours decode them", async () => {
    const clob = new FakePolymarketClob()
    await clob.start()
    try {
      clob.signer = "0x1111111111111111111111111111111111111111"
      const order: ClobOrderRecord = { id: "0x" + "6d".repeat(32), tokenId: TOKEN_YES, side: "BUY", price: 450_000, size: 10_000_000, matched: 4_000_000, status: "LIVE", orderType: "GTC" }
      const trade: ClobTradeRecord = { id: "trade-1", orderId: order.id, tokenId: TOKEN_YES, side: "BUY", price: 450_000, size: 4_000_000, status: "MATCHED", at: 1_790_658_700_000 }
      clob.orders.set(order.id, order)
      clob.trades.push(trade)
      const pairs: ReadonlyArray<readonly [string, { safeParse: (v: unknown) => any }, Schema.Codec<any, any, never, never>, unknown]> = [
        ["order", OpenOrderSchema, ClobOrder, clob.orderJson(order)],
        ["orders page", OpenOrdersPageSchema, OrdersPage, clob.page([clob.orderJson(order)])],
        ["trades page", ClobTradesPageSchema, TradesPage, clob.page([clob.tradeJson(trade)])],
        ["user order", UserEventSchema, PolyUserOrder, clob.userEvent("order", "PLACEMENT", clob.orderJson(order))],
        ["user trade", UserEventSchema, PolyUserTrade, clob.userEvent("trade", "TRADE", clob.tradeJson(trade))],
        ["api key", ApiKeyCredsSchema, ApiKeyResponse, { apiKey: clob.apiKey, secret: clob.secret, passphrase: clob.passphrase }],
        ["neg risk", NegRiskSchema, NegRiskResponse, (await get(clob.httpUrl(`/neg-risk?token_id=${TOKEN_NEG}`))).body],
        ["tick size", FetchTickSizeResponseSchema, ClobTickSize, (await get(clob.httpUrl(`/tick-size?token_id=${TOKEN_YES}`))).body],
        ["cancel", CancelOrdersResponseSchema, CancelResponse, { canceled: [order.id], not_canceled: {} }],
        ["post order", OrderResponseSchema, PostOrderResponse, { success: true, errorMsg: "", orderID: order.id, status: "live", makingAmount: "", takingAmount: "" }],
        ["balance", BalanceAllowanceResponseSchema, Schema.Struct({ balance: Schema.String }), { balance: String(clob.collateral), allowances: {} }]
      ]
      for (const [what, schema, ours, body] of pairs) {
        official(schema, body, what)
        Schema.decodeUnknownSync(ours)(body)
      }
      const unknown = await get(clob.httpUrl("/no-such-route"))
      assert.deepStrictEqual(Object.keys(unknown.body), ["error"])
    } finally {
      await clob.close()
    }
  })

  it("the official schemas refuse what the fake used to serve (the check can fail)", () => {
    const { min_order_size: _m, neg_risk: _n, tick_size: _t, ...dialect } = fake.bookMessage(STREAM_ASSET, false)
    assert.isFalse(OrderBookSchema.safeParse(dialect).success)
  })
})
