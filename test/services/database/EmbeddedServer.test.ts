/**
 * The embedded database's socket server under the driver's cancel path (issue 14, item 9).
 *
 * An interrupted statement makes `@effect/sql-pg` send a CancelRequest on a side connection (the
 * embedded server ignores it and leaves the socket open until the driver gives up), and may retire
 * the session; the pool then opens a replacement. With room for one socket, Node dropped the
 * replacement unseen ("PgConnection: Connection closed during startup"): at shutdown that was the
 * outbox drain's "bus failure" warning. Here a real CancelRequest socket is held open exactly as
 * the driver leaves it, and a replacement connection must still get in and answer.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import * as net from "node:net"
import { SqlClient } from "effect/sql"
import { embeddedClient, serveEmbedded } from "../../../src/services/database/Database.ts"

/** A CancelRequest (length 16, code 80877102) for a made-up backend, on a socket left open. */
const openCancelSocket = (port: number) =>
  Effect.acquireRelease(
    Effect.callback<net.Socket>((resume) => {
      const socket = net.connect({ host: "127.0.0.1", port }, () => {
        const frame = Buffer.alloc(16)
        frame.writeInt32BE(16, 0)
        frame.writeInt32BE(80877102, 4)
        frame.writeInt32BE(1, 8)
        frame.writeInt32BE(2, 12)
        socket.write(frame)
        resume(Effect.succeed(socket))
      })
      socket.on("error", () => {})
    }),
    (socket) => Effect.sync(() => socket.destroy())
  )

const selectOne = Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ one: number }>`SELECT 1 AS one`)

describe("embedded database server", () => {
  it.live("a replacement connection gets in while the old one and a cancel's socket are still open", () =>
    Effect.gen(function*() {
      const url = yield* serveEmbedded(undefined)
      const port = Number(new URL(Redacted.value(url)).port)
      // The session in use, left open (as while the driver retires it)
      yield* Effect.forkScoped(Effect.andThen(selectOne, Effect.never).pipe(Effect.provide(embeddedClient(url))))
      yield* Effect.sleep("200 millis")
      yield* openCancelSocket(port)
      yield* openCancelSocket(port)
      // The replacement: a new client, a new connection
      const rows = yield* selectOne.pipe(Effect.provide(embeddedClient(url)), Effect.timeout("20 seconds"))
      assert.deepStrictEqual(rows, [{ one: 1 }])
    }).pipe(Effect.scoped), 60_000)
})
