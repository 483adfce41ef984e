/**
 * The one shape every win-probability model returns, and the model interface itself.
 *
 * A model is a pure function `(GameState, Prior) → { home, draw, away }`. The three numbers are
 * probabilities that sum to 1; `draw` is 0 for every sport whose games cannot end level (ties in
 * football and overtime in basketball or hockey are resolved inside the model). Models compute with
 * floats; nothing here is money.
 *
 * @since 0.1.0
 */
import type { GameState } from "../../schema/GameState.ts"
import type { Prior } from "./prior/Prior.ts"

/** P(home wins), P(draw), P(away wins); non-negative and summing to 1. @category models */
export interface WinProbability {
  readonly home: number
  readonly draw: number
  readonly away: number
}

/** A win-probability model. @category models */
export type WinProbabilityModel = (state: GameState, prior: Prior) => WinProbability

const clamp01 = (p: number): number => (p < 0 ? 0 : p > 1 ? 1 : p)

/** A two-way result (no draw) from P(home wins). @category constructors */
export const twoWay = (home: number): WinProbability => {
  const h = clamp01(home)
  return { home: h, draw: 0, away: 1 - h }
}

/**
 * A three-way result from any non-negative weights, scaled to sum to 1.
 *
 * @category constructors
 */
export const threeWay = (home: number, draw: number, away: number): WinProbability => {
  const h = Math.max(0, home)
  const d = Math.max(0, draw)
  const a = Math.max(0, away)
  const total = h + d + a
  if (!(total > 0) || !Number.isFinite(total)) throw new RangeError(`win probabilities must have a positive finite sum, were ${home}, ${draw}, ${away}`)
  return { home: h / total, draw: d / total, away: a / total }
}

/** The outcome with the sides swapped. @category combinators */
export const swapSides = (p: WinProbability): WinProbability => ({ home: p.away, draw: p.draw, away: p.home })

/** P(home wins) in a "home to win" binary, where a draw resolves No. @category accessors */
export const homeWins = (p: WinProbability): number => p.home
