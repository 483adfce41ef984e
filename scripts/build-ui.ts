/**
 * Builds the dashboard into `dist/ui/`: one bundle of the Preact app and uPlot (esbuild, minified),
 * one stylesheet and the page. Nothing is fetched at run time: the admin server serves these files.
 *
 * Usage: `node scripts/build-ui.ts` (part of `npm run build`).
 */
import { build } from "esbuild"
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"

const source = "src/runtime/console/ui"
const out = "dist/ui"

export const buildUi = async (): Promise<void> => {
  mkdirSync(out, { recursive: true })
  await build({
    entryPoints: [join(source, "App.tsx")],
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2022",
    jsx: "automatic",
    jsxImportSource: "preact",
    outfile: join(out, "app.js"),
    legalComments: "eof",
    logLevel: "warning"
  })
  const css = readFileSync(join(source, "style.css"), "utf8") + "\n" + readFileSync("node_modules/uplot/dist/uPlot.min.css", "utf8")
  writeFileSync(join(out, "app.css"), css)
  copyFileSync(join(source, "index.html"), join(out, "index.html"))
}

if (import.meta.main) await buildUi()
