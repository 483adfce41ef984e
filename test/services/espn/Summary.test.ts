import { assert, describe, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import type { League } from "../../../src/schema/Sport.ts"
import { clockDirection } from "../../../src/services/espn/Plays.ts"
import { decodeSummary, type GameSummary, type PlayState } from "../../../src/services/espn/Summary.ts"
import * as Wire from "../../../src/services/espn/Wire.ts"
import { fixture } from "./Fixtures.ts"

const OBSERVED = 1_750_000_000_000

const summary = (name: string, league: League): GameSummary => {
  const result = decodeSummary(fixture(name), { league, observedAt: OBSERVED })
  assert.isTrue(Result.isSuccess(result), name)
  return (result as Result.Success<GameSummary, never>).success
}

const play = (s: GameSummary, id: string): PlayState => {
  const p = s.plays.find((x) => x.playId === id)
  assert.isDefined(p, `play ${id}`)
  return p!
}

/** The fields of a play's state that a model reads. */
const view = (p: PlayState) => ({
  status: p.state.status,
  period: p.state.period,
  secondsRemaining: p.state.secondsRemaining,
  periodSecondsRemaining: p.state.periodSecondsRemaining,
  overtime: p.state.overtime,
  home: p.state.home.score,
  away: p.state.away.score,
  possession: p.state.possession,
  football: p.state.football,
  baseball: p.state.baseball,
  wp: p.espnHomeWinProbability,
  tie: p.espnTieProbability
})

const rawPlays = (name: string) =>
  Schema.decodeUnknownSync(Schema.Array(Wire.Play))((fixture(name) as { plays: ReadonlyArray<unknown> }).plays)

describe("decodeSummary play order", () => {
  type Drive = { plays: Array<{ sequenceNumber?: unknown }> }
  const misfiled = (mutate: (drives: Array<Drive>) => void): unknown => {
    const json = structuredClone(fixture("espn-nfl-summary-401547417.json")) as { drives: { previous: Array<Drive> } }
    mutate(json.drives.previous)
    return json
  }
  // ESPN's 2022 college summaries file some plays under the wrong drive (end-of-half snaps inside
  // an earlier drive, a third-quarter kickoff inside a second-quarter drive): the same misfiling,
  // done to the real NFL summary, must decode to the same states in the same order
  const moveLastPlaysToFirstDrive = (drives: Array<Drive>) => {
    const donor = drives[drives.length - 1]!
    drives[0]!.plays.push(...donor.plays.splice(donor.plays.length - 2, 2))
  }

  it("puts drive plays filed under the wrong drive back in game order by their sequence number", () => {
    const decode = (json: unknown) => (decodeSummary(json, { league: "nfl", observedAt: OBSERVED }) as Result.Success<GameSummary, never>).success
    const straight = decode(fixture("espn-nfl-summary-401547417.json"))
    const shuffled = decode(misfiled(moveLastPlaysToFirstDrive))
    assert.deepStrictEqual(shuffled.plays.map((p) => p.playId), straight.plays.map((p) => p.playId))
    assert.deepStrictEqual(shuffled.plays.map(view), straight.plays.map(view))
    assert.strictEqual(straight.misfiledPlays, 0)
    assert.isAbove(shuffled.misfiledPlays, 0)
  })

  it("keeps drive order when a play has no sequence number", () => {
    const json = misfiled((drives) => {
      moveLastPlaysToFirstDrive(drives)
      delete drives[1]!.plays[0]!.sequenceNumber
    })
    const s = (decodeSummary(json, { league: "nfl", observedAt: OBSERVED }) as Result.Success<GameSummary, never>).success
    const first = (json as { drives: { previous: Array<{ plays: Array<{ id: string }> }> } }).drives.previous[0]!.plays
    assert.deepStrictEqual(s.plays.slice(0, first.length).map((p) => p.playId), first.map((p) => p.id))
  })
})

describe("decodeSummary returned kicks", () => {
  it("NFL: a kickoff returned without a score is 1st down for the receiving team, as the next snap shows", () => {
    const s = summary("espn-nfl-summary-401547417.json", "nfl")
    const json = fixture("espn-nfl-summary-401547417.json") as { drives: { previous: Array<{ plays: Array<Record<string, any>> }> } }
    const raw = json.drives.previous.flatMap((d) => d.plays)
    const returned = raw.filter((p) => p["type"]?.text === "Kickoff Return (Offense)" && p["scoringPlay"] !== true)
    // ESPN ends these at down −1: 401547417825, 4015474171198, 4015474172795
    assert.deepStrictEqual(returned.map((p) => [p["id"], p["end"].down]), [["401547417825", -1], ["4015474171198", -1], ["4015474172795", -1]])
    for (const p of returned) {
      const next = raw[raw.indexOf(p) + 1]!
      assert.strictEqual(next["start"].down, 1, `the snap after ${p["id"]}`)
      assert.deepStrictEqual(play(s, p["id"]).state.football, { down: 1, distance: p["end"].distance, yardsToEndzone: p["end"].yardsToEndzone })
    }
    // A touchdown still ends with no down (the try or kickoff is next)
    const touchdown = raw.find((p) => p["scoringPlay"] === true && p["end"]?.down === -1)!
    assert.isUndefined(play(s, touchdown["id"]).state.football?.down)
  })
})

describe("decodeSummary on the real ESPN summaries", () => {
  it("NFL: plays come from the drives, and 186 of 187 win probabilities join", () => {
    const s = summary("espn-nfl-summary-401547417.json", "nfl")
    assert.strictEqual(s.plays.length, 186)
    assert.deepStrictEqual(s.winProbability, { entries: 187, matched: 186 })
    assert.deepStrictEqual(s.failures, [])
    assert.strictEqual(s.plays.filter((p) => p.espnHomeWinProbability !== undefined).length, 186)
    assert.deepStrictEqual(s.plays.map((p) => p.sequence), s.plays.map((_, i) => i))

    assert.strictEqual(s.game.gameId, "401547417")
    assert.strictEqual(s.game.status, "final")
    assert.strictEqual(s.game.period, 4)
    assert.strictEqual(`${s.game.away.abbreviation} ${s.game.away.score} @ ${s.game.home.abbreviation} ${s.game.home.score}`, "GB 24 @ ATL 25")
    assert.deepStrictEqual(s.game.result, { winner: "home", homeScore: 25, awayScore: 24 })

    // The opening kickoff: GB (away) receive, 1st & 7 at their own 25
    assert.deepStrictEqual(view(s.plays[0]!), {
      status: "in_progress",
      period: 1,
      secondsRemaining: 3600,
      periodSecondsRemaining: 900,
      overtime: false,
      home: 0,
      away: 0,
      possession: "away",
      football: { down: 1, distance: 7, yardsToEndzone: 75 },
      baseball: undefined,
      wp: 0.5223,
      tie: undefined
    })
    // 14:53 in Q1: 45 minutes of later quarters plus 893 s
    assert.deepStrictEqual(view(play(s, "40154741789")), {
      status: "in_progress",
      period: 1,
      secondsRemaining: 3593,
      periodSecondsRemaining: 893,
      overtime: false,
      home: 0,
      away: 0,
      possession: "away",
      football: { down: 2, distance: 12, yardsToEndzone: 28 },
      baseball: undefined,
      wp: 0.4782,
      tie: undefined
    })
    // ATL kneel-down at 0:38 with the lead
    assert.deepStrictEqual(view(play(s, "4015474174299")), {
      status: "in_progress",
      period: 4,
      secondsRemaining: 38,
      periodSecondsRemaining: 38,
      overtime: false,
      home: 25,
      away: 24,
      possession: "home",
      football: { down: 2, distance: 11, yardsToEndzone: 26 },
      baseball: undefined,
      wp: 0.999,
      tie: undefined
    })
    const touchdown = play(s, "4015474171123")
    assert.include(touchdown.text, "TOUCHDOWN")
    assert.deepStrictEqual([touchdown.state.home.score, touchdown.state.away.score, touchdown.espnHomeWinProbability], [3, 7, 0.4334])
    assert.strictEqual(play(s, "4015474172077").state.status, "halftime")
    assert.strictEqual(play(s, "4015474171034").state.status, "end_period")
    const last = s.plays[185]!
    assert.strictEqual(last.state.status, "final")
    assert.deepStrictEqual(last.state.result, { winner: "home", homeScore: 25, awayScore: 24 })
    assert.strictEqual(last.espnHomeWinProbability, 1)
  })

  it("NBA: 472 plays, 472 joined win probabilities with ties, tenths of a second", () => {
    const s = summary("espn-nba-summary-401772994.json", "nba")
    assert.strictEqual(s.plays.length, 472)
    assert.deepStrictEqual(s.winProbability, { entries: 472, matched: 472 })
    assert.strictEqual(`${s.game.away.abbreviation} ${s.game.away.score} @ ${s.game.home.abbreviation} ${s.game.home.score}`, "NY 108 @ IND 125")
    assert.deepStrictEqual(view(s.plays[0]!), {
      status: "in_progress",
      period: 1,
      secondsRemaining: 2880,
      periodSecondsRemaining: 720,
      overtime: false,
      home: 0,
      away: 0,
      possession: undefined,
      football: undefined,
      baseball: undefined,
      wp: 0.57,
      tie: 0
    })
    const freeThrow = play(s, "401772994155")
    assert.strictEqual(freeThrow.text, "Delon Wright makes free throw 1 of 2")
    assert.deepStrictEqual(
      [freeThrow.state.period, freeThrow.state.periodSecondsRemaining, freeThrow.state.secondsRemaining, freeThrow.state.home.score, freeThrow.state.away.score, freeThrow.espnHomeWinProbability],
      [1, 26.1, 2186.1, 25, 23, 0.583]
    )
    assert.deepStrictEqual(
      s.plays.filter((p) => p.state.status !== "in_progress").map((p) => [p.playId, p.state.status, p.state.period]),
      [["401772994165", "end_period", 1], ["401772994334", "halftime", 2], ["401772994508", "end_period", 3], ["401772994701", "end_period", 4], ["401772994702", "final", 4]]
    )
    assert.strictEqual(play(s, "401772994334").state.secondsRemaining, 1440)
    assert.deepStrictEqual(s.plays[471]!.state.result, { winner: "home", homeScore: 125, awayScore: 108 })
    assert.strictEqual(s.plays[471]!.espnHomeWinProbability, 1)
  })

  it("NBA pre-game: no plays, an empty win probability, and the matchup predictor", () => {
    const s = summary("espn-nba-summary-pregame-predictor.json", "nba")
    assert.strictEqual(s.plays.length, 0)
    assert.deepStrictEqual(s.winProbability, { entries: 0, matched: 0 })
    assert.deepStrictEqual(s.predictor, { homeWinProbability: 0.58 }) // away gameProjection 42.0, teamChanceLoss 58.0
    assert.strictEqual(s.game.status, "scheduled")
    assert.strictEqual(s.game.period, 0)
    assert.strictEqual(s.game.secondsRemaining, 2880)
    assert.strictEqual(`${s.game.away.abbreviation} ${s.game.away.score} @ ${s.game.home.abbreviation} ${s.game.home.score}`, "NY 0 @ IND 0")
  })

  it("MLB: outs never leak from the end of an at-bat; runners and counts as of the play", () => {
    const s = summary("espn-mlb-summary-401472463.json", "mlb")
    assert.strictEqual(s.plays.length, 569)
    assert.deepStrictEqual(s.winProbability, { entries: 75, matched: 75 })
    assert.deepStrictEqual(s.failures, [])
    assert.strictEqual(s.game.period, 9) // the final header has no period: the last play's inning
    assert.strictEqual(`${s.game.away.abbreviation} ${s.game.away.score} @ ${s.game.home.abbreviation} ${s.game.home.score}`, "CLE 5 @ PIT 7")
    assert.deepStrictEqual(s.pregameOdds, { provider: "consensus", homeSpread: 1.5, total: 8.5, homeMoneyline: 121, awayMoneyline: -142 })
    assert.deepStrictEqual(s.game.odds, s.pregameOdds)

    const state = (id: string) => play(s, id).state.baseball
    // ESPN stamps outs: 1 on Kwan's first pitch; he has not been retired yet
    assert.deepStrictEqual(state("4014724630001010001"), { inning: 1, half: "top", outs: 0, onFirst: false, onSecond: false, onThird: false, balls: 0, strikes: 0 })
    assert.deepStrictEqual(state("4014724630001020013"), { inning: 1, half: "top", outs: 0, onFirst: false, onSecond: false, onThird: false, balls: 0, strikes: 1 })
    assert.deepStrictEqual(state("4014724630001990057"), { inning: 1, half: "top", outs: 1, onFirst: false, onSecond: false, onThird: false, balls: 0, strikes: 0 })
    assert.strictEqual(play(s, "4014724630001990057").espnHomeWinProbability, 0.483)
    assert.strictEqual(play(s, "4014724630001990057").espnTieProbability, 0)
    assert.deepStrictEqual(state("4014724630401990057"), { inning: 3, half: "top", outs: 0, onFirst: false, onSecond: true, onThird: false, balls: 0, strikes: 0 })
    assert.deepStrictEqual(state("4014724630402990057"), { inning: 3, half: "top", outs: 1, onFirst: false, onSecond: false, onThird: true, balls: 0, strikes: 0 })
    const bunt = play(s, "4014724630604990057")
    assert.deepStrictEqual(bunt.state.baseball, { inning: 4, half: "top", outs: 1, onFirst: true, onSecond: true, onThird: false, balls: 0, strikes: 0 })
    assert.deepStrictEqual([bunt.state.away.score, bunt.state.home.score, bunt.espnHomeWinProbability], [1, 0, 0.292])
    const middle = s.plays.find((p) => p.text === "Middle of the 1st inning")!
    assert.deepStrictEqual(middle.state.baseball, { inning: 1, half: "middle", outs: 0, onFirst: false, onSecond: false, onThird: false })
    assert.isUndefined(s.plays[0]!.state.secondsRemaining)
    assert.strictEqual(s.plays[568]!.state.status, "final")
    assert.deepStrictEqual(s.plays[568]!.state.result, { winner: "home", homeScore: 7, awayScore: 5 })
  })

  it("NHL: no win probability, and a play clock that counts up within the period", () => {
    const s = summary("espn-nhl-summary-401774292.json", "nhl")
    assert.strictEqual(s.plays.length, 367)
    assert.deepStrictEqual(s.winProbability, { entries: 0, matched: 0 })
    assert.isTrue(s.plays.every((p) => p.espnHomeWinProbability === undefined))
    assert.deepStrictEqual(s.game.result, { winner: "away", homeScore: 3, awayScore: 5 })
    assert.strictEqual(`${s.game.away.abbreviation} ${s.game.away.score} @ ${s.game.home.abbreviation} ${s.game.home.score}`, "FLA 5 @ CAR 3")
    assert.deepStrictEqual([s.plays[0]!.state.secondsRemaining, s.plays[0]!.state.periodSecondsRemaining], [3600, 1200])
    // "7:48" played in the 1st: 12:12 left in it
    const faceoff = play(s, "401774292000002670")
    assert.deepStrictEqual([faceoff.state.period, faceoff.state.periodSecondsRemaining, faceoff.state.secondsRemaining, faceoff.state.home.score], [1, 732, 3132, 1])
    assert.deepStrictEqual(
      s.plays.filter((p) => p.state.status !== "in_progress").map((p) => [p.state.status, p.state.period, p.state.secondsRemaining]),
      [["end_period", 1, 2400], ["end_period", 2, 1200], ["end_period", 3, 0], ["final", 3, 0]]
    )
  })

  it("detects which way a feed's play clock runs", () => {
    assert.strictEqual(clockDirection(rawPlays("espn-nhl-summary-401774292.json")), "elapsed")
    assert.strictEqual(clockDirection(rawPlays("espn-nba-summary-401772994.json")), "remaining")
  })
})

describe("decodeSummary isolates bad input", () => {
  it("a play that does not decode is one failure; the other plays stand", () => {
    const json = structuredClone(fixture("espn-nba-summary-401772994.json")) as { plays: Array<Record<string, unknown>> }
    json.plays[10]!["period"] = "first"
    const result = decodeSummary(json, { league: "nba", observedAt: OBSERVED })
    assert.isTrue(Result.isSuccess(result))
    const s = (result as Result.Success<GameSummary, never>).success
    assert.strictEqual(s.plays.length, 471)
    assert.strictEqual(s.failures.length, 1)
    assert.strictEqual(s.failures[0]!.playId, json.plays[10]!["id"])
    assert.strictEqual(s.failures[0]!.error.reason._tag, "Decode")
    assert.deepStrictEqual(s.winProbability, { entries: 472, matched: 471 })
  })

  it("a payload that is not a summary fails with a Decode reason", () => {
    for (const json of [null, [], { header: {} }, { header: { competitions: [] } }]) {
      const result = decodeSummary(json, { league: "nba", observedAt: OBSERVED })
      assert.isTrue(Result.isFailure(result))
      if (Result.isFailure(result)) assert.strictEqual(result.failure.reason._tag, "Decode")
    }
  })
})
