/**
 * `arbees replay`: runs a recording through the real runtime — decoders, books, the market-data
 * hub, matching, the orchestrator, game actors, risk, bankroll, execution — with time driven by
 * the recording through Effect's `Clock` (a `TestClock` the driver moves), and the transports
 * answering from the recording (`ReplayTransport`). No component knows it is replaying.
 *
 * The driver moves the clock to the next recorded frame (or by at most `stepMillis`), delivers
 * the frames due, and waits for the runtime to go quiet before the next step: no fiber work
 * scheduled, no database statement running or started, for a few turns of the event loop
 * ({@link Activity}). So simulated time never runs ahead of work still in flight (a timeout
 * cannot fire because the machine was slow), which is what makes a replay deterministic.
 * `speed` paces the steps against the wall clock (`max`: no pacing). Randomness is seeded.
 * With `serve`, the admin server runs over the replay's runtime, so the dashboard shows the replay
 * as it happens (its reads and actions are work the driver waits for, like the runtime's own). The database is a fresh
 * in-memory embedded one and the bus the in-process one, whatever the configuration says, so a
 * replay never touches live state.
 *
 * The result carries the event log (every bus event, per topic in publication order) and its
 * SHA-256 digest: two replays of one recording with the same settings give the same digest.
 *
 * @since 0.1.0
 */
import { createHash, generateKeyPairSync } from "node:crypto"
import type { PGlite } from "@electric-sql/pglite"
import { Effect, Layer, Random, Scheduler } from "effect"
import { TestClock } from "effect/testing"
import * as Bankroll from "../../actors/Bankroll.ts"
import * as Events from "../../actors/Events.ts"
import * as Trades from "../../actors/Trades.ts"
import { EventBus, type Topic } from "../../services/bus/EventBus.ts"
import { AppConfig } from "../../services/config/AppConfig.ts"
import { Database, embeddedClient, serveEmbedded } from "../../services/database/Database.ts"
import { migrate } from "../../services/database/Migrations.ts"
import { Diagnostics } from "../../services/Diagnostics.ts"
import type { Recording } from "../../services/recording/RecordingReader.ts"
import { type ReplayCounts, ReplayWorld } from "../../services/recording/ReplayTransport.ts"
import * as AdminServer from "../AdminServer.ts"
import { Actors, busWith, ConsoleServices, externalSystemsWith, RunnerNode } from "../App.ts"
import * as Cluster from "../Cluster.ts"
import { HttpClient } from "effect/http"
import * as Socket from "effect/socket/Socket"
import { Context } from "effect"
import { unsafeWallClockMillis } from "../WallClock.ts"

/** The machine's clock, for pacing and speed figures only (the runtime sees the replay clock). */
const wallNow = Effect.sync(unsafeWallClockMillis)

/** Simulated time per wall-clock time (`"60"`: an hour a minute), or `max`: no pacing. @category models */
export type Speed = `${number}` | "max"

/**
 * Serving the console during a replay: the admin server (dashboard, operator API, live stream)
 * over the replay's runtime, on `admin.host:admin.port`.
 *
 * @category models
 */
export interface ServeOptions {
  /** Called with the server's URL once it listens */
  readonly onListening: (url: string) => Effect.Effect<void>
  /**
   * Runs after the last step, with the result, before the runtime closes: the console keeps
   * answering (on the replay's final state) until it ends
   */
  readonly afterEnd?: ((result: ReplayResult) => Effect.Effect<void>) | undefined
}

/** @category models */
export interface Progress {
  readonly simulatedAt: number
  readonly start: number
  readonly end: number
  readonly frames: number
  readonly http: number
  readonly games: number
  readonly framesPerSecond: number
}

/** @category models */
export interface ReplayOptions {
  readonly speed: Speed
  /** Longest clock step between settles */
  readonly stepMillis?: number | undefined
  /** Keeps running this long after the last recorded entry (settlement, releases) */
  readonly tailMillis?: number | undefined
  /** Stops at this simulated time (epoch ms) instead of the recording's end plus the tail */
  readonly until?: number | undefined
  /** Called about every `progressEvery` steps */
  readonly onProgress?: ((p: Progress) => void) | undefined
  readonly progressEvery?: number | undefined
  readonly seed?: string | undefined
  /** Serves the dashboard and the operator API over the replay's runtime while it runs */
  readonly serve?: ServeOptions | undefined
}

/** One bus event, as the event log holds it. @category models */
export interface LoggedEvent {
  readonly topic: string
  readonly id: string
  readonly key: string
  /** When it happened, simulated epoch ms */
  readonly at: number
  readonly payload: unknown
}

/**
 * The books as the replay left them, read from its database before it closes: the bankroll, the
 * ledger check and postings, every position and order. The report reconciles P&L against them.
 *
 * @category models
 */
export interface ReplayBooks {
  readonly account: string
  readonly initial: number
  readonly balance: Bankroll.BankrollSnapshot | undefined
  readonly ledger: Bankroll.LedgerCheck
  readonly postings: ReadonlyArray<{ readonly id: number; readonly bucket: string; readonly kind: string; readonly amount: number; readonly reference: string; readonly at: number }>
  readonly positions: ReadonlyArray<Record<string, unknown>>
  readonly orders: ReadonlyArray<Record<string, unknown>>
}

/** @category models */
export interface ReplayResult {
  readonly start: number
  readonly end: number
  readonly counts: ReplayCounts
  /** Requests the recording could not answer (the first few) */
  readonly missing: ReadonlyArray<string>
  readonly events: ReadonlyArray<LoggedEvent>
  /** The event log, one JSON line per event, topics in name order */
  readonly log: string
  readonly digest: string
  readonly books: ReplayBooks
  readonly wallMillis: number
  readonly steps: number
  /** Steps after which the runtime had not gone quiet within the turn limit (0 in a sound replay) */
  readonly busySettles: number
}

const isTopic = (v: unknown): v is Topic<unknown> =>
  typeof v === "object" && v !== null && typeof (v as Topic<unknown>).name === "string" && "codec" in v

/** Every topic the actors publish. @category events */
export const topics: ReadonlyArray<string> = [...new Set(Object.values(Events).filter(isTopic).map((t) => t.name))].sort()

/**
 * What the replay watches to know the runtime has gone quiet: fiber tasks scheduled (a
 * scheduler wrapping the default one) and database statements started and running (the
 * embedded database's protocol entry point, wrapped).
 *
 * @category replay
 */
export class Activity {
  tasks = 0
  statements = 0
  running = 0
  /** Settles that hit the turn limit (something never went quiet) */
  busy = 0
  readonly scheduler: Scheduler.Scheduler

  constructor() {
    const inner = new Scheduler.MixedScheduler()
    this.scheduler = {
      executionMode: inner.executionMode,
      shouldYield: (fiber) => inner.shouldYield(fiber),
      makeDispatcher: () => {
        const dispatcher = inner.makeDispatcher()
        return {
          scheduleTask: (task, priority) => {
            this.tasks++
            dispatcher.scheduleTask(task, priority)
          },
          flush: () => dispatcher.flush()
        }
      }
    }
  }

  /** Counts the database's statements (the socket server runs each through this method). */
  watch(db: PGlite): void {
    const exec = db.execProtocolRawStream.bind(db)
    db.execProtocolRawStream = (async (...args: Parameters<typeof exec>) => {
      this.statements++
      this.running++
      try {
        return await exec(...args)
      } finally {
        this.running--
        this.statements++
      }
    }) as typeof exec
  }

  /**
   * Waits until `quietTurns` turns of the event loop in a row saw no new fiber task, no database
   * statement started or finished, none running, and nothing `pending` in the world. A statement in flight on the loopback socket
   * shows within a turn; `maxTurns` bounds a runtime that never goes quiet (counted in `busy`).
   */
  settle(pending: () => number = () => 0, quietTurns = 3, maxTurns = 20_000): Effect.Effect<void> {
    return Effect.promise(async () => {
      let quiet = 0
      let last = -1
      for (let turn = 0; quiet < quietTurns; turn++) {
        if (turn >= maxTurns) {
          this.busy++
          return
        }
        await new Promise<void>((resolve) => setImmediate(resolve))
        const seen = this.tasks + this.statements
        if (seen === last && this.running === 0 && pending() === 0) quiet++
        else {
          quiet = 0
          last = seen
        }
      }
    })
  }
}

/** A fresh in-memory embedded database, migrated and watched. */
const MemoryDatabase = (activity: Activity) => Layer.effectDiscard(Effect.orDie(migrate())).pipe(
  Layer.provideMerge(
    Layer.unwrap(
      Effect.map(serveEmbedded(undefined, (db) => activity.watch(db)), (url) =>
        embeddedClient(url).pipe(Layer.provideMerge(Layer.succeed(Database, Database.of({ kind: "embedded", target: "memory" })))))
    ).pipe(Layer.orDie)
  )
)

/**
 * What the driver steps through: the transports the runtime talks to, when the next recorded
 * thing is due, how to deliver what is due, and what it knows to be in flight. A recording being
 * replayed is one ({@link ReplayWorld} in memory); servers speaking the venues' protocols over
 * real sockets, recorded as they go, are another (the record-then-replay test).
 *
 * @category replay
 */
export interface SimulatedWorld {
  readonly transport: Layer.Layer<HttpClient.HttpClient | Socket.WebSocketConstructor>
  readonly counts: ReplayCounts
  readonly missing: ReadonlySet<string>
  readonly nextTime: () => number | undefined
  readonly deliverUntil: (t: number) => number
  /** Work in flight the runtime cannot show yet (frames sent but not received); 0 when none */
  readonly pending?: (() => number) | undefined
}

/** A recording as a simulated world: the in-memory transports of `ReplayTransport`. */
const recordedWorld = (world: ReplayWorld): SimulatedWorld => ({
  transport: Layer.succeedContext(
    Context.make(HttpClient.HttpClient, world.httpClient).pipe(Context.add(Socket.WebSocketConstructor, world.webSocket))
  ),
  counts: world.counts,
  missing: world.missing,
  nextTime: () => world.nextTime(),
  deliverUntil: (t) => world.deliverUntil(t)
})

/**
 * The admin server with the console over the replay's runtime, or nothing. It sits where `run`
 * has it: above the bus (its live stream closes first), below the actors.
 */
const consoleOf = (serve: ServeOptions | undefined) =>
  serve === undefined ? Layer.empty : AdminServer.layerAnnouncing(serve.onListening).pipe(Layer.provide(ConsoleServices))

/** The runtime over a simulated world: real actors, cluster and external clients. */
const simulatedRuntime = (world: SimulatedWorld, activity: Activity, serve: ServeOptions | undefined) => {
  const bus = busWith(EventBus.layerMemory)
  return Actors.pipe(
    Layer.provideMerge(Cluster.layer),
    Layer.provideMerge(RunnerNode),
    Layer.provideMerge(externalSystemsWith(world.transport)),
    Layer.provideMerge(consoleOf(serve)),
    Layer.provideMerge(bus),
    Layer.provideMerge(Diagnostics.layer),
    Layer.provideMerge(MemoryDatabase(activity))
  )
}

/** The game actors anywhere in the supervision tree. */
const gamesIn = (node: { readonly id: string; readonly children: ReadonlyArray<any> }): number =>
  (/^game:[^/]+$/.test(node.id) ? 1 : 0) + node.children.reduce((n: number, c) => n + gamesIn(c), 0)

/** Collects the event log from the bus. */
const eventLog = Effect.gen(function*() {
  const bus = yield* EventBus
  const events: Array<LoggedEvent> = []
  const lines: Array<string> = []
  for (const topic of topics) {
    for (const e of yield* Effect.orDie(bus.stored(topic))) {
      const payload = e.payload === undefined ? null : JSON.parse(e.payload) as unknown
      const at = e.at ?? 0
      events.push({ topic, id: e.id ?? "", key: e.key ?? "", at, payload })
      lines.push(JSON.stringify({ topic, id: e.id, key: e.key, at, payload }))
    }
  }
  return { events, log: lines.length === 0 ? "" : `${lines.join("\n")}\n` }
})

/** Reads the books from the replay's database. */
const booksNow = Effect.gen(function*() {
  const { config } = yield* AppConfig
  const account = config.bankroll.account
  const balance = yield* Effect.option(Bankroll.readBalance(account))
  return {
    account,
    initial: config.bankroll.initial,
    balance: balance._tag === "Some" ? balance.value : undefined,
    ledger: yield* Bankroll.ledgerCheck(account),
    postings: [...(yield* Bankroll.recentPostings(account, 1_000_000))].reverse(),
    positions: yield* Trades.listPositions,
    orders: yield* Trades.listOrders
  } satisfies ReplayBooks
}).pipe(Effect.orDie)

/**
 * Replays a recording. Requires the configuration (and the platform services).
 *
 * @category replay
 */
export const replay = (recording: Recording, options: ReplayOptions) =>
  Effect.suspend(() => {
    const entries = recording.entries
    if (entries.length === 0) return Effect.die(new Error(`${recording.dir} holds no entries`))
    const end = ReplayWorld.endOf(entries)
    return drive((now) => recordedWorld(new ReplayWorld(entries, now)), {
      ...options,
      start: entries[0]!.t,
      until: options.until ?? end + (options.tailMillis ?? 0)
    })
  })

/**
 * Runs the real runtime over a simulated world from `start` to `until`, under a test clock the
 * driver moves, and returns the event log and the books. `world` is made once the clock exists
 * (it reads the simulated time through `now`). What `replay` does for a recording, and what a
 * recorded run against servers does.
 *
 * @category replay
 */
export const drive = (
  world: (now: () => number) => SimulatedWorld,
  options: ReplayOptions & { readonly start: number; readonly until: number }
) =>
  Effect.gen(function*() {
    const { start } = options
    const stopAt = options.until
    const stepMillis = options.stepMillis ?? 5_000
    const startedWall = yield* wallNow
    const activity = new Activity()

    return yield* Effect.gen(function*() {
      yield* TestClock.setTime(start)
      const clock = yield* TestClock.testClockWith(Effect.succeed)
      const w = world(() => Math.floor(clock.currentTimeMillisUnsafe()))
      const pending = w.pending ?? (() => 0)
      return yield* Effect.gen(function*() {
        const diagnostics = yield* Diagnostics
        let now = start
        let steps = 0
        yield* activity.settle(pending)
        while (now < stopAt) {
          const due = w.nextTime()
          const next = Math.min(stopAt, now + stepMillis, due !== undefined && due > now ? due : now + stepMillis)
          yield* TestClock.setTime(next)
          now = next
          w.deliverUntil(now)
          yield* activity.settle(pending)
          steps++
          if (options.speed !== "max") {
            // Real-time pacing: simulated time since the start, divided by the speed
            const pace = startedWall + (now - start) / Number(options.speed) - (yield* wallNow)
            if (pace > 0) yield* Effect.promise(() => new Promise<void>((r) => setTimeout(r, pace)))
          }
          if (options.onProgress !== undefined && steps % (options.progressEvery ?? 500) === 0) {
            const wall = yield* wallNow
            options.onProgress({
              simulatedAt: now,
              start,
              end: stopAt,
              frames: w.counts.frames,
              http: w.counts.http,
              games: gamesIn(yield* diagnostics.snapshot),
              framesPerSecond: w.counts.frames / Math.max(0.001, (wall - startedWall) / 1000)
            })
          }
        }
        const { events, log } = yield* eventLog
        const books = yield* booksNow
        const wallMillis = (yield* wallNow) - startedWall
        const result = {
          start,
          end: stopAt,
          counts: { ...w.counts },
          missing: [...w.missing],
          events,
          log,
          digest: createHash("sha256").update(log).digest("hex"),
          books,
          wallMillis,
          steps,
          busySettles: activity.busy
        } satisfies ReplayResult
        if (options.serve?.afterEnd !== undefined) yield* options.serve.afterEnd(result)
        return result
      }).pipe(Effect.provide(simulatedRuntime(w, activity, options.serve)))
    }).pipe(
      Effect.scoped,
      Effect.provide(TestClock.layer()),
      // Outside the test clock, whose scheduler wraps the watched one
      Effect.provideService(Scheduler.Scheduler, activity.scheduler),
      Random.withSeed(options.seed ?? "arbees-replay")
    )
  })

/** The configuration a replay runs with: the given one, with `overrides` on top. @category config */
export const withOverrides = (overrides: Record<string, string>) => AppConfig.layerTest(overrides)

/**
 * The settings every replay forces on top of the user's: the recording's leagues, an in-process
 * bus big enough to keep every event, and a throwaway Kalshi key so the replayed feed connects
 * (the recording answers without checking signatures; the key is generated per run and never
 * stored).
 *
 * @category config
 */
export const replaySettings = (recording: Recording): Record<string, string> => {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
  return {
    "discovery.leagues": recording.manifest.leagues.join(","),
    "bus.maxLen": "10000000",
    "kalshi.keyId": "replay",
    "kalshi.privateKey": privateKey.export({ type: "pkcs8", format: "pem" }).toString()
  }
}
