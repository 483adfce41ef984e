/**
 * What one state cannot say but the play sequence can: how much time a `0:00` play really has left,
 * and which possession of a college overtime period is under way.
 *
 * - **Unknown time.** ESPN stamps whole drives `0:00` when its clock feed glitches, and every
 *   college overtime play `0:00`. A `0:00` on a play in progress (not an end-of-period or final
 *   state) is read as unknown, never as expired: the time left is the last clock the period showed
 *   minus a typical play's length for each play since (football 25 s, basketball 6 s; about a game's
 *   length over its plays), floored at one play's length. The estimate is marked
 *   `clockEstimated: true`. A period whose plays all read `0:00` starts from the full period.
 * - **Overtime possessions (college and NFL).** The side with the first scrimmage down of an
 *   overtime period had the first possession (`football.overtimeFirst`); the second possession
 *   starts when the other side has the ball or the first side's score changes, and the pair is done
 *   when the second side scores or the first side has the ball again (`football.overtimeTurn`). A
 *   college period starts a new pair; an NFL overtime has one pair, then sudden death, across
 *   however many periods it takes.
 *
 * `step` is the incremental form (a live game feeds one state at a time); `enrich` maps a replay.
 *
 * @since 0.1.0
 */
import type { GameState, Side } from "../../schema/GameState.ts"
import type { Sport } from "../../schema/Sport.ts"

interface ClockShape {
  readonly periods: number
  readonly periodSeconds: number
  readonly playSeconds: number
}

const clocks: Partial<Record<Sport, ClockShape>> = {
  nfl: { periods: 4, periodSeconds: 900, playSeconds: 25 },
  ncaaf: { periods: 4, periodSeconds: 900, playSeconds: 25 },
  nba: { periods: 4, periodSeconds: 720, playSeconds: 6 },
  wnba: { periods: 4, periodSeconds: 600, playSeconds: 6 },
  ncaab: { periods: 2, periodSeconds: 1200, playSeconds: 6 }
}

/** What the sequence has seen so far. @category models */
export interface SequenceCarry {
  /** The last clock shown in a period, and how many plays have passed since */
  readonly clock?: { readonly period: number; readonly periodSeconds: number; readonly playsSince: number }
  /** The current college overtime period: who went first, whether the second possession began, and the first side's score at its start */
  readonly overtime?: {
    readonly period: number
    readonly first: Side
    readonly turn: "first" | "second" | "done"
    readonly firstScore: number
    readonly secondScore: number
  }
}

const other = (side: Side): Side => (side === "home" ? "away" : "home")

const scoreOf = (state: GameState, side: Side): number => (side === "home" ? state.home.score : state.away.score)

const estimateClock = (carry: SequenceCarry, state: GameState): { state: GameState; clock: SequenceCarry["clock"] } => {
  const shape = clocks[state.sport]
  if (shape === undefined || state.overtime || state.period < 1 || state.period > shape.periods) return { state, clock: carry.clock }
  const shown = state.periodSecondsRemaining
  if (shown === undefined) return { state, clock: carry.clock }
  if (shown > 0 || state.status !== "in_progress") {
    return { state, clock: { period: state.period, periodSeconds: shown, playsSince: 0 } }
  }
  // 0:00 on a play in progress: unknown, estimated from the last clock of this period
  const last = carry.clock !== undefined && carry.clock.period === state.period
    ? { ...carry.clock, playsSince: carry.clock.playsSince + 1 }
    : { period: state.period, periodSeconds: shape.periodSeconds, playsSince: 1 }
  const periodSeconds = Math.max(shape.playSeconds, last.periodSeconds - shape.playSeconds * last.playsSince)
  const secondsRemaining = (shape.periods - state.period) * shape.periodSeconds + periodSeconds
  return { state: { ...state, periodSecondsRemaining: periodSeconds, secondsRemaining, clockEstimated: true }, clock: last }
}

const trackOvertime = (carry: SequenceCarry, state: GameState): { state: GameState; overtime: SequenceCarry["overtime"] } => {
  if ((state.sport !== "ncaaf" && state.sport !== "nfl") || state.period <= 4 || state.status === "final") return { state, overtime: undefined }
  // A college period is its own pair of possessions; an NFL overtime's possessions run on across its periods
  let ot = carry.overtime !== undefined && (carry.overtime.period === state.period || state.sport === "nfl") ? carry.overtime : undefined
  const offense = state.possession
  const scrimmage = offense !== undefined && state.football?.down !== undefined
  if (ot === undefined) {
    if (!scrimmage) return { state, overtime: undefined }
    ot = { period: state.period, first: offense, turn: "first", firstScore: scoreOf(state, offense), secondScore: scoreOf(state, other(offense)) }
  } else if (ot.turn === "first" && ((scrimmage && offense === other(ot.first)) || scoreOf(state, ot.first) !== ot.firstScore)) {
    ot = { ...ot, turn: "second", secondScore: scoreOf(state, other(ot.first)) }
  } else if (ot.turn === "second" && (scoreOf(state, other(ot.first)) !== ot.secondScore || (scrimmage && offense === ot.first))) {
    ot = { ...ot, turn: "done" }
  }
  return { state: { ...state, football: { ...state.football, overtimeFirst: ot.first, overtimeTurn: ot.turn } }, overtime: ot }
}

/**
 * One state through the sequence: the state with what the sequence adds, and the new carry.
 *
 * @category enrichment
 */
export const step = (carry: SequenceCarry, state: GameState): { readonly state: GameState; readonly carry: SequenceCarry } => {
  const timed = estimateClock(carry, state)
  const tracked = trackOvertime(carry, timed.state)
  return {
    state: tracked.state,
    carry: {
      ...(timed.clock === undefined ? {} : { clock: timed.clock }),
      ...(tracked.overtime === undefined ? {} : { overtime: tracked.overtime })
    }
  }
}

/** A whole replay through the sequence, in order. @category enrichment */
export const enrich = (states: ReadonlyArray<GameState>): ReadonlyArray<GameState> => {
  let carry: SequenceCarry = {}
  return states.map((s) => {
    const next = step(carry, s)
    carry = next.carry
    return next.state
  })
}
