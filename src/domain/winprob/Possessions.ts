/**
 * Overtime decided possession by possession: what college and NFL overtime share.
 *
 * A possession ends in a touchdown, a field goal or nothing (`Drive`), with chances from each
 * code's own drive kernel; the pre-game prior shifts each offense's scoring logits
 * (`strengthShift`). The first team's possession (`opening`) is answered by the second team's
 * (`answer`), which must match the margin to go on and beat it to win; what a level score after
 * both is worth is each code's own (college: the next period; NFL: sudden death or a tie). Which
 * possession a state is in comes from the play sequence or, without it, from the score and the ball
 * (`turnOf`).
 *
 * @since 0.1.0
 */
import type { GameState, Side } from "../../schema/GameState.ts"
import { lead } from "./Common.ts"
import { logit } from "./Distributions.ts"
import { homeShare, type Prior } from "./prior/Prior.ts"

/** A possession's outcome. @category models */
export interface Drive {
  readonly touchdown: number
  readonly fieldGoal: number
  readonly none: number
}

/**
 * 1 / (1 + e^-x) in its plain form. The drive kernels were written with it; `Distributions.logistic`
 * (overflow-safe) can differ in the last bit for negative x, which would move every overtime value.
 *
 * @category transforms
 */
export const logistic = (x: number): number => 1 / (1 + Math.exp(-x))

/** The other side. @category accessors */
export const opponent = (side: Side): Side => (side === "home" ? "away" : "home")

/**
 * The logit shift of `side`'s offense: `strength` times the prior's logit, half to each side (home
 * up, away down). The share is clamped so that a certain prior stays finite.
 *
 * @category parameters
 */
export const strengthShift = (side: Side, prior: Prior, strength: number): number => {
  const share = Math.min(0.99, Math.max(0.01, homeShare(prior)))
  const s = strength * logit(share) / 2
  return side === "home" ? s : -s
}

/**
 * The outcome of a possession from `yards` to the end zone at `down` and `distance`, for an offense
 * whose logits are shifted by `shift`.
 *
 * @category models
 */
export type DriveKernel = (yards: number, down: number, distance: number, shift: number) => Drive

/** Each side's possessions in one game, under the prior's shift. @category models */
export interface Offenses {
  /** A possession from the start: 1st & 10 at the code's starting spot */
  readonly fresh: (side: Side) => Drive
  /** `side`'s possession under way: from its down and distance when it has the ball at scrimmage, else fresh */
  readonly current: (state: GameState, side: Side) => Drive
}

/** @category constructors */
export const offenses = (kernel: DriveKernel, freshYards: number, prior: Prior, strength: number): Offenses => {
  const shift = { home: strengthShift("home", prior, strength), away: strengthShift("away", prior, strength) }
  const fresh = (side: Side): Drive => kernel(freshYards, 1, 10, shift[side])
  const current = (state: GameState, side: Side): Drive => {
    const fb = state.football
    return state.possession === side && fb?.down !== undefined && fb.yardsToEndzone !== undefined
      ? kernel(fb.yardsToEndzone, fb.down, fb.distance ?? 10, shift[side])
      : fresh(side)
  }
  return { fresh, current }
}

/** The tries after a touchdown, and how often a team that needs a touchdown goes for it on fourth down. @category models */
export interface Tries {
  /** P(the extra-point kick is good), or `undefined` where a two-point try is required */
  readonly kick: number | undefined
  /** P(a two-point try succeeds) */
  readonly twoPoint: number
  /** Share of the field-goal mass a team that needs a touchdown turns into touchdowns */
  readonly goForIt: number
}

/**
 * P(F, the first team, wins) during its possession `d` at margin `margin` (F − S). `after` is F's
 * chance once the possession is over at a given margin, with S to answer. F kicks after a touchdown
 * where it may (the answer is then S's choice), else goes for two.
 *
 * @category models
 */
export const opening = (margin: number, d: Drive, tries: Tries, after: (margin: number) => number): number => {
  const afterTouchdown = tries.kick !== undefined
    ? tries.kick * after(margin + 7) + (1 - tries.kick) * after(margin + 6)
    : tries.twoPoint * after(margin + 8) + (1 - tries.twoPoint) * after(margin + 6)
  return d.touchdown * afterTouchdown + d.fieldGoal * after(margin + 3) + d.none * after(margin)
}

/**
 * P(F wins) during S's answering possession `d` at margin `margin` (F − S), S's last: ahead after
 * it, F has won; behind, lost; level is worth `tie` to F. S, needing a touchdown, goes for it on
 * fourth down; after a touchdown that leaves it one behind it picks whichever try (kick to tie, or
 * two to win) leaves F less.
 *
 * @category models
 */
export const answer = (margin: number, d: Drive, tie: number, tries: Tries): number => {
  if (margin < 0) return 0
  if (margin === 0) return d.none * tie
  if (margin <= 3) return d.none + (margin === 3 ? d.fieldGoal * tie : 0)
  if (margin > 8) return 1
  const touchdown = d.touchdown + tries.goForIt * d.fieldGoal
  // After S's touchdown S trails by margin − 6 (negative: leads)
  const behind = margin - 6
  let afterTouchdown: number
  if (behind < 0) afterTouchdown = 0
  else if (behind === 0) afterTouchdown = (1 - (tries.kick ?? tries.twoPoint)) * tie
  else if (behind === 1) afterTouchdown = Math.min(tries.kick !== undefined ? (1 - tries.kick) + tries.kick * tie : 1, 1 - tries.twoPoint)
  else afterTouchdown = (1 - tries.twoPoint) + tries.twoPoint * tie
  return (1 - touchdown) + touchdown * afterTouchdown
}

/** Which possession of the overtime a state is in, and the margin of its first team. @category models */
export interface Turn {
  /** The side with the first possession */
  readonly first: Side
  readonly turn: "first" | "second" | "done"
  /** The first team's score minus the other's */
  readonly margin: number
}

/**
 * The turn from the play sequence (`football.overtimeFirst`/`overtimeTurn`, `Sequence.ts`); without
 * it, a trailing side is answering the leader and a level score with a team on offense is that
 * team's first possession. `undefined`: level with no one on offense, the start of a round.
 *
 * @category accessors
 */
export const turnOf = (state: GameState): Turn | undefined => {
  const L = lead(state)
  let first = state.football?.overtimeFirst
  let turn = state.football?.overtimeTurn
  if (first === undefined || turn === undefined) {
    if (L !== 0) {
      first = L > 0 ? "home" : "away"
      turn = "second"
    } else if (state.possession !== undefined) {
      first = state.possession
      turn = "first"
    } else return undefined
  }
  return { first, turn, margin: first === "home" ? L : -L }
}

/** P(home wins) from P(`first` wins). @category accessors */
export const homeOf = (first: Side, pFirst: number): number => (first === "home" ? pFirst : 1 - pFirst)
