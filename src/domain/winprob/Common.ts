/**
 * Small helpers every sport model shares: the settled-game shortcut and the score difference.
 *
 * @since 0.1.0
 */
import type { GameState } from "../../schema/GameState.ts"
import { isFinished } from "../../schema/GameState.ts"
import { type WinProbability, twoWay } from "./WinProbability.ts"

/** Home score minus away score. @category accessors */
export const lead = (state: GameState): number => state.home.score - state.away.score

/**
 * The certain outcome of a finished game, or `undefined` while it is still being played. A
 * cancelled or postponed game with no result has no outcome yet and is left to the caller.
 *
 * @category accessors
 */
export const settled = (state: GameState): WinProbability | undefined => {
  if (state.status !== "final") return undefined
  const winner = state.result?.winner ?? (lead(state) > 0 ? "home" : lead(state) < 0 ? "away" : "draw")
  return winner === "home" ? twoWay(1) : winner === "away" ? twoWay(0) : { home: 0, draw: 1, away: 0 }
}

/** Whether the game has not started. @category predicates */
export const notStarted = (state: GameState): boolean => state.status === "scheduled" || (state.period === 0 && !isFinished(state))

/**
 * A small memo for prior-derived parameters (each needs a root solve), keyed by a string. Bounded,
 * so a long-running process does not grow it without limit.
 *
 * @category constructors
 */
export const memo = <A>(capacity = 512) => {
  const cache = new Map<string, A>()
  return (key: string, compute: () => A): A => {
    const hit = cache.get(key)
    if (hit !== undefined) return hit
    const value = compute()
    if (cache.size >= capacity) {
      const first = cache.keys().next()
      if (first.done !== true) cache.delete(first.value)
    }
    cache.set(key, value)
    return value
  }
}
