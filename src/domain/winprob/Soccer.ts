/**
 * Soccer (MLS, European leagues, internationals): Poisson goals over the time left, with the
 * empirical goal-time intensity and the draw kept as an outcome.
 *
 * Each side's remaining goals are Poisson(λ·Λ_rem(t)), where λ is its expected goals over a full
 * match and Λ_rem(t) the share of a match's goals still to come after minute t (WINPROB.md §1.5):
 *
 * - **Intensity.** Goal shares by 15-minute bin, computed on the 15,468 internationals with
 *   complete goal minutes in `shared/data/soccer`: .119, .145, .157, .176, .168, .185 and .049 for
 *   90'+ (stoppage time). Linear within a bin; the 90'+ share is spread over an assumed 5 minutes
 *   of stoppage (unverified; modern matches often play more).
 * - **Rates.** From the prior: Elo-derived rates directly (`prior/Elo.ts`), otherwise solved from
 *   the three-way price (`Goals.ts`), using the total line when there is one. With no prior, the
 *   international averages 1.78 home and 1.22 away per match (computed, 2000+ internationals).
 * - **Red cards.** Each red card scales the penalised side's rate by 0.67 and the opponent's by
 *   1.15. Vecer, Kopriva & Ichiba (JQAS 2009) estimate from betting data that the penalised side's
 *   intensity drops significantly while the opponent's rises slightly; these factors are an
 *   approximate reading of that finding, unverified.
 *
 * The result is three-way: P(home), P(draw), P(away) at the end of regulation (90' + stoppage),
 * which is how every soccer market arbees trades settles: the matcher takes only moneylines and
 * refuses "to advance" and "to qualify" markets (`domain/matching/Fuzzy.ts`, `isNonMoneyline`; a
 * Polymarket `sportsMarketType` other than `moneyline`), and the league-play and Champions League
 * moneylines on both venues settle on 90 minutes plus stoppage with the draw as its own outcome. So
 * once a knockout game goes to extra time or a shootout (a period after the second, or `overtime`),
 * regulation has ended level: the draw is certain, whoever goes on to advance, and a final game
 * that went beyond 90 minutes is a draw too (ESPN's winner there is the side that advanced).
 *
 * @since 0.1.0
 */
import type { GameState } from "../../schema/GameState.ts"
import { lead, memo, settled } from "./Common.ts"
import { finish, ratesForShare, ratesForThreeWay } from "./Goals.ts"
import type { Prior } from "./prior/Prior.ts"
import { threeWay, type WinProbability } from "./WinProbability.ts"

/** Goal shares per 15-minute bin (0–14 … 75–89) and for 90'+ (computed; see header). @category parameters */
export const goalShares = [0.119, 0.145, 0.157, 0.176, 0.168, 0.185] as const
/** @category parameters */
export const stoppageShare = 0.049
/** @category parameters */
export const expectedStoppageMinutes = 5
/** @category parameters */
export const redCardFactors = { penalised: 0.67, opponent: 1.15 } as const
/** Expected goals per match with no team information (internationals since 2000, computed). @category parameters */
export const soccerBaselineRates = { home: 1.78, away: 1.22 } as const

/**
 * The share of a match's goals still to come after `minute` of regulation (0..90) and, from the
 * 90th minute, `stoppage` minutes of added time.
 *
 * @category kernels
 */
export const remainingShare = (minute: number, stoppage = 0): number => {
  if (minute >= 90) return stoppageShare * Math.max(0, 1 - stoppage / expectedStoppageMinutes)
  const m = Math.max(0, minute)
  let rest = stoppageShare
  for (let i = 0; i < goalShares.length; i++) {
    const lo = 15 * i
    const hi = lo + 15
    if (m <= lo) rest += goalShares[i]!
    else if (m < hi) rest += (goalShares[i]! * (hi - m)) / 15
  }
  return rest
}

const ratesMemo = memo<{ readonly home: number; readonly away: number }>()

/** Full-match expected goals the prior implies. @category parameters */
export const soccerRates = (prior: Prior): { readonly home: number; readonly away: number } => {
  if (prior.rates !== undefined) return prior.rates
  if (prior.source === "none") return soccerBaselineRates
  return ratesMemo(`${prior.home}:${prior.draw}:${prior.away}:${prior.total ?? ""}`, () =>
    prior.total !== undefined
      ? ratesForShare(prior.home / (prior.home + prior.away), prior.total)
      : prior.draw > 0
      ? ratesForThreeWay(prior.home, prior.draw, prior.away)
      : ratesForShare(prior.home / (prior.home + prior.away), soccerBaselineRates.home + soccerBaselineRates.away))
}

/** Minutes played (0..90) and stoppage, from the state. */
const clock = (state: GameState): { readonly minute: number; readonly stoppage: number } => {
  if (state.soccer !== undefined) return { minute: Math.min(90, state.soccer.minute), stoppage: state.soccer.stoppageMinutes }
  if (state.status === "halftime") return { minute: 45, stoppage: 0 }
  if (state.secondsRemaining !== undefined) return { minute: Math.max(0, 90 - state.secondsRemaining / 60), stoppage: 0 }
  return { minute: 0, stoppage: 0 }
}

/** @category models */
export const soccer = (state: GameState, prior: Prior): WinProbability => {
  // Extra time or a shootout: regulation ended level, and the markets settle on regulation
  if (state.overtime || state.period > 2) return threeWay(0, 1, 0)
  const done = settled(state)
  if (done !== undefined) return done
  const rates = soccerRates(prior)
  const { minute, stoppage } = clock(state)
  // Stoppage at the end of the first half does not move the second-half clock
  const share = minute < 90 ? remainingShare(minute) : remainingShare(90, stoppage)
  const reds = { home: state.soccer?.homeRedCards ?? 0, away: state.soccer?.awayRedCards ?? 0 }
  const home = rates.home * redCardFactors.penalised ** reds.home * redCardFactors.opponent ** reds.away
  const away = rates.away * redCardFactors.penalised ** reds.away * redCardFactors.opponent ** reds.home
  const f = finish(lead(state), home * share, away * share)
  return threeWay(f.home, f.level, f.away)
}
