/**
 * How far a game has progressed, judged from ESPN's own content (status, period, clock, score),
 * never from when we received it: a CDN can serve an older scoreboard after a newer one, and the
 * older one must not move the game backwards.
 *
 * `progress(state)` is a vector compared lexicographically: status stage, period, the clock
 * (elapsed, per sport), then the total score. `isBehind(next, last)` is true when `next` describes
 * an earlier moment than `last`. A later clock with a lower score is a score correction and moves
 * forward; a lower score at the same clock is a stale response and does not.
 *
 * @since 0.1.0
 */
import type { GameState, GameStatus } from "../../schema/GameState.ts"

/** A status's stage: before, during, after the game. @category progress */
export const stage: Record<GameStatus, number> = {
  scheduled: 0,
  in_progress: 1,
  halftime: 1,
  end_period: 1,
  delayed: 1,
  suspended: 1,
  final: 2,
  canceled: 2,
  postponed: 2
}

/** Half-innings in order. @category progress */
export const halfRank = { top: 0, middle: 1, bottom: 2, end: 3 } as const

/** The sport-specific clock: larger is later. @category progress */
const clock = (s: GameState): ReadonlyArray<number> => {
  if (s.baseball !== undefined) return [s.baseball.inning, halfRank[s.baseball.half], s.baseball.outs]
  if (s.tennis !== undefined) {
    const games = s.tennis.sets.reduce((n, set) => n + set.home + set.away, 0)
    return [s.tennis.sets.length, games, (s.tennis.homePoints ?? 0) + (s.tennis.awayPoints ?? 0)]
  }
  if (s.soccer !== undefined) return [s.period, s.soccer.minute + s.soccer.stoppageMinutes]
  // Clocks count down: less time left is later
  return [s.period, -(s.secondsRemaining ?? 0), -(s.periodSecondsRemaining ?? 0)]
}

/**
 * The progress vector of a state (compare with {@link compareProgress}).
 *
 * @category progress
 */
export const progress = (s: GameState): ReadonlyArray<number> => [stage[s.status], ...clock(s), s.home.score + s.away.score]

/**
 * `-1` when `a` is an earlier moment than `b`, `1` when later, `0` when ESPN's content places
 * them at the same moment.
 *
 * @category progress
 */
export const compareProgress = (a: GameState, b: GameState): -1 | 0 | 1 => {
  const x = progress(a)
  const y = progress(b)
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0)
    if (d < 0) return -1
    if (d > 0) return 1
  }
  return 0
}

/**
 * Whether `next` describes an earlier moment of the game than `last` (a stale response).
 *
 * @category progress
 */
export const isBehind = (next: GameState, last: GameState): boolean => compareProgress(next, last) < 0
