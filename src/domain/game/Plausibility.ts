/**
 * Whether a game state ESPN sends can be true: values that cannot happen in one state, and moves
 * between two states of the same game that no timeline explains.
 *
 * - **Counts are plain decimal integers.** A score or a period is `7` or `"7"`, never `"0x10"`,
 *   `"1e2"`, `"7.0"` or `" 7"` (`Number()` reads those as 16, 100, 7, 7).
 * - **Dates are ISO 8601** (a date, or a date-time with a zone) between 2000 and 2100
 *   (`Date.parse("1")` is 2001-01-01).
 * - **One state**: two different sides, scores and periods within what the sport allows.
 * - **Two states** ({@link checkTransition}): ESPN's CDN serves older responses after newer ones,
 *   so an earlier clock with the same or lower scores is *stale* (an old response: the game actor
 *   ignores it). But an earlier clock (status, period or time) with a *higher* score cannot be an
 *   old response (scores only grow) nor a new one (clocks only run forward): that is implausible.
 *   A later clock with a lower score is a score correction (a play overturned on review); a drop
 *   larger than one scoring play of the sport is implausible.
 *
 * Pure: the ESPN client turns a verdict into a typed error, a metric and a dead letter.
 *
 * @since 0.1.0
 */
import type { GameState } from "../../schema/GameState.ts"
import { type SportFamily, sportFamily } from "../../schema/Sport.ts"
import { halfRank, stage } from "./Progress.ts"

/** A stable code per check: the dead letter's and the metric's label. @category models */
export type PlausibilityCheck =
  | "SameSides"
  | "ScoreOutOfRange"
  | "PeriodOutOfRange"
  | "StartTimeImplausible"
  | "StatusRegressed"
  | "PeriodRegressed"
  | "ClockRegressed"
  | "ScoreRegressed"
  | "ProbabilityOutOfRange"

/** @category models */
export interface Implausible {
  readonly check: PlausibilityCheck
  readonly message: string
}

// ---------------------------------------------------------------------------------------------
// Wire values

const PLAIN_COUNT = /^(?:0|[1-9]\d{0,8})$/

/**
 * A count (score, period) from a wire number or string: a non-negative integer written in plain
 * decimal, else `undefined`.
 *
 * @category parsing
 */
export const plainCount = (value: unknown): number | undefined => {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : undefined
  return typeof value === "string" && PLAIN_COUNT.test(value) ? Number(value) : undefined
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/
/** The years a game can be in (ESPN's archive starts long after 2000) */
const FIRST_YEAR = 2000
const LAST_YEAR = 2100

/**
 * Epoch milliseconds of an ISO 8601 date (`"2025-06-01"`) or date-time with a zone
 * (`"2024-12-15T18:00Z"`) between 2000 and 2100, else `undefined`.
 *
 * @category parsing
 */
export const plausibleDate = (text: string | null | undefined): number | undefined => {
  if (text === null || text === undefined) return undefined
  const m = ISO_DATE_TIME.exec(text)
  if (m === null) return undefined
  const year = Number(m[1])
  if (year < FIRST_YEAR || year > LAST_YEAR) return undefined
  const at = Date.parse(text)
  return Number.isFinite(at) ? at : undefined
}

// ---------------------------------------------------------------------------------------------
// One state

interface SportLimits {
  /** The most one side scores in a game, generously */
  readonly maxScore: number
  /** The highest period number a game reaches, overtimes included */
  readonly maxPeriod: number
  /** The most one scoring play adds: the largest correction a review can undo */
  readonly maxPlay: number
}

const limits: Record<SportFamily, SportLimits> = {
  football: { maxScore: 250, maxPeriod: 12, maxPlay: 8 },
  basketball: { maxScore: 400, maxPeriod: 16, maxPlay: 4 },
  hockey: { maxScore: 50, maxPeriod: 12, maxPlay: 1 },
  baseball: { maxScore: 80, maxPeriod: 40, maxPlay: 4 },
  soccer: { maxScore: 40, maxPeriod: 5, maxPlay: 1 },
  tennis: { maxScore: 5, maxPeriod: 5, maxPlay: 1 },
  mma: { maxScore: 1, maxPeriod: 5, maxPlay: 1 }
}

/**
 * The first impossible value in one state, or `undefined`.
 *
 * @category checks
 */
export const checkState = (s: GameState): Implausible | undefined => {
  const limit = limits[sportFamily[s.sport]]
  if (s.home.teamId === s.away.teamId) return { check: "SameSides", message: `home and away are both ${s.home.teamId}` }
  for (const [side, team] of [["home", s.home], ["away", s.away]] as const) {
    if (team.score > limit.maxScore) return { check: "ScoreOutOfRange", message: `${side} score ${team.score} is above ${limit.maxScore}` }
  }
  if (s.period > limit.maxPeriod) return { check: "PeriodOutOfRange", message: `period ${s.period} is above ${limit.maxPeriod}` }
  const year = new Date(s.startTime).getUTCFullYear()
  if (year < FIRST_YEAR || year > LAST_YEAR) return { check: "StartTimeImplausible", message: `start time ${new Date(s.startTime).toISOString()}` }
  return undefined
}

// ---------------------------------------------------------------------------------------------
// Two states

/** Where the clock stands within a period, larger is later (`undefined` when not comparable). */
const withinPeriod = (s: GameState): ReadonlyArray<number> | undefined => {
  if (s.baseball !== undefined) return [halfRank[s.baseball.half], s.baseball.outs]
  if (s.soccer !== undefined) return [s.soccer.minute + s.soccer.stoppageMinutes]
  if (s.periodSecondsRemaining !== undefined) return [-s.periodSecondsRemaining]
  return undefined
}

const compare = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return 0
}

/**
 * A clock that runs backwards by less than this inside a period is ESPN rounding, not a regression
 * (seconds; baseball and soccer compare whole steps).
 */
const CLOCK_SLACK_SECONDS = 1

/**
 * Whether `next` can follow `last` for the same game: `undefined` when it can (or when it is merely
 * an old response, for the caller's stale check), else the implausibility.
 *
 * @category checks
 */
export const checkTransition = (last: GameState, next: GameState): Implausible | undefined => {
  const higher = next.home.score > last.home.score || next.away.score > last.away.score
  const where = `${last.detail} → ${next.detail}`
  const scores = `${last.home.score}-${last.away.score} → ${next.home.score}-${next.away.score}`
  if (stage[next.status] < stage[last.status]) {
    // A postponed or canceled game can be played after all; a final one cannot score again
    return higher && last.status === "final" ? { check: "StatusRegressed", message: `status final → ${next.status} with a higher score (${scores})` } : undefined
  }
  const sameStage = stage[next.status] === stage[last.status]
  if (sameStage && next.period < last.period) {
    return higher ? { check: "PeriodRegressed", message: `period ${last.period} → ${next.period} with a higher score (${scores}; ${where})` } : undefined
  }
  if (sameStage && next.period === last.period) {
    const a = withinPeriod(last)
    const b = withinPeriod(next)
    const earlier = a !== undefined && b !== undefined &&
      (next.soccer !== undefined || next.baseball !== undefined ? compare(b, a) < 0 : compare(b, a) < -CLOCK_SLACK_SECONDS)
    if (earlier) return higher ? { check: "ClockRegressed", message: `the clock ran backwards in period ${next.period} with a higher score (${scores}; ${where})` } : undefined
  }
  // The clock stands still or runs forward: a score may drop by at most one scoring play
  const maxPlay = limits[sportFamily[next.sport]].maxPlay
  for (const [side, from, to] of [["home", last.home.score, next.home.score], ["away", last.away.score, next.away.score]] as const) {
    if (from - to > maxPlay) return { check: "ScoreRegressed", message: `${side} score fell by ${from - to}, more than one play (${maxPlay}) can undo (${scores}; ${where})` }
  }
  return undefined
}
