import { assert, describe, it } from "@effect/vitest"
import { BookSide, Configuration, type CreateOrderV2Request, OrdersApiAxiosParamCreator } from "kalshi-typescript"
import { bookSide, createOrderBody, fillOf, outcomePrice, statusOf } from "../../../src/services/kalshi/KalshiOrderMapping.ts"
import type { ClientOrderId, MarketId, OutcomeId, VenueOrderId } from "../../../src/schema/Ids.ts"
import type { Price, Qty } from "../../../src/schema/Money.ts"

const cid = "sig-0001-leg0" as ClientOrderId
const outcome = (outcomeId: "yes" | "no") => ({ platform: "kalshi" as const, marketId: "KXNBAGAME-26OCT21LALGSW-LAL" as MarketId, outcomeId: outcomeId as OutcomeId })
const order = (outcomeId: "yes" | "no", action: "buy" | "sell", limitPrice: number, quantity = 5_000_000) => ({
  clientOrderId: cid,
  outcome: outcome(outcomeId),
  action,
  limitPrice: limitPrice as Price,
  quantity: quantity as Qty,
  timeInForce: "ioc" as const,
  postOnly: false
})

/** What the official SDK's request builder sends for a body (method, path, JSON). */
const viaSdk = async (body: CreateOrderV2Request) => {
  const args = await OrdersApiAxiosParamCreator(new Configuration({ basePath: "https://example.invalid/trade-api/v2" })).createOrderV2(body)
  return { url: args.url, method: args.options.method, data: JSON.parse(args.options.data as string) as unknown }
}

describe("Kalshi V2 order mapping", () => {
  it("maps buy/sell YES/NO onto the one YES book, as the SDK's BookSide documents", async () => {
    const cases = [
      { o: order("yes", "buy", 430_000), side: BookSide.Bid, price: "0.4300" },
      { o: order("yes", "sell", 430_000), side: BookSide.Ask, price: "0.4300" },
      { o: order("no", "buy", 400_000), side: BookSide.Ask, price: "0.6000" },
      { o: order("no", "sell", 415_500), side: BookSide.Bid, price: "0.5845" }
    ]
    for (const c of cases) {
      const body = createOrderBody(c.o)
      if ("error" in body) throw new Error(body.error)
      assert.strictEqual(body.side, c.side)
      assert.strictEqual(body.price, c.price)
      // The SDK's own builder accepts our body as its CreateOrderV2Request and sends it unchanged
      const sdk = await viaSdk(body)
      assert.strictEqual(sdk.url, "/portfolio/events/orders")
      assert.strictEqual(sdk.method, "POST")
      assert.deepStrictEqual(sdk.data, {
        ticker: "KXNBAGAME-26OCT21LALGSW-LAL",
        client_order_id: "sig-0001-leg0",
        side: c.side,
        count: "5.00",
        price: c.price,
        time_in_force: "immediate_or_cancel",
        self_trade_prevention_type: "taker_at_cross"
      })
    }
  })

  it("refuses what Kalshi cannot take, before sending", () => {
    assert.isTrue("error" in createOrderBody(order("yes", "buy", 430_050)))
    assert.isTrue("error" in createOrderBody(order("yes", "buy", 430_000, 5_001_000)))
    assert.isTrue("error" in createOrderBody({ ...order("yes", "buy", 430_000), postOnly: true }))
    assert.isTrue("error" in createOrderBody({ ...order("yes", "buy", 430_000), outcome: { ...outcome("yes"), outcomeId: "123" as OutcomeId } }))
    const gtc = createOrderBody({ ...order("no", "buy", 400_000), timeInForce: "gtc", postOnly: true, expiresAt: 1_770_000_000_999 })
    assert.deepInclude(gtc, { time_in_force: "good_till_canceled", post_only: true, expiration_time: 1_770_000_000 })
  })

  it("reads states and fills back in our outcome's price", () => {
    assert.strictEqual(bookSide("no", "buy"), "ask")
    assert.strictEqual(outcomePrice("no", 600_000 as Price), 400_000)
    assert.strictEqual(statusOf("executed", 5_000_000 as Qty, 0 as Qty), "filled")
    assert.strictEqual(statusOf("resting", 2_000_000 as Qty, 3_000_000 as Qty), "partially_filled")
    assert.strictEqual(statusOf("resting", 0 as Qty, 5_000_000 as Qty), "resting")
    assert.strictEqual(statusOf("canceled", 2_000_000 as Qty, 0 as Qty), "canceled")
    const fill = fillOf(
      { trade_id: "t-1", order_id: "o-1", market_ticker: "X", is_taker: true, yes_price_dollars: 610_000 as Price, count_fp: 2_000_000 as Qty, fee_cost: 20_000 as never, ts: 1_770_000_000 },
      { clientOrderId: cid, outcome: outcome("no"), action: "buy", quantity: 5_000_000 as Qty },
      "o-1" as VenueOrderId,
      0
    )
    assert.deepStrictEqual<unknown>(fill, {
      fillId: "kalshi:t-1",
      clientOrderId: cid,
      venueOrderId: "o-1",
      outcome: outcome("no"),
      action: "buy",
      price: 390_000,
      quantity: 2_000_000,
      fee: 20_000,
      isTaker: true,
      filledAt: 1_770_000_000_000
    })
  })
})
