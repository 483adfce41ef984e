/**
 * `--corpus`: our model against ESPN's published probability on a corpus of real games, per league
 * and per phase, with intervals over games.
 *
 * **Protocol.**
 * - Each game's plays are replayed into states, enriched from the sequence (second-half kickoff,
 *   unknown clocks, college overtime turns: `Sequence.ts`); states after the final whistle are left
 *   out. The outcome is "home won".
 * - Ours: the production estimate after the calibration layer and *before* the trading clamp
 *   (`model.probabilityBound`), so the clamp cannot flatter the tails. The prior is the one the
 *   live system would have: the pre-game line, else a walk-forward rating (`corpusPriors`), else
 *   the league home edge; its source is counted per league.
 * - ESPN: `homeWinPercentage` joined to the play. Brier comparisons use the states where ESPN has a
 *   probability; the ratio is ours / ESPN's (below 1 is better).
 * - In-game model alone: ours again with ESPN's opening probability of the game as the prior,
 *   against ESPN on the same states, since ESPN's figures carry ESPN's own prior.
 * - Intervals: 95% percentile bootstrap resampling *games* (states within a game share one
 *   outcome), fixed seed: for the Brier scores and the tail rates. Tail
 *   reliability: among states a forecaster put at ≤ 1% (≥ 99%), how often the unlikely side won.
 *   The calibration error's noise floor, too, takes games as the unit (`calibrationByGame`).
 * - Certain states: states of undecided games given exactly 0 or 1.
 *
 * @since 0.1.0
 */
import type { GameResult } from "../../../schema/GameState.ts"
import { type League, leagues, sportFamily } from "../../../schema/Sport.ts"
import { phaseOf } from "../Calibration.ts"
import { brier, calibrationByGame, type Estimated, type Forecast, logLoss, percentileInterval, resampledSums } from "../Metrics.ts"
import type { Prior } from "../prior/Prior.ts"
import { priorFromRating } from "../prior/Priors.ts"
import { enrich } from "../Sequence.ts"
import { estimate } from "../WinProb.ts"
import { type ReplayedPlay, withSecondHalfKickoff } from "./SummaryEval.ts"

/** One game of the corpus. @category models */
export interface CorpusGame {
  readonly league: string
  readonly season: number
  readonly eventId: string
  readonly plays: ReadonlyArray<ReplayedPlay>
  readonly result: GameResult
  readonly prior: Prior
}

/** A scored state. @category models */
export interface ScoredState {
  readonly phase: string
  readonly ours: number
  readonly espn?: number
  /** Ours with ESPN's opening probability of the game as the prior, where ESPN has a probability */
  readonly oursFromEspnOpening?: number
  readonly y: number
}

/**
 * The phase label of a state: the period in regulation ("Q1", "H2", "P3"), a third of a baseball
 * game ("I1-3", "I4-6", "I7-9"), a set ("S2") or a round ("R3"), or "OT" (overtime, extra
 * innings, extra time).
 *
 * @category accessors
 */
export const phaseLabel = (league: string, period: number, overtime: boolean): string => {
  if (league === "mlb") {
    if (overtime || period > 9) return "OT"
    const third = Math.min(2, Math.floor((Math.max(1, period) - 1) / 3))
    return ["I1-3", "I4-6", "I7-9"][third]!
  }
  const family = Object.hasOwn(leagues, league) ? sportFamily[leagues[league as League].sport] : undefined
  if (family === "tennis") return `S${Math.max(1, period)}`
  if (family === "mma") return `R${Math.max(1, period)}`
  const halves = league === "ncaab" || family === "soccer"
  const periods = halves ? 2 : league === "nhl" ? 3 : 4
  if (overtime || period > periods) return "OT"
  return `${halves ? "H" : league === "nhl" ? "P" : "Q"}${Math.max(1, period)}`
}

/**
 * Every live state of a game with our probability and ESPN's.
 *
 * @category evaluation
 */
export const scoreGame = (game: CorpusGame): ReadonlyArray<ScoredState> => {
  const y = game.result.winner === "home" ? 1 : 0
  const plays = withSecondHalfKickoff(game.plays)
  const states = enrich(plays.map((p) => p.state))
  const opening = plays.find((p) => p.espnHomeWinProbability !== undefined)?.espnHomeWinProbability
  const openingPrior = opening !== undefined && opening > 0 && opening < 1 ? priorFromRating(opening, "ESPN opening win probability") : undefined
  const out: Array<ScoredState> = []
  for (let i = 0; i < plays.length; i++) {
    const state = states[i]!
    if (state.status === "final") continue
    const e = estimate(state, game.prior, 0)
    const espn = plays[i]!.espnHomeWinProbability
    const fromOpening = espn !== undefined && openingPrior !== undefined ? estimate(state, openingPrior, 0).probability.home : undefined
    out.push({
      phase: phaseLabel(game.league, state.period, state.overtime || phaseOf(state) === "overtime"),
      ours: e.probability.home,
      ...(espn === undefined ? {} : { espn }),
      ...(fromOpening === undefined ? {} : { oursFromEspnOpening: fromOpening }),
      y
    })
  }
  return out
}

/** Tail reliability of one forecaster. @category models */
export interface Tail {
  readonly count: number
  /** How often the side given ≤ 1% won */
  readonly unlikelyWon: number
  /** `unlikelyWon / count`, with a 95% interval from resampling games (tail states come in runs within a game) */
  readonly rate: Estimated
  /** Games with a state in this tail */
  readonly games: number
}

/** @category models */
export interface Comparison {
  readonly games: number
  readonly states: number
  readonly ours: Estimated
  readonly espn: Estimated
  /** Brier(ours) / Brier(ESPN) */
  readonly ratio: Estimated
}

/**
 * What one league's games show, whoever scored them (the corpus replayed through our model, or
 * the live system's own record): pooled and per phase, tails, calibration error and certain states.
 *
 * @category models
 */
export interface LeagueFigures {
  readonly games: number
  readonly states: number
  /** All states where ESPN publishes a probability */
  readonly pooled: Comparison
  /**
   * The in-game model alone: ours with ESPN's opening probability of each game as the prior, on
   * the same states (games whose opening probability is strictly between 0 and 1); ESPN's figures
   * carry ESPN's own prior, so this separates the prior from the in-game model. Absent where the
   * states carry no such estimate (the live record)
   */
  readonly inGame?: Comparison
  readonly phases: ReadonlyArray<Comparison & { readonly phase: string }>
  readonly tails: { readonly ours: { readonly low: Tail; readonly high: Tail }; readonly espn: { readonly low: Tail; readonly high: Tail } }
  /**
   * Weighted calibration error (20 bins), and the noise floor of a perfectly calibrated forecaster
   * with games as the unit (`calibrationByGame`) and with states as independent
   */
  readonly calibrationError: { readonly ours: number; readonly espn: number; readonly noiseFloor: number; readonly independentNoiseFloor: number }
  /** Undecided states given exactly 0 or 1 */
  readonly certainStates: { readonly ours: number; readonly espn: number }
  /**
   * Our model alone on every state, whether ESPN has a probability there or not: the measure of a
   * league whose feed carries none (NHL and soccer summaries, some live scoreboards)
   */
  readonly everyState: OwnFigures
}

/** One forecaster's figures against outcomes alone. @category models */
export interface OwnFigures {
  readonly games: number
  readonly states: number
  /** Brier score with a 95% interval from resampling games */
  readonly brier: Estimated
  readonly logLoss: number
  readonly tails: { readonly low: Tail; readonly high: Tail }
  readonly calibrationError: number
  /** The calibration error a perfectly calibrated forecaster would show here, games as the unit */
  readonly noiseFloor: number
}

/** One league of the corpus. @category models */
export interface LeagueReport extends LeagueFigures {
  readonly league: string
  readonly seasons: ReadonlyArray<number>
  readonly priors: Record<string, number>
  readonly inGame: Comparison
}

/**
 * Tail reliability over games: among states at or below `threshold` (`low`) or at or above
 * 1 − `threshold`, how often the unlikely side won, with a percentile-bootstrap interval resampling
 * games (one comeback puts many states of one game in the tail, so states are not independent).
 */
const tail = (games: ReadonlyArray<ReadonlyArray<Forecast>>, threshold: number, low: boolean, iterations: number, seed: number): Tail => {
  const perGame = games.map((forecasts) => {
    let count = 0
    let won = 0
    for (const f of forecasts) {
      if (low ? f.p <= threshold : f.p >= 1 - threshold) {
        count++
        won += low ? f.y : 1 - f.y
      }
    }
    return { count, won }
  }).filter((g) => g.count > 0)
  const count = perGame.reduce((a, g) => a + g.count, 0)
  const unlikelyWon = perGame.reduce((a, g) => a + g.won, 0)
  const replicates = resampledSums(perGame.map((g) => [g.count, g.won]), iterations, seed).map(([c, w]) => w! / c!)
  return { count, unlikelyWon, rate: percentileInterval(count === 0 ? Number.NaN : unlikelyWon / count, replicates), games: perGame.length }
}

interface GameSums {
  readonly n: number
  readonly ours: number
  readonly espn: number
}

/** Pooled Brier of ours and ESPN's with intervals from resampling games. */
const compare = (sums: ReadonlyArray<GameSums>, iterations: number, seed: number): Comparison => {
  const used = sums.filter((s) => s.n > 0)
  const total = (xs: ReadonlyArray<GameSums>) => xs.reduce((acc, s) => ({ n: acc.n + s.n, ours: acc.ours + s.ours, espn: acc.espn + s.espn }), { n: 0, ours: 0, espn: 0 })
  const all = total(used)
  const replicates = resampledSums(used.map((s) => [s.n, s.ours, s.espn]), iterations, seed)
  const ours = replicates.map(([n, o]) => o! / n!)
  const espn = replicates.map(([n, , e]) => e! / n!)
  const ratio = replicates.map(([, o, e]) => (e! > 0 ? o! / e! : Number.NaN))
  const interval = percentileInterval
  return {
    games: used.length,
    states: all.n,
    ours: interval(all.n > 0 ? all.ours / all.n : Number.NaN, ours),
    espn: interval(all.n > 0 ? all.espn / all.n : Number.NaN, espn),
    ratio: interval(all.espn > 0 ? all.ours / all.espn : Number.NaN, ratio)
  }
}

const PHASE_ORDER = ["Q1", "Q2", "Q3", "Q4", "H1", "H2", "P1", "P2", "P3", "I1-3", "I4-6", "I7-9", "S1", "S2", "S3", "S4", "S5", "R1", "R2", "R3", "R4", "R5", "OT"]

/** Bootstrap settings: resamples per interval and the seed. @category models */
export interface BootstrapOptions {
  readonly iterations?: number
  readonly seed?: number
}

/**
 * One league's figures from its games' scored states (one array per game; a game's states share
 * its outcome, so games are the bootstrap's unit). `inGame` adds the in-game-model-alone comparison
 * from the states' `oursFromEspnOpening`.
 *
 * @category evaluation
 */
export function leagueFigures(scored: ReadonlyArray<ReadonlyArray<ScoredState>>, options: BootstrapOptions & { readonly inGame: true }): LeagueFigures & { readonly inGame: Comparison }
export function leagueFigures(scored: ReadonlyArray<ReadonlyArray<ScoredState>>, options?: BootstrapOptions & { readonly inGame?: boolean }): LeagueFigures
export function leagueFigures(scored: ReadonlyArray<ReadonlyArray<ScoredState>>, options: BootstrapOptions & { readonly inGame?: boolean } = {}): LeagueFigures {
  const iterations = options.iterations ?? 1000
  const seed = options.seed ?? 1
  const withEspn = scored.map((states) => states.filter((s) => s.espn !== undefined))
  const sumsOf = (pick: (s: ScoredState) => boolean, oursOf: (s: ScoredState) => number | undefined = (s) => s.ours): Array<GameSums> =>
    withEspn.map((states) => {
      let n = 0
      let ours = 0
      let espn = 0
      for (const s of states) {
        const o = oursOf(s)
        if (!pick(s) || o === undefined) continue
        n++
        ours += (o - s.y) ** 2
        espn += (s.espn! - s.y) ** 2
      }
      return { n, ours, espn }
    })
  const phases = [...new Set(scored.flat().map((s) => s.phase))].sort((a, b) => PHASE_ORDER.indexOf(a) - PHASE_ORDER.indexOf(b))
  const oursByGame = withEspn.map((states) => states.map((s) => ({ p: s.ours, y: s.y })))
  const espnByGame = withEspn.map((states) => states.map((s) => ({ p: s.espn!, y: s.y })))
  const oursCalibration = calibrationByGame(oursByGame)
  const everyState = scored.flat()
  const allByGame = scored.filter((states) => states.length > 0).map((states) => states.map((s) => ({ p: s.ours, y: s.y })))
  const allCalibration = calibrationByGame(allByGame)
  const squares = resampledSums(allByGame.map((fs) => [fs.length, fs.reduce((a, f) => a + (f.p - f.y) ** 2, 0)]), iterations, seed)
  const allForecasts = allByGame.flat()
  return {
    games: scored.length,
    states: everyState.length,
    pooled: compare(sumsOf(() => true), iterations, seed),
    ...(options.inGame === true ? { inGame: compare(sumsOf(() => true, (s) => s.oursFromEspnOpening), iterations, seed) } : {}),
    phases: phases.map((phase) => ({ phase, ...compare(sumsOf((s) => s.phase === phase), iterations, seed) })),
    tails: {
      ours: { low: tail(oursByGame, 0.01, true, iterations, seed), high: tail(oursByGame, 0.01, false, iterations, seed) },
      espn: { low: tail(espnByGame, 0.01, true, iterations, seed), high: tail(espnByGame, 0.01, false, iterations, seed) }
    },
    calibrationError: {
      ours: oursCalibration.error,
      espn: calibrationByGame(espnByGame).error,
      noiseFloor: oursCalibration.noiseFloor,
      independentNoiseFloor: oursCalibration.independentNoiseFloor
    },
    certainStates: {
      ours: everyState.filter((s) => s.ours === 0 || s.ours === 1).length,
      espn: withEspn.flat().filter((s) => s.espn === 0 || s.espn === 1).length
    },
    everyState: {
      games: allByGame.length,
      states: allForecasts.length,
      brier: percentileInterval(brier(allForecasts), squares.map(([n, sq]) => sq! / n!)),
      logLoss: logLoss(allForecasts),
      tails: { low: tail(allByGame, 0.01, true, iterations, seed), high: tail(allByGame, 0.01, false, iterations, seed) },
      calibrationError: allCalibration.error,
      noiseFloor: allCalibration.noiseFloor
    }
  }
}

/**
 * Scores every game and reports per league: pooled and per phase, the in-game model alone, tails,
 * calibration error and certain states.
 *
 * @category evaluation
 */
export const evaluateCorpus = (games: ReadonlyArray<CorpusGame>, options: BootstrapOptions = {}): ReadonlyArray<LeagueReport> => {
  const leagues = [...new Set(games.map((g) => g.league))].sort()
  return leagues.map((league) => {
    const mine = games.filter((g) => g.league === league)
    const priors: Record<string, number> = {}
    for (const g of mine) priors[g.prior.source] = (priors[g.prior.source] ?? 0) + 1
    const { games: played, states, ...figures } = leagueFigures(mine.map((g) => scoreGame(g)), { ...options, inGame: true })
    return { league, seasons: [...new Set(mine.map((g) => g.season))].sort(), games: played, states, priors, ...figures }
  })
}

/**
 * The uncalibrated forecasts of the training games, by calibration phase, for fitting the
 * calibration layer.
 *
 * @category fitting
 */
export const trainingForecasts = (games: ReadonlyArray<CorpusGame>): Map<string, Array<Forecast>> => {
  const out = new Map<string, Array<Forecast>>()
  for (const game of games) {
    const y = game.result.winner === "home" ? 1 : 0
    const plays = withSecondHalfKickoff(game.plays)
    for (const state of enrich(plays.map((p) => p.state))) {
      if (state.status === "final") continue
      const phase = phaseOf(state)
      if (phase === undefined) continue
      const key = `${state.sport}:${phase}`
      const list = out.get(key) ?? []
      list.push({ p: estimate(state, game.prior, 0).uncalibrated.home, y })
      out.set(key, list)
    }
  }
  return out
}

/** Probabilities, not money: fixed decimals for a table; `-` for a figure that is not a number (JSON's `null`). */
const fixed = (x: number, d = 4) => (Number.isFinite(x) ? new Intl.NumberFormat("en-US", { minimumFractionDigits: d, maximumFractionDigits: d, useGrouping: false }).format(x) : "-")
const interval = (e: Estimated, d = 4) => `${fixed(e.value, d)} [${fixed(e.lower, d)}, ${fixed(e.upper, d)}]`

/**
 * A league's figures as table lines, below a header line the caller writes: one row per phase
 * with states and the pooled row, the in-game model alone where there is one, tails, calibration
 * error and certain states. Rows without a state (no figure to show) are left out.
 *
 * @category formatting
 */
export const formatFigures = (r: LeagueFigures): Array<string> => {
  // Through the JSON a missing rate is null, which 100 * null would print as 0%
  const percent = (x: number) => (Number.isFinite(x) ? fixed(100 * x, 2) : "-")
  const t = (x: Tail) => (x.count === 0 ? "0/0" : `${x.unlikelyWon}/${x.count} in ${x.games} games (${percent(x.rate.value)}% [${percent(x.rate.lower)}, ${percent(x.rate.upper)}])`)
  const e = r.everyState
  const own = e.states === 0
    ? []
    : [
      `  ours on every state: games ${e.games}  states ${e.states}  Brier ${interval(e.brier)}  log loss ${fixed(e.logLoss)}  calibration error ${fixed(e.calibrationError)} (floor ${fixed(e.noiseFloor)})`,
      `    tails ≤1% ${t(e.tails.low)}  ≥99% ${t(e.tails.high)}`
    ]
  if (r.pooled.states === 0) {
    return [
      "  no state with ESPN's probability: no comparison with ESPN",
      ...own,
      `  certain states on undecided games: ours ${r.certainStates.ours}  ESPN ${r.certainStates.espn}`
    ]
  }
  const lines: Array<string> = []
  lines.push(`  ${"phase".padEnd(6)} ${"games".padStart(5)} ${"states".padStart(7)}  ${"ours Brier [95%]".padEnd(26)}  ${"ESPN Brier [95%]".padEnd(26)}  ratio [95%]`)
  for (const row of [...r.phases, { phase: "all", ...r.pooled }].filter((p) => p.states > 0)) {
    lines.push(`  ${row.phase.padEnd(6)} ${String(row.games).padStart(5)} ${String(row.states).padStart(7)}  ${interval(row.ours).padEnd(26)}  ${interval(row.espn).padEnd(26)}  ${interval(row.ratio, 3)}`)
  }
  const g = r.inGame
  if (g !== undefined && g.states > 0) {
    lines.push(`  in-game model alone (ESPN's opening probability as our prior): games ${g.games}  states ${g.states}  ours ${interval(g.ours)}  ESPN ${interval(g.espn)}  ratio ${interval(g.ratio, 3)}`)
  }
  lines.push(`  tails ≤1%: ours ${t(r.tails.ours.low)}  ESPN ${t(r.tails.espn.low)}`)
  lines.push(`  tails ≥99%: ours ${t(r.tails.ours.high)}  ESPN ${t(r.tails.espn.high)}`)
  const c = r.calibrationError
  lines.push(`  calibration error: ours ${fixed(c.ours)}  ESPN ${fixed(c.espn)}  (noise floor with games as the unit ${fixed(c.noiseFloor)}; states as independent ${fixed(c.independentNoiseFloor)})`)
  lines.push(...own)
  lines.push(`  certain states on undecided games: ours ${r.certainStates.ours}  ESPN ${r.certainStates.espn}`)
  return lines
}

/**
 * A short fixed-width table of league reports, for a terminal.
 *
 * @category formatting
 */
export const formatTable = (reports: ReadonlyArray<LeagueReport>): string =>
  reports.flatMap((r) => [
    `${r.league}  seasons ${r.seasons.join(",")}  games ${r.games}  states ${r.states}  priors ${Object.entries(r.priors).map(([k, v]) => `${k}:${v}`).join(" ")}`,
    ...formatFigures(r)
  ]).join("\n")
