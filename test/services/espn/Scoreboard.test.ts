import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import type { GameState } from "../../../src/schema/GameState.ts"
import type { League } from "../../../src/schema/Sport.ts"
import { decodeScoreboard, inferLeague } from "../../../src/services/espn/Scoreboard.ts"
import { espnFixtures, fixture, scoreboardGames } from "./Fixtures.ts"

const OBSERVED = 1_750_000_000_000

const decode = (name: string, league?: League) => {
  const json = fixture(name)
  const inferred = inferLeague(json)
  assert.isDefined(inferred, `league of ${name}`)
  return decodeScoreboard(json, { league: league ?? inferred!, observedAt: OBSERVED })
}

const game = (games: ReadonlyArray<GameState>, id: string): GameState => {
  const g = games.find((x) => x.gameId === id)
  assert.isDefined(g, `game ${id}`)
  return g!
}

/** Drops the brands so an expected object literal can be compared. */
const plain = (x: object): object => x

const score = (g: GameState) => `${g.away.abbreviation} ${g.away.score} @ ${g.home.abbreviation} ${g.home.score}`

describe("decodeScoreboard on the real ESPN scoreboards", () => {
  it("decodes every scoreboard fixture without a failure", () => {
    const counts: Record<string, number> = {}
    for (const name of espnFixtures().filter((f) => f.includes("scoreboard"))) {
      const { failures, games } = decode(name)
      assert.deepStrictEqual(failures, [], name)
      counts[name] = games.length
      for (const g of games) assert.strictEqual(g.observedAt, OBSERVED)
    }
    assert.deepStrictEqual(counts, scoreboardGames)
  })

  it("NBA finals: scores, winners and a zero clock from \"0.0\"", () => {
    const { games } = decode("espn-nba-scoreboard-20241215-final.json")
    assert.deepStrictEqual(games.map(score), [
      "NO 104 @ IND 119",
      "BOS 112 @ WSH 98",
      "NY 100 @ ORL 91",
      "MIN 106 @ SA 92",
      "POR 109 @ PHX 116",
      "DAL 143 @ GS 133",
      "MEM 110 @ LAL 116"
    ])
    const g = game(games, "401737912")
    assert.strictEqual(g.status, "final")
    assert.strictEqual(g.league, "nba")
    assert.strictEqual(g.period, 4)
    assert.strictEqual(g.secondsRemaining, 0)
    assert.strictEqual(g.periodSecondsRemaining, 0)
    assert.isFalse(g.overtime)
    assert.deepStrictEqual(g.result, { winner: "away", homeScore: 133, awayScore: 143 })
    assert.strictEqual(g.startTime, Date.parse("2024-12-16T01:30Z"))
  })

  it("NBA single game: ESPN's own abbreviations, team names and ids", () => {
    const [g] = decode("espn-nba-scoreboard-single-final.json").games
    assert.deepStrictEqual(plain(g!.home), { teamId: "18", abbreviation: "NY", name: "New York Knicks", location: "New York", nickname: "Knicks", score: 111 })
    assert.deepStrictEqual(plain(g!.away), { teamId: "11", abbreviation: "IND", name: "Indiana Pacers", location: "Indiana", nickname: "Pacers", score: 94 })
    assert.deepStrictEqual(g!.result, { winner: "home", homeScore: 111, awayScore: 94 })
  })

  it("NCAA men's basketball: halves, and Final/OT in period 3 is overtime", () => {
    const { games } = decode("espn-ncaam-scoreboard-acc-final.json")
    const ot = game(games, "401724907")
    assert.strictEqual(score(ot), "SYR 95 @ VT 101")
    assert.strictEqual(ot.period, 3)
    assert.isTrue(ot.overtime)
    assert.strictEqual(ot.secondsRemaining, 0)
    assert.strictEqual(ot.detail, "Final/OT")
    assert.strictEqual(ot.result?.winner, "home")
    const regulation = game(games, "401724905")
    assert.strictEqual(score(regulation), "FSU 65 @ DUKE 100")
    assert.strictEqual(regulation.period, 2)
    assert.isFalse(regulation.overtime)
    assert.strictEqual(games.filter((g) => g.overtime).length, 1)
  })

  it("NFL finals", () => {
    const { games } = decode("espn-nfl-scoreboard-20241215-final.json")
    const g = game(games, "401671854")
    assert.strictEqual(score(g), "KC 21 @ CLE 7")
    assert.deepStrictEqual(plain(g.home), { teamId: "5", abbreviation: "CLE", name: "Cleveland Browns", location: "Cleveland", nickname: "Browns", score: 7 })
    assert.deepStrictEqual(g.result, { winner: "away", homeScore: 7, awayScore: 21 })
    assert.strictEqual(game(games, "401671681").result?.winner, "away") // BUF 48 @ DET 42
    assert.strictEqual(game(games, "401671860").result?.winner, "home") // MIA 12 @ HOU 20
    assert.isTrue(games.every((x) => x.status === "final" && x.period === 4 && x.secondsRemaining === 0))
  })

  it("NFL pre-game: period 0, a full 60 minutes, and ESPN BET lines as the home spread", () => {
    const { games } = decode("espn-nfl-scoreboard-2025wk1-pregame-odds.json")
    assert.isTrue(games.every((g) => g.status === "scheduled" && g.period === 0 && g.secondsRemaining === 3600 && g.periodSecondsRemaining === 900))
    assert.isTrue(games.every((g) => g.odds !== undefined))
    const phi = game(games, "401772510")
    assert.strictEqual(score(phi), "DAL 0 @ PHI 0")
    assert.deepStrictEqual(phi.odds, { provider: "ESPN BET", homeSpread: -7, total: 46.5 }) // "PHI -7"
    assert.strictEqual(phi.startTime, Date.parse("2025-09-05T00:20Z"))
    assert.strictEqual(phi.detail, "9/4 - 8:20 PM EDT")
    assert.deepStrictEqual(game(games, "401772714").odds, { provider: "ESPN BET", homeSpread: 3, total: 44.5 }) // "KC -3", KC away
    assert.deepStrictEqual(game(games, "401772719").odds, { provider: "ESPN BET", homeSpread: 0, total: 45.5 }) // "EVEN"
    assert.isUndefined(phi.result)
  })

  it("college football pre-game: 16 games, 11 with odds", () => {
    const { games } = decode("espn-cfb-scoreboard-2025wk1-sec-pregame-odds.json")
    assert.strictEqual(games.filter((g) => g.odds !== undefined).length, 11)
    const bay = game(games, "401752667")
    assert.strictEqual(score(bay), "AUB 0 @ BAY 0")
    assert.deepStrictEqual(bay.odds, { provider: "ESPN BET", homeSpread: 2.5, total: 56.5 })
    assert.strictEqual(bay.sport, "ncaaf")
    assert.isUndefined(game(games, "401752674").odds)
    // ESPN's neutralSite: two of the sixteen (the rest, and absent, read as a home ground)
    assert.deepStrictEqual(games.filter((g) => g.neutralSite === true).map((g) => g.gameId).sort(), ["401752676", "401752680"])
    assert.notProperty(bay, "neutralSite")
  })

  it("MLB live: innings from shortDetail, outs, bases and the count from the situation", () => {
    const { games } = decode("espn-mlb-scoreboard-live-and-pregame-odds.json")
    assert.strictEqual(games.filter((g) => g.status === "in_progress").length, 7)
    assert.strictEqual(games.filter((g) => g.status === "scheduled").length, 8)
    const top = game(games, "401695594")
    assert.strictEqual(score(top), "CLE 0 @ CIN 0")
    assert.strictEqual(top.period, 1)
    assert.isUndefined(top.secondsRemaining)
    assert.deepStrictEqual(top.baseball, { inning: 1, half: "top", outs: 1, onFirst: true, onSecond: false, onThird: true, balls: 4, strikes: 1 })
    assert.deepStrictEqual(game(games, "401695599").baseball, { inning: 1, half: "bottom", outs: 1, onFirst: true, onSecond: false, onThird: false, balls: 0, strikes: 0 })
    assert.deepStrictEqual(game(games, "401695593").baseball, { inning: 1, half: "middle", outs: 0, onFirst: false, onSecond: false, onThird: false })
    assert.strictEqual(score(game(games, "401695593")), "ATL 2 @ BOS 0")
    assert.deepStrictEqual(game(games, "401695601").baseball, { inning: 3, half: "end", outs: 0, onFirst: false, onSecond: false, onThird: false })
    const pre = game(games, "401695602")
    assert.strictEqual(pre.status, "scheduled")
    assert.strictEqual(pre.period, 0) // ESPN says period 1 before the first pitch
    assert.isUndefined(pre.baseball)
    assert.deepStrictEqual(pre.odds, { provider: "ESPN BET", homeSpread: -1.5, total: 7.5 })
  })

  it("ESPN's own probability after the last play is kept beside the state; an impossible one is a failure, the game stands", () => {
    const { games } = decode("espn-mlb-scoreboard-live-and-pregame-odds.json")
    assert.strictEqual(game(games, "401695594").espnHomeProbability, 0.542)
    assert.strictEqual(game(games, "401695594").espnTieProbability, 0)
    assert.isUndefined(game(games, "401695602").espnHomeProbability, "no probability before the first pitch")

    const json = structuredClone(fixture("espn-mlb-scoreboard-live-and-pregame-odds.json")) as { events: Array<{ id: string; competitions: Array<{ situation: { lastPlay: { probability: Record<string, unknown> } } }> }> }
    json.events.find((e) => e.id === "401695594")!.competitions[0]!.situation.lastPlay.probability["homeWinPercentage"] = 1.7
    const bad = decodeScoreboard(json, { league: "mlb", observedAt: OBSERVED })
    assert.isUndefined(game(bad.games, "401695594").espnHomeProbability)
    assert.strictEqual(bad.games.length, 15)
    assert.deepStrictEqual(bad.failures.map((f) => [f.gameId, f.error.reason._tag, (f.error.reason as { message: string }).message]), [
      ["401695594", "Implausible", "game 401695594: ESPN homeWinPercentage 1.7 is not a probability in [0, 1]"]
    ])
  })

  it("NHL final", () => {
    const [g] = decode("espn-nhl-scoreboard-final.json").games
    assert.strictEqual(score(g!), "NYR 1 @ FLA 2")
    assert.strictEqual(g!.period, 3)
    assert.deepStrictEqual(g!.result, { winner: "home", homeScore: 2, awayScore: 1 })
  })

  it("NHL live in overtime: period 4, 0 left in regulation, 17:09 left in the period", () => {
    const [g] = decode("espn-nhl-scoreboard-live-ot.json").games
    assert.strictEqual(g!.gameId, "401777455")
    assert.strictEqual(score(g!), "FLA 3 @ EDM 3")
    assert.strictEqual(g!.status, "in_progress")
    assert.strictEqual(g!.period, 4)
    assert.isTrue(g!.overtime)
    assert.strictEqual(g!.secondsRemaining, 0)
    assert.strictEqual(g!.periodSecondsRemaining, 1029)
    assert.strictEqual(g!.detail, "17:09 - OT")
    assert.strictEqual(g!.startTime, Date.parse("2025-06-05T00:00:00+00:00"))
    assert.isUndefined(g!.result)
  })

  it("Premier League full time: stoppage from \"90'+5'\", draws and red cards", () => {
    const { games } = decode("espn-soccer-eng1-scoreboard-final.json")
    const bou = game(games, "704649")
    assert.strictEqual(score(bou), "LEI 0 @ BOU 2")
    assert.strictEqual(bou.status, "final")
    assert.strictEqual(bou.sport, "soccer")
    assert.strictEqual(bou.league, "epl")
    assert.strictEqual(bou.secondsRemaining, 0)
    assert.deepStrictEqual(bou.soccer, { minute: 90, stoppageMinutes: 5, homeRedCards: 0, awayRedCards: 0 })
    assert.strictEqual(game(games, "704656").soccer?.stoppageMinutes, 10) // "90'+10'"
    const liv = game(games, "704652")
    assert.strictEqual(score(liv), "CRY 1 @ LIV 1")
    assert.deepStrictEqual(liv.result, { winner: "draw", homeScore: 1, awayScore: 1 })
    assert.deepStrictEqual(liv.soccer, { minute: 90, stoppageMinutes: 6, homeRedCards: 1, awayRedCards: 0 })
    assert.deepStrictEqual(game(games, "704658").soccer, { minute: 90, stoppageMinutes: 9, homeRedCards: 0, awayRedCards: 1 })
    assert.deepStrictEqual(games.filter((g) => g.result?.winner === "draw").map((g) => g.gameId), ["704652", "704654"])
  })

  it("MLS pre-game: 90 minutes to play and three-way moneylines", () => {
    const [g] = decode("espn-soccer-usa1-scoreboard-pregame-odds.json").games
    assert.strictEqual(g!.league, "mls")
    assert.strictEqual(score(g!), "MIN 0 @ SEA 0")
    assert.strictEqual(g!.status, "scheduled")
    assert.strictEqual(g!.period, 0)
    assert.strictEqual(g!.secondsRemaining, 5400)
    assert.deepStrictEqual(g!.soccer, { minute: 0, stoppageMinutes: 0, homeRedCards: 0, awayRedCards: 0 })
    // ESPN BET (moneylines, spread, total) beats Bet365 (decimal odds only)
    assert.deepStrictEqual(g!.odds, { provider: "ESPN BET", homeSpread: -0.5, total: 2.5, homeMoneyline: -110, awayMoneyline: 300, drawMoneyline: 250 })
  })

  it("tennis: singles of the tour only, sides by homeAway (listed away first), sets as the score", () => {
    const name = "espn-tennis-atp-scoreboard-rg2025-trimmed.json"
    const atp = decode(name)
    assert.deepStrictEqual(atp.failures, [])
    // The TBD slot (156740) is not a game yet; doubles and the women's draw are not ATP singles
    assert.deepStrictEqual(atp.games.map((g) => g.gameId), ["158610", "158635", "158636", "156736", "156738"])
    const musetti = game(atp.games, "156736")
    assert.strictEqual(musetti.sport, "tennis")
    assert.deepStrictEqual(plain(musetti.home), { teamId: "3764", abbreviation: "L. Musetti", name: "Lorenzo Musetti", score: 3 })
    assert.deepStrictEqual(plain(musetti.away), { teamId: "3659", abbreviation: "H. Rune", name: "Holger Rune", score: 1 })
    assert.deepStrictEqual(musetti.tennis, { sets: [{ home: 7, away: 5 }, { home: 3, away: 6 }, { home: 6, away: 3 }, { home: 6, away: 2 }], bestOf: 5 })
    assert.deepStrictEqual(musetti.result, { winner: "home", homeScore: 3, awayScore: 1 })
    assert.isUndefined(musetti.secondsRemaining)
    const walkover = game(atp.games, "158635")
    assert.strictEqual(walkover.status, "final")
    assert.strictEqual(walkover.detail, "Walkover")
    // No set was played: the winner comes from ESPN's flag, not from the (0-0) score
    assert.deepStrictEqual(walkover.result, { winner: "home", homeScore: 0, awayScore: 0 })
    assert.strictEqual(walkover.home.name, "Federico Arnaboldi")
    const retired = game(atp.games, "158636")
    assert.strictEqual(retired.detail, "Retired")
    assert.deepStrictEqual(retired.tennis?.sets, [{ home: 5, away: 1 }])
    assert.deepStrictEqual(retired.result, { winner: "home", homeScore: 0, awayScore: 0 })
    assert.strictEqual(game(atp.games, "156738").status, "scheduled")
    const wta = decode(name, "wta")
    assert.deepStrictEqual(wta.games.map((g) => g.gameId), ["158695", "158706"])
    assert.deepStrictEqual(game(wta.games, "158706").result, { winner: "away", homeScore: 1, awayScore: 2 })
  })
})

describe("decodeScoreboard isolates bad input", () => {
  const nfl = () => structuredClone(fixture("espn-nfl-scoreboard-20241215-final.json")) as { events: Array<any> }

  it("one bad event is one failure with its id; the other twelve still decode", () => {
    const json = nfl()
    json.events[2].competitions[0].competitors[0].score = "seven"
    json.events[5].competitions[0].competitors[1].homeAway = "home"
    json.events.push(42)
    const { failures, games } = decodeScoreboard(json, { league: "nfl", observedAt: OBSERVED })
    assert.strictEqual(games.length, 11)
    assert.deepStrictEqual(failures.map((f) => f.gameId), ["401671737", "401671706", undefined])
    assert.isTrue(failures.every((f) => f.error._tag === "EspnError" && f.error.reason._tag === "Decode"))
    assert.include(failures[0]!.error.reason._tag === "Decode" ? failures[0]!.error.reason.message : "", "seven")
    assert.include(failures[1]!.error.reason._tag === "Decode" ? failures[1]!.error.reason.message : "", "2 home and 0 away")
  })

  it("ids sent as numbers are read as strings", () => {
    const json = nfl()
    json.events[0].id = 401671854
    json.events[0].competitions[0].competitors[0].team.id = 5
    json.events[0].competitions[0].competitors[0].id = 5
    const { failures, games } = decodeScoreboard(json, { league: "nfl", observedAt: OBSERVED })
    assert.deepStrictEqual(failures, [])
    assert.strictEqual(game(games, "401671854").home.teamId, "5")
  })

  it("a payload that is not a scoreboard is one failure without a game", () => {
    for (const json of [null, "<html>", { events: "x" }, { leagues: [] }]) {
      const { failures, games } = decodeScoreboard(json, { league: "nba", observedAt: OBSERVED })
      assert.strictEqual(games.length, 0)
      assert.strictEqual(failures.length, 1)
      assert.isUndefined(failures[0]!.gameId)
      assert.strictEqual(failures[0]!.error.reason._tag, "Decode")
    }
  })

  it("an unknown status name falls back on the state; a missing status fails the game", () => {
    const json = nfl()
    json.events[0].competitions[0].status.type.name = "STATUS_SOMETHING_NEW"
    delete json.events[1].competitions[0].status
    delete json.events[1].status
    const { failures, games } = decodeScoreboard(json, { league: "nfl", observedAt: OBSERVED })
    assert.strictEqual(game(games, "401671854").status, "final")
    assert.deepStrictEqual(failures.map((f) => f.gameId), ["401671825"])
  })

  it("home and away never depend on array order", () => {
    const events = (fixture("espn-soccer-eng1-scoreboard-final.json") as { events: Array<any> }).events
    const original = decodeScoreboard({ events }, { league: "epl", observedAt: OBSERVED }).games
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: events.length, maxLength: events.length }), (flips) => {
        const shuffled = events.map((e, i) => {
          const copy = structuredClone(e)
          if (flips[i]) copy.competitions[0].competitors.reverse()
          return copy
        })
        const again = decodeScoreboard({ events: shuffled }, { league: "epl", observedAt: OBSERVED }).games
        assert.deepStrictEqual(again, original)
      }),
      { numRuns: 25 }
    )
  })
})

describe("decodeScoreboard on live variants of the real payloads", () => {
  /** The real NFL final slate with KC @ CLE (401671854) moved to `status`, with `situation`. */
  const liveNfl = (status: object, situation?: object) => {
    const json = structuredClone(fixture("espn-nfl-scoreboard-20241215-final.json")) as { events: Array<any> }
    const competition = json.events[0].competitions[0]
    competition.status = status
    json.events[0].status = status
    if (situation !== undefined) competition.situation = situation
    return game(decodeScoreboard(json, { league: "nfl", observedAt: OBSERVED }).games, "401671854")
  }
  const inProgress = (period: number, clock: number, displayClock: string) => ({
    clock,
    displayClock,
    period,
    type: { id: "2", name: "STATUS_IN_PROGRESS", state: "in", completed: false, description: "In Progress", detail: `${displayClock} - ${period}th`, shortDetail: `${displayClock} - ${period}th` }
  })

  it("football: possession by team id, down and distance, yards to the end zone from the spot", () => {
    const g = liveNfl(inProgress(3, 421, "7:01"), { down: 3, distance: 4, yardLine: 85, possession: "12", possessionText: "CLE 15", homeTimeouts: 2, awayTimeouts: 3 })
    assert.strictEqual(g.status, "in_progress")
    assert.strictEqual(g.possession, "away") // KC
    assert.deepStrictEqual(g.football, { down: 3, distance: 4, yardsToEndzone: 15, homeTimeouts: 2, awayTimeouts: 3 })
    assert.deepStrictEqual([g.secondsRemaining, g.periodSecondsRemaining, g.overtime], [1321, 421, false])
    assert.isUndefined(g.result)
    // In its own half, and ESPN's own yardsToEndzone when it sends one
    assert.strictEqual(liveNfl(inProgress(1, 900, "15:00"), { down: 1, distance: 10, possession: "12", possessionText: "KC 30" }).football?.yardsToEndzone, 70)
    assert.strictEqual(liveNfl(inProgress(1, 900, "15:00"), { down: 1, distance: 10, possession: "5", possessionText: "KC 30", yardsToEndzone: 30 }).football?.yardsToEndzone, 30)
    // A 5th down or a missing spot drops that piece, not the game
    assert.deepStrictEqual(liveNfl(inProgress(4, 30, "0:30"), { down: 5, distance: 2, possession: "5" }).football, { distance: 2 })
  })

  it("football overtime, halftime and a postponed game", () => {
    const ot = liveNfl(inProgress(5, 312, "5:12"))
    assert.deepStrictEqual([ot.period, ot.overtime, ot.secondsRemaining, ot.periodSecondsRemaining], [5, true, 0, 312])
    const half = liveNfl({ clock: 0, displayClock: "0:00", period: 2, type: { name: "STATUS_HALFTIME", state: "in", completed: false, shortDetail: "Halftime" } })
    assert.deepStrictEqual([half.status, half.secondsRemaining, half.detail], ["halftime", 1800, "Halftime"])
    const postponed = liveNfl({ clock: 0, displayClock: "0:00", period: 0, type: { name: "STATUS_POSTPONED", state: "post", completed: false, shortDetail: "Postponed" } })
    assert.deepStrictEqual([postponed.status, postponed.result], ["postponed", undefined])
  })
})

describe("inferLeague", () => {
  it("reads leagues[0].slug and header.league.slug", () => {
    assert.strictEqual(inferLeague(fixture("espn-soccer-usa1-scoreboard-pregame-odds.json")), "mls")
    assert.strictEqual(inferLeague(fixture("espn-ncaam-scoreboard-acc-final.json")), "ncaab")
    assert.strictEqual(inferLeague(fixture("espn-nfl-summary-401547417.json")), "nfl")
    assert.strictEqual(inferLeague({ leagues: [{ slug: "golf" }] }), undefined)
    assert.strictEqual(inferLeague(7), undefined)
  })
})
