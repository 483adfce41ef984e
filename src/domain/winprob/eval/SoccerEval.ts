/**
 * `--soccer`: the in-play soccer model scored on real internationals, against the state-only
 * Poisson baseline of WINPROB.md §1.5.
 *
 * **Protocol** (fixed; nothing is tuned on the evaluation set):
 * - Data: `intl_results.csv` and `intl_goalscorers.csv`. A match is usable when its goal list is
 *   complete (as many goals as the final score, each with a minute).
 * - Evaluation set: matches from 2000-01-01 with at least one goal and no goal after minute 95
 *   (extra-time games out): the 9,483 matches of the published baseline. Goalless draws are left
 *   out because every 0-0 has a "complete" goal list while a match with goals has one only if the
 *   goal-scorer file covers it, so adding them would over-represent 0-0. Requiring a goal is itself
 *   a selection: a goalless state is certain to see another goal. The Brier figures compare the
 *   models as published; calibration is also given for the forecast conditioned on that selection.
 * - State at minute m: the goals scored at or before m. Outcome: the home side won (binary).
 * - State-only baseline: 1.78 and 1.22 goals per match for home and away, no team strength.
 * - Elo prior: ratings walk forward over every result since 1872 (each match sees only earlier
 *   ones), and so do the rating → goals maps (one for friendlies, one for competitive matches): a
 *   match in year Y uses the maps fitted on the results of the 20 years before Y (home advantage
 *   and scoring drift over decades, so a fixed old fit goes stale). Nothing a match is scored on
 *   was seen by its model. (The goal-scorer file holds no friendlies, so the evaluation set is
 *   competitive matches only.) Both models run through the
 *   production soccer model (`Soccer.ts`).
 * - Uncertainty: a paired bootstrap over matches (1,000 resamples, fixed seed) of the Brier
 *   difference, Elo minus baseline.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import type { GameState } from "../../../schema/GameState.ts"
import type { GameId, TeamId } from "../../../schema/Ids.ts"
import { bootstrapMean, type Forecast, type Interval, score, type Scores } from "../Metrics.ts"
import { type EloGoalModel, eloGoalModels, type EloGoalModels, type EloMatch, eloPrior, eloRates, fitEloGoalModels, isFriendly, rateMatches } from "../prior/Elo.ts"
import { priorOf } from "../prior/Prior.ts"
import { remainingShare, soccer, soccerBaselineRates } from "../Soccer.ts"
import { CountText, DecimalText, IsoDate, LogicalText } from "./Csv.ts"

/** A row of `intl_results.csv`. @category schemas */
export const SoccerResult = Schema.Struct({
  date: IsoDate,
  home_team: Schema.NonEmptyString,
  away_team: Schema.NonEmptyString,
  home_score: CountText,
  away_score: CountText,
  tournament: Schema.String,
  neutral: LogicalText
})
export type SoccerResult = typeof SoccerResult.Type
/** @category schemas */
export const soccerResultColumns = ["date", "home_team", "away_team", "home_score", "away_score", "tournament", "neutral"] as const

/** A row of `intl_goalscorers.csv`; a missing minute is `NA` or empty. @category schemas */
export const SoccerGoal = Schema.Struct({
  date: IsoDate,
  home_team: Schema.NonEmptyString,
  away_team: Schema.NonEmptyString,
  team: Schema.NonEmptyString,
  minute: Schema.Union([DecimalText, Schema.Literals(["NA", ""])])
})
export type SoccerGoal = typeof SoccerGoal.Type
/** @category schemas */
export const soccerGoalColumns = ["date", "home_team", "away_team", "team", "minute"] as const

/** @category parameters */
export const soccerProtocol = {
  minutes: [0, 30, 45, 60, 75, 85],
  /** The rating → goals map for matches in year Y is fitted on results of years Y − 20 .. Y − 1 */
  fitWindowYears: 20,
  evaluateFrom: "2000-01-01",
  lastRegulationMinute: 95,
  /** WINPROB.md §1.5, computed on the same set */
  publishedBaseline: { 0: 0.25, 30: 0.187, 45: 0.152, 60: 0.117, 75: 0.081, 85: 0.049 } as Readonly<Record<number, number>>,
  bootstrap: { iterations: 1000, seed: 20260731 }
} as const

/** Scores at one minute. @category models */
export interface MinuteReport {
  readonly minute: number
  readonly publishedBaselineBrier: number | undefined
  readonly stateOnly: Scores
  readonly elo: Scores
  /**
   * The Elo model's forecast conditioned on the selection the evaluation set makes (at least one
   * goal in the match): unchanged once a goal is in, P(home)/P(another goal) while goalless. Use it
   * to read calibration; the plain forecasts are what the Brier targets compare.
   */
  readonly eloGivenAGoal: Scores
  /** Brier(elo) − Brier(state-only): mean over matches with a 95% paired bootstrap interval */
  readonly brierDifference: Interval
  readonly eloBeatsStateOnly: boolean
}

/** @category models */
export interface SoccerReport {
  readonly data: {
    readonly results: number
    readonly goals: number
    readonly completeMatches: number
    readonly evaluated: number
  }
  readonly split: {
    readonly ratings: string
    readonly goalModelFit: string
    readonly evaluation: string
  }
  readonly goalModel: { readonly nextYear: EloGoalModels; readonly production: EloGoalModels; readonly maxCoefficientDifference: number }
  readonly minutes: ReadonlyArray<MinuteReport>
}

const key = (date: string, home: string, away: string) => `${date}|${home}|${away}`
const yearOf = (date: string): number => Number(date.slice(0, 4))

interface Match {
  readonly result: SoccerResult
  readonly difference: number
  readonly friendly: boolean
  readonly models: EloGoalModels
  /** Goal minutes by side, sorted */
  readonly homeMinutes: ReadonlyArray<number>
  readonly awayMinutes: ReadonlyArray<number>
}

/** A soccer state at `minute` for the production model; the league is not read by it. */
const stateAt = (homeScore: number, awayScore: number, minute: number): GameState => ({
  gameId: "0" as GameId,
  league: "ucl",
  sport: "soccer",
  status: "in_progress",
  startTime: 0,
  period: minute < 45 ? 1 : 2,
  overtime: false,
  home: { teamId: "1" as TeamId, abbreviation: "H", name: "home", score: homeScore },
  away: { teamId: "2" as TeamId, abbreviation: "A", name: "away", score: awayScore },
  soccer: { minute, stoppageMinutes: 0 },
  detail: "",
  observedAt: 0
})

const totalRate = (difference: number, model: EloGoalModel): number => {
  const r = eloRates(difference, model)
  return r.home + r.away
}

const stateOnlyPrior = priorOf("none", { home: 0.5, draw: 0.25, away: 0.25 }, "state-only baseline", { rates: soccerBaselineRates })

const minuteReports = (matches: ReadonlyArray<Match>): Array<MinuteReport> =>
  soccerProtocol.minutes.map((minute) => {
    const base: Array<Forecast> = []
    const elo: Array<Forecast> = []
    const conditioned: Array<Forecast> = []
    const diffs: Array<number> = []
    for (const m of matches) {
      const hs = m.homeMinutes.filter((x) => x <= minute).length
      const as = m.awayMinutes.filter((x) => x <= minute).length
      const state = stateAt(hs, as, minute)
      const y = m.result.home_score > m.result.away_score ? 1 : 0
      const pb = soccer(state, stateOnlyPrior).home
      const pe = soccer(state, eloPrior(m.difference, m.friendly, m.models)).home
      base.push({ p: pb, y })
      elo.push({ p: pe, y })
      conditioned.push({ p: hs + as > 0 ? pe : pe / (1 - Math.exp(-totalRate(m.difference, m.friendly ? m.models.friendly : m.models.competitive) * remainingShare(minute))), y })
      diffs.push((pe - y) ** 2 - (pb - y) ** 2)
    }
    const stateOnly = score(base)
    const eloScores = score(elo)
    return {
      minute,
      publishedBaselineBrier: soccerProtocol.publishedBaseline[minute],
      stateOnly,
      elo: eloScores,
      eloGivenAGoal: score(conditioned),
      brierDifference: bootstrapMean(diffs, soccerProtocol.bootstrap.iterations, soccerProtocol.bootstrap.seed + minute),
      eloBeatsStateOnly: eloScores.brier < stateOnly.brier
    }
  })

/**
 * Runs the protocol on decoded rows.
 *
 * @category evaluation
 */
export const evaluateSoccer = (results: ReadonlyArray<SoccerResult>, goals: ReadonlyArray<SoccerGoal>): SoccerReport => {
  const ordered = [...results].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
  const eloMatches: Array<EloMatch> = ordered.map((r) => ({
    date: r.date,
    home: r.home_team,
    away: r.away_team,
    homeGoals: r.home_score,
    awayGoals: r.away_score,
    tournament: r.tournament,
    neutral: r.neutral
  }))
  const { rated } = rateMatches(eloMatches)
  const byYear = new Map<number, EloGoalModels>()
  const modelFor = (year: number): EloGoalModels => {
    const hit = byYear.get(year)
    if (hit !== undefined) return hit
    const model = fitEloGoalModels(rated.filter((m) => yearOf(m.date) >= year - soccerProtocol.fitWindowYears && yearOf(m.date) < year))
    byYear.set(year, model)
    return model
  }

  const goalsByMatch = new Map<string, Array<SoccerGoal>>()
  for (const g of goals) {
    const k = key(g.date, g.home_team, g.away_team)
    const list = goalsByMatch.get(k)
    if (list === undefined) goalsByMatch.set(k, [g])
    else list.push(g)
  }

  let complete = 0
  const evaluated: Array<Match> = []
  ordered.forEach((r, i) => {
    const list = goalsByMatch.get(key(r.date, r.home_team, r.away_team)) ?? []
    if (list.length !== r.home_score + r.away_score) return
    const minutes = list.map((g) => g.minute)
    if (minutes.some((m) => typeof m !== "number")) return
    complete++
    if (r.date < soccerProtocol.evaluateFrom) return
    const numeric = minutes as Array<number>
    if (numeric.some((m) => m > soccerProtocol.lastRegulationMinute)) return
    // A goal credited to neither side (a renamed team) leaves the score line unknown
    if (list.some((g) => g.team !== r.home_team && g.team !== r.away_team)) return
    const match: Match = {
      result: r,
      difference: rated[i]!.difference,
      friendly: isFriendly(r.tournament),
      models: modelFor(yearOf(r.date)),
      homeMinutes: list.filter((g) => g.team === r.home_team).map((g) => g.minute as number).sort((a, b) => a - b),
      awayMinutes: list.filter((g) => g.team === r.away_team).map((g) => g.minute as number).sort((a, b) => a - b)
    }
    if (list.length > 0) evaluated.push(match)
  })

  // The production map is the walk-forward fit for the year after the newest result
  const nextYear = ordered.length === 0 ? 0 : yearOf(ordered[ordered.length - 1]!.date) + 1
  const fitted = modelFor(nextYear)
  const gap = (a: EloGoalModel, b: EloGoalModel) =>
    Math.max(Math.abs(a.homeIntercept - b.homeIntercept), Math.abs(a.homeSlope - b.homeSlope), Math.abs(a.awayIntercept - b.awayIntercept), Math.abs(a.awaySlope - b.awaySlope))
  const coefficientGap = Math.max(gap(fitted.competitive, eloGoalModels.competitive), gap(fitted.friendly, eloGoalModels.friendly))
  return {
    data: { results: results.length, goals: goals.length, completeMatches: complete, evaluated: evaluated.length },
    split: {
      ratings: "World Football Elo, walk-forward over every result from the first (each match rated before its own result)",
      goalModelFit: `walk-forward: a match in year Y uses the map fitted on results of years Y-${soccerProtocol.fitWindowYears}..Y-1; production uses the fit for ${nextYear}`,
      evaluation: `complete goal lists from ${soccerProtocol.evaluateFrom}, at least one goal, no goal after minute ${soccerProtocol.lastRegulationMinute}`
    },
    goalModel: { nextYear: fitted, production: eloGoalModels, maxCoefficientDifference: coefficientGap },
    minutes: minuteReports(evaluated)
  }
}
