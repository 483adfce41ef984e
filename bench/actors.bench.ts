/**
 * The live path under load, on the real runtime (cluster, game actors, risk, the market-data hub,
 * the bus, Postgres at 127.0.0.1:5432):
 *
 * - **tick-to-decision**: 200 in-progress games, each tracking one market, and book changes at a
 *   sustained aggregate 20,000 messages/s. Latency runs from the feed announcing a book change to
 *   the end of the game actor's evaluation that saw it (the decision: a signal or none; the games
 *   have no pre-game prior, so the model never trades and no orders are placed). When several
 *   changes of one book wait behind one evaluation, the oldest counts. Measured with a tracer on
 *   `GameActor.evaluate` (its overhead is included). Event-loop lag is Node's event-loop delay
 *   histogram over the same window.
 * - **resident memory** with 1,000 active game actors, each tracking one market, after a GC,
 *   beside the same process with none.
 *
 * The venue feed is synthetic (an in-process `VenueFeed` that changes books on a timer): the hub,
 * the actors and everything after them are the real ones. No socket decoding is in this path;
 * `books.bench.ts` measures decoding.
 */
import { NodeServices } from "@effect/platform-node"
import { Effect, Layer, References, Tracer } from "effect"
import { monitorEventLoopDelay } from "node:perf_hooks"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { Game } from "../src/actors/Game.ts"
import { upsertGame } from "../src/actors/Orchestrator.ts"
import { runtimeWith } from "../src/runtime/App.ts"
import type { Top } from "../src/domain/book/BookState.ts"
import type { ConditionId, MarketId, OutcomeId } from "../src/schema/Ids.ts"
import { AppConfig } from "../src/services/config/AppConfig.ts"
import { Diagnostics } from "../src/services/Diagnostics.ts"
import { EspnClient, optionsFrom } from "../src/services/espn/EspnClient.ts"
import { MarketDataHub } from "../src/services/marketdata/MarketDataHub.ts"
import { type BookView, makeListeners, type VenueFeed } from "../src/services/marketdata/VenueFeed.ts"
import { nbaGame } from "../test/support/Games.ts"
import { migratedDatabase } from "../test/support/Runtime.ts"
import * as SimulatedEspn from "../test/support/SimulatedEspn.ts"
import type { Benchmark } from "./run.ts"

setFlagsFromString("--expose-gc")
const gc = runInNewContext("gc") as () => void

const tokenOf = (i: number) => `9${String(i).padStart(76, "0")}`

/** Polymarket-shaped books that the bench moves; announces each change like a real feed. */
const syntheticFeed = () => {
  const listeners = makeListeners()
  const books = new Map<string, { top: Top; epoch: number; asOf: number }>()
  const changedAt = new Map<string, number>()
  const feed: VenueFeed = {
    platform: "polymarket",
    add: (keys) => Effect.sync(() => {
      for (const k of keys) if (!books.has(k)) books.set(k, { top: { bid: 400_000, bidSize: 50_000_000, ask: 420_000, askSize: 50_000_000 }, epoch: 1, asOf: Date.now() })
    }),
    remove: () => Effect.void,
    read: (key, _outcome, out: BookView) => {
      const b = books.get(key)
      if (b === undefined) return false
      out.live = true
      out.epoch = b.epoch
      out.asOf = b.asOf
      out.top.bid = b.top.bid
      out.top.bidSize = b.top.bidSize
      out.top.ask = b.top.ask
      out.top.askSize = b.top.askSize
      return true
    },
    walk: (key, _outcome, side, maxLevels, f) => {
      const b = books.get(key)
      if (b === undefined) return
      for (let i = 0; i < maxLevels; i++) {
        const price = side === "ask" ? b.top.ask + i * 10_000 : b.top.bid - i * 10_000
        if (price <= 0 || price >= 1_000_000 || f(price, 50_000_000) === false) return
      }
    },
    onChange: listeners.register,
    health: () => []
  }
  return {
    feed,
    /** Moves one book by a cent and announces it; remembers when, for the latency. */
    move: (key: string, n: number) => {
      const b = books.get(key)
      if (b === undefined) return
      b.top.bid = 400_000 + (n % 2) * 10_000
      b.top.ask = b.top.bid + 20_000
      b.asOf = Date.now()
      if (!changedAt.has(key)) changedAt.set(key, performance.now())
      listeners.notify(key)
    },
    changedAt
  }
}

const stateOf = (i: number, now: number) =>
  nbaGame({ gameId: `9${String(i).padStart(8, "0")}`, now, period: 2, secondsRemaining: 1_800, periodSecondsRemaining: 360, home: 50, away: 48, detail: "6:00 - 2nd" })

const percentile = (sorted: ReadonlyArray<number>, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits
const mb = (bytes: number) => Math.round(bytes / 1_048_576)

/** Tracks `n` games, each on one synthetic market. */
const track = (n: number, first = 0) =>
  Effect.gen(function*() {
    const games = yield* Game.client
    const now = Date.now()
    yield* Effect.forEach(Array.from({ length: n }, (_, k) => first + k), (i) =>
      Effect.gen(function*() {
        const state = stateOf(i, now)
        yield* upsertGame(state)
        yield* games(state.gameId).Track({
          state,
          revision: `r${i}`,
          attempt: 0,
          outcomes: [{
            outcome: { platform: "polymarket", marketId: `0xbench${i}` as ConditionId as unknown as MarketId, outcomeId: tokenOf(i) as OutcomeId },
            meaning: "home_win",
            fees: { _tag: "PolymarketFeeSchedule", rate: 30_000, exponent: 1, takerOnly: true },
            arbEligible: false
          }]
        })
      }), { concurrency: 16, discard: true })
  })

/** The real runtime over the synthetic feed, with a tracer that times each book-triggered evaluation. */
const runtimeOver = (synthetic: ReturnType<typeof syntheticFeed>, latencies: Array<number>) => {
  const tracer = Tracer.make({
    span: (options) => {
      const span = new Tracer.NativeSpan(options)
      if (options.name === "GameActor.evaluate") {
        const end = span.end.bind(span)
        span.end = (endTime, exit) => {
          end(endTime, exit)
          const gameId = span.attributes.get("gameId")
          if (span.attributes.get("trigger") !== "book" || typeof gameId !== "string") return
          const key = tokenOf(Number(gameId.slice(1)))
          const since = synthetic.changedAt.get(key)
          if (since === undefined) return
          synthetic.changedAt.delete(key)
          latencies.push(performance.now() - since)
        }
      }
      return span
    }
  })
  return Layer.unwrap(Effect.map(AppConfig, ({ config }) =>
    runtimeWith(Layer.mergeAll(
      Layer.effect(MarketDataHub, MarketDataHub.make([synthetic.feed])),
      EspnClient.layerNoDeps(optionsFrom(config)).pipe(Layer.provide(SimulatedEspn.layer([])))
    )))).pipe(
      Layer.provideMerge(migratedDatabase("postgres")),
      Layer.provideMerge(Diagnostics.layer),
      Layer.provideMerge(Layer.orDie(AppConfig.layerTest({
        "discovery.leagues": "nba",
        "espn.baseUrl": "http://espn.simulated/apis/site/v2/sports",
        "strategies.enabled": "model_edge,arbitrage",
        "signals.debounce": "1s"
      }))),
      Layer.provideMerge(NodeServices.layer),
      Layer.provideMerge(Layer.succeed(Tracer.Tracer, tracer))
    )
}

/** Resident memory with 1,000 active game actors, in a fresh runtime, beside the same with none. */
const memory = Effect.gen(function*() {
  yield* Effect.sleep("2 seconds")
  gc()
  const idle = process.memoryUsage()
  yield* track(1_000)
  yield* Effect.sleep("3 seconds")
  gc()
  const full = process.memoryUsage()
  const figures = {
    actors: 1_000,
    rssMB: mb(full.rss),
    rssIdleMB: mb(idle.rss),
    perActorKB: Math.round((full.rss - idle.rss) / 1_000 / 1024),
    heapUsedMB: mb(full.heapUsed),
    heapUsedIdleMB: mb(idle.heapUsed),
    targetMB: 300
  }
  process.stdout.write(`resident memory: ${figures.rssMB} MB with 1,000 game actors (${figures.rssIdleMB} MB with none; about ${figures.perActorKB} KB each; JS heap ${figures.heapUsedIdleMB} -> ${figures.heapUsedMB} MB)\n`)
  return figures
})

/** Tick-to-decision: 200 games at an aggregate 20,000 book messages/s for 10 s. */
const tickToDecision = (synthetic: ReturnType<typeof syntheticFeed>, latencies: Array<number>) =>
  Effect.gen(function*() {
    const GAMES = 200
    const RATE = 20_000
    const SECONDS = 10
    yield* track(GAMES)
    yield* Effect.sleep("3 seconds")
    latencies.length = 0
    synthetic.changedAt.clear()
    const lag = monitorEventLoopDelay({ resolution: 1 })
    lag.enable()
    let sent = 0
    const t0 = performance.now()
    yield* Effect.promise(() =>
      new Promise<void>((resolve) => {
        const tick = () => {
          const elapsed = (performance.now() - t0) / 1000
          if (elapsed >= SECONDS) return resolve()
          const due = Math.floor(elapsed * RATE)
          while (sent < due) {
            synthetic.move(tokenOf(sent % GAMES), Math.floor(sent / GAMES))
            sent++
          }
          setTimeout(tick, 1)
        }
        tick()
      })
    )
    const sendSeconds = (performance.now() - t0) / 1000
    yield* Effect.sleep("2 seconds")
    lag.disable()
    const sorted = [...latencies].sort((a, b) => a - b)
    const figures = {
      games: GAMES,
      messages: sent,
      messagesPerSecond: Math.round(sent / sendSeconds),
      decisions: sorted.length,
      p50Ms: round(percentile(sorted, 0.5)),
      p99Ms: round(percentile(sorted, 0.99)),
      maxMs: round(sorted[sorted.length - 1] ?? 0),
      targetP99Ms: 2,
      eventLoopLagP50Ms: round(lag.percentile(50) / 1e6),
      eventLoopLagP99Ms: round(lag.percentile(99) / 1e6),
      eventLoopLagMaxMs: round(lag.max / 1e6)
    }
    process.stdout.write(`tick-to-decision (${GAMES} games, ${figures.messagesPerSecond} msg/s): p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, max ${figures.maxMs} ms over ${figures.decisions} decisions; event-loop lag p99 ${figures.eventLoopLagP99Ms} ms\n`)
    return figures
  })

/** Each scenario in its own runtime and database; memory first, before any load has grown the heap. */
const scenario = <A>(f: (synthetic: ReturnType<typeof syntheticFeed>, latencies: Array<number>) => Effect.Effect<A, any, any>) => {
  const synthetic = syntheticFeed()
  const latencies: Array<number> = []
  return Effect.scoped(f(synthetic, latencies).pipe(Effect.orDie, Effect.provide(runtimeOver(synthetic, latencies)))).pipe(
    Effect.provideService(References.MinimumLogLevel, "Error")
  ) as Effect.Effect<A>
}

const run = Effect.gen(function*() {
  const mem = yield* scenario(() => memory)
  const tick = yield* scenario(tickToDecision)
  return { tickToDecision: tick, memory: mem }
})

export default {
  name: "actors",
  run: () => Effect.runPromise(run)
} satisfies Benchmark
