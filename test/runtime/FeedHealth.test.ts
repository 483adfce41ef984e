/**
 * Feeds in health (issue 14, items 4 and 5): an ESPN that cannot be reached is told once with its
 * cause, then summarised at a bounded rate, never once per attempt; once it has been down longer
 * than its staleness limit its node in the supervision tree is degraded and `/readyz` is not
 * ready, with the reason; when it answers again, both recover.
 *
 * ESPN is a real fake server behind a real TCP proxy (`cut` drops and refuses connections), or a
 * closed port; time is `TestClock`, so ten minutes of outage is one test.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Layer, Logger, Metric, References, Schema } from "effect"
import { TestClock } from "effect/testing"
import * as net from "node:net"
import { readiness } from "../../src/runtime/AdminServer.ts"
import { DeadLetters } from "../../src/services/DeadLetters.ts"
import { Diagnostics } from "../../src/services/Diagnostics.ts"
import { EspnClient, type EspnClientOptions } from "../../src/services/espn/EspnClient.ts"
import { EspnDate } from "../../src/services/espn/Urls.ts"
import { runFeedConnection } from "../../src/services/marketdata/FeedConnection.ts"
import { makeVenueHttp } from "../../src/services/marketdata/VenueHttp.ts"
import * as FakeEspn from "../support/FakeEspn.ts"
import * as FaultProxy from "../support/FaultProxy.ts"
import * as TestDatabase from "../support/TestDatabase.ts"

const day = Schema.decodeUnknownSync(EspnDate)("20241215")

const options = (baseUrl: string): EspnClientOptions => ({
  baseUrl,
  timeout: "5 seconds",
  retries: 0,
  retryBase: "200 millis",
  breakerFailures: 5,
  breakerReset: "30 seconds",
  concurrency: 4,
  staleAfter: "30 seconds"
})

/** A loopback port nothing listens on: every connection is refused. */
const closedPort = Effect.callback<number>((resume) => {
  const server = net.createServer()
  server.listen(0, "127.0.0.1", () => {
    const port = (server.address() as net.AddressInfo).port
    server.close(() => resume(Effect.succeed(port)))
  })
})

interface Line {
  readonly level: string
  readonly message: string
}

/** Runs `body` with the client over `env` (diagnostics…), collecting the log lines at info and above. */
const withClient = <A, E, ROut>(
  baseUrl: string,
  env: Layer.Layer<ROut>,
  body: (client: EspnClient["Service"]) => Effect.Effect<A, E, ROut | EspnClient>
) =>
  Effect.gen(function*() {
    const lines: Array<Line> = []
    const capture = Logger.make<unknown, void>(({ logLevel, message }) => {
      const text = (Array.isArray(message) ? message : [message]).map(String).join(" ")
      lines.push({ level: logLevel, message: text })
    })
    const value = yield* Effect.flatMap(EspnClient, body).pipe(
      Effect.provide(EspnClient.layerNoDeps(options(baseUrl))),
      Effect.provide(env),
      Effect.provide(Layer.mergeAll(DeadLetters.layerLog, NodeHttpClient.layerUndici)),
      Effect.provide(Logger.layer([capture])),
      Effect.provideService(References.MinimumLogLevel, "Info"),
      Effect.provideService(Metric.MetricRegistry, new Map())
    )
    return { value, lines }
  })

/** One poll, as discovery does it: the failure is the caller's to handle. */
const poll = (client: EspnClient["Service"]) => Effect.ignore(client.scoreboard("nba", day))

describe("feed health", () => {
  it.effect("ESPN down for 10 simulated minutes: its cause once, then one summary, not a line per attempt", () =>
    Effect.gen(function*() {
      const port = yield* closedPort
      const { lines } = yield* withClient(`http://127.0.0.1:${port}/apis/site/v2/sports`, Diagnostics.layer, (client) =>
        Effect.gen(function*() {
          // A poll every 15 s for 10 minutes: 40 attempts
          for (let n = 0; n < 40; n++) {
            yield* poll(client)
            yield* TestClock.adjust("15 seconds")
          }
        }))
      const warnings = lines.filter((l) => l.level === "Warn" || l.level === "Error")
      assert.deepStrictEqual(warnings.map((w) => w.message), [
        `ESPN unreachable: connection refused (127.0.0.1:${port})`,
        "ESPN down for 30 s, past its staleness limit: game states are stale, so no signal trades on them until ESPN answers",
        `ESPN unreachable for 5 min: connection refused (127.0.0.1:${port}) (21 attempts)`
      ])
      assert.isTrue(warnings.every((w) => !/: $|\(\)/.test(w.message)))
    }))

  it.effect("a fake ESPN that is down makes /readyz not ready, with the reason; back up, it is ready again", () =>
    Effect.gen(function*() {
      const fake = yield* FakeEspn.make
      const proxy = yield* Effect.acquireRelease(
        Effect.promise(() => FaultProxy.start(Number(new URL(fake.baseUrl).port))),
        (p) => Effect.promise(() => p.close())
      )
      const baseUrl = proxy.url("http", new URL(fake.baseUrl).pathname)
      const espnCheck = Effect.map(readiness, (checks) => checks.find((c) => c.name === "feed:espn"))
      const { lines } = yield* withClient(baseUrl, Layer.mergeAll(Diagnostics.layer, TestDatabase.embedded), (client) =>
        Effect.gen(function*() {
          yield* poll(client)
          assert.isUndefined(yield* espnCheck, "ESPN answers: ready")
          proxy.cut()
          yield* poll(client)
          // Down, but not yet for longer than its staleness limit
          assert.isUndefined(yield* espnCheck)
          yield* TestClock.adjust("31 seconds")
          yield* poll(client)
          const check = yield* espnCheck
          assert.isDefined(check)
          assert.isFalse(check!.ok)
          assert.match(check!.reason ?? "", /^degraded: ESPN unreachable for 31 s: connection (reset|closed|refused).*; game states are stale, so no signal trades on them/)
          proxy.restore()
          // The breaker (5 failures) is still closed after 2: the next poll goes through
          yield* poll(client)
          assert.isUndefined(yield* espnCheck, "ESPN answers again: ready")
        }))
      assert.isTrue(lines.some((l) => l.level === "Info" && /^ESPN reachable again after 31 s$/.test(l.message)), JSON.stringify(lines))
    }).pipe(Effect.scoped), 60_000)

  it.effect("a venue feed that cannot connect is degraded past its silence limit, with the cause, in /readyz", () =>
    Effect.gen(function*() {
      const port = yield* closedPort
      const lines: Array<Line> = []
      const capture = Logger.make<unknown, void>(({ logLevel, message }) => {
        lines.push({ level: logLevel, message: (Array.isArray(message) ? message : [message]).map(String).join(" ") })
      })
      yield* Effect.gen(function*() {
        yield* runFeedConnection({
          name: "kalshi",
          url: `ws://127.0.0.1:${port}/trade-api/ws/v2`,
          silence: Duration.seconds(30),
          checkEvery: Duration.seconds(1),
          reconnectInitial: Duration.seconds(1),
          reconnectMax: Duration.seconds(10)
        }, { onOpen: () => {}, onFrame: () => {}, onClose: () => {}, drain: () => [] })
        const check = Effect.map(readiness, (checks) => checks.find((c) => c.name === "feed:kalshi"))
        // Real refused connections, simulated time between attempts: until degraded (past 30 s)
        let failing = yield* check
        for (let n = 0; n < 200 && failing === undefined; n++) {
          yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 25)))
          yield* TestClock.adjust("2 seconds")
          failing = yield* check
        }
        assert.isDefined(failing)
        assert.match(failing!.reason ?? "", /^degraded: kalshi market data unreachable for \d+ (s|min): connection refused/)
      }).pipe(
        Effect.scoped,
        Effect.provide(Layer.mergeAll(Diagnostics.layer, TestDatabase.embedded, NodeWS.layerWebSocketConstructor)),
        Effect.provide(Logger.layer([capture])),
        Effect.provideService(References.MinimumLogLevel, "Info"),
        Effect.provideService(Metric.MetricRegistry, new Map())
      )
      const warnings = lines.filter((l) => l.level === "Warn")
      assert.strictEqual(warnings.length, 2, JSON.stringify(warnings))
      assert.match(warnings[0]!.message, /^kalshi market data unreachable: connection refused/)
      assert.match(warnings[1]!.message, /^kalshi market data down for \d+ s, past its staleness limit: its books are not live/)
    }), 60_000)

  it.effect("a venue's REST that cannot be reached is degraded after a minute, with the cause, in /readyz", () =>
    Effect.gen(function*() {
      const port = yield* closedPort
      const http = yield* makeVenueHttp({
        platform: "kalshi",
        source: "kalshi.rest",
        baseUrl: `http://127.0.0.1:${port}/trade-api/v2`,
        timeout: Duration.seconds(5),
        retries: 0
      })
      const call = Effect.ignore(http.get("getMarkets", "/markets", {}, Schema.Unknown))
      const check = Effect.map(readiness, (checks) => checks.find((c) => c.name === "venue:kalshi.rest"))
      yield* call
      assert.isUndefined(yield* check, "down, but not for a minute yet")
      yield* TestClock.adjust("61 seconds")
      yield* call
      const failing = yield* check
      assert.isDefined(failing)
      assert.match(failing!.reason ?? "", new RegExp(`^degraded: kalshi REST \\(127\\.0\\.0\\.1:${port}\\) unreachable for 1 min: connection refused.*; its listings, terms and orders wait`))
    }).pipe(
      Effect.scoped,
      Effect.provide(Layer.mergeAll(Diagnostics.layer, TestDatabase.embedded, DeadLetters.layerLog, NodeHttpClient.layerUndici)),
      Effect.provideService(References.MinimumLogLevel, "Error"),
      Effect.provideService(Metric.MetricRegistry, new Map())
    ), 60_000)
})
