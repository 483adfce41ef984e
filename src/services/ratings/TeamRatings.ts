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
import { Context, Effect, FileSystem, Layer, Path, Schema } from "effect"
import { SqlClient } from "effect/sql"
import type { TeamResult } from "../../domain/winprob/prior/TeamElo.ts"
import { seasonOf, TeamRatingsFile, withResults } from "../../domain/winprob/prior/TeamRatings.ts"
import { Invalid, ReferenceDataError, Unreadable } from "../../schema/errors/ReferenceDataError.ts"
import { packagePath } from "../PackagePath.ts"

/** `data/ratings/` at the package root, from both `src/` and `dist/`. @category constants */
export const defaultRatingsDirectory: string = packagePath(import.meta.url, "data/ratings/")

const decodeFile = Schema.decodeUnknownEffect(Schema.fromJsonString(TeamRatingsFile))

/** Decodes one file's text; fails on bad JSON, a Schema mismatch or a sport other than its name. @category loading */
export const parseRatingsFile = Effect.fn("TeamRatings.parse")(function*(file: string, text: string) {
  const decoded = yield* decodeFile(text).pipe(
    Effect.mapError((e) => new ReferenceDataError({ reason: new Invalid({ file, message: e.message }) }))
  )
  const expected = file.replace(/^.*\//, "").replace(/\.json$/, "")
  if (decoded.sport !== expected) {
    return yield* new ReferenceDataError({ reason: new Invalid({ file, message: `sport is ${decoded.sport}, expected ${expected}` }) })
  }
  return decoded
})

/** Reads every `*.json` in `directory`. @category loading */
export const loadRatingsFiles = Effect.fn("TeamRatings.load")(function*(directory: string) {
  const fs = yield* FileSystem.FileSystem
  const path = yield* Path.Path
  const unreadable = (file: string) => (e: { readonly message: string }) => new ReferenceDataError({ reason: new Unreadable({ file, message: e.message }) })
  const names = (yield* fs.readDirectory(directory).pipe(Effect.mapError(unreadable(directory)))).filter((n) => n.endsWith(".json")).sort()
  const files: Array<TeamRatingsFile> = []
  for (const name of names) {
    const file = path.join(directory, name)
    files.push(yield* parseRatingsFile(file, yield* fs.readFileString(file).pipe(Effect.mapError(unreadable(file)))))
  }
  return files
})

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
