/**
 * The calibration layer: a logistic recalibration of the model's P(home), per sport and phase of the
 * game, fitted on training seasons only.
 *
 *   p′ = σ(a · logit(p) + b)
 *
 * `a < 1` pulls over-confident tails in, `b` removes a home/away bias. The phases are the first
 * half, the third quarter, the fourth quarter (or the second half's last quarter of time) and
 * overtime, where the in-game model's errors differ. Sports and phases with no fitted entry pass
 * through unchanged, and so do three-way (draw) markets.
 *
 * The parameters are fitted by `arbees eval winprob --corpus DIR --fit SEASON…` (maximum
 * likelihood, Newton's method) on the uncalibrated model; the seasons they were fitted on are
 * recorded with them. The 2022 college-football season is reserved for evaluation and never fitted.
 *
 * @since 0.1.0
 */
import type { GameState } from "../../schema/GameState.ts"
import type { Sport } from "../../schema/Sport.ts"
import type { Forecast } from "./Metrics.ts"
import type { WinProbability } from "./WinProbability.ts"

/** @category models */
export type Phase = "first-half" | "third-quarter" | "fourth-quarter" | "overtime"

/** @category models */
export interface Platt {
  readonly a: number
  readonly b: number
}

/** @category models */
export interface CalibrationTable {
  /** Where the parameters came from: the seasons and the command */
  readonly fit: string
  readonly phases: Partial<Record<Phase, Platt>>
}

const regulation: Partial<Record<Sport, { readonly seconds: number; readonly periods: number }>> = {
  nfl: { seconds: 3600, periods: 4 },
  ncaaf: { seconds: 3600, periods: 4 },
  nba: { seconds: 2880, periods: 4 },
  wnba: { seconds: 2400, periods: 4 },
  ncaab: { seconds: 2400, periods: 2 }
}

/** The calibration phase of a clocked state, or `undefined` for a sport with no phases. @category accessors */
export const phaseOf = (state: GameState): Phase | undefined => {
  const shape = regulation[state.sport]
  if (shape === undefined) return undefined
  if (state.overtime || state.period > shape.periods) return "overtime"
  const left = state.secondsRemaining ?? shape.seconds
  return left > shape.seconds / 2 ? "first-half" : left > shape.seconds / 4 ? "third-quarter" : "fourth-quarter"
}

/**
 * The fitted tables.
 *
 * College football: fitted on the 2019 and 2020 seasons of the corpus (1,450 games; 2022 is held
 * out), by `arbees eval winprob --corpus .arbees/corpus --season 2019 --season 2020 --fit`. States
 * per phase: first half 133,768, third quarter 61,768, fourth quarter 64,691 (refitted after the
 * decoder began reading a returned kick as 1st down: the parameters moved in the fourth decimal).
 * Before pooling, the layer was checked across the two seasons (`scripts/winprob-fit.ts`): fitted
 * on 2019 it took 2020's Brier from 0.9673 to 0.9607 of ESPN's, fitted on 2020 it took 2019's from
 * 0.9901 to 0.9888 (calibration errors 0.0125 and 0.0142, within the seasons' noise floors of
 * 0.0174 and 0.0135 with games as the unit, as `arbees eval winprob` reports them), so it carries
 * from one season to the next; its home shift `b` differs between them (0.19 and 0.10 in the first
 * half: 2020 was played before thin crowds), which pooling averages. Overtime is left
 * uncalibrated: 50 games (775 states) cannot pin a map down (the fit gave a = 0.08).
 *
 * @category parameters
 */
export const calibrations: Partial<Record<Sport, CalibrationTable>> = {
  ncaaf: {
    fit: "ncaaf 2019+2020 (1450 games), arbees eval winprob --corpus .arbees/corpus --season 2019 --season 2020 --fit",
    phases: {
      "first-half": { a: 0.980839, b: 0.152164 },
      "third-quarter": { a: 0.871495, b: 0.226021 },
      "fourth-quarter": { a: 0.845069, b: 0.337834 }
    }
  }
}

const logit = (p: number): number => Math.log(p / (1 - p))
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x))

/** Applies a Platt map to one probability strictly inside (0, 1). @category kernels */
export const applyPlatt = (platt: Platt, p: number): number => (p > 0 && p < 1 ? sigmoid(platt.a * logit(p) + platt.b) : p)

/**
 * The calibrated probabilities of a state. A final game, a sport or phase with no table, and a
 * three-way market are returned as they are.
 *
 * @category models
 */
export const calibrate = (state: GameState, p: WinProbability, tables: Partial<Record<Sport, CalibrationTable>> = calibrations): WinProbability => {
  if (state.status === "final" || p.draw > 0) return p
  const phase = phaseOf(state)
  const platt = phase === undefined ? undefined : tables[state.sport]?.phases[phase]
  if (platt === undefined) return p
  const home = applyPlatt(platt, p.home)
  return { home, draw: 0, away: 1 - home }
}

/**
 * The maximum-likelihood Platt map for forecasts (Newton's method on the log loss, a few
 * iterations from the identity). Probabilities are clipped to [1e-6, 1 − 1e-6] first.
 *
 * @category fitting
 */
export const fitPlatt = (forecasts: ReadonlyArray<Forecast>, iterations = 50): Platt => {
  let a = 1
  let b = 0
  const xs = forecasts.map((f) => logit(Math.min(1 - 1e-6, Math.max(1e-6, f.p))))
  const loss = (a: number, b: number): number => {
    let s = 0
    for (let i = 0; i < xs.length; i++) {
      const z = a * xs[i]! + b
      // log(1 + e^z) − y·z, computed stably
      s += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - forecasts[i]!.y * z
    }
    return s
  }
  for (let it = 0; it < iterations; it++) {
    let ga = 0
    let gb = 0
    let haa = 0
    let hab = 0
    let hbb = 0
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!
      const q = sigmoid(a * x + b)
      const r = q - forecasts[i]!.y
      const w = q * (1 - q)
      ga += r * x
      gb += r
      haa += w * x * x
      hab += w * x
      hbb += w
    }
    const det = haa * hbb - hab * hab
    if (!(Math.abs(det) > 1e-12)) break
    const da = (hbb * ga - hab * gb) / det
    const db = (haa * gb - hab * ga) / det
    // Damped: halve the Newton step until the log loss does not rise (separable data diverges)
    const before = loss(a, b)
    let t = 1
    while (t > 1e-6 && !(loss(a - t * da, b - t * db) <= before)) t /= 2
    if (t <= 1e-6) break
    a -= t * da
    b -= t * db
    if (Math.abs(t * da) < 1e-9 && Math.abs(t * db) < 1e-9) break
  }
  return { a, b }
}
