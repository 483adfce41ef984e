import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { kalshiFee, kalshiFeeSchedule, type KalshiFeeSchedule, kalshiMakerFee, kalshiTakerFee } from "../../../src/domain/fees/KalshiFees.ts"
import { dollars, type Micros, price, priceOf, qty, qtyOf } from "../../../src/schema/Money.ts"

const schedule = (feeType: string, multiplier: number, overrides: { feeTypeOverride?: string | null; multiplierOverride?: number | null } = {}): KalshiFeeSchedule => {
  const s = kalshiFeeSchedule({ feeType, multiplier, ...overrides })
  if (s._tag !== "KalshiFeeSchedule") throw new Error(s.reason)
  return s
}
const standard = schedule("quadratic_with_maker_fees", 1_000_000)
const mlb = schedule("quadratic_with_maker_fees", 500_000) // KXMLBGAME ×0.5

describe("Kalshi fees: hand-computed vectors", () => {
  const vectors: Array<[string, KalshiFeeSchedule, "taker" | "maker", string, string, string]> = [
    // name, schedule, role, contracts, price, fee
    ["C=100 P=0.43 taker: 0.07×100×0.43×0.57 = 1.7157 → $1.72", standard, "taker", "100", "0.43", "1.72"],
    ["KXMLBGAME ×0.5: 0.85785 → $0.86", mlb, "taker", "100", "0.43", "0.86"],
    ["1 lot at P=0.50: 1.75¢ → 2¢", standard, "taker", "1", "0.50", "0.02"],
    ["1 lot at P=0.01: 0.0693¢ → 1¢", standard, "taker", "1", "0.01", "0.01"],
    ["symmetric: P=0.57 equals P=0.43", standard, "taker", "100", "0.57", "1.72"],
    ["exactly on the cent stays: 0.07×100×0.5×0.5 = 1.75", standard, "taker", "100", "0.50", "1.75"],
    ["fractional contracts: 2.5 at 0.43 → 0.04289… → $0.05", standard, "taker", "2.5", "0.43", "0.05"],
    ["deci-cent price 0.455: 0.07×10×0.455×0.545 = 0.1735825 → $0.18", standard, "taker", "10", "0.455", "0.18"],
    ["maker with maker fees: 0.0175×100×0.43×0.57 = 0.428925 → $0.43", standard, "maker", "100", "0.43", "0.43"],
    ["maker ×0.5: 0.2144625 → $0.22", mlb, "maker", "100", "0.43", "0.22"],
    ["quadratic: makers free", schedule("quadratic", 500_000), "maker", "100", "0.43", "0.00"],
    ["quadratic ×0.5 taker (MLB props)", schedule("quadratic", 500_000), "taker", "100", "0.43", "0.86"],
    ["combo maker coefficient 0.035: 0.85785 → $0.86", schedule("quadratic_with_combo_maker_fees", 1_000_000), "maker", "100", "0.43", "0.86"],
    ["fee-free series (×0)", schedule("quadratic_with_maker_fees", 0), "taker", "100", "0.43", "0.00"],
    ["price 0 or 1 costs nothing", standard, "taker", "100", "1", "0.00"],
    ["large order: 10000 at 0.5 → $175", standard, "taker", "10000", "0.5", "175.00"]
  ]
  for (const [name, s, role, count, p, fee] of vectors) {
    it(name, () => assert.strictEqual(kalshiFee(s, role, qtyOf(count), priceOf(p)), dollars(fee)))
  }
})

describe("Kalshi fee schedule", () => {
  it("event overrides win over the series", () => {
    const s = schedule("quadratic_with_maker_fees", 1_000_000, { multiplierOverride: 500_000 })
    assert.strictEqual(kalshiTakerFee(s, qtyOf("100"), priceOf("0.43")), dollars("0.86"))
    const t = schedule("quadratic_with_maker_fees", 1_000_000, { feeTypeOverride: "quadratic" })
    assert.strictEqual(t.feeType, "quadratic")
    assert.strictEqual(kalshiMakerFee(t, qtyOf("100"), priceOf("0.43")), 0)
  })

  it("null overrides (cleared) fall back to the series", () => {
    const s = schedule("quadratic", 500_000, { feeTypeOverride: null, multiplierOverride: null })
    assert.deepStrictEqual([s.feeType, s.multiplier], ["quadratic", 500_000])
  })

  it("unknown and flat fee types are non-routable, never guessed", () => {
    assert.strictEqual(kalshiFeeSchedule({ feeType: "flat", multiplier: 1_000_000 })._tag, "KalshiNonRoutable")
    assert.strictEqual(kalshiFeeSchedule({ feeType: "quartic", multiplier: 1_000_000 })._tag, "KalshiNonRoutable")
    assert.strictEqual(kalshiFeeSchedule({ feeType: "quadratic", multiplier: 1_000_000, feeTypeOverride: "mystery" })._tag, "KalshiNonRoutable")
    assert.strictEqual(kalshiFeeSchedule({ feeType: "quadratic", multiplier: -1 })._tag, "KalshiNonRoutable")
  })

  it("is always a whole number of cents, at least the exact fee and less than a cent above it", () =>
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 100_000_000_000 }), fc.integer({ min: 0, max: 2_000_000 }), (p, q, m) => {
        const s = schedule("quadratic_with_maker_fees", m)
        const fee: Micros = kalshiTakerFee(s, qty(q), price(p))
        assert.strictEqual(fee % 10_000, 0)
        // exact fee in 1e-30 dollars: m(1e-6) × 0.07 × q(1e-6) × p(1e-6) × (1-p)(1e-6)
        const exact = BigInt(m) * 7n * BigInt(q) * BigInt(p) * BigInt(1_000_000 - p) // 1e-26 dollars (0.07 = 7e-2)
        const feeScaled = BigInt(fee) * 10n ** 20n // micros (1e-6) → 1e-26
        assert.isTrue(feeScaled >= exact)
        assert.isTrue(feeScaled - exact < 10n ** 24n) // less than one cent (1e-2 = 1e24 × 1e-26)
      }),
      { numRuns: 500 }
    ))
})
