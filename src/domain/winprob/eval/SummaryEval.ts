/**
 * `--summary`: our model replayed over the states of real games, scored against ESPN's own win
 * probability on the same states.
 *
 * **Protocol.**
 * - Every decoded play gives a state; states after the final whistle (`status: "final"`) are left
 *   out, since nothing is left to forecast. The outcome is "home won" (a draw counts as not).
 * - Ours: the production model behind the guard (`WinProb.estimate`, `model.probabilityBound`). Its
 *   prior comes from the summary itself: the pre-game odds (pickcenter), else ESPN's matchup
 *   predictor, else none (flagged). A second run takes ESPN's opening probability as the prior: it
 *   isolates the in-game model from the prior, since ESPN's figures carry ESPN's own prior.
 * - ESPN: `homeWinPercentage` joined to the play. Comparisons use only states where ESPN has one.
 * - NFL states get the second-half kickoff from the game's first possession (the side that
 *   receives the opening kickoff kicks off the second half).
 * - Per-play numbers weight long games more; the per-game mean is given too. A handful of games is
 *   a format and sanity check, not a statistical evaluation: plays within a game are strongly
 *   correlated and calibration on them says little.
 *
 * @since 0.1.0
 */
import type { GameResult, GameState, Side } from "../../../schema/GameState.ts"
import { type Forecast, score, type Scores } from "../Metrics.ts"
import type { Prior } from "../prior/Prior.ts"
import { priorFromRating } from "../prior/Priors.ts"
import { estimate } from "../WinProb.ts"

/** A replayed play: the state after it and ESPN's probability there, if any. @category models */
export interface ReplayedPlay {
  readonly state: GameState
  readonly espnHomeWinProbability?: number
}

/** One game to replay. @category models */
export interface GameReplay {
  readonly label: string
  readonly plays: ReadonlyArray<ReplayedPlay>
  readonly result: GameResult
  readonly prior: Prior
}

/** Ours and ESPN's scores on the same states. @category models */
export interface Comparison {
  readonly states: number
  readonly ours: Scores
  readonly espn: Scores
  /** Brier(ours) / Brier(ESPN) − 1: negative is better than ESPN */
  readonly relativeBrier: number
  readonly withinFivePercent: boolean
}

/** @category models */
export interface GameReport {
  readonly label: string
  readonly league: string
  readonly winner: GameResult["winner"]
  readonly prior: { readonly source: string; readonly detail: string; readonly home: number }
  readonly states: number
  readonly finalStatesSkipped: number
  readonly ours: Scores
  readonly oursRaw: { readonly brier: number; readonly tailsClamped: number }
  readonly vsEspn?: Comparison
  readonly withEspnOpeningPrior?: Comparison
}

/** @category models */
export interface SummaryReport {
  readonly games: ReadonlyArray<GameReport>
  readonly pooled: {
    readonly states: number
    readonly ours: Scores
    readonly vsEspn?: Comparison
    readonly withEspnOpeningPrior?: Comparison
    /**
     * Mean of the per-game Brier scores, each game weighted equally: ours over every game, and
     * ours and ESPN's over the games (and states) where ESPN has probabilities
     */
    readonly perGameMeanBrier: { readonly ours: number; readonly oursWhereEspn?: number; readonly espn?: number }
  }
}

const other = (side: Side): Side => (side === "home" ? "away" : "home")

/**
 * NFL and NCAAF states with the second-half kickoff filled in from the first possession of the
 * game (the opening receiver kicks off the second half). Other sports pass through.
 *
 * @category enrichment
 */
export const withSecondHalfKickoff = (plays: ReadonlyArray<ReplayedPlay>): ReadonlyArray<ReplayedPlay> => {
  const first = plays.find((p) => p.state.period === 1 && p.state.possession !== undefined)
  if (first === undefined || (first.state.sport !== "nfl" && first.state.sport !== "ncaaf")) return plays
  const receiver = other(first.state.possession!)
  return plays.map((p) => ({ ...p, state: { ...p.state, football: { ...p.state.football, secondHalfKickoff: receiver } } }))
}

const outcomeOf = (result: GameResult): number => (result.winner === "home" ? 1 : 0)

const compare = (ours: ReadonlyArray<Forecast>, espn: ReadonlyArray<Forecast>): Comparison | undefined => {
  if (espn.length === 0) return undefined
  const o = score(ours)
  const e = score(espn)
  const relativeBrier = o.brier / e.brier - 1
  return { states: espn.length, ours: o, espn: e, relativeBrier, withinFivePercent: relativeBrier <= 0.05 }
}

interface Replayed {
  readonly report: GameReport
  readonly ours: Array<Forecast>
  readonly oursOnEspnStates: Array<Forecast>
  readonly espn: Array<Forecast>
  readonly openingOnEspnStates: Array<Forecast>
  /** ESPN's forecasts on the states scored with the opening prior (empty when there is none) */
  readonly espnForOpening: Array<Forecast>
}

const replay = (game: GameReplay, bound: number): Replayed => {
  const y = outcomeOf(game.result)
  const plays = withSecondHalfKickoff(game.plays)
  const live = plays.filter((p) => p.state.status !== "final")
  const opening = plays.find((p) => p.espnHomeWinProbability !== undefined)?.espnHomeWinProbability
  const openingPrior = opening !== undefined && opening > 0 && opening < 1 ? priorFromRating(opening, "ESPN opening win probability") : undefined
  const ours: Array<Forecast> = []
  const oursOnEspnStates: Array<Forecast> = []
  const espn: Array<Forecast> = []
  const openingOnEspnStates: Array<Forecast> = []
  let rawBrier = 0
  let clamped = 0
  for (const p of live) {
    const e = estimate(p.state, game.prior, bound)
    ours.push({ p: e.probability.home, y })
    rawBrier += (e.raw.home - y) ** 2
    if (e.tails.length > 0) clamped++
    if (p.espnHomeWinProbability !== undefined) {
      oursOnEspnStates.push({ p: e.probability.home, y })
      espn.push({ p: p.espnHomeWinProbability, y })
      if (openingPrior !== undefined) openingOnEspnStates.push({ p: estimate(p.state, openingPrior, bound).probability.home, y })
    }
  }
  const vsEspn = compare(oursOnEspnStates, espn)
  const withOpening = openingPrior !== undefined ? compare(openingOnEspnStates, espn) : undefined
  const first = plays[0]?.state
  return {
    report: {
      label: game.label,
      league: first?.league ?? "unknown",
      winner: game.result.winner,
      prior: { source: game.prior.source, detail: game.prior.detail, home: game.prior.home },
      states: live.length,
      finalStatesSkipped: plays.length - live.length,
      ours: score(ours),
      oursRaw: { brier: live.length === 0 ? Number.NaN : rawBrier / live.length, tailsClamped: clamped },
      ...(vsEspn !== undefined ? { vsEspn } : {}),
      ...(withOpening !== undefined ? { withEspnOpeningPrior: withOpening } : {})
    },
    ours,
    oursOnEspnStates,
    espn,
    openingOnEspnStates,
    espnForOpening: openingPrior !== undefined ? espn : []
  }
}

/**
 * Replays every game and scores it, per game and pooled.
 *
 * @category evaluation
 */
export const evaluateSummaries = (games: ReadonlyArray<GameReplay>, bound: number): SummaryReport => {
  const replayed = games.map((g) => replay(g, bound))
  const all = (f: (r: Replayed) => Array<Forecast>) => replayed.flatMap(f)
  const vsEspn = compare(all((r) => r.oursOnEspnStates), all((r) => r.espn))
  const opening = compare(all((r) => r.openingOnEspnStates), all((r) => r.espnForOpening))
  const mean = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0) / xs.length
  const withEspn = replayed.filter((r) => r.report.vsEspn !== undefined)
  return {
    games: replayed.map((r) => r.report),
    pooled: {
      states: replayed.reduce((s, r) => s + r.ours.length, 0),
      ours: score(all((r) => r.ours)),
      ...(vsEspn !== undefined ? { vsEspn } : {}),
      ...(opening !== undefined ? { withEspnOpeningPrior: opening } : {}),
      perGameMeanBrier: {
        ours: mean(replayed.map((r) => r.report.ours.brier)),
        ...(withEspn.length > 0
          ? { oursWhereEspn: mean(withEspn.map((r) => r.report.vsEspn!.ours.brier)), espn: mean(withEspn.map((r) => r.report.vsEspn!.espn.brier)) }
          : {})
      }
    }
  }
}
