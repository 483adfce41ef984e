/**
 * The team ratings carried forward by the games arbees has seen finish, from a real Postgres
 * `games` table.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { carriedRating } from "../../../src/domain/winprob/prior/TeamElo.ts"
import { defaultRatingsDirectory, TeamRatings } from "../../../src/services/ratings/TeamRatings.ts"
import { migratedDatabase } from "../../support/Runtime.ts"

const services = TeamRatings.layerFrom(defaultRatingsDirectory).pipe(Layer.provideMerge(migratedDatabase("postgres")))

layer(services, { excludeTestServices: true, timeout: "60 seconds" })("TeamRatings.current", (it) => {
  it.effect("carries the shipped college ratings by the finished college games after them, and only those", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const ratings = yield* TeamRatings
      const shipped = ratings.files.find((f) => f.sport === "ncaaf")!
      yield* sql`INSERT INTO games (game_id, league, sport, home_team_id, home_team, home_abbr, away_team_id, away_team, away_abbr, start_time, status, home_score, away_score)
                 VALUES ('401999101', 'ncaaf', 'ncaaf', '61', 'Georgia Bulldogs', 'UGA', '333', 'Alabama Crimson Tide', 'ALA', '2026-09-05T19:30:00Z', 'final', 3, 45),
                        ('401999102', 'ncaaf', 'ncaaf', '61', 'Georgia Bulldogs', 'UGA', '2', 'Auburn Tigers', 'AUB', '2026-09-12T19:30:00Z', 'in_progress', 7, 0),
                        ('401999103', 'nfl', 'nfl', '61', 'X', 'X', '333', 'Y', 'Y', '2026-09-13T17:00:00Z', 'final', 50, 0),
                        ('401999104', 'ncaaf', 'ncaaf', '61', 'Georgia Bulldogs', 'UGA', '333', 'Alabama Crimson Tide', 'ALA', '2022-10-01T19:30:00Z', 'final', 0, 60)`
      const current = (yield* ratings.current).find((f) => f.sport === "ncaaf")!
      // Only the college final after the file's last result counts
      assert.strictEqual(current.results, shipped.results + 1)
      assert.strictEqual(current.through, "2026-09-05")
      assert.include(current.sources.at(-1)!, "arbees games table (1 results)")
      // Against the shipped ratings carried into 2026: the home side lost by 42
      assert.isBelow(current.ratings["61"]!.rating, carriedRating(shipped.ratings["61"], 2026, shipped.parameters))
      assert.isAbove(current.ratings["333"]!.rating, carriedRating(shipped.ratings["333"], 2026, shipped.parameters))
      assert.strictEqual(current.ratings["61"]!.season, 2026)
      assert.deepStrictEqual(current.ratings["2"], shipped.ratings["2"])
    }))
})
