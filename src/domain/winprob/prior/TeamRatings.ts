/**
 * The team-rating prior of a live game with no line: a shipped ratings file (`data/ratings/`, built
 * by `scripts/winprob-ratings.ts` from public results, with its provenance in the file), read at
 * start-up and carried forward by the games arbees has seen finish since (`withResults`), and the
 * Elo prior it gives a game.
 *
 * The ratings are the walk-forward team Elo of `TeamElo.ts` run to the file's last result. A rating
 * is carried into the game's season with the same season regression the evaluation uses, so a file
 * a few seasons old pulls every team toward the mean rather than trusting old strength. The home
 * side gets the Elo home advantage (a live state does not say whether the site is neutral). A game
 * with a team the file does not rate gets no rating prior: the caller falls back to the league
 * home edge (`noPrior`), flagged `none`.
 *
 * **Precedence** (`livePrior`): a line from the pre-game odds beats a rating, a rating beats
 * nothing; a prior from a line is never replaced, and a rating or no prior is replaced as soon as a
 * line arrives.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import type { GameState } from "../../../schema/GameState.ts"
import { Sport } from "../../../schema/Sport.ts"
import { expectedResult } from "./Elo.ts"
import { type Prior, priorOf } from "./Prior.ts"
import { noPrior, priorFromOdds } from "./Priors.ts"
import { carriedRating, finalRatings, type TeamResult } from "./TeamElo.ts"

/** A ratings file (`data/ratings/<sport>.json`). @category schemas */
export const TeamRatingsFile = Schema.Struct({
  sport: Sport,
  /** How the ratings were computed, in words */
  method: Schema.String,
  parameters: Schema.Struct({ k: Schema.Finite, homeAdvantage: Schema.Finite, seasonCarry: Schema.Finite }),
  /** Where the results came from: repository, commit and paths */
  sources: Schema.Array(Schema.String),
  /** How many results were rated, and the date of the last one (YYYY-MM-DD) */
  results: Schema.Int,
  through: Schema.String,
  /** The rating and the season of its last game, by ESPN team id */
  ratings: Schema.Record(Schema.String, Schema.Struct({ rating: Schema.Finite, season: Schema.Int }))
})
export type TeamRatingsFile = typeof TeamRatingsFile.Type

/**
 * The season a game belongs to: college football's runs from August to January, so a game before
 * July counts for the season that began the year before. Other sports: the calendar year.
 *
 * @category accessors
 */
export const seasonOf = (sport: Sport, startTime: number): number => {
  const date = new Date(startTime)
  return sport === "ncaaf" && date.getUTCMonth() < 6 ? date.getUTCFullYear() - 1 : date.getUTCFullYear()
}

const rounded = (x: number): string => String(Math.round(x))

/**
 * A ratings file carried forward by later results (the games arbees itself saw finish), in date
 * order from the file's ratings: the count, the last date and the sources say so. The results must
 * be of the file's sport; those on or before the file's last date are left out (they may be in it
 * already).
 *
 * @category priors
 */
export const withResults = (file: TeamRatingsFile, results: ReadonlyArray<TeamResult>, source: string): TeamRatingsFile => {
  const after = Date.parse(`${file.through}T00:00:00Z`) + 86_400_000
  const later = results.filter((r) => r.startTime >= after)
  if (later.length === 0) return file
  const ratings = finalRatings(later, file.parameters, new Map(Object.entries(file.ratings)))
  const last = Math.max(...later.map((r) => r.startTime))
  return {
    ...file,
    sources: [...file.sources, `${source} (${later.length} results)`],
    results: file.results + later.length,
    through: new Date(last).toISOString().slice(0, 10),
    ratings: Object.fromEntries(ratings)
  }
}

/**
 * The Elo prior of a game from a ratings file, or `undefined` when the file is for another sport
 * or does not rate both teams.
 *
 * @category priors
 */
export const ratingPrior = (file: TeamRatingsFile, state: Pick<GameState, "sport" | "startTime" | "home" | "away" | "neutralSite">): Prior | undefined => {
  if (file.sport !== state.sport) return undefined
  const home = file.ratings[state.home.teamId]
  const away = file.ratings[state.away.teamId]
  if (home === undefined || away === undefined) return undefined
  const season = seasonOf(state.sport, state.startTime)
  const h = carriedRating(home, season, file.parameters)
  const a = carriedRating(away, season, file.parameters)
  // The ratings were fitted with no home edge at neutral sites (`TeamElo.ts`); a live prior must match
  const edge = state.neutralSite === true ? 0 : file.parameters.homeAdvantage
  const p = expectedResult(h + edge - a)
  return priorOf(
    "elo",
    { home: p, away: 1 - p },
    `team Elo ${rounded(h)} v ${rounded(a)} + ${state.neutralSite === true ? "neutral site" : `home ${edge}`} for ${season} (data/ratings/${file.sport}.json: ${file.results} results through ${file.through})`
  )
}

/** Whether a prior comes from a bookmaker line or venue prices (never replaced by a rating). @category predicates */
export const fromLine = (prior: Prior): boolean => prior.source === "moneyline" || prior.source === "spread" || prior.source === "market"

/**
 * The prior a live game should use now: the current one if it came from a line; else the odds'
 * line if the state carries one; else the team rating; else the league home edge (`none`).
 *
 * @category priors
 */
export const livePrior = (current: Prior | undefined, state: GameState, ratings: ReadonlyArray<TeamRatingsFile>): Prior => {
  if (current !== undefined && fromLine(current)) return current
  if (state.odds !== undefined) {
    const odds = priorFromOdds(state.sport, state.odds)
    if (fromLine(odds)) return odds
  }
  if (current !== undefined && current.source === "elo") return current
  for (const file of ratings) {
    const rated = ratingPrior(file, state)
    if (rated !== undefined) return rated
  }
  return current ?? noPrior(state.sport, state.neutralSite === true)
}
