import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { orderFee } from "../../../src/domain/fees/Fee.ts"
import { kalshiFeeSchedule, type KalshiFeeSchedule } from "../../../src/domain/fees/KalshiFees.ts"
import { polymarketFeeSchedule, type PolymarketFeeSchedule } from "../../../src/domain/fees/PolymarketFees.ts"
import { kalshiRules, polymarketRules, size, type SizingLeg, type SizingLimits, type Threshold } from "../../../src/domain/risk/Sizing.ts"
import * as Money from "../../../src/schema/Money.ts"

const kalshi = kalshiFeeSchedule({ feeType: "quadratic", multiplier: 1_000_000 }) as KalshiFeeSchedule
const poly = polymarketFeeSchedule({ rate: 30_000, exponent: 1 }) as PolymarketFeeSchedule
const $ = Money.dollars
const px = Money.priceOf
const n = Money.qtyOf
const TICK_MILLI = px("0.001")

const levels = (...ls: ReadonlyArray<readonly [string, string]>) => ls.map(([p, s]) => ({ price: px(p), size: n(s) }))

const kLeg = (asks: ReturnType<typeof levels>, extra: Partial<SizingLeg> = {}): SizingLeg => ({
  asks,
  fees: kalshi,
  venue: kalshiRules(),
  limit: px("0.99"),
  positionRoom: $("100000"),
  contractRoom: n("100000"),
  ...extra
})
const pLeg = (asks: ReturnType<typeof levels>, extra: Partial<SizingLeg> = {}): SizingLeg => ({
  asks,
  fees: poly,
  venue: polymarketRules(TICK_MILLI),
  limit: px("0.99"),
  positionRoom: $("100000"),
  contractRoom: n("100000"),
  ...extra
})

const open: SizingLimits = {
  available: $("1000"),
  exposureRoom: $("1000"),
  maxOrderNotional: $("1000"),
  maxOrderContracts: n("1000"),
  totalContractRoom: n("100000"),
  maxBookShare: Money.bpsOf("1"),
  minLiquidity: $("0"),
  kellyFraction: Money.bpsOf("0.25")
}
const sets = (minProfit: string): Threshold => ({ _tag: "sets", minProfitPerSet: $(minProfit) })

const summary = (r: ReturnType<typeof size>) =>
  r._tag === "Dropped" ? r.code : `${Money.formatQty(r.quantity)} @ ${r.legs.map((l) => Money.formatDollars(l.limit)).join("+")} edge ${Money.formatDollars(r.edge)}`

describe("sizing an arbitrage at its final size", () => {
  const yes018 = kLeg(levels(["0.18", "100"]))
  const away0794 = pLeg(levels(["0.794", "100"]))

  it("prices 100 sets of the 0.18/0.794 book at +$1.06931 (Kalshi $1.04, Polymarket $0.49069)", () => {
    assert.strictEqual(summary(size([yes018, away0794], sets("0.01"), open)), "100 @ 0.18+0.794 edge 1.06931")
  })

  it("does not approve the 0.18/0.794 book at the 1 set the exposure room allows", () => {
    // $1 of game room: 1 set costs $0.18 + $0.794 + $0.02 + $0.0049 and earns 0.11¢, under the 1¢ minimum;
    // it is also under Polymarket's $1 marketable minimum
    const r = size([yes018, away0794], sets("0.01"), { ...open, exposureRoom: $("1") })
    assert.strictEqual(r._tag, "Dropped")
    // With a 0.5¢ minimum and Polymarket at 0.798 one set loses money: still dropped
    const worse = size([yes018, pLeg(levels(["0.798", "100"]))], sets("0.005"), { ...open, exposureRoom: $("1") })
    assert.strictEqual(worse._tag, "Dropped")
  })

  it("walks a thin top: 5 @ 0.40 then 95 @ 0.41 against 500 @ 0.50 trades 100 sets for exactly $6.60", () => {
    const r = size([kLeg(levels(["0.40", "5"], ["0.41", "95"])), pLeg(levels(["0.50", "500"]))], sets("0.01"), open)
    // Kalshi $40.95 + ceil($1.692635) = $42.65; Polymarket $50 + $0.75; 100 − 93.40 = 6.60
    assert.strictEqual(summary(r), "100 @ 0.41+0.50 edge 6.60")
    if (r._tag !== "Sized") return
    assert.deepStrictEqual(r.legs.map((l) => [l.notional, l.fee]), [[$("40.95"), $("1.70")], [$("50"), $("0.75")]])
    assert.strictEqual(r.edgeBps, 660)
    // 80% of the depth: 5 @ 0.40 + 75 @ 0.41 and 80 @ 0.50
    assert.strictEqual(summary(size([kLeg(levels(["0.40", "5"], ["0.41", "95"])), pLeg(levels(["0.50", "500"]))], sets("0.01"), { ...open, maxBookShare: Money.bpsOf("0.8") })), "80 @ 0.41+0.50 edge 5.29")
  })

  it("drops an arbitrage that fees eliminate", () => {
    // 0.49 + 0.50 = 0.99 before fees; Kalshi 1.75¢ and Polymarket 0.75¢ a set take it below zero
    assert.strictEqual(summary(size([kLeg(levels(["0.49", "100"])), pLeg(levels(["0.50", "100"]))], sets("0.001"), open)), "BELOW_THRESHOLD")
  })

  it("sizes both legs in equal shares, in whole contracts when one venue needs them", () => {
    const r = size([kLeg(levels(["0.40", "37.5"])), pLeg(levels(["0.50", "37.25"]))], sets("0.01"), open)
    assert.strictEqual(r._tag, "Sized")
    if (r._tag !== "Sized") return
    assert.deepStrictEqual(r.legs.map((l) => l.quantity), [n("37"), n("37")])
    const fractional = size([kLeg(levels(["0.40", "37.5"]), { venue: kalshiRules(true) }), pLeg(levels(["0.50", "37.25"]))], sets("0.01"), open)
    assert.deepStrictEqual(fractional._tag === "Sized" ? fractional.legs.map((l) => l.quantity) : [], [n("37.25"), n("37.25")])
  })

  it("never sizes past the available balance: $5 buys 5 sets, a negative bankroll none", () => {
    const book = [kLeg(levels(["0.40", "100"])), pLeg(levels(["0.50", "100"]))]
    // One set costs $0.40 + $0.50 + fees; 5 sets = $4.50 + $0.09 + $0.0375
    const five = size(book, sets("0.01"), { ...open, available: $("5") })
    assert.strictEqual(summary(five), "5 @ 0.40+0.50 edge 0.3725")
    if (five._tag === "Sized") assert.isAtMost(five.cost, $("5"))
    assert.strictEqual(summary(size(book, sets("0.01"), { ...open, available: Money.micros(-3_000_000) })), "INSUFFICIENT_FUNDS")
    assert.strictEqual(summary(size(book, sets("0.01"), { ...open, available: Money.micros(0) })), "INSUFFICIENT_FUNDS")
  })
})

describe("sizing a model edge", () => {
  const edge = (p: number): Threshold => ({ _tag: "edge", probability: p, minEdge: Money.bpsOf("0.05"), kelly: true })

  it("sizes Kelly at the cost of the final size, on either outcome's own price", () => {
    // Home at 0.50, p = 0.60. Final size 82: $41 + ceil($1.435) = $42.44, 51.756¢ a contract;
    // f* = (0.6 − 0.51756)/(1 − 0.51756) = 17.09%; ¼ Kelly of $1000 = $42.72 ≥ $42.44 (83 would cost $42.96 > $42.71)
    assert.strictEqual(summary(size([kLeg(levels(["0.50", "1000"]))], edge(0.6), open)), "82 @ 0.50 edge 6.76")
    // The away side of the same game at its own price 0.30, p = 0.40: 0.30 + 1.47¢ fee a contract;
    // f* = (0.4 − 0.3147)/(0.6853) = 12.45%: 98 cost $30.85 ≤ $31.09 of stake, 99 cost $31.16 > $31.10
    assert.strictEqual(summary(size([kLeg(levels(["0.30", "1000"]))], edge(0.4), open)), "98 @ 0.30 edge 8.35")
    // No edge after the threshold on the other outcome
    assert.strictEqual(summary(size([kLeg(levels(["0.50", "1000"]))], edge(0.4), open)), "BELOW_THRESHOLD")
  })
})

describe("venue minimums", () => {
  const edge: Threshold = { _tag: "edge", probability: 0.6, minEdge: Money.bpsOf("0.02"), kelly: false }

  it("raises a Polymarket leg to the $1 marketable minimum when that stays within every limit", () => {
    // 0.30 × 3 = $0.90 < $1 → 3.34 shares ($1.002 + $0.02104 fee); orderMinSize 0 here
    const leg = pLeg(levels(["0.30", "100"]), { venue: polymarketRules(Money.CENT as Money.Price, n("0"), $("1")) })
    const r = size([leg], edge, { ...open, desired: n("3") })
    assert.strictEqual(summary(r), "3.34 @ 0.30 edge 0.98096")
    assert.isTrue(r._tag === "Sized" && r.raisedToMinimum)
  })

  it("raises to orderMinSize, and drops when the minimum breaks a limit", () => {
    const leg = pLeg(levels(["0.30", "100"]), { venue: polymarketRules(Money.CENT as Money.Price, n("5"), $("1")) })
    assert.strictEqual(summary(size([leg], edge, { ...open, desired: n("1") })), "5 @ 0.30 edge 1.4685")
    // $1.20 of room cannot hold 5 shares at 0.30 plus fees
    assert.strictEqual(summary(size([leg], edge, { ...open, exposureRoom: $("1.20") })), "VENUE_MINIMUM")
  })

  it("never approves an arbitrage with a leg the venue would refuse", () => {
    // $1 of room: 1 set fits, but its $0.50 Polymarket leg is under the $1 minimum, and 2 sets do not fit
    const r = size([kLeg(levels(["0.40", "100"])), pLeg(levels(["0.50", "100"]), { venue: polymarketRules(Money.CENT as Money.Price, n("0"), $("1")) })], sets("0.01"), { ...open, exposureRoom: $("1") })
    assert.strictEqual(summary(r), "VENUE_MINIMUM")
  })

  it("Kalshi trades whole contracts unless the market is fractional", () => {
    const whole = size([kLeg(levels(["0.40", "7.5"]))], edge, { ...open, minLiquidity: $("0") })
    assert.strictEqual(whole._tag === "Sized" ? whole.quantity : 0, n("7"))
    const fractional = size([kLeg(levels(["0.40", "7.5"]), { venue: kalshiRules(true) })], edge, open)
    assert.strictEqual(fractional._tag === "Sized" ? fractional.quantity : 0, n("7.5"))
  })

  it("accepts prices on the 0.005 and 0.0025 ticks and refuses prices off them", () => {
    const on = (tick: string, price: string) => size([pLeg(levels([price, "100"]), { venue: polymarketRules(px(tick), n("5"), $("1")) })], edge, open)._tag
    assert.strictEqual(on("0.005", "0.455"), "Sized")
    assert.strictEqual(on("0.0025", "0.4575"), "Sized")
    assert.strictEqual(on("0.005", "0.4575"), "Dropped")
    assert.strictEqual(summary(size([pLeg(levels(["0.4575", "100"]), { venue: polymarketRules(px("0.005")) })], edge, open)), "PRICE_TICK")
  })
})

describe("sizing, for random books, fees and limits", () => {
  const price = fc.integer({ min: 1, max: 99 }).map((c) => (c * Money.CENT) as Money.Price)
  const book = fc.array(fc.tuple(price, fc.integer({ min: 1, max: 300 })), { minLength: 1, maxLength: 4 }).map((ls) =>
    [...new Map(ls.map(([p, s]) => [p, s])).entries()].sort((a, b) => a[0] - b[0]).map(([p, s]) => ({ price: p, size: (s * Money.ONE / 4) as Money.Qty }))
  )
  const fees = fc.oneof(
    fc.integer({ min: 0, max: 2_000_000 }).map((m) => kalshiFeeSchedule({ feeType: "quadratic", multiplier: m }) as KalshiFeeSchedule),
    fc.integer({ min: 0, max: 100_000 }).map((rate) => polymarketFeeSchedule({ rate, exponent: 1 }) as PolymarketFeeSchedule)
  )
  const leg = fc.record({
    asks: book,
    fees,
    fractional: fc.boolean(),
    positionRoom: fc.integer({ min: 0, max: 200_000_000 }),
    contractRoom: fc.integer({ min: 0, max: 400 })
  }).map((l): SizingLeg => ({
    asks: l.asks,
    fees: l.fees,
    venue: l.fees._tag === "KalshiFeeSchedule" ? kalshiRules(l.fractional) : polymarketRules(Money.CENT as Money.Price, (l.contractRoom % 6 * Money.ONE) as Money.Qty, $("1")),
    limit: px("0.99"),
    positionRoom: l.positionRoom as Money.Micros,
    contractRoom: (l.contractRoom * Money.ONE) as Money.Qty
  }))
  const limits = fc.record({
    available: fc.integer({ min: -50_000_000, max: 500_000_000 }),
    exposureRoom: fc.integer({ min: 0, max: 300_000_000 }),
    maxOrderNotional: fc.integer({ min: 0, max: 200_000_000 }),
    maxOrderContracts: fc.integer({ min: 0, max: 500 }),
    totalContractRoom: fc.integer({ min: 0, max: 800 }),
    maxBookShare: fc.integer({ min: 0, max: 10_000 }),
    minLiquidity: fc.integer({ min: 0, max: 20_000_000 }),
    kellyFraction: fc.integer({ min: 0, max: 10_000 })
  }).map((l): SizingLimits => ({
    ...l,
    available: l.available as Money.Micros,
    exposureRoom: l.exposureRoom as Money.Micros,
    maxOrderNotional: l.maxOrderNotional as Money.Micros,
    maxOrderContracts: (l.maxOrderContracts * Money.ONE) as Money.Qty,
    totalContractRoom: (l.totalContractRoom * Money.ONE) as Money.Qty,
    maxBookShare: l.maxBookShare as Money.Bps,
    minLiquidity: l.minLiquidity as Money.Micros,
    kellyFraction: l.kellyFraction as Money.Bps
  }))
  const threshold = fc.oneof(
    fc.integer({ min: 0, max: 50_000 }).map((m): Threshold => ({ _tag: "sets", minProfitPerSet: m as Money.Micros })),
    fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 2_000 }), fc.boolean()).map(([p, e, k]): Threshold => ({ _tag: "edge", probability: p, minEdge: e as Money.Bps, kelly: k }))
  )

  /** The exact cost of a leg at its size, recomputed here from the fee functions. */
  const exactCost = (l: SizingLeg, q: number) => {
    let left = q
    let notional = 0
    const fills: Array<{ price: Money.Price; count: Money.Qty }> = []
    for (const a of l.asks) {
      if (left === 0) break
      const take = Math.min(left, a.size)
      fills.push({ price: a.price, count: take as Money.Qty })
      notional += Money.notional(a.price, take as Money.Qty, "ceil")
      left -= take
    }
    // Kalshi: the order's exact total ceiled to the cent once; Polymarket: per fill
    const fee = l.fees._tag === "KalshiFeeSchedule"
      ? kalshiOrder(l.fees, fills)
      : fills.reduce((s, f) => s + orderFee(l.fees, "taker", f.count, f.price), 0)
    return { left, notional, fee, amount: notional + fee, worst: fills[fills.length - 1]!.price }
  }
  const kalshiOrder = (s: KalshiFeeSchedule, fills: ReadonlyArray<{ price: Money.Price; count: Money.Qty }>) => {
    const raw = fills.reduce((acc, f) => acc + BigInt(s.multiplier) * 700n * BigInt(f.count) * BigInt(f.price) * (1_000_000n - BigInt(f.price)), 0n)
    const den = 1_000_000n * 10_000n * 1_000_000n * 1_000_000n * 1_000_000n / 100n
    return Number((raw + den - 1n) / den) * Money.CENT
  }

  it("every approved intent clears its threshold at its size after exact fees, within the balance and every cap", () => {
    let approved = 0
    fc.assert(
      fc.property(fc.oneof(fc.array(leg, { minLength: 1, maxLength: 1 }), fc.array(leg, { minLength: 2, maxLength: 2 })), threshold, limits, (legs, t, l) => {
        const th: Threshold = legs.length === 1 || t._tag === "sets" ? t : { _tag: "sets", minProfitPerSet: Money.CENT as Money.Micros }
        const r = size(legs, th, l)
        if (r._tag === "Dropped") return true
        approved++
        const q = r.quantity
        assert.isAbove(q, 0)
        const costs = legs.map((leg) => exactCost(leg, q))
        costs.forEach((c, i) => {
          assert.strictEqual(c.left, 0, "the book holds the size")
          assert.strictEqual(r.legs[i]!.amount, c.amount, "exact fee")
          assert.strictEqual(r.legs[i]!.quantity, q, "equal shares")
          assert.isAtMost(c.amount, l.maxOrderNotional)
          assert.isAtMost(c.amount, legs[i]!.positionRoom)
          assert.isAtMost(q, legs[i]!.contractRoom)
          const rules = legs[i]!.venue
          if (rules._tag === "kalshi" && !rules.fractional) assert.strictEqual(q % Money.ONE, 0)
          if (rules._tag === "polymarket") {
            assert.isAtLeast(c.notional, rules.minNotional)
            assert.isAtLeast(q, rules.minOrderSize)
          }
        })
        const cost = costs.reduce((s, c) => s + c.amount, 0)
        assert.isAtMost(cost, l.available, "never more than balance − reserved")
        assert.isAtMost(cost, l.exposureRoom)
        assert.isAtMost(q, l.maxOrderContracts)
        assert.isAtMost(q * legs.length, l.totalContractRoom)
        if (th._tag === "sets") {
          assert.isAtLeast((q - cost) * Money.ONE, th.minProfitPerSet * q, "profit per set clears the minimum")
        } else {
          const fair = Math.floor(th.probability * Money.ONE + 1e-6)
          const value = Math.floor(fair * q / Money.ONE)
          assert.isAtLeast((value - cost) * Money.ONE, th.minEdge * 100 * q, "edge clears the minimum")
          assert.isAbove(value - cost, 0)
        }
        return true
      }),
      { numRuns: 3_000 }
    )
    // The property is about approvals: enough of them must happen for it to mean something
    assert.isAbove(approved, 150)
  })
})
