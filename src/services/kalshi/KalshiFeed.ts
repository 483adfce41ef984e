/**
 * Kalshi live order books: one authenticated WebSocket (`orderbook_delta`, optionally `ticker` and
 * `trade`), the {@link KalshiBookStream} protocol machine, and the shared liveness layer.
 *
 * The handshake is signed (`GET /trade-api/ws/v2`) on every connect; Kalshi requires it even for
 * public channels. Without credentials, the books are polled from the public REST order books
 * instead (`KalshiPolledFeed.ts`: every `kalshi.pollInterval`, marked `polled`, aged by their poll
 * time) when a `KalshiClient` is at hand; with no client either, every book stays not-live and that
 * is logged once. With credentials and a client, every live book is checked against the batched
 * REST order books every `marketdata.validateEvery` (a difference resubscribes the market).
 *
 * @since 0.1.0
 */
import { Context, Duration, Effect, Layer, Metric, Option } from "effect"
import * as Socket from "effect/socket/Socket"
import { kalshiTop, walkKalshiAsks, walkKalshiBids } from "../../domain/book/KalshiBook.ts"
import { AppConfig } from "../config/AppConfig.ts"
import type { VenueError } from "../../schema/errors/VenueError.ts"
import * as Outage from "../Outage.ts"
import { DeadLetters } from "../DeadLetters.ts"
import { type FeedConnection, runFeedConnection } from "../marketdata/FeedConnection.ts"
import type { StreamProblem } from "../marketdata/StreamProblem.ts"
import { bookValidationsTotal, makeListeners, recordProblems, type VenueFeed } from "../marketdata/VenueFeed.ts"
import { authHeaders, type KalshiCredentials } from "./KalshiAuth.ts"
import { KalshiBookStream, type KalshiSideChannel } from "./KalshiBookStream.ts"
import { KalshiClient, kalshiCredentials } from "./KalshiClient.ts"
import { makeKalshiPolledFeed } from "./KalshiPolledFeed.ts"
import { nowMillis } from "../Time.ts"

/** @category models */
export interface KalshiFeedConfig {
  readonly wsUrl: string
  readonly credentials: KalshiCredentials | undefined
  readonly sideChannels: ReadonlyArray<KalshiSideChannel>
  readonly silence: Duration.Duration
  readonly checkEvery: Duration.Duration
  readonly reconnectInitial: Duration.Duration
  readonly reconnectMax: Duration.Duration
  readonly snapshotTimeout: Duration.Duration
  /** With credentials: check each live book against the batched REST order books every `every` */
  readonly validate?: { readonly client: KalshiClient["Service"]; readonly every: Duration.Duration; readonly depth: number } | undefined
  /** Without credentials: poll the public REST order books with this client (else no Kalshi books) */
  readonly poll?: { readonly client: KalshiClient["Service"]; readonly interval: Duration.Duration; readonly staleAfter: Duration.Duration } | undefined
}

/** @category services */
export class KalshiFeed extends Context.Service<KalshiFeed, VenueFeed>()("arbees/services/kalshi/KalshiFeed") {
  /** A feed with explicit settings, running in the current scope. */
  static readonly make = (config: KalshiFeedConfig) =>
    Effect.gen(function*() {
      const deadLetters = yield* DeadLetters
      const listeners = makeListeners()
      const problems: Array<StreamProblem> = []
      const stream = new KalshiBookStream({ onBook: (book) => listeners.notify(book.ticker), onProblem: (p) => void problems.push(p) }, { sideChannels: config.sideChannels })
      const record = recordProblems(deadLetters, "kalshi", "kalshi.ws", problems)
      const timeout = Duration.toMillis(config.snapshotTimeout)
      const credentials = config.credentials
      const wsPath = new URL(config.wsUrl).pathname

      if (credentials === undefined && config.poll !== undefined) {
        const pollRecord = recordProblems(deadLetters, "kalshi", "kalshi.rest", problems)
        return yield* makeKalshiPolledFeed({ interval: config.poll.interval, staleAfter: config.poll.staleAfter }, config.poll.client, (p) => void problems.push(p), pollRecord)
      }
      const scope = yield* Effect.scope
      // A validation that keeps failing is told once and then summarised, not warned per attempt
      const validationOutage = yield* Outage.make({ name: "Kalshi REST book validation", staleAfter: Duration.minutes(5) })
      /** Checks the books due against the batched REST books; detached, so the tick never waits on REST. */
      const validate = (now: number): Effect.Effect<void> => {
        const check = config.validate
        if (check === undefined) return Effect.void
        const due = stream.validationsDue(now, Duration.toMillis(check.every))
        if (due.length === 0) return Effect.void
        return check.client.getOrderbooks(due.map((d) => d.ticker)).pipe(
          Effect.flatMap((books) =>
            Effect.flatMap(nowMillis, (at) => {
              let mismatch = 0
              for (const d of due) if (stream.applyValidation(d.ticker, d.asOf, books.get(d.ticker), at, check.depth) !== undefined) mismatch++
              return Effect.all([
                Metric.update(Metric.withAttributes(bookValidationsTotal, { platform: "kalshi", outcome: "checked" }), due.length),
                Metric.update(Metric.withAttributes(bookValidationsTotal, { platform: "kalshi", outcome: "mismatch" }), mismatch),
                validationOutage.succeeded
              ], { discard: true })
            })
          ),
          Effect.catch((error) =>
            Effect.andThen(
              Effect.sync(() => {
                for (const d of due) stream.applyValidation(d.ticker, d.asOf, undefined, now, check.depth)
              }),
              validationOutage.failed(error)
            )
          ),
          Effect.andThen(record),
          Effect.forkIn(scope),
          Effect.asVoid
        )
      }

      let connection: FeedConnection | undefined
      if (credentials === undefined) {
        yield* Effect.logWarning("Kalshi market data disabled: no API key configured (the WebSocket requires one); Kalshi books stay not-live")
      } else {
        connection = yield* runFeedConnection(
          {
            name: "kalshi",
            url: config.wsUrl,
            headers: Effect.map(nowMillis, (now) => ({ ...authHeaders(credentials, now, "GET", wsPath) })),
            silence: config.silence,
            checkEvery: config.checkEvery,
            reconnectInitial: config.reconnectInitial,
            reconnectMax: config.reconnectMax
          },
          {
            onOpen: (now) => stream.connected(now),
            onFrame: (text, now) => stream.onFrame(text, now),
            onClose: () => stream.disconnected(),
            drain: () => stream.takeOutbox(),
            tick: (now) => Effect.andThen(Effect.sync(() => stream.overdue(now, timeout)), Effect.andThen(validate(now), record)),
            afterBatch: () => record
          }
        )
      }
      const flush = connection?.flush ?? Effect.void

      const feed: VenueFeed = {
        platform: "kalshi",
        add: (keys) => Effect.flatMap(nowMillis, (now) => Effect.andThen(Effect.sync(() => stream.add(keys, now)), flush)),
        remove: (keys) => Effect.andThen(Effect.sync(() => stream.remove(keys)), flush),
        read: (key, outcome, out) => {
          const book = stream.books.get(key)
          if (book === undefined || (outcome !== "yes" && outcome !== "no")) return false
          kalshiTop(book, outcome, out.top)
          const status = connection?.status()
          out.live = book.status === "live" && status?.connected === true
          out.epoch = book.epoch
          out.asOf = out.live ? Math.max(book.asOf, status!.lastSeen) : book.asOf
          return true
        },
        walk: (key, outcome, side, maxLevels, f) => {
          const book = stream.books.get(key)
          if (book === undefined || (outcome !== "yes" && outcome !== "no") || connection?.status().connected !== true) return
          if (side === "bid") walkKalshiBids(book, outcome, maxLevels, f)
          else walkKalshiAsks(book, outcome, maxLevels, f)
        },
        onChange: listeners.register,
        health: () => (connection === undefined ? [] : [connection.status()])
      }
      return feed
    })

  /** From the `kalshi.*`, `staleness.*` and `marketdata.*` configuration. */
  static readonly layer: Layer.Layer<KalshiFeed, VenueError, AppConfig | DeadLetters | Socket.WebSocketConstructor> = Layer.effect(
    KalshiFeed,
    Effect.gen(function*() {
      const { config } = yield* AppConfig
      const client = yield* Effect.serviceOption(KalshiClient)
      return yield* KalshiFeed.make({
        poll: Option.isSome(client) ? { client: client.value, interval: config.kalshi.pollInterval, staleAfter: config.staleness.book } : undefined,
        validate: Option.isSome(client) ? { client: client.value, every: config.marketdata.validateEvery, depth: config.marketdata.validateDepth } : undefined,
        wsUrl: config.kalshi.wsUrl,
        credentials: yield* kalshiCredentials(config.kalshi),
        sideChannels: config.kalshi.tradeChannels ? ["ticker", "trade"] : [],
        silence: config.staleness.socketSilence,
        checkEvery: config.marketdata.watchdogInterval,
        reconnectInitial: config.marketdata.reconnectInitial,
        reconnectMax: config.marketdata.reconnectMax,
        snapshotTimeout: config.marketdata.snapshotTimeout
      })
    })
  )
}
