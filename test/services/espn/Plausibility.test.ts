/**
 * ESPN values that decode but cannot be true, through the fake ESPN server and the client: each is
 * held back (never served), is a typed `Implausible` (or `Decode`) error, counts in a metric and
 * is a dead letter with its reason.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Exit, Layer, Metric, References, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { GameId } from "../../../src/schema/Ids.ts"
import { DeadLetters } from "../../../src/services/DeadLetters.ts"
import { migrate } from "../../../src/services/database/Migrations.ts"
import { EspnClient } from "../../../src/services/espn/EspnClient.ts"
import * as Metrics from "../../../src/services/espn/Metrics.ts"
import { EspnDate } from "../../../src/services/espn/Urls.ts"
import * as FakeEspn from "../../support/FakeEspn.ts"
import { Reply } from "../../support/FakeEspn.ts"
import * as TestDatabase from "../../support/TestDatabase.ts"
import { fixture } from "./Fixtures.ts"

const Database = Layer.effectDiscard(migrate()).pipe(Layer.provideMerge(TestDatabase.postgres), Layer.provideMerge(NodeServices.layer))
const Env = Layer.mergeAll(DeadLetters.layer, NodeHttpClient.layerUndici).pipe(Layer.provideMerge(Database))
const day = Schema.decodeUnknownSync(EspnDate)("20251021")
const NHL = "hockey/nhl/scoreboard"
const DATE = "2025-10-21T23:00Z"

const withFake = <A, E, R>(body: (fake: FakeEspn.FakeEspn, client: EspnClient["Service"]) => Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const fake = yield* FakeEspn.make
    return yield* Effect.gen(function*() {
      return yield* body(fake, yield* EspnClient)
    }).pipe(
      Effect.provide(EspnClient.layerNoDeps({ baseUrl: fake.baseUrl, timeout: "2 seconds", retries: 0, retryBase: "10 millis", breakerFailures: 50, breakerReset: "1 second", concurrency: 2 }))
    )
  }).pipe(Effect.provideService(Metric.MetricRegistry, new Map()), Effect.provideService(References.MinimumLogLevel, "Error"))

const letters = (fake: FakeEspn.FakeEspn) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return yield* sql<{ reason: string; error: string; context: Record<string, string> }>`
      SELECT reason, error, context FROM dead_letters WHERE context->>'url' LIKE ${`%${fake.host}%`} ORDER BY id`
  })

const implausible = (check: string, league: string) => Effect.map(Metric.value(Metric.withAttributes(Metrics.implausibleTotal, { check, league })), (s) => s.count)

const live = (period: number, clock: number, home: number, away: number) =>
  FakeEspn.withStage(fixture("espn-nhl-scoreboard-live-ot.json"), "401777455", {
    state: "in", name: "STATUS_IN_PROGRESS", period, clock, displayClock: `${Math.floor(clock / 60)}:${String(clock % 60).padStart(2, "0")}`, detail: `P${period} ${clock}`, home, away, date: DATE
  })
const gameOf = (board: { games: ReadonlyArray<{ gameId: string; period: number; home: { score: number } }> }) => board.games.find((g) => g.gameId === "401777455")

describe("ESPN plausibility through the fake ESPN", () => {
  layer(Env, { excludeTestServices: true })((it) => {
    it.effect("a period going backwards with a higher score is held back, counted and dead-lettered; ESPN standing by it rebases", () =>
      withFake((fake, client) =>
        Effect.gen(function*() {
          const regressed = live(1, 600, 3, 1)
          fake.script(NHL, [Reply.json(live(2, 900, 2, 1)), Reply.json(regressed), Reply.json(regressed), Reply.json(regressed)])
          assert.strictEqual(gameOf(yield* client.scoreboard("nhl", day))?.period, 2)
          for (const _ of [1, 2]) {
            const board = yield* client.scoreboard("nhl", day)
            assert.isUndefined(gameOf(board), "never served")
            const failure = board.failures.find((f) => f.gameId === "401777455")!
            assert.deepStrictEqual(failure.error.reason._tag === "Implausible" && failure.error.reason.check, "PeriodRegressed")
          }
          assert.strictEqual(yield* implausible("PeriodRegressed", "nhl"), 2)
          const held = (yield* letters(fake)).filter((l) => l.reason === "Implausible")
          assert.deepStrictEqual(held.map((l) => [l.context["gameId"], l.context["check"]]), [["401777455", "PeriodRegressed"], ["401777455", "PeriodRegressed"]])
          // The third poll in a row with the same story: ESPN stands by it
          assert.strictEqual(gameOf(yield* client.scoreboard("nhl", day))?.home.score, 3)
        })))

    it.effect("impossible values: a hex score, a bare-number date, one team on both sides", () =>
      withFake((fake, client) =>
        Effect.gen(function*() {
          const board = live(2, 900, 2, 1) as { events: Array<any> }
          const [hex, date, same] = [structuredClone(board), structuredClone(board), structuredClone(board)]
          const competition = (b: { events: Array<any> }) => b.events.find((e) => e.id === "401777455").competitions[0]
          competition(hex).competitors[0].score = "0x10"
          competition(date).date = "1"
          date.events.find((e) => e.id === "401777455").date = "1"
          competition(same).competitors[1].team = { ...competition(same).competitors[0].team }
          competition(same).competitors[1].id = competition(same).competitors[0].id
          fake.script(NHL, [Reply.json(hex), Reply.json(date), Reply.json(same)])
          const reasons: Array<string> = []
          for (const _ of [1, 2, 3]) {
            const result = yield* client.scoreboard("nhl", day)
            assert.isUndefined(gameOf(result))
            const f = result.failures.find((x) => x.gameId === "401777455")!
            reasons.push(f.error.reason._tag === "Implausible" ? f.error.reason.check : `${f.error.reason._tag}: ${"message" in f.error.reason ? f.error.reason.message : ""}`)
          }
          assert.match(reasons[0]!, /^Decode: .*"0x10".*plain decimal count/)
          assert.match(reasons[1]!, /^Decode: .*no plausible start time \(1\)/)
          assert.strictEqual(reasons[2], "SameSides")
          assert.strictEqual(yield* implausible("SameSides", "nhl"), 1)
          assert.strictEqual((yield* letters(fake)).length, 3)
        })))

    it.effect("an out-of-range ESPN win probability is dropped with a dead letter and a metric", () =>
      withFake((fake, client) =>
        Effect.gen(function*() {
          const summary = fixture("espn-nba-summary-401772994.json") as { winprobability: Array<{ playId: string; homeWinPercentage: number }> }
          const bad = summary.winprobability.slice(0, 2).map((w) => w.playId)
          summary.winprobability[0]!.homeWinPercentage = 1.7
          summary.winprobability[1]!.homeWinPercentage = -0.2
          fake.script("basketball/nba/summary/401772994", [Reply.json(summary)])
          const exit = yield* Effect.exit(client.summary("nba", Schema.decodeUnknownSync(GameId)("401772994")))
          assert.isTrue(Exit.isSuccess(exit))
          if (!Exit.isSuccess(exit)) return
          for (const id of bad) assert.isUndefined(exit.value.plays.find((p) => p.playId === id)?.espnHomeWinProbability)
          assert.strictEqual(yield* implausible("ProbabilityOutOfRange", "nba"), 2)
          const held = (yield* letters(fake)).filter((l) => l.context["check"] === "ProbabilityOutOfRange")
          assert.deepStrictEqual(held.map((l) => l.context["playId"]).sort(), [...bad].sort())
        })))
  })
})
