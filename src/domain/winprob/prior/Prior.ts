/**
 * The pre-game prior every model starts from: the market's (or a rating's) view of the game before
 * it begins.
 *
 * A prior is three pre-game probabilities plus, where known, the expected total and the expected
 * score of each side. Models turn it into their own parameters (a drift for the Gaussian sports, goal
 * rates for the Poisson sports, serve-point probabilities for tennis). A prior built with no market
 * and no rating is `source: "none"`: it carries only the league's home advantage and downstream
 * signals refuse model-edge trades on it (`signals.requirePrior`).
 *
 * @since 0.1.0
 */
import type { Sport } from "../../../schema/Sport.ts"

/**
 * Where a prior came from: a bookmaker line (`moneyline`, `spread`), venue prices (`market`), our
 * Elo (`elo`), someone else's rating model such as ESPN's matchup predictor (`rating`), or nothing
 * (`none`: no team-strength information at all).
 *
 * @category models
 */
export type PriorSource = "moneyline" | "spread" | "market" | "elo" | "rating" | "none"

/** @category models */
export interface Prior {
  readonly source: PriorSource
  /** Pre-game P(home wins), P(draw), P(away wins), summing to 1; draw is 0 where games cannot end level */
  readonly home: number
  readonly draw: number
  readonly away: number
  /** Expected total points, goals or runs in regulation, when a total line or a rating gives it */
  readonly total?: number
  /** Expected goals of each side over regulation (Poisson sports), when the source gives them directly */
  readonly rates?: { readonly home: number; readonly away: number }
  /** Human-readable provenance, e.g. "consensus ML -142/+121, Shin" */
  readonly detail: string
}

/** Whether the prior carries team-strength information (anything but `none`). @category predicates */
export const hasPrior = (prior: Prior): boolean => prior.source !== "none"

/** P(home wins) with draws removed: the two-way strength the Gaussian and tennis models need. @category accessors */
export const homeShare = (prior: Prior): number => {
  const decided = prior.home + prior.away
  return decided > 0 ? prior.home / decided : 0.5
}

/**
 * League facts used when there is no prior: the home edge with no team-strength information.
 * Sources are in the model modules (basketball and football: Winston, *Mathletics* ch. 43; hockey
 * and baseball: long-run home win rates; soccer: computed on `shared/data/soccer`).
 *
 * @category models
 */
export interface LeagueBaseline {
  /** Pre-game P(home), P(draw), P(away) with no team information */
  readonly home: number
  readonly draw: number
  readonly away: number
  readonly total?: number
  readonly rates?: { readonly home: number; readonly away: number }
}

/** Builds a prior from explicit probabilities, normalised to sum to 1. @category constructors */
export const priorOf = (
  source: PriorSource,
  probabilities: { readonly home: number; readonly draw?: number; readonly away: number },
  detail: string,
  extra?: { readonly total?: number | undefined; readonly rates?: { readonly home: number; readonly away: number } | undefined }
): Prior => {
  const draw = probabilities.draw ?? 0
  const sum = probabilities.home + draw + probabilities.away
  if (!(sum > 0) || !Number.isFinite(sum)) throw new RangeError(`prior probabilities must have a positive sum, were ${probabilities.home}, ${draw}, ${probabilities.away}`)
  return {
    source,
    home: probabilities.home / sum,
    draw: draw / sum,
    away: probabilities.away / sum,
    ...(extra?.total !== undefined ? { total: extra.total } : {}),
    ...(extra?.rates !== undefined ? { rates: extra.rates } : {}),
    detail
  }
}

/** The neutral prior for a sport: league home edge only, flagged `none`. @category constructors */
export const noPriorFrom = (sport: Sport, baseline: LeagueBaseline, edge = "league home edge only"): Prior =>
  priorOf("none", baseline, `no prior for ${sport}: ${edge}`, { total: baseline.total, rates: baseline.rates })
