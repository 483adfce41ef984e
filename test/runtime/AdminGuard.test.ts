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
import { type GuardOptions, makeServer, refusal } from "../../src/runtime/AdminGuard.ts"
import * as TestDatabase from "../support/TestDatabase.ts"

const options: GuardOptions = {
  host: "127.0.0.1",
  token: undefined,
  allowedHosts: [],
  corsOrigin: undefined,
  headerTimeoutMs: 2_000,
  idleTimeoutMs: 2_000,
  maxConnections: 64,
  maxBodyBytes: 1024
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
        // unloaded machine is measured by bench/admin-slowloris.bench.ts, not asserted here)
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
