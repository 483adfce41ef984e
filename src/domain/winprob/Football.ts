/**
 * American football (NFL, NCAAF): the Stern/PFR Gaussian with expected points and the pre-game
 * spread as a decaying drift.
 *
 * The final home margin is M ~ N(L + V + μτ, σ²τ′) and P(home) = P(M > ½) + P(|M| < ½)·P(OT),
 * where (WINPROB.md §1.2–1.3):
 *
 * - `L` is the home lead and `τ` the fraction of regulation left;
 * - `V` is the value of the ball: the expected points (`ExpectedPoints.ts`) of the current down,
 *   distance and field position, signed for the team with the ball. In the first half the team
 *   that will receive the second-half kickoff is credited with a kickoff's EP, so at the opening
 *   kickoff the two cancel (as nflfastR's `receive_2h_ko` does). Within two minutes of the end of
 *   a half, EP outside field-goal range fades with the time left;
 * - `μτ` is the spread term: the prior's expected margin decays with the time left, like
 *   nflfastR's `spread_time` feature (nflfastR multiplies by exp(−4·elapsed) inside a learned model;
 *   in a Brownian model the remaining drift is exactly μ·τ, and its weight against the lead falls
 *   as √τ);
 * - `μ` is solved so that the kickoff state reproduces the prior's P(home) exactly, so the NFL
 *   key-number prior (`prior/Spread.ts`) carries into the game: at kickoff the model returns
 *   nflfastR's vegas_wp within 0.006 for home favourites of 1, 3, 4, 7 and 14;
 * - `τ′` adds 35 s per remaining timeout of the trailing side in the last five minutes (a timeout
 *   saves about one play clock; approximate, unverified); unknown timeouts add nothing;
 * - A state with no down (a kickoff, or the try after a touchdown) carries no EP;
 * - A leader with the ball who can kneel out the clock (40 s per snap, minus the opponent's
 *   timeouts and the two-minute warning) has won.
 *
 * **Parameters.** σ = 13.45 NFL (PFR, 1978–2012; Ruscio & Brady refit 13.40 on 2000–19) and 16
 * NCAAF (Sagarin via Winston). With no prior, the home edge is 3 points (Winston). The NCAAF σ was
 * checked on the training seasons with the calibration layer refitted for each σ
 * (`scripts/winprob-fit.ts --sigma`): the log loss is flat from 16 to 18 (best 16.5 on 2019, 18 on
 * 2020), and the σ fitted on one season moved the other's Brier by −0.0003 and +0.0008 of ESPN's,
 * so 16 stands.
 *
 * **Overtime** is modelled possession by possession: college overtime is untimed
 * (`CollegeOvertime.ts`); NFL overtime has its possession rules (both teams possess in the playoffs
 * from the 2022 postseason and in the regular season from 2025, modified sudden death before) and
 * its clock (one 10-minute regular-season period that may end tied, 15-minute playoff periods until
 * a winner: `NflOvertime.ts`). A tied regulation is worth the value of a fresh overtime under the
 * game's rules; for the NFL the kickoff drift is solved with that same value, so the kickoff state
 * still returns the prior. (College football keeps the Gaussian overtime value in its drift: its
 * calibration layer was fitted that way.)
 *
 * **Unknown time.** A play in progress is never at "time expired": the clock is floored at one
 * snap (8 s), and a kneel-out leaves a small chance of failure. Only a final game is certain.
 *
 * **Known limits.** Late in a game a score is discrete (a field goal does not help a team down 4);
 * the Gaussian treats EP as a mean shift. The extreme-probability guard caps what reaches trading.
 *
 * @since 0.1.0
 */
import type { FootballContext, GameState, Side } from "../../schema/GameState.ts"
import { freshOvertime, marginWin } from "./Basketball.ts"
import { collegeOvertime, freshCollegeOvertime } from "./CollegeOvertime.ts"
import { lead, memo, settled } from "./Common.ts"
import { bisect } from "./Distributions.ts"
import { expectedPoints, kickoffEp } from "./ExpectedPoints.ts"
import { freshNflOvertime, nflOvertime } from "./NflOvertime.ts"
import { homeShare, type Prior } from "./prior/Prior.ts"
import { spreadSigma } from "./prior/Spread.ts"
import { twoWay, type WinProbability } from "./WinProbability.ts"

/** @category models */
export interface FootballParameters {
  readonly sigma: number
  readonly homeEdge: number
  readonly regulationSeconds: number
  readonly overtimeSeconds: number
  readonly timeoutSeconds: number
  readonly lateSeconds: number
  readonly playClockSeconds: number
  readonly twoMinuteWarning: boolean
}

/** @category models */
export const footballParameters: Record<"nfl" | "ncaaf", FootballParameters> = {
  nfl: { sigma: spreadSigma.nfl!, homeEdge: 3, regulationSeconds: 3600, overtimeSeconds: 600, timeoutSeconds: 35, lateSeconds: 300, playClockSeconds: 40, twoMinuteWarning: true },
  ncaaf: { sigma: spreadSigma.ncaaf!, homeEdge: 3, regulationSeconds: 3600, overtimeSeconds: 600, timeoutSeconds: 35, lateSeconds: 300, playClockSeconds: 40, twoMinuteWarning: false }
}

const HALF_SECONDS = 1800
/**
 * A live state is never at "no time left": a `0:00` on a play in progress is a glitch or an untimed
 * down, so at least one snap's worth of time is left to play.
 */
const LIVE_FLOOR_SECONDS = 8
/** A kneel-down is not a mathematical certainty (a botched snap); approximate, unverified. */
const KNEEL_FAILURE = 5e-4
const HALF_END_FADE_SECONDS = 120
const FIELD_GOAL_RANGE_YARDS = 35

const kickoffWin = (mu: number, params: FootballParameters, overtime: number | undefined): number =>
  marginWin(mu, params.sigma, overtime ?? freshOvertime(mu, params.sigma, params.overtimeSeconds / params.regulationSeconds))

const drifts = memo<number>()

/**
 * The drift μ (home points per game) that makes the kickoff state match the prior, given the value
 * of a tied regulation (`overtime`; by default the Gaussian overtime of the same drift).
 *
 * @category parameters
 */
export const footballDrift = (prior: Prior, params: FootballParameters, overtime?: number): number => {
  const target = homeShare(prior)
  // Keyed on every input of the solve, so a drift never comes back for other parameters
  const overtimeShare = params.overtimeSeconds / params.regulationSeconds
  return drifts(`${params.sigma}:${overtimeShare}:${target}:${overtime ?? "gaussian"}`, () => bisect((mu) => kickoffWin(mu, params, overtime) - target, -80, 80, 1e-10))
}

/** P(home wins) an overtime that starts level: drive by drive for both codes, under the game's rules. */
const freshOvertimeOf = (state: GameState, prior: Prior): number =>
  state.sport === "ncaaf" ? freshCollegeOvertime(prior, state.startTime) : freshNflOvertime(prior, state.startTime, state.postseason === true)

const sign = (side: Side): number => (side === "home" ? 1 : -1)

/** Whether the leader, with the ball, can run out the clock by kneeling. */
const canKneelOut = (seconds: number, football: FootballContext, leaderTimeoutsAgainst: number, params: FootballParameters): boolean => {
  if (football.down === undefined) return false
  const snaps = 5 - football.down
  const warning = params.twoMinuteWarning && seconds > 120 ? 1 : 0
  const burnable = params.playClockSeconds * Math.max(0, snaps - 1 - leaderTimeoutsAgainst - warning) + 3
  return seconds <= burnable
}

/** The value of the ball to the home side, in points. */
const ballValue = (state: GameState, halfSeconds: number, firstHalf: boolean): number => {
  const football = state.football
  let value = 0
  // No down means a kickoff or a try after a touchdown: not a scrimmage down, so no EP
  if (state.possession !== undefined && football?.yardsToEndzone !== undefined && football.down !== undefined && halfSeconds > 0) {
    const yards = football.yardsToEndzone
    let ep = expectedPoints(yards, football.down, football.distance ?? 10)
    if (halfSeconds < HALF_END_FADE_SECONDS && yards > FIELD_GOAL_RANGE_YARDS) ep *= halfSeconds / HALF_END_FADE_SECONDS
    value += sign(state.possession) * ep
  }
  if (firstHalf && football?.secondHalfKickoff !== undefined) value += sign(football.secondHalfKickoff) * kickoffEp()
  return value
}

/**
 * P(home), P(away) of a football state. `params` defaults to the sport's own; the fitting script
 * (`scripts/winprob-fit.ts`) passes others to check them across training seasons.
 *
 * @category models
 */
export const football = (
  state: GameState,
  prior: Prior,
  params: FootballParameters = state.sport === "ncaaf" ? footballParameters.ncaaf : footballParameters.nfl
): WinProbability => {
  const done = settled(state)
  if (done !== undefined) return done
  // Overtime is decided by possessions: untimed in college, a few possessions on the NFL clock
  if (state.overtime || state.period > 4) return twoWay(state.sport === "ncaaf" ? collegeOvertime(state, prior) : nflOvertime(state, prior))
  const overtime = freshOvertimeOf(state, prior)
  const mu = state.sport === "ncaaf" ? footballDrift(prior, params) : footballDrift(prior, params, overtime)
  const L = lead(state)
  const shown = Math.min(state.secondsRemaining ?? params.regulationSeconds, params.regulationSeconds)
  const seconds = state.status === "in_progress" ? Math.max(LIVE_FLOOR_SECONDS, shown) : shown
  // The half comes from the period when there is one: at the end of the second quarter the clock
  // reads 30:00 left but the half is over
  const firstHalf = state.period >= 1 ? state.period <= 2 : seconds > HALF_SECONDS
  const halfSeconds = firstHalf ? Math.max(0, seconds - HALF_SECONDS) : seconds
  const fb = state.football
  // Unknown timeouts: assume all three against a kneel (cautious) and none for the clock bonus
  const homeTimeouts = fb?.homeTimeouts
  const awayTimeouts = fb?.awayTimeouts

  if (state.possession !== undefined && fb !== undefined && L * sign(state.possession) > 0) {
    const opponentTimeouts = (state.possession === "home" ? awayTimeouts : homeTimeouts) ?? 3
    if (canKneelOut(seconds, fb, opponentTimeouts, params)) return twoWay(L > 0 ? 1 - KNEEL_FAILURE : KNEEL_FAILURE)
  }

  let effective = seconds
  if (seconds <= params.lateSeconds) {
    const trailing = L < 0 ? homeTimeouts ?? 0 : L > 0 ? awayTimeouts ?? 0 : ((homeTimeouts ?? 0) + (awayTimeouts ?? 0)) / 2
    effective += params.timeoutSeconds * trailing
  }
  const tau = seconds / params.regulationSeconds
  const mean = L + ballValue(state, halfSeconds, firstHalf) + mu * tau
  return twoWay(marginWin(mean, params.sigma * Math.sqrt(effective / params.regulationSeconds), overtime))
}
