/**
 * Persistence of game ↔ market mappings in `market_mappings`, one row per mapped outcome, with the
 * method, the confidence and the evidence that produced it.
 *
 * Saving is a reconciliation per game and venue: the outcomes of the current match are upserted
 * and marked active, and every other active row of that game and venue is deactivated. So a
 * listing that disappears, changes or becomes ambiguous stops being traded on at the next
 * discovery; rows are never deleted (they are the audit trail of what was traded on).
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import type { GameRef } from "../../domain/matching/Inputs.ts"
import type { GameMatch, Unmatched, VenueMatch } from "../../domain/matching/Matcher.ts"
import { QueryFailed, StorageError } from "../../schema/errors/StorageError.ts"
import type { OutcomeMeaning } from "../../schema/Market.ts"
import type { Platform } from "../../schema/Platform.ts"
import { leagues } from "../../schema/Sport.ts"
import { nowMillis } from "../Time.ts"

/** An active mapping as stored. @category models */
export interface StoredMapping {
  readonly gameId: string
  readonly platform: Platform
  readonly marketId: string
  readonly outcomeId: string
  readonly meaning: OutcomeMeaning
  readonly method: "deterministic" | "fuzzy"
  readonly confidence: number
  readonly evidence: unknown
}

/** What one save changed. @category models */
export interface SaveSummary {
  readonly upserted: number
  readonly deactivated: number
}

const failed = (e: { readonly message: string }) => new StorageError({ reason: new QueryFailed({ message: e.message }) })

/** @category services */
export class MappingStore extends Context.Service<MappingStore, {
  /** Reconciles the mappings of `platforms` for every game of `matches`. */
  readonly save: (matches: ReadonlyArray<GameMatch>, platforms: ReadonlyArray<Platform>) => Effect.Effect<SaveSummary, StorageError>
  /** The active mappings of a game. */
  readonly active: (gameId: string) => Effect.Effect<ReadonlyArray<StoredMapping>, StorageError>
}>()("arbees/services/MappingStore") {
  static readonly layer: Layer.Layer<MappingStore, never, SqlClient.SqlClient> = Layer.effect(
    MappingStore,
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient

      // `market_mappings.game_id` references `games`: make sure the game row exists
      const ensureGame = (game: GameRef) =>
        sql`INSERT INTO games (game_id, league, sport, home_team_id, home_team, home_abbr, away_team_id, away_team, away_abbr,
                               start_time, status)
            VALUES (${game.gameId}, ${game.league}, ${leagues[game.league].sport}, ${game.home.teamId}, ${game.home.name},
                    ${game.home.abbreviation}, ${game.away.teamId}, ${game.away.name}, ${game.away.abbreviation},
                    to_timestamp(${game.startTime / 1000}), ${game.status})
            ON CONFLICT (game_id) DO NOTHING`

      const saveVenue = (game: GameRef, platform: Platform, result: VenueMatch | Unmatched, at: number) =>
        Effect.gen(function*() {
          const keep: Array<string> = []
          let upserted = 0
          if (result._tag === "Matched") {
            yield* ensureGame(game)
            for (const market of result.markets) {
              const evidence = JSON.stringify({
                eventId: result.eventId,
                evidence: result.evidence,
                rules: market.rules
              })
              for (const o of market.outcomes) {
                keep.push(`${market.marketId}|${o.outcomeId}`)
                yield* sql`
                  INSERT INTO market_mappings (game_id, platform, market_id, outcome_id, meaning, method, confidence, evidence, active,
                                               created_at, updated_at)
                  VALUES (${game.gameId}, ${platform}, ${market.marketId}, ${o.outcomeId}, ${o.meaning}, ${result.method},
                          ${result.confidence}, ${evidence}::jsonb, true, to_timestamp(${at / 1000}), to_timestamp(${at / 1000}))
                  ON CONFLICT (game_id, platform, market_id, outcome_id) DO UPDATE
                    SET meaning = EXCLUDED.meaning, method = EXCLUDED.method, confidence = EXCLUDED.confidence,
                        evidence = EXCLUDED.evidence, active = true, updated_at = EXCLUDED.updated_at`
                upserted++
              }
            }
          }
          const stale = yield* sql<{ market_id: string; outcome_id: string }>`
            SELECT market_id, outcome_id FROM market_mappings
             WHERE game_id = ${game.gameId} AND platform = ${platform} AND active`
          const drop = stale.filter((r) => !keep.includes(`${r.market_id}|${r.outcome_id}`))
          for (const r of drop) {
            const why = JSON.stringify(result._tag === "Unmatched" ? { deactivated: result.reason, detail: result.detail } : { deactivated: "replaced" })
            yield* sql`
              UPDATE market_mappings SET active = false, updated_at = to_timestamp(${at / 1000}),
                     evidence = evidence || ${why}::jsonb
               WHERE game_id = ${game.gameId} AND platform = ${platform} AND market_id = ${r.market_id} AND outcome_id = ${r.outcome_id}`
          }
          return { upserted, deactivated: drop.length }
        })

      const save = Effect.fn("MappingStore.save")(function*(matches: ReadonlyArray<GameMatch>, platforms: ReadonlyArray<Platform>) {
        const at = yield* nowMillis
        let upserted = 0
        let deactivated = 0
        for (const m of matches) {
          for (const platform of platforms) {
            const r = yield* sql.withTransaction(saveVenue(m.game, platform, m[platform], at))
            upserted += r.upserted
            deactivated += r.deactivated
          }
        }
        return { upserted, deactivated }
      }, Effect.mapError(failed))

      const active = Effect.fn("MappingStore.active")(function*(gameId: string) {
        const rows = yield* sql<{
          game_id: string
          platform: Platform
          market_id: string
          outcome_id: string
          meaning: OutcomeMeaning
          method: "deterministic" | "fuzzy"
          confidence: number
          evidence: unknown
        }>`SELECT game_id, platform, market_id, outcome_id, meaning, method, confidence, evidence
             FROM market_mappings WHERE game_id = ${gameId} AND active ORDER BY platform, market_id, outcome_id`
        return rows.map((r) => ({
          gameId: r.game_id,
          platform: r.platform,
          marketId: r.market_id,
          outcomeId: r.outcome_id,
          meaning: r.meaning,
          method: r.method,
          confidence: Number(r.confidence),
          evidence: typeof r.evidence === "string" ? JSON.parse(r.evidence) : r.evidence
        }))
      }, Effect.mapError(failed))

      return MappingStore.of({ save, active })
    })
  )
}
