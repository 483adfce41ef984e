/**
 * The lagging-market strategy on hand-made inputs: a play that moves the model by `minJump`
 * while a venue sits still is bought on the favoured side; a venue that already repriced, a play
 * older than the window, a small move or an open holding are not; a holding exits when the venue's
 * bid catches up with the model or after the maximum hold.
 */
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { laggingMarket, type LaggingMarketMemory, LaggingMarketParams } from "../../../src/domain/strategy/Builtins.ts"
import type { Holding, OutcomeBook, StrategyInput } from "../../../src/domain/strategy/Strategy.ts"
import type { OutcomeMeaning } from "../../../src/schema/Market.ts"
import * as Money from "../../../src/schema/Money.ts"
import { nbaGame } from "../../support/Games.ts"
import { polymarketBook } from "./Books.ts"

const T = 1_800_000_000_000
const params = Schema.decodeUnknownSync(LaggingMarketParams)({})

const state = nbaGame({ gameId: "401736811", now: T, period: 4, secondsRemaining: 300, periodSecondsRemaining: 300, home: 100, away: 98, detail: "5:00 - 4th" })

const book = (meaning: OutcomeMeaning, ask: string, bid: string): OutcomeBook => polymarketBook(meaning, ask, bid, T)

const input = (now: number, home: number, books: ReadonlyArray<OutcomeBook>, holdings: ReadonlyArray<Holding> = []): StrategyInput => ({
  now,
  gameId: "401736811",
  state,
  stateChangedAt: now,
  model: { home, draw: 0, away: 1 - home, hasPrior: true, at: now },
  books,
  holdings
})

const run = (steps: ReadonlyArray<StrategyInput>, memory: LaggingMarketMemory = laggingMarket.initial) => {
  const intents = []
  for (const step of steps) {
    const out = laggingMarket.evaluate(params, step, memory)
    memory = out.state
    intents.push(out.intents)
  }
  return { intents, memory }
}

describe("lagging market: entries", () => {
  it("buys the side a play favoured while the venue still shows the old price", () => {
    const books = [book("home_win", "0.55", "0.53"), book("away_win", "0.46", "0.44")]
    // Home scores: the model goes 0.55 → 0.65 (a 10-point jump ≥ the default 8), the venue sits still
    const { intents } = run([input(T, 0.55, books), input(T + 1_000, 0.65, books)])
    assert.deepStrictEqual(intents[0], [])
    assert.strictEqual(intents[1]!.length, 1)
    const entry = intents[1]![0]!
    assert.strictEqual(entry.strategy, "lagging_market")
    assert.strictEqual(entry.purpose, "entry")
    assert.strictEqual(entry.legs[0]!.book.meaning, "home_win")
    assert.strictEqual(entry.legs[0]!.action, "buy")
    // The limit is the model's fair price; risk re-checks the 3-point edge after fees at the final size
    assert.strictEqual(entry.legs[0]!.limit, Money.priceOf("0.65"))
    assert.deepStrictEqual(entry.threshold, { _tag: "edge", probability: 0.65, minEdge: Money.bps(300), kelly: true })
    assert.match(entry.reasons[0]!, /moved the model 10 points toward home; polymarket still asks 0\.55/)
  })

  it("buys the away side when the play went the other way", () => {
    const books = [book("home_win", "0.55", "0.53"), book("away_win", "0.46", "0.44")]
    const { intents } = run([input(T, 0.55, books), input(T + 1_000, 0.45, books)])
    assert.strictEqual(intents[1]![0]!.legs[0]!.book.meaning, "away_win")
  })

  it("keeps the play for the window while the venue lags, and drops it once the venue reprices or the window ends", () => {
    const still = [book("home_win", "0.55", "0.53")]
    const repriced = [book("home_win", "0.63", "0.61")]
    const lagging = run([input(T, 0.55, still), input(T + 1_000, 0.65, still), input(T + 10_000, 0.65, still)])
    assert.strictEqual(lagging.intents[2]!.length, 1, "still lagging 9 s after the play")
    const caughtUp = run([input(T, 0.55, still), input(T + 1_000, 0.65, still), input(T + 5_000, 0.65, repriced)])
    assert.deepStrictEqual(caughtUp.intents[2], [], "the venue repriced: nothing to buy")
    const late = run([input(T, 0.55, still), input(T + 1_000, 0.65, still), input(T + 16_001, 0.65, still)])
    assert.deepStrictEqual(late.intents[2], [], "15 s after the play it is no longer a lag")
    assert.isUndefined(late.memory.jump)
  })

  it("ignores a move under minJump, and enters nothing while holding", () => {
    const books = [book("home_win", "0.55", "0.53")]
    assert.deepStrictEqual(run([input(T, 0.55, books), input(T + 1_000, 0.62, books)]).intents[1], [])
    const holding: Holding = { outcome: books[0]!.outcome, quantity: Money.qtyOf("10"), entryPrice: Money.priceOf("0.55"), enteredAt: T - 5_000 }
    const { intents } = run([input(T, 0.55, books, [holding]), input(T + 1_000, 0.65, books, [holding])])
    assert.isTrue(intents[1]!.every((i) => i.purpose === "exit") && intents[1]!.every((i) => i.legs[0]!.book.meaning === "home_win"))
    assert.isFalse(intents[1]!.some((i) => i.purpose === "entry"))
  })
})

describe("lagging market: exits", () => {
  const holding = (enteredAt: number): Holding => ({ outcome: book("home_win", "0.55", "0.53").outcome, quantity: Money.qtyOf("10"), entryPrice: Money.priceOf("0.55"), enteredAt })

  it("sells the whole holding at the bid once the venue catches up with the model (within 2 cents)", () => {
    const behind = laggingMarket.evaluate(params, input(T, 0.65, [book("home_win", "0.60", "0.62")], [holding(T - 10_000)]), {})
    assert.deepStrictEqual(behind.intents, [], "bid 0.62 is 3 cents under fair 0.65")
    const caught = laggingMarket.evaluate(params, input(T, 0.65, [book("home_win", "0.65", "0.63")], [holding(T - 10_000)]), {})
    assert.strictEqual(caught.intents.length, 1)
    const exit = caught.intents[0]!
    assert.deepStrictEqual([exit.purpose, exit.legs[0]!.action, exit.legs[0]!.limit, exit.desired], ["exit", "sell", Money.priceOf("0.63"), Money.qtyOf("10")])
    assert.match(exit.reasons[0]!, /venue caught up: bid 0\.63 vs fair 0\.65/)
  })

  it("sells after the maximum hold whatever the price", () => {
    const stale = laggingMarket.evaluate(params, input(T, 0.65, [book("home_win", "0.60", "0.50")], [holding(T - 120_000)]), {})
    assert.strictEqual(stale.intents.length, 1)
    assert.match(stale.intents[0]!.reasons[0]!, /held 120 s/)
  })
})

describe("lagging market: parameters", () => {
  it("are validated by its Schema, with defaults", () => {
    assert.deepStrictEqual(params, { minJump: 0.08, windowMillis: 15_000, maxHoldMillis: 120_000, catchUpTolerance: 0.02, minEdge: 0.03 })
    assert.throws(() => Schema.decodeUnknownSync(LaggingMarketParams)({ minJump: 2 }))
  })
})
