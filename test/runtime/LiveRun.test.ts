/**
 * `arbees run --mode live --authorize-live` as a user starts it (the built CLI, a real child
 * process, real Postgres), against the fake Kalshi and the fake Polymarket CLOB:
 *
 * - a start-up reconciliation that fails refuses live trading with one line and the process exits;
 *   a venue without credentials says, in one line, that it stays paper;
 * - with both venues' credentials, both reconcile before trading, each opens its own account at the
 *   venue's balance, and the process is ready;
 * - no sentinel secret appears in any log line of these runs, in `arbees config`, or in any row of
 *   their database;
 * - (issue 16, finding 10) a key file others may read is warned about with its fix, and no request
 *   to a venue carries our trace context (`traceparent`, `b3`): both shown to fail with the
 *   warning removed and propagation on (7 traced venue requests).
 */
import { PgClient } from "@effect/sql-pg"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import { generateKeyPairSync } from "node:crypto"
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { cleanEnv, run, start } from "../support/Cli.ts"
import { FakeKalshi } from "../support/FakeKalshi.ts"
import { FakePolymarketClob } from "../support/FakePolymarketClob.ts"
import { acquireFake, type FakeRequest, json } from "../support/FakeVenue.ts"
import * as TestDatabase from "../support/TestDatabase.ts"

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
const PEM = privateKey.export({ type: "pkcs8", format: "pem" }).toString()
const KALSHI_KEY_ID = "sentinel-kalshi-key-id-7c41e9d2"
const WALLET_KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
const READY_MILLIS = 150_000

const keyFile = (mode = 0o600) => {
  const file = join(mkdtempSync(join(tmpdir(), "arbees-live-run-")), "kalshi.pem")
  writeFileSync(file, PEM, { mode })
  chmodSync(file, mode)
  return file
}

/** Requests that carry our trace context (W3C or B3) to a third party */
const traced = (fake: { readonly requests: ReadonlyArray<FakeRequest> }) =>
  fake.requests.filter((r) => Object.keys(r.headers).some((h) => h === "traceparent" || h === "tracestate" || h === "b3" || h.startsWith("x-b3-")))

/** Every row of every table of the child's database, as text. */
const allRows = (url: string) =>
  Effect.scoped(Effect.gen(function*() {
    const sql = yield* PgClient.make({ url: Redacted.make(url), maxConnections: 1 })
    const tables = yield* sql.unsafe<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)
    const rows: Array<string> = []
    for (const { tablename } of tables) rows.push(...(yield* sql.unsafe<{ row: string }>(`SELECT t::text AS row FROM "${tablename}" t`)).map((r) => r.row))
    return rows
  })).pipe(Effect.provide(Reactivity.layer))

const kalshiEnv = (fake: FakeKalshi, url: string, file: string) => ({
  DATABASE_URL: url,
  ARBEES_MODE: "live",
  ARBEES_KALSHI_REST_URL: fake.httpUrl("/trade-api/v2"),
  ARBEES_KALSHI_WS_URL: fake.wsUrl(),
  ARBEES_KALSHI_KEY_ID: KALSHI_KEY_ID,
  ARBEES_KALSHI_PRIVATE_KEY_FILE: file,
  ARBEES_KALSHI_RETRIES: "0"
})

describe("arbees run in live mode", () => {
  it.live("a failed start-up reconciliation refuses live trading in one line; a venue without credentials stays paper; a key file others can read is warned about", () =>
    Effect.scoped(Effect.gen(function*() {
      const fake = yield* acquireFake(() => new FakeKalshi({ publicKey, orders: true }))
      fake.failNext(1_000, json({ error: { code: "internal_server_error", message: "the exchange is down" } }, 500), "/portfolio/balance")
      const url = yield* TestDatabase.createDatabase
      const readable = keyFile(0o644)
      const result = yield* Effect.promise(() => run(["run", "--authorize-live", "--log-format", "json"], { env: cleanEnv(kalshiEnv(fake, url, readable)) }))
      assert.strictEqual(result.code, 1, result.stdout + result.stderr)
      const said = result.stderr.split("\n").filter((l) => l.startsWith("arbees: "))
      assert.deepStrictEqual(said.length, 1, result.stderr)
      assert.strictEqual(said[0], "arbees: live trading refused: start-up reconciliation with kalshi failed (OrderError: OutcomeUnknown: read failed: HttpStatus 500)")
      assert.notInclude(result.stdout + result.stderr, "arbees ready")
      // Polymarket has no credentials: it stays paper, said once
      const paperOnly = (result.stdout + result.stderr).split("\n").filter((l) => l.includes("polymarket: no credentials configured; paper only"))
      assert.strictEqual(paperOnly.length, 1)
      // It got as far as the venue's balance, and no order went out
      assert.isAbove(fake.requestsTo("/portfolio/balance").length, 0)
      assert.strictEqual(fake.desk!.creates, 0)
      assert.deepStrictEqual([KALSHI_KEY_ID, PEM.split("\n")[5]!].filter((s) => (result.stdout + result.stderr).includes(s)), [])
      // Issue 16 finding 10: a key file that others may read is warned about, once, with the fix
      const warned = (result.stdout + result.stderr).split("\n").filter((l) => l.includes("a configuration or key file is readable by other users")).map((l) => JSON.parse(l))
      assert.deepStrictEqual(warned.map((w) => [w.annotations?.file, w.annotations?.mode, w.annotations?.fix]), [[readable, "644", `chmod 600 ${readable}`]])
      assert.deepStrictEqual(traced(fake).map((r) => r.path), [])
    })), READY_MILLIS)

  it.live("with both venues' credentials: reconciled, each venue's own account at its balance, ready; no secret in a log line, `arbees config` or a row", () =>
    Effect.scoped(Effect.gen(function*() {
      const kalshi = yield* acquireFake(() => new FakeKalshi({ publicKey, orders: true }))
      kalshi.desk!.balance = 250_000_000
      const clob = yield* acquireFake(() => new FakePolymarketClob())
      const url = yield* TestDatabase.createDatabase
      const env = cleanEnv({
        ...kalshiEnv(kalshi, url, keyFile()),
        ARBEES_POLYMARKET_CLOB_URL: clob.httpUrl(),
        ARBEES_POLYMARKET_USER_WS_URL: clob.wsUrl(),
        ARBEES_POLYMARKET_DATA_URL: clob.httpUrl(),
        ARBEES_POLYMARKET_WALLET_PRIVATE_KEY: WALLET_KEY,
        ARBEES_POLYMARKET_API_KEY: clob.apiKey,
        ARBEES_POLYMARKET_API_SECRET: clob.secret,
        ARBEES_POLYMARKET_API_PASSPHRASE: clob.passphrase
      })
      const sentinels = [KALSHI_KEY_ID, PEM.split("\n")[5]!, WALLET_KEY.slice(2), clob.apiKey, clob.secret, clob.passphrase]
      const leaks = (text: string) => sentinels.filter((s) => text.includes(s))

      const child = start(["run", "--authorize-live", "--log-format", "json", "--log-level", "debug"], { env })
      yield* Effect.promise(() => child.waitFor(/arbees ready/, READY_MILLIS - 30_000))
      const ready = child.output().stdout.split("\n").find((l) => l.includes("arbees ready"))!
      assert.include(ready, "live:kalshi $250.00")
      assert.match(ready, /live:polymarket \$[0-9,]+\.\d\d/)
      assert.include(ready, `"live":"kalshi,polymarket"`)
      const config = yield* Effect.promise(() => run(["config", "--authorize-live"], { env }))
      assert.strictEqual(config.code, 0, config.stderr)
      assert.include(config.stdout, "polymarket.apiPassphrase")
      child.child.kill("SIGTERM")
      const exited = yield* Effect.promise(() => child.exited)
      assert.strictEqual(exited.code, 0, exited.stderr)

      const rows = yield* allRows(url)
      const reconciled = rows.filter((r) => r.startsWith("(kalshi,f,") || r.startsWith("(polymarket,f,"))
      assert.strictEqual(reconciled.length, 2, rows.filter((r) => r.includes("kalshi") || r.includes("polymarket")).join("\n"))
      const logs = exited.stdout + exited.stderr
      assert.isAbove(logs.split("\n").length, 20)
      assert.deepStrictEqual(leaks(logs), [])
      assert.deepStrictEqual(leaks(config.stdout + config.stderr), [])
      assert.deepStrictEqual(leaks(rows.join("\n")), [])
      // Issue 16 finding 10: our trace context stays ours; no venue request carries it
      assert.isAbove(kalshi.requests.length + clob.requests.length, 5)
      assert.deepStrictEqual([...traced(kalshi), ...traced(clob)].map((r) => r.path), [])
      assert.notInclude(logs, "a configuration or key file is readable by other users")
    })), READY_MILLIS + 30_000)
})
