/**
 * Live order entry survives `kill -9` (issues 11 and 15): a real child process
 * (`test/support/LiveOrderChild.ts`) journals an order and POSTs it to the fake Kalshi, which
 * places and fills it but never answers; the process is killed with SIGKILL while it waits. The
 * restarted process reconciles: the order is found at the venue, its fill recorded once, nothing
 * re-sent, and the ledger equals the venue's balance without an adjustment. A second restart
 * changes nothing.
 */
import { PgClient } from "@effect/sql-pg"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import { type ChildProcess, spawn } from "node:child_process"
import { generateKeyPairSync } from "node:crypto"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { until } from "../support/Eventually.ts"
import { FakeKalshi } from "../support/FakeKalshi.ts"
import { acquireFake } from "../support/FakeVenue.ts"
import { FakePolymarketClob, TOKEN_YES } from "../support/FakePolymarketClob.ts"
import { ACCOUNT, ORDER_ID, POLY_ACCOUNT, POLY_ORDER_ID, TICKER } from "../support/LiveOrderChild.ts"
import * as TestDatabase from "../support/TestDatabase.ts"

const root = fileURLToPath(new URL("../../", import.meta.url))
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })

interface Child {
  readonly process: ChildProcess
  readonly out: Array<string>
  readonly err: Array<string>
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const start = (mode: "submit" | "recover", env: Record<string, string>, venue: "kalshi" | "polymarket" = "kalshi"): Child => {
  const child = spawn(`${root}node_modules/.bin/node`, [`${root}test/support/LiveOrderChild.ts`, mode, venue], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] })
  const out: Array<string> = []
  const err: Array<string> = []
  child.stdout!.setEncoding("utf8").on("data", (c: string) => void out.push(...c.split("\n").filter((l) => l !== "")))
  child.stderr!.setEncoding("utf8").on("data", (c: string) => void err.push(c))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })))
  return { process: child, out, err, exited }
}

/** The child's database, read from here. */
const query = <A extends object>(url: string, text: string) =>
  Effect.scoped(Effect.flatMap(PgClient.make({ url: Redacted.make(url), maxConnections: 1 }), (sql) => sql.unsafe<A>(text))).pipe(Effect.provide(Reactivity.layer))

describe("live order entry under kill -9 (a real child process, the fake Kalshi, real Postgres)", () => {
  it.live("killed between the order POST and its answer: the restart finds the order, records its fill once, sends nothing again", () =>
    Effect.scoped(Effect.gen(function*() {
      const fake = yield* acquireFake(() => new FakeKalshi({ publicKey, orders: true }))
      const desk = fake.desk!
      const url = yield* TestDatabase.createDatabase
      const keyFile = join(mkdtempSync(join(tmpdir(), "arbees-kill9-")), "kalshi.pem")
      writeFileSync(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }).toString(), { mode: 0o600 })
      const env: Record<string, string> = {
        PATH: process.env["PATH"] ?? "",
        HOME: process.env["HOME"] ?? "",
        DATABASE_URL: url,
        ARBEES_LOG_FORMAT: "json",
        ARBEES_LOG_LEVEL: "warn",
        KALSHI_REST: fake.httpUrl("/trade-api/v2"),
        KALSHI_WS: fake.wsUrl(),
        KALSHI_KEY_FILE: keyFile
      }
      const opening = desk.balance
      // The venue takes the order and fills it, and the answer never comes
      desk.hangAfterAccept = true
      const submit = start("submit", env)
      yield* until(() => desk.creates === 1, "the order POST at the venue", "60 seconds")
      assert.include(submit.out, "SENDING")
      submit.process.kill("SIGKILL")
      const killed = yield* Effect.promise(() => submit.exited)
      assert.deepStrictEqual(killed, { code: null, signal: "SIGKILL" })
      assert.notInclude(submit.out, "ANSWERED")
      // What the dead process left: an order it never heard about
      const [left] = yield* query<{ status: string }>(url, `SELECT status FROM orders WHERE client_order_id = '${ORDER_ID}'`)
      assert.strictEqual(left!.status, "pending_submit")

      const recover = start("recover", env)
      const done = yield* Effect.promise(() => recover.exited)
      assert.deepStrictEqual(done, { code: 0, signal: null }, recover.err.join(""))
      const report = JSON.parse(recover.out.find((l) => l.startsWith("R "))!.slice(2))
      assert.deepInclude(report, { resolved: 1, fillsRecorded: 1, externalFills: 0, balanceAdjustment: 0 })

      const [order] = yield* query<{ status: string; filled_quantity: string }>(url, `SELECT status, filled_quantity::text FROM orders WHERE client_order_id = '${ORDER_ID}'`)
      assert.deepStrictEqual({ ...order }, { status: "filled", filled_quantity: "5000000" })
      const fills = yield* query<{ fill_id: string }>(url, `SELECT fill_id FROM fills`)
      assert.deepStrictEqual(fills.map((f) => f.fill_id), ["kalshi:trade-1"])
      // The position it opened is arbees', on the venue's account (exits and settlement follow it)
      const positions = yield* query<{ outcome_id: string; quantity: string; account: string; status: string }>(url, `SELECT outcome_id, quantity::text, account, status FROM positions`)
      assert.deepStrictEqual(positions.map((p) => ({ ...p })), [{ outcome_id: "no", quantity: "5000000", account: ACCOUNT, status: "open" }])
      assert.strictEqual(desk.creates, 1, "nothing was sent twice")
      // 5 NO @0.40 = $2.00 plus the fee: the ledger and the venue agree to the micro-dollar
      const [books] = yield* query<{ balance: string }>(url, `SELECT balance_micros::text AS balance FROM bankroll WHERE account = '${ACCOUNT}'`)
      assert.strictEqual(Number(books!.balance), desk.balance)
      assert.isBelow(desk.balance, opening - 2_000_000)

      // A second restart finds nothing to do
      const again = start("recover", env)
      assert.deepStrictEqual(yield* Effect.promise(() => again.exited), { code: 0, signal: null }, again.err.join(""))
      const second = JSON.parse(again.out.find((l) => l.startsWith("R "))!.slice(2))
      assert.deepInclude(second, { resolved: 0, fillsRecorded: 0, balanceAdjustment: 0 })
      assert.strictEqual(desk.creates, 1)
      assert.deepStrictEqual((yield* query<{ n: string }>(url, `SELECT count(*)::text AS n FROM fills`))[0]!.n, "1")
      void TICKER
    })), 120_000)

  it.live("Polymarket, killed between the order POST and its answer: the journalled order hash finds it, its trade is recorded once, nothing is sent again", () =>
    Effect.scoped(Effect.gen(function*() {
      const clob = yield* acquireFake(() => new FakePolymarketClob())
      const url = yield* TestDatabase.createDatabase
      const env: Record<string, string> = {
        PATH: process.env["PATH"] ?? "",
        HOME: process.env["HOME"] ?? "",
        DATABASE_URL: url,
        ARBEES_LOG_FORMAT: "json",
        ARBEES_LOG_LEVEL: "warn",
        POLY_CLOB: clob.httpUrl(),
        POLY_WS: clob.wsUrl(),
        POLY_WALLET: "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
        POLY_API_KEY: clob.apiKey,
        POLY_API_SECRET: clob.secret,
        POLY_API_PASSPHRASE: clob.passphrase
      }
      const opening = clob.collateral
      // The CLOB takes the order and matches it, and the answer never comes
      clob.hangAfterAccept = true
      const submit = start("submit", env, "polymarket")
      yield* until(() => clob.creates === 1, "the order POST at the venue", "60 seconds")
      assert.include(submit.out, "SENDING")
      submit.process.kill("SIGKILL")
      const killed = yield* Effect.promise(() => submit.exited)
      assert.deepStrictEqual(killed, { code: null, signal: "SIGKILL" })
      assert.notInclude(submit.out, "ANSWERED")
      // What the dead process left: an order it never heard about, and the order's hash, journalled before the POST
      const [left] = yield* query<{ status: string; hash: string }>(url, `SELECT o.status, l.venue_order_id AS hash FROM orders o JOIN live_order_ids l USING (client_order_id) WHERE client_order_id = '${POLY_ORDER_ID}'`)
      assert.strictEqual(left!.status, "pending_submit")
      assert.deepStrictEqual([...clob.orders.keys()].map((k) => k.toLowerCase()), [left!.hash.toLowerCase()])

      const recover = start("recover", env, "polymarket")
      const done = yield* Effect.promise(() => recover.exited)
      assert.deepStrictEqual(done, { code: 0, signal: null }, recover.err.join(""))
      const report = JSON.parse(recover.out.find((l) => l.startsWith("R "))!.slice(2))
      assert.deepInclude(report, { resolved: 1, fillsRecorded: 1, externalFills: 0, balanceAdjustment: 0 })

      const [order] = yield* query<{ status: string; filled_quantity: string }>(url, `SELECT status, filled_quantity::text FROM orders WHERE client_order_id = '${POLY_ORDER_ID}'`)
      assert.deepStrictEqual({ ...order }, { status: "filled", filled_quantity: "5000000" })
      const fills = yield* query<{ fill_id: string }>(url, `SELECT fill_id FROM fills`)
      assert.deepStrictEqual(fills.map((f) => f.fill_id), [`polymarket:${clob.trades[0]!.id}`])
      const positions = yield* query<{ outcome_id: string; quantity: string; account: string; status: string }>(url, `SELECT outcome_id, quantity::text, account, status FROM positions`)
      assert.deepStrictEqual(positions.map((p) => ({ ...p })), [{ outcome_id: TOKEN_YES, quantity: "5000000", account: POLY_ACCOUNT, status: "open" }])
      assert.strictEqual(clob.creates, 1, "nothing was sent twice")
      // 5 YES @0.43 = $2.15: the ledger and the venue's collateral agree to the micro-dollar
      const [books] = yield* query<{ balance: string }>(url, `SELECT balance_micros::text AS balance FROM bankroll WHERE account = '${POLY_ACCOUNT}'`)
      assert.strictEqual(Number(books!.balance), clob.collateral)
      assert.strictEqual(opening - clob.collateral, 2_150_000)

      // A second restart finds nothing to do
      const again = start("recover", env, "polymarket")
      assert.deepStrictEqual(yield* Effect.promise(() => again.exited), { code: 0, signal: null }, again.err.join(""))
      const second = JSON.parse(again.out.find((l) => l.startsWith("R "))!.slice(2))
      assert.deepInclude(second, { resolved: 0, fillsRecorded: 0, balanceAdjustment: 0 })
      assert.strictEqual(clob.creates, 1)
      assert.deepStrictEqual((yield* query<{ n: string }>(url, `SELECT count(*)::text AS n FROM fills`))[0]!.n, "1")
    })), 120_000)
})
