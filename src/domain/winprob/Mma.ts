/**
 * MMA (UFC): the pre-fight prior, decaying toward even as the scheduled time runs out.
 *
 * No public in-fight win-probability model or round-level data set is known (WINPROB.md §1.8), and
 * the state carries no in-fight scoring, so the model is the market's pre-fight view with one
 * assumption: the prior's log-odds shrink linearly with the share of scheduled time elapsed, by up
 * to 20% at the final bell (a favourite's edge is partly its finishing power, which has less time
 * to show). The decay rate is an assumption, unverified; treat MMA model edges accordingly.
 *
 * @since 0.1.0
 */
import type { GameState } from "../../schema/GameState.ts"
import { settled } from "./Common.ts"
import { logistic, logit } from "./Distributions.ts"
import { homeShare, type Prior } from "./prior/Prior.ts"
import { twoWay, type WinProbability } from "./WinProbability.ts"

/** @category parameters */
export const mmaParameters = { roundSeconds: 300, finalDecay: 0.2 } as const

/** Share of the scheduled fight time elapsed, 0..1. @category kernels */
export const fightProgress = (state: GameState): number => {
  const ctx = state.mma
  if (ctx === undefined || state.period <= 0) return 0
  const round = Math.min(ctx.round, ctx.scheduledRounds)
  const left = Math.min(mmaParameters.roundSeconds, Math.max(0, state.periodSecondsRemaining ?? mmaParameters.roundSeconds))
  const elapsed = (round - 1) * mmaParameters.roundSeconds + (mmaParameters.roundSeconds - left)
  return Math.min(1, elapsed / (ctx.scheduledRounds * mmaParameters.roundSeconds))
}

/** @category models */
export const mma = (state: GameState, prior: Prior): WinProbability => {
  const done = settled(state)
  if (done !== undefined) return done
  const p = Math.min(1 - 1e-9, Math.max(1e-9, homeShare(prior)))
  return twoWay(logistic(logit(p) * (1 - mmaParameters.finalDecay * fightProgress(state))))
}
