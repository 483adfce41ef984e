/**
 * Connection failures say what happened (issue 14, item 4): one line naming the cause (refused,
 * DNS, TLS, authentication, a missing database) and the target, never the credentials; at debug
 * level the cause chain comes under that line, never instead of it.
 *
 * Against real failures: a closed port, a name that does not resolve, a database that does not
 * exist on the test server, a server without TLS asked for it, a Redis ACL user given the wrong
 * password. The test Postgres trusts local connections, so the wrong Postgres password is refused
 * by a fake server speaking the real protocol (`FakePostgresAuth`).
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Redacted } from "effect"
import * as net from "node:net"
import * as RedisStreamLog from "../../../src/services/bus/RedisStreamLog.ts"
import { causeChain, describeFailure, nameFailure } from "../../../src/services/Failure.ts"
import { runCli } from "../../support/CliInProcess.ts"
import * as FakePostgresAuth from "../../support/FakePostgresAuth.ts"
import { adminUrl } from "../../support/TestDatabase.ts"
import * as TestRedis from "../../support/TestRedis.ts"

const lines = (text: string) => text.split("\n").filter((l) => l.trim().length > 0)

/** A loopback port nothing listens on. */
const closedPort = Effect.callback<number>((resume) => {
  const server = net.createServer()
  server.listen(0, "127.0.0.1", () => {
    const port = (server.address() as net.AddressInfo).port
    server.close(() => resume(Effect.succeed(port)))
  })
})

const migrate = (url: string, extra: ReadonlyArray<string> = []) =>
  runCli([...extra, "migrate"], { DATABASE_URL: url, ARBEES_DATABASE_CONNECT_TIMEOUT: "5s" })

/** One line on stderr, exit 1, naming the target and the cause, without the password. */
const oneLine = (result: { readonly code: number | null; readonly stderr: string }, target: string, cause: RegExp) => {
  assert.strictEqual(result.code, 1, result.stderr)
  assert.strictEqual(lines(result.stderr).length, 1, result.stderr)
  assert.include(result.stderr, `arbees: cannot reach the database at ${target}: `)
  assert.match(result.stderr, cause)
  assert.notInclude(result.stderr, "hunter2")
}

const withDatabase = (url: string, database: string, params = "") => {
  const u = new URL(url)
  u.pathname = `/${database}`
  u.password = "hunter2"
  return `${u.toString()}${params}`
}

describe("connection failures name their cause", () => {
  it.live("Postgres: a closed port is a refused connection", () =>
    Effect.gen(function*() {
      const port = yield* closedPort
      oneLine(yield* migrate(`postgres://arbees:hunter2@127.0.0.1:${port}/arbees`), `127.0.0.1:${port}/arbees`, /: connection refused \(127\.0\.0\.1:\d+\)$/m)
    }))

  it.live("Postgres: a name that does not resolve is a DNS failure", () =>
    Effect.gen(function*() {
      oneLine(yield* migrate("postgres://arbees:hunter2@no-such-host.invalid:5432/arbees"), "no-such-host.invalid:5432/arbees", /: host not found \(DNS: no-such-host\.invalid\)$/m)
    }))

  it.live("Postgres: a database that does not exist says so", () =>
    Effect.gen(function*() {
      const url = withDatabase(adminUrl, "arbees_no_such_db")
      const u = new URL(url)
      oneLine(yield* migrate(url), `${u.hostname}:${u.port || "5432"}/arbees_no_such_db`, /: database "arbees_no_such_db" does not exist$/m)
    }))

  it.live("Postgres: TLS asked of a server without it is a TLS failure", () =>
    Effect.gen(function*() {
      const url = withDatabase(adminUrl, "postgres", "?sslmode=require")
      const u = new URL(url)
      oneLine(yield* migrate(url), `${u.hostname}:${u.port || "5432"}/postgres`, /: TLS failed: .*TLS/m)
    }))

  it.live("Postgres: a wrong password is an authentication failure", () =>
    Effect.scoped(Effect.gen(function*() {
      const port = yield* FakePostgresAuth.start
      oneLine(
        yield* migrate(`postgres://arbees:hunter2@127.0.0.1:${port}/arbees`),
        `127.0.0.1:${port}/arbees`,
        /: authentication failed: password authentication failed for user "arbees"$/m
      )
    })))

  it.live("at debug level the cause chain comes under the line, not instead of it", () =>
    Effect.gen(function*() {
      const port = yield* closedPort
      const result = yield* migrate(`postgres://arbees:hunter2@127.0.0.1:${port}/arbees`, ["--log-level", "debug"])
      assert.strictEqual(result.code, 1)
      const [first, ...rest] = lines(result.stderr)
      assert.match(first!, /^arbees: cannot reach the database at 127\.0\.0\.1:\d+\/arbees: connection refused/)
      assert.isTrue(rest.length > 0 && rest.every((l) => l.startsWith("  caused by: ")), result.stderr)
      assert.isTrue(rest.some((l) => /ECONNREFUSED/.test(l)), result.stderr)
      assert.notInclude(result.stderr, "hunter2")
    }))

  const redis = (url: string) =>
    RedisStreamLog.make({
      url: Redacted.make(url),
      maxLen: 1000,
      commandTimeout: Duration.seconds(2),
      connectTimeout: Duration.seconds(5),
      reconnectBase: Duration.millis(100),
      reconnectMax: Duration.seconds(1),
      connectionName: "h14-test"
    }).pipe(Effect.scoped, Effect.flip, Effect.map((e) => e.message))

  it.live("Redis: a closed port is a refused connection, with the target", () =>
    Effect.gen(function*() {
      const port = yield* closedPort
      const message = yield* redis(`redis://default:hunter2@127.0.0.1:${port}`)
      assert.match(message, new RegExp(`cannot reach Redis at 127\\.0\\.0\\.1:${port}: connection refused`))
      assert.notInclude(message, "hunter2")
    }))

  it.live("Redis: a name that does not resolve is a DNS failure", () =>
    Effect.gen(function*() {
      const message = yield* redis("redis://no-such-host.invalid:6379")
      assert.match(message, /cannot reach Redis at no-such-host\.invalid:6379: host not found \(DNS/)
    }))

  it.live("Redis: a wrong password is an authentication failure", () =>
    Effect.gen(function*() {
      const user = `arbees_h14_${process.pid}`
      yield* Effect.acquireRelease(
        Effect.scoped(Effect.flatMap(TestRedis.client, (r) => Effect.promise(() => r.call("ACL", ["SETUSER", user, "on", ">right-password", "~*", "+@all"])))),
        () => Effect.scoped(Effect.flatMap(TestRedis.client, (r) => Effect.promise(() => r.call("ACL", ["DELUSER", user])))).pipe(Effect.ignore)
      )
      const u = new URL(TestRedis.url)
      u.username = user
      u.password = "hunter2"
      const message = yield* redis(u.toString())
      assert.match(message, /cannot reach Redis at .*: authentication failed: WRONGPASS/)
      assert.notInclude(message, "hunter2")
    }).pipe(Effect.scoped))

  it("names causes from the libraries' error shapes, innermost first", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:5432"), { code: "ECONNREFUSED", address: "10.0.0.1", port: 5432 })
    assert.deepStrictEqual(nameFailure(new Error("PgConnection: Failed to connect", { cause: refused })), {
      kind: "refused",
      text: "connection refused (10.0.0.1:5432)"
    })
    // Happy eyeballs: every address refused
    assert.strictEqual(nameFailure(new AggregateError([refused, refused])).kind, "refused")
    // undici's fetch failed ← getaddrinfo
    const dns = Object.assign(new Error("getaddrinfo ENOTFOUND site.api.espn.com"), { code: "ENOTFOUND", hostname: "site.api.espn.com" })
    assert.strictEqual(describeFailure(new TypeError("fetch failed", { cause: dns })), "host not found (DNS: site.api.espn.com)")
    // Nothing specific: the innermost message, never empty
    assert.strictEqual(describeFailure(new Error("outer", { cause: new Error("inner") })), "inner")
    assert.strictEqual(describeFailure({ _tag: "Weird" }), "Weird")
    assert.strictEqual(describeFailure({}), "unknown error")
    assert.deepStrictEqual(causeChain(new Error("a", { cause: refused })), ["a", "ECONNREFUSED connect ECONNREFUSED 10.0.0.1:5432"])
  })
})
