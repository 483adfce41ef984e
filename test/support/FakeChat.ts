/**
 * A local stand-in for a webhook, Slack, Discord and Telegram: records every POST (path, JSON
 * body, arrival time) and answers each path with a scripted status (200 unless told otherwise),
 * as those services do for an incoming webhook or `sendMessage`.
 */
import { Effect } from "effect"
import * as http from "node:http"
import type { AddressInfo } from "node:net"

export interface Received {
  readonly path: string
  readonly body: any
  readonly at: number
  readonly headers: http.IncomingHttpHeaders
}

export interface FakeChat {
  readonly url: string
  readonly received: Array<Received>
  /** Answer this path with this status from now on */
  readonly failPath: (path: string, status: number) => void
}

export const start: Effect.Effect<FakeChat, never, import("effect").Scope.Scope> = Effect.acquireRelease(
  Effect.promise(() => {
    const received: Array<Received> = []
    const failing = new Map<string, number>()
    const server = http.createServer((req, res) => {
      let text = ""
      req.on("data", (chunk) => (text += chunk))
      req.on("end", () => {
        const path = req.url ?? "/"
        received.push({ path, body: text === "" ? undefined : JSON.parse(text), at: performance.now(), headers: req.headers })
        const status = failing.get(path) ?? 200
        res.writeHead(status, { "content-type": "application/json" })
        // Telegram answers {ok}, Slack "ok", Discord 204; a JSON body is enough for our client
        res.end(status === 200 ? JSON.stringify({ ok: true }) : JSON.stringify({ ok: false, error_code: status }))
      })
    })
    return new Promise<{ server: http.Server; chat: FakeChat }>((resolve) =>
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resolve({ server, chat: { url: `http://127.0.0.1:${port}`, received, failPath: (p, s) => void failing.set(p, s) } })
      })
    )
  }),
  ({ server }) => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
).pipe(Effect.map(({ chat }) => chat))
