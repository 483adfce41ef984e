/**
 * Builds the dashboard into `dist/ui/`: one minified bundle of the Preact app and uPlot (rolldown,
 * the bundler `scripts/build.ts` already uses), one stylesheet and the page. Nothing is fetched at
 * run time: the admin server serves these files.
 *
 * Usage: `node scripts/build-ui.ts`; `npm run build` runs it after the runtime bundle.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { build } from "rolldown"

const source = "src/runtime/console/ui"
const out = "dist/ui"

export const buildUi = async (): Promise<void> => {
  mkdirSync(out, { recursive: true })
  await build({
    input: join(source, "App.tsx"),
    platform: "browser",
    transform: { jsx: { runtime: "automatic", importSource: "preact" } },
    output: { file: join(out, "app.js"), format: "iife", minify: true },
    logLevel: "warn"
  })
  const css = readFileSync(join(source, "style.css"), "utf8") + "\n" + readFileSync("node_modules/uplot/dist/uPlot.min.css", "utf8")
  writeFileSync(join(out, "app.css"), css)
  copyFileSync(join(source, "index.html"), join(out, "index.html"))
}

if (import.meta.main) await buildUi()
