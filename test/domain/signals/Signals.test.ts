import { assert, describe, it } from "@effect/vitest"
import { kalshiFeeSchedule, type KalshiFeeSchedule } from "../../../src/domain/fees/KalshiFees.ts"
import { polymarketFeeSchedule, type PolymarketFeeSchedule } from "../../../src/domain/fees/PolymarketFees.ts"
import { findArbitrage } from "../../../src/domain/signals/Arbitrage.ts"
import { findModelEdges } from "../../../src/domain/signals/ModelEdge.ts"
import { partitions } from "../../../src/domain/signals/Outcomes.ts"
import type { Quote } from "../../../src/domain/signals/Quote.ts"
import type { OutcomeMeaning } from "../../../src/schema/Market.ts"
import * as Money from "../../../src/schema/Money.ts"

const kalshi = kalshiFeeSchedule({ feeType: "quadratic", multiplier: 1_000_000 }) as KalshiFeeSchedule
const poly = polymarketFeeSchedule({ rate: 30_000, exponent: 1 }) as PolymarketFeeSchedule
const NOW = 1_000_000

const quote = (platform: "kalshi" | "polymarket", meaning: OutcomeMeaning, ask: string | undefined, size: string, extra: Partial<Quote> = {}): Quote => ({
  outcome: { platform, marketId: (platform === "kalshi" ? "KXNBAGAME-26NOV24LALGSW-LAL" : "0x" + "ab".repeat(32)) as never, outcomeId: (platform === "kalshi" ? "yes" : "123") as never },
  meaning,
  ask: ask === undefined ? undefined : Money.priceOf(ask),
  askSize: Money.qtyOf(size),
  fees: platform === "kalshi" ? kalshi : poly,
  asOf: NOW - 1_000,
  arbEligible: true,
  ...extra
})

const arbOptions = { withDraw: false, minProfitPerContract: Money.dollars("0.01"), maxQuantity: Money.qtyOf("1000"), now: NOW, maxAgeMillis: 30_000 }

describe("outcome coverage", () => {
  it("accepts only combinations that pay exactly once in every result", () => {
    assert.isTrue(partitions(["home_win", "away_win"], false))
    assert.isTrue(partitions(["home_win", "not_home_win"], false))
    assert.isFalse(partitions(["home_win", "home_win"], false))
    assert.isFalse(partitions(["home_win", "away_win"], true), "the draw is uncovered")
    assert.isTrue(partitions(["home_win", "not_home_win"], true))
    assert.isTrue(partitions(["home_win", "draw", "away_win"], true))
    assert.isFalse(partitions(["home_win", "other"], false))
  })
})

describe("findArbitrage", () => {
  it("finds home YES on Kalshi + away on Polymarket below $1 after both fees, sized in equal contracts", () => {
    const arb = findArbitrage([quote("kalshi", "home_win", "0.43", "100"), quote("polymarket", "away_win", "0.53", "50.5")], arbOptions)!
    // 50 whole contracts; Kalshi fee ceil_to_cent(0.07 × 50 × 0.43 × 0.57 = 0.85785) = 0.86;
    // Polymarket fee 50 × 0.03 × 0.53 × 0.47 = 0.37365
    assert.strictEqual(arb.quantity, Money.qtyOf("50"))
    assert.strictEqual(arb.legs[0].fee, Money.dollars("0.86"))
    assert.strictEqual(arb.legs[1].fee, Money.dollars("0.37365"))
    assert.strictEqual(arb.cost, Money.dollars("49.23365"))
    assert.strictEqual(arb.payout, Money.dollars("50"))
    assert.strictEqual(arb.profit, Money.dollars("0.76635"))
    assert.strictEqual(arb.profitPerContract, Money.dollars("0.015327"))
    assert.strictEqual(arb.edgeBps, 155)
  })

  it("lets fees eliminate a marginal arbitrage", () => {
    assert.isUndefined(findArbitrage([quote("kalshi", "home_win", "0.49", "100"), quote("polymarket", "away_win", "0.50", "100")], arbOptions))
  })

  it("ignores same-venue pairs, stale books, rule mismatches, missing asks and non-partitions", () => {
    const good = [quote("kalshi", "home_win", "0.40", "100"), quote("polymarket", "away_win", "0.50", "100")] as const
    assert.isDefined(findArbitrage(good, arbOptions))
    assert.isUndefined(findArbitrage([good[0], quote("kalshi", "away_win", "0.50", "100")], arbOptions))
    assert.isUndefined(findArbitrage([good[0], quote("polymarket", "away_win", "0.50", "100", { asOf: NOW - 31_000 })], arbOptions))
    assert.isUndefined(findArbitrage([good[0], quote("polymarket", "away_win", "0.50", "100", { arbEligible: false })], arbOptions))
    assert.isUndefined(findArbitrage([good[0], quote("polymarket", "away_win", undefined, "100")], arbOptions))
    assert.isUndefined(findArbitrage([good[0], quote("polymarket", "home_win", "0.50", "100")], arbOptions))
    assert.isUndefined(findArbitrage(good, { ...arbOptions, withDraw: true }), "a soccer draw would pay neither leg")
    assert.isUndefined(findArbitrage([good[0], quote("polymarket", "away_win", "0.50", "0.5")], arbOptions), "less than one whole contract")
  })
})

describe("findModelEdges", () => {
  const model = { home: 0.6, draw: 0, away: 0.4, hasPrior: true }
  const options = { minEdge: Money.bps(500), minPrice: Money.priceOf("0.05"), maxPrice: Money.priceOf("0.95"), maxQuantity: Money.qtyOf("100"), now: NOW, maxAgeMillis: 30_000, requirePrior: true }

  it("measures the edge against the ask plus the fee per contract", () => {
    const [edge] = findModelEdges([quote("kalshi", "home_win", "0.52", "10")], model, options)
    // Fee for 10 at 0.52: ceil_to_cent(0.07 × 10 × 0.2496 = 0.17472) = 0.18 → 0.018 per contract
    assert.strictEqual(edge!.fair, Money.priceOf("0.6"))
    assert.strictEqual(edge!.costPerContract, Money.dollars("0.538"))
    assert.strictEqual(edge!.edgeBps, 620)
  })

  it("refuses without a prior, outside the price bounds, below the threshold, and on stale books", () => {
    const q = quote("kalshi", "home_win", "0.52", "10")
    assert.deepStrictEqual(findModelEdges([q], { ...model, hasPrior: false }, options), [])
    assert.deepStrictEqual(findModelEdges([quote("kalshi", "home_win", "0.96", "10")], { ...model, home: 0.995, away: 0.005 }, options), [])
    assert.deepStrictEqual(findModelEdges([quote("kalshi", "home_win", "0.57", "10")], model, options), [])
    assert.deepStrictEqual(findModelEdges([quote("kalshi", "home_win", "0.52", "10", { asOf: 0 })], model, options), [])
  })
})
