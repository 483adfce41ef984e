/**
 * A scripted market for the paper venue: books and fee terms set by the test, trades and book
 * changes pushed by the test. It stands in for the venue feeds (external data), not for any of our
 * own logic.
 */
import { Effect, Layer, PubSub, Stream } from "effect"
import type { BookSides } from "../../src/domain/execution/FillModel.ts"
import type { FeeSchedule } from "../../src/domain/fees/Fee.ts"
import type { TradePrint } from "../../src/domain/execution/FillModel.ts"
import { outcomeKey, type OutcomeRef } from "../../src/schema/Market.ts"
import { type MarketEvent, PaperMarket } from "../../src/services/venue/PaperVenue.ts"

export interface ScriptedMarket {
  readonly setBook: (outcome: OutcomeRef, book: BookSides | undefined) => Effect.Effect<void>
  readonly setFees: (outcome: OutcomeRef, fees: FeeSchedule) => void
  readonly trade: (outcome: OutcomeRef, print: TradePrint) => Effect.Effect<void>
  readonly watched: ReadonlySet<string>
}

export const makeScriptedMarket = Effect.gen(function*() {
  const books = new Map<string, BookSides>()
  const fees = new Map<string, FeeSchedule>()
  const watched = new Set<string>()
  const events = yield* PubSub.unbounded<MarketEvent>()
  const script: ScriptedMarket = {
    setBook: (outcome, book) =>
      Effect.suspend(() => {
        if (book === undefined) books.delete(outcomeKey(outcome))
        else books.set(outcomeKey(outcome), book)
        return PubSub.publish(events, { _tag: "Book", outcome })
      }).pipe(Effect.asVoid),
    setFees: (outcome, f) => void fees.set(outcomeKey(outcome), f),
    trade: (outcome, print) => PubSub.publish(events, { _tag: "Trade", outcome, print }).pipe(Effect.asVoid),
    watched
  }
  const service = PaperMarket.of({
    book: (o) => Effect.sync(() => books.get(outcomeKey(o))),
    fees: (o) => Effect.sync(() => fees.get(outcomeKey(o))),
    watch: (o) => Effect.sync(() => void watched.add(outcomeKey(o))),
    events: Stream.fromPubSub(events)
  })
  return { script, service }
})

/** A layer providing the scripted market, and the script to drive it. */
export const scriptedMarketLayer = (onScript: (s: ScriptedMarket) => void) =>
  Layer.effect(PaperMarket, Effect.map(makeScriptedMarket, ({ script, service }) => (onScript(script), service)))
