/**
 * The plumbing both fake venues share: an HTTP server and a WebSocket server (the `ws` package) on
 * 127.0.0.1 at an ephemeral port, a log of every request, scripted failures (the next N responses
 * answer with a given status and body: 429s, 500s, malformed JSON, or no answer at all), and a way to drop or silence
 * every socket.
 */
import { Effect, type Scope } from "effect"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { type WebSocket, WebSocketServer } from "ws"

export interface FakeRequest {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: IncomingMessage["headers"]
  readonly body: string
}

export interface FakeResponse {
  readonly status: number
  /** A value to serialise, or raw text (malformed payloads) */
  readonly body?: unknown
  readonly raw?: string
  /** Never answer (the request was read): a client sees a timeout */
  readonly hang?: boolean
}

export const json = (body: unknown, status = 200): FakeResponse => ({ status, body })

export abstract class FakeVenue {
  readonly requests: Array<FakeRequest> = []
  readonly sockets = new Set<WebSocket>()
  /** Connections accepted since start */
  connections = 0
  /** Upgrade attempts refused */
  refusedUpgrades = 0
  private server: Server | undefined
  private wss: WebSocketServer | undefined
  private scripted: Array<{ response: FakeResponse; times: number; match: (r: FakeRequest) => boolean }> = []
  private readonly rawSockets = new Set<Socket>()
  port = 0

  protected abstract route(request: FakeRequest): FakeResponse | undefined
  protected abstract wsPath(): string
  /** Accept or refuse a WebSocket upgrade (auth); a string is the refusal status line */
  protected authorizeUpgrade(_request: IncomingMessage): true | string {
    return true
  }
  protected abstract onConnection(ws: WebSocket, request: IncomingMessage): void

  /** The next `times` requests whose path matches answer with `response` instead of the route. */
  failNext(times: number, response: FakeResponse, pathIncludes = ""): void {
    this.scripted.push({ response, times, match: (r) => r.path.includes(pathIncludes) })
  }

  httpUrl(path = ""): string {
    return `http://127.0.0.1:${this.port}${path}`
  }

  wsUrl(): string {
    return `ws://127.0.0.1:${this.port}${this.wsPath()}`
  }

  requestsTo(pathIncludes: string): Array<FakeRequest> {
    return this.requests.filter((r) => r.path.includes(pathIncludes))
  }

  /** Closes every open socket abruptly (no close frame), as a network drop would. */
  dropAll(): void {
    for (const ws of this.sockets) ws.terminate()
  }

  send(ws: WebSocket, message: unknown): void {
    if (ws.readyState === ws.OPEN) ws.send(typeof message === "string" ? message : JSON.stringify(message))
  }

  start(): Promise<void> {
    const wss = new WebSocketServer({ noServer: true })
    this.wss = wss
    const server = createServer((req, res) => this.handle(req, res))
    this.server = server
    server.on("connection", (socket) => {
      this.rawSockets.add(socket)
      socket.on("close", () => this.rawSockets.delete(socket))
    })
    server.on("upgrade", (req, socket, head) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1")
      const verdict = url.pathname === this.wsPath() ? this.authorizeUpgrade(req) : "404 Not Found"
      if (verdict !== true) {
        this.refusedUpgrades++
        socket.end(`HTTP/1.1 ${verdict}\r\nContent-Length: 0\r\n\r\n`)
        return
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        this.connections++
        this.sockets.add(ws)
        ws.on("close", () => this.sockets.delete(ws))
        this.onConnection(ws, req)
      })
    })
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => {
      this.port = (server.address() as AddressInfo).port
      resolve()
    }))
  }

  close(): Promise<void> {
    this.onClose()
    for (const ws of this.sockets) ws.terminate()
    for (const socket of this.rawSockets) socket.destroy()
    this.wss?.close()
    return new Promise((resolve) => (this.server === undefined ? resolve() : this.server.close(() => resolve())))
  }

  /** Timers to clear on close. */
  protected onClose(): void {}

  /** The answer to a route the venue does not have, in the venue's own error body (Kalshi's by default). */
  protected notFound(request: FakeRequest): FakeResponse {
    return json({ error: { code: "not_found", message: `no route ${request.method} ${request.path}` } }, 404)
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1")
      const request: FakeRequest = { method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") }
      this.requests.push(request)
      const scripted = this.scripted.find((s) => s.times > 0 && s.match(request))
      let response: FakeResponse | undefined
      if (scripted !== undefined) {
        scripted.times--
        response = scripted.response
      } else {
        response = this.route(request)
      }
      response ??= this.notFound(request)
      if (response.hang === true) return
      res.writeHead(response.status, { "content-type": "application/json" })
      res.end(response.raw ?? JSON.stringify(response.body ?? {}))
    })
  }
}

/** Starts a fake for the scope of the test and closes it afterwards. */
export const acquireFake = <F extends FakeVenue>(make: () => F): Effect.Effect<F, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const fake = make()
      await fake.start()
      return fake
    }),
    (fake) => Effect.promise(() => fake.close())
  )
