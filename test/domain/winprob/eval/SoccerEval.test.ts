import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import { evaluateSoccer, type SoccerGoal, type SoccerResult } from "../../../../src/domain/winprob/eval/SoccerEval.ts"
import { decodeSpreadFile, evaluateSpreads } from "../../../../src/domain/winprob/eval/SpreadsEval.ts"
import { finish } from "../../../../src/domain/winprob/Goals.ts"
import { priorOf } from "../../../../src/domain/winprob/prior/Prior.ts"
import { remainingShare, soccer } from "../../../../src/domain/winprob/Soccer.ts"
import { stateOf } from "../States.ts"

const result = (date: string, home: string, away: string, hs: number, as: number): SoccerResult => ({
  date,
  home_team: home,
  away_team: away,
  home_score: hs,
  away_score: as,
  tournament: "Friendly",
  neutral: false
})
const goal = (date: string, home: string, away: string, team: string, minute: number | "NA"): SoccerGoal => ({ date, home_team: home, away_team: away, team, minute })

describe("evaluateSoccer", () => {
  // History before 2000 to rate the teams, then three matches to score
  const history = Array.from({ length: 60 }, (_, i) => result(`19${80 + (i % 20)}-0${1 + (i % 9)}-1${i % 10}`, i % 2 === 0 ? "A" : "B", i % 2 === 0 ? "B" : "A", i % 2 === 0 ? 3 : 0, i % 2 === 0 ? 0 : 2))
  const results = [
    ...history,
    result("2001-05-01", "A", "B", 2, 1),
    result("2002-05-01", "B", "A", 0, 1),
    result("2003-05-01", "A", "B", 1, 1),
    // Incomplete goal list: not evaluated
    result("2004-05-01", "A", "B", 2, 0),
    // A goal after minute 95: extra time, not evaluated
    result("2005-05-01", "A", "B", 1, 0)
  ]
  const goals = [
    goal("2001-05-01", "A", "B", "A", 10),
    goal("2001-05-01", "A", "B", "B", 50),
    goal("2001-05-01", "A", "B", "A", 88),
    goal("2002-05-01", "B", "A", "A", 30),
    goal("2003-05-01", "A", "B", "B", 45),
    goal("2003-05-01", "A", "B", "A", 80),
    goal("2004-05-01", "A", "B", "A", "NA"),
    goal("2004-05-01", "A", "B", "A", 20),
    goal("2005-05-01", "A", "B", "A", 110)
  ]
  const report = evaluateSoccer(results, goals)

  it("keeps complete, regulation-time matches from 2000 with a goal", () => {
    assert.strictEqual(report.data.evaluated, 3)
    assert.strictEqual(report.minutes.length, 6)
    assert.deepStrictEqual(report.minutes.map((m) => m.minute), [0, 30, 45, 60, 75, 85])
  })

  it("scores the state-only baseline exactly as WINPROB.md §1.5 defines it", () => {
    // Minute 45 (the goal at 45 counts): 1-0 and a home win; 0-1 and an away win; 0-1 and a draw
    const at45 = report.minutes.find((m) => m.minute === 45)!
    const s = remainingShare(45)
    const p = (lead: number) => finish(lead, 1.78 * s, 1.22 * s).home
    const expected = ((p(1) - 1) ** 2 + p(-1) ** 2 + p(-1) ** 2) / 3
    assert.closeTo(at45.stateOnly.brier, expected, 1e-12)
  })

  it("rates with Elo and reports the bootstrap interval of the difference", () => {
    const at0 = report.minutes[0]!
    assert.isAbove(at0.elo.n, 0)
    assert.isAtMost(at0.brierDifference.lower, at0.brierDifference.mean)
    assert.isAtLeast(at0.brierDifference.upper, at0.brierDifference.mean)
    assert.strictEqual(report.minutes[0]!.publishedBaselineBrier, 0.25)
  })

  it("is deterministic", () => {
    assert.deepStrictEqual(evaluateSoccer(results, goals), report)
  })

  it("gives the same report after a spreads evaluation and live soccer prices in the same process", () => {
    const spreads = Result.getOrThrow(decodeSpreadFile(["Home/Away,Favorite_Points,Underdog_Points,Pointspread,Year", "away,27,24,4.0,89", "at_home,10,13,6.5,90"].join("\n")))
    evaluateSpreads(spreads)
    // Priced priors go through the rates memo
    for (let i = 0; i < 40; i++) soccer(stateOf("soccer", 0, 0, { soccer: { minute: 10, stoppageMinutes: 0 } }), priorOf("market", { home: 0.3 + i / 200, draw: 0.27, away: 0.43 - i / 200 }, "memo"))
    assert.deepStrictEqual(evaluateSoccer(results, goals), report)
  })
})
