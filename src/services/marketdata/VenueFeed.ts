/**
 * What a venue's market-data feed offers the hub: books streamed on demand, read synchronously,
 * with their freshness, and a change signal. Implemented by `KalshiFeed` and `PolymarketFeed`.
 *
 * **Freshness.** A book is `live` only while its venue socket is connected and the book has been
 * rebuilt from a snapshot on that connection with nothing lost since. On Kalshi, whose streams are
 * sequenced, a live book is known correct up to the last sign of life on its connection (every
 * frame, ping and pong), so its `asOf` is the later of its last change and that moment. Polymarket
 * has no sequence numbers, so a lost message cannot be seen from the socket: a book's `asOf` is the
 * last message about that asset or the last validation against REST that agreed with it, never
 * just any frame. Anything not live must not be traded.
 *
 * @since 0.1.0
 */
import { Effect, Metric, type Scope } from "effect"
import type { Top } from "../../domain/book/BookState.ts"
import type { Platform } from "../../schema/Platform.ts"
import type { DeadLetters } from "../DeadLetters.ts"
import type { ConnectionStatus } from "./FeedConnection.ts"
import type { StreamProblem } from "./StreamProblem.ts"

/** One outcome's book as a consumer sees it. Mutable: filled in place by {@link VenueFeed.read}. @category models */
export interface BookView {
  live: boolean
  epoch: number
  /** Epoch ms up to which the book is known correct (see the module docs) */
  asOf: number
  /** The book comes from polling the venue's REST order book (no stream): `asOf` is its poll time */
  polled?: boolean
  readonly top: Top
}

/** @category models */
export interface VenueFeed {
  readonly platform: Platform
  /** Streams these books (Kalshi market tickers, Polymarket token ids); idempotent */
  readonly add: (keys: ReadonlyArray<string>) => Effect.Effect<void>
  readonly remove: (keys: ReadonlyArray<string>) => Effect.Effect<void>
  /** Fills `out` for one outcome of a book (`yes`/`no` on Kalshi, the token on Polymarket); `false` if the book is unknown */
  readonly read: (key: string, outcome: string, out: BookView) => boolean
  /** Walks up to `maxLevels` of one side of an outcome's book from the touch; nothing when not live */
  readonly walk: (key: string, outcome: string, side: "bid" | "ask", maxLevels: number, f: (price: number, size: number) => boolean | void) => void
  /** Calls `listener` synchronously with the key of every book that changed, for the life of the scope */
  readonly onChange: (listener: (key: string) => void) => Effect.Effect<void, never, Scope.Scope>
  /** Each connection's status */
  readonly health: () => ReadonlyArray<ConnectionStatus>
}

/** @category metrics */
export const bookResyncsTotal = Metric.counter("arbees_book_resyncs_total", {
  description: "Books dropped and resynced, by platform and reason (SequenceGap, Crossed, BestBidAskMismatch, ...)"
})

/** @category metrics */
export const bookValidationsTotal = Metric.counter("arbees_book_validations_total", {
  description: "Live books checked against the venue's REST snapshot, by platform and outcome (agreed, mismatch, inconclusive, failed)"
})

/**
 * Records a batch of stream problems: each becomes a dead letter (which counts the metric), a
 * resync count and a warning. Recording never fails.
 *
 * @category constructors
 */
export const recordProblems = (deadLetters: DeadLetters["Service"], platform: Platform, source: string, problems: Array<StreamProblem>) =>
  Effect.gen(function*() {
    if (problems.length === 0) return
    const batch = problems.splice(0, problems.length)
    for (const p of batch) {
      if (p.reason !== "Decode" && p.reason !== "VenueError") {
        yield* Metric.update(Metric.withAttributes(bookResyncsTotal, { platform, reason: p.reason }), 1)
      }
      yield* Effect.logWarning("market data problem").pipe(Effect.annotateLogs({ platform, reason: p.reason, market: p.market ?? "", error: p.message.slice(0, 300) }))
      yield* deadLetters.record({ source, reason: p.reason, error: p.message, payload: p.payload, context: p.market === undefined ? undefined : { market: p.market } })
    }
  })

/** Views for every registered listener: a small helper for feeds. @category constructors */
export const makeListeners = () => {
  const listeners = new Set<(key: string) => void>()
  return {
    notify: (key: string) => {
      for (const l of listeners) l(key)
    },
    register: (listener: (key: string) => void): Effect.Effect<void, never, Scope.Scope> =>
      Effect.acquireRelease(Effect.sync(() => void listeners.add(listener)), () => Effect.sync(() => void listeners.delete(listener)))
  }
}
