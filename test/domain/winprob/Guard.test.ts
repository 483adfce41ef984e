import { assert, describe, it } from "@effect/vitest"
import { guard } from "../../../src/domain/winprob/Guard.ts"

describe("guard", () => {
  it("leaves probabilities inside the bound alone", () => {
    const raw = { home: 0.7, draw: 0, away: 0.3 }
    const g = guard(raw, 0.01)
    assert.deepStrictEqual(g.probability, raw)
    assert.deepStrictEqual(g.tails, [])
  })

  it("clamps a two-way tail to [bound, 1 − bound] and reports both sides", () => {
    const g = guard({ home: 0.9995, draw: 0, away: 0.0005 }, 0.01, ["home", "away"])
    assert.closeTo(g.probability.home, 0.99, 1e-12)
    assert.closeTo(g.probability.away, 0.01, 1e-12)
    assert.strictEqual(g.probability.draw, 0)
    assert.deepStrictEqual(g.tails.map((t) => `${t.outcome}:${t.side}`), ["home:high", "away:low"])
    assert.strictEqual(g.raw.away, 0.0005)
  })

  it("keeps three-way outcomes inside the bound and summing to 1", () => {
    const g = guard({ home: 0.985, draw: 0.012, away: 0.003 }, 0.01, ["home", "draw", "away"])
    const p = g.probability
    assert.closeTo(p.home + p.draw + p.away, 1, 1e-12)
    assert.isAtLeast(p.away, 0.01 - 1e-12)
    assert.isAtLeast(p.draw, 0.01 - 1e-12)
    assert.isAtMost(p.home, 0.99 + 1e-12)
  })

  it("never invents a draw in a sport without one", () => {
    const g = guard({ home: 0.999, draw: 0, away: 0.001 }, 0.02, ["home", "away"])
    assert.strictEqual(g.probability.draw, 0)
    assert.closeTo(g.probability.home, 0.98, 1e-12)
  })

  it("rejects a bound that cannot hold", () => {
    assert.throws(() => guard({ home: 0.5, draw: 0, away: 0.5 }, 0.5))
  })
})
