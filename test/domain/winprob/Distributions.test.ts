import { assert, describe, it } from "@effect/vitest"
import { bisect, logistic, logit, normalCdf, normalQuantile, poissonPmf, skellam } from "../../../src/domain/winprob/Distributions.ts"

describe("normalCdf", () => {
  it("matches reference values to double precision, tails included", () => {
    // Reference values from the error function (e.g. scipy.stats.norm.cdf)
    assert.closeTo(normalCdf(0), 0.5, 1e-15)
    assert.closeTo(normalCdf(1), 0.8413447460685429, 1e-14)
    assert.closeTo(normalCdf(-1.959963984540054), 0.025, 1e-14)
    assert.closeTo(normalCdf(-3) / 0.0013498980316300933, 1, 1e-12)
    assert.closeTo(normalCdf(-8) / 6.22096057427174e-16, 1, 1e-7)
    assert.strictEqual(normalCdf(-40), 0)
    assert.strictEqual(normalCdf(40), 1)
  })

  it("is symmetric", () => {
    for (const x of [0.1, 0.7, 2.3, 5.5]) assert.closeTo(normalCdf(x) + normalCdf(-x), 1, 1e-15)
  })
})

describe("normalQuantile", () => {
  it("inverts normalCdf", () => {
    assert.closeTo(normalQuantile(0.975), 1.959963984540054, 1e-12)
    for (const p of [1e-10, 1e-4, 0.02, 0.3, 0.5, 0.8, 0.99, 1 - 1e-9]) assert.closeTo(normalCdf(normalQuantile(p)), p, Math.max(1e-15, p * 1e-10))
  })

  it("returns the infinities at 0 and 1 and rejects the rest", () => {
    assert.strictEqual(normalQuantile(0), -Infinity)
    assert.strictEqual(normalQuantile(1), Infinity)
    assert.throws(() => normalQuantile(1.5))
  })
})

describe("logit and logistic", () => {
  it("are inverses and do not overflow", () => {
    assert.closeTo(logistic(logit(0.73)), 0.73, 1e-15)
    assert.strictEqual(logistic(-1000), 0)
    assert.strictEqual(logistic(1000), 1)
  })
})

describe("poissonPmf", () => {
  it("sums to 1 and has the right mean", () => {
    const p = poissonPmf(2.7)
    const total = p.reduce((a, b) => a + b, 0)
    const mean = p.reduce((a, b, k) => a + b * k, 0)
    assert.closeTo(total, 1, 1e-12)
    assert.closeTo(mean, 2.7, 1e-10)
    assert.closeTo(p[0]!, Math.exp(-2.7), 1e-16)
  })

  it("handles a zero mean", () => {
    assert.strictEqual(poissonPmf(0)[0], 1)
  })
})

describe("skellam", () => {
  it("gives the difference distribution of two Poissons", () => {
    const { lowest, probabilities } = skellam(1.5, 1.0)
    const at = (k: number) => probabilities[k - lowest]!
    // P(X − Y = 0) = Σ P(X=k)P(Y=k)
    const px = poissonPmf(1.5)
    const py = poissonPmf(1.0)
    let zero = 0
    for (let k = 0; k < Math.min(px.length, py.length); k++) zero += px[k]! * py[k]!
    assert.closeTo(at(0), zero, 1e-15)
    const mean = probabilities.reduce((a, b, i) => a + b * (i + lowest), 0)
    assert.closeTo(mean, 0.5, 1e-10)
  })
})

describe("bisect", () => {
  it("finds a root and falls back to the nearer bound when there is none", () => {
    assert.closeTo(bisect((x) => x * x - 2, 0, 2), Math.SQRT2, 1e-9)
    assert.strictEqual(bisect((x) => x + 10, 0, 1), 0)
  })
})
