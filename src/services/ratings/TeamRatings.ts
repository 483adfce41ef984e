/**
 * The shipped team ratings (`data/ratings/<sport>.json`, built by `scripts/winprob-ratings.ts`),
 * loaded once at start-up and decoded by their Schema: the prior a live game with no line gets
 * (`domain/winprob/prior/TeamRatings.ts`). A file that does not decode, or whose sport does not
 * match its name, stops start-up, like the team reference data.
 *
 * `current` carries each file forward by the games of its sport that arbees has seen finish since
 * the file's last result (the `games` table: teams, final score, start), so ratings move with the
 * season the system follows. A game actor asks for it when it starts. If the database cannot be
 * read, the shipped ratings are used and a warning says so.
 *
 * @since 0.1.0
 */
import { Context, Effect, type FileSystem, Layer, type Path } from "effect"
import { SqlClient } from "effect/sql"
import type { TeamResult } from "../../domain/winprob/prior/TeamElo.ts"
import { seasonOf, TeamRatingsFile, withResults } from "../../domain/winprob/prior/TeamRatings.ts"
import type { ReferenceDataError } from "../../schema/errors/ReferenceDataError.ts"
import { packagePath } from "../PackagePath.ts"
import { referenceFiles } from "../ReferenceData.ts"

/** `data/ratings/` at the package root, from both `src/` and `dist/`. @category constants */
export const defaultRatingsDirectory: string = packagePath(import.meta.url, "data/ratings/")

const ratingsFiles = referenceFiles<TeamRatingsFile>({ service: "TeamRatings", schema: TeamRatingsFile, keyName: "sport", keyOf: (f) => f.sport })

/** Decodes one file's text; fails on bad JSON, a Schema mismatch or a sport other than its name. @category loading */
export const parseRatingsFile = ratingsFiles.parse

/** Reads every `*.json` in `directory`. @category loading */
export const loadRatingsFiles = ratingsFiles.load

/** The finished games of `file`'s sport after its last result, from the `games` table. */
const laterResults = (sql: SqlClient.SqlClient, file: TeamRatingsFile) =>
  Effect.map(
    sql<{ game_id: string; start_time: Date | string; home_team_id: string; away_team_id: string; home_score: number; away_score: number }>`
      SELECT game_id, start_time, home_team_id, away_team_id, home_score, away_score FROM games
       WHERE sport = ${file.sport} AND status = 'final' AND home_score IS NOT NULL AND away_score IS NOT NULL
         AND start_time >= ${file.through}::date + 1
       ORDER BY start_time, game_id`,
    (rows) =>
      rows.map((r): TeamResult => {
        const startTime = new Date(r.start_time).getTime()
        return {
          eventId: r.game_id,
          season: seasonOf(file.sport, startTime),
          startTime,
          home: r.home_team_id,
          away: r.away_team_id,
          homeScore: Number(r.home_score),
          awayScore: Number(r.away_score)
        }
      })
  )

/** @category services */
export class TeamRatings extends Context.Service<TeamRatings, {
  /** The shipped files, as read at start-up */
  readonly files: ReadonlyArray<TeamRatingsFile>
  /** The shipped files carried forward by the games arbees has seen finish since */
  readonly current: Effect.Effect<ReadonlyArray<TeamRatingsFile>>
}>()("arbees/services/TeamRatings") {
  /** Loads `directory` (default `data/ratings/`). */
  static readonly layerFrom = (directory: string): Layer.Layer<TeamRatings, ReferenceDataError, FileSystem.FileSystem | Path.Path | SqlClient.SqlClient> =>
    Layer.effect(
      TeamRatings,
      Effect.gen(function*() {
        const files = yield* loadRatingsFiles(directory)
        const sql = yield* SqlClient.SqlClient
        const current = Effect.forEach(files, (file) =>
          laterResults(sql, file).pipe(
            Effect.map((results) => withResults(file, results, "arbees games table")),
            Effect.catchCause((cause) =>
              Effect.as(Effect.logWarning("team ratings: finished games could not be read; using the shipped ratings", cause).pipe(Effect.annotateLogs({ sport: file.sport })), file)
            )
          ))
        return TeamRatings.of({ files, current })
      })
    )

  static readonly layer = TeamRatings.layerFrom(defaultRatingsDirectory)
}
