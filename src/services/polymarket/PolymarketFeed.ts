/**
 * Polymarket live order books: the CLOB market WebSocket, sharded (at most
 * `polymarket.maxAssetsPerConnection` assets per connection; beyond the venue's limit no snapshots
 * come), one {@link PolymarketBookStream} per shard, the shared liveness layer, and REST resyncs.
 *
 * - Each shard sends text `PING` every `polymarket.pingInterval`, only after its subscription
 *   (an early PING gets the socket closed); the `PONG`s keep its watchdog fed.
 * - Books the stream asks to resync (a best bid/ask mismatch, a crossed book, a malformed frame, a
 *   snapshot that did not come in time) are fetched with `POST /books` in one batch per shard; the
 *   stream buffers their changes meanwhile and replays them over the REST book.
 * - Books are validated against REST (`POST /books`): a live book with no message of its own for
 *   `validateQuiet`, or not checked for `validateEvery`, is compared level by level (top
 *   `validateDepth` levels) with the venue's snapshot; a difference replaces it and is counted
 *   (`arbees_book_resyncs_total{reason="ValidationMismatch"}`), logged and dead-lettered. A book's
 *   freshness is its own last message or agreeing validation, not the socket's last frame.
 * - A shard whose last asset leaves is closed.
 * - `market_resolved` messages (sent with `custom_feature_enabled`) are published on `resolved`:
 *   the venue's own result, which settlement applies; the last 64 are replayed to a subscriber
 *   that comes late.
 *
 * @since 0.1.0
 */
import { Context, Duration, Effect, Exit, Layer, Metric, PubSub, Scope, Stream } from "effect"
import * as Socket from "effect/socket/Socket"
import { tokenTop, walkToken } from "../../domain/book/TokenBook.ts"
import { AppConfig } from "../config/AppConfig.ts"
import * as Outage from "../Outage.ts"
import { DeadLetters } from "../DeadLetters.ts"
import { type FeedConnection, runFeedConnection } from "../marketdata/FeedConnection.ts"
import type { StreamProblem } from "../marketdata/StreamProblem.ts"
import { bookValidationsTotal, makeListeners, recordProblems, type VenueFeed } from "../marketdata/VenueFeed.ts"
import type { ClobBook } from "./ClobSchemas.ts"
import { PolymarketBookStream } from "./PolymarketBookStream.ts"
import { PolymarketClient } from "./PolymarketClient.ts"
import type { PolyBook, PolyMarketResolved } from "./PolymarketWsSchemas.ts"
import { nowMillis } from "../Time.ts"
import { unblank } from "../marketdata/Wire.ts"

/** @category models */
export interface PolymarketFeedConfig {
  readonly wsUrl: string
  readonly maxAssetsPerConnection: number
  readonly pingInterval: Duration.Duration
  readonly silence: Duration.Duration
  readonly checkEvery: Duration.Duration
  readonly reconnectInitial: Duration.Duration
  readonly reconnectMax: Duration.Duration
  readonly snapshotTimeout: Duration.Duration
  /** A live book with no message of its own this long is checked against REST (default 10 s) */
  readonly validateQuiet?: Duration.Duration | undefined
  /** A live book not checked against REST this long is checked (default 60 s) */
  readonly validateEvery?: Duration.Duration | undefined
  /** Levels per side compared (default 10) */
  readonly validateDepth?: number | undefined
}

interface Shard {
  readonly id: number
  readonly stream: PolymarketBookStream
  readonly connection: FeedConnection
  readonly scope: Scope.Closeable
}

/** A REST book in the stream's normal form. @category constructors */
export const polyBookFromRest = (book: ClobBook): PolyBook => ({
  assetId: book.asset_id,
  market: book.market,
  timestamp: book.timestamp,
  bids: book.bids.map((l) => [l.price, l.size] as const),
  asks: book.asks.map((l) => [l.price, l.size] as const),
  tickSize: unblank(book.tick_size) ?? 0
})

/** @category services */
export class PolymarketFeed extends Context.Service<PolymarketFeed, VenueFeed & {
  /** `market_resolved` messages of the subscribed assets' markets, as they arrive */
  readonly resolved: Stream.Stream<PolyMarketResolved>
}>()("arbees/services/polymarket/PolymarketFeed") {
  /** A feed with explicit settings, running in the current scope. */
  static readonly make = (config: PolymarketFeedConfig) =>
    Effect.gen(function*() {
      const deadLetters = yield* DeadLetters
      const client = yield* PolymarketClient
      const makeWs = yield* Socket.WebSocketConstructor
      const parent = yield* Effect.scope
      const listeners = makeListeners()
      // The last results are replayed to a late subscriber (settling twice changes nothing)
      const resolved = yield* PubSub.unbounded<PolyMarketResolved>({ replay: 64 })
      const problems: Array<StreamProblem> = []
      const record = recordProblems(deadLetters, "polymarket", "polymarket.ws", problems)
      const timeout = Duration.toMillis(config.snapshotTimeout)
      const quiet = Duration.toMillis(config.validateQuiet ?? Duration.seconds(10))
      const every = Duration.toMillis(config.validateEvery ?? Duration.seconds(60))
      const depth = config.validateDepth ?? 10
      // A validation that keeps failing is told once and then summarised, not warned per attempt
      const validationOutage = yield* Outage.make({ name: "Polymarket REST book validation", staleAfter: Duration.minutes(5) })
      const validated = (outcome: string, n = 1) => n === 0 ? Effect.void : Metric.update(Metric.withAttributes(bookValidationsTotal, { platform: "polymarket", outcome }), n)
      const shards = new Map<number, Shard>()
      const shardOf = new Map<string, Shard>()
      let nextShard = 1

      /** Fetches what the stream asked to resync; runs detached in the shard's scope. */
      const resync = (shard: Shard) =>
        Effect.suspend(() => {
          const assets = shard.stream.takeResyncs()
          if (assets.length === 0) return Effect.void
          return client.books(assets).pipe(
            Effect.flatMap((books) =>
              Effect.flatMap(nowMillis, (now) =>
                Effect.sync(() => {
                  const got = new Set<string>()
                  for (const book of books) {
                    got.add(book.asset_id)
                    shard.stream.applyRestBook(polyBookFromRest(book), now)
                  }
                  for (const a of assets) if (!got.has(a)) shard.stream.resyncFailed(a, now)
                }))
            ),
            Effect.catch((error) =>
              Effect.flatMap(nowMillis, (now) =>
                Effect.andThen(
                  Effect.sync(() => {
                    for (const a of assets) shard.stream.resyncFailed(a, now)
                  }),
                  Effect.logWarning("REST resync failed").pipe(Effect.annotateLogs({ assets: assets.length, reason: error.reason._tag }))
                ))
            ),
            Effect.andThen(record),
            Effect.forkIn(shard.scope),
            Effect.asVoid
          )
        })

      /** Checks the books the stream says are due against REST; runs detached in the shard's scope. */
      const validate = (shard: Shard) =>
        Effect.suspend(() => {
          const assets = shard.stream.takeValidations()
          if (assets.length === 0) return Effect.void
          return client.books(assets).pipe(
            Effect.flatMap((books) =>
              Effect.flatMap(nowMillis, (now) => {
                const got = new Set<string>()
                let mismatch = 0
                let agreed = 0
                for (const book of books) {
                  got.add(book.asset_id)
                  const before = shard.stream.books.get(book.asset_id)?.asOf
                  if (shard.stream.applyValidation(polyBookFromRest(book), now, depth) !== undefined) mismatch++
                  else if (shard.stream.books.get(book.asset_id)?.asOf !== before) agreed++
                }
                for (const a of assets) if (!got.has(a)) shard.stream.validationFailed(a)
                return Effect.all([
                  validated("agreed", agreed),
                  validated("mismatch", mismatch),
                  validated("inconclusive", got.size - agreed - mismatch),
                  validated("failed", assets.length - got.size),
                  validationOutage.succeeded
                ], { discard: true })
              })
            ),
            Effect.catch((error) =>
              Effect.andThen(
                Effect.sync(() => {
                  for (const a of assets) shard.stream.validationFailed(a)
                }),
                Effect.andThen(validated("failed", assets.length), validationOutage.failed(error))
              )
            ),
            Effect.andThen(record),
            Effect.forkIn(shard.scope),
            Effect.asVoid
          )
        })

      const openShard = Effect.gen(function*() {
        const id = nextShard++
        const scope = yield* Scope.fork(parent, "sequential")
        const stream = new PolymarketBookStream({
          onBook: (book) => listeners.notify(book.assetId),
          onProblem: (p) => void problems.push(p),
          onResolved: (message) => void PubSub.publishUnsafe(resolved, message)
        })
        let shard: Shard | undefined
        const after = () => (shard === undefined ? record : Effect.andThen(resync(shard), record))
        const connection = yield* runFeedConnection(
          {
            name: `polymarket#${id}`,
            url: config.wsUrl,
            silence: config.silence,
            checkEvery: config.checkEvery,
            reconnectInitial: config.reconnectInitial,
            reconnectMax: config.reconnectMax,
            heartbeat: { interval: config.pingInterval, message: "PING" }
          },
          {
            onOpen: (now) => stream.connected(now),
            onFrame: (text, now) => stream.onFrame(text, now),
            onClose: () => stream.disconnected(),
            drain: () => stream.takeOutbox(),
            canHeartbeat: () => stream.hasSubscribed(),
            tick: (now) =>
              Effect.andThen(
                Effect.sync(() => {
                  stream.overdue(now, timeout)
                  stream.validationsDue(now, quiet, every)
                }),
                shard === undefined ? after() : Effect.andThen(after(), validate(shard))
              ),
            afterBatch: () => after()
          }
        ).pipe(Scope.provide(scope), Effect.provideService(Socket.WebSocketConstructor, makeWs))
        shard = { id, stream, connection, scope }
        shards.set(id, shard)
        return shard
      })

      const add = Effect.fnUntraced(function*(keys: ReadonlyArray<string>) {
        const now = yield* nowMillis
        const touched = new Set<Shard>()
        for (const asset of keys) {
          if (shardOf.has(asset)) continue
          let shard = [...shards.values()].find((s) => s.stream.books.size < config.maxAssetsPerConnection)
          if (shard === undefined) shard = yield* openShard
          shard.stream.add([asset], now)
          shardOf.set(asset, shard)
          touched.add(shard)
        }
        for (const shard of touched) yield* shard.connection.flush
      })

      const remove = Effect.fnUntraced(function*(keys: ReadonlyArray<string>) {
        const touched = new Set<Shard>()
        for (const asset of keys) {
          const shard = shardOf.get(asset)
          if (shard === undefined) continue
          shardOf.delete(asset)
          shard.stream.remove([asset])
          touched.add(shard)
        }
        for (const shard of touched) {
          if (shard.stream.books.size === 0) {
            shards.delete(shard.id)
            yield* Scope.close(shard.scope, Exit.void)
          } else {
            yield* shard.connection.flush
          }
        }
      })

      const feed: VenueFeed & { readonly resolved: Stream.Stream<PolyMarketResolved> } = {
        platform: "polymarket",
        add,
        remove,
        read: (key, outcome, out) => {
          const shard = shardOf.get(key)
          const book = shard?.stream.books.get(key)
          if (shard === undefined || book === undefined || outcome !== key) return false
          tokenTop(book, out.top)
          const status = shard.connection.status()
          out.live = book.status === "live" && status.connected
          out.epoch = book.epoch
          // No sequence numbers: only a message about this asset (or an agreeing validation) vouches for it
          out.asOf = book.asOf
          return true
        },
        walk: (key, outcome, side, maxLevels, f) => {
          const shard = shardOf.get(key)
          const book = shard?.stream.books.get(key)
          if (shard === undefined || book === undefined || outcome !== key || !shard.connection.status().connected) return
          walkToken(book, side, maxLevels, f)
        },
        onChange: listeners.register,
        health: () => [...shards.values()].map((s) => s.connection.status()),
        resolved: Stream.fromPubSub(resolved)
      }
      return feed
    })

  /** From the `polymarket.*`, `staleness.*` and `marketdata.*` configuration. */
  static readonly layer: Layer.Layer<PolymarketFeed, never, AppConfig | DeadLetters | PolymarketClient | Socket.WebSocketConstructor> = Layer.effect(
    PolymarketFeed,
    Effect.gen(function*() {
      const { config } = yield* AppConfig
      return yield* PolymarketFeed.make({
        wsUrl: config.polymarket.wsUrl,
        maxAssetsPerConnection: config.polymarket.maxAssetsPerConnection,
        pingInterval: config.polymarket.pingInterval,
        silence: config.staleness.socketSilence,
        checkEvery: config.marketdata.watchdogInterval,
        reconnectInitial: config.marketdata.reconnectInitial,
        reconnectMax: config.marketdata.reconnectMax,
        snapshotTimeout: config.marketdata.snapshotTimeout,
        validateQuiet: config.marketdata.validateQuiet,
        validateEvery: config.marketdata.validateEvery,
        validateDepth: config.marketdata.validateDepth
      })
    })
  )
}
