import { assert, describe, it } from "@effect/vitest"
import type { TennisContext } from "../../../src/schema/GameState.ts"
import { priorOf } from "../../../src/domain/winprob/prior/Prior.ts"
import { gameWin, matchWin, servePoints, tennis, tiebreakWin, tourServeMean } from "../../../src/domain/winprob/Tennis.ts"
import { mirror, mirrorPrior, stateOf } from "./States.ts"

const closedForm = (p: number) => {
  const q = 1 - p
  return p ** 4 * (1 + 4 * q + 10 * q * q) + (20 * p ** 3 * q ** 3 * p * p) / (1 - 2 * p * q)
}
const rForm = (p: number) => {
  const r = 2 * p - 1
  return 0.5 + (10 * r - 5 * r ** 3 + 4 * r ** 5 - r ** 7) / (8 + 8 * r * r)
}
const favoured = priorOf("moneyline", { home: 0.7, away: 0.3 }, "test")
const atp = (ctx: TennisContext) => stateOf("tennis", 0, 0, { tennis: ctx })

describe("game", () => {
  it("agrees with both closed forms of WINPROB.md §1.6", () => {
    for (const p of [0.3, 0.5, 0.6, 0.64, 0.7, 0.85]) {
      assert.closeTo(gameWin(p), closedForm(p), 1e-12)
      assert.closeTo(gameWin(p), rForm(p), 1e-12)
    }
  })

  it("handles deuce and advantage", () => {
    const p = 0.62
    const deuce = (p * p) / (p * p + (1 - p) ** 2)
    assert.closeTo(gameWin(p, 3, 3), deuce, 1e-15)
    assert.closeTo(gameWin(p, 4, 3), p + (1 - p) * deuce, 1e-15)
    assert.closeTo(gameWin(p, 3, 4), p * deuce, 1e-15)
    assert.strictEqual(gameWin(p, 4, 2), 1)
  })
})

describe("tiebreak", () => {
  it("is ½ for equal players and uses a/(1 − b) from 6-6", () => {
    assert.closeTo(tiebreakWin(0.64, 0.64, 0, 0, true), 0.5, 1e-12)
    const a = 0.65 * (1 - 0.6)
    const b = 0.65 * 0.6 + 0.35 * 0.4
    assert.closeTo(tiebreakWin(0.65, 0.6, 6, 6, true), a / (1 - b), 1e-15)
  })

  it("favours the better server", () => {
    assert.isAbove(tiebreakWin(0.68, 0.6, 0, 0, false), 0.5)
  })
})

describe("tennis match", () => {
  it("reproduces the prior at 0-0 and the tour mean", () => {
    assert.closeTo(tennis(atp({ sets: [] }), favoured).home, 0.7, 1e-8)
    const spec = servePoints(favoured, tourServeMean.atp, 3)
    assert.closeTo((spec.home + spec.away) / 2, 0.64, 1e-12)
    assert.isAbove(spec.home, spec.away)
  })

  it("rises with every point, game and set won", () => {
    const spec = servePoints(favoured, 0.64, 3)
    const base: TennisContext = { sets: [{ home: 3, away: 3 }], homePoints: 1, awayPoints: 1, server: "home" }
    const p = matchWin(spec, base, "home")
    assert.isAbove(matchWin(spec, { ...base, homePoints: 2 }, "home"), p)
    assert.isAbove(matchWin(spec, { sets: [{ home: 4, away: 3 }] }, "away"), matchWin(spec, { sets: [{ home: 3, away: 4 }] }, "away"))
    assert.isAbove(matchWin(spec, { sets: [{ home: 6, away: 3 }, { home: 0, away: 0 }] }, "home"), matchWin(spec, { sets: [{ home: 0, away: 0 }] }, "home"))
  })

  it("treats a finished last set as the start of the next", () => {
    const spec = servePoints(favoured, 0.64, 3)
    assert.closeTo(matchWin(spec, { sets: [{ home: 6, away: 4 }] }, "home"), matchWin(spec, { sets: [{ home: 6, away: 4 }, { home: 0, away: 0 }] }, "home"), 1e-15)
  })

  it("is won after two sets in a best of three", () => {
    assert.strictEqual(tennis(atp({ sets: [{ home: 6, away: 4 }, { home: 7, away: 6 }] }), favoured).home, 1)
  })

  it("plays a 10-point tiebreak in the fifth set of a best of five", () => {
    const fifth: TennisContext = { sets: [{ home: 6, away: 3 }, { home: 3, away: 6 }, { home: 6, away: 4 }, { home: 4, away: 6 }, { home: 6, away: 6 }], homePoints: 7, awayPoints: 5, server: "home", bestOf: 5 }
    const p = tennis(atp(fifth), favoured).home
    // 7-5 in a 10-point breaker is far from over
    assert.isBelow(p, 0.9)
    assert.isAbove(p, 0.6)
  })

  it("is symmetric when the server is swapped with the sides", () => {
    const s = atp({ sets: [{ home: 6, away: 4 }, { home: 2, away: 3 }], homePoints: 2, awayPoints: 3, server: "away" })
    const p = tennis(s, favoured)
    assert.closeTo(p.home, tennis(mirror(s), mirrorPrior(favoured)).away, 1e-9)
  })
})
