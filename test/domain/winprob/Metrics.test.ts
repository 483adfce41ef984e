import { assert, describe, it } from "@effect/vitest"
import { bootstrapMean, brier, calibration, calibrationByGame, logLoss, score, seededRandom, tailAudit } from "../../../src/domain/winprob/Metrics.ts"

describe("brier", () => {
  it("is the mean squared error", () => {
    assert.closeTo(brier([{ p: 0.8, y: 1 }, { p: 0.3, y: 0 }, { p: 0.5, y: 0.5 }]), (0.04 + 0.09 + 0) / 3, 1e-15)
  })

  it("is 0.25 for a coin-flip forecast whatever happens", () => {
    assert.strictEqual(brier([{ p: 0.5, y: 1 }, { p: 0.5, y: 0 }]), 0.25)
  })

  it("is NaN with no forecasts", () => {
    assert.isNaN(brier([]))
  })
})

describe("logLoss", () => {
  it("is the mean negative log-likelihood", () => {
    assert.closeTo(logLoss([{ p: 0.8, y: 1 }, { p: 0.3, y: 0 }]), -(Math.log(0.8) + Math.log(0.7)) / 2, 1e-15)
    assert.closeTo(logLoss([{ p: 0.5, y: 1 }]), Math.LN2, 1e-15)
  })

  it("clips certain wrong forecasts at 1e-6", () => {
    assert.closeTo(logLoss([{ p: 0, y: 1 }]), -Math.log(1e-6), 1e-9)
  })
})

describe("calibration", () => {
  it("bins by 5% and weights the absolute gaps by count", () => {
    const forecasts = [
      { p: 0.12, y: 0 },
      { p: 0.14, y: 1 },
      { p: 0.81, y: 1 },
      { p: 0.83, y: 1 }
    ]
    const c = calibration(forecasts)
    assert.strictEqual(c.bins.length, 2)
    const [low, high] = c.bins
    assert.strictEqual(low!.count, 2)
    assert.closeTo(low!.lower, 0.1, 1e-12)
    assert.closeTo(low!.meanPredicted, 0.13, 1e-12)
    assert.strictEqual(low!.observed, 0.5)
    assert.closeTo(high!.meanPredicted, 0.82, 1e-12)
    assert.closeTo(c.error, 0.5 * 0.37 + 0.5 * 0.18, 1e-12)
  })

  it("puts p = 1 in the top bin", () => {
    assert.closeTo(calibration([{ p: 1, y: 1 }]).bins[0]!.lower, 0.95, 1e-12)
  })

  it("reports the sampling-noise floor of a calibrated forecaster", () => {
    // 100 forecasts at 0.5: floor = √(2/π)·√(100·0.25)/100
    const c = calibration(Array.from({ length: 100 }, (_, i) => ({ p: 0.5, y: i % 2 })))
    assert.closeTo(c.noiseFloor, Math.sqrt(2 / Math.PI) * 0.05, 1e-12)
    assert.closeTo(c.error, 0, 1e-12)
  })
})

describe("calibrationByGame", () => {
  // Two games of ten states at 0.7: one won, one lost. Observed 0.5 against 0.7 predicted
  const games = [
    Array.from({ length: 10 }, () => ({ p: 0.7, y: 1 })),
    Array.from({ length: 10 }, () => ({ p: 0.7, y: 0 }))
  ]

  it("gives the same error as the pooled states", () => {
    const c = calibrationByGame(games)
    assert.closeTo(c.error, 0.2, 1e-12)
    assert.closeTo(c.error, calibration(games.flat()).error, 1e-15)
  })

  it("takes games, not states, as the unit of the noise floor", () => {
    const c = calibrationByGame(games)
    // Residual sums per game: 10·0.3 and 10·(−0.7); √(3² + 7²) / 20 against √(20·0.21) / 20
    assert.closeTo(c.noiseFloor, Math.sqrt(2 / Math.PI) * Math.sqrt(58) / 20, 1e-12)
    assert.closeTo(c.independentNoiseFloor, Math.sqrt(2 / Math.PI) * Math.sqrt(20 * 0.21) / 20, 1e-12)
    assert.isAbove(c.noiseFloor, 3 * c.independentNoiseFloor)
  })

  it("is the independent floor when every game has one state", () => {
    const one = games.flat().map((f) => [f])
    const c = calibrationByGame(one)
    // Σ (y − p)² over 10 wins and 10 losses at 0.7: 10·0.09 + 10·0.49
    assert.closeTo(c.noiseFloor, Math.sqrt(2 / Math.PI) * Math.sqrt(5.8) / 20, 1e-12)
  })
})

describe("tailAudit", () => {
  it("counts forecasts at or beyond 1% and 99% and how often they happened", () => {
    const audit = tailAudit([{ p: 0.005, y: 1 }, { p: 0.01, y: 0 }, { p: 0.5, y: 1 }, { p: 0.995, y: 1 }])
    assert.deepStrictEqual(audit, { threshold: 0.01, low: { count: 2, happened: 1 }, high: { count: 1, happened: 1 } })
  })
})

describe("score", () => {
  it("bundles the metrics", () => {
    const s = score([{ p: 0.7, y: 1 }, { p: 0.2, y: 0 }])
    assert.strictEqual(s.n, 2)
    assert.closeTo(s.brier, (0.09 + 0.04) / 2, 1e-15)
  })
})

describe("bootstrapMean", () => {
  it("is reproducible under a seed and brackets the mean", () => {
    const values = Array.from({ length: 200 }, (_, i) => Math.sin(i))
    const a = bootstrapMean(values, 500, 7)
    const b = bootstrapMean(values, 500, 7)
    assert.deepStrictEqual(a, b)
    assert.isBelow(a.lower, a.mean)
    assert.isAbove(a.upper, a.mean)
  })

  it("uses a uniform generator in [0, 1)", () => {
    const next = seededRandom(42)
    const xs = Array.from({ length: 10_000 }, next)
    assert.isTrue(xs.every((x) => x >= 0 && x < 1))
    assert.closeTo(xs.reduce((s, x) => s + x, 0) / xs.length, 0.5, 0.02)
  })
})
