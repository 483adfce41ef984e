import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { eventIdOf, leagueOf, seasonOf, slimSummary } from "../../../../src/domain/winprob/eval/CorpusSlim.ts"
import type { League } from "../../../../src/schema/Sport.ts"
import { decodeSummary } from "../../../../src/services/espn/Summary.ts"
import { sharedDir } from "../../../services/espn/Fixtures.ts"

type Json = Record<string, unknown>
const fixture = (name: string): Json => JSON.parse(readFileSync(join(sharedDir, name), "utf8")) as Json

const decoded = (json: unknown, league: League) => {
  const r = decodeSummary(json, { league, observedAt: 0 })
  if (Result.isFailure(r)) throw new Error(r.failure.message)
  return r.success
}

const cases = [
  { name: "espn-nba-summary-401772994.json", league: "nba", season: 2025, eventId: "401772994" },
  { name: "espn-mlb-summary-401472463.json", league: "mlb", season: 2023, eventId: "401472463" },
  { name: "espn-nfl-summary-401547417.json", league: "nfl", season: 2023, eventId: "401547417" }
] as const

describe("corpus slimming", () => {
  for (const c of cases) {
    it(`keeps every state, probability and the line of a ${c.league} summary`, () => {
      const full = fixture(c.name)
      const slim = slimSummary(full)
      assert.isDefined(slim)
      assert.isBelow(JSON.stringify(slim).length, JSON.stringify(full).length / 2)
      assert.strictEqual(leagueOf(full), c.league)
      assert.strictEqual(seasonOf(full, c.name), c.season)
      assert.strictEqual(eventIdOf(full, c.name), c.eventId)
      const before = decoded(full, c.league)
      const after = decoded(JSON.parse(JSON.stringify(slim)), c.league)
      assert.isAbove(before.plays.length, 100)
      assert.deepStrictEqual(after.plays, before.plays)
      assert.deepStrictEqual(after.winProbability, before.winProbability)
      assert.deepStrictEqual(after.pregameOdds, before.pregameOdds)
      assert.deepStrictEqual(after.game.result, before.game.result)
      assert.deepStrictEqual(after.failures.length, before.failures.length)
    })
  }

  it("renames a source's espnWP and drops a summary with no probability", () => {
    const { winprobability, ...rest } = fixture("espn-nba-summary-401772994.json")
    const slim = slimSummary({ ...rest, espnWP: winprobability })
    assert.strictEqual((slim!["winprobability"] as Array<unknown>).length, (winprobability as Array<unknown>).length)
    assert.isUndefined(slimSummary(fixture("espn-nba-summary-pregame-predictor.json")))
    assert.isUndefined(slimSummary(rest))
    // Entries with no probability are dropped, and a summary of only those is left out
    const plays = [{ playId: "1" }, { playId: "2", homeWinPercentage: 0.6 }]
    assert.deepStrictEqual(slimSummary({ ...rest, winprobability: plays })!["winprobability"], [{ playId: "2", homeWinPercentage: 0.6 }])
    assert.isUndefined(slimSummary({ ...rest, winprobability: [{ playId: "1" }, { playId: "2", homeWinPercentage: null }] }))
  })

  it("takes the season from the path and the event from the file name when the header lacks them", () => {
    assert.strictEqual(seasonOf({}, "data/cfb/2019/401110723.json"), 2019)
    assert.isUndefined(seasonOf({}, "x.json"))
    assert.strictEqual(eventIdOf({}, "data/cfb/2019/401110723.json"), "401110723")
    assert.isUndefined(leagueOf({ header: { league: { slug: "nhl" } } }))
  })
})
