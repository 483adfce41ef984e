/**
 * The hardened admin server (issue 16, item 6): a slowloris of 3,000 connections leaves `/healthz`
 * answering at once and the database reachable, and every slow connection is closed within the
 * header timeout; the Host check, the token and the body bound.
 */
import { assert, describe, it, layer } from "@effect/vitest"
import { Effect } from "effect"
import { SqlClient } from "effect/sql"
import type { Server } from "node:http"
import * as net from "node:net"
import type { AddressInfo } from "node:net"
import { type GuardOptions, LOGIN_ATTEMPTS_PER_MINUTE, makeServer, refusal, SESSION_COOKIE, sessionOf } from "../../src/runtime/AdminGuard.ts"
import * as TestDatabase from "../support/TestDatabase.ts"

const options: GuardOptions = {
  host: "127.0.0.1",
  token: undefined,
  allowedHosts: [],
  corsOrigin: undefined,
  headerTimeoutMs: 2_000,
  idleTimeoutMs: 2_000,
  maxConnections: 64,
  maxBodyBytes: 1024,
  now: () => 0
}

const listen = (server: Server) =>
  new Promise<number>((ok) => server.listen(0, "127.0.0.1", () => ok((server.address() as AddressInfo).port)))

const elapsed = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6

/** One raw GET /healthz on a fresh connection; its round trip in ms. */
const healthz = (port: number) =>
  new Promise<{ ms: number; status: string }>((ok, fail) => {
    const start = process.hrtime.bigint()
    const socket = net.connect(port, "127.0.0.1", () => socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"))
    let data = ""
    socket.on("data", (d) => (data += d))
    socket.on("close", () => ok({ ms: elapsed(start), status: data.split("\r\n")[0] ?? "" }))
    socket.on("error", fail)
  })

describe("admin request checks", () => {
  const get = (headers: Record<string, string>, method = "GET") => refusal(options, { method, headers })

  it("answers loopback Host names and refuses others (DNS rebinding)", () => {
    assert.isUndefined(get({ host: "127.0.0.1:9464" }))
    assert.isUndefined(get({ host: "localhost:9464" }))
    assert.isUndefined(get({ host: "[::1]:9464" }))
    assert.deepStrictEqual(get({ host: "evil.example:9464" }), { status: 421, message: "unknown Host header" })
    assert.deepStrictEqual(get({}), { status: 421, message: "unknown Host header" })
    assert.isUndefined(refusal({ ...options, allowedHosts: ["arbees.internal"] }, { method: "GET", headers: { host: "arbees.internal" } }))
  })

  it("needs the token for every action, and for everything beyond loopback", () => {
    assert.deepStrictEqual(get({ host: "127.0.0.1" }, "POST"), { status: 403, message: "actions need admin.token to be configured" })
    const withToken = { ...options, token: "s3cret" }
    assert.deepStrictEqual(refusal(withToken, { method: "POST", headers: { host: "127.0.0.1" } }), { status: 401, message: "missing or wrong admin token" })
    assert.isUndefined(refusal(withToken, { method: "POST", headers: { host: "127.0.0.1", authorization: "Bearer s3cret" } }))
    const exposed = { ...withToken, host: "10.0.0.5" }
    assert.deepStrictEqual(refusal(exposed, { method: "GET", headers: { host: "10.0.0.5" } }), { status: 401, message: "missing or wrong admin token" })
    assert.deepStrictEqual(refusal(exposed, { method: "GET", headers: { host: "10.0.0.5", authorization: "Bearer wrong!" } }), { status: 401, message: "missing or wrong admin token" })
    assert.isUndefined(refusal(exposed, { method: "GET", headers: { host: "10.0.0.5", authorization: "Bearer s3cret" } }))
  })

  it("refuses bodies over the bound", () => {
    assert.deepStrictEqual(get({ host: "127.0.0.1", "content-length": "1025" }, "GET"), { status: 413, message: "request body too large" })
    assert.isUndefined(get({ host: "127.0.0.1", "content-length": "1024" }, "GET"))
  })
})

describe("admin login", () => {
  it("a browser logs in with the token and gets an HttpOnly session cookie that stands for it; wrong tokens are refused and rate-limited", async () => {
    let now = 1_000_000
    const server = makeServer({ ...options, host: "10.0.0.5", allowedHosts: ["127.0.0.1"], token: "s3cret-token", now: () => now })
    server.on("request", (req, res) => {
      if (req.url === "/api/trading") res.writeHead(200, { "content-type": "application/json" }).end("{\"state\":\"ACTIVE\"}")
      else res.writeHead(404).end()
    })
    const port = await listen(server)
    const base = `http://127.0.0.1:${port}`
    try {
      // Not logged in: the API answers 401, a page view goes to the login form
      assert.strictEqual((await fetch(`${base}/api/trading`)).status, 401)
      const page = await fetch(`${base}/`, { headers: { accept: "text/html" }, redirect: "manual" })
      assert.deepStrictEqual([page.status, page.headers.get("location")], [303, "/login"])
      const form = await fetch(`${base}/login`)
      assert.strictEqual(form.status, 200)
      assert.include(await form.text(), "/api/login")

      const wrong = await fetch(`${base}/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: "guess" }) })
      assert.strictEqual(wrong.status, 401)
      const login = await fetch(`${base}/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: "s3cret-token" }) })
      assert.strictEqual(login.status, 204)
      const setCookie = login.headers.get("set-cookie")!
      assert.match(setCookie, new RegExp(`^${SESSION_COOKIE}=[^;]+; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200$`))
      assert.notInclude(setCookie, "s3cret-token", "the cookie never carries the token")
      const session = setCookie.split(";")[0]!
      assert.strictEqual(session, `${SESSION_COOKIE}=${sessionOf("s3cret-token")}`)

      // The cookie stands for the header, on reads and on actions
      const read = await fetch(`${base}/api/trading`, { headers: { cookie: session } })
      assert.strictEqual(read.status, 200)
      assert.isUndefined(refusal({ ...options, token: "s3cret-token" }, { method: "POST", headers: { host: "127.0.0.1", cookie: `other=1; ${session}` }, path: "/api/trading/halt" }))
      assert.strictEqual((await fetch(`${base}/api/trading`, { headers: { cookie: `${SESSION_COOKIE}=forged` } })).status, 401)
      const logout = await fetch(`${base}/api/logout`, { method: "POST" })
      assert.match(logout.headers.get("set-cookie")!, /Max-Age=0/)

      // Guessing is bounded: after the limit, even the right token waits for the minute to pass
      for (let i = 2; i < LOGIN_ATTEMPTS_PER_MINUTE; i++) {
        await fetch(`${base}/api/login`, { method: "POST", body: JSON.stringify({ token: `guess-${i}` }) })
      }
      const limited = await fetch(`${base}/api/login`, { method: "POST", body: JSON.stringify({ token: "s3cret-token" }) })
      assert.strictEqual(limited.status, 429)
      now += 61_000
      const again = await fetch(`${base}/api/login`, { method: "POST", body: JSON.stringify({ token: "s3cret-token" }) })
      assert.strictEqual(again.status, 204)
    } finally {
      await new Promise((ok) => server.close(ok))
    }
  })
})

layer(TestDatabase.postgres, { excludeTestServices: true })("admin slowloris", (it) => {
  it.effect("3,000 slow connections: /healthz answers, the database is reachable, every slow one closed within the header timeout", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const server = makeServer(options)
      server.on("request", (req, res) => {
        if (req.url === "/healthz") res.writeHead(200, { "content-type": "text/plain" }).end("ok\n")
        else res.writeHead(404).end()
      })
      // How long the server kept each connection, from accept to close
      const lifetimes: Array<number> = []
      server.on("connection", (socket: net.Socket) => {
        const accepted = process.hrtime.bigint()
        socket.once("close", () => lifetimes.push(elapsed(accepted)))
      })
      const port = yield* Effect.promise(() => listen(server))
      const result = yield* Effect.promise(async () => {
        // Each slow client sends part of a request line and then nothing more
        const slow: Array<{ socket: net.Socket; opened: bigint; closedAfterMs?: number }> = []
        await Promise.all(Array.from({ length: 3_000 }, () =>
          new Promise<void>((ok) => {
            const entry: { socket: net.Socket; opened: bigint; closedAfterMs?: number } = { socket: net.connect(port, "127.0.0.1"), opened: process.hrtime.bigint() }
            entry.socket.on("connect", () => {
              entry.socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0")
              ok()
            })
            entry.socket.resume() // read the 408, so the server's close is seen
            entry.socket.on("close", () => (entry.closedAfterMs = elapsed(entry.opened)))
            entry.socket.on("error", () => ok())
            slow.push(entry)
          })
        ))
        // The attackers share this event loop: let their own connect/close churn settle (the slow
        // connections the server holds stay open: the header timeout is 2 s)
        await new Promise((ok) => setTimeout(ok, 300))
        // What the server holds (the kernel's accept backlog may still hold more for a moment)
        const held = await new Promise<number>((ok) => server.getConnections((_, n) => ok(n)))
        const probes: Array<{ ms: number; status: string }> = []
        for (let i = 0; i < 5; i++) probes.push(await healthz(port))
        // Every slow client is disconnected (the last ones are accepted late, from the backlog)
        for (let i = 0; i < 100 && slow.some((s) => s.closedAfterMs === undefined); i++) await new Promise((ok) => setTimeout(ok, 100))
        return { held, probes, open: slow.filter((s) => s.closedAfterMs === undefined).length, slowest: Math.max(...lifetimes) }
      })
      const start = process.hrtime.bigint()
      const rows = yield* sql<{ one: number }>`SELECT 1 AS one`
      const dbMs = elapsed(start)
      yield* Effect.sync(() => server.close())
      assert.deepStrictEqual(rows.map((r) => r.one), [1])
      for (const probe of result.probes) {
        assert.strictEqual(probe.status, "HTTP/1.1 200 OK")
        // Answered at once, not after the slow connections time out (the < 100 ms figure on an
        // unloaded machine is measured against a real process by bench/admin-slowloris.bench.ts and
        // test/chaos/AdminSlowloris.test.ts, not asserted here)
        assert.isBelow(probe.ms, options.headerTimeoutMs, `healthz took ${probe.ms} ms`)
      }
      // The server held at most its cap while the attack was on, and nothing after the timeout
      assert.isAtMost(result.held, options.maxConnections)
      assert.isAbove(result.held, 0)
      assert.strictEqual(result.open, 0)
      // Closed by the header timeout, not held for good: at most the timeout plus Node's check
      // interval (500 ms) and this process's event-loop lag (the 3,000 attackers share it; on a
      // loaded 2-core machine that lag reaches seconds), bounded here by twice the timeout more
      assert.isAtMost(result.slowest, 3 * options.headerTimeoutMs)
      yield* Effect.logInfo("slowloris").pipe(Effect.annotateLogs({ held: result.held, healthzMs: result.probes.map((p) => Math.round(p.ms)).join(","), slowestCloseMs: Math.round(result.slowest), dbMs: Math.round(dbMs) }))
    }), { timeout: 60_000 })
})
