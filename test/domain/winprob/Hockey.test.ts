import { assert, describe, it } from "@effect/vitest"
import type { GameState } from "../../../src/schema/GameState.ts"
import { finish } from "../../../src/domain/winprob/Goals.ts"
import { hockey, hockeyParameters, hockeyRates } from "../../../src/domain/winprob/Hockey.ts"
import { priorOf } from "../../../src/domain/winprob/prior/Prior.ts"
import { mirror, mirrorPrior, stateOf } from "./States.ts"

const prior = priorOf("moneyline", { home: 0.58, away: 0.42 }, "test", { total: 6.5 })
const even = priorOf("market", { home: 0.5, away: 0.5 }, "even")
const nhl = (home: number, away: number, secondsRemaining: number, extra: Partial<GameState> = {}) =>
  stateOf("nhl", home, away, { period: 3, secondsRemaining, ...extra })

describe("hockey", () => {
  it("reproduces the prior at puck drop, with the total as goal rate", () => {
    assert.closeTo(hockey(nhl(0, 0, 3600), prior).home, 0.58, 1e-8)
    const r = hockeyRates(prior)
    assert.closeTo(r.home + r.away, 6.5, 1e-9)
    assert.isAbove(r.home, r.away)
  })

  it("is monotone in the lead and, for a leader, in time", () => {
    let previous = 0
    for (let l = -4; l <= 4; l++) {
      const p = hockey(nhl(Math.max(0, l), Math.max(0, -l), 1500), prior).home
      assert.isAbove(p, previous)
      previous = p
    }
    let before = 0
    for (const s of [3000, 1800, 600, 240, 60, 10]) {
      const p = hockey(nhl(3, 2, s), even).home
      assert.isAbove(p, before)
      before = p
    }
  })

  it("gives sane late values: a one-goal lead with two minutes left holds about nine times in ten", () => {
    const p = hockey(nhl(2, 1, 120), even).home
    assert.isAbove(p, 0.88)
    assert.isBelow(p, 0.95)
  })

  it("lets a side trailing late pull its goalie: better odds than ordinary rates would give", () => {
    const seconds = 100
    const ordinary = finish(-1, (3 * seconds) / 3600, (3 * seconds) / 3600)
    const downOne = hockey(nhl(1, 2, seconds, {}), priorOf("market", { home: 0.5, away: 0.5 }, "even", { total: 6 })).home
    assert.isAbove(downOne, ordinary.home + ordinary.level * 0.5)
    assert.isBelow(downOne, 0.15)
    assert.isAbove(hockeyParameters.pulledGoalieLeadingFactor, hockeyParameters.pulledGoalieTrailingFactor)
  })

  it("settles regular-season overtime by 3-on-3, then a shootout coin flip", () => {
    const ot = nhl(3, 3, 0, { period: 4, overtime: true, periodSecondsRemaining: 300 })
    const p = hockey(ot, prior).home
    assert.isAbove(p, 0.5)
    assert.isBelow(p, 0.58)
    const shootout = nhl(3, 3, 0, { period: 4, overtime: true, periodSecondsRemaining: 0 })
    assert.closeTo(hockey(shootout, prior).home, 0.5, 1e-12)
  })

  it("plays playoff overtime as sudden death with no shootout", () => {
    const r = hockeyRates(prior)
    const second = nhl(2, 2, 0, { period: 5, overtime: true, periodSecondsRemaining: 1200 })
    assert.closeTo(hockey(second, prior).home, r.home / (r.home + r.away), 1e-12)
    // A game flagged postseason is sudden death however little of the period is left, and its
    // rates reproduce the prior at puck drop with sudden death as the value of a tie
    const rp = hockeyRates(prior, true)
    const late = nhl(2, 2, 0, { period: 4, overtime: true, periodSecondsRemaining: 120, postseason: true })
    assert.closeTo(hockey(late, prior).home, rp.home / (rp.home + rp.away), 1e-12)
    const dropped = nhl(0, 0, 3600, { period: 1, postseason: true })
    assert.closeTo(hockey(dropped, prior).home, prior.home, 1e-9)
  })

  it("reads period 5 of a regular-season game as the shootout", () => {
    const shootout = nhl(3, 3, 0, { period: 5, overtime: true, periodSecondsRemaining: 0 })
    assert.closeTo(hockey(shootout, prior).home, hockeyParameters.shootoutHome, 1e-12)
  })

  it("is symmetric", () => {
    for (const s of [nhl(2, 3, 90), nhl(1, 0, 2000)]) {
      assert.closeTo(hockey(s, prior).home, hockey(mirror(s), mirrorPrior(prior)).away, 1e-9)
    }
  })
})
