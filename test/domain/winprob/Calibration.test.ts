import { assert, describe, it } from "@effect/vitest"
import { applyPlatt, calibrate, calibrations, fitPlatt, phaseOf } from "../../../src/domain/winprob/Calibration.ts"
import { seededRandom } from "../../../src/domain/winprob/Metrics.ts"
import { stateOf } from "./States.ts"

describe("calibration layer", () => {
  it("recovers a known Platt map from its own outcomes", () => {
    const random = seededRandom(7)
    const truth = { a: 0.8, b: 0.3 }
    const forecasts = Array.from({ length: 40_000 }, () => {
      const p = 0.01 + 0.98 * random()
      return { p, y: random() < applyPlatt(truth, p) ? 1 : 0 }
    })
    const fitted = fitPlatt(forecasts)
    assert.closeTo(fitted.a, 0.8, 0.05)
    assert.closeTo(fitted.b, 0.3, 0.05)
  })

  it("stays finite on separable data", () => {
    const fitted = fitPlatt([{ p: 0.2, y: 0 }, { p: 0.8, y: 1 }, { p: 0.3, y: 0 }, { p: 0.9, y: 1 }])
    assert.isTrue(Number.isFinite(fitted.a) && Number.isFinite(fitted.b))
  })

  it("phases a football game by time left, overtime by period", () => {
    assert.strictEqual(phaseOf(stateOf("ncaaf", 0, 0, { period: 1, secondsRemaining: 3000 })), "first-half")
    assert.strictEqual(phaseOf(stateOf("ncaaf", 0, 0, { period: 3, secondsRemaining: 1000 })), "third-quarter")
    assert.strictEqual(phaseOf(stateOf("ncaaf", 0, 0, { period: 4, secondsRemaining: 300 })), "fourth-quarter")
    assert.strictEqual(phaseOf(stateOf("ncaaf", 0, 0, { period: 5, overtime: true, secondsRemaining: 0 })), "overtime")
    assert.isUndefined(phaseOf(stateOf("mlb", 0, 0)))
  })

  it("maps college football through the fitted table and leaves the rest alone", () => {
    const q4 = stateOf("ncaaf", 14, 10, { period: 4, secondsRemaining: 300 })
    const platt = calibrations.ncaaf!.phases["fourth-quarter"]!
    assert.closeTo(calibrate(q4, { home: 0.7, draw: 0, away: 0.3 }).home, applyPlatt(platt, 0.7), 1e-12)
    const ot = stateOf("ncaaf", 14, 14, { period: 5, overtime: true })
    assert.deepStrictEqual(calibrate(ot, { home: 0.6, draw: 0, away: 0.4 }), { home: 0.6, draw: 0, away: 0.4 })
    const nba = stateOf("nba", 50, 40, { period: 3, secondsRemaining: 900 })
    assert.deepStrictEqual(calibrate(nba, { home: 0.8, draw: 0, away: 0.2 }), { home: 0.8, draw: 0, away: 0.2 })
  })
})
