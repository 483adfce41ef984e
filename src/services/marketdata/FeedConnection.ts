/**
 * One venue WebSocket, kept alive: connect, hand every frame to a synchronous protocol session,
 * watch for silence, reconnect with backoff. The liveness layer both venues share.
 *
 * - **Silence watchdog.** Any frame, a server ping frame (Kalshi) or a `PONG` (Polymarket) counts
 *   as life. A socket that is open but silent for longer than `silence` is closed and reconnected:
 *   feeds do go quiet while the socket stays OPEN.
 * - **Backoff.** Reconnects wait `reconnectInitial`, doubling to `reconnectMax`, with jitter from
 *   `Random`; a session that stayed up longer than `silence` resets the delay.
 * - **Fresh books only.** On every (re)connect the session is told `onOpen` and resubscribes; on
 *   every close it is told `onClose` and drops its books. A book is therefore live only after a
 *   snapshot received on the current connection.
 * - **Heartbeat.** An optional text heartbeat (`PING`) is sent every `interval`, but only while the
 *   session allows it (Polymarket closes a socket that pings before subscribing).
 * - Handshake headers are computed for every attempt (Kalshi re-signs each reconnect).
 *
 * Frames are handled synchronously in the reading fiber; commands the session queues are written
 * after each batch, on each watchdog tick, and whenever the owner calls `flush`.
 *
 * @since 0.1.0
 */
import { Clock, Duration, Effect, Metric, Random } from "effect"
import * as Socket from "effect/socket/Socket"
import { nowMillis } from "../Time.ts"
import * as Outage from "../Outage.ts"

/** The synchronous protocol side of a connection. @category models */
export interface FeedSession {
  /** The socket opened at `now`: reset and queue the subscriptions */
  readonly onOpen: (now: number) => void
  readonly onFrame: (text: string, now: number) => void
  /** The socket closed (or was abandoned): drop every book */
  readonly onClose: () => void
  /** Outgoing messages queued since the last call */
  readonly drain: () => ReadonlyArray<string>
  /** Whether the heartbeat may be sent now */
  readonly canHeartbeat?: (() => boolean) | undefined
  /** Maintenance on every watchdog tick while connected (snapshot timeouts, REST resyncs) */
  readonly tick?: ((now: number) => Effect.Effect<void>) | undefined
  /** After each batch of frames (e.g. record problems, launch resyncs) */
  readonly afterBatch?: ((now: number) => Effect.Effect<void>) | undefined
}

/** @category models */
export interface FeedConnectionConfig {
  /** For logs and metrics: `kalshi`, `polymarket#2` */
  readonly name: string
  readonly url: string
  /** Handshake headers, computed for every attempt */
  readonly headers?: Effect.Effect<Record<string, string>> | undefined
  readonly silence: Duration.Duration
  readonly checkEvery: Duration.Duration
  readonly reconnectInitial: Duration.Duration
  readonly reconnectMax: Duration.Duration
  readonly heartbeat?: { readonly interval: Duration.Duration; readonly message: string } | undefined
  readonly openTimeout?: Duration.Duration | undefined
}

/** @category models */
export interface ConnectionStatus {
  /** `polled`: no socket; books come from polling the venue's REST order books */
  readonly mode?: "stream" | "polled"
  readonly connected: boolean
  /** Epoch ms of the last sign of life (frame, ping, pong); 0 = never */
  readonly lastSeen: number
  /** Successful connects so far */
  readonly connects: number
  /** Sessions ended by the silence watchdog */
  readonly stalls: number
}

/** @category models */
export interface FeedConnection {
  /** Hot-path read of the status (no allocation beyond the object) */
  readonly status: () => ConnectionStatus
  /** Writes whatever the session has queued, if connected */
  readonly flush: Effect.Effect<void>
}

/** @category metrics */
export const feedConnectsTotal = Metric.counter("arbees_feed_connects_total", { description: "WebSocket connections opened, by feed" })
/** @category metrics */
export const feedStallsTotal = Metric.counter("arbees_feed_stalls_total", { description: "WebSocket sessions closed by the silence watchdog, by feed" })

class Silent {
  readonly _tag = "Silent"
  readonly millis: number
  constructor(millis: number) {
    this.millis = millis
  }
}

/**
 * Starts the connection in the current scope and returns its handle. It runs until the scope
 * closes.
 *
 * @category constructors
 */
export const runFeedConnection = (config: FeedConnectionConfig, session: FeedSession) =>
  Effect.gen(function*() {
    const makeWs = yield* Socket.WebSocketConstructor
    const clock = yield* Clock.Clock
    const state = { connected: false, lastSeen: 0, connects: 0, stalls: 0 }
    let writer: Socket.Writer | undefined
    const decoder = new TextDecoder()
    const silenceMillis = Duration.toMillis(config.silence)
    const attributes = { feed: config.name }
    // Told once and summarised; past the silence limit the feed's node is degraded (in /readyz)
    const outage = yield* Outage.make({
      name: `${config.name} market data`,
      node: `feed:${config.name}`,
      staleAfter: config.silence,
      whenStale: "its books are not live, so nothing trades on them until it is back"
    })
    let answered = false

    const flushWith = (w: Socket.Writer) =>
      Effect.suspend(() => {
        const out = session.drain()
        return out.length === 0 ? Effect.void : Effect.forEach(out, (m) => w.write(m), { discard: true })
      })
    const flush: Effect.Effect<void> = Effect.suspend(() => (writer === undefined ? Effect.void : Effect.ignore(flushWith(writer))))

    const session1 = Effect.gen(function*() {
      const headers = config.headers === undefined ? undefined : yield* config.headers
      const socket = yield* Socket.fromWebSocket(
        Effect.acquireRelease(
          Effect.sync(() => {
            const ws = makeWs(config.url, headers === undefined ? undefined : { headers })
            // Server ping frames (Kalshi's heartbeat) are life too; `ws` answers them itself
            const emitter = ws as unknown as { on?: (event: string, listener: () => void) => void }
            emitter.on?.("ping", () => {
              state.lastSeen = Math.max(state.lastSeen, clock.currentTimeMillisUnsafe())
            })
            return ws
          }),
          (ws) => Effect.sync(() => ws.close(1000))
        ),
        { openTimeout: config.openTimeout ?? Duration.seconds(10) }
      )
      const reader = yield* socket.reader
      const w = yield* socket.writer
      const openedAt = yield* nowMillis
      state.connected = true
      state.lastSeen = openedAt
      state.connects++
      writer = w
      yield* Metric.update(Metric.withAttributes(feedConnectsTotal, attributes), 1)
      yield* Effect.logInfo("feed connected").pipe(Effect.annotateLogs({ feed: config.name, connects: state.connects }))
      session.onOpen(openedAt)
      yield* flushWith(w)

      if (config.heartbeat !== undefined) {
        const { interval, message } = config.heartbeat
        yield* Effect.forkScoped(
          Effect.sleep(interval).pipe(
            Effect.andThen(Effect.suspend(() => (session.canHeartbeat?.() ?? true) ? w.write(message) : Effect.void)),
            Effect.forever
          )
        )
      }

      const watchdog = Effect.gen(function*() {
        while (true) {
          yield* Effect.sleep(config.checkEvery)
          const now = yield* nowMillis
          const quiet = now - state.lastSeen
          if (quiet > silenceMillis) return yield* Effect.fail(new Silent(quiet))
          if (session.tick !== undefined) yield* session.tick(now)
          yield* flushWith(w)
        }
      })

      const readLoop = Effect.gen(function*() {
        while (true) {
          const batch = yield* reader.pull
          const now = yield* nowMillis
          state.lastSeen = now
          // Frames on this connection: the feed is back (a socket that opens and closes is not)
          if (!answered) {
            answered = true
            yield* outage.succeeded
          }
          for (let i = 0; i < batch.length; i++) {
            const frame = batch[i]!
            session.onFrame(typeof frame === "string" ? frame : decoder.decode(frame), now)
          }
          if (session.afterBatch !== undefined) yield* session.afterBatch(now)
          yield* flushWith(w)
        }
      })

      return yield* Effect.raceFirst(readLoop, watchdog).pipe(Effect.as(openedAt))
    }).pipe(
      Effect.scoped,
      Effect.ensuring(Effect.sync(() => {
        const wasConnected = state.connected
        state.connected = false
        writer = undefined
        if (wasConnected) session.onClose()
      }))
    )

    const loop = Effect.gen(function*() {
      let delay = Duration.toMillis(config.reconnectInitial)
      const max = Duration.toMillis(config.reconnectMax)
      while (true) {
        const started = yield* nowMillis
        answered = false
        const exit = yield* Effect.exit(session1)
        const ended = yield* nowMillis
        if (exit._tag === "Failure") {
          const error = exit.cause.reasons[0]
          const silent = error?._tag === "Fail" && error.error instanceof Silent
          if (silent) {
            state.stalls++
            yield* Metric.update(Metric.withAttributes(feedStallsTotal, attributes), 1)
          }
          const why = silent ? `silent for ${(error.error as Silent).millis} ms` : error?._tag === "Fail" ? error.error : error?._tag === "Die" ? error.defect : "interrupted"
          yield* Effect.logDebug(silent ? "feed silent; reconnecting" : "feed disconnected; reconnecting").pipe(
            Effect.annotateLogs({ feed: config.name, cause: typeof why === "string" ? why : String(why) })
          )
          yield* outage.failed(why)
        } else {
          yield* outage.failed("the connection closed")
        }
        // A session that stayed up longer than the silence threshold was healthy: start over
        if (ended - started > silenceMillis) delay = Duration.toMillis(config.reconnectInitial)
        const jitter = yield* Random.nextBetween(0.8, 1.2)
        yield* Effect.sleep(Duration.millis(Math.round(delay * jitter)))
        delay = Math.min(max, delay * 2)
      }
    })

    yield* Effect.forkScoped(loop)
    return {
      status: () => ({ connected: state.connected, lastSeen: state.lastSeen, connects: state.connects, stalls: state.stalls }),
      flush
    } satisfies FeedConnection
  })
