import { assert, describe, it } from "@effect/vitest"
import { leagueFigures } from "../../../../src/domain/winprob/eval/CorpusEval.ts"
import { evaluateRecorded, formatRecordedTable, NO_FINAL, NO_RESULT, NO_STATES, type RecordedRow, recordedGames, scoreRecorded } from "../../../../src/domain/winprob/eval/RecordedEval.ts"

const row = (gameId: string, league: string, minute: number, extra: Partial<RecordedRow> = {}): RecordedRow => ({
  gameId,
  league,
  observedAt: Date.UTC(2026, 10, 2) + minute * 60_000,
  status: "in_progress",
  period: 1,
  overtime: false,
  modelHome: 0.5,
  espnHome: null,
  priorSource: "moneyline",
  result: null,
  ...extra
})

const final = (gameId: string, league: string, minute: number, winner: "home" | "away" | "draw" | null): RecordedRow =>
  row(gameId, league, minute, { status: "final", result: winner === null ? null : { winner, homeScore: 1, awayScore: winner === "home" ? 0 : 1 } })

const rows: ReadonlyArray<RecordedRow> = [
  // Out of time order on purpose: the last final state's result decides
  final("a", "nba", 9, "home"),
  row("a", "nba", 0, { status: "scheduled", period: 0 }),
  row("a", "nba", 1, { modelHome: 0.6, espnHome: 0.55 }),
  row("a", "nba", 2, { period: 2, modelHome: null }),
  row("a", "nba", 3, { status: "halftime", period: 2, modelHome: 0.7, priorSource: "market" }),
  final("a", "nba", 8, "away"),
  row("b", "epl", 1, { modelHome: 0.4, espnHome: 0.3, priorSource: null }),
  row("b", "epl", 2, { period: 3, overtime: true, modelHome: 0.3, priorSource: null }),
  final("b", "epl", 3, "draw"),
  row("c", "nba", 1),
  final("d", "nba", 2, null),
  row("d", "nba", 1),
  row("e", "nhl", 1, { status: "scheduled" }),
  final("e", "nhl", 2, "home")
]

describe("recorded evaluation", () => {
  it("keeps finished games' in-play states with a model probability, and counts what it skips", () => {
    const { games, skipped, leftOut } = recordedGames(rows)
    assert.deepStrictEqual(games.map((g) => [g.gameId, g.league, g.winner, g.states.length]), [["a", "nba", "home", 2], ["b", "epl", "draw", 2]])
    assert.deepStrictEqual(skipped, [
      { reason: NO_FINAL, league: "nba", games: 1 },
      { reason: NO_RESULT, league: "nba", games: 1 },
      { reason: NO_STATES, league: "nhl", games: 1 }
    ])
    assert.deepStrictEqual(leftOut, { notInPlay: 1, withoutModel: 1 })
  })

  it("scores the published probabilities: a draw is not a home win", () => {
    const { games } = recordedGames(rows)
    assert.deepStrictEqual(scoreRecorded(games[0]!), [{ phase: "Q1", ours: 0.6, espn: 0.55, y: 1 }, { phase: "Q2", ours: 0.7, y: 1 }])
    assert.deepStrictEqual(scoreRecorded(games[1]!), [{ phase: "H1", ours: 0.4, espn: 0.3, y: 0 }, { phase: "OT", ours: 0.3, y: 0 }])
  })

  it("reports each league with the shared figures and the record's counts", () => {
    const report = evaluateRecorded(rows, { iterations: 100 })
    assert.strictEqual(report.games, 2)
    const [epl, nba] = report.leagues
    const { games } = recordedGames(rows)
    assert.deepStrictEqual(
      { ...nba! },
      { league: "nba", from: "2026-11-02T00:01:00.000Z", to: "2026-11-02T00:03:00.000Z", statesWithEspn: 1, priors: { moneyline: 1 }, priorChanged: 1, ...leagueFigures([scoreRecorded(games[0]!)], { iterations: 100 }) }
    )
    assert.deepStrictEqual([epl!.priors, epl!.priorChanged, epl!.pooled.states], [{ unrecorded: 1 }, 0, 1])
    assert.closeTo(nba!.pooled.ours.value, 0.16, 1e-12)
    assert.closeTo(nba!.pooled.espn.value, 0.2025, 1e-12)
    const table = formatRecordedTable(report)
    assert.include(table, "2 finished games evaluated; skipped 3 games: no final state (nba 1); final state without a result (nba 1); no state in play with a model probability (nhl 1); states left out: 1 not in play, 1 without a model probability")
    assert.include(table, "nba  2026-11-02 00:01 to 2026-11-02 00:03 UTC  games 1  states 2 (1 with ESPN)  priors moneyline:1  (1 game changed prior)")
    assert.notInclude(table, "in-game model alone")
  })
})
