import { assert, describe, it } from "@effect/vitest"
import { compareProgress, isBehind } from "../../../src/domain/game/Progress.ts"
import { stateOf } from "../winprob/States.ts"

describe("game progress", () => {
  const nba = (period: number, secondsRemaining: number, home: number, away: number, status: "in_progress" | "halftime" | "final" = "in_progress") =>
    stateOf("nba", home, away, { period, secondsRemaining, periodSecondsRemaining: secondsRemaining % 720, status })

  it("a stale scoreboard (earlier clock, lower score) is behind", () => {
    assert.isTrue(isBehind(nba(2, 1500, 50, 48), nba(3, 1000, 70, 66)))
    assert.isFalse(isBehind(nba(3, 1000, 70, 66), nba(2, 1500, 50, 48)))
  })

  it("a lower score at the same clock is behind; a later clock with a lower score is a correction", () => {
    assert.isTrue(isBehind(nba(3, 1000, 68, 66), nba(3, 1000, 70, 66)))
    assert.isFalse(isBehind(nba(3, 990, 68, 66), nba(3, 1000, 70, 66)))
  })

  it("the same moment is neither behind nor ahead, whenever it was received", () => {
    assert.strictEqual(compareProgress(nba(3, 1000, 70, 66), { ...nba(3, 1000, 70, 66), observedAt: 99 }), 0)
  })

  it("status stages only move forward: a live state after final is behind", () => {
    assert.isTrue(isBehind(nba(4, 5, 100, 98), nba(4, 0, 102, 98, "final")))
    assert.isTrue(isBehind(stateOf("nba", 0, 0, { status: "scheduled", period: 0 }), nba(1, 2800, 0, 0)))
  })

  it("baseball orders innings, halves and outs", () => {
    const mlb = (inning: number, half: "top" | "middle" | "bottom" | "end", outs: number) =>
      stateOf("mlb", 1, 1, { baseball: { inning, half, outs, onFirst: false, onSecond: false, onThird: false } })
    assert.isTrue(isBehind(mlb(5, "top", 2), mlb(5, "bottom", 0)))
    assert.isTrue(isBehind(mlb(4, "end", 3), mlb(5, "top", 0)))
    assert.isFalse(isBehind(mlb(5, "top", 2), mlb(5, "top", 1)))
  })

  it("soccer counts minutes up, stoppage included", () => {
    const epl = (period: number, minute: number, stoppageMinutes: number) => stateOf("soccer", 0, 0, { period, soccer: { minute, stoppageMinutes } })
    assert.isTrue(isBehind(epl(1, 45, 1), epl(1, 45, 3)))
    assert.isTrue(isBehind(epl(1, 45, 4), epl(2, 46, 0)))
  })

  it("tennis counts sets, games and points", () => {
    const atp = (sets: Array<{ home: number; away: number }>) => stateOf("tennis", 0, 0, { tennis: { sets } })
    assert.isTrue(isBehind(atp([{ home: 6, away: 4 }]), atp([{ home: 6, away: 4 }, { home: 0, away: 1 }])))
    assert.isTrue(isBehind(atp([{ home: 3, away: 4 }]), atp([{ home: 4, away: 4 }])))
  })
})
