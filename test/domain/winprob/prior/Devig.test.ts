import { assert, describe, it } from "@effect/vitest"
import { additive, autoMethod, devig, impliedFromAmerican, impliedFromDecimal, multiplicative, power, shin, shinWithZ } from "../../../../src/domain/winprob/prior/Devig.ts"

const sum = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0)

describe("implied probabilities", () => {
  it("convert American odds (WINPROB.md §3.3)", () => {
    assert.closeTo(impliedFromAmerican(-150)!, 0.6, 1e-15)
    assert.closeTo(impliedFromAmerican(130)!, 100 / 230, 1e-15)
    assert.strictEqual(impliedFromAmerican(100), 0.5)
    assert.strictEqual(impliedFromAmerican(-100), 0.5)
  })

  it("reject values that are not American odds", () => {
    assert.isUndefined(impliedFromAmerican(50))
    assert.isUndefined(impliedFromAmerican(Number.NaN))
  })

  it("convert decimal odds", () => {
    assert.strictEqual(impliedFromDecimal(2.5), 0.4)
    assert.isUndefined(impliedFromDecimal(1))
  })
})

describe("devig methods", () => {
  const lopsided = [impliedFromAmerican(-300)!, impliedFromAmerican(240)!]

  it("multiplicative: −300/+240 → 71.84% / 28.16% (betherosports example)", () => {
    const [fav, dog] = multiplicative(lopsided)
    // 0.75 / (0.75 + 0.2941) = 0.71831; the source rounds to 71.84%
    assert.closeTo(fav!, 0.7184, 2e-4)
    assert.closeTo(dog!, 0.2816, 2e-4)
  })

  it("additive subtracts the overround evenly", () => {
    const p = additive([0.55, 0.5])
    assert.closeTo(p[0]!, 0.525, 1e-15)
    assert.closeTo(p[1]!, 0.475, 1e-15)
  })

  it("power and Shin sum to 1 and take more off the long shot than multiplicative", () => {
    const m = multiplicative(lopsided)
    for (const p of [power(lopsided), shin(lopsided)]) {
      assert.closeTo(sum(p), 1, 1e-12)
      assert.isAbove(p[0]!, m[0]!)
      assert.isBelow(p[1]!, m[1]!)
    }
  })

  it("Shin recovers the true probabilities its own model generates", () => {
    // Shin's bookmaker quotes π_i = s_i·Σs with s_i = √(z·p_i + (1 − z)·p_i²); the inversion must
    // return p and z
    const truth = [0.6, 0.25, 0.15]
    const z = 0.03
    const raw = truth.map((p) => Math.sqrt(z * p + (1 - z) * p * p))
    const total = sum(raw)
    const implied = raw.map((q) => q * total)
    const { probabilities, z: fitted } = shinWithZ(implied)
    probabilities.forEach((p, i) => assert.closeTo(p, truth[i]!, 1e-9))
    assert.closeTo(fitted, z, 1e-9)
  })

  it("has no overround to remove from fair prices", () => {
    const fair = [0.6, 0.4]
    for (const p of [multiplicative(fair), power(fair), shin(fair)]) {
      assert.closeTo(p[0]!, 0.6, 1e-9)
      assert.closeTo(p[1]!, 0.4, 1e-9)
    }
  })
})

describe("devig", () => {
  it("auto: multiplicative for balanced two-way lines, Shin for lopsided or three-way ones", () => {
    assert.strictEqual(autoMethod([impliedFromAmerican(-150)!, impliedFromAmerican(130)!]), "multiplicative")
    assert.strictEqual(autoMethod(lopsidedLine), "shin")
    assert.strictEqual(autoMethod([0.5, 0.3, 0.25]), "shin")
    const r = devig([impliedFromAmerican(-150)!, impliedFromAmerican(130)!])
    assert.strictEqual(r.method, "multiplicative")
    assert.closeTo(r.overround, 0.6 + 100 / 230 - 1, 1e-15)
  })

  it("rejects fewer than two prices or prices outside (0, 1)", () => {
    assert.throws(() => devig([0.5]))
    assert.throws(() => devig([0.5, 1.2]))
  })
})

const lopsidedLine = [impliedFromAmerican(-600)!, impliedFromAmerican(420)!]
