import { assert, describe, it } from "@effect/vitest"
import { Duration } from "effect"
import * as fc from "fast-check"
import { backoffMillis } from "../../src/services/Backoff.ts"

const base = Duration.millis(100)
const max = Duration.seconds(5)

describe("backoffMillis", () => {
  it("doubles from the base up to the cap, jittered between half and all of the delay", () => {
    assert.deepStrictEqual([1, 2, 3, 4, 5, 6, 7, 50].map((n) => backoffMillis(base, max, n, 0.999999)), [100, 200, 400, 800, 1600, 3200, 5000, 5000])
    assert.deepStrictEqual([1, 2, 7].map((n) => backoffMillis(base, max, n, 0)), [50, 100, 2500])
  })

  it("stays within [delay / 2, delay] for any attempt and any random draw", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const full = Math.min(5000, 100 * 2 ** Math.min(attempt - 1, 30))
        const ms = backoffMillis(base, max, attempt, r)
        return ms >= Math.floor(full / 2) && ms <= full
      })
    )
  })
})
