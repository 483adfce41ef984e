/**
 * The runner-local market-data hub: it owns the venue feeds (and so their sockets) and lets a
 * consumer, such as a game actor, subscribe to a set of outcomes and receive their top of book.
 *
 * - **Reference-counted.** A book is streamed while at least one subscription wants one of its
 *   outcomes: the first subscriber adds it to its venue feed, the last one to leave (its scope
 *   closing) removes it.
 * - **Updates** carry the outcome's best bid and ask with sizes, the book `epoch` and `asOf`, and
 *   whether the book is `live`. A consumer sees a not-live update as soon as a book is dropped
 *   (gap, resync, reconnect, tick-size change) and must not trade on it. Updates are conflated per
 *   subscription (a sliding queue): the newest state is what matters.
 * - **Age.** `latest` computes freshness at the moment of asking, so a quiet book on a healthy
 *   socket stays fresh and any book on a silent socket ages (see `VenueFeed.ts`); `ageMillis` is
 *   what the staleness gate (`staleness.book`) compares.
 * - **Books never leave the process**: subscribers read tops and walk depth through the hub.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Queue, type Scope } from "effect"
import { emptyTop } from "../../domain/book/BookState.ts"
import type { BookLevel, TopOfBook } from "../../schema/Book.ts"
import { outcomeKey, type OutcomeRef } from "../../schema/Market.ts"
import type { Price, Qty } from "../../schema/Money.ts"
import type { Platform } from "../../schema/Platform.ts"
import type { HttpClient } from "effect/http"
import type * as Socket from "effect/socket/Socket"
import type { AppConfig } from "../config/AppConfig.ts"
import type { VenueError } from "../../schema/errors/VenueError.ts"
import type { DeadLetters } from "../DeadLetters.ts"
import { KalshiFeed } from "../kalshi/KalshiFeed.ts"
import { PolymarketClient } from "../polymarket/PolymarketClient.ts"
import { PolymarketFeed } from "../polymarket/PolymarketFeed.ts"
import type { ConnectionStatus } from "./FeedConnection.ts"
import type { BookView, VenueFeed } from "./VenueFeed.ts"
import { nowMillis } from "../Time.ts"

/** One outcome's top of book as a consumer receives it. @category models */
export interface BookUpdate {
  readonly top: TopOfBook
  /** `false`: the book is being rebuilt or its socket is down. Never trade on it. */
  readonly live: boolean
  /** The book is polled from the venue's REST order book (Kalshi without an API key), as of `top.asOf` */
  readonly polled?: true
}

/** A consumer's view of its outcomes. Lives as long as the scope it was created in. @category models */
export interface BookSubscription {
  /** Top-of-book changes of the subscribed outcomes (conflated; newest last) */
  readonly updates: Queue.Dequeue<BookUpdate>
  /** The outcome's current state, freshness computed now; `undefined` if not subscribed here */
  readonly latest: (outcome: OutcomeRef) => Effect.Effect<BookUpdate | undefined>
  /** Milliseconds since the outcome's book was last known correct; `undefined` when not live */
  readonly ageMillis: (outcome: OutcomeRef) => Effect.Effect<number | undefined>
  /** Up to `maxLevels` levels of one side from the touch (empty when not live) */
  readonly depth: (outcome: OutcomeRef, side: "bid" | "ask", maxLevels: number) => Effect.Effect<ReadonlyArray<BookLevel>>
}

/** @category models */
export interface HubStatus {
  readonly books: number
  readonly subscriptions: number
  readonly connections: ReadonlyArray<ConnectionStatus & { readonly platform: Platform }>
}

const UPDATE_BUFFER = 1_024

/** One subscribed outcome of one subscriber, with what it was last sent. */
interface Entry {
  readonly outcome: OutcomeRef
  readonly queue: Queue.Queue<BookUpdate>
  sent: boolean
  live: boolean
  epoch: number
  bid: number
  bidSize: number
  ask: number
  askSize: number
}

/** The venue feed's key for an outcome's book: the Kalshi market ticker, the Polymarket token id. */
const feedKey = (o: OutcomeRef) => (o.platform === "kalshi" ? o.marketId : o.outcomeId)

const toUpdate = (outcome: OutcomeRef, view: BookView): BookUpdate => {
  const t = view.top
  const top: { -readonly [K in keyof TopOfBook]: TopOfBook[K] } = { outcome, asOf: view.asOf, epoch: view.epoch }
  if (view.live && t.bid >= 0) top.bid = { price: t.bid as Price, size: t.bidSize as Qty }
  if (view.live && t.ask >= 0) top.ask = { price: t.ask as Price, size: t.askSize as Qty }
  return view.polled === true ? { top, live: view.live, polled: true } : { top, live: view.live }
}

/** Whether `view` differs from what `entry` last sent, and if so remember it. */
const changed = (entry: Entry, view: BookView): boolean => {
  const t = view.top
  if (entry.sent && entry.live === view.live && entry.epoch === view.epoch && entry.bid === t.bid && entry.bidSize === t.bidSize && entry.ask === t.ask && entry.askSize === t.askSize) {
    return false
  }
  entry.sent = true
  entry.live = view.live
  entry.epoch = view.epoch
  entry.bid = t.bid
  entry.bidSize = t.bidSize
  entry.ask = t.ask
  entry.askSize = t.askSize
  return true
}

/** @category services */
export class MarketDataHub extends Context.Service<MarketDataHub, {
  /** Subscribes to outcomes for the life of the current scope */
  readonly subscribe: (outcomes: ReadonlyArray<OutcomeRef>) => Effect.Effect<BookSubscription, never, Scope.Scope>
  readonly status: Effect.Effect<HubStatus>
}>()("arbees/services/marketdata/MarketDataHub") {
  /** A hub over the given feeds, running in the current scope. */
  static readonly make = (feeds: ReadonlyArray<VenueFeed>) =>
    Effect.gen(function*() {
      const byPlatform = new Map<Platform, VenueFeed>(feeds.map((f) => [f.platform, f]))
      // platform → feed key → subscribed entries: the publish path allocates nothing
      const index = new Map<Platform, Map<string, Set<Entry>>>(feeds.map((f) => [f.platform, new Map()]))
      const view: BookView = { live: false, epoch: 0, asOf: 0, top: emptyTop() }
      let subscriptions = 0

      const publish = (feed: VenueFeed, key: string) => {
        const entries = index.get(feed.platform)!.get(key)
        if (entries === undefined) return
        for (const entry of entries) {
          view.polled = false
          if (feed.read(key, entry.outcome.outcomeId, view) && changed(entry, view)) Queue.offerUnsafe(entry.queue, toUpdate(entry.outcome, view))
        }
      }
      for (const feed of feeds) yield* feed.onChange((key) => publish(feed, key))

      const feedFor = (o: OutcomeRef) => byPlatform.get(o.platform)

      const read = (o: OutcomeRef): BookUpdate | undefined => {
        const feed = feedFor(o)
        const v: BookView = { live: false, epoch: 0, asOf: 0, top: emptyTop() }
        return feed !== undefined && feed.read(feedKey(o), o.outcomeId, v) ? toUpdate(o, v) : undefined
      }

      /** Indexes the entries; streams each book whose first entry this is. */
      const retain = Effect.fnUntraced(function*(entries: ReadonlyArray<Entry>) {
        const added = new Map<VenueFeed, Array<string>>()
        for (const entry of entries) {
          const feed = feedFor(entry.outcome)
          if (feed === undefined) continue
          const key = feedKey(entry.outcome)
          const books = index.get(feed.platform)!
          let set = books.get(key)
          if (set === undefined) {
            set = new Set()
            books.set(key, set)
            added.set(feed, [...(added.get(feed) ?? []), key])
          }
          set.add(entry)
        }
        for (const [feed, keys] of added) yield* feed.add(keys)
      })

      /** Un-indexes the entries; stops each book nobody wants any more. */
      const release = Effect.fnUntraced(function*(entries: ReadonlyArray<Entry>) {
        const removed = new Map<VenueFeed, Array<string>>()
        for (const entry of entries) {
          const feed = feedFor(entry.outcome)
          if (feed === undefined) continue
          const key = feedKey(entry.outcome)
          const books = index.get(feed.platform)!
          const set = books.get(key)
          if (set === undefined) continue
          set.delete(entry)
          if (set.size === 0) {
            books.delete(key)
            removed.set(feed, [...(removed.get(feed) ?? []), key])
          }
        }
        for (const [feed, keys] of removed) yield* feed.remove(keys)
      })

      const subscribe = Effect.fn("MarketDataHub.subscribe")(function*(outcomes: ReadonlyArray<OutcomeRef>) {
        const queue = yield* Queue.sliding<BookUpdate>(UPDATE_BUFFER)
        const unique = [...new Map(outcomes.map((o) => [outcomeKey(o), o])).values()]
        const entries: Array<Entry> = unique.map((outcome) => ({ outcome, queue, sent: false, live: false, epoch: 0, bid: -1, bidSize: 0, ask: -1, askSize: 0 }))
        yield* Effect.acquireRelease(
          Effect.andThen(Effect.sync(() => void subscriptions++), retain(entries)),
          () => Effect.andThen(Effect.sync(() => void subscriptions--), Effect.andThen(release(entries), Queue.shutdown(queue)))
        )
        // A book another subscriber already streams is live now: publish its current state
        for (const entry of entries) {
          const feed = feedFor(entry.outcome)
          view.polled = false
          if (feed !== undefined && feed.read(feedKey(entry.outcome), entry.outcome.outcomeId, view) && changed(entry, view)) {
            Queue.offerUnsafe(queue, toUpdate(entry.outcome, view))
          }
        }
        const wanted = new Set(unique.map(outcomeKey))
        const latest = (o: OutcomeRef) => Effect.sync(() => (wanted.has(outcomeKey(o)) ? read(o) : undefined))
        const subscription: BookSubscription = {
          updates: queue,
          latest,
          ageMillis: (o) =>
            Effect.flatMap(latest(o), (u) => (u === undefined || !u.live ? Effect.succeed(undefined) : Effect.map(nowMillis, (now) => Math.max(0, now - u.top.asOf)))),
          depth: (o, side, maxLevels) =>
            Effect.sync(() => {
              const levels: Array<BookLevel> = []
              if (!wanted.has(outcomeKey(o))) return levels
              feedFor(o)?.walk(feedKey(o), o.outcomeId, side, maxLevels, (price, size) => void levels.push({ price: price as Price, size: size as Qty }))
              return levels
            })
        }
        return subscription
      })

      const status = Effect.sync((): HubStatus => ({
        books: [...index.values()].reduce((n, m) => n + m.size, 0),
        subscriptions,
        connections: feeds.flatMap((f) => f.health().map((h) => ({ ...h, platform: f.platform })))
      }))

      return MarketDataHub.of({ subscribe, status })
    })

  /** Over the Kalshi and Polymarket feeds. */
  static readonly layer: Layer.Layer<MarketDataHub, never, KalshiFeed | PolymarketFeed> = Layer.effect(
    MarketDataHub,
    Effect.gen(function*() {
      const kalshi = yield* KalshiFeed
      const polymarket = yield* PolymarketFeed
      return yield* MarketDataHub.make([kalshi, polymarket])
    })
  )

  /**
   * The hub with both venue feeds (and the Polymarket REST client they resync from), from the
   * configuration. Provide an `HttpClient` (`NodeHttpClient.layerUndici`) and a WebSocket
   * constructor (`NodeWS.layerWebSocketConstructor`). Fails at start-up only when configured Kalshi
   * credentials do not load.
   */
  static readonly layerFromConfig: Layer.Layer<
    MarketDataHub,
    VenueError,
    AppConfig | DeadLetters | HttpClient.HttpClient | Socket.WebSocketConstructor
  > = MarketDataHub.layer.pipe(
    Layer.provide(Layer.mergeAll(KalshiFeed.layer, PolymarketFeed.layer.pipe(Layer.provide(PolymarketClient.layer))))
  )
}
