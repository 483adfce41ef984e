/**
 * A walk-forward Elo rating for leagues with no public rating file: the prior for games with no
 * usable line, rated only from results that were final before the game started.
 *
 * Standard Elo: expected result 1 / (1 + 10^(−(R_home + H − R_away)/400)), update K·(result −
 * expected) scaled by the margin (ln(|margin| + 1), capped), new teams at 1500, and a third of the
 * way back to 1500 between seasons. H and K are per league (college football: H = 55, K = 25;
 * conventional values, unverified, not fitted). Pure: the caller orders nothing, the function sorts
 * by start time.
 *
 * @since 0.1.0
 */
import { expectedResult } from "./Elo.ts"
import { type Prior, priorOf } from "./Prior.ts"

/** A finished game to rate from. @category models */
export interface TeamResult {
  readonly eventId: string
  readonly season: number
  readonly startTime: number
  readonly home: string
  readonly away: string
  readonly homeScore: number
  readonly awayScore: number
  readonly neutral?: boolean
}

/** @category parameters */
export interface TeamEloParameters {
  readonly k: number
  readonly homeAdvantage: number
  readonly seasonCarry: number
}

/** @category parameters */
export const teamEloParameters: TeamEloParameters = { k: 25, homeAdvantage: 55, seasonCarry: 2 / 3 }

/** The pre-game rating prior of one game. @category models */
export interface RatedGame {
  readonly home: number
  readonly ratedResults: number
}

/** A team's rating after its last rated game, and the season of that game. @category models */
export interface TeamRating {
  readonly rating: number
  readonly season: number
}

const replay = (
  results: ReadonlyArray<TeamResult>,
  params: TeamEloParameters,
  before: (game: TeamResult, expected: number, seen: number) => void,
  initial: ReadonlyMap<string, TeamRating> = new Map()
): Map<string, TeamRating> => {
  const games = [...results].sort((a, b) => a.startTime - b.startTime || a.eventId.localeCompare(b.eventId))
  const ratings = new Map<string, TeamRating>(initial)
  let seen = 0
  for (const g of games) {
    const h = carriedRating(ratings.get(g.home), g.season, params)
    const a = carriedRating(ratings.get(g.away), g.season, params)
    const edge = g.neutral === true ? 0 : params.homeAdvantage
    const expected = expectedResult(h + edge - a)
    before(g, expected, seen)
    const margin = g.homeScore - g.awayScore
    const result = margin > 0 ? 1 : margin < 0 ? 0 : 0.5
    const scale = Math.min(3, Math.log(Math.abs(margin) + 1))
    const delta = params.k * scale * (result - expected)
    ratings.set(g.home, { rating: h + delta, season: g.season })
    ratings.set(g.away, { rating: a - delta, season: g.season })
    seen++
  }
  return ratings
}

/**
 * A rating carried into `season`: unchanged within its own season, a third of the way back to
 * 1500 for each season since (`seasonCarry`); an unrated team is 1500.
 *
 * @category priors
 */
export const carriedRating = (rated: TeamRating | undefined, season: number, params: TeamEloParameters = teamEloParameters): number => {
  if (rated === undefined) return 1500
  return rated.season >= season ? rated.rating : 1500 + (rated.rating - 1500) * params.seasonCarry ** (season - rated.season)
}

/**
 * P(home wins) before each game, from the results of the games before it.
 *
 * @category priors
 */
export const walkForwardElo = (results: ReadonlyArray<TeamResult>, params: TeamEloParameters = teamEloParameters): Map<string, RatedGame> => {
  const out = new Map<string, RatedGame>()
  replay(results, params, (g, expected, seen) => out.set(g.eventId, { home: expected, ratedResults: seen }))
  return out
}

/**
 * Every team's rating after all the results (what a ratings file ships for the live prior),
 * starting from `initial` (a shipped file's ratings) or from 1500.
 *
 * @category priors
 */
export const finalRatings = (
  results: ReadonlyArray<TeamResult>,
  params: TeamEloParameters = teamEloParameters,
  initial: ReadonlyMap<string, TeamRating> = new Map()
): Map<string, TeamRating> => replay(results, params, () => {}, initial)

/** The prior of a rated game. @category priors */
export const eloGamePrior = (rated: RatedGame): Prior =>
  priorOf("elo", { home: rated.home, away: 1 - rated.home }, `walk-forward Elo from ${rated.ratedResults} earlier results`)
