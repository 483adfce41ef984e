import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { americanFromDecimal, americanOdds, pregameOdds } from "../../../src/services/espn/Odds.ts"
import { clockSpec, clockState, inningHalf, parseClock, parseSoccerClock, statusOf } from "../../../src/services/espn/Normalize.ts"

describe("clock parsing", () => {
  it("reads count-down displays, tenths included", () => {
    assert.strictEqual(parseClock("12:00"), 720)
    assert.strictEqual(parseClock("17:09"), 1029)
    assert.strictEqual(parseClock("0:42"), 42)
    assert.strictEqual(parseClock("26.1"), 26.1)
    assert.strictEqual(parseClock("0.0"), 0)
    assert.isUndefined(parseClock("Final"))
    assert.isUndefined(parseClock(""))
    assert.isUndefined(parseClock(undefined))
  })

  it("reads soccer's count-up display with stoppage", () => {
    assert.deepStrictEqual(parseSoccerClock("90'+5'"), { minute: 90, stoppage: 5 })
    assert.deepStrictEqual(parseSoccerClock("45'+2'"), { minute: 45, stoppage: 2 })
    assert.deepStrictEqual(parseSoccerClock("67'"), { minute: 67, stoppage: 0 })
    assert.deepStrictEqual(parseSoccerClock("0'"), { minute: 0, stoppage: 0 })
    assert.isUndefined(parseSoccerClock("HT"))
  })

  it("reads the half-inning from shortDetail", () => {
    assert.strictEqual(inningHalf("Top 1st"), "top")
    assert.strictEqual(inningHalf("Bot 9th"), "bottom")
    assert.strictEqual(inningHalf("Bottom 10th"), "bottom")
    assert.strictEqual(inningHalf("Mid 3rd"), "middle")
    assert.strictEqual(inningHalf("End 7th"), "end")
    assert.isUndefined(inningHalf("Final"))
  })
})

describe("clockState", () => {
  const nba = clockSpec("nba")
  const nhl = clockSpec("nhl")
  const epl = clockSpec("epl")

  it("count-down: seconds left in regulation across periods", () => {
    assert.deepStrictEqual(clockState(nba, { status: "in_progress", period: 1, clock: 720 }), { secondsRemaining: 2880, periodSecondsRemaining: 720, overtime: false })
    assert.deepStrictEqual(clockState(nba, { status: "in_progress", period: 3, clock: 65.5 }), { secondsRemaining: 785.5, periodSecondsRemaining: 65.5, overtime: false })
    assert.deepStrictEqual(clockState(nba, { status: "halftime", period: 2 }), { secondsRemaining: 1440, periodSecondsRemaining: 0, overtime: false })
    assert.deepStrictEqual(clockState(nba, { status: "scheduled", period: 0, clock: 0 }), { secondsRemaining: 2880, periodSecondsRemaining: 720, overtime: false })
    assert.deepStrictEqual(clockState(nba, { status: "final", period: 5, clock: 0 }), { secondsRemaining: 0, periodSecondsRemaining: 0, overtime: true })
  })

  it("count-down overtime: 0 in regulation, the period's own clock", () => {
    assert.deepStrictEqual(clockState(nhl, { status: "in_progress", period: 4, clock: 1029 }), { secondsRemaining: 0, periodSecondsRemaining: 1029, overtime: true })
    assert.deepStrictEqual(clockState(nba, { status: "in_progress", period: 5, clock: 200 }), { secondsRemaining: 0, periodSecondsRemaining: 200, overtime: true })
  })

  it("regulation period counts and overtime lengths per league", () => {
    assert.deepStrictEqual(clockSpec("ncaab"), { kind: "countdown", periods: 2, periodSeconds: 1200, overtimeSeconds: 300 })
    assert.deepStrictEqual(clockSpec("wnba"), { kind: "countdown", periods: 4, periodSeconds: 600, overtimeSeconds: 300 })
    assert.strictEqual(clockSpec("nhl", { postseason: true }).overtimeSeconds, 1200)
    assert.strictEqual(clockSpec("nfl", { postseason: true }).overtimeSeconds, 900)
    assert.strictEqual(clockSpec("nfl").overtimeSeconds, 600)
    assert.isUndefined(clockSpec("ncaaf").overtimeSeconds)
    assert.strictEqual(clockSpec("mlb").kind, "none")
    assert.strictEqual(clockSpec("atp", { regulationPeriods: 5 }).periods, 5)
    assert.strictEqual(clockSpec("ufc", { regulationPeriods: 5 }).periods, 5)
  })

  it("soccer counts up; stoppage time stays at the half's end", () => {
    assert.deepStrictEqual(clockState(epl, { status: "in_progress", period: 1, clock: 1200 }), {
      secondsRemaining: 4200,
      periodSecondsRemaining: 1500,
      overtime: false,
      soccer: { minute: 20, stoppageMinutes: 0 }
    })
    // "45'+2'": the clock may or may not include stoppage; regulation time is the half's end either way
    for (const clock of [2700, 2820]) {
      assert.deepStrictEqual(clockState(epl, { status: "in_progress", period: 1, clock, stoppageMinutes: 2 }), {
        secondsRemaining: 2700,
        periodSecondsRemaining: 0,
        overtime: false,
        soccer: { minute: 45, stoppageMinutes: 2 }
      })
    }
    assert.strictEqual(clockState(epl, { status: "halftime", period: 1, clock: 2700 }).secondsRemaining, 2700)
    assert.strictEqual(clockState(epl, { status: "in_progress", period: 2, clock: 4500 }).secondsRemaining, 900)
    assert.deepStrictEqual(clockState(epl, { status: "in_progress", period: 3, clock: 5700 }), {
      secondsRemaining: 0,
      overtime: true,
      soccer: { minute: 90, stoppageMinutes: 0 },
      periodSecondsRemaining: 600
    })
  })

  it("never reports negative or more-than-regulation time", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("nba", "nfl", "ncaab", "wnba", "nhl", "epl", "mls" as const),
        fc.constantFrom("in_progress", "halftime", "end_period", "final", "delayed" as const),
        fc.integer({ min: 0, max: 8 }),
        fc.option(fc.double({ min: -100, max: 10_000, noNaN: true }), { nil: undefined }),
        (league, status, period, clock) => {
          const spec = clockSpec(league)
          const s = clockState(spec, { status, period, clock })
          const regulation = spec.periods * spec.periodSeconds
          if (s.secondsRemaining !== undefined) {
            assert.isAtLeast(s.secondsRemaining, 0)
            assert.isAtMost(s.secondsRemaining, regulation)
          }
          if (s.periodSecondsRemaining !== undefined) assert.isAtLeast(s.periodSecondsRemaining, 0)
          if (period > spec.periods) assert.strictEqual(s.secondsRemaining ?? 0, 0)
        }
      )
    )
  })
})

describe("statusOf", () => {
  const type = (name: string, state: string, completed = false) => ({ name, state, completed })
  it("maps ESPN's status names", () => {
    assert.strictEqual(statusOf(type("STATUS_SCHEDULED", "pre")), "scheduled")
    assert.strictEqual(statusOf(type("STATUS_IN_PROGRESS", "in")), "in_progress")
    assert.strictEqual(statusOf(type("STATUS_HALFTIME", "in")), "halftime")
    assert.strictEqual(statusOf(type("STATUS_END_PERIOD", "in")), "end_period")
    assert.strictEqual(statusOf(type("STATUS_FINAL", "post", true)), "final")
    assert.strictEqual(statusOf(type("STATUS_FULL_TIME", "post", true)), "final")
    assert.strictEqual(statusOf(type("STATUS_POSTPONED", "post")), "postponed")
    assert.strictEqual(statusOf(type("STATUS_DELAYED", "in")), "delayed")
    assert.strictEqual(statusOf(type("STATUS_RAIN_DELAY", "in")), "delayed")
    assert.strictEqual(statusOf(type("STATUS_SUSPENDED", "post")), "suspended")
    assert.strictEqual(statusOf(type("STATUS_CANCELED", "post")), "canceled")
  })

  it("a delayed start is still a scheduled game; unknown names fall back on the state", () => {
    assert.strictEqual(statusOf(type("STATUS_DELAYED", "pre")), "scheduled")
    assert.strictEqual(statusOf(type("STATUS_NEW_THING", "in")), "in_progress")
    assert.strictEqual(statusOf(type("STATUS_NEW_THING", "post", true)), "final")
    assert.strictEqual(statusOf(type("STATUS_NEW_THING", "post", false)), "suspended")
    assert.isUndefined(statusOf(type("STATUS_NEW_THING", "weird")))
  })
})

describe("pre-game odds", () => {
  it("parses American odds strings and converts decimal odds", () => {
    assert.strictEqual(americanOdds("-110"), -110)
    assert.strictEqual(americanOdds("+300"), 300)
    assert.strictEqual(americanOdds("EVEN"), 100)
    assert.strictEqual(americanOdds(121), 121)
    assert.isUndefined(americanOdds("OFF"))
    assert.isUndefined(americanOdds("12"))
    assert.strictEqual(americanFromDecimal(1.85), -118)
    assert.strictEqual(americanFromDecimal(4.1), 310)
    assert.strictEqual(americanFromDecimal(2), 100)
    assert.isUndefined(americanFromDecimal(1))
  })

  it("picks the most informative entry and skips malformed ones", () => {
    const odds = pregameOdds([
      "junk",
      { provider: "not an object" },
      { provider: { name: "Bet 365", priority: 0 }, homeTeamOdds: { value: 1.85 }, awayTeamOdds: { value: 4.1 }, drawOdds: { value: 3.6 } },
      { provider: { name: "consensus" }, spread: 1.5, overUnder: 8.5, homeTeamOdds: { moneyLine: 121 }, awayTeamOdds: { moneyLine: -142 } }
    ])
    assert.deepStrictEqual(odds, { provider: "consensus", homeSpread: 1.5, total: 8.5, homeMoneyline: 121, awayMoneyline: -142 })
    assert.deepStrictEqual(pregameOdds([{ provider: { name: "Bet 365" }, homeTeamOdds: { value: 1.85 }, awayTeamOdds: { value: 4.1 }, drawOdds: { value: 3.6 } }]), {
      provider: "Bet 365",
      homeMoneyline: -118,
      awayMoneyline: 310,
      drawMoneyline: 260
    })
    assert.isUndefined(pregameOdds([{ provider: { name: "empty" } }]))
    assert.isUndefined(pregameOdds(undefined))
  })
})
