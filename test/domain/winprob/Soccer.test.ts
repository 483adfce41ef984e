import { assert, describe, it } from "@effect/vitest"
import type { GameState } from "../../../src/schema/GameState.ts"
import { finish } from "../../../src/domain/winprob/Goals.ts"
import { priorOf } from "../../../src/domain/winprob/prior/Prior.ts"
import { remainingShare, soccer, soccerBaselineRates, soccerRates } from "../../../src/domain/winprob/Soccer.ts"
import { UNDECIDED_FLOOR, winProbability } from "../../../src/domain/winprob/WinProb.ts"
import { mirror, mirrorPrior, stateOf } from "./States.ts"

const at = (home: number, away: number, minute: number, extra: Partial<NonNullable<GameState["soccer"]>> = {}) =>
  stateOf("soccer", home, away, { period: minute <= 45 ? 1 : 2, soccer: { minute, stoppageMinutes: 0, ...extra } })
const priced = priorOf("moneyline", { home: 0.48, draw: 0.27, away: 0.25 }, "test")
const none = priorOf("none", { home: 0.5, draw: 0.25, away: 0.25 }, "none", { rates: soccerBaselineRates })

describe("remainingShare", () => {
  it("follows the computed goal-time curve", () => {
    assert.closeTo(remainingShare(0), 0.119 + 0.145 + 0.157 + 0.176 + 0.168 + 0.185 + 0.049, 1e-12)
    assert.closeTo(remainingShare(45), 0.176 + 0.168 + 0.185 + 0.049, 1e-12)
    assert.closeTo(remainingShare(82.5), 0.185 / 2 + 0.049, 1e-12)
    assert.closeTo(remainingShare(90), 0.049, 1e-12)
    assert.closeTo(remainingShare(90, 2.5), 0.049 / 2, 1e-12)
    assert.strictEqual(remainingShare(90, 9), 0)
  })
})

describe("soccer", () => {
  it("keeps the draw and sums to 1", () => {
    const p = soccer(at(0, 0, 0), priced)
    assert.isAbove(p.draw, 0.2)
    assert.closeTo(p.home + p.draw + p.away, 1, 1e-12)
  })

  it("reproduces a three-way prior at kick-off", () => {
    const p = soccer(at(0, 0, 0), priced)
    assert.closeTo(p.home, 0.48, 2e-3)
    assert.closeTo(p.draw, 0.27, 2e-3)
  })

  it("reproduces the state-only Poisson baseline with no prior (1.78 / 1.22 per match)", () => {
    const f = finish(1, 1.78 * remainingShare(60), 1.22 * remainingShare(60))
    assert.closeTo(soccer(at(1, 0, 60), none).home, f.home, 1e-12)
    assert.deepStrictEqual(soccerRates(none), soccerBaselineRates)
  })

  it("is monotone in the lead and, for a leader, in time", () => {
    let previous = 0
    for (let l = -3; l <= 3; l++) {
      const p = soccer(at(Math.max(0, l), Math.max(0, -l), 50), priced).home
      assert.isAbove(p, previous)
      previous = p
    }
    let before = 0
    for (const m of [10, 30, 60, 80, 89]) {
      const p = soccer(at(1, 0, m), priced).home
      assert.isAbove(p, before)
      before = p
    }
    assert.isAbove(soccer(at(1, 0, 90, { stoppageMinutes: 4 }), priced).home, soccer(at(1, 0, 90), priced).home)
  })

  it("makes a draw likelier as a level game runs down", () => {
    assert.isAbove(soccer(at(1, 1, 85), priced).draw, soccer(at(1, 1, 30), priced).draw)
  })

  it("penalises a red card", () => {
    const even = soccer(at(0, 0, 30), priced).home
    const sentOff = soccer(at(0, 0, 30, { homeRedCards: 1 }), priced).home
    assert.isBelow(sentOff, even - 0.05)
  })

  it("is symmetric", () => {
    for (const s of [at(2, 1, 70, { awayRedCards: 1 }), at(0, 0, 12)]) {
      const p = soccer(s, priced)
      const q = soccer(mirror(s), mirrorPrior(priced))
      assert.closeTo(p.home, q.away, 1e-9)
      assert.closeTo(p.draw, q.draw, 1e-9)
    }
  })

  it("reads the half-time break as minute 45", () => {
    const s = stateOf("soccer", 1, 0, { status: "halftime", period: 1 })
    const f = finish(1, 1.78 * remainingShare(45), 1.22 * remainingShare(45))
    assert.closeTo(soccer(s, none).home, f.home, 1e-12)
  })

  it("settles on regulation: in extra time or a shootout the draw is certain, and stays so when the game ends", () => {
    // A knockout tie level after 90', now in extra time (period 3) with a goal for the home side
    const extraTime = stateOf("soccer", 2, 1, { period: 3, overtime: true, soccer: { minute: 90, stoppageMinutes: 4 } })
    assert.deepStrictEqual(soccer(extraTime, priced), { home: 0, draw: 1, away: 0 })
    // Penalties (period 5): ESPN's winner is the side that advanced, the 90-minute market is a draw
    const shootout = stateOf("soccer", 1, 1, { period: 5, overtime: true, status: "final", result: { winner: "home", homeScore: 1, awayScore: 1 } })
    assert.deepStrictEqual(soccer(shootout, priced), { home: 0, draw: 1, away: 0 })
    // Still no exact 0 for an outcome of a game that is not final
    const live = winProbability(extraTime, priced)
    assert.strictEqual(live.home, UNDECIDED_FLOOR)
    assert.closeTo(live.draw, 1 - 2 * UNDECIDED_FLOOR, 1e-12)
  })
})
