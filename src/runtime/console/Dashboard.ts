/**
 * Serves the dashboard (built by `scripts/build-ui.ts` into `dist/ui/`) at `/` on the admin
 * server: the page, its script and its stylesheet, read once at start-up. Nothing comes from a
 * CDN; the page talks only to this server's `/api`.
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import { HttpRouter, HttpServerResponse } from "effect/http"
import * as fs from "node:fs"
import * as nodePath from "node:path"
import { fileURLToPath } from "node:url"

/** Where the built dashboard is: beside the bundle (`dist/main.js` or a chunk), or `dist/ui` from the source tree. */
export const uiDirectory = (): string | undefined =>
  [new URL("./ui/", import.meta.url), new URL("../ui/", import.meta.url)].map((u) => fileURLToPath(u)).concat(nodePath.resolve("dist/ui"))
    .find((dir) => fs.existsSync(nodePath.join(dir, "app.js")))

const files = [
  { route: "/", file: "index.html", type: "text/html; charset=utf-8" },
  { route: "/app.js", file: "app.js", type: "text/javascript; charset=utf-8" },
  { route: "/app.css", file: "app.css", type: "text/css; charset=utf-8" }
] as const

/** @category layers */
export const layer = Layer.unwrap(Effect.sync(() => {
  const dir = uiDirectory()
  const [page, script, style] = files.map(({ route, file, type }) => {
      const body = dir === undefined ? undefined : fs.readFileSync(nodePath.join(dir, file))
      return HttpRouter.add(
        "GET",
        route,
        body === undefined
          ? HttpServerResponse.text("the dashboard is not built: run `npm run build`\n", { status: 503 })
          : HttpServerResponse.uint8Array(body, { contentType: type, headers: { "cache-control": "no-cache" } })
      )
  })
  return Layer.mergeAll(page!, script!, style!)
}))
