/**
 * The dashboard in headless Chromium over a replay of the demo recording (`demo/recording`): the
 * replay serves the console (`serve`), paced at 240× real time (at most), and the page shows the runtime's
 * numbers moving as the replay runs (from the live stream, without a reload). The Halt button halts
 * trading, so the next signal the strategies propose is denied `TRADING_HALTED`; Resume restores it.
 * Screenshots of the overview and a game view go to `.arbees/screenshots/replay-*.png`.
 *
 * The halt lands at a wall-clock moment, so which signals it catches varies from run to run; the
 * test asserts what holds for any moment: the first signal created after the halt is denied
 * `TRADING_HALTED`, and the first created after the resume is not.
 */
import * as NodeServices from "@effect/platform-node/NodeServices"
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Layer, References } from "effect"
import * as fs from "node:fs"
import type { Page } from "playwright-core"
import { replay, replaySettings } from "../../../src/runtime/replay/Replay.ts"
import { AppConfig } from "../../../src/services/config/AppConfig.ts"
import { readRecording } from "../../../src/services/recording/RecordingReader.ts"
import { available, launch, SHOTS } from "../../support/Chromium.ts"

const TOKEN = "replay-console-token"

const recording = readRecording("demo/recording")

interface SignalRow {
  readonly signalId: string
  readonly gameId: string
  readonly createdAt: number
  readonly reasonCode: string | null
}

/** What the overview's cards say. */
const overview = async (page: Page) => {
  const value = (id: string) => page.getByTestId(id).locator(".value").textContent()
  return { clock: await value("clock"), signals: Number(await value("signals")), orders: Number(await value("orders")), fills: Number(await value("fills")) }
}

/** Polls `check` until it gives a value (the API's record, read as the replay goes). */
const waitFor = async <A>(what: string, check: () => Promise<A | undefined>, timeoutMs = 120_000): Promise<A> => {
  const started = performance.now()
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

describe.skipIf(!available)("dashboard over a replay of the demo recording", () => {
  it.live("shows live numbers, and Halt denies the next signal TRADING_HALTED until Resume", () =>
    Effect.scoped(Effect.gen(function*() {
      const listening = yield* Deferred.make<string>()
      const ended = yield* Deferred.make<void>()
      const config = AppConfig.layerTest({ ...replaySettings(recording), "log.level": "error", "admin.port": "0", "admin.token": TOKEN })
      const replaying = yield* replay(recording, {
        // The whole evening (4 h, a minute at this pace): far more than the test needs; it stops the replay when done
        speed: "240",
        serve: {
          onListening: (url) => Effect.asVoid(Deferred.succeed(listening, url)),
          afterEnd: () => Deferred.succeed(ended, undefined).pipe(Effect.andThen(Effect.never))
        }
      }).pipe(
        Effect.provide(Layer.mergeAll(Layer.orDie(config), NodeServices.layer)),
        Effect.provideService(References.MinimumLogLevel, "Error"),
        Effect.forkScoped
      )
      // Chromium starts while the replay builds its runtime
      const browser = yield* launch
      const base = yield* Deferred.await(listening).pipe(Effect.timeout("120 seconds"))
      fs.mkdirSync(SHOTS, { recursive: true })
      const signals = () =>
        fetch(`${base}/api/signals?limit=1000`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.json() as Promise<Array<SignalRow>>).then((rows) => [...rows].sort((a, b) => a.createdAt - b.createdAt))
      const seen = yield* Effect.promise(async () => {
        const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } })
        const errors: Array<string> = []
        page.on("pageerror", (e) => errors.push(String(e)))
        page.on("dialog", (dialog) => void dialog.accept("replay drill"))
        const started = performance.now()
        const phases: Record<string, number> = {}
        const phase = (name: string) => void (phases[name] = Math.round(performance.now() - started))
        // Actions need the token: log in as a person would (the page then holds an HttpOnly cookie)
        await page.goto(`${base}/login`)
        await page.locator("#token").fill(TOKEN)
        await page.locator("button[type=submit]").click()
        await page.waitForURL(`${base}/`)
        await page.getByTestId("signals").waitFor({ timeout: 60_000 })
        const first = await overview(page)
        phase("overview")

        // The same page, never reloaded: the stream drives it while the replay runs
        const card = (id: string) => `Number(document.querySelector('[data-testid="${id}"] .value')?.textContent)`
        await page.waitForFunction(`${card("signals")} >= ${first.signals + 5} && ${card("fills")} >= 2`, undefined, { timeout: 180_000, polling: 100 })
        const later = await overview(page)
        phase("live")

        // Halt from the header: the next signal the strategies propose is denied
        await page.getByTestId("trading-state").getByText("ACTIVE").waitFor()
        const haltResponse = page.waitForResponse((r) => r.url().endsWith("/api/trading/halt"))
        await page.getByTestId("halt").click()
        const halt = (await (await haltResponse).json()) as { state: string; at: number }
        await page.getByTestId("trading-state").getByText("HALTED").waitFor()
        phase("halted")
        const afterHalt = await waitFor("a signal after the halt", async () => (await signals()).find((s) => s.createdAt > halt.at))
        await page.getByRole("link", { name: "Signals" }).click()
        const haltedRow = page.getByTestId("table-signals").locator("tr", { hasText: afterHalt.signalId })
        await haltedRow.waitFor({ timeout: 60_000 })
        const haltedText = await haltedRow.textContent()
        phase("denied")

        const resumeResponse = page.waitForResponse((r) => r.url().endsWith("/api/trading/resume"))
        await page.getByTestId("resume").click()
        const resume = (await (await resumeResponse).json()) as { state: string; at: number }
        await page.getByTestId("trading-state").getByText("ACTIVE").waitFor()
        const afterResume = await waitFor("a signal after the resume", async () => (await signals()).find((s) => s.createdAt > resume.at))
        const resumedRow = page.getByTestId("table-signals").locator("tr", { hasText: afterResume.signalId })
        await resumedRow.waitFor({ timeout: 60_000 })
        const resumedText = await resumedRow.textContent()
        phase("resumed")
        const all = await signals()
        const end = await fetch(`${base}/api/activity`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.json() as Promise<{ at: number; signals: number; fills: number }>)

        // The overview, and the view of the halted signal's game (our model and both venues' mids over game
        // time, its signals with the halted one; the demo's scoreboards carry no ESPN probability, so that series stays empty)
        await page.getByRole("link", { name: "Overview" }).click()
        await page.getByTestId("games").locator("a").first().waitFor({ timeout: 60_000 })
        await page.screenshot({ path: `${SHOTS}/replay-overview.png`, fullPage: true })
        await page.getByTestId("games").locator(`a[href="#/game/${afterHalt.gameId}"]`).click()
        const chart = page.getByTestId("game-chart")
        await chart.locator("canvas").waitFor({ timeout: 60_000 })
        await page.getByText("TRADING_HALTED").first().waitFor({ timeout: 60_000 })
        const series = Number(await chart.getAttribute("data-series"))
        await page.screenshot({ path: `${SHOTS}/replay-game.png`, fullPage: true })
        phase("game")
        await page.close()
        return { phases, first, later, halt, resume, afterHalt, haltedText, afterResume, resumedText, all, end, series, errors }
      })
      const replayEnded = yield* Deferred.isDone(ended)
      yield* Fiber.interrupt(replaying)

      // The numbers moved on the page as the replay ran
      assert.isAbove(seen.later.signals, seen.first.signals)
      assert.isAtLeast(seen.later.fills, 2)
      assert.notStrictEqual(seen.later.clock, seen.first.clock)
      // Halted: the first signal after the halt is denied TRADING_HALTED, on the page and in the record
      assert.strictEqual(seen.halt.state, "HALTED")
      assert.strictEqual(seen.afterHalt.reasonCode, "TRADING_HALTED")
      assert.include(seen.haltedText, "TRADING_HALTED")
      // Resumed: the first signal after it is decided on its merits again
      assert.strictEqual(seen.resume.state, "ACTIVE")
      assert.isAbove(seen.resume.at, seen.halt.at)
      assert.isNotNull(seen.afterResume.reasonCode)
      assert.notStrictEqual(seen.afterResume.reasonCode, "TRADING_HALTED")
      assert.include(seen.resumedText, seen.afterResume.reasonCode!)
      assert.isTrue(seen.all.some((s) => s.reasonCode === "TRADING_HALTED"))
      assert.isFalse(seen.all.some((s) => s.reasonCode === "TRADING_HALTED" && s.createdAt > seen.resume.at))
      assert.isAtLeast(seen.series, 3)
      assert.isFalse(replayEnded, "the replay was still running when the test finished")
      assert.deepStrictEqual(seen.errors, [])
      yield* Effect.sync(() =>
        console.log(
          `replay dashboard: first ${JSON.stringify(seen.first)}, later ${JSON.stringify(seen.later)}; halt at ${new Date(seen.halt.at).toISOString()}, ` +
            `next signal ${seen.afterHalt.signalId} ${seen.afterHalt.reasonCode}; resume at ${new Date(seen.resume.at).toISOString()}, ` +
            `next signal ${seen.afterResume.signalId} ${seen.afterResume.reasonCode}; ${seen.all.filter((s) => s.reasonCode === "TRADING_HALTED").length} halted of ${seen.all.length}; ` +
            `clock at the end ${new Date(seen.end.at).toISOString()}, chart series ${seen.series}; wall ms since the page opened ${JSON.stringify(seen.phases)}`
        )
      )
    })), { timeout: 400_000 })
})
