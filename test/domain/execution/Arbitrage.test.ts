import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import {
  type ArbSituation,
  basisOf,
  chooseRemedy,
  decide,
  emptyLeg,
  hedgeCap,
  held,
  type LegHolding,
  lockedProfit,
  MAX_ATTEMPTS,
  mismatch,
  pollDelay,
  remedies,
  unwindFloor,
  walk
} from "../../../src/domain/execution/Arbitrage.ts"
import { fillHolding, flat, settleHolding } from "../../../src/domain/execution/Position.ts"
import { orderFee } from "../../../src/domain/fees/Fee.ts"
import { kalshiFeeSchedule, type KalshiFeeSchedule } from "../../../src/domain/fees/KalshiFees.ts"
import { polymarketFeeSchedule, type PolymarketFeeSchedule } from "../../../src/domain/fees/PolymarketFees.ts"
import type { BookLevel } from "../../../src/schema/Book.ts"
import { dollars, type Micros, micros, notional, ONE, type Price, price, priceOf, type Qty, qty, qtyOf } from "../../../src/schema/Money.ts"

const kalshi = kalshiFeeSchedule({ feeType: "quadratic_with_maker_fees", multiplier: 1_000_000 }) as KalshiFeeSchedule
const poly = polymarketFeeSchedule({ rate: 30_000, exponent: 1 }) as PolymarketFeeSchedule
const lv = (p: string, s: string): BookLevel => ({ price: priceOf(p), size: qtyOf(s) })
const leg = (over: Partial<LegHolding>): LegHolding => ({ ...emptyLeg, ...over })

// Leg 0: Kalshi YES, 100 bought @0.45: $45.00 + fee 0.07×100×0.45×0.55 = 1.7325 → $1.74
const kalshiFull = leg({ bought: qtyOf("100"), cost: dollars("45"), fees: dollars("1.74") })
// Leg 1: the Polymarket token, only 60 of 100 filled @0.50: $30.00 + fee 60×0.03×0.5×0.5 = $0.45
const polyShort = leg({ bought: qtyOf("60"), cost: dollars("30"), fees: dollars("0.45") })
const maxLoss = priceOf("0.10")

const situation = (over: Partial<ArbSituation>): ArbSituation => ({
  legs: [kalshiFull, polyShort],
  fees: [kalshi, poly],
  books: [{ bids: [lv("0.41", "25"), lv("0.40", "100")], asks: [lv("0.43", "50")] }, { bids: [lv("0.49", "50")], asks: [lv("0.52", "30"), lv("0.55", "100")] }],
  maxLoss,
  now: 1_000,
  legDeadline: 5_000,
  unwindDeadline: 35_000,
  adjustmentOpen: false,
  attempts: 0,
  ...over
})

describe("arbitrage: the excess and its cost", () => {
  it("the long leg and its excess; its basis is its pro-rata price and fee, rounded up", () => {
    assert.deepStrictEqual(mismatch([kalshiFull, polyShort]), { long: 0, quantity: qtyOf("40") })
    assert.deepStrictEqual(mismatch([polyShort, kalshiFull]), { long: 1, quantity: qtyOf("40") })
    assert.isUndefined(mismatch([kalshiFull, leg({ bought: qtyOf("100") })]))
    // An unwind sells back: 100 bought, 30 sold holds 70
    assert.deepStrictEqual(mismatch([leg({ bought: qtyOf("100"), sold: qtyOf("30") }), polyShort]), { long: 0, quantity: qtyOf("10") })
    // 40/100 of $45.00 and of $1.74: 18.00 + 0.696
    assert.strictEqual(basisOf(kalshiFull, qtyOf("40")), dollars("18.696"))
    // 1/3 of $1.00 and of $0.01: rounded up to the micro-dollar
    assert.strictEqual(basisOf(leg({ bought: qtyOf("3"), cost: dollars("1"), fees: dollars("0.01") }), qtyOf("1")), dollars("0.333334") + dollars("0.003334"))
  })

  it("the locked-in profit of matched sets: $1 a set, less both legs and every fee", () => {
    const polyFull = leg({ bought: qtyOf("100"), cost: dollars("50"), fees: dollars("0.75") })
    // 100 − 45 − 1.74 − 50 − 0.75
    assert.strictEqual(lockedProfit([kalshiFull, polyFull]), dollars("2.51"))
    // After unwinding 40 of the Kalshi leg at 0.41×25 + 0.40×15 (16.25, fee 0.68): 60 sets
    const unwound = leg({ ...kalshiFull, sold: qtyOf("40"), proceeds: dollars("16.25"), sellFees: dollars("0.68") })
    // 60 − 45 − 1.74 + 16.25 − 0.68 − 30 − 0.45
    assert.strictEqual(lockedProfit([unwound, polyShort]), dollars("-1.62"))
  })

  it("the locked-in profit is exactly what the two positions realise when the sets settle, whichever leg wins", () => {
    const fill = fc.record({ cents: fc.integer({ min: 1, max: 99 }), contracts: fc.integer({ min: 1, max: 300 }), fee: fc.integer({ min: 0, max: 5_000_000 }) })
    fc.assert(
      fc.property(fc.array(fill, { minLength: 1, maxLength: 4 }), fc.array(fill, { minLength: 1, maxLength: 4 }), fc.array(fill, { maxLength: 3 }), fc.boolean(), (buys0, buys1, sells0, firstWins) => {
        // Each leg's buys, then leg 0 sells down (unwinds) to leg 1's holding when it holds more
        const legs = [buys0, buys1].map((buys) =>
          buys.reduce<LegHolding>((l, b) => ({
            ...l,
            bought: (l.bought + b.contracts * ONE) as Qty,
            cost: (l.cost + notional(price(b.cents * 10_000), qty(b.contracts * ONE), "ceil")) as Micros,
            fees: (l.fees + b.fee) as Micros
          }), emptyLeg)
        ) as [LegHolding, LegHolding]
        const sales: Array<{ price: Price; quantity: Qty; fee: Micros }> = []
        let excess = legs[0].bought - legs[1].bought
        for (const sale of [...sells0, { cents: 40, contracts: Number.MAX_SAFE_INTEGER, fee: 10_000 }]) {
          if (excess <= 0) break
          const q = Math.min(excess, sale.contracts * ONE)
          sales.push({ price: price(sale.cents * 10_000), quantity: qty(q), fee: micros(sale.fee) })
          excess -= q
        }
        legs[0] = sales.reduce<LegHolding>((l, x) => ({
          ...l,
          sold: (l.sold + x.quantity) as Qty,
          proceeds: (l.proceeds + notional(x.price, x.quantity, "floor")) as Micros,
          sellFees: (l.sellFees + x.fee) as Micros
        }), legs[0])
        if (mismatch(legs) !== undefined && held(legs[1]) > held(legs[0])) return // leg 1 long: the same by symmetry
        // The positions, fill by fill, then settled: one leg pays $1 a contract, the other nothing
        const position = (buys: ReadonlyArray<{ cents: number; contracts: number; fee: number }>, sold: typeof sales) =>
          [...sold.map((x) => ({ action: "sell" as const, ...x }))].reduce(
            (h, f) => fillHolding(h, f),
            buys.reduce((h, b) => fillHolding(h, { action: "buy", price: price(b.cents * 10_000), quantity: qty(b.contracts * ONE), fee: micros(b.fee) }), flat)
          )
        const p0 = position(buys0, sales)
        const p1 = position(buys1, [])
        const realised = settleHolding(p0, (firstWins ? ONE : 0) as Price).realized + settleHolding(p1, (firstWins ? 0 : ONE) as Price).realized
        assert.strictEqual(realised, lockedProfit(legs))
      }),
      { numRuns: 300 }
    )
  })

  it("polls a delayed leg with backoff: 100, 200, 500, 1000, 1500, then every 2000 ms", () => {
    assert.deepStrictEqual([0, 1, 2, 3, 4, 5, 6, 20].map(pollDelay), [100, 200, 500, 1_000, 1_500, 2_000, 2_000, 2_000])
  })
})

describe("arbitrage: limits bounded by unwindMaxLoss, fees included", () => {
  it("the unwind floor: the lowest cent at which selling the whole excess loses at most $0.10 a contract", () => {
    // Bound 40 × 0.10 = $4.00; loss(p) = 18.696 − 40p + ceil¢(0.07×40×p(1−p))
    // 0.39: 15.60 − 0.67 (0.66612) → loss 3.766 ✓;  0.38: 15.20 − 0.66 (0.65968) → loss 4.156 ✗
    assert.strictEqual(unwindFloor(dollars("18.696"), qtyOf("40"), maxLoss, kalshi), priceOf("0.39"))
    // A zero bound: 40p − fee ≥ 18.696 → 0.49: 19.60 − 0.70 (0.69972) = 18.90 ✓; 0.48: 19.20 − 0.70 (0.69888) = 18.50 ✗
    assert.strictEqual(unwindFloor(dollars("18.696"), qtyOf("40"), priceOf("0"), kalshi), priceOf("0.49"))
    // Nothing can be sold within the bound: it cost more than $1 a contract
    assert.isUndefined(unwindFloor(dollars("45"), qtyOf("40"), maxLoss, kalshi))
  })

  it("the hedge cap: the highest cent at which completing the sets loses at most $0.10 a contract", () => {
    // loss(p) = 18.696 + 40p + 40×0.03×p(1−p) − 40 ≤ 4 → 40p + fee ≤ 25.304
    // 0.62: 24.80 + 0.28272 = 25.08272 ✓;  0.63: 25.20 + 0.27972 = 25.47972 ✗
    assert.strictEqual(hedgeCap(dollars("18.696"), qtyOf("40"), maxLoss, poly), priceOf("0.62"))
    // The long side alone cost more than a set pays plus the bound
    assert.isUndefined(hedgeCap(dollars("44.5"), qtyOf("40"), maxLoss, poly))
  })

  it("every price from the floor up (and from the cap down) keeps the loss within the bound", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 5, max: 95 }),
        fc.integer({ min: 0, max: 30 }),
        fc.boolean(),
        (contracts, cents, lossCents, isKalshi) => {
          const q = qty(contracts * 1_000_000)
          const fees = isKalshi ? kalshi : poly
          const basis = (notional(price(cents * 10_000), q, "ceil") + orderFee(fees, "taker", q, price(cents * 10_000))) as Micros
          const bound = notional(price(lossCents * 10_000), q, "floor")
          const floor = unwindFloor(basis, q, price(lossCents * 10_000), fees)
          if (floor !== undefined) {
            for (let p: number = floor; p < 1_000_000; p += 10_000) {
              assert.isAtMost(basis - notional(p as Price, q, "floor") + orderFee(fees, "taker", q, p as Price), bound)
            }
          }
          const cap = hedgeCap(basis, q, price(lossCents * 10_000), fees)
          if (cap !== undefined) {
            for (let p = 10_000; p <= cap; p += 10_000) {
              assert.isAtMost(basis + notional(p as Price, q, "ceil") + orderFee(fees, "taker", q, p as Price) - contracts * 1_000_000, bound)
            }
          }
        }
      ),
      { numRuns: 200 }
    )
  })

  it("walks a book side up to the quantity and the limit", () => {
    assert.deepStrictEqual(walk([lv("0.41", "25"), lv("0.40", "100")], "sell", priceOf("0.39"), qtyOf("40")), {
      filled: qtyOf("40"),
      levels: [{ price: priceOf("0.41"), count: qtyOf("25") }, { price: priceOf("0.40"), count: qtyOf("15") }]
    })
    assert.deepStrictEqual(walk([lv("0.52", "30"), lv("0.63", "100")], "buy", priceOf("0.62"), qtyOf("40")), {
      filled: qtyOf("30"),
      levels: [{ price: priceOf("0.52"), count: qtyOf("30") }]
    })
  })
})

describe("arbitrage: unwind or hedge, whichever is cheaper", () => {
  it("hedges when completing the short leg costs less than selling the excess", () => {
    // Unwind: 25@0.41 + 15@0.40 = 16.25, fee 0.07×(25×0.41×0.59 + 15×0.4×0.6) = 0.675325 → 0.68: 16.25 − 0.68 − 18.696 = −3.126
    // Hedge: 30@0.52 + 10@0.55 = 21.10, fees 0.22464 + 0.07425: 40 − 21.10 − 0.29889 − 18.696 = −0.09489
    const input = situation({})
    assert.deepStrictEqual(remedies(input), [
      { _tag: "Unwind", leg: 0, quantity: qtyOf("40"), limit: priceOf("0.39"), expectedFilled: qtyOf("40"), expectedPnl: dollars("-3.126") },
      { _tag: "Hedge", leg: 1, quantity: qtyOf("40"), limit: priceOf("0.62"), expectedFilled: qtyOf("40"), expectedPnl: dollars("-0.09489") }
    ])
    assert.strictEqual(chooseRemedy(input)?._tag, "Hedge")
    assert.deepStrictEqual(decide(input), remedies(input)[1])
  })

  it("unwinds when selling is cheaper", () => {
    // Unwind 40@0.44 = 17.60, fee 0.68992 → 0.69: −1.786. Hedge 40@0.60 = 24.00 + 0.288: −2.984
    const input = situation({ books: [{ bids: [lv("0.44", "100")], asks: [] }, { bids: [], asks: [lv("0.60", "100")] }] })
    assert.deepStrictEqual(decide(input), { _tag: "Unwind", leg: 0, quantity: qtyOf("40"), limit: priceOf("0.39"), expectedFilled: qtyOf("40"), expectedPnl: dollars("-1.786") })
  })

  it("prefers the remedy the book fills more of, and waits when nothing fills within the bound", () => {
    const thinAsks = situation({ books: [{ bids: [lv("0.40", "100")], asks: [] }, { bids: [], asks: [lv("0.52", "10")] }] })
    assert.strictEqual(chooseRemedy(thinAsks)?._tag, "Unwind")
    const nothing = situation({ books: [{ bids: [lv("0.30", "100")], asks: [] }, { bids: [], asks: [lv("0.70", "100")] }] })
    assert.deepStrictEqual(decide(nothing), { _tag: "WaitForBook", leg: 0, quantity: qtyOf("40") })
    assert.deepStrictEqual(decide({ ...nothing, now: 35_000 }), {
      _tag: "Exposed",
      leg: 0,
      quantity: qtyOf("40"),
      reason: "nothing to trade within unwindMaxLoss before the unwind deadline"
    })
    assert.strictEqual(decide(situation({ attempts: MAX_ATTEMPTS }))._tag, "Exposed")
    // No fee terms for the short leg's market: it cannot be priced, so only the unwind is offered
    assert.deepStrictEqual(remedies(situation({ fees: [kalshi, undefined] })).map((r) => r._tag), ["Unwind"])
  })
})

describe("arbitrage: the steps", () => {
  it("waits for an open leg until the deadline, then cancels it; nothing is unwound meanwhile", () => {
    const delayed = situation({ legs: [kalshiFull, leg({ entry: "open" })] })
    assert.deepStrictEqual(decide(delayed), { _tag: "WaitForLeg", leg: 1 })
    assert.deepStrictEqual(decide({ ...delayed, now: 5_000 }), { _tag: "CancelLeg", leg: 1 })
    // Once cancelled (assumed not to fill further), the excess is worked
    assert.strictEqual(decide({ ...delayed, now: 5_000, legs: [kalshiFull, leg({ entry: "cancelling" })] })._tag, "Hedge")
    assert.deepStrictEqual(decide(situation({ adjustmentOpen: true })), { _tag: "WaitForAdjustment" })
  })

  it("matched legs are one arbitrage with its locked-in profit; nothing held is flat", () => {
    const polyFull = leg({ bought: qtyOf("100"), cost: dollars("50"), fees: dollars("0.75") })
    assert.deepStrictEqual(decide(situation({ legs: [kalshiFull, polyFull] })), { _tag: "Matched", quantity: qtyOf("100"), lockedProfit: dollars("2.51") })
    assert.deepStrictEqual(decide(situation({ legs: [emptyLeg, emptyLeg] })), { _tag: "Flat", pnl: 0 as Micros })
    // One leg filled, then all of it unwound: flat, with the unwind's loss
    const unwound = leg({ bought: qtyOf("10"), cost: dollars("4.5"), fees: dollars("0.18"), sold: qtyOf("10"), proceeds: dollars("4.4"), sellFees: dollars("0.18") })
    assert.deepStrictEqual(decide(situation({ legs: [unwound, emptyLeg] })), { _tag: "Flat", pnl: dollars("-0.46") })
  })
})
