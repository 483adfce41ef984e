import { assert, describe, it } from "@effect/vitest"
import type { GameState } from "../../../../src/schema/GameState.ts"
import { type CorpusGame, evaluateCorpus, formatFigures, formatTable, leagueFigures, phaseLabel, type ScoredState, scoreGame, trainingForecasts } from "../../../../src/domain/winprob/eval/CorpusEval.ts"
import { calibrationByGame, logLoss } from "../../../../src/domain/winprob/Metrics.ts"
import { priorOf } from "../../../../src/domain/winprob/prior/Prior.ts"
import { priorFromRating } from "../../../../src/domain/winprob/prior/Priors.ts"
import { stateOf } from "../States.ts"

const even = priorOf("market", { home: 0.5, away: 0.5 }, "even")

const at = (period: number, secondsRemaining: number, home: number, away: number, extra: Partial<GameState> = {}): GameState =>
  stateOf("ncaaf", home, away, { period, secondsRemaining, periodSecondsRemaining: secondsRemaining % 900, overtime: period > 4, ...extra })

const game = (eventId: string, winner: "home" | "away", plays: ReadonlyArray<{ state: GameState; espn?: number }>): CorpusGame => ({
  league: "ncaaf",
  season: 2020,
  eventId,
  plays: plays.map((p) => ({ state: p.state, ...(p.espn === undefined ? {} : { espnHomeWinProbability: p.espn }) })),
  result: { winner, homeScore: winner === "home" ? 1 : 0, awayScore: winner === "home" ? 0 : 1 },
  prior: even
})

const games = [
  game("1", "home", [
    { state: at(1, 3500, 0, 0), espn: 0.5 },
    { state: at(2, 2000, 7, 0), espn: 0.7 },
    { state: at(4, 100, 21, 0), espn: 1 },
    { state: { ...at(4, 0, 21, 0), status: "final", result: { winner: "home", homeScore: 21, awayScore: 0 } }, espn: 1 }
  ]),
  game("2", "away", [
    { state: at(1, 3500, 0, 0), espn: 0.55 },
    { state: at(3, 1500, 0, 3) },
    { state: at(5, 0, 10, 10, { possession: "home", football: { down: 1, distance: 10, yardsToEndzone: 25 } }), espn: 0.5 }
  ])
]

describe("corpus evaluation", () => {
  it("labels phases by period, overtime past regulation", () => {
    assert.deepStrictEqual([phaseLabel("ncaaf", 1, false), phaseLabel("ncaaf", 5, true), phaseLabel("ncaab", 2, false), phaseLabel("nhl", 4, false)], ["Q1", "OT", "H2", "OT"])
    assert.deepStrictEqual([1, 3, 4, 7, 9, 10].map((inning) => phaseLabel("mlb", inning, false)), ["I1-3", "I1-3", "I4-6", "I7-9", "I7-9", "OT"])
    assert.deepStrictEqual([phaseLabel("nba", 4, false), phaseLabel("wnba", 5, true)], ["Q4", "OT"])
    // Soccer by halves (extra time is OT), tennis by sets, MMA by rounds
    assert.deepStrictEqual([phaseLabel("epl", 1, false), phaseLabel("mls", 2, false), phaseLabel("ucl", 3, true), phaseLabel("atp", 3, false), phaseLabel("ufc", 2, false)], ["H1", "H2", "OT", "S3", "R2"])
  })

  it("scores every live state, leaving out the final one", () => {
    const scored = scoreGame(games[0]!)
    assert.deepStrictEqual(scored.map((s) => s.phase), ["Q1", "Q2", "Q4"])
    assert.deepStrictEqual(scored.map((s) => s.espn), [0.5, 0.7, 1])
    for (const s of scored) assert.isTrue(s.ours > 0 && s.ours < 1)
  })

  it("pools Brier over the states ESPN scored and counts certain states", () => {
    const [report] = evaluateCorpus(games, { iterations: 200 })
    const scored = games.flatMap((g) => scoreGame(g)).filter((s) => s.espn !== undefined)
    const ours = scored.reduce((a, s) => a + (s.ours - s.y) ** 2, 0) / scored.length
    const espn = scored.reduce((a, s) => a + (s.espn! - s.y) ** 2, 0) / scored.length
    assert.strictEqual(report!.games, 2)
    assert.strictEqual(report!.states, 6)
    assert.strictEqual(report!.pooled.states, 5)
    assert.closeTo(report!.pooled.ours.value, ours, 1e-12)
    assert.closeTo(report!.pooled.espn.value, espn, 1e-12)
    assert.closeTo(report!.pooled.ratio.value, ours / espn, 1e-12)
    assert.deepStrictEqual(report!.phases.map((p) => p.phase), ["Q1", "Q2", "Q3", "Q4", "OT"])
    assert.deepStrictEqual(report!.certainStates, { ours: 0, espn: 1 })
    assert.strictEqual(report!.tails.espn.high.count, 1)
    assert.strictEqual(report!.tails.espn.high.unlikelyWon, 0)
    assert.strictEqual(report!.tails.espn.high.games, 1)
    assert.deepStrictEqual(report!.tails.espn.high.rate, { value: 0, lower: 0, upper: 0 })
    assert.isTrue(Number.isFinite(report!.calibrationError.noiseFloor) && Number.isFinite(report!.calibrationError.independentNoiseFloor))
    assert.deepStrictEqual(report!.priors, { market: 2 })
    // The in-game model alone: ours with each game's opening ESPN probability (0.5, 0.55) as the prior
    const fromOpening = games.flatMap((g, i) => {
      const prior = priorFromRating([0.5, 0.55][i]!, "opening")
      return scoreGame({ ...g, prior }).filter((s) => s.espn !== undefined).map((s) => (s.ours - s.y) ** 2)
    })
    assert.strictEqual(report!.inGame.states, 5)
    assert.closeTo(report!.inGame.ours.value, fromOpening.reduce((a, b) => a + b, 0) / 5, 1e-12)
    assert.closeTo(report!.inGame.espn.value, espn, 1e-12)
    assert.notStrictEqual(report!.inGame.ours.value, report!.pooled.ours.value)
    const table = formatTable([report!])
    assert.include(table, "ncaaf  seasons 2020  games 2  states 6")
    assert.include(table, "certain states on undecided games: ours 0  ESPN 1")
    assert.include(table, "in-game model alone (ESPN's opening probability as our prior): games 2  states 5")
  })

  it("reports a league from its games' scored states, whoever scored them", () => {
    const s = (phase: string, ours: number, y: number, espn?: number): ScoredState => ({ phase, ours, y, ...(espn === undefined ? {} : { espn }) })
    // Home won the first game, lost the second; the second's Q2 state has no ESPN probability
    const scored = [
      [s("Q1", 0.6, 1, 0.5), s("Q4", 1, 1, 0.995)],
      [s("Q1", 0.3, 0, 0.4), s("Q2", 0.2, 0), s("Q4", 0.005, 0, 0)]
    ]
    const figures = leagueFigures(scored, { iterations: 200 })
    assert.deepStrictEqual([figures.games, figures.states], [2, 5])
    // Ours on ESPN's four states: 0.16 + 0 + 0.09 + 0.000025; ESPN's: 0.25 + 0.000025 + 0.16 + 0
    assert.deepStrictEqual([figures.pooled.games, figures.pooled.states], [2, 4])
    assert.closeTo(figures.pooled.ours.value, 0.250025 / 4, 1e-12)
    assert.closeTo(figures.pooled.espn.value, 0.410025 / 4, 1e-12)
    assert.closeTo(figures.pooled.ratio.value, 0.250025 / 0.410025, 1e-12)
    assert.deepStrictEqual(figures.phases.map((p) => [p.phase, p.games, p.states]), [["Q1", 2, 2], ["Q2", 0, 0], ["Q4", 2, 2]])
    assert.closeTo(figures.phases[0]!.ours.value, (0.16 + 0.09) / 2, 1e-12)
    // Tails: ours 0.005 (home lost) low, 1 (home won) high; ESPN 0 low, 0.995 high
    assert.deepStrictEqual([figures.tails.ours.low.count, figures.tails.ours.low.unlikelyWon, figures.tails.ours.high.count, figures.tails.ours.high.unlikelyWon], [1, 0, 1, 0])
    assert.deepStrictEqual([figures.tails.espn.low.count, figures.tails.espn.high.count], [1, 1])
    // Certain: ours 1 on any state, ESPN's 0 on a state it scored
    assert.deepStrictEqual(figures.certainStates, { ours: 1, espn: 1 })
    const calibration = calibrationByGame([[{ p: 0.6, y: 1 }, { p: 1, y: 1 }], [{ p: 0.3, y: 0 }, { p: 0.005, y: 0 }]])
    assert.strictEqual(figures.calibrationError.ours, calibration.error)
    assert.strictEqual(figures.calibrationError.noiseFloor, calibration.noiseFloor)
    // The in-game model alone only when asked for, from the states' own estimate
    assert.isUndefined(figures.inGame)
    assert.notInclude(formatFigures(figures).join("\n"), "in-game model alone")
    assert.notInclude(formatFigures(figures).join("\n"), "  Q2 ")
    const withOpening = leagueFigures(scored.map((g) => g.map((x) => ({ ...x, oursFromEspnOpening: 0.5 }))), { iterations: 200, inGame: true })
    assert.closeTo(withOpening.inGame.ours.value, 0.25 * 4 / 4, 1e-12)
    assert.deepStrictEqual({ ...withOpening, inGame: undefined }, { ...figures, inGame: undefined })
    // Ours alone on all five states, ESPN's or not: 0.16 + 0 + 0.09 + 0.04 + 0.000025
    assert.deepStrictEqual([figures.everyState.games, figures.everyState.states], [2, 5])
    assert.closeTo(figures.everyState.brier.value, 0.290025 / 5, 1e-12)
    assert.strictEqual(figures.everyState.logLoss, logLoss([{ p: 0.6, y: 1 }, { p: 1, y: 1 }, { p: 0.3, y: 0 }, { p: 0.2, y: 0 }, { p: 0.005, y: 0 }]))
    assert.deepStrictEqual([figures.everyState.tails.low.count, figures.everyState.tails.high.count], [1, 1])
    const everyCalibration = calibrationByGame([[{ p: 0.6, y: 1 }, { p: 1, y: 1 }], [{ p: 0.3, y: 0 }, { p: 0.2, y: 0 }, { p: 0.005, y: 0 }]])
    assert.strictEqual(figures.everyState.calibrationError, everyCalibration.error)
    // Resampling two games: the Brier of either game alone or of both
    assert.isAtMost(figures.everyState.brier.lower, figures.everyState.brier.value)
    assert.isAtLeast(figures.everyState.brier.upper, figures.everyState.brier.value)
    // No state ESPN scored: one line says so; ours alone is still measured
    const noEspn = formatFigures(leagueFigures([[s("P1", 0.5, 1)]]))
    assert.deepStrictEqual(noEspn, [
      "  no state with ESPN's probability: no comparison with ESPN",
      "  ours on every state: games 1  states 1  Brier 0.2500 [0.2500, 0.2500]  log loss 0.6931  calibration error 0.5000 (floor 0.3989)",
      "    tails ≤1% 0/0  ≥99% 0/0",
      "  certain states on undecided games: ours 0  ESPN 0"
    ])
  })

  it("groups training forecasts by sport and calibration phase", () => {
    const byPhase = trainingForecasts(games)
    assert.deepStrictEqual([...byPhase.keys()].sort(), ["ncaaf:first-half", "ncaaf:fourth-quarter", "ncaaf:overtime", "ncaaf:third-quarter"])
    assert.strictEqual(byPhase.get("ncaaf:first-half")!.length, 3)
  })

})
