import { assert, describe, it } from "@effect/vitest"
import { decide, type Exposure, kellyBps, type Limits, type SignalRequest } from "../../../src/domain/risk/RiskGate.ts"
import * as Money from "../../../src/schema/Money.ts"

const limits: Limits = {
  kellyFraction: Money.bpsOf("0.25"),
  maxPositionFraction: Money.bpsOf("0.05"),
  maxDailyLoss: Money.dollars("100"),
  maxGameExposure: Money.dollars("50"),
  maxSportExposure: Money.dollars("200"),
  maxTotalExposure: Money.dollars("500"),
  maxPositionsPerGame: 2,
  maxBookShare: Money.bpsOf("0.8"),
  maxOrderNotional: Money.dollars("100"),
  maxOrderContracts: 100,
  submitsPerMinute: 20,
  submitsPerHour: 100,
  minLiquidity: Money.dollars("10"),
  maxBookAgeMillis: 30_000,
  maxGameStateAgeMillis: 30_000
}

const flat: Exposure = {
  bankroll: Money.dollars("1000"),
  game: Money.dollars("0"),
  sport: Money.dollars("0"),
  total: Money.dollars("0"),
  openPositionsInGame: 0,
  dailyPnl: Money.dollars("0"),
  submitsLastMinute: 0,
  submitsLastHour: 0,
  gameHalted: false
}

const edge: SignalRequest = {
  kind: "model_edge",
  leg: { limit: Money.priceOf("0.52"), costPerContract: Money.dollars("0.538"), available: Money.qtyOf("100") },
  probability: 0.6,
  bookAgeMillis: 1_000,
  gameStateAgeMillis: 2_000
}

const arb: SignalRequest = {
  kind: "cross_venue_arb",
  legs: [
    { limit: Money.priceOf("0.43"), costPerContract: Money.dollars("0.4472"), available: Money.qtyOf("100") },
    { limit: Money.priceOf("0.53"), costPerContract: Money.dollars("0.537473"), available: Money.qtyOf("50") }
  ],
  bookAgeMillis: 1_000
}

const code = (v: ReturnType<typeof decide>) => (v._tag === "Denied" ? v.denial.code : `approved ${Money.formatQty(v.quantity)}`)

describe("kellyBps", () => {
  it("is (p − c) / (1 − c), floored to basis points, and zero without an edge", () => {
    assert.strictEqual(kellyBps(0.6, Money.dollars("0.538")), 1341)
    assert.strictEqual(kellyBps(0.5, Money.dollars("0.5")), 0)
    assert.strictEqual(kellyBps(0.4, Money.dollars("0.5")), 0)
    assert.strictEqual(kellyBps(0.9, Money.dollars("0.5")), 8000)
  })
})

describe("the risk gate", () => {
  it("sizes a model edge by fractional Kelly within the position and exposure caps", () => {
    // Kelly 13.41% × 0.25 × $1000 = $33.525 → 62 contracts at $0.538 (visible 80, room $50)
    assert.strictEqual(code(decide(edge, flat, limits)), "approved 62")
  })

  it("sizes an arbitrage in equal contracts from the visible size and the room left", () => {
    // 80% of the smaller leg's 50 contracts; $50 of room would allow 50 sets at $0.984673
    assert.strictEqual(code(decide(arb, flat, limits)), "approved 40")
    assert.strictEqual(code(decide(arb, { ...flat, game: Money.dollars("30") }, limits)), "approved 20")
  })

  it("denies with stable codes, in order of precedence", () => {
    assert.strictEqual(code(decide(edge, { ...flat, gameHalted: true }, limits)), "TRADING_HALTED")
    assert.strictEqual(code(decide({ ...edge, bookAgeMillis: 30_001 }, flat, limits)), "STALE_DATA")
    assert.strictEqual(code(decide({ ...edge, gameStateAgeMillis: 30_001 }, flat, limits)), "STALE_DATA")
    assert.strictEqual(code(decide(arb, flat, limits)), "approved 40", "arbitrage does not depend on the game state's age")
    assert.strictEqual(code(decide(edge, { ...flat, dailyPnl: Money.micros(-100_000_000) }, limits)), "DAILY_LOSS")
    assert.strictEqual(code(decide(edge, { ...flat, submitsLastMinute: 20 }, limits)), "SUBMIT_RATE")
    assert.strictEqual(code(decide(edge, { ...flat, openPositionsInGame: 2 }, limits)), "POSITIONS_PER_GAME")
    assert.strictEqual(code(decide(edge, { ...flat, game: Money.dollars("50") }, limits)), "GAME_EXPOSURE")
    assert.strictEqual(code(decide(edge, { ...flat, sport: Money.dollars("200") }, limits)), "SPORT_EXPOSURE")
    assert.strictEqual(code(decide(edge, { ...flat, total: Money.dollars("500") }, limits)), "TOTAL_EXPOSURE")
    assert.strictEqual(code(decide({ ...edge, leg: { ...edge.leg, available: Money.qtyOf("10") } } as SignalRequest, flat, limits)), "INSUFFICIENT_LIQUIDITY")
    assert.strictEqual(code(decide(edge, { ...flat, bankroll: Money.dollars("2") }, limits)), "SIZE_ZERO")
  })
})
