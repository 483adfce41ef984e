import { assert, describe, it } from "@effect/vitest"
import type { GameState } from "../../../../src/schema/GameState.ts"
import { evaluateSummaries, withSecondHalfKickoff } from "../../../../src/domain/winprob/eval/SummaryEval.ts"
import { noPrior } from "../../../../src/domain/winprob/prior/Priors.ts"
import { estimate } from "../../../../src/domain/winprob/WinProb.ts"
import { stateOf } from "../States.ts"

const nba = (home: number, away: number, secondsRemaining: number, status: GameState["status"] = "in_progress") =>
  stateOf("nba", home, away, { period: 4, secondsRemaining, status })

describe("evaluateSummaries", () => {
  const plays = [
    { state: nba(0, 0, 2880), espnHomeWinProbability: 0.6 },
    { state: nba(50, 40, 1440), espnHomeWinProbability: 0.8 },
    { state: nba(90, 92, 120) },
    { state: nba(101, 99, 0, "final"), espnHomeWinProbability: 1 }
  ]
  const report = evaluateSummaries([{ label: "g1", plays, result: { winner: "home", homeScore: 101, awayScore: 99 }, prior: noPrior("nba") }], 0.01)
  const game = report.games[0]!

  it("skips final states and compares on the states where ESPN has a probability", () => {
    assert.strictEqual(game.states, 3)
    assert.strictEqual(game.finalStatesSkipped, 1)
    assert.strictEqual(game.vsEspn!.states, 2)
    assert.closeTo(game.vsEspn!.espn.brier, (0.4 ** 2 + 0.2 ** 2) / 2, 1e-15)
    const ours = [plays[0]!, plays[1]!].map((p) => estimate(p.state, noPrior("nba"), 0.01).probability.home)
    assert.closeTo(game.vsEspn!.ours.brier, ((ours[0]! - 1) ** 2 + (ours[1]! - 1) ** 2) / 2, 1e-15)
    assert.closeTo(game.vsEspn!.relativeBrier, game.vsEspn!.ours.brier / game.vsEspn!.espn.brier - 1, 1e-15)
  })

  it("says the prior was missing and also runs with ESPN's opening probability as prior", () => {
    assert.strictEqual(game.prior.source, "none")
    assert.strictEqual(game.withEspnOpeningPrior!.states, 2)
    assert.strictEqual(report.pooled.states, 3)
  })
})

describe("withSecondHalfKickoff", () => {
  it("gives the second-half kickoff to the side that did not receive the opening kickoff", () => {
    const first = stateOf("nfl", 0, 0, { period: 1, secondsRemaining: 3600, possession: "away", football: { down: 1, distance: 10, yardsToEndzone: 75 } })
    const later = stateOf("nfl", 7, 0, { period: 2, secondsRemaining: 2000, possession: "home" })
    const out = withSecondHalfKickoff([{ state: first }, { state: later }])
    assert.strictEqual(out[0]!.state.football!.secondHalfKickoff, "home")
    assert.strictEqual(out[1]!.state.football!.secondHalfKickoff, "home")
    const nbaPlays = [{ state: nba(0, 0, 2880) }]
    assert.strictEqual(withSecondHalfKickoff(nbaPlays), nbaPlays)
  })
})
