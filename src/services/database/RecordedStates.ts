/**
 * The live system's record of the states it priced (`game_states`), read back to evaluate the
 * model on its own record (`arbees eval winprob --recorded`, `domain/winprob/eval/RecordedEval.ts`).
 *
 * Each row is decoded with a Schema where the evaluation depends on it: the status, the league, the
 * overtime flag, the probabilities (in [0, 1]) and a final state's result. A row that does not
 * decode is left out, counted, and its first few reasons are returned, never silently dropped.
 *
 * @since 0.1.0
 */
import { Effect, Result, Schema } from "effect"
import { SqlClient } from "effect/sql"
import type { RecordedRow } from "../../domain/winprob/eval/RecordedEval.ts"
import { QueryFailed, StorageError } from "../../schema/errors/StorageError.ts"
import { GameResult, GameStatus } from "../../schema/GameState.ts"
import { Probability } from "../../schema/Probability.ts"
import { League } from "../../schema/Sport.ts"

/** Which games to read. @category models */
export interface RecordSelection {
  /** Only games whose first recorded state is at or after this instant (epoch milliseconds) */
  readonly since?: number
  /** Only games of these leagues (all when empty) */
  readonly leagues: ReadonlyArray<string>
}

/** What was read. @category models */
export interface RecordRead {
  readonly rows: ReadonlyArray<RecordedRow>
  /** Rows that did not decode: how many, and the first few reasons */
  readonly rejected: { readonly rows: number; readonly examples: ReadonlyArray<string> }
}

const Row = Schema.Struct({
  game_id: Schema.String,
  observed_ms: Schema.Finite,
  status: GameStatus,
  period: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  model_home_prob: Schema.NullOr(Probability),
  espn_home_prob: Schema.NullOr(Probability),
  model_prior_source: Schema.NullOr(Schema.String),
  league: League,
  overtime: Schema.Boolean,
  result: Schema.NullOr(GameResult)
})
const decodeRow = Schema.decodeUnknownResult(Row)

const EXAMPLES = 5

/**
 * Every recorded state of the selected games, in game and time order.
 *
 * @category queries
 */
export const readRecordedStates = Effect.fn("RecordedStates.read")(function*(selection: RecordSelection) {
  const sql = yield* SqlClient.SqlClient
  const league = selection.leagues.length === 0 ? sql`TRUE` : sql`s.state->>'league' IN ${sql.in(selection.leagues)}`
  // A game is selected whole: by its first state, not row by row
  const since = selection.since === undefined
    ? sql`TRUE`
    : sql`s.game_id IN (SELECT game_id FROM game_states GROUP BY game_id HAVING min(observed_at) >= to_timestamp(${selection.since / 1000}))`
  const raw = yield* sql<Record<string, unknown>>`
    SELECT s.game_id, (extract(epoch FROM s.observed_at) * 1000)::float8 AS observed_ms, s.status, s.period,
           s.model_home_prob, s.espn_home_prob, s.model_prior_source,
           s.state->>'league' AS league, s.state->'overtime' AS overtime,
           CASE WHEN s.status = 'final' THEN s.state->'result' END AS result
      FROM game_states s
     WHERE ${league} AND ${since}
     ORDER BY s.game_id, s.observed_at`.pipe(
    Effect.mapError((e) => new StorageError({ reason: new QueryFailed({ message: `reading game_states: ${e.message}` }) }))
  )
  const rows: Array<RecordedRow> = []
  let rejected = 0
  const examples: Array<string> = []
  for (const r of raw) {
    const decoded = decodeRow(r)
    if (Result.isFailure(decoded)) {
      rejected++
      if (examples.length < EXAMPLES) examples.push(`game ${String(r["game_id"])} at ${String(r["observed_ms"])}: ${decoded.failure.message.replace(/\s*\n\s*/g, " ")}`)
      continue
    }
    const d = decoded.success
    rows.push({
      gameId: d.game_id,
      league: d.league,
      observedAt: d.observed_ms,
      status: d.status,
      period: d.period,
      overtime: d.overtime,
      modelHome: d.model_home_prob,
      espnHome: d.espn_home_prob,
      priorSource: d.model_prior_source,
      result: d.result
    })
  }
  return { rows, rejected: { rows: rejected, examples } } satisfies RecordRead
})
