import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { readFileSync } from "node:fs"
import { emptyTop } from "../../../src/domain/book/BookState.ts"
import {
  applyTickSizeChange,
  applyTokenLevel,
  applyTokenSnapshot,
  matchesVenueBest,
  settleTokenChanges,
  TokenBook,
  tokenTop,
  walkToken
} from "../../../src/domain/book/TokenBook.ts"
import { parseScaled } from "../../../src/schema/Money.ts"

interface Level {
  readonly price: string
  readonly size: string
}
const load = (name: string) => JSON.parse(readFileSync(`/work/shared/fixtures/${name}`, "utf8")) as { bids: Array<Level>; asks: Array<Level>; tick_size?: string }
const prices = (levels: Array<Level>) => levels.map((l) => parseScaled(l.price)!)
const sizes = (levels: Array<Level>) => levels.map((l) => parseScaled(l.size)!)

const side = (p: Array<number>, s: Array<number>) => ({ prices: p, sizes: s, count: p.length })
const none = side([], [])

const fromFixture = (name: string, now = 1_000) => {
  const msg = load(name)
  const book = new TokenBook("1")
  const reason = applyTokenSnapshot(book, side(prices(msg.bids), sizes(msg.bids)), side(prices(msg.asks), sizes(msg.asks)), parseScaled(msg.tick_size ?? "0")!, now)
  return { book, reason, msg }
}

describe("TokenBook", () => {
  it("loads the real 2026 WS book: best bid and ask are the last elements of each list", () => {
    const { book, reason, msg } = fromFixture("polymarket-ws-book.json")
    assert.isUndefined(reason)
    assert.strictEqual(book.bids.length, msg.bids.length)
    assert.strictEqual(book.asks.length, msg.asks.length)
    assert.deepStrictEqual(tokenTop(book, emptyTop()), { bid: 130_000, bidSize: 167_000_000, ask: 140_000, askSize: 189_000_000 })
    assert.strictEqual(book.tickSize, 10_000)
  })

  it("keeps the 2024 sub-cent levels exact (0.999 / 0.998 / 0.997 / 0.99 stay four levels)", () => {
    const { book, reason, msg } = fromFixture("polymarket-ws-book-2024.json")
    assert.isUndefined(reason)
    assert.strictEqual(book.asks.length, msg.asks.length)
    assert.strictEqual(book.asks.sizeAtPrice(999_000), 10_500_100_000_000)
    assert.strictEqual(book.asks.sizeAtPrice(998_000), 1_000_000_000_000)
    assert.strictEqual(book.asks.sizeAtPrice(990_000), 200_259_000_000)
    const asks: Array<number> = []
    walkToken(book, "ask", 1_000, (p) => void asks.push(p))
    assert.deepStrictEqual(asks, [...prices(msg.asks)].sort((a, b) => a - b))
  })

  it("price_change sets absolute sizes; size 0 removes the level", () => {
    const { book } = fromFixture("polymarket-ws-book.json")
    book.tickSize = 1_000 // a sub-cent grid, so 0.135 is a valid level
    assert.isUndefined(applyTokenLevel(book, "bid", 130_000, 50_000_000, 2_000))
    assert.strictEqual(book.bids.sizeAtPrice(130_000), 50_000_000) // replaced, not added
    assert.isUndefined(applyTokenLevel(book, "bid", 130_000, 0, 2_000))
    assert.strictEqual(tokenTop(book, emptyTop()).bid, 120_000)
    assert.isUndefined(applyTokenLevel(book, "ask", 135_000, 1_000_000, 2_000)) // sub-cent inside the spread
    assert.deepStrictEqual(tokenTop(book, emptyTop()), { bid: 120_000, bidSize: 391_000_000, ask: 135_000, askSize: 1_000_000 })
    assert.isUndefined(settleTokenChanges(book, 120_000, 135_000))
  })

  it("drops the book when our best bid/ask disagrees with the venue's", () => {
    const { book } = fromFixture("polymarket-ws-book.json")
    book.tickSize = 1_000 // a sub-cent grid, so 0.135 is a valid level
    applyTokenLevel(book, "bid", 135_000, 10_000_000, 2_000)
    assert.strictEqual(settleTokenChanges(book, 130_000, 140_000), "BestBidAskMismatch")
    assert.strictEqual(book.status, "awaiting_snapshot")
    assert.strictEqual(applyTokenLevel(book, "bid", 100_000, 1, 3_000), "NotLive")
    assert.deepStrictEqual(tokenTop(book, emptyTop()), emptyTop())
  })

  it("reads the venue's empty-side convention: best bid 0 and best ask 1 mean no level", () => {
    const book = new TokenBook("1")
    applyTokenSnapshot(book, none, none, 0, 0)
    assert.isTrue(matchesVenueBest(book, 0, 1_000_000))
    applyTokenLevel(book, "bid", 10_000, 1, 0)
    assert.isFalse(matchesVenueBest(book, 0, 1_000_000))
    assert.isTrue(matchesVenueBest(book, 10_000, 1_000_000))
    assert.isTrue(matchesVenueBest(book, -1, -1))
  })

  it("drops a crossed book", () => {
    const { book } = fromFixture("polymarket-ws-book.json")
    applyTokenLevel(book, "bid", 150_000, 1_000_000, 2_000)
    assert.strictEqual(settleTokenChanges(book, -1, -1), "Crossed")
    const crossed = new TokenBook("2")
    assert.strictEqual(applyTokenSnapshot(crossed, side([500_000], [1]), side([400_000], [1]), 0, 0), "Crossed")
  })

  it("a tick-size change keeps a book whose levels sit on the new grid and drops one that does not", () => {
    const { book } = fromFixture("polymarket-ws-book.json")
    assert.strictEqual(book.epoch, 1)
    const before = tokenTop(book, emptyTop())
    assert.strictEqual(applyTickSizeChange(book, 1_000, 2_000), undefined) // 0.01 → 0.001: every level is on it
    assert.deepStrictEqual([book.status, book.tickSize, book.asOf, book.epoch], ["live", 1_000, 2_000, 1])
    assert.deepStrictEqual(tokenTop(book, emptyTop()), before)
    assert.strictEqual(applyTokenLevel(book, "bid", 131_000, 5, 2_001), undefined)
    assert.strictEqual(applyTickSizeChange(book, 100_000, 2_500), "TickSizeChange") // 0.131 is off a 0.1 grid
    assert.strictEqual(book.status, "awaiting_snapshot")
    assert.deepStrictEqual(tokenTop(book, emptyTop()), emptyTop())
    assert.strictEqual(applyTokenLevel(book, "bid", 200_000, 5, 2_600), "NotLive")
    applyTokenSnapshot(book, side([100_000], [5_000_000]), side([200_000], [1_000_000]), 0, 3_000)
    assert.deepStrictEqual([book.status, book.epoch, book.tickSize, book.bids.length], ["live", 2, 100_000, 1])
  })

  it("absolute updates are idempotent: replaying any suffix of changes after a snapshot gives the same book", () =>
    fc.assert(
      fc.property(
        fc.array(fc.record({ side: fc.constantFrom("bid" as const, "ask" as const), i: fc.integer({ min: 0, max: 20 }), size: fc.integer({ min: 0, max: 9 }) }), { maxLength: 60 }),
        fc.nat(),
        (changes, cut) => {
          const apply = (book: TokenBook, from: number) => {
            for (const c of changes.slice(from)) {
              const price = c.side === "bid" ? 100_000 + c.i * 1_000 : 600_000 + c.i * 1_000
              applyTokenLevel(book, c.side, price, c.size * 1_000_000, 1)
            }
          }
          const once = new TokenBook("1")
          applyTokenSnapshot(once, none, none, 0, 0)
          apply(once, 0)
          const twice = new TokenBook("1")
          applyTokenSnapshot(twice, none, none, 0, 0)
          apply(twice, 0)
          apply(twice, changes.length === 0 ? 0 : cut % changes.length)
          assert.deepStrictEqual(tokenTop(twice, emptyTop()), tokenTop(once, emptyTop()))
          assert.strictEqual(twice.bids.length, once.bids.length)
          assert.strictEqual(twice.asks.length, once.asks.length)
        }
      ),
      { numRuns: 200 }
    ))
})
