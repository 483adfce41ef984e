import { assert, describe, it } from "@effect/vitest"
import { basketball, basketballDrift, basketballParameters, freshOvertime, marginWin } from "../../../src/domain/winprob/Basketball.ts"
import { normalCdf } from "../../../src/domain/winprob/Distributions.ts"
import { priorOf } from "../../../src/domain/winprob/prior/Prior.ts"
import { gaussianWin } from "../../../src/domain/winprob/prior/Spread.ts"
import { mirror, mirrorPrior, stateOf } from "./States.ts"

const spreadPrior = (homeFavouredBy: number, sigma = 12) => {
  const p = gaussianWin(homeFavouredBy, sigma)
  return priorOf("spread", { home: p, away: 1 - p }, `home -${homeFavouredBy}`)
}
const even = priorOf("market", { home: 0.5, away: 0.5 }, "even")
const nba = (home: number, away: number, secondsRemaining: number, extra = {}) => stateOf("nba", home, away, { secondsRemaining, period: 4, ...extra })

describe("basketball", () => {
  it("at the tip reproduces the prior (the line as drift)", () => {
    const prior = spreadPrior(5.5)
    assert.closeTo(basketball(nba(0, 0, 2880), prior).home, prior.home, 0.003)
    assert.closeTo(basketballDrift(prior, basketballParameters.nba), 5.5, 1e-9)
  })

  it("matches Stern's closed form mid-game: Φ((L + μτ) / (σ√τ)) up to the integer correction", () => {
    const prior = spreadPrior(4)
    const p = basketball(nba(60, 52, 1440), prior).home
    assert.closeTo(p, normalCdf((8 + 4 * 0.5) / (12 * Math.sqrt(0.5))), 0.01)
  })

  it("gives sane late-game values: up 5 with a minute left is near certain, tied is near even", () => {
    assert.isAbove(basketball(nba(100, 95, 60), even).home, 0.98)
    assert.closeTo(basketball(nba(100, 100, 60), even).home, 0.5, 1e-9)
  })

  it("is monotone in the lead and, for a leader, in time", () => {
    const prior = spreadPrior(-3)
    let previous = 0
    for (let l = -20; l <= 20; l++) {
      const p = basketball(nba(80 + Math.max(0, l), 80 + Math.max(0, -l), 600), prior).home
      assert.isAtLeast(p, previous)
      previous = p
    }
    let before = 0
    for (const s of [2400, 1200, 600, 120, 30]) {
      const p = basketball(nba(90, 84, s), even).home
      assert.isAbove(p, before)
      before = p
    }
  })

  it("values the ball at about a point", () => {
    const without = basketball(nba(88, 88, 30), even).home
    const withBall = basketball(nba(88, 88, 30, { possession: "home" }), even).home
    assert.isAbove(withBall, without + 0.05)
  })

  it("is symmetric: mirroring the game swaps the probabilities", () => {
    const prior = spreadPrior(6)
    for (const s of [nba(70, 66, 900, { possession: "away" }), nba(101, 103, 45, { possession: "home" })]) {
      const p = basketball(s, prior)
      const q = basketball(mirror(s), mirrorPrior(prior))
      assert.closeTo(p.home, q.away, 1e-12)
      assert.closeTo(p.home + p.draw + p.away, 1, 1e-15)
    }
  })

  it("plays overtime as five-minute periods that repeat while tied", () => {
    const prior = spreadPrior(5)
    const mu = basketballDrift(prior, basketballParameters.nba)
    const fresh = freshOvertime(mu, 12, 300 / 2880)
    const ot = stateOf("nba", 110, 110, { period: 5, overtime: true, secondsRemaining: 0, periodSecondsRemaining: 300 })
    assert.closeTo(basketball(ot, prior).home, fresh, 1e-12)
    assert.isAbove(fresh, 0.5)
    // Tied at the final horn of regulation: overtime decides
    assert.closeTo(basketball(nba(100, 100, 0), prior).home, fresh, 1e-12)
  })

  it("uses NCAAB's 40-minute clock", () => {
    const half = basketball(stateOf("ncaab", 40, 30, { period: 2, secondsRemaining: 1200 }), even).home
    assert.closeTo(half, marginWin(10, 10.5 * Math.sqrt(0.5), 0.5), 1e-12)
  })

  it("returns the result once final", () => {
    assert.deepStrictEqual(basketball(stateOf("nba", 99, 101, { status: "final" }), even), { home: 0, draw: 0, away: 1 })
  })
})
