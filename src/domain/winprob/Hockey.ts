/**
 * Hockey (NHL): Poisson goals over the time left, then overtime and the shootout.
 *
 * **Regulation.** Each side's remaining goals are Poisson with its rate times the time left
 * (WINPROB.md §1.5; Burke's theoretical NHL model). Rates come from the prior: the total line
 * (or 6.0 goals, about the 2022–24 league average, unverified) split so that the full game,
 * overtime included, reproduces the prior's P(home).
 *
 * **Pulled goalie.** Scoring rises late (WINPROB.md §1.5, "known violations"): in the last 120 s
 * of regulation a side trailing by one or two plays 6-on-5, which here doubles its rate and
 * multiplies the leader's (empty-net goals) by 3.5. Approximate factors, unverified; they move
 * late-game tails toward what the market prices.
 *
 * **Overtime.** Regular season: 5 minutes of 3-on-3, sudden death, with a goal rate 1.8 times
 * regulation (about 60% of overtimes end with a goal; approximate), then a shootout taken as a coin
 * flip (ESPN numbers it period 5). Playoffs: 20-minute 5-on-5 sudden-death periods until a goal, so
 * P(home) = λ_h/(λ_h + λ_a), and a tied regulation is worth that. A game is a playoff game when the
 * feed says so (`postseason`, ESPN's season type) or when an overtime shows more than 5 minutes
 * left; a game not flagged postseason in period 5 or later with 5 minutes or less on the clock is
 * read as a regular-season shootout.
 *
 * @since 0.1.0
 */
import type { GameState } from "../../schema/GameState.ts"
import { lead, memo, settled } from "./Common.ts"
import { bisect, poissonPmf } from "./Distributions.ts"
import { finish } from "./Goals.ts"
import { homeShare, type Prior } from "./prior/Prior.ts"
import { twoWay, type WinProbability } from "./WinProbability.ts"

/** @category parameters */
export const hockeyParameters = {
  regulationSeconds: 3600,
  overtimeSeconds: 300,
  defaultTotal: 6.0,
  /** Pre-game P(home) with no team information (long-run NHL home win rate, approximate) */
  homeEdge: 0.545,
  overtimeRateFactor: 1.8,
  shootoutHome: 0.5,
  pulledGoalieSeconds: 120,
  pulledGoalieTrailingFactor: 2.0,
  pulledGoalieLeadingFactor: 3.5
} as const

type Rates = { readonly home: number; readonly away: number }

/** P(home) in a regular-season overtime that starts level, with per-60-minute rates. */
const regularOvertime = (rates: Rates, secondsLeft: number): number => {
  const total = (rates.home + rates.away) * hockeyParameters.overtimeRateFactor * (secondsLeft / 3600)
  const goal = 1 - Math.exp(-total)
  return goal * (rates.home / (rates.home + rates.away)) + (1 - goal) * hockeyParameters.shootoutHome
}

const playoffOvertime = (rates: Rates): number => rates.home / (rates.home + rates.away)

/** P(home) from a regulation state with `seconds` left and home lead `d`. */
const regulation = (rates: Rates, d: number, seconds: number, tieValue: number): number => {
  const p = hockeyParameters
  const perSecond = { home: rates.home / 3600, away: rates.away / 3600 }
  const late = Math.min(seconds, p.pulledGoalieSeconds)
  const early = seconds - late
  // The last stretch from home lead e: a side trailing by one or two has pulled its goalie
  const lateValue = (e: number): number => {
    const pulled = e !== 0 && Math.abs(e) <= 2
    const homeFactor = !pulled ? 1 : e < 0 ? p.pulledGoalieTrailingFactor : p.pulledGoalieLeadingFactor
    const awayFactor = !pulled ? 1 : e < 0 ? p.pulledGoalieLeadingFactor : p.pulledGoalieTrailingFactor
    const f = finish(e, perSecond.home * late * homeFactor, perSecond.away * late * awayFactor)
    return f.home + f.level * tieValue
  }
  if (early === 0) return lateValue(d)
  const homeGoals = poissonPmf(perSecond.home * early)
  const awayGoals = poissonPmf(perSecond.away * early)
  const byLead = new Map<number, number>()
  let total = 0
  for (let i = 0; i < homeGoals.length; i++) {
    for (let j = 0; j < awayGoals.length; j++) {
      const e = d + i - j
      let v = byLead.get(e)
      if (v === undefined) {
        v = lateValue(e)
        byLead.set(e, v)
      }
      total += homeGoals[i]! * awayGoals[j]! * v
    }
  }
  return total
}

const ratesMemo = memo<Rates>()

/** The value of a tied regulation: the regular-season overtime and shootout, or playoff sudden death. */
const tieValueOf = (rates: Rates, postseason: boolean): number =>
  postseason ? playoffOvertime(rates) : regularOvertime(rates, hockeyParameters.overtimeSeconds)

/** Per-60-minute goal rates the prior implies (under the game's overtime rules). @category parameters */
export const hockeyRates = (prior: Prior, postseason = false): Rates => {
  if (prior.rates !== undefined) return prior.rates
  const total = prior.total ?? hockeyParameters.defaultTotal
  const target = homeShare(prior)
  return ratesMemo(`${target}:${total}:${postseason}`, () => {
    const start = (s: number) => {
      const rates = { home: (total + s) / 2, away: (total - s) / 2 }
      return regulation(rates, 0, hockeyParameters.regulationSeconds, tieValueOf(rates, postseason))
    }
    const s = bisect((x) => start(x) - target, -total + 1e-6, total - 1e-6, 1e-10)
    return { home: (total + s) / 2, away: (total - s) / 2 }
  })
}

/** @category models */
export const hockey = (state: GameState, prior: Prior): WinProbability => {
  const done = settled(state)
  if (done !== undefined) return done
  const p = hockeyParameters
  const postseason = state.postseason === true
  const rates = hockeyRates(prior, postseason)
  const d = lead(state)
  if (state.overtime) {
    const left = state.periodSecondsRemaining ?? p.overtimeSeconds
    const playoff = postseason || left > p.overtimeSeconds
    if (d !== 0) return twoWay(d > 0 ? 1 : 0)
    if (playoff) return twoWay(playoffOvertime(rates))
    // Period 5 of a regular-season game is the shootout
    return twoWay(state.period >= 5 ? p.shootoutHome : regularOvertime(rates, left))
  }
  const seconds = Math.min(state.secondsRemaining ?? p.regulationSeconds, p.regulationSeconds)
  return twoWay(regulation(rates, d, seconds, tieValueOf(rates, postseason)))
}
