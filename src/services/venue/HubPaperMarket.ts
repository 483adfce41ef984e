/**
 * The paper venue's view of the real market, over the runner's {@link MarketDataHub} and the
 * venues' fee terms ({@link MarketTerms}; without them every paper order is rejected).
 *
 * An outcome the paper venue trades is subscribed on the hub once and kept for the life of the
 * layer (the game actor that priced the order usually streams it already; the hub's
 * reference counting shares the socket). Book changes of watched outcomes become `Book` events
 * (queue-position updates and crossing-book fills for resting orders). The hub does not publish
 * public trades yet, so in this layer resting orders fill only when the book crosses their
 * price; trade-driven fills (the model's `onTrade`) run wherever a {@link PaperMarket} supplies
 * `Trade` events.
 *
 * @since 0.1.0
 */
import { Effect, Layer, PubSub, Queue, Scope, Stream } from "effect"
import type { BookSides } from "../../domain/execution/FillModel.ts"
import { outcomeKey, type OutcomeRef } from "../../schema/Market.ts"
import { type BookSubscription, MarketDataHub } from "../marketdata/MarketDataHub.ts"
import { MarketTerms } from "../MarketTerms.ts"
import { type MarketEvent, PaperMarket } from "./PaperVenue.ts"

/** Levels read from each side of a book for a fill (deeper than any order we send walks). */
const DEPTH = 50

/** @category layers */
export const layer: Layer.Layer<PaperMarket, never, MarketDataHub> = Layer.effect(
  PaperMarket,
  Effect.gen(function*() {
    const hub = yield* MarketDataHub
    // Without fee terms (a runtime with no venue clients) every paper order is rejected, never guessed
    const terms = yield* Effect.serviceOption(MarketTerms)
    const scope = yield* Effect.scope
    const subscriptions = new Map<string, BookSubscription>()
    const events = yield* PubSub.unbounded<MarketEvent>()

    const subscription = (outcome: OutcomeRef) =>
      Effect.suspend(() => {
        const existing = subscriptions.get(outcomeKey(outcome))
        if (existing !== undefined) return Effect.succeed(existing)
        return Effect.gen(function*() {
          const sub = yield* hub.subscribe([outcome]).pipe(Scope.provide(scope))
          subscriptions.set(outcomeKey(outcome), sub)
          yield* Queue.take(sub.updates).pipe(
            Effect.flatMap((u) => PubSub.publish(events, { _tag: "Book", outcome: u.top.outcome })),
            Effect.forever,
            Effect.forkIn(scope)
          )
          return sub
        })
      })

    const book = (outcome: OutcomeRef) =>
      Effect.gen(function*() {
        const sub = yield* subscription(outcome)
        const latest = yield* sub.latest(outcome)
        if (latest === undefined || !latest.live) return undefined
        const bids = yield* sub.depth(outcome, "bid", DEPTH)
        const asks = yield* sub.depth(outcome, "ask", DEPTH)
        return { bids, asks } satisfies BookSides
      })

    return PaperMarket.of({
      book,
      fees: (outcome) =>
        terms._tag === "None"
          ? Effect.succeed(undefined)
          : Effect.map(terms.value.termsOf(outcome.platform, outcome.marketId), (t) => (t._tag === "Routable" ? t.fees : undefined)),
      watch: (outcome) => Effect.asVoid(subscription(outcome)),
      events: Stream.fromPubSub(events)
    })
  })
)
