/**
 * Takes the README's picture of the demo report: opens `demo-report.html` (from `npm run demo`) in
 * a headless Chromium (the system's `chromium`, driven by playwright-core) from disk, with the
 * network blocked, and saves `docs/demo-report.png`.
 *
 * Usage: `node scripts/demo/screenshot.ts [REPORT] [OUT]`.
 */
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { chromium } from "playwright-core"

const report = resolve(process.argv[2] ?? "demo-report.html")
const out = process.argv[3] ?? "docs/demo-report.png"

const browser = await chromium.launch({ executablePath: process.env["CHROMIUM"] ?? "/usr/bin/chromium", args: ["--no-sandbox"] })
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
  // The report must open from disk with no network: refuse every request that is not the file
  await page.route("**/*", (route) => (route.request().url().startsWith("file:") ? route.continue() : route.abort()))
  await page.goto(pathToFileURL(report).href)
  await page.waitForTimeout(500)
  await page.screenshot({ path: out, fullPage: true, clip: { x: 0, y: 0, width: 1200, height: 1500 } })
} finally {
  await browser.close()
}
