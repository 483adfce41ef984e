/**
 * The ESPN adapter on the real scoreboards: the decoder's games, turned into the matcher's input,
 * are exactly the games the evaluation set is labelled against, and match the same way.
 */
import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { gameRefOf } from "../../../src/domain/matching/GameRefs.ts"
import type { GameRef } from "../../../src/domain/matching/Inputs.ts"
import { matchSlate } from "../../../src/domain/matching/Matcher.ts"
import { decodeScoreboard, inferLeague } from "../../../src/services/espn/Scoreboard.ts"
import { espnGames, kalshiListings, polymarketListings, teamIndex } from "../../support/MatchingFixtures.ts"

const scoreboards = [
  "espn-nfl-scoreboard-20241215-final.json",
  "espn-nfl-scoreboard-2025wk1-pregame-odds.json",
  "espn-nba-scoreboard-20241215-final.json",
  "espn-nba-scoreboard-single-final.json",
  "espn-mlb-scoreboard-live-and-pregame-odds.json",
  "espn-nhl-scoreboard-final.json",
  "espn-nhl-scoreboard-live-ot.json",
  "espn-soccer-eng1-scoreboard-final.json",
  "espn-soccer-usa1-scoreboard-pregame-odds.json",
  "espn-cfb-scoreboard-2025wk1-sec-pregame-odds.json",
  "espn-ncaam-scoreboard-acc-final.json"
]

const decoded: ReadonlyArray<GameRef> = scoreboards.flatMap((f) => {
  const json: unknown = JSON.parse(readFileSync(`/work/shared/fixtures/${f}`, "utf8"))
  const { games, failures } = decodeScoreboard(json, { league: inferLeague(json)!, observedAt: 0 })
  assert.deepStrictEqual(failures, [], f)
  return games.map(gameRefOf)
})

const key = (g: GameRef) => JSON.stringify([g.gameId, g.league, g.startTime, g.status, g.home.teamId, g.away.teamId])

describe("gameRefOf", () => {
  it("gives the evaluation set's games from the real scoreboards", () => {
    const labelled = espnGames().filter((g) => !g.gameId.startsWith("9000000") && g.gameId !== "401695603")
    const fromDecoder = decoded.filter((g) => g.gameId !== "401695603")
    assert.strictEqual(fromDecoder.length, 90 - 1)
    assert.deepStrictEqual(fromDecoder.map(key).sort(), labelled.map(key).sort())
  })

  it("keeps ESPN's names for the fuzzy fallback", () => {
    const knicks = decoded.find((g) => g.gameId === "401737902")!.away
    assert.deepStrictEqual(knicks, { teamId: "18", abbreviation: "NY", name: "New York Knicks", location: "New York", nickname: "Knicks" })
  })

  it("the decoded slate matches the deterministic listings as the labelled one does", () => {
    const report = matchSlate(teamIndex(), decoded, {
      kalshi: kalshiListings().filter((e) => e.eventTicker === "KXNBAGAME-24DEC15NYKORL" || e.eventTicker === "KXMLBGAME-25MAY181900NYMNYY"),
      polymarket: []
    })
    const matched = report.games.flatMap((g) => (g.kalshi._tag === "Matched" ? [`${g.game.gameId}:${g.kalshi.eventId}`] : []))
    assert.deepStrictEqual(matched.sort(), ["401695596:KXMLBGAME-25MAY181900NYMNYY", "401737902:KXNBAGAME-24DEC15NYKORL"])
    assert.isAbove(polymarketListings().length, 100)
  })
})
