import { assert, describe, it } from "@effect/vitest"
import { gaussianWin, homeWinFromSpread, keyNumberMargins, keyNumberWin, nflKeyNumbers, tieAwareWin } from "../../../../src/domain/winprob/prior/Spread.ts"

describe("tieAwareWin", () => {
  it("reproduces Winston's 7-point favourite: 0.6804 + ½·0.0253 ≈ 0.693 (σ = 13.86)", () => {
    assert.closeTo(tieAwareWin(7, 13.86), 0.693, 5e-4)
  })

  it("is ½ for a pick'em and symmetric", () => {
    assert.closeTo(tieAwareWin(0, 13), 0.5, 1e-15)
    assert.closeTo(tieAwareWin(3, 13) + tieAwareWin(-3, 13), 1, 1e-15)
  })
})

describe("gaussianWin", () => {
  it("is Φ(μ/σ)", () => {
    assert.closeTo(gaussianWin(12, 12), 0.8413447460685429, 1e-14)
  })
})

describe("NFL key-number prior", () => {
  // nflverse/nflfastR reference/calculate_win_probability: vegas_wp at kickoff, home favoured by s
  const nflfastR: ReadonlyArray<readonly [number, number]> = [[1, 0.515], [3, 0.596], [4, 0.638], [7, 0.737], [14, 0.866]]

  it("reproduces nflfastR's kickoff vegas_wp within 0.007", () => {
    for (const [spread, wp] of nflfastR) assert.closeTo(keyNumberWin(spread), wp, 0.007, `favoured by ${spread}`)
  })

  it("jumps across the key number 3 and is flat between non-key half points", () => {
    const at = (s: number) => keyNumberWin(s)
    assert.isAbove(at(3) - at(2.5), 0.03)
    assert.isAbove(at(3.5) - at(3), 0.03)
    assert.isBelow(at(5.5) - at(5), 0.015)
  })

  it("puts the line at the median margin", () => {
    const { lowest, probabilities } = keyNumberMargins(6.5, nflKeyNumbers)
    let above = 0
    probabilities.forEach((p, i) => {
      if (lowest + i > 6.5) above += p
    })
    assert.closeTo(above, 0.5, 1e-8)
  })

  it("is symmetric, monotone and ½ at a pick'em", () => {
    assert.strictEqual(keyNumberWin(0), 0.5)
    let previous = 0
    for (let s = -20; s <= 20; s += 0.5) {
      const p = keyNumberWin(s)
      assert.closeTo(p + keyNumberWin(-s), 1, 1e-8)
      assert.isAtLeast(p, previous - 1e-12)
      previous = p
    }
  })
})

describe("homeWinFromSpread", () => {
  it("uses each sport's margin model; a home spread of −7 favours home", () => {
    assert.closeTo(homeWinFromSpread("nfl", -7)!, keyNumberWin(7), 1e-15)
    assert.closeTo(homeWinFromSpread("nba", -6)!, gaussianWin(6, 12), 1e-15)
    assert.closeTo(homeWinFromSpread("ncaab", 4)!, gaussianWin(-4, 10.5), 1e-15)
    assert.closeTo(homeWinFromSpread("ncaaf", -10)!, tieAwareWin(10, 16), 1e-15)
  })

  it("ignores run and puck lines", () => {
    assert.isUndefined(homeWinFromSpread("mlb", -1.5))
    assert.isUndefined(homeWinFromSpread("nhl", 1.5))
    assert.isUndefined(homeWinFromSpread("soccer", -0.5))
  })
})
