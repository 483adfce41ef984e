import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import {
  noPolymarketFee,
  polymarketFee,
  polymarketFeeSchedule,
  type PolymarketFeeSchedule,
  polymarketFeeScheduleFromBps
} from "../../../src/domain/fees/PolymarketFees.ts"
import { dollars, price, priceOf, qty, qtyOf } from "../../../src/schema/Money.ts"

const schedule = (rate: number, exponent = 1, takerOnly = true): PolymarketFeeSchedule => {
  const s = polymarketFeeSchedule({ rate, exponent, takerOnly })
  if (s._tag !== "PolymarketFeeSchedule") throw new Error(s.reason)
  return s
}
const sports = schedule(50_000) // the Aug-2026 pickleball fixture: rate 0.05, exponent 1
const esports = schedule(30_000) // the Apr-2026 CS2 fixture: rate 0.03

describe("Polymarket fees: hand-computed vectors", () => {
  const vectors: Array<[string, PolymarketFeeSchedule, "taker" | "maker", string, string, string]> = [
    ["100 at 0.50, rate 0.05: 100×0.05×0.25 = 1.25", sports, "taker", "100", "0.50", "1.25"],
    ["10 at 0.43, rate 0.03: 10×0.03×0.2451 = 0.07353", esports, "taker", "10", "0.43", "0.07353"],
    ["1 at 0.01, rate 0.03: 0.000297 floors to 0.00029", esports, "taker", "1", "0.01", "0.00029"],
    ["sub-cent price 0.999, 1000 shares, rate 0.05: 0.04995", sports, "taker", "1000", "0.999", "0.04995"],
    ["fractional shares 12.34 at 0.37, rate 0.05: 0.1438227 → 0.14382", sports, "taker", "12.34", "0.37", "0.14382"],
    ["below $0.00001 floors to zero", esports, "taker", "0.01", "0.001", "0"],
    ["makers pay nothing", sports, "maker", "100", "0.50", "0"],
    ["exponent 2, rate 0.25: 100×0.25×0.0625 = 1.5625", schedule(250_000, 2), "taker", "100", "0.50", "1.5625"],
    ["no fee when disabled", noPolymarketFee, "taker", "100", "0.50", "0"]
  ]
  for (const [name, s, role, count, p, fee] of vectors) {
    it(name, () => assert.strictEqual(polymarketFee(s, role, qtyOf(count), priceOf(p)), dollars(fee)))
  }
})

describe("Polymarket fee schedule", () => {
  it("feesEnabled false means no fee, whatever the schedule says", () => {
    assert.deepStrictEqual(polymarketFeeSchedule({ rate: 50_000, exponent: 1, feesEnabled: false }), noPolymarketFee)
  })

  it("the /fee-rate fallback reads basis points", () => {
    const s = polymarketFeeScheduleFromBps(300)
    assert.deepStrictEqual(s, { _tag: "PolymarketFeeSchedule", rate: 30_000, exponent: 1, takerOnly: true })
  })

  it("a fractional or negative exponent, or a rate above 100%, is non-routable", () => {
    assert.strictEqual(polymarketFeeSchedule({ rate: 30_000, exponent: 1.5 })._tag, "PolymarketNonRoutable")
    assert.strictEqual(polymarketFeeSchedule({ rate: 30_000, exponent: -1 })._tag, "PolymarketNonRoutable")
    assert.strictEqual(polymarketFeeSchedule({ rate: 1_000_001, exponent: 1 })._tag, "PolymarketNonRoutable")
  })

  it("makers pay when the schedule is not taker-only", () => {
    assert.strictEqual(polymarketFee(schedule(50_000, 1, false), "maker", qtyOf("100"), priceOf("0.5")), dollars("1.25"))
  })

  it("is a whole number of $0.00001, at most the exact fee and less than $0.00001 below it", () =>
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 10_000_000_000_000 }), fc.integer({ min: 0, max: 100_000 }), (p, q, rate) => {
        const fee = polymarketFee(schedule(rate), "taker", qty(q), price(p))
        assert.strictEqual(fee % 10, 0)
        const exact = BigInt(q) * BigInt(rate) * BigInt(p) * BigInt(1_000_000 - p) // 1e-24 dollars
        const feeScaled = BigInt(fee) * 10n ** 18n // micros → 1e-24
        assert.isTrue(feeScaled <= exact)
        assert.isTrue(exact - feeScaled < 10n ** 19n) // $0.00001 = 1e19 × 1e-24
      }),
      { numRuns: 500 }
    ))
})
