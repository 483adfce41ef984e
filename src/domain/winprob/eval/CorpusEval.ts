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
 * - Intervals: 95% percentile bootstrap resampling *games* (states within a game are correlated),
 *   fixed seed. Tail reliability: among states a forecaster put at ≤ 1% (≥ 99%), how often the
 *   unlikely side won, with a Wilson 95% upper bound.
 * - Certain states: states of undecided games given exactly 0 or 1.
 *
 * @since 0.1.0
 */
import type { GameResult } from "../../../schema/GameState.ts"
import { phaseOf } from "../Calibration.ts"
import { calibration, type Forecast, seededRandom } from "../Metrics.ts"
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
 * game ("I1-3", "I4-6", "I7-9"), or "OT" (overtime, extra innings).
 *
 * @category accessors
 */
export const phaseLabel = (league: string, period: number, overtime: boolean): string => {
  if (league === "mlb") {
    if (overtime || period > 9) return "OT"
    const third = Math.min(2, Math.floor((Math.max(1, period) - 1) / 3))
    return ["I1-3", "I4-6", "I7-9"][third]!
  }
  const periods = league === "ncaab" ? 2 : league === "nhl" ? 3 : 4
  if (overtime || period > periods) return "OT"
  return `${league === "ncaab" ? "H" : league === "nhl" ? "P" : "Q"}${Math.max(1, period)}`
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

/** An estimate with its 95% interval. @category models */
export interface Estimated {
  readonly value: number
  readonly lower: number
  readonly upper: number
}

/** Tail reliability of one forecaster. @category models */
export interface Tail {
  readonly count: number
  /** How often the side given ≤ 1% won */
  readonly unlikelyWon: number
  readonly rate: number
  readonly upper95: number
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

/** @category models */
export interface LeagueReport {
  readonly league: string
  readonly seasons: ReadonlyArray<number>
  readonly games: number
  readonly states: number
  readonly priors: Record<string, number>
  /** All states where ESPN publishes a probability */
  readonly pooled: Comparison
  /**
   * The in-game model alone: ours with ESPN's opening probability of each game as the prior, on
   * the same states (games whose opening probability is strictly between 0 and 1); ESPN's figures
   * carry ESPN's own prior, so this separates the prior from the in-game model
   */
  readonly inGame: Comparison
  readonly phases: ReadonlyArray<Comparison & { readonly phase: string }>
  readonly tails: { readonly ours: { readonly low: Tail; readonly high: Tail }; readonly espn: { readonly low: Tail; readonly high: Tail } }
  readonly calibrationError: { readonly ours: number; readonly espn: number; readonly noiseFloor: number }
  /** Undecided states given exactly 0 or 1 */
  readonly certainStates: { readonly ours: number; readonly espn: number }
}

/** The Wilson 95% upper bound of a proportion. @category metrics */
export const wilsonUpper = (k: number, n: number): number => {
  if (n === 0) return Number.NaN
  const z = 1.959964
  const p = k / n
  const centre = p + (z * z) / (2 * n)
  const spread = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))
  return Math.min(1, (centre + spread) / (1 + (z * z) / n))
}

const tail = (forecasts: ReadonlyArray<Forecast>, threshold: number, low: boolean): Tail => {
  let count = 0
  let unlikelyWon = 0
  for (const f of forecasts) {
    if (low ? f.p <= threshold : f.p >= 1 - threshold) {
      count++
      unlikelyWon += low ? f.y : 1 - f.y
    }
  }
  return { count, unlikelyWon, rate: count === 0 ? Number.NaN : unlikelyWon / count, upper95: wilsonUpper(unlikelyWon, count) }
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
  const random = seededRandom(seed)
  const ours: Array<number> = []
  const espn: Array<number> = []
  const ratio: Array<number> = []
  for (let i = 0; i < iterations && used.length > 0; i++) {
    let n = 0
    let o = 0
    let e = 0
    for (let j = 0; j < used.length; j++) {
      const s = used[Math.floor(random() * used.length)]!
      n += s.n
      o += s.ours
      e += s.espn
    }
    ours.push(o / n)
    espn.push(e / n)
    ratio.push(e > 0 ? o / e : Number.NaN)
  }
  const interval = (value: number, xs: Array<number>): Estimated => {
    const sorted = xs.filter(Number.isFinite).sort((a, b) => a - b)
    if (sorted.length === 0) return { value, lower: Number.NaN, upper: Number.NaN }
    return { value, lower: sorted[Math.floor(0.025 * sorted.length)]!, upper: sorted[Math.min(sorted.length - 1, Math.floor(0.975 * sorted.length))]! }
  }
  return {
    games: used.length,
    states: all.n,
    ours: interval(all.n > 0 ? all.ours / all.n : Number.NaN, ours),
    espn: interval(all.n > 0 ? all.espn / all.n : Number.NaN, espn),
    ratio: interval(all.espn > 0 ? all.ours / all.espn : Number.NaN, ratio)
  }
}

const PHASE_ORDER = ["Q1", "Q2", "Q3", "Q4", "H1", "H2", "P1", "P2", "P3", "I1-3", "I4-6", "I7-9", "OT"]

/**
 * Scores every game and reports per league: pooled and per phase, tails, calibration error and
 * certain states.
 *
 * @category evaluation
 */
export const evaluateCorpus = (games: ReadonlyArray<CorpusGame>, options: { readonly iterations?: number; readonly seed?: number } = {}): ReadonlyArray<LeagueReport> => {
  const iterations = options.iterations ?? 1000
  const seed = options.seed ?? 1
  const leagues = [...new Set(games.map((g) => g.league))].sort()
  return leagues.map((league) => {
    const mine = games.filter((g) => g.league === league)
    const scored = mine.map((g) => scoreGame(g))
    const priors: Record<string, number> = {}
    for (const g of mine) priors[g.prior.source] = (priors[g.prior.source] ?? 0) + 1
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
    const oursAll = withEspn.flat().map((s) => ({ p: s.ours, y: s.y }))
    const espnAll = withEspn.flat().map((s) => ({ p: s.espn!, y: s.y }))
    const oursCalibration = calibration(oursAll)
    const everyState = scored.flat()
    return {
      league,
      seasons: [...new Set(mine.map((g) => g.season))].sort(),
      games: mine.length,
      states: everyState.length,
      priors,
      pooled: compare(sumsOf(() => true), iterations, seed),
      inGame: compare(sumsOf(() => true, (s) => s.oursFromEspnOpening), iterations, seed),
      phases: phases.map((phase) => ({ phase, ...compare(sumsOf((s) => s.phase === phase), iterations, seed) })),
      tails: {
        ours: { low: tail(oursAll, 0.01, true), high: tail(oursAll, 0.01, false) },
        espn: { low: tail(espnAll, 0.01, true), high: tail(espnAll, 0.01, false) }
      },
      calibrationError: { ours: oursCalibration.error, espn: calibration(espnAll).error, noiseFloor: oursCalibration.noiseFloor },
      certainStates: {
        ours: everyState.filter((s) => s.ours === 0 || s.ours === 1).length,
        espn: withEspn.flat().filter((s) => s.espn === 0 || s.espn === 1).length
      }
    }
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

/**
 * A short fixed-width table of league reports, for a terminal.
 *
 * @category formatting
 */
export const formatTable = (reports: ReadonlyArray<LeagueReport>): string => {
  // Probabilities, not money: fixed decimals for a table
  const f = (x: number, d = 4) => (Number.isFinite(x) ? new Intl.NumberFormat("en-US", { minimumFractionDigits: d, maximumFractionDigits: d, useGrouping: false }).format(x) : "-")
  const iv = (e: Estimated, d = 4) => `${f(e.value, d)} [${f(e.lower, d)}, ${f(e.upper, d)}]`
  const lines: Array<string> = []
  for (const r of reports) {
    lines.push(`${r.league}  seasons ${r.seasons.join(",")}  games ${r.games}  states ${r.states}  priors ${Object.entries(r.priors).map(([k, v]) => `${k}:${v}`).join(" ")}`)
    lines.push(`  ${"phase".padEnd(6)} ${"games".padStart(5)} ${"states".padStart(7)}  ${"ours Brier [95%]".padEnd(26)}  ${"ESPN Brier [95%]".padEnd(26)}  ratio [95%]`)
    for (const row of [...r.phases, { phase: "all", ...r.pooled }]) {
      lines.push(`  ${row.phase.padEnd(6)} ${String(row.games).padStart(5)} ${String(row.states).padStart(7)}  ${iv(row.ours).padEnd(26)}  ${iv(row.espn).padEnd(26)}  ${iv(row.ratio, 3)}`)
    }
    const g = r.inGame
    lines.push(`  in-game model alone (ESPN's opening probability as our prior): games ${g.games}  states ${g.states}  ours ${iv(g.ours)}  ESPN ${iv(g.espn)}  ratio ${iv(g.ratio, 3)}`)
    const t = (x: Tail) => `${x.unlikelyWon}/${x.count} (${f(100 * x.rate, 2)}%, ≤${f(100 * x.upper95, 2)}%)`
    lines.push(`  tails ≤1%: ours ${t(r.tails.ours.low)}  ESPN ${t(r.tails.espn.low)}`)
    lines.push(`  tails ≥99%: ours ${t(r.tails.ours.high)}  ESPN ${t(r.tails.espn.high)}`)
    lines.push(`  calibration error: ours ${f(r.calibrationError.ours)}  ESPN ${f(r.calibrationError.espn)}  (noise floor ${f(r.calibrationError.noiseFloor)})`)
    lines.push(`  certain states on undecided games: ours ${r.certainStates.ours}  ESPN ${r.certainStates.espn}`)
  }
  return lines.join("\n")
}
