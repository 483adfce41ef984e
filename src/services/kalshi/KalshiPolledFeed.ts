/**
 * Kalshi books without an API key: the WebSocket needs a signed handshake, but the REST order book
 * (`GET /markets/{ticker}/orderbook`) is public. Every `interval`, each tracked market's book is
 * fetched (a few at a time, through the shared read rate limiter, so within the public limit) and
 * replaces the one held.
 *
 * - A polled book is `live` once fetched, and its freshness is its poll time: the staleness rules
 *   age it like any book, so a poll that fails (or a venue that stops answering) stops trading on
 *   it once it is older than `staleness.book`.
 * - Every view says so (`polled: true` in the book's metadata), the feed's health reports
 *   `mode: "polled"`, and the supervision tree has a `feed:kalshi` node with `mode: "polled"`, the
 *   interval, the books, the last poll, and each tracked market's book (`markets`: live or not,
 *   polled, when, its YES bid and ask) (`arbees diagnostics`).
 *
 * @since 0.1.0
 */
import { Duration, Effect, Option, Schedule } from "effect"
import { emptyTop } from "../../domain/book/BookState.ts"
import { applyKalshiSnapshot, KalshiBook, kalshiTop, walkKalshiAsks, walkKalshiBids } from "../../domain/book/KalshiBook.ts"
import { formatScaled } from "../../schema/Money.ts"
import { Diagnostics, type NodeReport } from "../Diagnostics.ts"
import type { ConnectionStatus } from "../marketdata/FeedConnection.ts"
import type { StreamProblem } from "../marketdata/StreamProblem.ts"
import { makeListeners, type VenueFeed } from "../marketdata/VenueFeed.ts"
import * as Outage from "../Outage.ts"
import { nowMillis } from "../Time.ts"
import type { KalshiClient } from "./KalshiClient.ts"
import type { KalshiOrderbook } from "./KalshiSchemas.ts"

/** @category models */
export interface KalshiPollConfig {
  readonly interval: Duration.Duration
  /** Books fetched at once */
  readonly concurrency?: number | undefined
  /** Failing longer than this degrades the `feed:kalshi` node */
  readonly staleAfter: Duration.Duration
}

/** One tracked market's polled book as the supervision tree shows it. @category models */
export interface PolledBookReport {
  readonly ticker: string
  readonly live: boolean
  readonly polled: true
  /** When its book was last fetched (epoch ms), 0 before the first */
  readonly polledAt: number
  /** The YES side's best bid and ask in dollars, when the book has them */
  readonly yesBid?: string
  readonly yesAsk?: string
}

const side = (levels: ReadonlyArray<readonly [number, number]>) => ({ prices: levels.map((l) => l[0]), sizes: levels.map((l) => l[1]), count: levels.length })

/**
 * A Kalshi feed that polls the public REST order books, running in the current scope.
 *
 * @category constructors
 */
export const makeKalshiPolledFeed = Effect.fnUntraced(function*(
  config: KalshiPollConfig,
  client: KalshiClient["Service"],
  onProblem: (problem: StreamProblem) => void,
  /** Runs after each poll (records the problems it found) */
  afterPoll: Effect.Effect<void>
) {
  const listeners = makeListeners()
  const books = new Map<string, KalshiBook>()
  const outage = yield* Outage.make({ name: "Kalshi REST order books", staleAfter: config.staleAfter })
  const diagnostics = yield* Effect.serviceOption(Diagnostics)
  const intervalMs = Duration.toMillis(config.interval)
  // The `feed:kalshi` node appears with the first tracked market, as a socket's node does
  let node: NodeReport | undefined
  const registerNode = Effect.gen(function*() {
    if (node !== undefined || Option.isNone(diagnostics)) return
    node = yield* diagnostics.value.register({ id: "feed:kalshi", kind: "service" })
    node.status = "running"
    Object.assign(node.details, { system: "Kalshi", mode: "polled", pollIntervalMs: intervalMs, books: 0 })
  })
  let polls = 0
  let failures = 0
  let lastPoll = 0
  let lastOk = false

  const top = emptyTop()
  /** Each tracked market's book, for the `feed:kalshi` node. */
  const report = (): Array<PolledBookReport> =>
    [...books.values()].map((book) => {
      kalshiTop(book, "yes", top)
      return {
        ticker: book.ticker,
        live: book.status === "live",
        polled: true,
        polledAt: book.asOf,
        ...(top.bid < 0 ? {} : { yesBid: formatScaled(top.bid, 6, 2) }),
        ...(top.ask < 0 ? {} : { yesAsk: formatScaled(top.ask, 6, 2) })
      }
    })
  const refreshNode = () => {
    if (node !== undefined) Object.assign(node.details, { books: books.size, markets: report() })
  }

  const apply = (ticker: string, rest: KalshiOrderbook, now: number) => {
    const book = books.get(ticker)
    if (book === undefined) return
    const reason = applyKalshiSnapshot(book, side(rest.yes), side(rest.no), now)
    if (reason !== undefined) onProblem({ reason, message: `polled REST book of ${ticker} rejected`, market: ticker })
    listeners.notify(ticker)
  }

  const pollOnce = Effect.gen(function*() {
    const tickers = [...books.keys()]
    if (tickers.length === 0) return
    const results = yield* Effect.forEach(tickers, (t) => Effect.result(client.getOrderbook(t)), { concurrency: config.concurrency ?? 4 })
    const now = yield* nowMillis
    polls++
    lastPoll = now
    let failed: unknown
    results.forEach((r, i) => {
      if (r._tag === "Success") apply(tickers[i]!, r.success, now)
      else failed = r.failure
    })
    lastOk = failed === undefined
    if (failed === undefined) {
      yield* outage.succeeded
    } else {
      failures++
      // The reason names the cause (HTTP 503, a timeout); the VenueError around it does not
      yield* outage.failed(typeof failed === "object" && failed !== null && "reason" in failed ? failed.reason : failed)
    }
    if (node !== undefined) {
      Object.assign(node.details, { polls, failedPolls: failures, lastPollAt: lastPoll })
      refreshNode()
      node.bookUpdatedAt = lastPoll
      node.lastMessageAt = lastPoll
    }
    yield* afterPoll
  })

  yield* Effect.logInfo("Kalshi books are polled from the public REST order books (no API key configured)").pipe(
    Effect.annotateLogs({ intervalMs })
  )
  yield* pollOnce.pipe(Effect.repeat(Schedule.spaced(config.interval)), Effect.forkScoped)

  const status = (): ConnectionStatus => ({ mode: "polled", connected: lastOk, lastSeen: lastPoll, connects: polls, stalls: failures })

  const feed: VenueFeed = {
    platform: "kalshi",
    add: (keys) =>
      Effect.gen(function*() {
        const fresh = keys.filter((k) => !books.has(k))
        for (const k of fresh) books.set(k, new KalshiBook(k))
        if (fresh.length > 0) yield* registerNode
        // New markets get their first book now, not one interval later
        if (fresh.length > 0) {
          const results = yield* Effect.forEach(fresh, (t) => Effect.result(client.getOrderbook(t)), { concurrency: config.concurrency ?? 4 })
          const now = yield* nowMillis
          results.forEach((r, i) => {
            if (r._tag === "Success") apply(fresh[i]!, r.success, now)
          })
          refreshNode()
        }
      }),
    remove: (keys) =>
      Effect.sync(() => {
        for (const k of keys) books.delete(k)
        refreshNode()
      }),
    read: (key, outcome, out) => {
      const book = books.get(key)
      if (book === undefined || (outcome !== "yes" && outcome !== "no")) return false
      kalshiTop(book, outcome, out.top)
      out.live = book.status === "live"
      out.epoch = book.epoch
      out.asOf = book.asOf
      out.polled = true
      return true
    },
    walk: (key, outcome, s, maxLevels, f) => {
      const book = books.get(key)
      if (book === undefined || (outcome !== "yes" && outcome !== "no")) return
      if (s === "bid") walkKalshiBids(book, outcome, maxLevels, f)
      else walkKalshiAsks(book, outcome, maxLevels, f)
    },
    onChange: listeners.register,
    health: () => [status()]
  }
  return feed
})
