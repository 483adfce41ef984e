import { assert, describe, it } from "@effect/vitest"
import { eloGamePrior, teamEloParameters, walkForwardElo } from "../../../../src/domain/winprob/prior/TeamElo.ts"

const game = (eventId: string, day: number, home: string, away: string, homeScore: number, awayScore: number, season = 2019) => ({
  eventId,
  season,
  startTime: Date.UTC(season, 8, day),
  home,
  away,
  homeScore,
  awayScore
})

describe("walk-forward team Elo", () => {
  it("rates each game only from the games before it", () => {
    const rated = walkForwardElo([game("2", 8, "A", "C", 30, 10), game("1", 1, "A", "B", 35, 7), game("3", 15, "C", "A", 0, 0)])
    // First game: two new teams, only the home edge
    assert.closeTo(rated.get("1")!.home, 1 / (1 + 10 ** (-teamEloParameters.homeAdvantage / 400)), 1e-12)
    assert.strictEqual(rated.get("1")!.ratedResults, 0)
    // A has won once: favoured at home over a new team, and an underdog on the road only if the edge outweighs its rating
    assert.isAbove(rated.get("2")!.home, rated.get("1")!.home)
    assert.strictEqual(rated.get("3")!.ratedResults, 2)
    assert.isBelow(rated.get("3")!.home, 0.5)
  })

  it("pulls ratings a third of the way back between seasons", () => {
    const within = walkForwardElo([game("1", 1, "A", "B", 50, 0), game("2", 8, "A", "B", 0, 0)])
    const across = walkForwardElo([game("1", 1, "A", "B", 50, 0), game("2", 8, "A", "B", 0, 0, 2020)])
    assert.isBelow(across.get("2")!.home, within.get("2")!.home)
    assert.isAbove(across.get("2")!.home, walkForwardElo([game("2", 8, "A", "B", 0, 0)]).get("2")!.home)
  })

  it("reports its source with the prior", () => {
    const prior = eloGamePrior({ home: 0.62, ratedResults: 40 })
    assert.strictEqual(prior.source, "elo")
    assert.strictEqual(prior.detail, "walk-forward Elo from 40 earlier results")
    assert.closeTo(prior.home, 0.62, 1e-12)
  })
})
