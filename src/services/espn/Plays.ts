/**
 * Replaying a summary's plays into the game state right after each play.
 *
 * Each sport reads what its plays carry:
 *
 * - **Clocks.** Basketball and football plays show the time left in the period; NHL summary plays
 *   show the time played in the period (`"0:00"` at the start, `"20:00"` at the end). The direction
 *   is detected from the plays themselves (which way the clock moves within a period), so a feed
 *   that flips is still read right. Soccer plays count up with stoppage (`"45'+2'"`).
 * - **Football** drive plays carry `end{down, distance, yardsToEndzone, team}`: the situation
 *   after the play, and the team with the ball. Their clock is the time at the snap (ESPN gives no
 *   clock after the play), so the state after a play carries the clock it started with.
 * - **Baseball** plays carry `outs`, but ESPN stamps every pitch of a plate appearance with the
 *   outs at its *end*; reading it mid at-bat would leak the future. Outs are therefore taken only
 *   from the plays that end a plate appearance (`play-result`, `end-batterpitcher`) and carried
 *   otherwise. Runners (`onFirst`/`onSecond`/`onThird`, present only while occupied) and the count
 *   (`resultCount`) are as of the play.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import {
  type BaseballContext,
  type FootballContext,
  type GameResult,
  GameState,
  type GameStatus
} from "../../schema/GameState.ts"
import { leagues, sportFamily } from "../../schema/Sport.ts"
import { type ClockSpec, clockState, defined, intIn, parseClock, parseSoccerClock } from "./Normalize.ts"
import type * as Wire from "./Wire.ts"

/** Which way a feed's play clock runs. @category models */
export type ClockDirection = "remaining" | "elapsed"

/** The direction the play clocks move within periods (ties read as time remaining). @category parsing */
export const clockDirection = (plays: ReadonlyArray<Wire.Play>): ClockDirection => {
  let up = 0
  let down = 0
  let last: { period: number; clock: number } | undefined
  for (const play of plays) {
    const period = intIn(play.period?.number, 0, 99)
    const clock = parseClock(play.clock?.displayValue)
    if (period === undefined || clock === undefined) continue
    if (last !== undefined && last.period === period) {
      if (clock > last.clock) up++
      else if (clock < last.clock) down++
    }
    last = { period, clock }
  }
  return up > down ? "elapsed" : "remaining"
}

const END_OF_PERIOD = /^(end (of )?(period|quarter|half|regulation)|period end|end of \d\w* (period|quarter|half))$/i
/**
 * A kick returned without a score: ESPN ends it at down −1 ("Kickoff Return (Offense)", and most
 * returned kickoffs in its 2022 college summaries), yet the receiving team snaps next on 1st & 10.
 * A kickoff ESPN types plain "Kickoff" already ends at 1st down.
 */
const RETURNED_KICK = /^(kickoff|punt)/i

const END_OF_GAME = /^(end (of )?game|game end|end of match)$/i
const AT_BAT_ENDS = new Set(["play-result", "end-batterpitcher"])
const INNING_BREAK = new Set(["start-inning", "end-inning"])

const halfOf = (type: string | null | undefined): BaseballContext["half"] | undefined => {
  switch ((type ?? "").toLowerCase()) {
    case "top":
      return "top"
    case "bottom":
      return "bottom"
    case "mid":
    case "middle":
      return "middle"
    case "end":
      return "end"
    default:
      return undefined
  }
}

/** The replay's running state between plays. */
interface Carry {
  period: number
  homeScore: number
  awayScore: number
  outs: number
}

/** What every play's state starts from: the summary's game, with its final result if any. @category models */
export interface ReplayBase {
  readonly game: GameState
  readonly spec: ClockSpec
  readonly direction: ClockDirection
}

const decodeGameState = Schema.decodeUnknownResult(GameState)

const resultOf = (homeScore: number, awayScore: number, final: GameResult | undefined): GameResult => {
  const winner = final?.winner ?? (homeScore > awayScore ? "home" : awayScore > homeScore ? "away" : "draw")
  return { winner, homeScore, awayScore }
}

/** The normalised state right after one play (or a message saying why it cannot be built). */
const stateAfter = (
  base: ReplayBase,
  play: Wire.Play,
  carry: Carry,
  isLast: boolean
): Result.Result<GameState, string> => {
  const { game, spec } = base
  const family = sportFamily[leagues[game.league].sport]
  const typeText = play.type?.text ?? ""
  carry.period = intIn(play.period?.number, 0, 99) ?? carry.period
  carry.homeScore = intIn(play.homeScore, 0, 100_000) ?? carry.homeScore
  carry.awayScore = intIn(play.awayScore, 0, 100_000) ?? carry.awayScore
  const period = carry.period

  const endsGame = END_OF_GAME.test(typeText) || (isLast && game.status === "final")
  const status: GameStatus = endsGame && game.status === "final"
    ? "final"
    : END_OF_PERIOD.test(typeText)
    ? (spec.periods % 2 === 0 && period === spec.periods / 2 && family !== "hockey" ? "halftime" : "end_period")
    : "in_progress"

  let clock: number | undefined
  let stoppageMinutes: number | undefined
  if (spec.kind === "countup") {
    const shown = parseSoccerClock(play.clock?.displayValue)
    clock = shown === undefined ? undefined : shown.minute * 60
    stoppageMinutes = shown?.stoppage
  } else if (spec.kind === "countdown") {
    const shown = parseClock(play.clock?.displayValue)
    const length = period > spec.periods ? spec.overtimeSeconds : spec.periodSeconds
    clock = shown === undefined ? undefined : base.direction === "remaining" ? shown : length === undefined ? undefined : Math.max(0, length - shown)
  }
  const timing = clockState(spec, { status, period, clock, stoppageMinutes })

  let possession: "home" | "away" | undefined
  let football: FootballContext | undefined
  if (family === "football") {
    const end = play.end ?? play.start ?? undefined
    const teamId = end?.team?.id ?? undefined
    possession = teamId === game.home.teamId ? "home" : teamId === game.away.teamId ? "away" : undefined
    const yards = intIn(end?.yardsToEndzone, 1, 99)
    const returned = play.scoringPlay !== true && possession !== undefined && yards !== undefined && RETURNED_KICK.test(typeText)
    const reported = intIn(end?.down, 1, 4)
    const down = reported ?? (returned ? 1 : undefined)
    const distance = reported !== undefined ? intIn(end?.distance, 0, 100) : returned ? intIn(end?.distance, 1, 100) ?? Math.min(10, yards) : undefined
    const context: FootballContext = {
      ...(down === undefined ? {} : { down }),
      ...defined("distance", distance),
      ...defined("yardsToEndzone", intIn(end?.yardsToEndzone, 0, 100))
    }
    football = Object.keys(context).length === 0 ? undefined : context
  }

  let baseball: BaseballContext | undefined
  if (family === "baseball") baseball = baseballAfter(play, carry, period)

  const { soccer: _soccer, ...gameWithoutSoccer } = game
  const candidate = {
    ...omitPlayFields(gameWithoutSoccer),
    status,
    period,
    ...defined("secondsRemaining", timing.secondsRemaining),
    ...defined("periodSecondsRemaining", timing.periodSecondsRemaining),
    overtime: timing.overtime,
    home: { ...game.home, score: carry.homeScore },
    away: { ...game.away, score: carry.awayScore },
    ...defined("possession", status === "final" ? undefined : possession),
    ...defined("football", status === "final" ? undefined : football),
    ...defined("baseball", status === "final" ? undefined : baseball),
    ...defined("soccer", timing.soccer),
    ...(status === "final" ? { result: resultOf(carry.homeScore, carry.awayScore, game.result) } : {}),
    detail: typeText
  }
  const decoded = decodeGameState(candidate)
  return Result.isSuccess(decoded) ? Result.succeed(decoded.success) : Result.fail(decoded.failure.message)
}

/** The game fields that each play replaces, dropped from the base so stale ones never leak through. */
const omitPlayFields = (game: Omit<GameState, "soccer">) => {
  const {
    baseball: _b,
    football: _f,
    periodSecondsRemaining: _p,
    possession: _o,
    result: _r,
    secondsRemaining: _s,
    ...rest
  } = game
  return rest
}

const baseballAfter = (play: Wire.Play, carry: Carry, inning: number): BaseballContext | undefined => {
  const half = halfOf(play.period?.type)
  const kind = play.type?.type ?? ""
  if (half === undefined || inning < 1) return undefined
  if (INNING_BREAK.has(kind) || half === "middle" || half === "end") {
    carry.outs = 0
    return { inning, half, outs: 0, onFirst: false, onSecond: false, onThird: false }
  }
  const atBatEnds = AT_BAT_ENDS.has(kind)
  if (atBatEnds) carry.outs = intIn(play.outs, 0, 3) ?? carry.outs
  const balls = atBatEnds ? 0 : intIn(play.resultCount?.balls, 0, 4)
  const strikes = atBatEnds ? 0 : intIn(play.resultCount?.strikes, 0, 3)
  return {
    inning,
    half,
    outs: carry.outs,
    onFirst: play.onFirst !== undefined && play.onFirst !== null,
    onSecond: play.onSecond !== undefined && play.onSecond !== null,
    onThird: play.onThird !== undefined && play.onThird !== null,
    ...defined("balls", balls),
    ...defined("strikes", strikes)
  }
}

/** One play's replayed state, or why it could not be built. @category models */
export type Replayed = { readonly play: Wire.Play; readonly state: Result.Result<GameState, string> }

/**
 * The state after each play, in order. The first play starts from 0-0 in period 1.
 *
 * @category decoding
 */
export const replay = (base: ReplayBase, plays: ReadonlyArray<Wire.Play>): ReadonlyArray<Replayed> => {
  const carry: Carry = { period: 1, homeScore: 0, awayScore: 0, outs: 0 }
  return plays.map((play, i) => ({ play, state: stateAfter(base, play, carry, i === plays.length - 1) }))
}
