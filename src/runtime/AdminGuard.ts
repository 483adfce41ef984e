/**
 * The admin port's HTTP server, hardened (issue 16, item 6). It sits in front of the Effect router:
 *
 * - **Limits**: a header timeout (a client that has not sent its headers within
 *   `admin.headerTimeout` is disconnected: slowloris), an idle timeout for kept-alive sockets, a
 *   deep accept queue ({@link ADMIN_BACKLOG}) and a connection cap. At the cap a new connection
 *   evicts the oldest one that has no request in flight, so a flood of slow or idle sockets can
 *   neither exhaust file descriptors (which the database, Redis and venue connections need) nor
 *   lock out `/healthz`.
 * - **Host check**: the `Host` header must name loopback, the bound address or an
 *   `admin.allowedHosts` entry (a page on a DNS-rebinding domain is refused).
 * - **Token**: `Authorization: Bearer <admin.token>` on every request when bound beyond loopback,
 *   and on every action (anything but GET/HEAD) always; with no token configured, actions are
 *   refused. A browser logs in instead: `GET /login` is a form that posts the token to
 *   `POST /api/login` (at most {@link LOGIN_ATTEMPTS_PER_MINUTE} tries a minute), which sets an
 *   HttpOnly, SameSite=Strict session cookie (an HMAC of the token, never the token itself) that
 *   stands for the header; `POST /api/logout` clears it. An unauthenticated page view beyond
 *   loopback is sent to the login form.
 * - **Bodies** larger than `admin.maxBodyBytes` are refused; **CORS** headers only for the
 *   configured `admin.corsOrigin`.
 *
 * @since 0.1.0
 */
import { createHmac, timingSafeEqual } from "node:crypto"
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
  /** Epoch ms from the runtime's clock (the login rate limit) */
  readonly now: () => number
}

/**
 * The admin port's accept queue (the kernel caps it at `net.core.somaxconn`): a burst of
 * connections beyond Node's default 511 would have the kernel drop SYNs, and a health probe caught
 * in the overflow waits a whole SYN retransmission (1 s) before it is even accepted.
 *
 * @category constants
 */
export const ADMIN_BACKLOG = 4096

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

/** The session cookie's name. @category constants */
export const SESSION_COOKIE = "arbees_session"

/** Login attempts allowed per minute, across clients. @category constants */
export const LOGIN_ATTEMPTS_PER_MINUTE = 10

/** A session cookie lives this long. @category constants */
export const SESSION_SECONDS = 12 * 3600

/** The session cookie's value for `token`: an HMAC, so the cookie never carries the token. @category checks */
export const sessionOf = (token: string): string => createHmac("sha256", token).update("arbees admin session v1").digest("base64url")

/** The value of cookie `name` in a `Cookie` header. */
const cookie = (header: string | undefined, name: string): string | undefined => {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=")
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

/** Whether the request carries the token (header) or a session made from it (cookie). @category checks */
export const authenticated = (token: string, headers: http.IncomingHttpHeaders): boolean => {
  const auth = headers.authorization ?? ""
  if (auth.startsWith("Bearer ") && sameSecret(auth.slice("Bearer ".length), token)) return true
  const session = cookie(headers.cookie, SESSION_COOKIE)
  return session !== undefined && sameSecret(session, sessionOf(token))
}

/** Paths served without the token: the login form and the login itself (which checks it). */
const isLoginPath = (method: string, path: string): boolean =>
  (method === "GET" && path === "/login") || (method === "POST" && (path === "/api/login" || path === "/api/logout"))

/** Why a request is refused (status and one line), or undefined to serve it. @category checks */
export const refusal = (
  options: GuardOptions,
  request: { readonly method: string; readonly headers: http.IncomingHttpHeaders; readonly path?: string }
): { readonly status: number; readonly message: string; readonly location?: string } | undefined => {
  const host = request.headers.host
  const allowed = new Set(["localhost", "127.0.0.1", "::1", hostName(options.host), ...options.allowedHosts.map((h) => h.toLowerCase())])
  if (host === undefined || !allowed.has(hostName(host))) return { status: 421, message: "unknown Host header" }
  const length = Number(request.headers["content-length"] ?? 0)
  if (!Number.isFinite(length) || length > options.maxBodyBytes || (request.headers["transfer-encoding"] !== undefined && options.maxBodyBytes === 0)) {
    return { status: 413, message: "request body too large" }
  }
  const path = request.path ?? "/"
  if (isLoginPath(request.method, path)) return undefined
  const action = request.method !== "GET" && request.method !== "HEAD" && request.method !== "OPTIONS"
  const needsToken = action || !isLoopback(options.host)
  if (!needsToken) return undefined
  if (options.token === undefined) return { status: 403, message: "actions need admin.token to be configured" }
  if (authenticated(options.token, request.headers)) return undefined
  // A person opening the dashboard is sent to the login form; an API client gets the status
  if (!action && path === "/" && (request.headers.accept ?? "").includes("text/html")) {
    return { status: 303, message: "log in first", location: "/login" }
  }
  return { status: 401, message: "missing or wrong admin token" }
}

const LOGIN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>arbees: log in</title>
<style>body{font:15px system-ui,sans-serif;background:#0f1419;color:#e6e6e6;display:grid;place-items:center;height:100vh;margin:0}
form{display:grid;gap:.6rem;min-width:18rem}input,button{font:inherit;padding:.5rem}#problem{color:#ff7b72;min-height:1.2em}</style></head>
<body><form id="login"><strong>arbees admin</strong><label>Token (admin.token)<br><input id="token" type="password" autocomplete="current-password" required autofocus></label>
<button type="submit">Log in</button><div id="problem"></div></form>
<script>
document.getElementById("login").addEventListener("submit", async (e) => {
  e.preventDefault()
  const r = await fetch("/api/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: document.getElementById("token").value }) })
  if (r.ok) location.href = "/"
  else document.getElementById("problem").textContent = r.status === 429 ? "too many tries: wait a minute" : "wrong token"
})
</script></body></html>
`

/** Serves the login form, the login and the logout; true when it answered. */
const serveLogin = (options: GuardOptions, attempts: Array<number>, request: http.IncomingMessage, response: http.ServerResponse, path: string): boolean => {
  const method = request.method ?? "GET"
  if (!isLoginPath(method, path)) return false
  if (method === "GET") {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(LOGIN_PAGE)
    return true
  }
  const clear = `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`
  if (path === "/api/logout") {
    response.writeHead(204, { "set-cookie": clear }).end()
    request.resume()
    return true
  }
  const now = options.now()
  while (attempts.length > 0 && now - attempts[0]! > 60_000) attempts.shift()
  if (attempts.length >= LOGIN_ATTEMPTS_PER_MINUTE) {
    response.writeHead(429, { "content-type": "text/plain; charset=utf-8" }).end("too many login attempts; wait a minute\n")
    request.resume()
    return true
  }
  attempts.push(now)
  const chunks: Array<Buffer> = []
  let size = 0
  request.on("data", (chunk: Buffer) => {
    size += chunk.length
    if (size <= options.maxBodyBytes) chunks.push(chunk)
  })
  request.on("end", () => {
    let given = ""
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { token?: unknown }
      if (typeof body.token === "string") given = body.token
    } catch {
      // not JSON: no token
    }
    if (options.token === undefined) {
      response.writeHead(403, { "content-type": "text/plain; charset=utf-8" }).end("no admin.token is configured: nothing to log in to\n")
    } else if (given !== "" && sameSecret(given, options.token)) {
      response.writeHead(204, { "set-cookie": `${SESSION_COOKIE}=${sessionOf(options.token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_SECONDS}` }).end()
    } else {
      response.writeHead(401, { "content-type": "text/plain; charset=utf-8", "set-cookie": clear }).end("wrong token\n")
    }
  })
  return true
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
  const loginAttempts: Array<number> = []
  // Oldest first (insertion order); a socket is busy while a request on it is being answered
  const sockets = new Set<Socket>()
  const busy = new WeakSet<Socket>()
  // Node checks its header timeout only every `connectionsCheckingInterval`, so it closes a slow
  // connection up to that much late: each new connection that has not delivered a whole request
  // within the header timeout is closed by its own timer, on time
  const deadlines = new WeakMap<Socket, NodeJS.Timeout>()
  server.on("connection", (socket: Socket) => {
    sockets.add(socket)
    const deadline = setTimeout(() => {
      if (socket.writable) socket.write("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
      socket.destroy()
    }, options.headerTimeoutMs)
    deadlines.set(socket, deadline)
    socket.once("close", () => {
      clearTimeout(deadline)
      sockets.delete(socket)
    })
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
    clearTimeout(deadlines.get(socket))
    busy.add(socket)
    response.once("close", () => busy.delete(socket))
    const path = (request.url ?? "/").split("?")[0]!
    const refused = refusal(options, { method: request.method ?? "GET", headers: request.headers, path })
    if (refused !== undefined) {
      response.writeHead(refused.status, {
        "content-type": "text/plain; charset=utf-8",
        connection: "close",
        ...(refused.location === undefined ? {} : { location: refused.location })
      }).end(`${refused.message}\n`)
      request.resume()
      return true
    }
    if (serveLogin(options, loginAttempts, request, response, path)) return true
    const origin = request.headers.origin
    if (options.corsOrigin !== undefined && origin === options.corsOrigin) {
      response.setHeader("access-control-allow-origin", origin)
      response.setHeader("vary", "Origin")
    }
    return emit(event, ...args)
  }) as typeof server.emit
  return server
}
