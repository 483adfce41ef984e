/**
 * A child process for the lossless-shutdown test (`test/services/bus/Shutdown.test.ts`), run with
 * `node_modules/.bin/node test/support/BusBurst.ts <mode>` and configured like arbees itself (the
 * environment: `DATABASE_URL`, `REDIS_URL`, `ARBEES_*`), through the real layers: `AppConfig`,
 * `Database` (migrated), `DeadLetters`, `EventBus` (Redis Streams) and `Outbox`.
 *
 * `burst`: produces events as fast as it can into a bounded intake queue; four workers accept
 * them, two of every three as money events (a position row updated and the event appended to the
 * outbox in one transaction) and the rest published straight to the bus. Each accepted event is
 * reported on stdout as `A <event id> <money|game>` in the same uninterruptible step that accepts
 * it, so a reported event is accepted and an accepted event is reported. On SIGTERM: the producer
 * stops, the workers finish the queue (EFFECT4.md 1.4), the outbox relay drains within its
 * timeout, the bus and the database close, and the process exits 0.
 *
 * `relay`: the restart. Once up (migrated, connected), prints `U`; runs the outbox relay until
 * nothing is pending, prints `R <pending at start> <published>`, and exits 0.
 *
 * `BURST_RELAY=off` runs the burst without a relay (the outbox only fills up), to prove the
 * restart picks up what a dead relay left.
 *
 * For the chaos suite (`test/chaos/`): `BURST_RATE=<n>` offers at most n events a second,
 * `BURST_MONEY_ONLY=on` makes every event a money event, and `BURST_TOLERANT=on` survives a failed
 * accept (the database or Redis is down): it reports `F <event id>` (refused, not accepted) and
 * goes on with the next. `BURST_GAME_RATE=<n>` also publishes n game ticks a second straight to
 * the bus (a fan-out state, not through the outbox), one at a time, each reported `G <event id>`
 * when the bus took it; a tick the bus refused is dropped, as a stale game state would be.
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Cause, Effect, Exit, Fiber, Layer, Queue, Runtime } from "effect"
import { SqlClient } from "effect/sql"
import { MigratedDatabase } from "../../src/runtime/App.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import * as Logging from "../../src/runtime/Logging.ts"
import { armDeadline } from "../../src/runtime/Shutdown.ts"
import { DeadLetters } from "../../src/services/DeadLetters.ts"
import { EventBus, eventId } from "../../src/services/bus/EventBus.ts"
import { Outbox } from "../../src/services/bus/Outbox.ts"
import { GameTicked, PositionChanged } from "./BusBurstTopics.ts"


interface Work {
  readonly n: number
  readonly money: boolean
}

const report = (line: string) => Effect.sync(() => void process.stdout.write(`${line}\n`))

const burst = Effect.gen(function*() {
  const { config } = yield* AppConfig
  const sql = yield* SqlClient.SqlClient
  const bus = yield* EventBus
  const outbox = yield* Outbox
  yield* sql`CREATE TABLE IF NOT EXISTS burst_positions (position_id text PRIMARY KEY, version bigint NOT NULL)`

  const accept = (work: Work) => {
    const id = eventId("burst", process.pid, work.n)
    if (!work.money) {
      return bus.publish(GameTicked, { id, key: `game-${work.n % 5}`, payload: { gameId: `game-${work.n % 5}`, n: work.n } }).pipe(
        Effect.andThen(report(`A ${id} game`))
      )
    }
    const positionId = `pos-${work.n % 8}`
    return sql.withTransaction(
      Effect.gen(function*() {
        const rows = yield* sql<{ version: string }>`
          INSERT INTO burst_positions (position_id, version) VALUES (${positionId}, 1)
          ON CONFLICT (position_id) DO UPDATE SET version = burst_positions.version + 1
          RETURNING version::text AS version`
        yield* outbox.append(PositionChanged, { id, key: positionId, payload: { positionId, version: Number(rows[0]!.version), n: work.n } })
      })
    ).pipe(Effect.andThen(report(`A ${id} money`)))
  }

  const intake = yield* Queue.bounded<Work, Cause.Done>(256)
  // Each event is accepted and reported, or neither: the step cannot be cut in the middle
  const tolerant = process.env["BURST_TOLERANT"] === "on"
  const worker = Queue.take(intake).pipe(
    Effect.flatMap((work) => {
      const step = Effect.uninterruptible(accept(work))
      return tolerant ? step.pipe(Effect.catchCause(() => report(`F ${eventId("burst", process.pid, work.n)}`))) : step
    }),
    Effect.forever,
    Effect.catchTag("Done", () => Effect.void)
  )
  const workers = yield* Effect.forkScoped(Effect.all([worker, worker, worker, worker], { concurrency: "unbounded", discard: true }))
  // Runs after the producer stops and before the workers would be interrupted (finalizers are LIFO)
  yield* Effect.addFinalizer(() =>
    Queue.end(intake).pipe(
      Effect.andThen(Fiber.await(workers)),
      Effect.timeout(config.shutdown.stepTimeout),
      Effect.ignore,
      Effect.andThen(Effect.logInfo("burst workers drained"))
    )
  )
  yield* Effect.forkScoped(
    Effect.gen(function*() {
      const rate = Number(process.env["BURST_RATE"] ?? 0)
      const moneyOnly = process.env["BURST_MONEY_ONLY"] === "on"
      for (let n = 1;; n++) {
        yield* Queue.offer(intake, { n, money: moneyOnly || n % 3 !== 0 })
        if (rate > 0) yield* Effect.sleep(Math.max(1, Math.round(1000 / rate)))
      }
    })
  )
  const gameRate = Number(process.env["BURST_GAME_RATE"] ?? 0)
  if (gameRate > 0) {
    yield* Effect.forkScoped(
      Effect.gen(function*() {
        for (let n = 1;; n++) {
          const id = eventId("tick", process.pid, n)
          yield* bus.publish(GameTicked, { id, key: "game-0", payload: { gameId: "game-0", n } }).pipe(
            Effect.andThen(report(`G ${id}`)),
            Effect.uninterruptible,
            Effect.ignore
          )
          yield* Effect.sleep(Math.max(1, Math.round(1000 / gameRate)))
        }
      })
    )
  }
  return yield* Effect.never
})

const relay = Effect.gen(function*() {
  const outbox = yield* Outbox
  // Up: migrated, connected to the database and the bus
  yield* report("U")
  const before = yield* outbox.pending
  const published = yield* outbox.drain("30 seconds")
  yield* report(`R ${before} ${published}`)
})

const mode = process.argv[2] === "relay" ? "relay" : "burst"
const relayOff = process.env["BURST_RELAY"] === "off"

// The restart drains explicitly (to count what it published); the burst runs the background relay
const outboxLayer = mode === "relay" || relayOff ? Outbox.layerNoRelay : Outbox.layer
const services = outboxLayer.pipe(
  Layer.provideMerge(EventBus.layer),
  Layer.provideMerge(DeadLetters.layer),
  Layer.provideMerge(MigratedDatabase)
)
const configured = Layer.unwrap(Effect.map(AppConfig, ({ config }) => Logging.layer(config.log, { stderr: true }))).pipe(
  Layer.provideMerge(AppConfig.layer({ flags: [] })),
  Layer.provideMerge(NodeServices.layer)
)

// The burst's own scope (producer, workers) closes first, then the services (relay drain, bus,
// database), all under the shutdown deadline armed outermost
const program = Effect.gen(function*() {
  const { config } = yield* AppConfig
  yield* armDeadline(config.shutdown.deadline)
  return yield* (mode === "relay" ? relay : Effect.scoped(burst)).pipe(
    Effect.onInterrupt(() => Effect.logInfo("shutdown requested; draining")),
    Effect.provide(services),
    Effect.ensuring(Effect.logInfo("shutdown complete"))
  )
}).pipe(Effect.scoped, Effect.provide(configured))

// Only as a program: importing this module must never start a burst
if (import.meta.main) {
  NodeRuntime.runMain(program, {
    disableErrorReporting: false,
    teardown: (exit, onExit) => {
      if (Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)) return onExit(0)
      Runtime.defaultTeardown(exit, onExit)
    }
  })
}
