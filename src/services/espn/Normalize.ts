/**
 * From ESPN's wire shapes to one normalised `GameState`, whatever the sport.
 *
 * - Sides come from `homeAway`, never from array order (tennis and MMA fall back to ESPN's
 *   explicit `order` field, which is not the array position).
 * - Status comes from `type.name`, checked against `type.state` (`STATUS_DELAYED` before the start
 *   is a scheduled game, not a live one).
 * - The clock becomes seconds remaining in regulation: count-down clocks (football, basketball,
 *   hockey, MMA) from `clock`/`displayClock`, soccer's count-up clock with stoppage (`"90'+5'"`),
 *   none for baseball (innings from `shortDetail`, "Top 1st") and tennis (sets).
 *
 * Everything here is pure; the result is checked against the `GameState` schema, so a value that
 * breaks an invariant is a decode failure, not a silently wrong state. Counts (scores, periods)
 * must be plain decimal integers and start times plausible ISO 8601 dates (`Plausibility.ts`). Peripheral values that are
 * out of range (a 5th down, 4 outs) drop that piece of context instead of failing the game.
 *
 * @since 0.1.0
 */
import { Option, Result, Schema } from "effect"
import {
  type BaseballContext,
  type FootballContext,
  GameState,
  type GameStatus,
  isLive,
  type SoccerContext,
  type TeamState,
  type TennisContext
} from "../../schema/GameState.ts"
import { type League, leagues, sportFamily } from "../../schema/Sport.ts"
import { plainCount, plausibleDate } from "../../domain/game/Plausibility.ts"
import { pregameOdds, toNumber } from "./Odds.ts"
import type * as Wire from "./Wire.ts"
import { Detail } from "./Wire.ts"

// ---------------------------------------------------------------------------------------------
// Clocks

/**
 * How a league's game clock works. `countdown` clocks show the time left in the period; soccer's
 * `countup` clock shows the time played in the match; baseball and tennis have none.
 *
 * @category models
 */
export interface ClockSpec {
  readonly kind: "countdown" | "countup" | "none"
  /** Periods in regulation (quarters, halves, periods, innings, sets, rounds) */
  readonly periods: number
  readonly periodSeconds: number
  /** Length of an overtime period, when overtime is played on a clock */
  readonly overtimeSeconds?: number
}

const countdown = (periods: number, periodSeconds: number, overtimeSeconds?: number): ClockSpec =>
  overtimeSeconds === undefined
    ? { kind: "countdown", periods, periodSeconds }
    : { kind: "countdown", periods, periodSeconds, overtimeSeconds }

/**
 * The clock rules of a league. `regulationPeriods` (the payload's `format.regulation.periods`)
 * overrides the period count; `postseason` lengthens NFL and NHL overtime.
 *
 * @category models
 */
export const clockSpec = (
  league: League,
  options: { readonly regulationPeriods?: number | undefined; readonly postseason?: boolean | undefined } = {}
): ClockSpec => {
  const base = ((): ClockSpec => {
    switch (league) {
      case "nfl":
        return countdown(4, 900, options.postseason === true ? 900 : 600)
      case "ncaaf":
        return countdown(4, 900) // college overtime is untimed
      case "nba":
        return countdown(4, 720, 300)
      case "ncaab":
        return countdown(2, 1200, 300)
      case "wnba":
        return countdown(4, 600, 300)
      case "nhl":
        return countdown(3, 1200, options.postseason === true ? 1200 : 300)
      case "ufc":
        return countdown(3, 300)
      case "mlb":
        return { kind: "none", periods: 9, periodSeconds: 0 }
      case "atp":
      case "wta":
        return { kind: "none", periods: 3, periodSeconds: 0 }
      default:
        return { kind: "countup", periods: 2, periodSeconds: 2700, overtimeSeconds: 900 }
    }
  })()
  const periods = options.regulationPeriods
  return periods !== undefined && Number.isInteger(periods) && periods >= 1 && periods <= 12 ? { ...base, periods } : base
}

/** Seconds from a clock display: `"12:00"` → 720, `"26.1"` → 26.1, `"0.0"` → 0. @category parsing */
export const parseClock = (display: string | null | undefined): number | undefined => {
  if (display === null || display === undefined) return undefined
  const text = display.trim()
  const mmss = /^(\d{1,3}):(\d{2}(?:\.\d+)?)$/.exec(text)
  if (mmss !== null) return Number(mmss[1]) * 60 + Number(mmss[2])
  return /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : undefined
}

/** Soccer's count-up display: `"90'+5'"` → minute 90, 5 stoppage minutes; `"67'"` → 67, 0. @category parsing */
export const parseSoccerClock = (
  display: string | null | undefined
): { readonly minute: number; readonly stoppage: number } | undefined => {
  if (display === null || display === undefined) return undefined
  const m = /^(\d{1,3})'?(?:\s*\+\s*(\d{1,2})'?)?$/.exec(display.trim())
  return m === null ? undefined : { minute: Number(m[1]), stoppage: m[2] === undefined ? 0 : Number(m[2]) }
}

/** @category models */
export interface ClockInput {
  readonly status: GameStatus
  readonly period: number
  /** Count-down: seconds left in the period. Count-up: seconds played in the match. */
  readonly clock?: number | undefined
  /** Count-up only: stoppage minutes shown beyond the half's end (`"45'+2'"` → 2) */
  readonly stoppageMinutes?: number | undefined
}

/** @category models */
export interface ClockState {
  readonly secondsRemaining?: number
  readonly periodSecondsRemaining?: number
  readonly overtime: boolean
  readonly soccer?: SoccerContext
}

const clamp = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi)
const hasEnded = (status: GameStatus) => status === "final"
const notStarted = (status: GameStatus, period: number) =>
  status === "scheduled" || status === "postponed" || status === "canceled" || period < 1

/**
 * Seconds remaining in regulation (0 in overtime), seconds left in the period, and whether the
 * game is in overtime.
 *
 * @category models
 */
export const clockState = (spec: ClockSpec, input: ClockInput): ClockState => {
  const { period, status } = input
  const overtime = period > spec.periods
  const regulation = spec.periods * spec.periodSeconds
  if (spec.kind === "none") return { overtime }
  if (notStarted(status, period)) {
    const soccer = spec.kind === "countup" ? { soccer: { minute: 0, stoppageMinutes: 0 } } : {}
    return { secondsRemaining: regulation, periodSecondsRemaining: spec.periodSeconds, overtime: false, ...soccer }
  }
  if (spec.kind === "countdown") {
    if (hasEnded(status)) return { secondsRemaining: 0, periodSecondsRemaining: 0, overtime }
    const left = input.clock ?? (status === "end_period" || status === "halftime" ? 0 : undefined)
    if (overtime) {
      const periodLeft = left === undefined ? undefined : Math.max(0, left)
      return { secondsRemaining: 0, overtime, ...(periodLeft === undefined ? {} : { periodSecondsRemaining: periodLeft }) }
    }
    if (left === undefined) return { overtime }
    const periodLeft = clamp(left, 0, spec.periodSeconds)
    return { secondsRemaining: (spec.periods - period) * spec.periodSeconds + periodLeft, periodSecondsRemaining: periodLeft, overtime }
  }
  // Count-up (soccer): regulation time played, with stoppage kept apart
  const stoppageMinutes = input.stoppageMinutes ?? 0
  if (hasEnded(status)) {
    return { secondsRemaining: 0, periodSecondsRemaining: 0, overtime, soccer: { minute: regulation / 60, stoppageMinutes } }
  }
  if (overtime) {
    const extra = spec.overtimeSeconds ?? 0
    const periodEnd = regulation + (period - spec.periods) * extra
    const periodLeft = input.clock === undefined || extra === 0 ? undefined : clamp(periodEnd - input.clock, 0, extra)
    return {
      secondsRemaining: 0,
      overtime,
      soccer: { minute: regulation / 60, stoppageMinutes },
      ...(periodLeft === undefined ? {} : { periodSecondsRemaining: periodLeft })
    }
  }
  const periodStart = (period - 1) * spec.periodSeconds
  const periodEnd = period * spec.periodSeconds
  const atEnd = status === "halftime" || status === "end_period" || stoppageMinutes > 0
  const played = atEnd ? periodEnd : input.clock === undefined ? undefined : clamp(input.clock, periodStart, periodEnd)
  if (played === undefined) return { overtime }
  return {
    secondsRemaining: regulation - played,
    periodSecondsRemaining: periodEnd - played,
    overtime,
    soccer: { minute: played / 60, stoppageMinutes }
  }
}

// ---------------------------------------------------------------------------------------------
// Status

const statusByName: Readonly<Record<string, GameStatus>> = {
  STATUS_SCHEDULED: "scheduled",
  STATUS_IN_PROGRESS: "in_progress",
  STATUS_FIRST_HALF: "in_progress",
  STATUS_SECOND_HALF: "in_progress",
  STATUS_OVERTIME: "in_progress",
  STATUS_EXTRA_TIME: "in_progress",
  STATUS_SHOOTOUT: "in_progress",
  STATUS_HALFTIME: "halftime",
  STATUS_HALFTIME_ET: "halftime",
  STATUS_END_PERIOD: "end_period",
  STATUS_END_OF_EXTRATIME: "end_period",
  STATUS_FINAL: "final",
  STATUS_FULL_TIME: "final",
  STATUS_FINAL_AET: "final",
  STATUS_FINAL_PEN: "final",
  STATUS_FINAL_OT: "final",
  STATUS_RETIRED: "final",
  STATUS_WALKOVER: "final",
  STATUS_FORFEIT: "final",
  STATUS_POSTPONED: "postponed",
  STATUS_DELAYED: "delayed",
  STATUS_RAIN_DELAY: "delayed",
  STATUS_SUSPENDED: "suspended",
  STATUS_CANCELED: "canceled",
  STATUS_CANCELLED: "canceled",
  STATUS_ABANDONED: "canceled"
}

/**
 * The normalised status. Known names map directly; unknown ones fall back on `state`
 * (`pre` → scheduled, `in` → in progress, `post` → final if completed, otherwise suspended,
 * which neither trades nor settles).
 *
 * @category parsing
 */
export const statusOf = (type: Wire.Status["type"]): GameStatus | undefined => {
  const state = type.state ?? undefined
  const known = type.name === null || type.name === undefined ? undefined : statusByName[type.name]
  if (known === "delayed" && state === "pre") return "scheduled" // a delayed start is not a live game
  if (known !== undefined) return known
  switch (state) {
    case "pre":
      return "scheduled"
    case "in":
      return "in_progress"
    case "post":
      return type.completed === true ? "final" : "suspended"
    default:
      return undefined
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/**
 * A count in `[min, max]` written as a plain decimal integer (`3` or `"3"`; never `"0x3"`, `"3e0"`
 * or `"3.0"`), or `undefined`.
 *
 * @category parsing
 */
export const intIn = (value: Wire.NumLike | null | undefined, min: number, max: number): number | undefined => {
  const n = plainCount(value)
  return n !== undefined && n >= min && n <= max ? n : undefined
}

/** `{ [key]: value }`, or `{}` when the value is undefined (for exact optional properties). @category helpers */
export const defined = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }

const decodeGameState = Schema.decodeUnknownResult(GameState)
const decodeDetail = Schema.decodeUnknownOption(Detail)

// ---------------------------------------------------------------------------------------------
// Sides and teams

/** Picks home and away by `homeAway`; individual sports fall back on ESPN's `order` field. @category parsing */
export const sides = (
  league: League,
  competitors: ReadonlyArray<Wire.Competitor>
): Result.Result<{ readonly home: Wire.Competitor; readonly away: Wire.Competitor }, string> => {
  const home = competitors.filter((c) => c.homeAway === "home")
  const away = competitors.filter((c) => c.homeAway === "away")
  if (home.length === 1 && away.length === 1) return Result.succeed({ home: home[0]!, away: away[0]! })
  const family = sportFamily[leagues[league].sport]
  if ((family === "tennis" || family === "mma") && competitors.length === 2) {
    const [a, b] = competitors as readonly [Wire.Competitor, Wire.Competitor]
    const oa = toNumber(a.order)
    const ob = toNumber(b.order)
    if (oa !== undefined && ob !== undefined && oa !== ob) return Result.succeed(oa < ob ? { home: a, away: b } : { home: b, away: a })
  }
  return Result.fail(`expected one home and one away competitor, found ${home.length} home and ${away.length} away of ${competitors.length}`)
}

const setsWon = (c: Wire.Competitor): number => (c.linescores ?? []).filter((s) => s.winner === true).length

/** A competitor's score: a non-negative integer, 0 before the start. */
const scoreOf = (league: League, c: Wire.Competitor): Result.Result<number, string> => {
  const family = sportFamily[leagues[league].sport]
  if (family === "tennis") return Result.succeed(setsWon(c))
  const raw = c.score
  if (raw === null || raw === undefined) return Result.succeed(0)
  const value = typeof raw === "object" ? raw.value ?? raw.displayValue : raw
  if (value === null || value === undefined || value === "") return Result.succeed(0)
  const n = plainCount(value)
  return n !== undefined ? Result.succeed(n) : Result.fail(`competitor ${c.id} has score ${JSON.stringify(raw)}, not a plain decimal count`)
}

/** A team (or player) with its score. @category parsing */
export const teamOf = (league: League, c: Wire.Competitor): Result.Result<Omit<TeamState, "teamId"> & { teamId: string }, string> => {
  const score = scoreOf(league, c)
  if (Result.isFailure(score)) return Result.fail(score.failure)
  const team = c.team ?? undefined
  const athlete = c.athlete ?? undefined
  const teamId = team?.id ?? c.id
  const name = team?.displayName ?? athlete?.displayName ?? athlete?.fullName ?? team?.name ?? teamId
  const abbreviation = team?.abbreviation ?? athlete?.shortName ?? name
  return Result.succeed({
    teamId,
    abbreviation,
    name,
    ...defined("location", team?.location ?? undefined),
    ...defined("nickname", team?.name ?? undefined),
    score: score.success
  })
}

// ---------------------------------------------------------------------------------------------
// Sport context

/**
 * Yards to the end zone for the team with the ball, from `"DET 15"` and that team's abbreviation:
 * its own half counts from 100 down, the opponent's from 50 down.
 */
const yardsFromSpot = (spot: string | null | undefined, possessor: string | undefined): number | undefined => {
  if (spot === null || spot === undefined || possessor === undefined) return undefined
  const m = /^\s*(?:([A-Za-z&.]+)\s+)?(\d{1,2})\s*$/.exec(spot)
  if (m === null) return undefined
  const yard = Number(m[2])
  if (yard === 50) return 50
  if (m[1] === undefined || yard > 50) return undefined
  return m[1] === possessor ? 100 - yard : yard
}

const footballOf = (situation: Wire.Situation, possessor: string | undefined): FootballContext | undefined => {
  const context: FootballContext = {
    ...defined("down", intIn(situation.down, 1, 4)),
    ...defined("distance", intIn(situation.distance, 0, 100)),
    ...defined("yardsToEndzone", intIn(situation.yardsToEndzone, 0, 100) ?? yardsFromSpot(situation.possessionText, possessor)),
    ...defined("homeTimeouts", intIn(situation.homeTimeouts, 0, 3)),
    ...defined("awayTimeouts", intIn(situation.awayTimeouts, 0, 3))
  }
  return Object.keys(context).length === 0 ? undefined : context
}

/** `"Top 1st"`, `"Bot 9th"`, `"Mid 3rd"`, `"End 7th"` → the half-inning. @category parsing */
export const inningHalf = (detail: string | null | undefined): BaseballContext["half"] | undefined => {
  const m = /^\s*(top|bot(?:tom)?|mid(?:dle)?|end)\b/i.exec(detail ?? "")
  if (m === null) return undefined
  const word = m[1]!.toLowerCase()
  return word === "top" ? "top" : word.startsWith("bot") ? "bottom" : word.startsWith("mid") ? "middle" : "end"
}

const baseballOf = (
  inning: number,
  half: BaseballContext["half"] | undefined,
  situation: Wire.Situation | null | undefined
): BaseballContext | undefined => {
  if (half === undefined || inning < 1) return undefined
  if (half === "middle" || half === "end") {
    return { inning, half, outs: 0, onFirst: false, onSecond: false, onThird: false }
  }
  const outs = intIn(situation?.outs, 0, 3)
  if (situation === null || situation === undefined || outs === undefined) return undefined
  return {
    inning,
    half,
    outs,
    onFirst: situation.onFirst === true,
    onSecond: situation.onSecond === true,
    onThird: situation.onThird === true,
    ...defined("balls", intIn(situation.balls, 0, 4)),
    ...defined("strikes", intIn(situation.strikes, 0, 3))
  }
}

const tennisOf = (home: Wire.Competitor, away: Wire.Competitor, bestOf: number | undefined): TennisContext => {
  const h = home.linescores ?? []
  const a = away.linescores ?? []
  const sets: Array<{ home: number; away: number }> = []
  for (let i = 0; i < Math.max(h.length, a.length); i++) {
    sets.push({ home: intIn(h[i]?.value, 0, 99) ?? 0, away: intIn(a[i]?.value, 0, 99) ?? 0 })
  }
  return { sets, ...(bestOf === 3 || bestOf === 5 ? { bestOf } : {}) }
}

const redCards = (details: ReadonlyArray<unknown> | null | undefined, homeId: string, awayId: string) => {
  if (details === null || details === undefined) return {}
  let home = 0
  let away = 0
  for (const raw of details) {
    const d = decodeDetail(raw)
    if (Option.isNone(d) || d.value.redCard !== true) continue
    if (d.value.team?.id === homeId) home++
    else if (d.value.team?.id === awayId) away++
  }
  return { homeRedCards: home, awayRedCards: away }
}

// ---------------------------------------------------------------------------------------------
// The game

/** Everything the normaliser reads, whichever endpoint it came from. @category models */
export interface GameInput {
  readonly league: League
  readonly gameId: string
  readonly startTime: string | null | undefined
  readonly status: Wire.Status | null | undefined
  readonly competitors: ReadonlyArray<Wire.Competitor>
  readonly regulationPeriods?: Wire.NumLike | null | undefined
  readonly postseason?: boolean | undefined
  readonly neutralSite?: boolean | undefined
  readonly situation?: Wire.Situation | null | undefined
  readonly odds?: ReadonlyArray<unknown> | null | undefined
  readonly details?: ReadonlyArray<unknown> | null | undefined
  /** The period to assume when the status has none (a final summary header) */
  readonly fallbackPeriod?: number | undefined
  readonly observedAt: number
}

const resultOf = (home: Wire.Competitor, away: Wire.Competitor, homeScore: number, awayScore: number) => {
  const winner = home.winner === true && away.winner !== true
    ? "home"
    : away.winner === true && home.winner !== true
    ? "away"
    : homeScore > awayScore
    ? "home"
    : awayScore > homeScore
    ? "away"
    : "draw"
  return { winner, homeScore, awayScore } as const
}

/**
 * One normalised game, or a message saying why the payload cannot be one.
 *
 * @category parsing
 */
export const normalizeGame = (input: GameInput): Result.Result<GameState, string> =>
  Result.mapError(normalize(input), (message) => `game ${input.gameId}: ${message}`)

const normalize = (input: GameInput): Result.Result<GameState, string> => {
  const { league } = input
  const sport = leagues[league].sport
  const family = sportFamily[sport]
  if (input.status === null || input.status === undefined) return Result.fail("no status")
  const status = statusOf(input.status.type)
  if (status === undefined) return Result.fail(`unknown status ${JSON.stringify(input.status.type)}`)
  const start = plausibleDate(input.startTime)
  if (start === undefined) return Result.fail(`no plausible start time (${String(input.startTime)}): an ISO 8601 date between 2000 and 2100`)

  const picked = sides(league, input.competitors)
  if (Result.isFailure(picked)) return Result.fail(picked.failure)
  const { away, home } = picked.success
  const homeTeam = teamOf(league, home)
  if (Result.isFailure(homeTeam)) return Result.fail(homeTeam.failure)
  const awayTeam = teamOf(league, away)
  if (Result.isFailure(awayTeam)) return Result.fail(awayTeam.failure)

  const periods = toNumber(input.regulationPeriods)
  const spec = clockSpec(league, { regulationPeriods: periods, postseason: input.postseason })
  const reportedPeriod = intIn(input.status.period, 0, 99) ?? input.fallbackPeriod ?? 0
  const period = status === "scheduled" ? 0 : reportedPeriod
  const detail = input.status.type.shortDetail ?? input.status.type.detail ?? input.status.type.description ??
    input.status.type.name ?? ""

  const soccerDisplay = spec.kind === "countup" ? parseSoccerClock(input.status.displayClock) : undefined
  const rawClock = toNumber(input.status.clock) ??
    (spec.kind === "countup" ? (soccerDisplay === undefined ? undefined : soccerDisplay.minute * 60) : parseClock(input.status.displayClock))
  const clock = clockState(spec, { status, period, clock: rawClock, stoppageMinutes: soccerDisplay?.stoppage })

  const live = isLive({ status })
  const situation = input.situation ?? undefined
  const possessionId = live ? situation?.possession ?? (home.possession === true ? homeTeam.success.teamId : away.possession === true ? awayTeam.success.teamId : undefined) : undefined
  const possession = possessionId === homeTeam.success.teamId ? "home" as const : possessionId === awayTeam.success.teamId ? "away" as const : undefined
  const possessor = possession === "home" ? homeTeam.success.abbreviation : possession === "away" ? awayTeam.success.abbreviation : undefined

  const football = family === "football" && live && situation !== undefined ? footballOf(situation, possessor) : undefined
  const baseball = family === "baseball" && live ? baseballOf(period, inningHalf(input.status.type.shortDetail ?? input.status.type.detail), situation) : undefined
  const tennis = family === "tennis" ? tennisOf(home, away, periods) : undefined
  const soccer = clock.soccer === undefined ? undefined : { ...clock.soccer, ...redCards(input.details, homeTeam.success.teamId, awayTeam.success.teamId) }
  const mma = family === "mma" && period >= 1 ? { round: period, scheduledRounds: spec.periods } : undefined
  const odds = pregameOdds(input.odds)

  const candidate = {
    gameId: input.gameId,
    league,
    sport,
    status,
    startTime: start,
    period,
    ...defined("secondsRemaining", clock.secondsRemaining),
    ...defined("periodSecondsRemaining", clock.periodSecondsRemaining),
    overtime: clock.overtime,
    ...(input.postseason === true ? { postseason: true } : {}),
    ...(input.neutralSite === true ? { neutralSite: true } : {}),
    home: homeTeam.success,
    away: awayTeam.success,
    ...defined("possession", possession),
    ...defined("football", football),
    ...defined("baseball", baseball),
    ...defined("tennis", tennis),
    ...defined("soccer", soccer),
    ...defined("mma", mma),
    ...defined("odds", odds),
    ...(status === "final" ? { result: resultOf(home, away, homeTeam.success.score, awayTeam.success.score) } : {}),
    detail,
    observedAt: input.observedAt
  }
  const decoded = decodeGameState(candidate)
  return Result.isSuccess(decoded) ? Result.succeed(decoded.success) : Result.fail(decoded.failure.message)
}
