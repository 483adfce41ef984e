/**
 * The admin HTTP endpoint, bound to loopback by default (`admin.host`, `admin.port`).
 *
 * - `GET /healthz`: the process is up (liveness).
 * - `GET /readyz`: whether it can do its work (readiness): the database answers, and no node of the
 *   supervision tree is degraded, halted or backing off; 503 with the reasons otherwise.
 * - `GET /diagnostics`: the live supervision tree as JSON; `?pretty` for the readable tree.
 * - `GET /metrics`: every metric in the Prometheus text format.
 * - `/`: the dashboard (`console/ui/`, built into `dist/ui`).
 * - `/api/...`: the operator's API (`api/ConsoleApi.ts`), its OpenAPI document at
 *   `/api/openapi.json` and docs at `/api/docs`.
 *
 * The server is hardened (`AdminGuard.ts`): header and idle timeouts, a connection cap, a `Host`
 * check, a bearer token (always beyond loopback, and for every action), bounded bodies, CORS only
 * when configured. Binding beyond loopback without `admin.token` is refused at start-up.
 *
 * The bound address is written to `<dataDir>/admin.json`, so `arbees diagnostics` finds the
 * running instance even when the port was chosen by the OS.
 *
 * @since 0.1.0
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Clock, Duration, Effect, Layer, Redacted } from "effect"
import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "effect/http"
import { PrometheusMetrics } from "effect/observability"
import * as fs from "node:fs"
import { SqlClient } from "effect/sql"
import * as nodePath from "node:path"
import * as ConsoleApi from "./api/ConsoleApi.ts"
import * as Dashboard from "./console/Dashboard.ts"
import { AppConfig, AppConfigError, ConfigInvalid } from "../services/config/AppConfig.ts"
import { Diagnostics, formatTree, type TreeNode } from "../services/Diagnostics.ts"
import { adminFile } from "./AdminFile.ts"
import { ADMIN_BACKLOG, isLoopback, makeServer } from "./AdminGuard.ts"

/** One readiness check: ok, or why not. @category models */
export interface Check {
  readonly name: string
  readonly ok: boolean
  readonly reason?: string
}

/** The nodes of the tree that cannot do their work. */
const unwell = (node: TreeNode): Array<Check> => [
  ...(node.status === "degraded" || node.status === "halted" || node.status === "backing_off"
    ? [{ name: node.id, ok: false, reason: `${node.status}${node.lastError === undefined ? "" : `: ${node.lastError.message}`}` }]
    : []),
  ...node.children.flatMap(unwell)
]

/** The database answers within 2 s. */
const databaseCheck = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  return yield* sql`SELECT 1`.pipe(
    Effect.timeout("2 seconds"),
    Effect.as<Check>({ name: "database", ok: true }),
    Effect.catchCause((cause) => Effect.succeed<Check>({ name: "database", ok: false, reason: String(cause).split("\n")[0] ?? "unreachable" }))
  )
})

/** Every readiness check, in order. @category health */
export const readiness = Effect.gen(function*() {
  const diagnostics = yield* Diagnostics
  const tree = yield* diagnostics.snapshot
  return [yield* databaseCheck, ...unwell(tree)]
})

export { adminFile } from "./AdminFile.ts"

const routes = Layer.mergeAll(
  HttpRouter.add("GET", "/healthz", HttpServerResponse.text("ok\n")),
  HttpRouter.add(
    "GET",
    "/readyz",
    Effect.map(readiness, (checks) => {
      const failing = checks.filter((c) => !c.ok)
      return HttpServerResponse.jsonUnsafe({ ready: failing.length === 0, checks }, { status: failing.length === 0 ? 200 : 503 })
    })
  ),
  HttpRouter.add(
    "GET",
    "/diagnostics",
    Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const diagnostics = yield* Diagnostics
      const tree = yield* diagnostics.snapshot
      const pretty = new URL(request.url, "http://localhost").searchParams.has("pretty")
      return pretty ? HttpServerResponse.text(formatTree(tree) + "\n") : HttpServerResponse.jsonUnsafe(tree)
    })
  ),
  PrometheusMetrics.layerHttp({ path: "/metrics" }),
  ConsoleApi.layer,
  Dashboard.layer
)

/** Records the bound address for `arbees diagnostics`, and removes it on shutdown. */
const advertise = Layer.effectDiscard(
  Effect.gen(function*() {
    const { config } = yield* AppConfig
    const server = yield* HttpServer.HttpServer
    const address = server.address
    if (address._tag === "UnixPathAddress") return
    const url = HttpServer.formatAddress(address)
    const file = adminFile(config.dataDir)
    yield* Effect.acquireRelease(
      Effect.sync(() => {
        fs.mkdirSync(nodePath.dirname(file), { recursive: true })
        fs.writeFileSync(file, JSON.stringify({ url, port: address.port, pid: process.pid }) + "\n")
      }),
      () => Effect.sync(() => fs.rmSync(file, { force: true }))
    )
    yield* Effect.logInfo("admin endpoint listening").pipe(Effect.annotateLogs({ url }))
  })
)

/**
 * Fails when the admin port would be reachable beyond loopback without a token.
 *
 * @category checks
 */
export const checkExposure = Effect.gen(function*() {
  const { config } = yield* AppConfig
  if (!isLoopback(config.admin.host) && config.admin.token === undefined) {
    return yield* new AppConfigError({
      reason: new ConfigInvalid({
        message: `admin.host=${config.admin.host} is not loopback: set admin.token (every request must then carry it), or bind to 127.0.0.1`
      })
    })
  }
})

/** The admin routes on `admin.host:admin.port`, with `beside` running once the server listens. */
const serveWith = <E, R>(beside: Layer.Layer<never, E, R>) =>
  Layer.unwrap(
    Effect.gen(function*() {
      yield* checkExposure
      const { config } = yield* AppConfig
      const admin = config.admin
      const clock = yield* Clock.Clock
      const server = () =>
        makeServer({
          host: admin.host,
          token: admin.token === undefined ? undefined : Redacted.value(admin.token),
          allowedHosts: admin.allowedHosts.split(",").map((h) => h.trim()).filter((h) => h.length > 0),
          corsOrigin: admin.corsOrigin,
          headerTimeoutMs: Duration.toMillis(admin.headerTimeout),
          idleTimeoutMs: Duration.toMillis(admin.idleTimeout),
          maxConnections: admin.maxConnections,
          maxBodyBytes: admin.maxBodyBytes,
          now: () => clock.currentTimeMillisUnsafe()
        })
      return Layer.mergeAll(HttpRouter.serve(routes, { disableLogger: true, disableListenLog: true }), beside).pipe(
        Layer.provide(NodeHttpServer.layer(server, { host: admin.host, port: admin.port, backlog: ADMIN_BACKLOG, gracefulShutdownTimeout: "2 seconds" }))
      )
    })
  )

/**
 * Serves the admin routes on `admin.host:admin.port`, and records the address in
 * `<dataDir>/admin.json` for `arbees diagnostics`.
 *
 * @category layers
 */
export const layer = serveWith(advertise)

/**
 * Serves the admin routes (the dashboard and the operator API among them) on `admin.host:admin.port`
 * and tells `onListening` the URL, without touching `<dataDir>/admin.json`: for a process that is
 * not the instance `arbees diagnostics` should find (a replay).
 *
 * @category layers
 */
export const layerAnnouncing = (onListening: (url: string) => Effect.Effect<void>) =>
  serveWith(Layer.effectDiscard(Effect.gen(function*() {
    yield* onListening(HttpServer.formatAddress((yield* HttpServer.HttpServer).address))
  })))
