import { assert, describe, it } from "@effect/vitest"
import { finish, ratesForShare, ratesForThreeWay } from "../../../src/domain/winprob/Goals.ts"

describe("finish", () => {
  it("gives the Poisson result probabilities (state-only baseline at kick-off)", () => {
    // Independent Poisson(1.78) and Poisson(1.22): P(home) by direct double sum
    let home = 0
    let level = 0
    const pois = (k: number, m: number) => {
      let p = Math.exp(-m)
      for (let i = 1; i <= k; i++) p *= m / i
      return p
    }
    for (let i = 0; i < 30; i++) {
      for (let j = 0; j < 30; j++) {
        const p = pois(i, 1.78) * pois(j, 1.22)
        if (i > j) home += p
        else if (i === j) level += p
      }
    }
    const f = finish(0, 1.78, 1.22)
    assert.closeTo(f.home, home, 1e-12)
    assert.closeTo(f.level, level, 1e-12)
    assert.closeTo(f.home + f.level + f.away, 1, 1e-15)
  })

  it("is certain when nothing is left to play", () => {
    assert.deepStrictEqual(finish(1, 0, 0), { home: 1, level: 0, away: 0 })
    assert.deepStrictEqual(finish(0, 0, 0), { home: 0, level: 1, away: 0 })
  })
})

describe("rate solvers", () => {
  it("ratesForShare keeps the total and hits the home share of decided games", () => {
    const r = ratesForShare(0.65, 2.6)
    assert.closeTo(r.home + r.away, 2.6, 1e-9)
    const f = finish(0, r.home, r.away)
    assert.closeTo(f.home / (f.home + f.away), 0.65, 1e-8)
  })

  it("ratesForThreeWay reproduces a three-way price", () => {
    const r = ratesForThreeWay(0.5, 0.27, 0.23)
    const f = finish(0, r.home, r.away)
    assert.closeTo(f.home, 0.5, 1e-4)
    assert.closeTo(f.level, 0.27, 1e-4)
  })
})
