import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { NO_PRICE, PriceLevels } from "../../../src/domain/book/PriceLevels.ts"

/** The reference model: a plain map, sorted on demand. Slow and obviously right. */
class Model {
  readonly levels = new Map<number, number>()
  readonly side: "bid" | "ask"
  constructor(side: "bid" | "ask") {
    this.side = side
  }
  sorted(): Array<[number, number]> {
    return [...this.levels].sort((a, b) => (this.side === "bid" ? b[0] - a[0] : a[0] - b[0]))
  }
}

type Op =
  | { readonly kind: "set"; readonly price: number; readonly size: number }
  | { readonly kind: "add"; readonly price: number; readonly delta: number }
  | { readonly kind: "clear" }

// Few distinct prices so that updates hit existing levels often; sub-cent on purpose
const priceArb = fc.integer({ min: 0, max: 60 }).map((i) => 1_000 + i * 1_000)
const sizeArb = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5_000_000_000 }))
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("set" as const), price: priceArb, size: sizeArb }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("add" as const), price: priceArb, delta: fc.integer({ min: -3_000_000_000, max: 3_000_000_000 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "clear" as const }) }
)

const check = (levels: PriceLevels, model: Model) => {
  const expected = model.sorted()
  assert.strictEqual(levels.length, expected.length)
  expected.forEach(([price, size], depth) => {
    assert.strictEqual(levels.priceAt(depth), price)
    assert.strictEqual(levels.sizeAt(depth), size)
    assert.strictEqual(levels.sizeAtPrice(price), size)
  })
  assert.strictEqual(levels.bestPrice(), expected[0]?.[0] ?? NO_PRICE)
  assert.strictEqual(levels.bestSize(), expected[0]?.[1] ?? 0)
  assert.strictEqual(levels.priceAt(expected.length), NO_PRICE)
}

describe("PriceLevels", () => {
  for (const side of ["bid", "ask"] as const) {
    it(`${side}: agrees with a sorted map under any sequence of set/add/clear`, () =>
      fc.assert(
        fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
          const levels = new PriceLevels(side, 2) // tiny capacity: exercise growth
          const model = new Model(side)
          for (const op of ops) {
            if (op.kind === "clear") {
              levels.clear()
              model.levels.clear()
            } else if (op.kind === "set") {
              levels.set(op.price, op.size)
              if (op.size === 0) model.levels.delete(op.price)
              else model.levels.set(op.price, op.size)
            } else {
              const current = model.levels.get(op.price) ?? 0
              const next = current + op.delta
              const result = levels.add(op.price, op.delta)
              if (next < 0) {
                assert.strictEqual(result, "negative")
              } else {
                assert.strictEqual(result, "ok")
                if (next === 0) model.levels.delete(op.price)
                else model.levels.set(op.price, next)
              }
            }
            check(levels, model)
          }
        }),
        { numRuns: 300 }
      ))
  }

  it("keeps sub-cent levels apart (0.999, 0.998, 0.99 are three levels)", () => {
    const asks = new PriceLevels("ask")
    assert.isTrue(asks.load([999_000, 998_000, 990_000], [10_000_000, 5_000_000, 1_000_000], 3))
    assert.strictEqual(asks.length, 3)
    assert.strictEqual(asks.bestPrice(), 990_000)
    assert.strictEqual(asks.priceAt(1), 998_000)
    assert.strictEqual(asks.priceAt(2), 999_000)
  })

  it("loads wire order directly, falls back for unsorted input, and rejects duplicates", () => {
    const bids = new PriceLevels("bid")
    assert.isTrue(bids.load([10_000, 20_000, 30_000], [1, 2, 3], 3))
    assert.strictEqual(bids.bestPrice(), 30_000)
    assert.isTrue(bids.load([30_000, 10_000, 20_000], [3, 1, 2], 3))
    assert.deepStrictEqual([bids.priceAt(0), bids.priceAt(1), bids.priceAt(2)], [30_000, 20_000, 10_000])
    assert.isFalse(bids.load([10_000, 20_000, 10_000], [1, 2, 3], 3))
    assert.strictEqual(bids.length, 0)
  })

  it("skips zero-size levels in a snapshot and replaces everything (no ghost levels)", () => {
    const bids = new PriceLevels("bid")
    bids.load([10_000, 20_000, 30_000], [1, 2, 3], 3)
    bids.load([15_000, 25_000], [0, 7], 2)
    assert.strictEqual(bids.length, 1)
    assert.strictEqual(bids.bestPrice(), 25_000)
    assert.strictEqual(bids.sizeAtPrice(30_000), 0)
  })

  it("refuses a delta that would make a level negative and changes nothing", () => {
    const bids = new PriceLevels("bid")
    bids.set(500_000, 5_000_000)
    assert.strictEqual(bids.add(500_000, -6_000_000), "negative")
    assert.strictEqual(bids.sizeAtPrice(500_000), 5_000_000)
    assert.strictEqual(bids.add(400_000, -1), "negative")
    assert.strictEqual(bids.length, 1)
  })
})
