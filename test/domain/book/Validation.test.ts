import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { PriceLevels } from "../../../src/domain/book/PriceLevels.ts"
import { bookDifference, sideDifference } from "../../../src/domain/book/Validation.ts"

/** A side from `[price, size]` pairs (micros), and the venue's wire form of it (best last). */
const levels = (side: "bid" | "ask", pairs: ReadonlyArray<readonly [number, number]>) => {
  const l = new PriceLevels(side)
  for (const [p, s] of pairs) l.set(p, s)
  return l
}
const wire = (side: "bid" | "ask", pairs: ReadonlyArray<readonly [number, number]>) => {
  const sorted = [...pairs].sort((a, b) => (side === "bid" ? a[0] - b[0] : b[0] - a[0]))
  return { prices: sorted.map((x) => x[0]), sizes: sorted.map((x) => x[1]), count: sorted.length }
}

describe("a book against the venue's snapshot", () => {
  const bids = [[300_000, 5_000_000], [290_000, 2_000_000], [253_000, 400_000]] as const

  it("agrees level for level", () => {
    assert.isUndefined(sideDifference("bid", levels("bid", bids), wire("bid", bids), 10))
  })

  it("names the first level that differs: a ghost, a missing level, a size", () => {
    assert.strictEqual(sideDifference("bid", levels("bid", bids), wire("bid", bids.slice(0, 2)), 10), "bid level 3: ours 0.253 x 0.4, venue none")
    assert.strictEqual(sideDifference("bid", levels("bid", bids.slice(1)), wire("bid", bids), 10), "bid level 1: ours 0.29 x 2, venue 0.30 x 5")
    assert.strictEqual(sideDifference("ask", levels("ask", [[397_000, 1_000_000]]), wire("ask", [[397_000, 2_000_000]]), 10), "ask level 1: ours 0.397 x 1, venue 0.397 x 2")
  })

  it("looks only `depth` levels deep", () => {
    assert.isUndefined(sideDifference("bid", levels("bid", bids), wire("bid", bids.slice(0, 2)), 2))
  })

  it("property: equal sides agree; any one changed level is found", () => {
    const side = fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 999 }).map((c) => c * 1_000), fc.integer({ min: 1, max: 1e6 })), { selector: (l) => l[0], maxLength: 30 })
    fc.assert(fc.property(side, side, fc.nat(), (b, a, k) => {
      assert.isUndefined(bookDifference(levels("bid", b), levels("ask", a), wire("bid", b), wire("ask", a), 1_000))
      if (b.length === 0) return
      const changed = b.map((l, i) => (i === k % b.length ? [l[0], l[1] + 1] as const : l))
      assert.isDefined(bookDifference(levels("bid", b), levels("ask", a), wire("bid", changed), wire("ask", a), 1_000))
    }))
  })
})
