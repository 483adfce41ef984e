import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { arrive, type BookSides, type ModelSettings, onBook, onTrade, type Resting } from "../../../src/domain/execution/FillModel.ts"
import { takerFeeAcross } from "../../../src/domain/fees/Fee.ts"
import { kalshiFeeSchedule, type KalshiFeeSchedule } from "../../../src/domain/fees/KalshiFees.ts"
import { polymarketFeeSchedule, type PolymarketFeeSchedule } from "../../../src/domain/fees/PolymarketFees.ts"
import type { BookLevel } from "../../../src/schema/Book.ts"
import { bps, dollars, type Micros, type Price, price, priceOf, type Qty, qty, qtyOf } from "../../../src/schema/Money.ts"

const kalshi = (feeType: string): KalshiFeeSchedule => {
  const s = kalshiFeeSchedule({ feeType, multiplier: 1_000_000 })
  if (s._tag !== "KalshiFeeSchedule") throw new Error(s.reason)
  return s
}
const poly = (rate: number): PolymarketFeeSchedule => {
  const s = polymarketFeeSchedule({ rate, exponent: 1, takerOnly: true })
  if (s._tag !== "PolymarketFeeSchedule") throw new Error(s.reason)
  return s
}
const lv = (p: string, size: string): BookLevel => ({ price: priceOf(p), size: qtyOf(size) })
const settings = (fees: ModelSettings["fees"], takeShare = 10_000, lot = "0.01"): ModelSettings => ({ fees, takeShare: bps(takeShare), lot: qtyOf(lot) })
const k = settings(kalshi("quadratic_with_maker_fees"))

// YES book of a Kalshi market: bids 0.42×40, 0.41×100; asks 0.43×30, 0.44×50, 0.46×100
const book: BookSides = {
  bids: [lv("0.42", "40"), lv("0.41", "100")],
  asks: [lv("0.43", "30"), lv("0.44", "50"), lv("0.46", "100")]
}
const f = (p: string, q: string, fee: string, isTaker: boolean) => ({ price: priceOf(p), quantity: qtyOf(q), fee: dollars(fee), isTaker })

describe("takers walk the depth", () => {
  it("IOC buy 100 @0.45 takes 30@0.43 and 50@0.44 and cancels 20", () => {
    const a = arrive({ action: "buy", limit: priceOf("0.45"), quantity: qtyOf("100"), timeInForce: "ioc", postOnly: false }, book, k)
    // One order's fee, ceiled to the cent once: 0.07×30×0.43×0.57 = 0.51471 → $0.52 after the first
    // fill; + 0.07×50×0.44×0.56 = 0.8624 makes 1.37711 → $1.38 for the order, so the second pays
    // $0.86 (a cent per fill would have charged $0.87, $1.39 in all)
    assert.deepStrictEqual(a.fills, [f("0.43", "30", "0.52", true), f("0.44", "50", "0.86", true)])
    assert.strictEqual(a.filled, qtyOf("80"))
    assert.strictEqual(a.status, "canceled")
    assert.strictEqual(a.reason, "immediate-or-cancel: remainder cancelled")
  })

  it("IOC buy below the ask fills nothing", () => {
    const a = arrive({ action: "buy", limit: priceOf("0.42"), quantity: qtyOf("10"), timeInForce: "ioc", postOnly: false }, book, k)
    assert.deepStrictEqual(a.fills, [])
    assert.strictEqual(a.status, "canceled")
  })

  it("FOK buy 100 @0.45 is all-or-nothing: 80 available, so nothing", () => {
    const a = arrive({ action: "buy", limit: priceOf("0.45"), quantity: qtyOf("100"), timeInForce: "fok", postOnly: false }, book, k)
    assert.deepStrictEqual(a.fills, [])
    assert.strictEqual(a.filled, 0)
    assert.strictEqual(a.status, "canceled")
  })

  it("FOK buy 80 @0.45 fills exactly across two levels", () => {
    const a = arrive({ action: "buy", limit: priceOf("0.45"), quantity: qtyOf("80"), timeInForce: "fok", postOnly: false }, book, k)
    assert.strictEqual(a.status, "filled")
    assert.deepStrictEqual(a.fills, [f("0.43", "30", "0.52", true), f("0.44", "50", "0.86", true)])
  })

  it("FOK buy 35 takes part of the second level", () => {
    const a = arrive({ action: "buy", limit: priceOf("0.50"), quantity: qtyOf("35"), timeInForce: "fok", postOnly: false }, book, k)
    // 0.51471 + 0.07×5×0.44×0.56 = 0.60095 → $0.61 for the order: $0.09 after the first fill's $0.52
    assert.deepStrictEqual(a.fills, [f("0.43", "30", "0.52", true), f("0.44", "5", "0.09", true)])
  })

  it("IOC sell 60 @0.40 hits 20@0.42 and 30@0.41, cancels 10", () => {
    const sellBook: BookSides = { bids: [lv("0.42", "20"), lv("0.41", "30"), lv("0.39", "100")], asks: [lv("0.45", "10")] }
    const a = arrive({ action: "sell", limit: priceOf("0.40"), quantity: qtyOf("60"), timeInForce: "ioc", postOnly: false }, sellBook, k)
    // 0.07×20×0.42×0.58 = 0.34104 → $0.35; + 0.07×30×0.41×0.59 = 0.50799 makes 0.84903 → $0.85, so $0.50
    assert.deepStrictEqual(a.fills, [f("0.42", "20", "0.35", true), f("0.41", "30", "0.50", true)])
    assert.strictEqual(a.status, "canceled")
  })

  it("takes only takeShare of each level, in whole lots", () => {
    const a = arrive({ action: "buy", limit: priceOf("0.45"), quantity: qtyOf("100"), timeInForce: "ioc", postOnly: false }, book, settings(kalshi("quadratic"), 8_500, "1"))
    // 30×0.85 = 25.5 → 25 lots; 50×0.85 = 42.5 → 42. 0.07×25×0.2451 = 0.428925 → $0.43; + 0.07×42×0.2464 = 0.724416 makes 1.153341 → $1.16: $0.73
    assert.deepStrictEqual(a.fills, [f("0.43", "25", "0.43", true), f("0.44", "42", "0.73", true)])
    assert.strictEqual(a.filled, qtyOf("67"))
  })

  it("Polymarket taker fee per fill: 100 @0.50 at rate 0.03 is $0.75, floored to $0.00001", () => {
    const pbook: BookSides = { bids: [], asks: [lv("0.5", "100"), lv("0.51", "7")] }
    const a = arrive({ action: "buy", limit: priceOf("0.51"), quantity: qtyOf("107"), timeInForce: "fok", postOnly: false }, pbook, settings(poly(30_000)))
    // 7 × 0.03 × 0.51 × 0.49 = 0.052479 → $0.05247
    assert.deepStrictEqual(a.fills, [f("0.5", "100", "0.75", true), f("0.51", "7", "0.05247", true)])
  })

  it("an empty book fills nothing", () => {
    const a = arrive({ action: "buy", limit: priceOf("0.99"), quantity: qtyOf("1"), timeInForce: "ioc", postOnly: false }, { bids: [], asks: [] }, k)
    assert.strictEqual(a.status, "canceled")
    assert.strictEqual(a.filled, 0)
  })

  it("zero quantity is rejected", () => {
    const a = arrive({ action: "buy", limit: priceOf("0.5"), quantity: qty(0), timeInForce: "ioc", postOnly: false }, book, k)
    assert.strictEqual(a.status, "rejected")
  })
})

describe("GTC and post-only", () => {
  it("GTC buy 100 @0.44 takes 30@0.43 and 50@0.44 and rests 20 with an empty queue", () => {
    const a = arrive({ action: "buy", limit: priceOf("0.44"), quantity: qtyOf("100"), timeInForce: "gtc", postOnly: false }, book, k)
    assert.strictEqual(a.status, "resting")
    assert.strictEqual(a.filled, qtyOf("80"))
    assert.deepStrictEqual(a.resting, { action: "buy", limit: priceOf("0.44"), remaining: qtyOf("20"), queueAhead: qty(0), crossTaken: qty(0), makerFilled: qty(0) })
  })

  it("GTC buy 50 @0.42 rests behind the 40 visible at 0.42", () => {
    const a = arrive({ action: "buy", limit: priceOf("0.42"), quantity: qtyOf("50"), timeInForce: "gtc", postOnly: true }, book, k)
    assert.strictEqual(a.status, "resting")
    assert.deepStrictEqual(a.fills, [])
    assert.strictEqual(a.resting?.queueAhead, qtyOf("40"))
  })

  it("post-only that would take is rejected", () => {
    const a = arrive({ action: "buy", limit: priceOf("0.43"), quantity: qtyOf("5"), timeInForce: "gtc", postOnly: true }, book, k)
    assert.strictEqual(a.status, "rejected")
    assert.strictEqual(a.reason, "post-only order would take liquidity")
  })

  it("post-only with IOC is rejected", () => {
    const a = arrive({ action: "buy", limit: priceOf("0.40"), quantity: qtyOf("5"), timeInForce: "ioc", postOnly: true }, book, k)
    assert.strictEqual(a.status, "rejected")
  })
})

const restingBuy = (): Resting => ({ action: "buy", limit: priceOf("0.42"), remaining: qtyOf("50"), queueAhead: qtyOf("40"), crossTaken: qty(0), makerFilled: qty(0) })

describe("makers fill on trades", () => {
  it("trades at our price eat the queue ahead first, then fill us; trades through fill the rest", () => {
    let r: Resting | undefined = restingBuy()
    // A seller hits 30 at 0.42: the queue ahead goes 40 → 10, nothing for us
    let s = onTrade(r, { price: priceOf("0.42"), size: qtyOf("30"), aggressor: "sell" }, k)
    assert.strictEqual(s.fill, undefined)
    assert.strictEqual(s.resting?.queueAhead, qtyOf("10"))
    r = s.resting!
    // A buyer lifting at 0.42 does not touch bids
    s = onTrade(r, { price: priceOf("0.42"), size: qtyOf("100"), aggressor: "buy" }, k)
    assert.strictEqual(s.fill, undefined)
    // 25 more at 0.42: 10 ahead of us, 15 to us at our price, maker fee 0.0175×15×0.42×0.58 = 0.063945 → $0.07
    s = onTrade(r, { price: priceOf("0.42"), size: qtyOf("25") }, k)
    assert.deepStrictEqual(s.fill, f("0.42", "15", "0.07", false))
    assert.deepStrictEqual(s.resting, { ...r, remaining: qtyOf("35"), queueAhead: qty(0), makerFilled: qtyOf("15") })
    r = s.resting!
    // A trade at 0.43 (above our bid) does nothing
    s = onTrade(r, { price: priceOf("0.43"), size: qtyOf("500") }, k)
    assert.strictEqual(s.fill, undefined)
    // A print of 20 through our price at 0.41 fills 20 (capped by the printed size); the order's
    // maker fee accrues: 0.0175×35×0.2436 = 0.149205 → $0.15 for its 35, so this fill pays $0.08
    s = onTrade(r, { price: priceOf("0.41"), size: qtyOf("20") }, k)
    assert.deepStrictEqual(s.fill, f("0.42", "20", "0.08", false))
    r = s.resting!
    // 100 through fills the last 15 and the order is done: 0.0175×50×0.2436 = 0.21315 → $0.22 for
    // the order, $0.07 for this fill (a cent per fill would have charged 0.07 + 0.09 + 0.07 = $0.23)
    s = onTrade(r, { price: priceOf("0.40"), size: qtyOf("100") }, k)
    assert.deepStrictEqual(s.fill, f("0.42", "15", "0.07", false))
    assert.strictEqual(s.resting, undefined)
  })

  it("an order whose price never trades never fills", () => {
    let r: Resting | undefined = restingBuy()
    for (const p of ["0.43", "0.44", "0.45", "0.43"]) {
      const s = onTrade(r!, { price: priceOf(p), size: qtyOf("1000") }, k)
      assert.strictEqual(s.fill, undefined)
      r = s.resting
    }
    assert.deepStrictEqual(r, restingBuy())
  })

  it("a resting sell fills on trades above its price", () => {
    const r: Resting = { action: "sell", limit: priceOf("0.60"), remaining: qtyOf("10"), queueAhead: qtyOf("5"), crossTaken: qty(0), makerFilled: qty(0) }
    assert.strictEqual(onTrade(r, { price: priceOf("0.59"), size: qtyOf("100") }, k).fill, undefined)
    assert.strictEqual(onTrade(r, { price: priceOf("0.60"), size: qtyOf("5"), aggressor: "buy" }, k).fill, undefined)
    // fills at our limit 0.60: 0.0175×10×0.6×0.4 = 0.042 → $0.05
    assert.deepStrictEqual(onTrade(r, { price: priceOf("0.61"), size: qtyOf("30") }, k).fill, f("0.60", "10", "0.05", false))
  })
})

describe("makers and book changes", () => {
  it("the queue ahead only shrinks, to the visible size at our price", () => {
    const r = restingBuy()
    const grown = onBook(r, { bids: [lv("0.42", "90")], asks: [lv("0.45", "10")] }, k)
    assert.strictEqual(grown.resting?.queueAhead, qtyOf("40"))
    const shrunk = onBook(r, { bids: [lv("0.42", "5")], asks: [lv("0.45", "10")] }, k)
    assert.strictEqual(shrunk.resting?.queueAhead, qtyOf("5"))
    const gone = onBook(r, { bids: [lv("0.41", "5")], asks: [lv("0.45", "10")] }, k)
    assert.strictEqual(gone.resting?.queueAhead, 0)
  })

  it("sellers at or below our bid fill us once, up to their size", () => {
    const r = restingBuy()
    const crossed: BookSides = { bids: [lv("0.40", "10")], asks: [lv("0.41", "10"), lv("0.42", "5"), lv("0.43", "100")] }
    const s1 = onBook(r, crossed, k)
    // 15 crossing at or below 0.42, filled at our 0.42: 0.0175×15×0.2436 = 0.063945 → $0.07
    assert.deepStrictEqual(s1.fill, f("0.42", "15", "0.07", false))
    assert.strictEqual(s1.resting?.remaining, qtyOf("35"))
    // The same cross seen again fills nothing more
    const s2 = onBook(s1.resting!, crossed, k)
    assert.strictEqual(s2.fill, undefined)
    // It clears, then 3 more cross: 3 more
    const s3 = onBook(s2.resting!, { bids: [], asks: [lv("0.44", "10")] }, k)
    assert.strictEqual(s3.fill, undefined)
    const s4 = onBook(s3.resting!, { bids: [], asks: [lv("0.42", "3")] }, k)
    assert.strictEqual(s4.fill?.quantity, qtyOf("3"))
  })
})

describe("invariants", () => {
  const levels = fc.array(fc.record({ price: fc.integer({ min: 1, max: 99 }), size: fc.integer({ min: 1, max: 500 }) }), { maxLength: 6 })
    .map((ls) => [...new Map(ls.map((l) => [l.price, l])).values()].sort((a, b) => a.price - b.price).map((l) => ({ price: price(l.price * 10_000) as Price, size: qty(l.size * 1_000_000) as Qty })))
  it("a taker never fills more than asked, never beyond its limit, and its fills sum to the order's fee", () => {
    fc.assert(fc.property(levels, fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 1000 }), fc.constantFrom("ioc", "fok", "gtc" as const), (asks, limitCents, want, tif) => {
      const limit = price(limitCents * 10_000)
      const a = arrive({ action: "buy", limit, quantity: qty(want * 1_000_000), timeInForce: tif, postOnly: false }, { bids: [], asks }, k)
      const filled = a.fills.reduce((n, x) => n + x.quantity, 0)
      assert.strictEqual(filled, a.filled)
      assert.isAtMost(filled, want * 1_000_000)
      for (const x of a.fills) assert.isAtMost(x.price, limit)
      if (tif === "fok") assert.isTrue(filled === 0 || filled === want * 1_000_000)
      const fees: Micros = a.fills.reduce((n, x) => n + x.fee, 0) as Micros
      assert.strictEqual(fees, takerFeeAcross(k.fees, a.fills.map((x) => ({ price: x.price, count: x.quantity }))))
    }))
  })
})
