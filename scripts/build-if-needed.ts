/**
 * `npm start` runs this first: build `dist/` when it is missing or older than any source file.
 * Uses only Node built-ins, so it runs on a fresh clone before anything is compiled.
 */
import { execFileSync } from "node:child_process"
import { existsSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"

const newest = (dir: string): number => {
  if (!existsSync(dir)) return 0
  let latest = 0
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    const stat = statSync(path)
    latest = Math.max(latest, stat.isDirectory() ? newest(path) : stat.mtimeMs)
  }
  return latest
}

const built = existsSync("dist/main.js") ? statSync("dist/main.js").mtimeMs : 0
const sources = Math.max(newest("src"), statSync("package.json").mtimeMs, statSync("tsconfig.json").mtimeMs, statSync("scripts/build.ts").mtimeMs)
if (built === 0 || sources > built || newest("src") > newest("dist")) {
  process.stdout.write("building dist/ ...\n")
  execFileSync(process.execPath, ["scripts/build.ts"], { stdio: "inherit" })
}
// The dashboard bundle (scripts/build-ui.ts)
const ui = existsSync("dist/ui/app.js") ? statSync("dist/ui/app.js").mtimeMs : 0
if (ui === 0 || newest("src/runtime/console/ui") > ui) {
  process.stdout.write("building dist/ui/ ...\n")
  execFileSync(process.execPath, ["scripts/build-ui.ts"], { stdio: "inherit" })
}
