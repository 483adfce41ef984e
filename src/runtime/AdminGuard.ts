/**
 * The admin port's HTTP server, hardened (issue 16, item 6). It sits in front of the Effect router:
 *
 * - **Limits**: a header timeout (a client that has not sent its headers within
 *   `admin.headerTimeout` is disconnected: slowloris), an idle timeout for kept-alive sockets, and a
 *   connection cap. At the cap a new connection evicts the oldest one that has no request in
 *   flight, so a flood of slow or idle sockets can neither exhaust file descriptors (which the
 *   database, Redis and venue connections need) nor lock out `/healthz`.
 * - **Host check**: the `Host` header must name loopback, the bound address or an
 *   `admin.allowedHosts` entry (a page on a DNS-rebinding domain is refused).
 * - **Token**: `Authorization: Bearer <admin.token>` on every request when bound beyond loopback,
 *   and on every action (anything but GET/HEAD) always; with no token configured, actions are
 *   refused.
 * - **Bodies** larger than `admin.maxBodyBytes` are refused; **CORS** headers only for the
 *   configured `admin.corsOrigin`.
 *
 * @since 0.1.0
 */
import { timingSafeEqual } from "node:crypto"
import * as http from "node:http"
import type { Socket } from "node:net"

/** @category models */
export interface GuardOptions {
  readonly host: string
  readonly token: string | undefined
  readonly allowedHosts: ReadonlyArray<string>
  readonly corsOrigin: string | undefined
  readonly headerTimeoutMs: number
  readonly idleTimeoutMs: number
  readonly maxConnections: number
  readonly maxBodyBytes: number
}

/** Whether `host` (a bind address) is loopback. @category checks */
export const isLoopback = (host: string): boolean =>
  host === "localhost" || host === "::1" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host)

/** The host name of a `Host` header, without port and brackets. */
const hostName = (header: string): string => {
  const h = header.trim().toLowerCase()
  if (h.startsWith("[")) return h.slice(1, h.indexOf("]"))
  const colon = h.lastIndexOf(":")
  return colon === -1 ? h : h.slice(0, colon)
}

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Why a request is refused (status and one line), or undefined to serve it. @category checks */
export const refusal = (
  options: GuardOptions,
  request: { readonly method: string; readonly headers: http.IncomingHttpHeaders }
): { readonly status: number; readonly message: string } | undefined => {
  const host = request.headers.host
  const allowed = new Set(["localhost", "127.0.0.1", "::1", hostName(options.host), ...options.allowedHosts.map((h) => h.toLowerCase())])
  if (host === undefined || !allowed.has(hostName(host))) return { status: 421, message: "unknown Host header" }
  const length = Number(request.headers["content-length"] ?? 0)
  if (!Number.isFinite(length) || length > options.maxBodyBytes || (request.headers["transfer-encoding"] !== undefined && options.maxBodyBytes === 0)) {
    return { status: 413, message: "request body too large" }
  }
  const action = request.method !== "GET" && request.method !== "HEAD" && request.method !== "OPTIONS"
  const needsToken = action || !isLoopback(options.host)
  if (!needsToken) return undefined
  if (options.token === undefined) return { status: 403, message: "actions need admin.token to be configured" }
  const auth = request.headers.authorization ?? ""
  const given = auth.startsWith("Bearer ") ? auth.slice("Bearer ".length) : ""
  return sameSecret(given, options.token) ? undefined : { status: 401, message: "missing or wrong admin token" }
}

/**
 * An HTTP server with the limits and checks above; the Effect router attaches to its `request`
 * event as to any Node server.
 *
 * @category constructors
 */
export const makeServer = (options: GuardOptions): http.Server => {
  const server = http.createServer({
    headersTimeout: options.headerTimeoutMs,
    requestTimeout: options.headerTimeoutMs * 2,
    keepAliveTimeout: options.idleTimeoutMs,
    // How often Node checks the header and request timeouts (its default is 30 s)
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(options.headerTimeoutMs / 4))),
    maxHeaderSize: 16 * 1024
  })
  // Oldest first (insertion order); a socket is busy while a request on it is being answered
  const sockets = new Set<Socket>()
  const busy = new WeakSet<Socket>()
  server.on("connection", (socket: Socket) => {
    sockets.add(socket)
    socket.once("close", () => sockets.delete(socket))
    if (sockets.size <= options.maxConnections) return
    for (const old of sockets) {
      if (old !== socket && !busy.has(old)) {
        old.destroy()
        return
      }
    }
    socket.destroy()
  })

  const emit = server.emit.bind(server)
  server.emit = ((event: string, ...args: Array<unknown>): boolean => {
    if (event !== "request") return emit(event, ...args)
    const [request, response] = args as [http.IncomingMessage, http.ServerResponse]
    const socket = request.socket
    busy.add(socket)
    response.once("close", () => busy.delete(socket))
    const refused = refusal(options, { method: request.method ?? "GET", headers: request.headers })
    if (refused !== undefined) {
      response.writeHead(refused.status, { "content-type": "text/plain; charset=utf-8", connection: "close" }).end(`${refused.message}\n`)
      request.resume()
      return true
    }
    const origin = request.headers.origin
    if (options.corsOrigin !== undefined && origin === options.corsOrigin) {
      response.setHeader("access-control-allow-origin", origin)
      response.setHeader("vary", "Origin")
    }
    return emit(event, ...args)
  }) as typeof server.emit
  return server
}
