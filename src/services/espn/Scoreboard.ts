/**
 * Decoding an ESPN scoreboard into normalised game states, one game at a time.
 *
 * The envelope is decoded first; then each event (each match, for tennis; each bout, for MMA) is
 * decoded and normalised on its own, so one bad event yields one failure and the rest of the slate
 * still decodes. A game that decodes but cannot be true (`Plausibility.checkState`) is a failure
 * with an `Implausible` reason. Pure: the caller records failures (metric, dead letter, log).
 *
 * @since 0.1.0
 */
import { Option, Result, Schema } from "effect"
import { checkState, type Implausible as PlausibilityVerdict } from "../../domain/game/Plausibility.ts"
import { Decode, Implausible } from "../../schema/errors/Reasons.ts"
import { EspnError } from "../../schema/errors/EspnError.ts"
import type { GameState } from "../../schema/GameState.ts"
import { type League, leagueFromEspnSlug, leagues, sportFamily } from "../../schema/Sport.ts"
import { normalizeGame } from "./Normalize.ts"
import { toNumber } from "./Odds.ts"
import * as Wire from "./Wire.ts"

/** One game that did not decode. @category models */
export interface GameFailure {
  readonly gameId?: string
  readonly error: EspnError
  /** The offending event, for the dead letter */
  readonly payload?: unknown
}

/** @category models */
export interface ScoreboardDecoded {
  readonly games: ReadonlyArray<GameState>
  readonly failures: ReadonlyArray<GameFailure>
}

/** Up to `max` characters of a value as JSON, for error samples. @category errors */
export const sampleOf = (value: unknown, max = 512): string => {
  let text: string
  try {
    text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  return text.length > max ? `${text.slice(0, max)}…` : text
}

/** An `EspnError` with an `Implausible` reason: the payload decoded but cannot be true. @category errors */
export const implausibleError = (operation: string, implausible: PlausibilityVerdict): EspnError =>
  new EspnError({ reason: new Implausible({ operation, check: implausible.check, message: implausible.message }) })

/** An `EspnError` with a `Decode` reason; the message is kept on one line (schema errors span several). @category errors */
export const decodeError = (operation: string, message: string, sample?: unknown): EspnError =>
  new EspnError({
    reason: new Decode({
      operation,
      message: message.replace(/\s*\n\s*/g, " "),
      ...(sample === undefined ? {} : { sample: sampleOf(sample) })
    })
  })

const decodeEnvelope = Schema.decodeUnknownResult(Wire.ScoreboardEnvelope)
const decodeEvent = Schema.decodeUnknownResult(Wire.Event)
const decodeTennisEvent = Schema.decodeUnknownResult(Wire.TennisEvent)
const decodeCompetition = Schema.decodeUnknownResult(Wire.Competition)

const idOf = (raw: unknown): string | undefined => {
  if (typeof raw !== "object" || raw === null) return undefined
  const id = (raw as { readonly id?: unknown }).id
  return typeof id === "string" ? id : typeof id === "number" ? String(id) : undefined
}

const OPERATION = "espn.scoreboard"

type Unit = Result.Result<GameState, GameFailure> | undefined

const fail = (gameId: string | undefined, message: string, payload: unknown): Result.Result<never, GameFailure> =>
  Result.fail({ ...(gameId === undefined ? {} : { gameId }), error: decodeError(OPERATION, message, payload), payload })

/** A team-sport event: its first competition is the game. */
const teamGame = (raw: unknown, options: DecodeOptions): Unit => {
  const event = decodeEvent(raw)
  if (Result.isFailure(event)) return fail(idOf(raw), `event ${idOf(raw) ?? "?"}: ${event.failure.message}`, raw)
  const e = event.success
  const competition = e.competitions[0]
  if (competition === undefined) return fail(e.id, `event ${e.id} has no competition`, raw)
  return Result.mapError(
    normalizeGame({
      league: options.league,
      gameId: e.id,
      startTime: competition.date ?? competition.startDate ?? e.date,
      status: competition.status ?? e.status,
      competitors: competition.competitors,
      regulationPeriods: competition.format?.regulation?.periods,
      postseason: toNumber(e.season?.type) === 3,
      neutralSite: competition.neutralSite === true,
      situation: competition.situation,
      odds: competition.odds,
      details: competition.details,
      observedAt: options.observedAt
    }),
    (message) => ({ gameId: e.id, error: decodeError(OPERATION, message, raw), payload: raw })
  )
}

/** A tennis match or an MMA bout: one competition inside a tournament or card. */
const individualGame = (raw: unknown, options: DecodeOptions): Unit => {
  const decoded = decodeCompetition(raw)
  if (Result.isFailure(decoded)) return fail(idOf(raw), `competition ${idOf(raw) ?? "?"}: ${decoded.failure.message}`, raw)
  const c = decoded.success
  // A draw slot whose players are not known yet ("TBD", negative ids) is not a game yet
  if (c.competitors.some((x) => !/^\d+$/.test(x.id))) return undefined
  return Result.mapError(
    normalizeGame({
      league: options.league,
      gameId: c.id,
      startTime: c.date ?? c.startDate,
      status: c.status,
      competitors: c.competitors,
      regulationPeriods: c.format?.regulation?.periods,
      observedAt: options.observedAt
    }),
    (message) => ({ gameId: c.id, error: decodeError(OPERATION, message, raw), payload: raw })
  )
}

/** The draw a tennis league follows: singles of its own tour. */
const tennisDraw: Partial<Record<League, string>> = { atp: "mens-singles", wta: "womens-singles" }

const slugOf = (raw: unknown): string | undefined => {
  if (typeof raw !== "object" || raw === null) return undefined
  const type = (raw as { readonly type?: { readonly slug?: unknown } }).type
  return typeof type?.slug === "string" ? type.slug : undefined
}

const individualUnits = (raw: unknown, options: DecodeOptions): ReadonlyArray<Unit> => {
  const event = decodeTennisEvent(raw)
  if (Result.isFailure(event)) return [fail(idOf(raw), `event ${idOf(raw) ?? "?"}: ${event.failure.message}`, raw)]
  const draw = tennisDraw[options.league]
  const competitions = [
    ...(event.success.competitions ?? []),
    ...(event.success.groupings ?? []).flatMap((g) => g.competitions)
  ].filter((c) => draw === undefined || slugOf(c) === undefined || slugOf(c) === draw)
  return competitions.map((c) => individualGame(c, options))
}

/** The value at `path` inside `raw`, when every step is an object. */
const at = (raw: unknown, path: ReadonlyArray<string | number>): unknown => {
  let u = raw
  for (const key of path) {
    if (typeof u !== "object" || u === null) return undefined
    u = (u as Record<string | number, unknown>)[key]
  }
  return u
}

/**
 * ESPN's own win probability after the last play (`competitions[0].situation.lastPlay.probability`,
 * sent for live games of some sports), read tolerantly: it is ESPN's opinion, shown beside ours,
 * never traded on. A value that is not a probability in [0, 1] is left out of the state and
 * reported as a failure of its own; the game itself stands.
 */
const withEspnProbability = (game: GameState, raw: unknown, failures: Array<GameFailure>): GameState => {
  const probability = at(raw, ["competitions", 0, "situation", "lastPlay", "probability"])
  if (typeof probability !== "object" || probability === null) return game
  let out = game
  for (const [field, key] of [["homeWinPercentage", "espnHomeProbability"], ["tiePercentage", "espnTieProbability"]] as const) {
    const value = (probability as Record<string, unknown>)[field]
    if (value === undefined || value === null || value === "") continue
    const p = typeof value === "number" || typeof value === "string" ? toNumber(value) : undefined
    if (p !== undefined && p >= 0 && p <= 1) {
      out = { ...out, [key]: p }
    } else {
      failures.push({
        gameId: game.gameId,
        error: implausibleError(OPERATION, { check: "ProbabilityOutOfRange", message: `game ${game.gameId}: ESPN ${field} ${JSON.stringify(value)} is not a probability in [0, 1]` }),
        payload: probability
      })
    }
  }
  return out
}

/** @category models */
export interface DecodeOptions {
  readonly league: League
  /** When the payload was received, epoch milliseconds (from `Clock`) */
  readonly observedAt: number
}

/**
 * Every game on a scoreboard. A payload that is not a scoreboard at all is one failure without a
 * game id; otherwise each event stands alone.
 *
 * @category decoding
 */
export const decodeScoreboard = (json: unknown, options: DecodeOptions): ScoreboardDecoded => {
  const envelope = decodeEnvelope(json)
  if (Result.isFailure(envelope)) {
    return { games: [], failures: [{ error: decodeError(OPERATION, `not a scoreboard: ${envelope.failure.message}`, json) }] }
  }
  const family = sportFamily[leagues[options.league].sport]
  const individual = family === "tennis" || family === "mma"
  const games: Array<GameState> = []
  const failures: Array<GameFailure> = []
  for (const raw of envelope.success.events) {
    const units = individual ? individualUnits(raw, options) : [teamGame(raw, options)]
    for (const unit of units) {
      if (unit === undefined) continue
      if (Result.isFailure(unit)) {
        failures.push(unit.failure)
        continue
      }
      const implausible = checkState(unit.success)
      if (implausible === undefined) games.push(individual ? unit.success : withEspnProbability(unit.success, raw, failures))
      else failures.push({ gameId: unit.success.gameId, error: implausibleError(OPERATION, implausible), payload: raw })
    }
  }
  return { games, failures }
}

/**
 * The league a saved payload is for, from `leagues[0].slug` (scoreboard) or `header.league.slug`
 * (summary), when arbees follows it.
 *
 * @category decoding
 */
export const inferLeague = (json: unknown): League | undefined => {
  if (typeof json !== "object" || json === null) return undefined
  const doc = json as { readonly leagues?: unknown; readonly header?: { readonly league?: unknown } }
  const ref = Array.isArray(doc.leagues) ? doc.leagues[0] : doc.header?.league
  const decoded = Schema.decodeUnknownOption(Wire.LeagueRef)(ref)
  if (Option.isNone(decoded)) return undefined
  const slug = decoded.value.slug ?? undefined
  if (slug === undefined) return undefined
  for (const info of Object.values(leagues)) {
    if (info.espnLeague === slug) return leagueFromEspnSlug(info.espnSport, slug)
  }
  return undefined
}
