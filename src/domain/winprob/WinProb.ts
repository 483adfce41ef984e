/**
 * The entry point: one function for every sport, `(GameState, Prior) → { home, draw, away }`, and
 * the guarded estimate that trading reads.
 *
 * `winProbability` dispatches on the sport family (`Sport.ts`). `estimate` adds what a consumer
 * needs to decide whether to trade on it: the guarded probabilities (`Guard.ts`), the raw ones,
 * which tails were clamped, and whether the model had a prior at all. A model with no prior says
 * so (`hasPrior: false`, `priorSource: "none"`); `signals.requirePrior` refuses model-edge trades
 * on it.
 *
 * @since 0.1.0
 */
import type { GameState } from "../../schema/GameState.ts"
import { hasDraw, type Sport, sportFamily, type SportFamily } from "../../schema/Sport.ts"
import { baseball } from "./Baseball.ts"
import { calibrate } from "./Calibration.ts"
import { basketball } from "./Basketball.ts"
import { football } from "./Football.ts"
import { type Guarded, guard, type Outcome } from "./Guard.ts"
import { hockey } from "./Hockey.ts"
import { mma } from "./Mma.ts"
import { hasPrior, type Prior, type PriorSource } from "./prior/Prior.ts"
import { type SequenceCarry, step } from "./Sequence.ts"
import { soccer } from "./Soccer.ts"
import { tennis } from "./Tennis.ts"
import type { WinProbability, WinProbabilityModel } from "./WinProbability.ts"

const outcomes = (sport: Sport): ReadonlyArray<Outcome> => (hasDraw(sport) ? ["home", "draw", "away"] : ["home", "away"])

/** The model for each sport family. @category models */
export const models: Record<SportFamily, WinProbabilityModel> = {
  basketball,
  football,
  hockey,
  soccer,
  baseball,
  tennis,
  mma
}

/** The model for a sport. @category models */
export const modelFor = (sport: Sport): WinProbabilityModel => models[sportFamily[sport]]

/**
 * The least probability any possible outcome of an undecided game gets: only a final game is
 * certain (a model's float underflow or a decided-looking state is not).
 *
 * @category parameters
 */
export const UNDECIDED_FLOOR = 1e-6

/** P(home), P(draw), P(away) for a state, unguarded; exactly 0 or 1 only once the game is final. @category models */
export const winProbability = (state: GameState, prior: Prior): WinProbability => {
  const raw = modelFor(state.sport)(state, prior)
  return state.status === "final" ? raw : guard(raw, UNDECIDED_FLOOR, outcomes(state.sport)).probability
}

/** A guarded model estimate, ready for signals. @category models */
export interface Estimate extends Guarded {
  /** The in-game model before the calibration layer (`raw` is after it, before the guard) */
  readonly uncalibrated: WinProbability
  readonly hasPrior: boolean
  readonly priorSource: PriorSource
  readonly priorDetail: string
}

/**
 * The model's calibrated estimate (`Calibration.ts`), clamped to [bound, 1 − bound]
 * (`model.probabilityBound`), with the tails it clamped and the prior it stands on.
 *
 * @category models
 */
export const estimate = (state: GameState, prior: Prior, bound: number): Estimate => {
  const uncalibrated = winProbability(state, prior)
  const calibrated = calibrate(state, uncalibrated)
  const floored = state.status === "final" ? calibrated : guard(calibrated, UNDECIDED_FLOOR, outcomes(state.sport)).probability
  return {
    ...guard(floored, bound, outcomes(state.sport)),
    uncalibrated,
    hasPrior: hasPrior(prior),
    priorSource: prior.source,
    priorDetail: prior.detail
  }
}

/**
 * The estimate of a live game's next state, with what the play sequence adds that one state
 * cannot say (`Sequence.ts`: a `0:00` clock on a play in progress is unknown time, estimated from
 * the last clock shown; college overtime turns). The same model the evaluation measures, fed one
 * state at a time: `carry` is what the sequence has seen, returned for the next state.
 *
 * @category estimate
 */
export const estimateNext = (carry: SequenceCarry, state: GameState, prior: Prior, bound: number): {
  readonly estimate: Estimate
  readonly state: GameState
  readonly carry: SequenceCarry
} => {
  const next = step(carry, state)
  return { estimate: estimate(next.state, prior, bound), state: next.state, carry: next.carry }
}
