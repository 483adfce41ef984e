/**
 * Decoding an ESPN game summary: the game, its plays as replayed states, and ESPN's own win
 * probability joined to them.
 *
 * Plays are top-level (`plays[]`) for most sports and under `drives.previous[].plays[]` plus
 * `drives.current.plays[]` for football. `winprobability[].playId` joins to a play's `id`; an
 * entry that matches no play (the NFL fixture's first entry carries a drive id) stays unjoined and
 * is counted. A play that does not decode is a failure of its own; the rest of the summary stands.
 * So is a win probability outside [0, 1] (dropped, with an `Implausible` reason), and a game that
 * cannot be true fails the summary.
 * Pure: the caller records failures.
 *
 * @since 0.1.0
 */
import { Option, Result, Schema } from "effect"
import type { EspnError } from "../../schema/errors/EspnError.ts"
import type { GameState, PregameOdds } from "../../schema/GameState.ts"
import type { League } from "../../schema/Sport.ts"
import { clockSpec, intIn, normalizeGame } from "./Normalize.ts"
import { pregameOdds, toNumber } from "./Odds.ts"
import { clockDirection, replay } from "./Plays.ts"
import { decodeError, implausibleError } from "./Scoreboard.ts"
import { checkState } from "../../domain/game/Plausibility.ts"
import * as Wire from "./Wire.ts"

/** The state right after one play, with ESPN's win probability at that point when it has one. @category models */
export interface PlayState {
  readonly playId: string
  /** Position of the play in game order, from 0 (ESPN's own `sequenceNumber` is not unique in MLB) */
  readonly sequence: number
  readonly text: string
  readonly state: GameState
  /** ESPN's home win probability after this play, 0..1 */
  readonly espnHomeWinProbability?: number
  /** ESPN's tie (draw) probability after this play, 0..1, when ESPN publishes one */
  readonly espnTieProbability?: number
}

/** A play that could not be replayed. @category models */
export interface PlayFailure {
  readonly playId?: string
  readonly error: EspnError
  readonly payload?: unknown
}

/** @category models */
export interface GameSummary {
  readonly game: GameState
  readonly plays: ReadonlyArray<PlayState>
  readonly pregameOdds?: PregameOdds
  /** ESPN's pre-game "Matchup Predictor" */
  readonly predictor?: { readonly homeWinProbability: number }
  /** How many `winprobability` entries there were and how many joined to a play */
  readonly winProbability: { readonly entries: number; readonly matched: number }
  /** Drive plays ESPN filed out of game order, put back by their sequence number (0 when none) */
  readonly misfiledPlays: number
  readonly failures: ReadonlyArray<PlayFailure>
}

const OPERATION = "espn.summary"

const decodeEnvelope = Schema.decodeUnknownResult(Wire.SummaryEnvelope)
const decodePlay = Schema.decodeUnknownResult(Wire.Play)
const decodeWinProbability = Schema.decodeUnknownOption(Wire.WinProbability)

const probability = (value: Wire.NumLike | null | undefined): number | undefined => {
  const p = toNumber(value)
  return p !== undefined && p >= 0 && p <= 1 ? p : undefined
}

/** Raw plays in game order: top-level, or the drives' plays (each id once). */
const rawPlays = (summary: Wire.SummaryEnvelope): ReadonlyArray<unknown> => {
  if (summary.plays !== null && summary.plays !== undefined && summary.plays.length > 0) return summary.plays
  const drives = summary.drives ?? undefined
  return [
    ...(drives?.previous ?? []).flatMap((d) => d.plays ?? []),
    ...(drives?.current?.plays ?? [])
  ]
}

/**
 * Drive plays in game order. ESPN files some plays under the wrong drive (2022 college summaries:
 * end-of-half snaps at `0:00` inside a drive of the previous quarter, a third-quarter kickoff inside
 * a second-quarter drive), so drive order is not game order. When every play has a numeric
 * `sequenceNumber` the plays are sorted on it (stably: ties keep drive order); otherwise drive
 * order stands. Top-level `plays` arrays keep their own order (MLB's sequence numbers repeat).
 */
const inGameOrder = (summary: Wire.SummaryEnvelope, plays: ReadonlyArray<Wire.Play>): ReadonlyArray<Wire.Play> => {
  if (summary.plays !== null && summary.plays !== undefined && summary.plays.length > 0) return plays
  const keys = plays.map((p) => toNumber(p.sequenceNumber))
  if (keys.some((k) => k === undefined || !Number.isFinite(k))) return plays
  return plays.map((play, i) => ({ play, key: keys[i]! })).sort((a, b) => a.key - b.key).map((p) => p.play)
}

const predictorOf = (predictor: Wire.SummaryEnvelope["predictor"]): GameSummary["predictor"] => {
  if (predictor === null || predictor === undefined) return undefined
  const pct = (v: Wire.NumLike | null | undefined) => {
    const n = toNumber(v)
    return n !== undefined && n >= 0 && n <= 100 ? n / 100 : undefined
  }
  const home = pct(predictor.homeTeam?.gameProjection) ?? pct(predictor.awayTeam?.teamChanceLoss)
  const away = pct(predictor.awayTeam?.gameProjection) ?? pct(predictor.homeTeam?.teamChanceLoss)
  const homeWinProbability = home ?? (away === undefined ? undefined : 1 - away)
  return homeWinProbability === undefined ? undefined : { homeWinProbability }
}

/** @category models */
export interface DecodeOptions {
  readonly league: League
  /** When the payload was received, epoch milliseconds (from `Clock`) */
  readonly observedAt: number
}

/**
 * A summary's game, plays (as states) and ESPN's probabilities. Fails only when the payload is not
 * a summary or its game cannot be normalised.
 *
 * @category decoding
 */
export const decodeSummary = (json: unknown, options: DecodeOptions): Result.Result<GameSummary, EspnError> => {
  const envelope = decodeEnvelope(json)
  if (Result.isFailure(envelope)) return Result.fail(decodeError(OPERATION, `not a summary: ${envelope.failure.message}`, json))
  const summary = envelope.success
  const competition = summary.header.competitions[0]
  if (competition === undefined) return Result.fail(decodeError(OPERATION, "summary header has no competition", summary.header))
  const gameId = competition.id

  const failures: Array<PlayFailure> = []
  const decodedPlays: Array<Wire.Play> = []
  const seen = new Set<string>()
  for (const raw of rawPlays(summary)) {
    const decoded = decodePlay(raw)
    if (Result.isFailure(decoded)) {
      const id = typeof raw === "object" && raw !== null && typeof (raw as { id?: unknown }).id === "string"
        ? (raw as { id: string }).id
        : undefined
      failures.push({ ...(id === undefined ? {} : { playId: id }), error: decodeError(OPERATION, `game ${gameId} play ${id ?? "?"}: ${decoded.failure.message}`, raw), payload: raw })
      continue
    }
    if (seen.has(decoded.success.id)) continue
    seen.add(decoded.success.id)
    decodedPlays.push(decoded.success)
  }
  const plays = inGameOrder(summary, decodedPlays)

  const linescores = Math.max(0, ...competition.competitors.map((c) => c.linescores?.length ?? 0))
  const lastPeriod = plays.length === 0 ? undefined : intIn(plays[plays.length - 1]!.period?.number, 0, 99)
  const postseason = toNumber(summary.header.season?.type) === 3
  const odds = [...(summary.pickcenter ?? []), ...(summary.odds ?? []), ...(competition.odds ?? [])]
  const game = normalizeGame({
    league: options.league,
    gameId,
    startTime: competition.date ?? competition.startDate,
    status: competition.status,
    competitors: competition.competitors,
    regulationPeriods: competition.format?.regulation?.periods,
    postseason,
    neutralSite: competition.neutralSite === true,
    situation: competition.situation,
    odds,
    details: competition.details,
    fallbackPeriod: lastPeriod ?? (linescores > 0 ? linescores : undefined),
    observedAt: options.observedAt
  })
  if (Result.isFailure(game)) return Result.fail(decodeError(OPERATION, game.failure, summary.header))
  const implausible = checkState(game.success)
  if (implausible !== undefined) return Result.fail(implausibleError(OPERATION, implausible))

  const probabilities = new Map<string, Wire.WinProbability>()
  const rawProbabilities = summary.winprobability ?? (json as { winProbability?: unknown }).winProbability
  const entries = Array.isArray(rawProbabilities) ? rawProbabilities : []
  for (const raw of entries) {
    const entry = decodeWinProbability(raw)
    if (Option.isSome(entry)) probabilities.set(entry.value.playId, entry.value)
  }

  const spec = clockSpec(options.league, { regulationPeriods: toNumber(competition.format?.regulation?.periods), postseason })
  const states: Array<PlayState> = []
  let matched = 0
  for (const { play, state } of replay({ game: game.success, spec, direction: clockDirection(plays) }, plays)) {
    if (Result.isFailure(state)) {
      failures.push({ playId: play.id, error: decodeError(OPERATION, `game ${gameId} play ${play.id}: ${state.failure}`, play), payload: play })
      continue
    }
    const wp = probabilities.get(play.id)
    const home = probability(wp?.homeWinPercentage)
    const tie = probability(wp?.tiePercentage)
    if (wp !== undefined) matched++
    // A probability outside [0, 1] is dropped, never silently: a failure of its own
    for (const [field, raw, value] of [["homeWinPercentage", wp?.homeWinPercentage, home], ["tiePercentage", wp?.tiePercentage, tie]] as const) {
      if (raw === undefined || raw === null || value !== undefined) continue
      failures.push({
        playId: play.id,
        error: implausibleError(OPERATION, { check: "ProbabilityOutOfRange", message: `game ${gameId} play ${play.id}: ${field} ${JSON.stringify(raw)} is not a probability in [0, 1]` }),
        payload: wp
      })
    }
    states.push({
      playId: play.id,
      sequence: states.length,
      text: play.text ?? play.type?.text ?? "",
      state: state.success,
      ...(home === undefined ? {} : { espnHomeWinProbability: home }),
      ...(tie === undefined ? {} : { espnTieProbability: tie })
    })
  }

  const predictor = predictorOf(summary.predictor)
  const pregame = pregameOdds(odds)
  return Result.succeed({
    game: game.success,
    plays: states,
    ...(pregame === undefined ? {} : { pregameOdds: pregame }),
    ...(predictor === undefined ? {} : { predictor }),
    winProbability: { entries: entries.length, matched },
    misfiledPlays: plays.reduce((n, p, i) => (p === decodedPlays[i] ? n : n + 1), 0),
    failures
  })
}
