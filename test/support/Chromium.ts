/**
 * Headless Chromium for the dashboard's browser tests: Debian's `chromium` (`.ci/run` installs it
 * when missing) driven by playwright-core, which never downloads a browser of its own. Builds the
 * dashboard bundle first if this checkout has not (`npm run build` does it otherwise).
 */
import { Effect } from "effect"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import { chromium } from "playwright-core"
import * as Dashboard from "../../src/runtime/console/Dashboard.ts"

export const CHROMIUM = "/usr/bin/chromium"

/** Where the browser tests save their screenshots. */
export const SHOTS = ".arbees/screenshots"

export const available = fs.existsSync(CHROMIUM)

if (available && Dashboard.uiDirectory() === undefined) execFileSync(process.execPath, ["scripts/build-ui.ts"], { stdio: "inherit" })

/** A headless Chromium for the scope, closed with it. */
export const launch = Effect.acquireRelease(
  Effect.promise(() =>
    chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    })
  ),
  (browser) => Effect.promise(() => browser.close())
)
