import { NodeServices } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { ratingPrior } from "../../../src/domain/winprob/prior/TeamRatings.ts"
import { defaultRatingsDirectory, loadRatingsFiles, parseRatingsFile } from "../../../src/services/ratings/TeamRatings.ts"
import type { TeamId } from "../../../src/schema/Ids.ts"
import { stateOf } from "../../domain/winprob/States.ts"

describe("TeamRatings", () => {
  it.effect("loads the shipped college-football ratings with their provenance", () =>
    Effect.gen(function*() {
      const files = yield* loadRatingsFiles(defaultRatingsDirectory).pipe(Effect.provide(NodeServices.layer))
      assert.deepStrictEqual(files.map((f) => f.sport), ["ncaaf"])
      const ncaaf = files[0]!
      assert.isAbove(ncaaf.results, 2000)
      assert.isAbove(Object.keys(ncaaf.ratings).length, 200)
      assert.isTrue(ncaaf.sources.some((s) => s.startsWith("saiemgilani/game-on-paper-app@")))
      // Georgia (61) at home to a rated team gives an Elo prior naming the file
      const prior = ratingPrior(ncaaf, stateOf("ncaaf", 0, 0, {
        startTime: Date.UTC(2023, 8, 2),
        home: { teamId: "61" as TeamId, abbreviation: "UGA", name: "Georgia", score: 0 },
        away: { teamId: "333" as TeamId, abbreviation: "ALA", name: "Alabama", score: 0 }
      }))!
      assert.strictEqual(prior.source, "elo")
      assert.include(prior.detail, "data/ratings/ncaaf.json")
    }))

  it.effect("refuses a file whose sport is not its name, or that does not decode", () =>
    Effect.gen(function*() {
      const text = JSON.stringify({ sport: "nfl", method: "m", parameters: { k: 1, homeAdvantage: 1, seasonCarry: 1 }, sources: [], results: 0, through: "x", ratings: {} })
      const wrong = yield* Effect.flip(parseRatingsFile("data/ratings/ncaaf.json", text))
      assert.strictEqual(wrong.reason._tag, "Invalid")
      assert.include(wrong.reason.message, "expected ncaaf")
      const bad = yield* Effect.flip(parseRatingsFile("data/ratings/nfl.json", "{\"sport\":\"nfl\"}"))
      assert.strictEqual(bad.reason._tag, "Invalid")
    }))
})
