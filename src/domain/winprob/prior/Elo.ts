/**
 * Elo ratings for national football teams, and the prior they give a match when there are no odds.
 *
 * **Ratings** follow the World Football Elo method (eloratings.net): everyone starts at 1500; the
 * home side gets +100 unless the ground is neutral; the expected result is
 * W_e = 1 / (10^(−dr/400) + 1); after the match both ratings move by K·G·(W − W_e), with W = 1, ½ or
 * 0 and K by competition (60 World Cup finals; 50 continental championship finals and major
 * intercontinental tournaments; 40 World Cup and continental qualifiers and the Nations Leagues;
 * 30 other tournaments; 20 friendlies) and G by goal difference (1; 1.5 for two; 1.75 for three;
 * 1.75 + (N − 3)/8 beyond). Ratings are computed walk-forward, so a match's rating difference only
 * uses earlier results. None of these constants is fitted here.
 *
 * **Goals.** The rating difference dr (home advantage included) maps to expected goals by two
 * Poisson regressions, log λ_home = a_h + b_h·dr/400 and log λ_away = a_a − b_a·dr/400, fitted by
 * {@link fitEloGoals} separately for friendlies and for competitive matches: friendlies are much
 * less predictable (squads are rotated), with slopes near 0.6 against about 0.8 in competition.
 * Home advantage and scoring drift over decades, so the maps are refitted on a 20-year window: the
 * evaluation (`arbees eval winprob --soccer`) scores each match of year Y with the fit on years
 * Y−20..Y−1 only, and the production coefficients below are that fit for 2027 (results 2007–2026
 * of `shared/data/soccer/intl_results.csv`); the tool prints both. The ratings are for national
 * teams: club leagues need a priced prior.
 *
 * @since 0.1.0
 */
import { finish } from "../Goals.ts"
import { type Prior, priorOf } from "./Prior.ts"

/** @category models */
export interface EloMatch {
  readonly date: string
  readonly home: string
  readonly away: string
  readonly homeGoals: number
  readonly awayGoals: number
  readonly tournament: string
  readonly neutral: boolean
}

/** A match with the ratings both sides carried into it. @category models */
export interface RatedMatch extends EloMatch {
  readonly homeRating: number
  readonly awayRating: number
  /** homeRating − awayRating + home advantage (0 on neutral ground) */
  readonly difference: number
}

/** @category parameters */
export const eloParameters = { initial: 1500, homeAdvantage: 100 } as const

const MAJOR_FINALS = new Set([
  "UEFA Euro",
  "Copa América",
  "African Cup of Nations",
  "AFC Asian Cup",
  "Gold Cup",
  "CONCACAF Championship",
  "Oceania Nations Cup",
  "Confederations Cup",
  "FIFA Confederations Cup"
])

/** The K factor of a competition (eloratings.net). @category ratings */
export const kFactor = (tournament: string): number => {
  if (tournament === "FIFA World Cup") return 60
  if (MAJOR_FINALS.has(tournament)) return 50
  if (tournament.includes("qualification") || tournament.includes("Nations League")) return 40
  if (tournament === "Friendly") return 20
  return 30
}

/** The goal-difference multiplier G. @category ratings */
export const goalMultiplier = (goalDifference: number): number => {
  const n = Math.abs(goalDifference)
  return n <= 1 ? 1 : n === 2 ? 1.5 : n === 3 ? 1.75 : 1.75 + (n - 3) / 8
}

/** Expected result for the home side at rating difference dr. @category ratings */
export const expectedResult = (difference: number): number => 1 / (10 ** (-difference / 400) + 1)

/**
 * Rates every match in order (sort by date first), returning each match with its pre-match
 * ratings, and the final ratings.
 *
 * @category ratings
 */
export const rateMatches = (matches: ReadonlyArray<EloMatch>): { readonly rated: Array<RatedMatch>; readonly ratings: Map<string, number> } => {
  const ratings = new Map<string, number>()
  const rated: Array<RatedMatch> = []
  for (const m of matches) {
    const homeRating = ratings.get(m.home) ?? eloParameters.initial
    const awayRating = ratings.get(m.away) ?? eloParameters.initial
    const difference = homeRating - awayRating + (m.neutral ? 0 : eloParameters.homeAdvantage)
    rated.push({ ...m, homeRating, awayRating, difference })
    const result = m.homeGoals > m.awayGoals ? 1 : m.homeGoals === m.awayGoals ? 0.5 : 0
    const change = kFactor(m.tournament) * goalMultiplier(m.homeGoals - m.awayGoals) * (result - expectedResult(difference))
    ratings.set(m.home, homeRating + change)
    ratings.set(m.away, awayRating - change)
  }
  return { rated, ratings }
}

/** Expected goals from a rating difference. @category models */
export interface EloGoalModel {
  readonly homeIntercept: number
  readonly homeSlope: number
  readonly awayIntercept: number
  readonly awaySlope: number
}

/** Goal maps for competitive matches and for friendlies. @category models */
export interface EloGoalModels {
  readonly competitive: EloGoalModel
  readonly friendly: EloGoalModel
}

/** Production coefficients: the fits on results of 2007–2026 (see the module header). @category parameters */
export const eloGoalModels: EloGoalModels = {
  competitive: { homeIntercept: 0.2194, homeSlope: 0.7201, awayIntercept: 0.1719, awaySlope: 0.7868 },
  friendly: { homeIntercept: 0.2066, homeSlope: 0.6415, awayIntercept: 0.109, awaySlope: 0.6834 }
}

/** Whether a competition is a friendly (the Elo K = 20 class). @category ratings */
export const isFriendly = (tournament: string): boolean => tournament === "Friendly"

/** Expected goals per match for each side at rating difference dr. @category models */
export const eloRates = (difference: number, model: EloGoalModel): { readonly home: number; readonly away: number } => ({
  home: Math.exp(model.homeIntercept + (model.homeSlope * difference) / 400),
  away: Math.exp(model.awayIntercept - (model.awaySlope * difference) / 400)
})

/** Poisson regression of goals on x = ±dr/400 with a log link, by Newton's method. */
const poissonRegression = (xs: ReadonlyArray<number>, goals: ReadonlyArray<number>): { readonly intercept: number; readonly slope: number } => {
  const n = xs.length
  const mean = goals.reduce((a, b) => a + b, 0) / n
  let a = Math.log(Math.max(mean, 1e-6))
  let b = 0
  for (let iteration = 0; iteration < 100; iteration++) {
    let g0 = 0
    let g1 = 0
    let h00 = 0
    let h01 = 0
    let h11 = 0
    for (let i = 0; i < n; i++) {
      const x = xs[i]!
      const mu = Math.exp(a + b * x)
      const r = goals[i]! - mu
      g0 += r
      g1 += r * x
      h00 += mu
      h01 += mu * x
      h11 += mu * x * x
    }
    const det = h00 * h11 - h01 * h01
    const da = (h11 * g0 - h01 * g1) / det
    const db = (h00 * g1 - h01 * g0) / det
    a += da
    b += db
    if (Math.abs(da) + Math.abs(db) < 1e-12) break
  }
  return { intercept: a, slope: b }
}

/**
 * Fits the rating-difference → expected-goals model on rated matches (Poisson maximum likelihood).
 *
 * @category fitting
 */
export const fitEloGoals = (matches: ReadonlyArray<RatedMatch>): EloGoalModel => {
  const x = matches.map((m) => m.difference / 400)
  const home = poissonRegression(x, matches.map((m) => m.homeGoals))
  const away = poissonRegression(x.map((v) => -v), matches.map((m) => m.awayGoals))
  return { homeIntercept: home.intercept, homeSlope: home.slope, awayIntercept: away.intercept, awaySlope: away.slope }
}

/** Fits both maps: competitive matches and friendlies. @category fitting */
export const fitEloGoalModels = (matches: ReadonlyArray<RatedMatch>): EloGoalModels => ({
  competitive: fitEloGoals(matches.filter((m) => !isFriendly(m.tournament))),
  friendly: fitEloGoals(matches.filter((m) => isFriendly(m.tournament)))
})

/**
 * The prior for a match at rating difference dr (home advantage included): Poisson three-way
 * probabilities and the expected goals, `source: "elo"`.
 *
 * @category constructors
 */
export const eloPrior = (difference: number, friendly: boolean, models: EloGoalModels = eloGoalModels): Prior => {
  const rates = eloRates(difference, friendly ? models.friendly : models.competitive)
  const f = finish(0, rates.home, rates.away)
  return priorOf("elo", { home: f.home, draw: f.level, away: f.away }, `Elo difference ${Math.round(difference)}${friendly ? ", friendly" : ""}`, { rates })
}
