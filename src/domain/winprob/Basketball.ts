/**
 * Basketball (NBA, NCAAB, WNBA): Stern's Brownian-motion model with the pre-game line as drift.
 *
 * The home margin over the rest of the game is Brownian motion with drift μ per game and variance
 * σ² per game (Stern 1994, JASA 89:1128; WINPROB.md §1.1). With lead `L`, remaining fraction `τ`
 * of regulation and the possession worth `v` points to the side with the ball, the final margin is
 * M ~ N(L + v + μτ, σ²τ) and
 *
 *     P(home) = P(M > ½) + P(|M| < ½) · P(home wins overtime)
 *
 * (the integer-score correction of PFR/Winston). Overtime is the same process over a five-minute
 * period, repeated while tied, so P(home wins a fresh overtime) = A / (1 − T) with A and T the win
 * and tie probabilities of one period.
 *
 * **Parameters**
 *
 * - μ: solved from the prior, μ = σ·Φ⁻¹(P₀) (WINPROB.md §3.3), so a spread and a moneyline enter
 *   alike; with no prior, the league home edge: 3 points NBA/WNBA, 4 NCAAB (Winston,
 *   *Mathletics* ch. 43).
 * - σ: NBA 12, NCAAB 10.5, WNBA 11 (see `prior/Spread.ts`).
 * - Possession: 1.0 point (the datafield.dev NBA WP chapter gives 1.0–1.1).
 * - Clock: NBA 4×12 min, NCAAB 2×20, WNBA 4×10; overtime 5 min in all three.
 *
 * **Known limits.** End-game fouling fattens the tails in the last two minutes; the extreme-
 * probability guard (`Guard.ts`) caps what reaches trading.
 *
 * @since 0.1.0
 */
import type { GameState } from "../../schema/GameState.ts"
import { lead, memo, settled } from "./Common.ts"
import { normalCdf, normalQuantile } from "./Distributions.ts"
import { homeShare, type Prior } from "./prior/Prior.ts"
import { spreadSigma } from "./prior/Spread.ts"
import { twoWay, type WinProbability } from "./WinProbability.ts"

/** @category models */
export interface BasketballParameters {
  readonly sigma: number
  readonly homeEdge: number
  readonly regulationSeconds: number
  readonly overtimeSeconds: number
  readonly possessionValue: number
}

/** @category models */
export const basketballParameters: Record<"nba" | "ncaab" | "wnba", BasketballParameters> = {
  nba: { sigma: spreadSigma.nba!, homeEdge: 3, regulationSeconds: 2880, overtimeSeconds: 300, possessionValue: 1 },
  ncaab: { sigma: spreadSigma.ncaab!, homeEdge: 4, regulationSeconds: 2400, overtimeSeconds: 300, possessionValue: 1 },
  wnba: { sigma: spreadSigma.wnba!, homeEdge: 3, regulationSeconds: 2400, overtimeSeconds: 300, possessionValue: 1 }
}

const parametersFor = (state: GameState): BasketballParameters =>
  state.sport === "ncaab" ? basketballParameters.ncaab : state.sport === "wnba" ? basketballParameters.wnba : basketballParameters.nba

/**
 * P(home) for a final margin N(mean, sd²) on integer scores, ties going to `tieValue`.
 *
 * @category kernels
 */
export const marginWin = (mean: number, sd: number, tieValue: number): number => {
  if (sd <= 1e-9) return mean > 0.5 ? 1 : mean < -0.5 ? 0 : tieValue
  const above = 1 - normalCdf((0.5 - mean) / sd)
  const tie = normalCdf((0.5 - mean) / sd) - normalCdf((-0.5 - mean) / sd)
  return above + tie * tieValue
}

/** P(home wins an overtime that starts level), periods repeating while tied. @category kernels */
export const freshOvertime = (drift: number, sigma: number, overtimeShare: number): number => {
  const mean = drift * overtimeShare
  const sd = sigma * Math.sqrt(overtimeShare)
  const win = 1 - normalCdf((0.5 - mean) / sd)
  const tie = normalCdf((0.5 - mean) / sd) - normalCdf((-0.5 - mean) / sd)
  return win / (1 - tie)
}

const clampP = (p: number): number => Math.min(1 - 1e-9, Math.max(1e-9, p))

const drifts = memo<number>()

/** The drift μ (home points per game) a prior implies. @category parameters */
export const basketballDrift = (prior: Prior, params: BasketballParameters): number =>
  drifts(`${params.sigma}:${homeShare(prior)}`, () => params.sigma * normalQuantile(clampP(homeShare(prior))))

/** @category models */
export const basketball = (state: GameState, prior: Prior): WinProbability => {
  const done = settled(state)
  if (done !== undefined) return done
  const params = parametersFor(state)
  const mu = basketballDrift(prior, params)
  const overtimeShare = params.overtimeSeconds / params.regulationSeconds
  const ot = freshOvertime(mu, params.sigma, overtimeShare)
  const seconds = state.overtime
    ? Math.min(state.periodSecondsRemaining ?? params.overtimeSeconds, params.overtimeSeconds)
    : Math.min(state.secondsRemaining ?? params.regulationSeconds, params.regulationSeconds)
  const tau = seconds / params.regulationSeconds
  const possession = seconds > 0 && state.possession !== undefined
    ? (state.possession === "home" ? 1 : -1) * params.possessionValue
    : 0
  return twoWay(marginWin(lead(state) + possession + mu * tau, params.sigma * Math.sqrt(tau), ot))
}
