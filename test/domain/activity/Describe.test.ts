import { assert, describe, it } from "@effect/vitest"
import * as D from "../../../src/domain/activity/Describe.ts"
import { ClientOrderId, FillId, GameId, MarketId, OutcomeId } from "../../../src/schema/Ids.ts"
import * as Money from "../../../src/schema/Money.ts"

const outcome = { platform: "kalshi" as const, marketId: MarketId.make("KXNBAGAME-25DEC15LALBOS-BOS"), outcomeId: OutcomeId.make("yes") }

describe("activity lines", () => {
  it("tells a top of book exactly, with an empty side as '-'", () => {
    assert.strictEqual(
      D.describeTop({ outcome, bid: { price: Money.priceOf("0.59"), size: Money.qtyOf("100") }, ask: { price: Money.priceOf("0.61"), size: Money.qtyOf("50.5") }, asOf: 1, epoch: 1 }),
      "0.59 × 100 / 0.61 × 50.5"
    )
    assert.strictEqual(D.describeTop({ outcome, asOf: 1, epoch: 1 }), "- / -")
  })

  it("logs the model when it first appears and when it moves 5 points or more", () => {
    assert.isTrue(D.modelMoved(undefined, 0.5))
    assert.isFalse(D.modelMoved(0.5, 0.549))
    assert.isTrue(D.modelMoved(0.5, 0.55))
    assert.isTrue(D.modelMoved(0.5, 0.45))
    assert.strictEqual(D.percent(0.6144), "61.4%")
    assert.strictEqual(D.percent(1), "100.0%")
    assert.strictEqual(D.percent(0.0004), "0.0%")
  })

  it("tells orders, partial fills, fills and positions with exact money", () => {
    const order = {
      clientOrderId: ClientOrderId.make("co-000001"),
      gameId: GameId.make("401772994"),
      outcome,
      action: "buy" as const,
      limitPrice: Money.priceOf("0.61"),
      quantity: Money.qtyOf("12"),
      filledQuantity: Money.qtyOf("5"),
      timeInForce: "ioc" as const,
      status: "partially_filled" as const,
      paper: true,
      createdAt: 1,
      updatedAt: 1
    }
    assert.strictEqual(D.describeOrder(order), "paper order buy 12 kalshi KXNBAGAME-25DEC15LALBOS-BOS/yes @ 0.61 (partially_filled, 5 filled, game 401772994)")
    assert.strictEqual(D.describeOrder({ ...order, paper: false, filledQuantity: Money.qtyOf("12"), status: "filled" }), "order buy 12 kalshi KXNBAGAME-25DEC15LALBOS-BOS/yes @ 0.61 (filled, game 401772994)")
    assert.strictEqual(
      D.describeFill({ fillId: FillId.make("f-1"), clientOrderId: order.clientOrderId, outcome, action: "sell", price: Money.priceOf("0.605"), quantity: Money.qtyOf("3"), fee: Money.micros(40_000), isTaker: false, filledAt: 1 }),
      "fill sell 3 kalshi KXNBAGAME-25DEC15LALBOS-BOS/yes @ 0.605, fee 0.04 (maker)"
    )
    assert.strictEqual(
      D.describePosition({ positionId: "p-1", gameId: "401772994", status: "settled", quantity: 0, costMicros: 7_320_000, feesMicros: 170_000, realizedPnlMicros: -1_234_567, reason: "lost" }),
      "position p-1 settled (game 401772994): qty 0, cost 7.32, fees 0.17, realised P&L -1.234567 (lost)"
    )
    assert.strictEqual(D.signedDollars(5_830_000), "+5.83")
    assert.strictEqual(D.signedDollars(0), "0.00")
    assert.strictEqual(D.describeLeg({ outcome, action: "buy", limit: Money.priceOf("0.4") }, Money.qtyOf("7")), "buy 7 kalshi KXNBAGAME-25DEC15LALBOS-BOS/yes @ 0.40")
  })
})
