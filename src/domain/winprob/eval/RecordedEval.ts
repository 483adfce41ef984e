/**
 * `--recorded`: our model against ESPN's live probability on the live system's own record (the
 * states it priced, `game_states`), per league and phase, with the corpus report's figures
 * (`leagueFigures` in `CorpusEval.ts`), for every league it watched.
 *
 * **Protocol.**
 * - A game counts once its record reaches `final`; its outcome is "home won", from the last final
 *   state's result (a draw is not a home win, as in the corpus). A game with no final state, or
 *   whose final state carries no result, is skipped and counted by reason and league.
 * - Its states: every state in play (`isLive`: in progress, breaks, delays) with a model
 *   probability. Pre-game and other states out of play are left out and counted: the corpus has
 *   no pre-game states either.
 * - Ours: `model_home_prob` as published, after the trading clamp (`model.probabilityBound`), so a
 *   state at the bound counts in its tail and no state is certain. ESPN: `espn_home_prob`, where
 *   the scoreboard carried one. There is no in-game-model-alone comparison: the record holds only
 *   the published probability.
 * - Phases: `phaseLabel` from the state's period and overtime flag.
 * - Priors: games by the prior source of their first scored state (`model_prior_source`;
 *   `unrecorded` for rows written before it was), and how many games changed source in play.
 *
 * @since 0.1.0
 */
import { type GameResult, type GameStatus, isLive } from "../../../schema/GameState.ts"
import { type BootstrapOptions, formatFigures, type LeagueFigures, leagueFigures, phaseLabel, type ScoredState } from "./CorpusEval.ts"

/** One recorded state, as the record holds it. @category models */
export interface RecordedRow {
  readonly gameId: string
  readonly league: string
  /** Epoch milliseconds */
  readonly observedAt: number
  readonly status: GameStatus
  readonly period: number
  readonly overtime: boolean
  /** What our model published */
  readonly modelHome: number | null
  /** ESPN's live probability, when the scoreboard carried one */
  readonly espnHome: number | null
  readonly priorSource: string | null
  /** The result (read from final states only) */
  readonly result: GameResult | null
}

/** A finished game of the record and its scored states. @category models */
export interface RecordedGame {
  readonly gameId: string
  readonly league: string
  readonly winner: GameResult["winner"]
  readonly states: ReadonlyArray<RecordedRow>
}

/** One league of the record. @category models */
export interface RecordedLeagueReport extends LeagueFigures {
  readonly league: string
  /** The first and the last scored state, UTC */
  readonly from: string
  readonly to: string
  readonly statesWithEspn: number
  /** Games by the prior source of their first scored state */
  readonly priors: Record<string, number>
  /** Games whose prior source changed between scored states */
  readonly priorChanged: number
}

/** Games skipped for one reason in one league. @category models */
export interface SkippedGames {
  readonly reason: string
  readonly league: string
  readonly games: number
}

/** @category models */
export interface RecordedReport {
  /** Games evaluated */
  readonly games: number
  readonly skipped: ReadonlyArray<SkippedGames>
  /** States of the evaluated games left out: not in play (pre-game, suspended, ...), or in play without a model probability */
  readonly leftOut: { readonly notInPlay: number; readonly withoutModel: number }
  readonly leagues: ReadonlyArray<RecordedLeagueReport>
}

/** @category constants */
export const NO_FINAL = "no final state"
/** @category constants */
export const NO_RESULT = "final state without a result"
/** @category constants */
export const NO_STATES = "no state in play with a model probability"

/**
 * The record's finished games with their scored states, and what was skipped or left out.
 *
 * @category evaluation
 */
export const recordedGames = (rows: ReadonlyArray<RecordedRow>) => {
  const byGame = new Map<string, Array<RecordedRow>>()
  for (const row of rows) {
    const list = byGame.get(row.gameId)
    if (list === undefined) byGame.set(row.gameId, [row])
    else list.push(row)
  }
  const games: Array<RecordedGame> = []
  const skipped = new Map<string, SkippedGames>()
  const skip = (reason: string, league: string) => {
    const key = `${reason}\u0000${league}`
    skipped.set(key, { reason, league, games: (skipped.get(key)?.games ?? 0) + 1 })
  }
  const leftOut = { notInPlay: 0, withoutModel: 0 }
  for (const [gameId, unordered] of [...byGame].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const record = [...unordered].sort((a, b) => a.observedAt - b.observedAt)
    const league = record[0]!.league
    const finals = record.filter((r) => r.status === "final")
    if (finals.length === 0) {
      skip(NO_FINAL, league)
      continue
    }
    const result = finals.at(-1)!.result
    if (result === null) {
      skip(NO_RESULT, league)
      continue
    }
    const inPlay = record.filter((r) => r.status !== "final" && isLive(r))
    const states = inPlay.filter((r) => r.modelHome !== null)
    if (states.length === 0) {
      skip(NO_STATES, league)
      continue
    }
    leftOut.notInPlay += record.length - finals.length - inPlay.length
    leftOut.withoutModel += inPlay.length - states.length
    games.push({ gameId, league, winner: result.winner, states })
  }
  return { games, skipped: [...skipped.values()], leftOut }
}

/**
 * A recorded game's states, scored: ours as published, ESPN's where present.
 *
 * @category evaluation
 */
export const scoreRecorded = (game: RecordedGame): ReadonlyArray<ScoredState> => {
  const y = game.winner === "home" ? 1 : 0
  return game.states.map((s) => ({
    phase: phaseLabel(game.league, s.period, s.overtime),
    ours: s.modelHome!,
    ...(s.espnHome === null ? {} : { espn: s.espnHome }),
    y
  }))
}

const iso = (millis: number) => new Date(millis).toISOString()
// Not Math.min(...xs): a league's states can outnumber the arguments a call takes
const extreme = (xs: ReadonlyArray<number>, pick: (a: number, b: number) => number) => xs.reduce((a, b) => pick(a, b))

/**
 * The record per league: the corpus report's figures from the recorded probabilities, plus the
 * counts of games, states, states with ESPN's probability and prior sources.
 *
 * @category evaluation
 */
export const evaluateRecorded = (rows: ReadonlyArray<RecordedRow>, options: BootstrapOptions = {}): RecordedReport => {
  const { games, skipped, leftOut } = recordedGames(rows)
  const leagues = [...new Set(games.map((g) => g.league))].sort()
  return {
    games: games.length,
    skipped,
    leftOut,
    leagues: leagues.map((league): RecordedLeagueReport => {
      const mine = games.filter((g) => g.league === league)
      const states = mine.flatMap((g) => g.states)
      const priors: Record<string, number> = {}
      for (const g of mine) {
        const source = g.states[0]!.priorSource ?? "unrecorded"
        priors[source] = (priors[source] ?? 0) + 1
      }
      const { games: played, states: scored, ...figures } = leagueFigures(mine.map(scoreRecorded), options)
      return {
        league,
        from: iso(extreme(states.map((s) => s.observedAt), Math.min)),
        to: iso(extreme(states.map((s) => s.observedAt), Math.max)),
        games: played,
        states: scored,
        statesWithEspn: states.filter((s) => s.espnHome !== null).length,
        priors,
        priorChanged: mine.filter((g) => new Set(g.states.map((s) => s.priorSource)).size > 1).length,
        ...figures
      }
    })
  }
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/**
 * A short fixed-width table of the record's report, for a terminal: what was evaluated, skipped
 * and left out, then each league as in the corpus table.
 *
 * @category formatting
 */
export const formatRecordedTable = (report: RecordedReport): string => {
  const skippedGames = report.skipped.reduce((n, s) => n + s.games, 0)
  const reasons = [...new Set(report.skipped.map((s) => s.reason))].map((reason) => {
    const rows = report.skipped.filter((s) => s.reason === reason)
    return `${reason} (${rows.map((s) => `${s.league} ${s.games}`).join(", ")})`
  })
  const minute = (at: string) => at.slice(0, 16).replace("T", " ")
  return [
    `${plural(report.games, "finished game")} evaluated; skipped ${plural(skippedGames, "game")}${reasons.length === 0 ? "" : `: ${reasons.join("; ")}`}; states left out: ${report.leftOut.notInPlay} not in play, ${report.leftOut.withoutModel} without a model probability`,
    ...report.leagues.flatMap((r) => [
      `${r.league}  ${minute(r.from)} to ${minute(r.to)} UTC  games ${r.games}  states ${r.states} (${r.statesWithEspn} with ESPN)  priors ${Object.entries(r.priors).map(([k, v]) => `${k}:${v}`).join(" ")}${r.priorChanged === 0 ? "" : `  (${plural(r.priorChanged, "game")} changed prior)`}`,
      ...formatFigures(r)
    ])
  ].join("\n")
}
