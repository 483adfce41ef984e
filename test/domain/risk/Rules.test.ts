import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { kalshiFeeSchedule, type KalshiFeeSchedule } from "../../../src/domain/fees/KalshiFees.ts"
import { polymarketFeeSchedule, type PolymarketFeeSchedule } from "../../../src/domain/fees/PolymarketFees.ts"
import { decide, reasonCodes, type RequestLeg, type RiskLimits, type RiskRequest, type RiskState } from "../../../src/domain/risk/Rules.ts"
import { kalshiRules, polymarketRules } from "../../../src/domain/risk/Sizing.ts"
import type { MarketId, OutcomeId } from "../../../src/schema/Ids.ts"
import * as Money from "../../../src/schema/Money.ts"

const $ = Money.dollars
const NOW = 1_800_000_000_000

export const limits: RiskLimits = {
  kellyFraction: Money.bpsOf("0.25"),
  maxPositionFraction: Money.bpsOf("0.05"),
  maxDailyLoss: $("100"),
  killSwitchDailyLoss: $("500"),
  maxDrawdown: Money.bpsOf("0.2"),
  consecutiveLossesHalt: 3,
  winCooldownMillis: 180_000,
  lossCooldownMillis: 300_000,
  maxGameExposure: $("50"),
  maxSportExposure: $("200"),
  maxTotalExposure: $("500"),
  maxMarketExposure: $("50"),
  maxPositionsPerGame: 2,
  maxContractsPerMarket: Money.qtyOf("500"),
  maxContractsPerGame: Money.qtyOf("600"),
  maxContractsPerSport: Money.qtyOf("800"),
  maxContractsTotal: Money.qtyOf("1000"),
  maxOrderNotional: $("100"),
  maxOrderContracts: Money.qtyOf("100"),
  submitsPerMinute: 20,
  submitsPerHour: 100,
  maxBookShare: Money.bpsOf("0.8"),
  minLiquidity: $("10"),
  minBuyPrice: Money.priceOf("0.05"),
  maxBuyPrice: Money.priceOf("0.95"),
  allowHedging: false,
  maxBookAgeMillis: 30_000,
  maxGameStateAgeMillis: 30_000,
  maxModelAgeMillis: 30_000
}

export const flat: RiskState = {
  tradingState: "ACTIVE",
  ledgerOk: true,
  gameHalted: false,
  available: $("1000"),
  equity: $("1000"),
  peak: $("1000"),
  dailyPnl: $("0"),
  gameExposure: $("0"),
  sportExposure: $("0"),
  totalExposure: $("0"),
  marketExposure: new Map(),
  marketContracts: new Map(),
  gameContracts: 0,
  sportContracts: 0,
  totalContracts: 0,
  outcomeExposure: new Map(),
  heldInGame: [],
  lastClose: undefined,
  consecutiveLosses: 0,
  venues: new Map([["kalshi", { submitsLastMinute: 0, submitsLastHour: 0, reconciling: false }], ["polymarket", { submitsLastMinute: 0, submitsLastHour: 0, reconciling: false }]]),
  held: new Map()
}

const kalshi = kalshiFeeSchedule({ feeType: "quadratic", multiplier: 1_000_000 }) as KalshiFeeSchedule
const poly = polymarketFeeSchedule({ rate: 30_000, exponent: 1 }) as PolymarketFeeSchedule
const HOME = { platform: "kalshi" as const, marketId: "KXNBAGAME-X-IND" as MarketId, outcomeId: "yes" as OutcomeId }
const AWAY = { platform: "polymarket" as const, marketId: "0xabc" as MarketId, outcomeId: "123" as OutcomeId }

const leg = (over: Partial<RequestLeg> = {}): RequestLeg => ({
  outcome: HOME,
  meaning: "home_win",
  action: "buy",
  limit: Money.priceOf("0.55"),
  asks: [{ price: Money.priceOf("0.50"), size: Money.qtyOf("200") }],
  fees: kalshi,
  venue: kalshiRules(),
  bookAsOf: NOW - 1_000,
  positionRoom: Number.MAX_SAFE_INTEGER as Money.Micros,
  contractRoom: Number.MAX_SAFE_INTEGER as Money.Qty,
  ...over
})

export const edge: RiskRequest = {
  purpose: "entry",
  legs: [leg()],
  threshold: { _tag: "edge", probability: 0.6, minEdge: Money.bpsOf("0.05"), kelly: true },
  withDraw: false,
  expiresAt: NOW + 10_000,
  gameStateChangedAt: NOW - 2_000,
  modelAt: NOW - 2_000
}

export const arb: RiskRequest = {
  purpose: "entry",
  legs: [
    leg({ limit: Money.priceOf("0.45"), asks: [{ price: Money.priceOf("0.40"), size: Money.qtyOf("100") }] }),
    leg({ outcome: AWAY, meaning: "away_win", limit: Money.priceOf("0.55"), asks: [{ price: Money.priceOf("0.50"), size: Money.qtyOf("100") }], fees: poly, venue: polymarketRules() })
  ],
  threshold: { _tag: "sets", minProfitPerSet: $("0.01") },
  withDraw: false,
  expiresAt: NOW + 10_000,
  gameStateChangedAt: NOW - 600_000
}

const code = (request: RiskRequest, state: Partial<RiskState> = {}, l: Partial<RiskLimits> = {}, now = NOW) => {
  const d = decide(request, { ...flat, ...state }, { ...limits, ...l }, now)
  return d._tag === "Denied" ? d.code : `approved ${Money.formatQty(d.sizing.quantity)}`
}

const venues = (over: Partial<{ submitsLastMinute: number; submitsLastHour: number; pausedUntil: number; reconciling: boolean }>) =>
  new Map([["kalshi" as const, { submitsLastMinute: 0, submitsLastHour: 0, reconciling: false, ...over }], ["polymarket" as const, { submitsLastMinute: 0, submitsLastHour: 0, reconciling: false }]])

describe("the risk rules pass a clean intent", () => {
  it("approves a model edge (Kelly, capped at 5% of equity: $50) and an arbitrage (80% of the book)", () => {
    // ¼ Kelly: f* at 0.5 + fee ≈ 17%, stake ≈ $42.7 → 82 contracts; the $50 game cap allows it
    assert.strictEqual(code(edge), "approved 82")
    // A set costs $0.90 + fees ≈ $0.924: 54 sets ($49.91) fit the $50 game room, 55 do not
    assert.strictEqual(code(arb), "approved 54")
  })
})

/** Each rule: the state or request that trips it, and one just inside it that passes. */
const cases: ReadonlyArray<readonly [string, () => string, () => string]> = [
  ["LEDGER_MISMATCH", () => code(edge, { ledgerOk: false }), () => code(edge, { ledgerOk: true })],
  ["TRADING_HALTED", () => code(edge, { tradingState: "HALTED" }), () => code(edge, { tradingState: "ACTIVE" })],
  ["TRADING_REDUCING", () => code(edge, { tradingState: "REDUCING" }), () => code({ ...edge, purpose: "exit", desired: Money.qtyOf("5") }, { tradingState: "REDUCING", held: new Map([["kalshi|KXNBAGAME-X-IND|yes", Money.qtyOf("10")]]) })],
  ["KILL_SWITCH", () => code(edge, { dailyPnl: $("-500") }), () => code(edge, { dailyPnl: $("-99.99") })],
  ["SIGNAL_EXPIRED", () => code(edge, {}, {}, edge.expiresAt + 1), () => code(edge, {}, {}, edge.expiresAt)],
  ["GAME_HALTED", () => code(edge, { gameHalted: true }), () => code(edge, { gameHalted: false })],
  ["RECONCILING", () => code(edge, { venues: venues({ reconciling: true }) }), () => code(edge, { venues: venues({ reconciling: false }) })],
  // Live mode, Polymarket without credentials: an arbitrage would hedge real money with paper
  ["VENUE_PAPER_ONLY", () => code(arb, { liveVenues: new Set(["kalshi"]) }), () => code(arb, { liveVenues: new Set(["kalshi", "polymarket"]) })],
  ["VENUE_ERROR_PAUSE", () => code(edge, { venues: venues({ pausedUntil: NOW + 1 }) }), () => code(edge, { venues: venues({ pausedUntil: NOW }) })],
  ["STALE_BOOK", () => code({ ...edge, legs: [leg({ bookAsOf: NOW - 30_001 })] }), () => code({ ...edge, legs: [leg({ bookAsOf: NOW - 30_000 })] })],
  ["STALE_GAME_STATE", () => code({ ...edge, gameStateChangedAt: NOW - 30_001 }), () => code({ ...edge, gameStateChangedAt: NOW - 30_000 })],
  ["STALE_MODEL", () => code({ ...edge, modelAt: NOW - 30_001 }), () => code({ ...edge, modelAt: NOW - 30_000 })],
  ["PRICE_SANITY", () => code({ ...edge, legs: [leg({ asks: [{ price: Money.priceOf("0.96"), size: Money.qtyOf("200") }], limit: Money.priceOf("0.99") })], threshold: { ...edge.threshold, probability: 0.999 } as RiskRequest["threshold"] }), () => code({ ...edge, legs: [leg({ asks: [{ price: Money.priceOf("0.50"), size: Money.qtyOf("200") }] })] })],
  ["DAILY_LOSS", () => code(edge, { dailyPnl: $("-100") }), () => code(edge, { dailyPnl: $("-99.99") })],
  ["DRAWDOWN", () => code(edge, { peak: $("1250"), equity: $("1000") }), () => code(edge, { peak: $("1249"), equity: $("1000") })],
  ["CONSECUTIVE_LOSSES", () => code(edge, { consecutiveLosses: 3 }), () => code(edge, { consecutiveLosses: 2 })],
  ["LOSS_COOLDOWN", () => code(edge, { lastClose: { pnl: $("-1"), at: NOW - 299_999 } }), () => code(edge, { lastClose: { pnl: $("-1"), at: NOW - 300_000 } })],
  ["WIN_COOLDOWN", () => code(edge, { lastClose: { pnl: $("1"), at: NOW - 179_999 } }), () => code(edge, { lastClose: { pnl: $("1"), at: NOW - 180_000 } })],
  ["ORDER_RATE", () => code(edge, { venues: venues({ submitsLastMinute: 20 }) }), () => code(edge, { venues: venues({ submitsLastMinute: 19, submitsLastHour: 99 }) })],
  ["POSITIONS_PER_GAME", () => code(edge, { heldInGame: [{ key: "a", meaning: "home_win" }, { key: "b", meaning: "home_win" }] }), () => code(edge, { heldInGame: [{ key: "a", meaning: "home_win" }] })],
  ["CORRELATION", () => code(edge, { heldInGame: [{ key: "polymarket|0xabc|123", meaning: "away_win" }] }), () => code(edge, { heldInGame: [{ key: "polymarket|0xabc|123", meaning: "away_win" }] }, { allowHedging: true })],
  ["GAME_EXPOSURE", () => code(edge, { gameExposure: $("50") }), () => code(edge, { gameExposure: $("49") })],
  ["SPORT_EXPOSURE", () => code(edge, { sportExposure: $("200") }), () => code(edge, { sportExposure: $("199") })],
  ["TOTAL_EXPOSURE", () => code(edge, { totalExposure: $("500") }), () => code(edge, { totalExposure: $("499") })],
  ["MARKET_EXPOSURE", () => code(edge, { marketExposure: new Map([["kalshi|KXNBAGAME-X-IND", $("50")]]) }), () => code(edge, { marketExposure: new Map([["kalshi|KXNBAGAME-X-IND", $("49")]]) })],
  ["GAME_CONTRACTS", () => code(edge, { gameContracts: Money.qtyOf("600") }), () => code(edge, { gameContracts: Money.qtyOf("599") })],
  ["SPORT_CONTRACTS", () => code(edge, { sportContracts: Money.qtyOf("800") }), () => code(edge, { sportContracts: Money.qtyOf("799") })],
  ["MARKET_CONTRACTS", () => code(edge, { marketContracts: new Map([["kalshi|KXNBAGAME-X-IND", Money.qtyOf("500")]]) }), () => code(edge, { marketContracts: new Map([["kalshi|KXNBAGAME-X-IND", Money.qtyOf("499")]]) })],
  ["TOTAL_CONTRACTS", () => code(edge, { totalContracts: Money.qtyOf("1000") }), () => code(edge, { totalContracts: Money.qtyOf("999") })],
  ["POSITION_FRACTION", () => code(edge, { outcomeExposure: new Map([["kalshi|KXNBAGAME-X-IND|yes", $("50")]]) }), () => code(edge, { outcomeExposure: new Map([["kalshi|KXNBAGAME-X-IND|yes", $("49")]]) })],
  ["INSUFFICIENT_FUNDS", () => code(edge, { available: $("0") }), () => code(edge, { available: $("5") })],
  ["INSUFFICIENT_LIQUIDITY", () => code({ ...edge, legs: [leg({ asks: [{ price: Money.priceOf("0.50"), size: Money.qtyOf("19") }] })] }), () => code({ ...edge, legs: [leg({ asks: [{ price: Money.priceOf("0.50"), size: Money.qtyOf("21") }] })] })],
  ["BELOW_THRESHOLD", () => code({ ...edge, threshold: { ...edge.threshold, probability: 0.55 } as RiskRequest["threshold"] }), () => code({ ...edge, threshold: { ...edge.threshold, probability: 0.58 } as RiskRequest["threshold"] })],
  // $3 of room holds 3 sets, but Polymarket wants 5 shares ($4.62 with both legs); $5 holds them
  ["VENUE_MINIMUM", () => code(arb, { gameExposure: $("47") }), () => code(arb, { gameExposure: $("45") })],
  ["PRICE_TICK", () => code({ ...edge, legs: [leg({ venue: kalshiRules(false, Money.priceOf("0.01")), asks: [{ price: Money.priceOf("0.505"), size: Money.qtyOf("200") }] })] }), () => code({ ...edge, legs: [leg({ venue: kalshiRules(false, Money.priceOf("0.005")), asks: [{ price: Money.priceOf("0.505"), size: Money.qtyOf("200") }] })] })],
  ["SIZE_ZERO", () => code(edge, {}, { maxOrderContracts: Money.qtyOf("0.5") }), () => code(edge, {}, { maxOrderContracts: Money.qtyOf("1") })],
  ["NO_HOLDING", () => code({ ...edge, purpose: "exit" }), () => code({ ...edge, purpose: "exit" }, { held: new Map([["kalshi|KXNBAGAME-X-IND|yes", Money.qtyOf("10")]]) })]
]

describe("reconciliation and live venues", () => {
  it("a reconciling venue refuses new exposure, and an exit there still passes", () => {
    const held = new Map([["kalshi|KXNBAGAME-X-IND|yes", Money.qtyOf("10")]])
    assert.strictEqual(code(edge, { venues: venues({ reconciling: true }), held }), "RECONCILING")
    assert.strictEqual(code({ ...edge, purpose: "exit", desired: Money.qtyOf("5") }, { venues: venues({ reconciling: true }), held }), "approved 5")
  })

  it("a single-venue trade on a paper-only venue passes in live mode (it is paper), and so does one on a live venue", () => {
    assert.match(code(edge, { liveVenues: new Set(["polymarket"]) }), /^approved /)
    assert.match(code(edge, { liveVenues: new Set(["kalshi"]) }), /^approved /)
  })
})

describe("each risk rule trips and passes", () => {
  for (const [reason, trips, passes] of cases) {
    it(reason, () => {
      assert.strictEqual(trips(), reason)
      assert.match(passes(), /^approved /)
    })
  }

  it("covers every reason code", () => {
    const covered = new Set(["APPROVED", ...cases.map(([r]) => r)])
    assert.deepStrictEqual(reasonCodes.filter((c) => !covered.has(c)), [])
  })
})

describe("the market, game and sport caps bound the size, not only trip", () => {
  it("$10 left in the market buys what $10 buys; 40 contracts left in the game hold 20 sets of an arbitrage", () => {
    // 19 × $0.50 + Kalshi's fee ceil(0.07 × 19 × 0.5 × 0.5) = $9.50 + $0.34 = $9.84; 20 would be $10.35
    assert.strictEqual(code(edge, { marketExposure: new Map([["kalshi|KXNBAGAME-X-IND", $("40")]]) }), "approved 19")
    // Both legs count against the game's contracts: 40 left / 2 legs
    assert.strictEqual(code(arb, { gameContracts: Money.qtyOf("560") }), "approved 20")
    assert.strictEqual(code(arb, { sportContracts: Money.qtyOf("770") }), "approved 15")
  })
})

describe("the risk rules, for random accounts and books", () => {
  const $n = (d: number) => d * Money.ONE
  const state = fc.record({
    available: fc.integer({ min: -5, max: 1_200 }),
    equity: fc.integer({ min: 1, max: 1_500 }),
    game: fc.integer({ min: 0, max: 52 }),
    sportExtra: fc.integer({ min: 0, max: 160 }),
    totalExtra: fc.integer({ min: 0, max: 320 }),
    homeMarket: fc.integer({ min: 0, max: 45 }),
    homeOutcome: fc.integer({ min: 0, max: 52 }),
    homeContracts: fc.integer({ min: 0, max: 520 }),
    gameContracts: fc.integer({ min: 0, max: 620 }),
    sportContracts: fc.integer({ min: 0, max: 820 }),
    totalContracts: fc.integer({ min: 0, max: 1_020 })
  }).map((r): RiskState => ({
    ...flat,
    available: $n(r.available) as Money.Micros,
    equity: $n(r.equity) as Money.Micros,
    peak: $n(r.equity) as Money.Micros,
    gameExposure: $n(Math.max(r.game, r.homeMarket)) as Money.Micros,
    sportExposure: $n(Math.max(r.game, r.homeMarket) + r.sportExtra) as Money.Micros,
    totalExposure: $n(Math.max(r.game, r.homeMarket) + r.sportExtra + r.totalExtra) as Money.Micros,
    marketExposure: new Map([["kalshi|KXNBAGAME-X-IND", $n(r.homeMarket)]]),
    outcomeExposure: new Map([["kalshi|KXNBAGAME-X-IND|yes", $n(Math.min(r.homeOutcome, r.homeMarket))]]),
    marketContracts: new Map([["kalshi|KXNBAGAME-X-IND", $n(r.homeContracts)]]),
    gameContracts: $n(Math.max(r.gameContracts, r.homeContracts)),
    sportContracts: $n(Math.max(r.sportContracts, r.gameContracts, r.homeContracts)),
    totalContracts: $n(Math.max(r.totalContracts, r.sportContracts, r.gameContracts, r.homeContracts)),
    heldInGame: r.homeOutcome > 0 ? [{ key: "kalshi|KXNBAGAME-X-IND|yes", meaning: "home_win" }] : []
  }))
  const ask = fc.tuple(fc.integer({ min: 5, max: 95 }), fc.integer({ min: 1, max: 400 }))
  const request = fc.oneof(
    fc.tuple(ask, fc.double({ min: 0.3, max: 1, noNaN: true })).map(([[p, n], prob]): RiskRequest => ({
      ...edge,
      legs: [leg({ asks: [{ price: (p * Money.CENT) as Money.Price, size: Money.qtyOf(String(n)) }], limit: Money.priceOf("0.95") })],
      threshold: { _tag: "edge", probability: prob, minEdge: Money.bpsOf("0.02"), kelly: true }
    })),
    fc.tuple(ask, ask).map(([[a, n], [b, m]]): RiskRequest => ({
      ...arb,
      legs: [
        { ...arb.legs[0]!, asks: [{ price: (a * Money.CENT) as Money.Price, size: Money.qtyOf(String(n)) }], limit: Money.priceOf("0.95") },
        { ...arb.legs[1]!, asks: [{ price: (b * Money.CENT) as Money.Price, size: Money.qtyOf(String(m)) }], limit: Money.priceOf("0.95") }
      ]
    }))
  )

  it("an approval never takes the account past the balance or any cap: game, sport, total, market, position, contracts", () => {
    let approved = 0
    fc.assert(
      fc.property(request, state, (r, st) => {
        const d = decide(r, st, limits, NOW)
        if (d._tag === "Denied") return true
        approved++
        const q = d.sizing.quantity
        const cost = Money.sum(d.sizing.legs.map((l) => l.amount))
        assert.isAtMost(cost, st.available, "balance − reserved")
        assert.isAtMost(st.gameExposure + cost, limits.maxGameExposure, "game")
        assert.isAtMost(st.sportExposure + cost, limits.maxSportExposure, "sport")
        assert.isAtMost(st.totalExposure + cost, limits.maxTotalExposure, "total")
        assert.isAtMost(st.gameContracts + q * r.legs.length, limits.maxContractsPerGame, "game contracts")
        assert.isAtMost(st.sportContracts + q * r.legs.length, limits.maxContractsPerSport, "sport contracts")
        assert.isAtMost(st.totalContracts + q * r.legs.length, limits.maxContractsTotal, "total contracts")
        const positionCap = Money.applyBps(st.equity, limits.maxPositionFraction, "floor")
        r.legs.forEach((l, i) => {
          const amount = d.sizing.legs[i]!.amount
          const market = `${l.outcome.platform}|${l.outcome.marketId}`
          assert.isAtMost((st.marketExposure.get(market) ?? 0) + amount, limits.maxMarketExposure, "market")
          assert.isAtMost((st.marketContracts.get(market) ?? 0) + q, limits.maxContractsPerMarket, "market contracts")
          assert.isAtMost((st.outcomeExposure.get(`${market}|${l.outcome.outcomeId}`) ?? 0) + amount, positionCap, "position")
          assert.isAtMost(amount, limits.maxOrderNotional, "order notional")
        })
        assert.isAtMost(q, limits.maxOrderContracts, "order contracts")
        return true
      }),
      { numRuns: 5_000 }
    )
    // The property is about approvals: enough of them must happen for it to mean something
    assert.isAbove(approved, 150)
  })
})
