/**
 * Fake ESPN, Kalshi and Polymarket servers that play a scripted timeline over real sockets: HTTP
 * on 127.0.0.1 and the venues' WebSocket protocols (the `ws` package, Kalshi ping frames
 * included). The timeline is a recording (the demo's), and the protocol logic is the replay's
 * own `ReplayWorld` (subscriptions, sids and seqs, `PING`/`PONG`), here behind a network.
 *
 * A run against these servers is a live run as far as arbees can tell: real undici and `ws`
 * clients, real decoding. The test drives the servers' clock with the runtime's and counts frames
 * sent against frames received, so the driver knows when nothing is in flight.
 *
 * Paths: `/espn/...` is ESPN's site API, `/kalshi/...` Kalshi REST, `/gamma/...` Gamma, `/clob/...` the CLOB,
 * `/kalshi-ws` and `/polymarket/ws/market` the two feeds.
 */
import { Context, Effect, Layer, type Scope } from "effect"
import { HttpClient } from "effect/http"
import * as Socket from "effect/socket/Socket"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { WebSocketServer } from "ws"
import type { Entry } from "../../src/services/recording/Format.ts"
import { ReplayWorld } from "../../src/services/recording/ReplayTransport.ts"

const ORIGINS: ReadonlyArray<readonly [string, string]> = [
  ["/espn/", "https://site.api.espn.com/apis/site/v2/sports/"],
  ["/kalshi/", "https://external-api.kalshi.com/trade-api/v2/"],
  ["/gamma/", "https://gamma-api.polymarket.com/"],
  ["/clob/", "https://clob.polymarket.com/"]
]

const FEEDS: Readonly<Record<string, string>> = {
  "/kalshi-ws": "wss://external-api-ws.kalshi.com/trade-api/ws/v2",
  "/polymarket/ws/market": "wss://ws-subscriptions-clob.polymarket.com/ws/market"
}

export interface RecordedVenues {
  readonly world: ReplayWorld
  /** The configuration that points arbees at these servers */
  readonly settings: Record<string, string>
  /** Frames and pings written to clients */
  readonly sent: () => number
}

/** Starts the servers over `entries`, at the time `now` says; stopped with the scope. */
export const serve = (entries: ReadonlyArray<Entry>, now: () => number): Effect.Effect<RecordedVenues, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const world = new ReplayWorld(entries, now)
      let sent = 0
      const server = createServer((req, res) => {
        const path = req.url ?? "/"
        const origin = ORIGINS.find(([prefix]) => path.startsWith(prefix))
        const entry = origin === undefined ? undefined : world.respond(origin[1] + path.slice(origin[0].length))
        world.counts.http++
        if (entry === undefined) world.counts.httpMissing++
        res.writeHead(entry?.status ?? 404, { "content-type": "application/json" })
        res.end(entry?.body ?? JSON.stringify({ error: "not in the recording" }))
      })
      const wss = new WebSocketServer({ noServer: true })
      server.on("upgrade", (req, socket, head) => {
        const original = FEEDS[(req.url ?? "").split("?")[0]!]
        if (original === undefined) return socket.destroy()
        wss.handleUpgrade(req, socket, head, (ws) => {
          const venue = world.webSocket(original) as unknown as {
            addEventListener: (type: string, f: (e: { data: string }) => void) => void
            on: (event: string, f: () => void) => void
            send: (data: string) => void
            close: () => void
          }
          venue.addEventListener("message", (e) => {
            sent++
            ws.send(e.data)
          })
          venue.on("ping", () => {
            sent++
            ws.ping()
          })
          ws.on("message", (data) => venue.send(String(data)))
          ws.on("close", () => venue.close())
          // A recorded outage drops the venue's side: the client sees its socket close
          venue.addEventListener("close", () => ws.terminate())
        })
      })
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
      const base = `127.0.0.1:${(server.address() as AddressInfo).port}`
      return {
        server,
        wss,
        venues: {
          world,
          sent: () => sent,
          settings: {
            "espn.baseUrl": `http://${base}/espn`,
            "kalshi.restUrl": `http://${base}/kalshi`,
            "kalshi.wsUrl": `ws://${base}/kalshi-ws`,
            "polymarket.gammaUrl": `http://${base}/gamma`,
            "polymarket.clobUrl": `http://${base}/clob`,
            "polymarket.wsUrl": `ws://${base}/polymarket/ws/market`
          }
        } satisfies RecordedVenues
      }
    }),
    ({ server, wss }) =>
      Effect.promise(async () => {
        for (const ws of wss.clients) ws.terminate()
        wss.close()
        server.closeAllConnections()
        await new Promise<void>((resolve) => server.close(() => resolve()))
      })
  ).pipe(Effect.map(({ venues }) => venues))

/**
 * Counts what the client side has received (messages and ping frames) and the HTTP requests it
 * has in flight, around the machine's transports.
 */
export const countingTransport = <E, R>(transport: Layer.Layer<HttpClient.HttpClient | Socket.WebSocketConstructor, E, R>) => {
  const counts = { received: 0, httpInFlight: 0 }
  const layer = Layer.effectContext(
    Effect.gen(function*() {
      const http = yield* HttpClient.HttpClient
      const make = yield* Socket.WebSocketConstructor
      const counted = HttpClient.transform(http, (effect) =>
        Effect.suspend(() => {
          counts.httpInFlight++
          return effect.pipe(Effect.ensuring(Effect.sync(() => void counts.httpInFlight--)))
        }))
      const constructor: Socket.WebSocketConstructor["Service"] = (url, protocols) => {
        const ws = make(url, protocols)
        ws.addEventListener("message", () => void counts.received++)
        ;(ws as unknown as { on?: (event: string, f: () => void) => void }).on?.("ping", () => void counts.received++)
        return ws
      }
      return Context.make(HttpClient.HttpClient, counted).pipe(Context.add(Socket.WebSocketConstructor, constructor))
    })
  ).pipe(Layer.provide(transport))
  return { counts, layer }
}
