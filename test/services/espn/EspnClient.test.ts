import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Exit, Layer, Metric, References, Schema } from "effect"
import * as fc from "fast-check"
import { SqlClient } from "effect/sql"
import type { EspnError } from "../../../src/schema/errors/EspnError.ts"
import { GameId } from "../../../src/schema/Ids.ts"
import { DeadLetters } from "../../../src/services/DeadLetters.ts"
import { migrate } from "../../../src/services/database/Migrations.ts"
import { EspnClient, type EspnClientOptions } from "../../../src/services/espn/EspnClient.ts"
import * as Metrics from "../../../src/services/espn/Metrics.ts"
import { EspnDate } from "../../../src/services/espn/Urls.ts"
import * as FakeEspn from "../../support/FakeEspn.ts"
import { Reply } from "../../support/FakeEspn.ts"
import * as TestDatabase from "../../support/TestDatabase.ts"
import { fixture } from "./Fixtures.ts"

const Database = Layer.effectDiscard(migrate()).pipe(Layer.provideMerge(TestDatabase.postgres), Layer.provideMerge(NodeServices.layer))
const Env = Layer.mergeAll(DeadLetters.layer, NodeHttpClient.layerUndici).pipe(Layer.provideMerge(Database))

const day = Schema.decodeUnknownSync(EspnDate)("20241215")
const gameId = Schema.decodeUnknownSync(GameId)
const NBA = "basketball/nba/scoreboard"

const defaults: Omit<EspnClientOptions, "baseUrl"> = {
  timeout: "2 seconds",
  retries: 2,
  retryBase: "10 millis",
  breakerFailures: 5,
  breakerReset: "1 second",
  concurrency: 4
}

/** Runs `body` against a fresh fake ESPN server and client, with a private metric registry. */
const withFake = <A, E, R>(
  options: Partial<EspnClientOptions>,
  body: (fake: FakeEspn.FakeEspn, client: EspnClient["Service"]) => Effect.Effect<A, E, R>
) =>
  Effect.gen(function*() {
    const fake = yield* FakeEspn.make
    return yield* Effect.gen(function*() {
      return yield* body(fake, yield* EspnClient)
    }).pipe(
      Effect.provide(EspnClient.layerNoDeps({ ...defaults, baseUrl: fake.baseUrl, ...options }))
    )
  }).pipe(
    Effect.provideService(Metric.MetricRegistry, new Map()),
    // The client logs every failure; these tests provoke hundreds
    Effect.provideService(References.MinimumLogLevel, "Error")
  )

/** The failure of an effect that must fail with an `EspnError`. */
const failure = <A, R>(effect: Effect.Effect<A, EspnError, R>) =>
  Effect.map(Effect.exit(effect), (exit) => {
    assert.isTrue(Exit.isFailure(exit), "expected a failure")
    if (Exit.isSuccess(exit)) throw new Error("unreachable")
    const error = exit.cause.reasons.find((r) => r._tag === "Fail")
    assert.isDefined(error, `expected a typed failure, got ${String(exit.cause)}`)
    return (error as { error: EspnError }).error
  })

const requests = (outcome: string, league = "nba", endpoint = "scoreboard") =>
  Effect.map(Metric.value(Metric.withAttributes(Metrics.requestsTotal, { endpoint, league, outcome })), (s) => s.count)

const transitions = (from: string, to: string) =>
  Effect.map(Metric.value(Metric.withAttributes(Metrics.breakerTransitionsTotal, { from, to })), (s) => s.count)

const deadLetters = (fake: FakeEspn.FakeEspn) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return yield* sql<{ source: string; reason: string; error: string; payload: string | null; context: Record<string, string> }>`
      SELECT source, reason, error, payload, context FROM dead_letters
       WHERE context->>'url' LIKE ${`%${fake.host}%`} ORDER BY id`
  })

describe("EspnClient against a fake ESPN server", () => {
  layer(Env, { excludeTestServices: true })((it) => {
    it.effect("fetches and decodes a real scoreboard and summary over HTTP", () =>
      withFake({}, (fake, client) =>
        Effect.gen(function*() {
          const board = yield* client.scoreboard("nba", day)
          assert.strictEqual(board.games.length, 7)
          assert.deepStrictEqual(board.failures, [])
          assert.deepStrictEqual(fake.requests()[0], { route: NBA, query: { dates: "20241215" } })
          const summary = yield* client.summary("nfl", gameId("401547417"))
          assert.strictEqual(summary.plays.length, 186)
          assert.deepStrictEqual(summary.winProbability, { entries: 187, matched: 186 })
          assert.strictEqual((yield* client.circuit)._tag, "Closed")
          assert.strictEqual(yield* requests("ok"), 1)
          assert.strictEqual(yield* requests("ok", "nfl", "summary"), 1)
        })))

    it.effect("retries 5xx with backoff and succeeds; the breaker sees one success", () =>
      withFake({ breakerFailures: 1 }, (fake, client) =>
        Effect.gen(function*() {
          fake.script(NBA, [Reply.status(503), Reply.status(502), Reply.fixture("espn-nba-scoreboard-20241215-final.json")])
          const board = yield* client.scoreboard("nba", day)
          assert.strictEqual(board.games.length, 7)
          assert.strictEqual(fake.count(NBA), 3)
          assert.strictEqual((yield* client.circuit)._tag, "Closed")
        })))

    it.effect("a server that never answers is a Timeout after every retry", () =>
      withFake({ timeout: "200 millis", retries: 1 }, (fake, client) =>
        Effect.gen(function*() {
          fake.script(NBA, [Reply.hang])
          const error = yield* failure(client.scoreboard("nba", day))
          assert.deepStrictEqual(error.reason._tag === "Timeout" && [error.reason.operation, error.reason.afterMillis], ["espn.scoreboard", 200])
          assert.strictEqual(fake.count(NBA), 2)
          assert.strictEqual(yield* requests("Timeout"), 1)
        })))

    it.effect("a slow answer within the timeout is fine", () =>
      withFake({ timeout: "2 seconds" }, (fake, client) =>
        Effect.gen(function*() {
          fake.script(NBA, [Reply.fixture("espn-nba-scoreboard-20241215-final.json", { delayMs: 150 })])
          assert.strictEqual((yield* client.scoreboard("nba", day)).games.length, 7)
          assert.strictEqual(fake.count(NBA), 1)
        })))

    it.effect("malformed JSON, an HTML page and a foreign document are Decode errors and dead letters, never retried", () =>
      withFake({}, (fake, client) =>
        Effect.gen(function*() {
          fake.script(NBA, [Reply.raw("{\"events\": [ {\"id\": "), Reply.raw("<html><body>Service Unavailable</body></html>"), Reply.json({ hello: "world" })])
          const errors = [
            yield* failure(client.scoreboard("nba", day)),
            yield* failure(client.scoreboard("nba", day)),
            yield* failure(client.scoreboard("nba", day))
          ]
          assert.deepStrictEqual(errors.map((e) => e.reason._tag), ["Decode", "Decode", "Decode"])
          assert.strictEqual(fake.count(NBA), 3)
          const letters = yield* deadLetters(fake)
          assert.deepStrictEqual(letters.map((l) => [l.source, l.reason]), [["espn.scoreboard", "Decode"], ["espn.scoreboard", "Decode"], ["espn.scoreboard", "Decode"]])
          assert.strictEqual(letters[0]!.payload, "{\"events\": [ {\"id\": ")
          assert.match(letters[0]!.error, /^malformed JSON \(20 bytes\)/)
          assert.strictEqual(letters[1]!.payload, "<html><body>Service Unavailable</body></html>")
          assert.strictEqual(letters[2]!.error, "not an ESPN scoreboard document")
          assert.strictEqual(letters[2]!.context["league"], "nba")
          assert.strictEqual(yield* requests("Decode"), 3)
        })))

    it.effect("a body cut by a connection reset is a Transport error and is retried", () =>
      withFake({}, (fake, client) =>
        Effect.gen(function*() {
          const body = fixture("espn-nba-scoreboard-20241215-final.json")
          fake.script(NBA, [Reply.truncated(body, "reset"), Reply.json(body)])
          assert.strictEqual((yield* client.scoreboard("nba", day)).games.length, 7)
          assert.strictEqual(fake.count(NBA), 2)
          fake.script(NBA, [Reply.truncated(body, "reset")])
          const error = yield* failure(client.scoreboard("nba", day))
          assert.strictEqual(error.reason._tag, "Transport")
          assert.strictEqual(fake.count(NBA), 2 + 3)
        })))

    it.effect("a body that ends cleanly mid-document is a Decode error and a dead letter", () =>
      withFake({}, (fake, client) =>
        Effect.gen(function*() {
          fake.script(NBA, [Reply.truncated(fixture("espn-nba-scoreboard-20241215-final.json"), "clean")])
          const error = yield* failure(client.scoreboard("nba", day))
          assert.strictEqual(error.reason._tag, "Decode")
          const [letter] = yield* deadLetters(fake)
          assert.match(letter!.error, /^malformed JSON/)
          assert.isAbove(letter!.payload!.length, 1000)
        })))

    it.effect("a 404 is an HttpStatus error: not retried and not held against the host", () =>
      withFake({ breakerFailures: 1 }, (fake, client) =>
        Effect.gen(function*() {
          const missing = gameId("123")
          const first = yield* failure(client.summary("nba", missing))
          assert.deepStrictEqual(first.reason._tag === "HttpStatus" && first.reason.status, 404)
          yield* failure(client.summary("nba", missing))
          assert.strictEqual(fake.count("basketball/nba/summary/123"), 2)
          assert.strictEqual((yield* client.circuit)._tag, "Closed")
        })))

    it.effect("the breaker opens after consecutive failures, rejects without calling, then probes and closes", () =>
      withFake({ breakerFailures: 2, breakerReset: "300 millis", retries: 0 }, (fake, client) =>
        Effect.gen(function*() {
          fake.script(NBA, [Reply.status(500), Reply.status(503), Reply.status(500), Reply.fixture("espn-nba-scoreboard-20241215-final.json")])
          assert.strictEqual((yield* failure(client.scoreboard("nba", day))).reason._tag, "HttpStatus")
          assert.strictEqual((yield* client.circuit)._tag, "Closed")
          assert.strictEqual((yield* failure(client.scoreboard("nba", day))).reason._tag, "HttpStatus")
          assert.strictEqual((yield* client.circuit)._tag, "Open")
          // Rejected without reaching the server
          const rejected = yield* failure(client.scoreboard("nba", day))
          assert.strictEqual(rejected.reason._tag, "CircuitOpen")
          assert.strictEqual(rejected.reason._tag === "CircuitOpen" && rejected.reason.host, fake.host)
          assert.strictEqual(fake.count(NBA), 2)
          // After the reset time a probe goes through; it fails, so the circuit opens again
          yield* Effect.sleep("350 millis")
          assert.strictEqual((yield* failure(client.scoreboard("nba", day))).reason._tag, "HttpStatus")
          assert.strictEqual(fake.count(NBA), 3)
          assert.strictEqual((yield* client.circuit)._tag, "Open")
          // The next probe succeeds and closes it
          yield* Effect.sleep("350 millis")
          assert.strictEqual((yield* client.scoreboard("nba", day)).games.length, 7)
          assert.strictEqual((yield* client.circuit)._tag, "Closed")
          yield* Effect.yieldNow
          assert.deepStrictEqual(
            [yield* transitions("Closed", "Open"), yield* transitions("Open", "HalfOpen"), yield* transitions("HalfOpen", "Open"), yield* transitions("HalfOpen", "Closed")],
            [1, 2, 1, 1]
          )
          const state = yield* Metric.value(Metric.withAttributes(Metrics.breakerState, { host: fake.host }))
          assert.strictEqual(state.value, 0)
          assert.strictEqual(yield* requests("CircuitOpen"), 1)
        })))

    it.effect("one bad game is left out, dead-lettered with its id and counted; the slate still decodes", () =>
      withFake({}, (fake, client) =>
        Effect.gen(function*() {
          const json = structuredClone(fixture("espn-nfl-scoreboard-20241215-final.json")) as { events: Array<any> }
          json.events[3].competitions[0].competitors = []
          fake.script("football/nfl/scoreboard", [Reply.json(json)])
          const board = yield* client.scoreboard("nfl", day)
          assert.strictEqual(board.games.length, 12)
          assert.deepStrictEqual(board.failures.map((f) => f.gameId), ["401671639"])
          const letters = yield* deadLetters(fake)
          assert.strictEqual(letters.length, 1)
          assert.deepStrictEqual([letters[0]!.source, letters[0]!.reason, letters[0]!.context["gameId"]], ["espn.scoreboard", "Decode", "401671639"])
          assert.include(letters[0]!.payload!, "\"id\":\"401671639\"")
          const decodeFailures = yield* Metric.value(Metric.withAttributes(Metrics.decodeFailuresTotal, { endpoint: "scoreboard", league: "nfl" }))
          assert.strictEqual(decodeFailures.count, 1)
          assert.strictEqual((yield* client.circuit)._tag, "Closed")
        })))

    it.effect("concurrent calls for the same URL share one request; other URLs do not", () =>
      withFake({}, (fake, client) =>
        Effect.gen(function*() {
          fake.script(NBA, [Reply.fixture("espn-nba-scoreboard-20241215-final.json", { delayMs: 200 })])
          const boards = yield* Effect.all(Array.from({ length: 6 }, () => client.scoreboard("nba", day)), { concurrency: "unbounded" })
          assert.strictEqual(fake.count(NBA), 1)
          assert.isTrue(boards.every((b) => b === boards[0]))
          const other = Schema.decodeUnknownSync(EspnDate)("20241216")
          yield* Effect.all([client.scoreboard("nba", day), client.scoreboard("nba", other)], { concurrency: "unbounded" })
          assert.strictEqual(fake.count(NBA), 3)
        })))

    it.effect("no more requests are in flight than the concurrency bound", () =>
      withFake({ concurrency: 2 }, (fake, client) =>
        Effect.gen(function*() {
          const ids = ["1", "2", "3", "4", "5", "6"]
          for (const id of ids) fake.script(`basketball/nba/summary/${id}`, [Reply.fixture("espn-nba-summary-pregame-predictor.json", { delayMs: 100 })])
          const summaries = yield* Effect.all(ids.map((id) => client.summary("nba", gameId(id))), { concurrency: "unbounded" })
          assert.strictEqual(summaries.length, 6)
          assert.strictEqual(fake.requests().length, 6)
          assert.strictEqual(fake.peakConcurrency(), 2)
        })))

    it.effect("arbitrary garbage bodies always fail as typed Decode errors, never as defects", () =>
      withFake({ retries: 0, breakerFailures: 100 }, (fake, client) =>
        Effect.gen(function*() {
          const bodies = fc.sample(fc.oneof(fc.string(), fc.json(), fc.constant("")), { numRuns: 30, seed: 42 })
          fake.script(NBA, bodies.map((b) => Reply.raw(b)))
          for (const _ of bodies) {
            const exit = yield* Effect.exit(client.scoreboard("nba", day))
            if (Exit.isSuccess(exit)) {
              // A JSON body that happens to be a scoreboard-shaped document decodes to its (valid) games
              continue
            }
            const reasons = exit.cause.reasons
            assert.isTrue(reasons.every((r) => r._tag === "Fail"), String(exit.cause))
          }
          assert.strictEqual(fake.count(NBA), 30)
        })))
  })
})
