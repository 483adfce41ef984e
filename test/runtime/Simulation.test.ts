import * as NodeServices from "@effect/platform-node/NodeServices"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import { Alert } from "../../src/actors/Events.ts"
import { Game } from "../../src/actors/Game.ts"
import { runtimeWith } from "../../src/runtime/App.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import { Diagnostics } from "../../src/services/Diagnostics.ts"
import { EventBus } from "../../src/services/bus/EventBus.ts"
import { EspnClient, optionsFrom } from "../../src/services/espn/EspnClient.ts"
import { MarketDataHub } from "../../src/services/marketdata/MarketDataHub.ts"
import { migratedDatabase } from "../support/Runtime.ts"
import * as SimulatedEspn from "../support/SimulatedEspn.ts"

const T0 = Date.UTC(2026, 10, 24, 18, 0)
const at = (minutes: number) => T0 + minutes * 60_000

// Real games from the shared fixtures, on a simulated evening
const EPL = { league: "epl", fixture: "espn-soccer-eng1-scoreboard-final.json", eventId: "704649", start: at(30), minutes: 110, final: { home: 2, away: 1 } } as const
const NBA1 = { league: "nba", fixture: "espn-nba-scoreboard-20241215-final.json", eventId: "401736810", start: at(60), minutes: 150, final: { home: 110, away: 104 } } as const
const NHL = { league: "nhl", fixture: "espn-nhl-scoreboard-live-ot.json", eventId: "401777455", start: at(90), minutes: 150, final: { home: 2, away: 3 } } as const
const NBA2 = { league: "nba", fixture: "espn-nba-scoreboard-20241215-final.json", eventId: "401736811", start: at(120), minutes: 150, final: { home: 98, away: 101 } } as const
const slate = [EPL, NBA1, NHL, NBA2]

const overrides = {
  "discovery.leagues": "nba,nhl,epl",
  "espn.baseUrl": "http://espn.simulated/apis/site/v2/sports",
  "espn.pollLive": "60s",
  "espn.pollPregame": "5m",
  "discovery.interval": "60s",
  "discovery.activateBefore": "15m",
  "discovery.releaseAfter": "10m",
  "supervision.faultInjection": "true",
  "supervision.initialBackoff": "5s",
  "supervision.crashLoopRestarts": "4",
  "supervision.crashLoopWindow": "5m",
  "supervision.maxBackoff": "1m"
}

/** The real actors and cluster over the simulated ESPN, on an embedded database. */
const simulation = Layer.unwrap(
  Effect.map(AppConfig, ({ config }) => {
    const external = Layer.mergeAll(
      EspnClient.layerNoDeps(optionsFrom(config)).pipe(Layer.provide(SimulatedEspn.layer(slate))),
      // No venue feeds in this simulation: the games have no mapped markets
      Layer.effect(MarketDataHub, MarketDataHub.make([]))
    )
    return runtimeWith(external)
  })
).pipe(
  Layer.provideMerge(migratedDatabase("embedded")),
  Layer.provideMerge(Diagnostics.layer),
  Layer.provideMerge(Layer.orDie(AppConfig.layerTest(overrides))),
  Layer.provideMerge(NodeServices.layer)
)

/** Runs a cluster call while the simulated clock moves, so its internal waits can complete. */
const call = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.forkChild(Effect.exit(effect))
    while (fiber.pollUnsafe() === undefined) {
      yield* TestClock.adjust("100 millis")
      yield* TestClock.withLive(Effect.sleep("2 millis"))
    }
    return yield* Fiber.join(fiber)
  })

const valueOf = <A, E>(exit: Exit.Exit<A, E>): A => {
  if (Exit.isSuccess(exit)) return exit.value
  throw Cause.squash(exit.cause)
}

/** Moves the simulated clock forward, letting real I/O (the database) keep up. */
const advance = (minutes: number) =>
  Effect.gen(function*() {
    for (let i = 0; i < minutes * 6; i++) {
      yield* TestClock.adjust("10 seconds")
      yield* TestClock.withLive(Effect.sleep("3 millis"))
    }
  })

describe("runtime simulation", () => {
  it.effect(
    "starts game actors before their games, keeps them through a crash, and passivates them after the final",
    () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(T0)
        yield* Effect.gen(function*() {
          const diagnostics = yield* Diagnostics
          const games = (id: string) => diagnostics.get(`game:${id}`)

          yield* advance(10)
          assert.isUndefined(games(EPL.eventId), "no actor 20 minutes before the first start")

          // 15 minutes before its start the orchestrator activates the EPL game; nothing else yet
          yield* advance(10)
          assert.strictEqual(games(EPL.eventId)?.status, "running")
          assert.isAtMost(games(EPL.eventId)!.startedAt, EPL.start - 14 * 60_000)
          assert.isUndefined(games(NBA1.eventId))

          yield* advance(30)
          assert.strictEqual(games(NBA1.eventId)?.status, "running")
          assert.isUndefined(games(NHL.eventId))

          yield* advance(30)
          assert.strictEqual(games(NHL.eventId)?.status, "running")
          assert.isUndefined(games(NBA2.eventId))

          // A defect in the live EPL actor restarts only that actor, after a backoff
          const client = yield* Game.client
          const before = { nba: games(NBA1.eventId)!.lastMessageAt!, nhl: games(NHL.eventId)!.lastMessageAt! }
          yield* call(client(EPL.eventId).InjectDefect({ message: "forced defect (drill)" }))
          yield* advance(3)
          const epl = games(EPL.eventId)!
          assert.strictEqual(epl.restarts, 1)
          assert.strictEqual(epl.status, "running")
          assert.strictEqual(games(NBA1.eventId)!.restarts, 0)
          assert.strictEqual(games(NHL.eventId)!.restarts, 0)
          assert.isAbove(games(NBA1.eventId)!.lastMessageAt!, before.nba, "the other actors kept receiving updates")
          assert.isAbove(games(NHL.eventId)!.lastMessageAt!, before.nhl)
          const view = valueOf(yield* call(client(EPL.eventId).Inspect()))
          assert.strictEqual(view.state?.status, "in_progress", "the restarted actor got its state back")
          assert.strictEqual(view.activations, 2)

          // Crashing again and again within a minute is a crash loop: the NHL game is halted for
          // trading (in the database and the tree) and an alert goes out; the process carries on
          for (let i = 1; i <= 4; i++) {
            yield* call(client(NHL.eventId).InjectDefect({ message: `crash-loop drill ${i}` }))
          }
          yield* advance(1)
          const nhl = games(NHL.eventId)!
          assert.strictEqual(nhl.restarts, 4)
          assert.strictEqual(nhl.status, "halted")
          const sql = yield* SqlClient.SqlClient
          const [halted] = yield* sql<{ trading_halted: boolean; halted_reason: string }>`SELECT trading_halted, halted_reason FROM games WHERE game_id = ${NHL.eventId}`
          assert.isTrue(halted!.trading_halted)
          assert.match(halted!.halted_reason, /^crash loop: 4 restarts within/)
          const alerts = yield* (yield* EventBus).stored(Alert.name)
          assert.strictEqual(alerts.length, 1)
          assert.strictEqual(games(NBA1.eventId)!.status, "running", "the other games are untouched")

          // EPL ends at +140; it is released 10 minutes later
          yield* advance(70)
          assert.strictEqual(games(EPL.eventId)?.status, "passivated")
          assert.strictEqual(games(NBA2.eventId)?.status, "running")
          assert.strictEqual(games(NBA1.eventId)?.status, "running")

          // Everything is final by +270 and released by +280
          yield* advance(135)
          for (const g of slate) assert.strictEqual(games(g.eventId)?.status, "passivated", g.eventId)
          const tree = yield* diagnostics.snapshot
          const orchestrator = tree.children.find((c) => c.id === "runner")!.children.find((c) => c.id === "orchestrator")!
          assert.deepStrictEqual(orchestrator.children.map((c) => c.id).sort(), slate.map((g) => `game:${g.eventId}`).sort())

          // Released actors leave the cluster once idle (`maxIdleTime` 10 minutes, then the reaper):
          // a message to one now finds a fresh activation
          yield* advance(15)
          for (const g of [EPL, NBA1, NBA2]) {
            const before = Number(games(g.eventId)!.details["activations"])
            const fresh = valueOf(yield* call(client(g.eventId).Inspect()))
            assert.strictEqual(fresh.activations, before + 1, `${g.eventId} was passivated`)
          }
        }).pipe(Effect.provide(simulation))
      }),
    { timeout: 240_000 }
  )
})
