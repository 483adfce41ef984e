import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { readFileSync } from "node:fs"
import { emptyTop } from "../../../src/domain/book/BookState.ts"
import {
  applyKalshiDelta,
  applyKalshiSnapshot,
  KalshiBook,
  kalshiTop,
  walkKalshiAsks
} from "../../../src/domain/book/KalshiBook.ts"
import { parseScaled } from "../../../src/schema/Money.ts"

const fixture = JSON.parse(readFileSync("/work/shared/fixtures/kalshi-orderbook-fp-docs-example.json", "utf8")) as {
  orderbook_fp: { yes_dollars: Array<[string, string]>; no_dollars: Array<[string, string]> }
}
const side = (prices: Array<number>, sizes: Array<number>) => ({ prices, sizes, count: prices.length })
const column = (rows: Array<[string, string]>, i: 0 | 1) => rows.map((r) => parseScaled(r[i])!)

const fixtureBook = (now = 1_000) => {
  const book = new KalshiBook("KXTEST")
  const { no_dollars: no, yes_dollars: yes } = fixture.orderbook_fp
  const reason = applyKalshiSnapshot(book, side(column(yes, 0), column(yes, 1)), side(column(no, 0), column(no, 1)), now)
  assert.isUndefined(reason)
  return book
}

describe("KalshiBook", () => {
  it("derives each outcome's ask from the other outcome's best bid, with that size (docs example)", () => {
    const book = fixtureBook()
    assert.strictEqual(book.status, "live")
    assert.strictEqual(book.epoch, 1)
    // YES: best bid 0.42 x 13; ask = 1 - best NO bid 0.56 = 0.44, size 17
    assert.deepStrictEqual(kalshiTop(book, "yes", emptyTop()), { bid: 420_000, bidSize: 13_000_000, ask: 440_000, askSize: 17_000_000 })
    // NO: best bid 0.56 x 17; ask = 1 - 0.42 = 0.58, size 13
    assert.deepStrictEqual(kalshiTop(book, "no", emptyTop()), { bid: 560_000, bidSize: 17_000_000, ask: 580_000, askSize: 13_000_000 })
    const asks: Array<[number, number]> = []
    walkKalshiAsks(book, "yes", 3, (p, s) => void asks.push([p, s]))
    assert.deepStrictEqual(asks, [[440_000, 17_000_000], [550_000, 20_000_000], [560_000, 29_000_000]])
  })

  it("applies signed deltas: a negative delta that empties the best level moves the touch", () => {
    const book = fixtureBook()
    assert.isUndefined(applyKalshiDelta(book, "no", 560_000, -17_000_000, 2_000))
    const top = kalshiTop(book, "yes", emptyTop())
    assert.strictEqual(top.ask, 550_000) // next NO bid 0.45
    assert.strictEqual(top.askSize, 20_000_000)
    assert.strictEqual(book.asOf, 2_000)
    assert.isUndefined(applyKalshiDelta(book, "yes", 430_000, 2_500_000, 3_000)) // fractional contracts
    assert.deepStrictEqual([kalshiTop(book, "yes", emptyTop()).bid, kalshiTop(book, "yes", emptyTop()).bidSize], [430_000, 2_500_000])
  })

  it("drops the book when a delta would go negative, and ignores deltas until the next snapshot", () => {
    const book = fixtureBook()
    assert.strictEqual(applyKalshiDelta(book, "yes", 420_000, -14_000_000, 2_000), "NegativeLevel")
    assert.strictEqual(book.status, "awaiting_snapshot")
    assert.strictEqual(book.yes.length + book.no.length, 0)
    assert.deepStrictEqual(kalshiTop(book, "yes", emptyTop()), emptyTop())
    assert.strictEqual(applyKalshiDelta(book, "yes", 420_000, 1_000_000, 2_500), "NotLive")
  })

  it("drops a crossed or locked book (best YES bid + best NO bid >= $1)", () => {
    const book = fixtureBook()
    assert.strictEqual(applyKalshiDelta(book, "yes", 440_000, 1_000_000, 2_000), "Crossed") // 0.44 + 0.56 = 1
    assert.strictEqual(book.status, "awaiting_snapshot")
    const crossed = new KalshiBook("X")
    assert.strictEqual(applyKalshiSnapshot(crossed, side([600_000], [1]), side([500_000], [1]), 0), "Crossed")
  })

  it("a snapshot after a drop rebuilds from nothing and bumps the epoch (no ghost levels)", () => {
    const book = fixtureBook()
    applyKalshiDelta(book, "yes", 420_000, -100_000_000, 2_000)
    applyKalshiSnapshot(book, side([100_000], [5_000_000]), side([], []), 3_000)
    assert.strictEqual(book.epoch, 2)
    assert.strictEqual(book.yes.length, 1)
    assert.strictEqual(book.no.length, 0)
    assert.deepStrictEqual(kalshiTop(book, "yes", emptyTop()), { bid: 100_000, bidSize: 5_000_000, ask: -1, askSize: 0 })
  })

  it("top of book always equals the best levels of a reference model under random deltas", () =>
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            side: fc.constantFrom("yes" as const, "no" as const),
            cents: fc.integer({ min: 1, max: 45 }), // both sides below 0.50: never crossed
            delta: fc.integer({ min: -5, max: 5 }).map((n) => n * 1_000_000)
          }),
          { maxLength: 200 }
        ),
        (deltas) => {
          const book = new KalshiBook("X")
          applyKalshiSnapshot(book, side([], []), side([], []), 0)
          const model = { yes: new Map<number, number>(), no: new Map<number, number>() }
          for (const d of deltas) {
            const price = d.cents * 10_000
            const next = (model[d.side].get(price) ?? 0) + d.delta
            if (next < 0) continue // the venue never sends these; covered above
            assert.isUndefined(applyKalshiDelta(book, d.side, price, d.delta, 1))
            if (next === 0) model[d.side].delete(price)
            else model[d.side].set(price, next)
          }
          const best = (m: Map<number, number>) => {
            const prices = [...m.keys()]
            if (prices.length === 0) return [-1, 0] as const
            const p = Math.max(...prices)
            return [p, m.get(p)!] as const
          }
          const [yb, ys] = best(model.yes)
          const [nb, ns] = best(model.no)
          assert.deepStrictEqual(kalshiTop(book, "yes", emptyTop()), { bid: yb, bidSize: ys, ask: nb === -1 ? -1 : 1_000_000 - nb, askSize: ns })
        }
      ),
      { numRuns: 200 }
    ))
})
