import { assert, describe, it } from "@effect/vitest"
import { partitions } from "../../../src/domain/signals/Outcomes.ts"

describe("outcome coverage", () => {
  it("accepts only combinations that pay exactly once in every result", () => {
    assert.isTrue(partitions(["home_win", "away_win"], false))
    assert.isTrue(partitions(["home_win", "not_home_win"], false))
    assert.isFalse(partitions(["home_win", "home_win"], false))
    assert.isFalse(partitions(["home_win", "away_win"], true), "the draw is uncovered")
    assert.isTrue(partitions(["home_win", "not_home_win"], true))
    assert.isTrue(partitions(["home_win", "draw", "away_win"], true))
    assert.isFalse(partitions(["home_win", "other"], false))
  })
})
