import { assert, describe, it } from "@effect/vitest"
import { expectedResult } from "../../../../src/domain/winprob/prior/Elo.ts"
import { priorFromOdds } from "../../../../src/domain/winprob/prior/Priors.ts"
import { finalRatings } from "../../../../src/domain/winprob/prior/TeamElo.ts"
import { livePrior, ratingPrior, seasonOf, type TeamRatingsFile, withResults } from "../../../../src/domain/winprob/prior/TeamRatings.ts"
import type { TeamId } from "../../../../src/schema/Ids.ts"
import { stateOf } from "../States.ts"

const file: TeamRatingsFile = {
  sport: "ncaaf",
  method: "test",
  parameters: { k: 25, homeAdvantage: 55, seasonCarry: 2 / 3 },
  sources: ["test"],
  results: 3,
  through: "2022-12-01",
  ratings: { "61": { rating: 1800, season: 2022 }, "333": { rating: 1650, season: 2022 } }
}

const game = (home: string, away: string, startTime = Date.UTC(2022, 9, 1), extra = {}) =>
  stateOf("ncaaf", 0, 0, { startTime, home: { teamId: home as TeamId, abbreviation: "H", name: "H", score: 0 }, away: { teamId: away as TeamId, abbreviation: "A", name: "A", score: 0 }, ...extra })

describe("team-rating prior", () => {
  it("counts a January bowl in the season that began the August before", () => {
    assert.strictEqual(seasonOf("ncaaf", Date.UTC(2023, 0, 9)), 2022)
    assert.strictEqual(seasonOf("ncaaf", Date.UTC(2022, 7, 27)), 2022)
    assert.strictEqual(seasonOf("nfl", Date.UTC(2023, 0, 9)), 2023)
  })

  it("gives the Elo expectation with the home edge, in the ratings' own season", () => {
    const prior = ratingPrior(file, game("61", "333"))!
    assert.strictEqual(prior.source, "elo")
    assert.closeTo(prior.home, expectedResult(1800 + 55 - 1650), 1e-12)
    assert.include(prior.detail, "team Elo 1800 v 1650 + home 55 for 2022")
    assert.include(prior.detail, "3 results through 2022-12-01")
  })

  it("gives no home edge at a neutral site, as the ratings were fitted", () => {
    const prior = ratingPrior(file, game("61", "333", Date.UTC(2022, 9, 1), { neutralSite: true }))!
    assert.closeTo(prior.home, expectedResult(1800 - 1650), 1e-12)
    assert.include(prior.detail, "team Elo 1800 v 1650 + neutral site for 2022")
  })

  it("carries old ratings toward 1500, a third of the way per season", () => {
    const prior = ratingPrior(file, game("61", "333", Date.UTC(2024, 9, 1)))!
    const carry = (r: number) => 1500 + (r - 1500) * (2 / 3) ** 2
    assert.closeTo(prior.home, expectedResult(carry(1800) + 55 - carry(1650)), 1e-12)
    assert.include(prior.detail, "for 2024")
  })

  it("gives no rating prior for an unrated team or another sport", () => {
    assert.isUndefined(ratingPrior(file, game("61", "9999")))
    assert.isUndefined(ratingPrior(file, { ...game("61", "333"), sport: "nfl" }))
  })

  it("ships final ratings that reproduce a walk-forward replay", () => {
    const ratings = finalRatings([
      { eventId: "1", season: 2022, startTime: 1, home: "A", away: "B", homeScore: 21, awayScore: 7 },
      { eventId: "2", season: 2022, startTime: 2, home: "B", away: "A", homeScore: 14, awayScore: 14 }
    ])
    // A 14-point home win moves K·ln(15)·(1 − E); the draw that follows has margin 0 and moves nothing
    const first = 25 * Math.log(15) * (1 - expectedResult(55))
    assert.closeTo(ratings.get("A")!.rating, 1500 + first, 1e-9)
    assert.closeTo(ratings.get("B")!.rating, 1500 - first, 1e-9)
    assert.strictEqual(ratings.get("B")!.season, 2022)
  })
})

describe("ratings carried forward", () => {
  const result = (eventId: string, day: string, home: string, away: string, homeScore: number, awayScore: number) => {
    const startTime = Date.parse(`${day}T19:00:00Z`)
    return { eventId, season: seasonOf("ncaaf", startTime), startTime, home, away, homeScore, awayScore }
  }

  it("moves the ratings by the games seen finish after the file's last result, and says so", () => {
    const upset = result("9", "2023-09-02", "61", "333", 10, 30)
    const carried = withResults(file, [result("8", "2022-12-01", "61", "333", 0, 50), upset], "arbees games table")
    // The result on the file's own last date may already be in it: left out
    assert.strictEqual(carried.results, 4)
    assert.strictEqual(carried.through, "2023-09-02")
    assert.deepStrictEqual(carried.sources, ["test", "arbees games table (1 results)"])
    // One game in the next season: both carried a third of the way back, then the upset's move
    const expected = finalRatings([upset], file.parameters, new Map(Object.entries(file.ratings)))
    assert.closeTo(carried.ratings["61"]!.rating, expected.get("61")!.rating, 1e-9)
    assert.isBelow(carried.ratings["61"]!.rating, 1500 + (1800 - 1500) * (2 / 3))
    assert.strictEqual(carried.ratings["61"]!.season, 2023)
    assert.include(ratingPrior(carried, game("61", "333", Date.UTC(2023, 9, 1)))!.detail, "4 results through 2023-09-02")
  })

  it("is the file itself when nothing finished after it", () => {
    assert.strictEqual(withResults(file, [result("8", "2022-11-30", "61", "333", 0, 50)], "x"), file)
  })
})

describe("live prior precedence", () => {
  const odds = { provider: "test", homeMoneyline: -200, awayMoneyline: 170 }

  it("uses the line when the state carries one", () => {
    const prior = livePrior(undefined, game("61", "333", undefined, { odds }), [file])
    assert.strictEqual(prior.source, "moneyline")
  })

  it("uses the team rating when there is no line, and the home edge when neither team pair is rated", () => {
    assert.strictEqual(livePrior(undefined, game("61", "333"), [file]).source, "elo")
    const none = livePrior(undefined, game("61", "9999"), [file])
    assert.strictEqual(none.source, "none")
    assert.isAbove(none.home, 0.5)
    assert.strictEqual(livePrior(undefined, game("61", "9999", undefined, { neutralSite: true }), [file]).home, 0.5)
  })

  it("replaces a rating when a line arrives, and never replaces a line", () => {
    const rated = livePrior(undefined, game("61", "333"), [file])
    const lined = livePrior(rated, game("61", "333", undefined, { odds }), [file])
    assert.strictEqual(lined.source, "moneyline")
    assert.deepStrictEqual(livePrior(lined, game("61", "333"), [file]), lined)
    assert.deepStrictEqual(lined, priorFromOdds("ncaaf", odds))
  })

  it("keeps a rating prior from one state to the next", () => {
    const rated = livePrior(undefined, game("61", "333"), [file])
    assert.strictEqual(livePrior(rated, game("61", "333"), []), rated)
  })
})
