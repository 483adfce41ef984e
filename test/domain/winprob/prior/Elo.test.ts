import { assert, describe, it } from "@effect/vitest"
import { finish } from "../../../../src/domain/winprob/Goals.ts"
import { seededRandom } from "../../../../src/domain/winprob/Metrics.ts"
import { eloGoalModels, eloPrior, eloRates, expectedResult, fitEloGoalModels, fitEloGoals, goalMultiplier, isFriendly, kFactor, type RatedMatch, rateMatches } from "../../../../src/domain/winprob/prior/Elo.ts"

describe("World Football Elo", () => {
  it("weights competitions and margins as eloratings.net does", () => {
    assert.strictEqual(kFactor("FIFA World Cup"), 60)
    assert.strictEqual(kFactor("UEFA Euro"), 50)
    assert.strictEqual(kFactor("FIFA World Cup qualification"), 40)
    assert.strictEqual(kFactor("UEFA Nations League"), 40)
    assert.strictEqual(kFactor("Gulf Cup"), 30)
    assert.strictEqual(kFactor("Friendly"), 20)
    assert.deepStrictEqual([0, 1, 2, 3, 4, 6].map(goalMultiplier), [1, 1, 1.5, 1.75, 1.875, 2.125])
    assert.strictEqual(expectedResult(0), 0.5)
    assert.closeTo(expectedResult(400), 10 / 11, 1e-15)
  })

  it("rates walk-forward: a match sees only the ratings before it, with home advantage", () => {
    const { rated, ratings } = rateMatches([
      { date: "2001-01-01", home: "A", away: "B", homeGoals: 1, awayGoals: 0, tournament: "Friendly", neutral: false },
      { date: "2001-02-01", home: "B", away: "A", homeGoals: 2, awayGoals: 2, tournament: "Friendly", neutral: true }
    ])
    assert.strictEqual(rated[0]!.difference, 100)
    const change = 20 * (1 - expectedResult(100))
    assert.closeTo(rated[1]!.homeRating, 1500 - change, 1e-12)
    assert.closeTo(rated[1]!.difference, -2 * change, 1e-12)
    // A draw moves the higher-rated side down
    assert.isBelow(ratings.get("A")!, 1500 + change)
  })
})

describe("fitEloGoals", () => {
  it("finds the Poisson maximum likelihood (the score equations vanish) and recovers the truth", () => {
    const random = seededRandom(3)
    const poisson = (mean: number) => {
      let k = 0
      let p = Math.exp(-mean)
      let cdf = p
      const u = random()
      while (u > cdf) {
        k++
        p *= mean / k
        cdf += p
      }
      return k
    }
    const truth = { homeIntercept: 0.3, homeSlope: 0.8, awayIntercept: 0.1, awaySlope: 0.9 }
    const matches: Array<RatedMatch> = Array.from({ length: 20_000 }, (_, i) => {
      const difference = -600 + (i % 1201)
      const r = eloRates(difference, truth)
      return { date: "2000-01-01", home: "H", away: "A", homeGoals: poisson(r.home), awayGoals: poisson(r.away), tournament: "Friendly", neutral: false, homeRating: 0, awayRating: 0, difference }
    })
    const fit = fitEloGoals(matches)
    let g0 = 0
    let g1 = 0
    for (const m of matches) {
      const mu = Math.exp(fit.homeIntercept + (fit.homeSlope * m.difference) / 400)
      g0 += m.homeGoals - mu
      g1 += ((m.homeGoals - mu) * m.difference) / 400
    }
    assert.closeTo(g0, 0, 1e-6)
    assert.closeTo(g1, 0, 1e-6)
    assert.closeTo(fit.homeSlope, 0.8, 0.03)
    assert.closeTo(fit.awaySlope, 0.9, 0.03)
    assert.closeTo(fit.homeIntercept, 0.3, 0.03)
  })
})

describe("eloPrior", () => {
  it("gives three-way probabilities and the goal rates, flagged as an Elo prior", () => {
    const p = eloPrior(250, false)
    const r = eloRates(250, eloGoalModels.competitive)
    const f = finish(0, r.home, r.away)
    assert.strictEqual(p.source, "elo")
    assert.deepStrictEqual(p.rates, r)
    assert.closeTo(p.home, f.home, 1e-12)
    assert.closeTo(p.draw, f.level, 1e-12)
    assert.isAbove(p.home, p.away)
    assert.isBelow(eloPrior(-250, false).home, eloPrior(0, false).home)
  })

  it("trusts the rating less in a friendly", () => {
    assert.isBelow(eloPrior(300, true).home, eloPrior(300, false).home)
    assert.isTrue(isFriendly("Friendly"))
    assert.isFalse(isFriendly("FIFA World Cup"))
  })
})

describe("fitEloGoalModels", () => {
  it("fits friendlies and competitive matches separately", () => {
    const m = (difference: number, tournament: string, homeGoals: number, awayGoals: number): RatedMatch => ({ date: "2000-01-01", home: "H", away: "A", homeGoals, awayGoals, tournament, neutral: false, homeRating: 0, awayRating: 0, difference })
    const matches = [m(200, "Friendly", 1, 1), m(-200, "Friendly", 1, 1), m(200, "Gulf Cup", 2, 1), m(-200, "Gulf Cup", 1, 2)]
    const fit = fitEloGoalModels(matches)
    assert.closeTo(fit.friendly.homeSlope, 0, 1e-9)
    assert.closeTo(fit.competitive.homeSlope, Math.LN2, 1e-9)
    assert.closeTo(fit.competitive.awaySlope, Math.LN2, 1e-9)
  })
})
