/**
 * Per game, the last state ESPN sent that could be true, and the checks of each new state against
 * it (`domain/game/Plausibility.ts`): a state that contradicts it is held back and reported, never
 * served.
 *
 * A held-back state is not a verdict forever: when ESPN sends contradicting states
 * `confirmations` polls in a row (a large correction it stands by, a game replayed from the start),
 * the latest becomes the new baseline and the caller logs the rebase. Until then the game gets no
 * new state, so it ages and the staleness rules stop trading on it. An old response (an earlier
 * clock, no higher score) passes through for the game actor's stale check, without moving the
 * baseline back.
 *
 * @since 0.1.0
 */
import { checkTransition, type Implausible } from "../../domain/game/Plausibility.ts"
import { isBehind } from "../../domain/game/Progress.ts"
import type { GameState } from "../../schema/GameState.ts"

/** @category models */
export type GateVerdict =
  | { readonly _tag: "Accepted" }
  | { readonly _tag: "Rebased"; readonly after: Implausible; readonly strikes: number }
  | { readonly _tag: "Held"; readonly implausible: Implausible; readonly strikes: number }

const accepted: GateVerdict = { _tag: "Accepted" }

/** @category models */
export class PlausibilityGate {
  private readonly last = new Map<string, GameState>()
  private readonly strikes = new Map<string, number>()

  /**
   * @param confirmations contradicting polls in a row that make a new baseline
   * @param capacity games remembered; the oldest are forgotten first
   */
  readonly confirmations: number
  readonly capacity: number
  constructor(confirmations = 3, capacity = 20_000) {
    this.confirmations = confirmations
    this.capacity = capacity
  }

  admit(next: GameState): GateVerdict {
    const id = next.gameId
    const last = this.last.get(id)
    const implausible = last === undefined ? undefined : checkTransition(last, next)
    if (implausible !== undefined) {
      const strikes = (this.strikes.get(id) ?? 0) + 1
      if (strikes < this.confirmations) {
        this.strikes.set(id, strikes)
        return { _tag: "Held", implausible, strikes }
      }
      this.strikes.delete(id)
      this.remember(next)
      return { _tag: "Rebased", after: implausible, strikes }
    }
    this.strikes.delete(id)
    if (last === undefined || !isBehind(next, last)) this.remember(next)
    return accepted
  }

  private remember(state: GameState): void {
    this.last.delete(state.gameId)
    this.last.set(state.gameId, state)
    if (this.last.size > this.capacity) {
      const oldest = this.last.keys().next().value
      if (oldest !== undefined) {
        this.last.delete(oldest)
        this.strikes.delete(oldest)
      }
    }
  }
}
