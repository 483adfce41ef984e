import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import { decodeSpreadFile, evaluateSpreads } from "../../../../src/domain/winprob/eval/SpreadsEval.ts"
import { brier } from "../../../../src/domain/winprob/Metrics.ts"
import { gaussianWin, keyNumberWin, tieAwareWin } from "../../../../src/domain/winprob/prior/Spread.ts"

const nfl = [
  "Home/Away,Favorite_Points,Underdog_Points,Pointspread,Favorite_Name,Underdog_name,Year,Week,Weekday,Overtime",
  "away,27,24,4.0,BUF,MIA,89,1,,",
  "at_home,17,14,3.0,CHI,CIN,89,1,,",
  "at_home,10,13,6.5,NO,DAL,90,1,,",
  "away,20,20,1.0,NYG,PHI,90,2,,yes",
  "at_home,31,7,10.0,SF,LA,91,2,,",
  "away,3,21,2.5,KC,DEN,91,3,,"
].join("\n")

describe("spread files", () => {
  it("recognises the NFL file and scores the production prior from the favourite's side", () => {
    const file = Result.getOrThrow(decodeSpreadFile(nfl))
    assert.strictEqual(file.sport, "nfl")
    assert.strictEqual(file.games.length, 6)
    const report = evaluateSpreads(file)
    const expected = brier([
      { p: keyNumberWin(4), y: 1 },
      { p: keyNumberWin(3), y: 1 },
      { p: keyNumberWin(6.5), y: 0 },
      { p: keyNumberWin(1), y: 0.5 },
      { p: keyNumberWin(10), y: 1 },
      { p: keyNumberWin(2.5), y: 0 }
    ])
    assert.closeTo(report.production.scores.brier, expected, 1e-15)
    assert.deepStrictEqual(report.crossValidated.folds.map((f) => f.heldOut), ["1989", "1990", "1991"])
    assert.strictEqual(report.targetBrier, 0.21)
  })

  it("fits σ for cross-validation on the other folds only", () => {
    const report = evaluateSpreads(Result.getOrThrow(decodeSpreadFile(nfl)))
    // Held out 1989: σ from the 1990 and 1991 residuals (−9.5, −1, 14, −20.5)
    const sigma = Math.sqrt((9.5 ** 2 + 1 + 14 ** 2 + 20.5 ** 2) / 4)
    assert.closeTo(report.crossValidated.folds[0]!.sigma, sigma, 1e-12)
    const first = report.crossValidated.scores
    assert.strictEqual(first.n, 6)
    assert.isAbove(tieAwareWin(4, sigma), 0.5)
  })

  it("recognises the NCAAB file and splits it in halves", () => {
    const text = [
      "rownames,favscr,undscr,spread,favhome,neutral,fav25,und25,fregion,uregion,scrdiff,sprdcvr,favwin",
      "1,72,61,7,0,0,1,0,3,4,11,1,1",
      "2,82,74,7,1,0,0,0,3,1,8,1,1",
      "3,69,70,9,1,0,0,0,3,3,-1,0,0",
      "4,60,50,2.5,0,1,0,0,1,1,10,1,1"
    ].join("\n")
    const file = Result.getOrThrow(decodeSpreadFile(text))
    assert.strictEqual(file.sport, "ncaab")
    assert.deepStrictEqual(file.games.map((g) => g.fold), ["first half", "first half", "second half", "second half"])
    const report = evaluateSpreads(file)
    assert.closeTo(report.production.scores.brier, brier([{ p: gaussianWin(7, 10.5), y: 1 }, { p: gaussianWin(7, 10.5), y: 1 }, { p: gaussianWin(9, 10.5), y: 0 }, { p: gaussianWin(2.5, 10.5), y: 1 }]), 1e-15)
  })

  it("rejects a file of another kind and reports bad rows", () => {
    assert.isTrue(Result.isFailure(decodeSpreadFile("a,b\n1,2\n")))
    const withBad = Result.getOrThrow(decodeSpreadFile(`${nfl}\nhome,1,2,3,X,Y,89,1,,`))
    assert.strictEqual(withBad.rejected.length, 1)
    assert.strictEqual(withBad.rejected[0]!.line, 8)
  })
})
