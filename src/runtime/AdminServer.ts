/**
 * The admin HTTP endpoint, bound to loopback by default (`admin.host`, `admin.port`).
 *
 * - `GET /healthz`: the process is up.
 * - `GET /diagnostics`: the live supervision tree as JSON; `?pretty` for the readable tree.
 * - `GET /metrics`: every metric in the Prometheus text format.
 * - `/`: the dashboard (`console/ui/`, built into `dist/ui`).
 * - `/api/...`: the operator's API (`api/ConsoleApi.ts`), its OpenAPI document at
 *   `/api/openapi.json` and docs at `/api/docs`.
 *
 * The bound address is written to `<dataDir>/admin.json`, so `arbees diagnostics` finds the
 * running instance even when the port was chosen by the OS.
 *
 * @since 0.1.0
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Effect, Layer } from "effect"
import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "effect/http"
import { PrometheusMetrics } from "effect/observability"
import * as fs from "node:fs"
import { createServer } from "node:http"
import * as nodePath from "node:path"
import * as ConsoleApi from "./api/ConsoleApi.ts"
import * as Dashboard from "./console/Dashboard.ts"
import { AppConfig } from "../services/config/AppConfig.ts"
import { Diagnostics, formatTree } from "../services/Diagnostics.ts"
import { adminFile } from "./AdminFile.ts"

export { adminFile } from "./AdminFile.ts"

const routes = Layer.mergeAll(
  HttpRouter.add("GET", "/healthz", HttpServerResponse.text("ok\n")),
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
 * Serves the admin routes on `admin.host:admin.port`.
 *
 * @category layers
 */
export const layer = Layer.unwrap(
  Effect.map(AppConfig, ({ config }) =>
    Layer.mergeAll(HttpRouter.serve(routes, { disableLogger: true, disableListenLog: true }), advertise).pipe(
      Layer.provide(NodeHttpServer.layer(createServer, { host: config.admin.host, port: config.admin.port, gracefulShutdownTimeout: "2 seconds" }))
    ))
)
