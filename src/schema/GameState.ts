/**
 * The normalised state of one game, whatever the sport and however ESPN encoded it.
 *
 * This is the contract between the ESPN decoder (which produces it), the win-probability models
 * (which read it) and the game actors (which own it). Sides are always `home` / `away`, decided by
 * ESPN's `homeAway`, never by array order.
 *
 * **Clock**
 *
 * `secondsRemaining` is the time left in regulation, in seconds, for clocked sports. It is `0` in
 * overtime (`overtime: true`, with `periodSecondsRemaining` for the overtime period). Soccer's
 * up-counting clock is converted (90' → 0 remaining, stoppage in `soccer.stoppageMinutes`).
 * Baseball and tennis have no clock: `secondsRemaining` is absent and their context says where
 * the game stands.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Probability } from "./Probability.ts"
import { GameId, TeamId } from "./Ids.ts"
import { League, Sport } from "./Sport.ts"

/** @category schemas */
export const Side = Schema.Literals(["home", "away"])
export type Side = typeof Side.Type

/**
 * Where a game stands. `end_period` is a break between periods; `delayed` is a live game paused
 * (rain, weather); `suspended` is stopped, to resume another day.
 *
 * @category schemas
 */
export const GameStatus = Schema.Literals([
  "scheduled",
  "in_progress",
  "halftime",
  "end_period",
  "final",
  "postponed",
  "delayed",
  "suspended",
  "canceled"
])
export type GameStatus = typeof GameStatus.Type

const NonNegativeInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const NonNegative = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))

/** @category schemas */
export const TeamState = Schema.Struct({
  teamId: TeamId,
  abbreviation: Schema.String,
  /** ESPN `displayName`, e.g. "Philadelphia Eagles" */
  name: Schema.String,
  location: Schema.optionalKey(Schema.String),
  nickname: Schema.optionalKey(Schema.String),
  score: NonNegativeInt
})
export type TeamState = typeof TeamState.Type

/** @category schemas */
export const FootballContext = Schema.Struct({
  down: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 4 }))),
  distance: Schema.optionalKey(NonNegativeInt),
  /** Yards from the line of scrimmage to the end zone of the team with the ball */
  yardsToEndzone: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 100 }))),
  homeTimeouts: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 3 }))),
  awayTimeouts: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 3 }))),
  /** The side that receives the second-half kickoff (the side that kicked off the game), once known */
  secondHalfKickoff: Schema.optionalKey(Side),
  /** Overtime (college: of the current period; NFL: of the whole overtime): the side with the first possession (from the play sequence) */
  overtimeFirst: Schema.optionalKey(Side),
  /**
   * Overtime: whether the first or second possession is under way, or both are
   * over (`done`: the second side scored or lost the ball), from the play sequence
   */
  overtimeTurn: Schema.optionalKey(Schema.Literals(["first", "second", "done"]))
})
export type FootballContext = typeof FootballContext.Type

/** @category schemas */
export const BaseballContext = Schema.Struct({
  inning: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  /** `middle` / `end` are the breaks after the top and bottom halves */
  half: Schema.Literals(["top", "middle", "bottom", "end"]),
  outs: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 3 })),
  onFirst: Schema.Boolean,
  onSecond: Schema.Boolean,
  onThird: Schema.Boolean,
  balls: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 4 }))),
  strikes: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 3 })))
})
export type BaseballContext = typeof BaseballContext.Type

/** @category schemas */
export const TennisContext = Schema.Struct({
  /** Games won per set, oldest first; the last entry is the set in play */
  sets: Schema.Array(Schema.Struct({ home: NonNegativeInt, away: NonNegativeInt })),
  /** Points in the current game (0, 15, 30, 40 as 0..3, advantage as 4), when ESPN reports them */
  homePoints: Schema.optionalKey(NonNegativeInt),
  awayPoints: Schema.optionalKey(NonNegativeInt),
  server: Schema.optionalKey(Side),
  bestOf: Schema.optionalKey(Schema.Literals([3, 5]))
})
export type TennisContext = typeof TennisContext.Type

/** @category schemas */
export const SoccerContext = Schema.Struct({
  /** Minutes played in regulation time, 0..90 */
  minute: NonNegative,
  /** Stoppage minutes played beyond the half's regulation end (`"90'+5'"` → 5) */
  stoppageMinutes: NonNegative,
  homeRedCards: Schema.optionalKey(NonNegativeInt),
  awayRedCards: Schema.optionalKey(NonNegativeInt)
})
export type SoccerContext = typeof SoccerContext.Type

/** @category schemas */
export const MmaContext = Schema.Struct({
  round: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  scheduledRounds: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
})
export type MmaContext = typeof MmaContext.Type

/**
 * Pre-game odds as published (ESPN scoreboard `odds[]` or summary `pickcenter[]`). These are
 * model inputs, not money: floats are fine here.
 *
 * @category schemas
 */
export const PregameOdds = Schema.Struct({
  provider: Schema.String,
  /** The home team's spread: negative when home is favoured ("PHI -7" at home → -7) */
  homeSpread: Schema.optionalKey(Schema.Finite),
  total: Schema.optionalKey(Schema.Finite),
  /** American odds (-150, +130) */
  homeMoneyline: Schema.optionalKey(Schema.Finite),
  awayMoneyline: Schema.optionalKey(Schema.Finite),
  drawMoneyline: Schema.optionalKey(Schema.Finite)
})
export type PregameOdds = typeof PregameOdds.Type

/** @category schemas */
export const GameResult = Schema.Struct({
  winner: Schema.Literals(["home", "away", "draw"]),
  homeScore: NonNegativeInt,
  awayScore: NonNegativeInt
})
export type GameResult = typeof GameResult.Type

/** @category schemas */
export const GameState = Schema.Struct({
  gameId: GameId,
  league: League,
  sport: Sport,
  status: GameStatus,
  /** Scheduled start, epoch milliseconds */
  startTime: Schema.Int,
  /** Quarter, half, period, inning, set or round; 0 before the start. Overtime keeps counting. */
  period: NonNegativeInt,
  /** Seconds left in regulation (clocked sports only); 0 in overtime */
  secondsRemaining: Schema.optionalKey(NonNegative),
  /** Seconds left in the current period (clocked sports only) */
  periodSecondsRemaining: Schema.optionalKey(NonNegative),
  overtime: Schema.Boolean,
  /** A playoff game (ESPN season type 3): NFL and NHL overtime run under playoff rules */
  postseason: Schema.optionalKey(Schema.Boolean),
  /** Played at a neutral site (ESPN `neutralSite`): a prior without a line gives no home edge */
  neutralSite: Schema.optionalKey(Schema.Boolean),
  /**
   * The feed showed `0:00` on a play still in progress (a glitch, or untimed college overtime): the
   * clock fields are an estimate from the play sequence (`domain/winprob/Sequence.ts`), not expiry
   */
  clockEstimated: Schema.optionalKey(Schema.Boolean),
  home: TeamState,
  away: TeamState,
  possession: Schema.optionalKey(Side),
  football: Schema.optionalKey(FootballContext),
  baseball: Schema.optionalKey(BaseballContext),
  tennis: Schema.optionalKey(TennisContext),
  soccer: Schema.optionalKey(SoccerContext),
  mma: Schema.optionalKey(MmaContext),
  odds: Schema.optionalKey(PregameOdds),
  result: Schema.optionalKey(GameResult),
  /** ESPN's own win probability for the home side after the last play, when the scoreboard sends one (shown beside ours; never traded on) */
  espnHomeProbability: Schema.optionalKey(Probability),
  /** ESPN's probability of a tie (sports with draws), when sent */
  espnTieProbability: Schema.optionalKey(Probability),
  /** ESPN's short status text ("17:09 - OT", "Top 1st"), kept for diagnostics */
  detail: Schema.String,
  /** When arbees received this state, epoch milliseconds (from `Clock`) */
  observedAt: Schema.Int
})
export type GameState = typeof GameState.Type

/** Whether a game is over for trading purposes (nothing left to happen on the field). @category predicates */
export const isFinished = (s: Pick<GameState, "status">): boolean =>
  s.status === "final" || s.status === "canceled" || s.status === "postponed"

/** Whether a game is being played (including breaks and weather delays). @category predicates */
export const isLive = (s: Pick<GameState, "status">): boolean =>
  s.status === "in_progress" || s.status === "halftime" || s.status === "end_period" || s.status === "delayed"

/** Whether the state is older than `maxAgeMillis` at `now`. Stale data never trades. @category predicates */
export const isStale = (s: Pick<GameState, "observedAt">, now: number, maxAgeMillis: number): boolean =>
  now - s.observedAt > maxAgeMillis

/** Two states describe the same moment of the game (only the observation time differs). @category predicates */
export const sameMoment = (a: GameState, b: GameState): boolean => {
  const { observedAt: _a, ...x } = a
  const { observedAt: _b, ...y } = b
  return JSON.stringify(x) === JSON.stringify(y)
}
