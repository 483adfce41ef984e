/**
 * `npm run build`: bundles `src/main.ts` into `dist/` with rolldown.
 *
 * Why a bundle and not `tsc`'s one-file-per-module output: a command must start fast (issue 14,
 * `bench/cli-start.bench.ts`). Importing the `effect` barrel alone costs ~1 s of CPU; the bundle
 * keeps only what is used and splits per command, so `arbees --help` loads the command tree and
 * nothing else, and `arbees run` loads the runtime when it runs (`src/runtime/cli/Lazy.ts`).
 * The dashboard is bundled into `dist/ui/` by `build-ui.ts`.
 * `effect` and `@effect/*` are bundled (one copy, tree-shaken); every other package stays in
 * `node_modules` (PGlite finds its WebAssembly next to itself). Type checking is `npm run typecheck`.
 */
import { rmSync } from "node:fs"
import { build } from "rolldown"
import { buildUi } from "./build-ui.ts"

const bundled = (id: string) => id === "effect" || id.startsWith("effect/") || id.startsWith("@effect/")

rmSync("dist", { recursive: true, force: true })
await build({
  input: { main: "src/main.ts" },
  platform: "node",
  // Bare imports of other packages stay imports; node: built-ins too
  external: (id) => id.startsWith("node:") || (!id.startsWith(".") && !id.startsWith("/") && !bundled(id)),
  output: { dir: "dist", format: "esm", minify: true, sourcemap: true, chunkFileNames: "chunks/[name]-[hash].js" },
  logLevel: "warn"
})
// The dashboard, served by the admin server from dist/ui
await buildUi()
