/**
 * A Postgres server that only authenticates, and always refuses the password, speaking the real
 * wire protocol (v3): it answers the startup message with `AuthenticationCleartextPassword`, reads
 * the `PasswordMessage` and answers `ErrorResponse` with SQLSTATE 28P01, as a real server does for
 * a wrong password. The test server trusts every local connection, so it cannot refuse one.
 */
import { Effect } from "effect"
import * as net from "node:net"

const frame = (type: string, body: Buffer): Buffer => {
  const head = Buffer.alloc(5)
  head.write(type, 0, "latin1")
  head.writeInt32BE(body.length + 4, 1)
  return Buffer.concat([head, body])
}

const errorResponse = (user: string): Buffer => {
  const fields: Array<[string, string]> = [
    ["S", "FATAL"],
    ["V", "FATAL"],
    ["C", "28P01"],
    ["M", `password authentication failed for user "${user}"`]
  ]
  return frame("E", Buffer.concat([...fields.map(([k, v]) => Buffer.from(`${k}${v}\0`, "utf8")), Buffer.from([0])]))
}

/** Listens on a loopback port until the scope closes; returns the port. */
export const start = Effect.acquireRelease(
  Effect.callback<net.Server>((resume) => {
    const server = net.createServer((socket) => {
      let user = "?"
      let started = false
      let buffer = Buffer.alloc(0)
      socket.on("error", () => {})
      socket.on("data", (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk])
        while (true) {
          if (!started) {
            if (buffer.length < 8) return
            const length = buffer.readInt32BE(0)
            if (buffer.length < length) return
            const code = buffer.readInt32BE(4)
            const body = buffer.subarray(8, length)
            buffer = buffer.subarray(length)
            // SSLRequest: no TLS here
            if (code === 80877103) {
              socket.write("N")
              continue
            }
            const parts = body.toString("utf8").split("\0")
            const at = parts.indexOf("user")
            if (at >= 0) user = parts[at + 1] ?? "?"
            started = true
            // AuthenticationCleartextPassword
            const auth = Buffer.alloc(4)
            auth.writeInt32BE(3, 0)
            socket.write(frame("R", auth))
            continue
          }
          if (buffer.length < 5) return
          const length = buffer.readInt32BE(1)
          if (buffer.length < length + 1) return
          buffer = buffer.subarray(length + 1)
          socket.end(errorResponse(user))
          return
        }
      })
    })
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
  }),
  (server) => Effect.callback<void>((resume) => void server.close(() => resume(Effect.void)))
).pipe(Effect.map((server) => (server.address() as net.AddressInfo).port))
