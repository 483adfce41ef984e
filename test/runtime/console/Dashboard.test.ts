/**
 * The dashboard in a real headless Chromium (Debian's `chromium`, driven by playwright-core),
 * served by the real admin routes over a real Postgres: the overview shows the bankroll and the
 * games, a game view charts our model, ESPN and a venue, and the tables filter. Screenshots go to
 * `.arbees/screenshots/`.
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { HttpRouter, HttpServer } from "effect/http"
import { SqlClient } from "effect/sql"
import * as fs from "node:fs"
import { Alert } from "../../../src/actors/Events.ts"
import * as ConsoleApi from "../../../src/runtime/api/ConsoleApi.ts"
import * as Dashboard from "../../../src/runtime/console/Dashboard.ts"
import { EventBus, eventId } from "../../../src/services/bus/EventBus.ts"
import { available, launch, SHOTS } from "../../support/Chromium.ts"
import { consoleServices } from "../../support/ConsoleServices.ts"


const services = consoleServices()

const server = HttpRouter.serve(Layer.mergeAll(ConsoleApi.layer, Dashboard.layer), { disableLogger: true, disableListenLog: true }).pipe(
  Layer.provideMerge(NodeHttpServer.layerTest),
  Layer.provideMerge(services)
)

const seed = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`INSERT INTO games (game_id, league, sport, home_team_id, home_team, home_abbr, away_team_id, away_team, away_abbr, start_time, status,
                                home_score, away_score)
             VALUES ('401772994', 'nba', 'nba', '2', 'Boston Celtics', 'BOS', '13', 'Los Angeles Lakers', 'LAL', to_timestamp(1765843200), 'in_progress', 54, 50),
                    ('401772995', 'nhl', 'nhl', '1', 'Boston Bruins', 'BOS', '2', 'Buffalo Sabres', 'BUF', to_timestamp(1765846800), 'scheduled', NULL, NULL)`
  yield* sql`INSERT INTO market_mappings (game_id, platform, market_id, outcome_id, meaning, method, confidence, evidence)
             VALUES ('401772994', 'kalshi', 'KXNBAGAME-25DEC15LALBOS-BOS', 'yes', 'home_win', 'deterministic', 1, '{}'::jsonb)`
  for (let i = 0; i < 20; i++) {
    const t = 1765845000 + i * 60
    const model = 0.5 + i * 0.01
    yield* sql`INSERT INTO game_states (game_id, observed_at, status, period, seconds_remaining, home_score, away_score, model_home_prob, espn_home_prob, state)
               VALUES ('401772994', to_timestamp(${t}), 'in_progress', 2, ${600 - i * 30}, ${40 + i}, ${40}, ${model}, ${model - 0.03}, '{}'::jsonb)`
    yield* sql`INSERT INTO market_prices (platform, market_id, outcome_id, observed_at, game_id, bid_micros, ask_micros, bid_size, ask_size)
               VALUES ('kalshi', 'KXNBAGAME-25DEC15LALBOS-BOS', 'yes', to_timestamp(${t + 30}), '401772994', ${480_000 + i * 10_000}, ${500_000 + i * 10_000}, 100000000, 50000000)`
  }
  yield* sql`INSERT INTO signals (signal_id, created_at, kind, game_id, legs, edge_pct, model_prob, status, denial_reason, reason_code, strategy, expires_at)
             VALUES ('s-1', to_timestamp(1765845000), 'model_edge', '401772994', '[]'::jsonb, 2.5, 0.61, 'denied', 'the book is 3 s old', 'STALE_DATA', 'model_edge',
                     to_timestamp(1765845010)),
                    ('s-2', to_timestamp(1765845100), 'cross_venue_arb', '401772994', '[]'::jsonb, 1.1, NULL, 'accepted', NULL, 'APPROVED', 'arbitrage',
                     to_timestamp(1765845110))`
  yield* sql`INSERT INTO positions (position_id, game_id, platform, market_id, outcome_id, quantity, cost_basis_micros, realized_pnl_micros, fees_paid_micros,
                                    status, settlement_price_micros, opened_at, closed_at)
             VALUES ('p-1', '401772994', 'kalshi', 'KXNBAGAME-25DEC15LALBOS-BOS', 'yes', 0, 7320000, 4510000, 170000, 'settled', 1000000,
                     to_timestamp(1765845002), to_timestamp(1765850000)),
                    ('p-open', '401772994', 'kalshi', 'KXNBAGAME-25DEC15LALBOS-BOS', 'yes', 5000000, 2600000, 0, 90000, 'open', NULL,
                     to_timestamp(1765845300), NULL)`
  yield* sql.withTransaction(Effect.gen(function*() {
    yield* sql`INSERT INTO bankroll (account, balance_micros, peak_micros) VALUES ('paper', 1004510000, 1004510000), ('live:kalshi', 250500000, 250500000)`
    yield* sql`INSERT INTO bankroll_ledger (account, bucket, kind, amount_micros, reference, created_at)
               VALUES ('paper', 'available', 'deposit', 1000000000, 'opening balance', to_timestamp(1765840000)),
                      ('paper', 'available', 'settlement', 4510000, 'p-1', to_timestamp(1765850000)),
                      ('live:kalshi', 'available', 'deposit', 250500000, 'venue balance', to_timestamp(1765840000))`
  }))
})

describe.skipIf(!available)("dashboard in Chromium", () => {
  layer(server, { excludeTestServices: true, timeout: 120_000 })((it) => {
    it.effect("renders the overview, a game chart with three series, and filterable tables", () =>
      Effect.scoped(Effect.gen(function*() {
        yield* seed
        const address = (yield* HttpServer.HttpServer).address
        const base = address._tag === "UnixPathAddress" ? "" : `http://127.0.0.1:${address.port}`
        const browser = yield* launch
        fs.mkdirSync(SHOTS, { recursive: true })
        yield* Effect.promise(async () => {
          const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
          const errors: Array<string> = []
          page.on("pageerror", (e) => errors.push(String(e)))
          await page.goto(`${base}/`)
          await page.getByTestId("balance").getByText("$1,004.51").waitFor({ timeout: 20_000 })
          assert.strictEqual(await page.getByTestId("pnl").locator(".value").textContent(), "$4.51")
          // A live venue's own account beside the paper one
          assert.strictEqual(await page.getByTestId("account-live:kalshi").locator(".value").textContent(), "$250.50")
          assert.strictEqual(await page.getByTestId("account-live:kalshi").locator(".label").textContent(), "live:kalshi: available $250.50")
          await page.getByTestId("games").getByText("LAL @ BOS").waitFor()
          assert.include(await page.getByTestId("health").textContent(), "runtime")
          assert.strictEqual(await page.getByTestId("signals").locator(".value").textContent(), "2")
          assert.strictEqual(await page.getByTestId("fills").locator(".value").textContent(), "0")
          await page.screenshot({ path: `${SHOTS}/overview.png`, fullPage: true })

          await page.getByText("LAL @ BOS").click()
          await page.getByTestId("game-title").getByText("Los Angeles Lakers at Boston Celtics").waitFor()
          const chart = page.getByTestId("game-chart")
          await chart.locator("canvas").waitFor()
          assert.strictEqual(await chart.getAttribute("data-series"), "3")
          const legend = await chart.locator(".u-legend").textContent()
          for (const label of ["model (home)", "ESPN (home)", "kalshi mid (home)"]) assert.include(legend, label)
          await page.screenshot({ path: `${SHOTS}/game.png`, fullPage: true })

          await page.goto(`${base}/#/signals`)
          await page.getByTestId("row-count").getByText("2 of 2").waitFor()
          await page.getByTestId("filter-reasonCode").selectOption("STALE_DATA")
          await page.getByTestId("row-count").getByText("1 of 2").waitFor()
          assert.include(await page.getByTestId("table-signals").textContent(), "the book is 3 s old")
          const download = page.waitForEvent("download")
          await page.getByTestId("csv").click()
          const csv = fs.readFileSync((await (await download).path())!, "utf8")
          assert.strictEqual(csv.split("\n")[0], "createdAt,signalId,gameId,strategy,kind,edgePct,modelProb,status,reasonCode,denialReason")
          assert.include(csv, "s-1,401772994,model_edge,model_edge,2.5000,0.61,denied,STALE_DATA,the book is 3 s old")
          assert.notInclude(csv, "s-2,")
          // Halt from the header, then resume: each recorded with who and why
          page.on("dialog", (dialog) => void dialog.accept(dialog.message().startsWith("Reason") ? "operator drill" : ""))
          await page.getByTestId("trading-state").getByText("ACTIVE").waitFor()
          await page.getByTestId("halt").click()
          await page.getByTestId("trading-state").getByText("HALTED").waitFor()
          await page.getByTestId("resume").click()
          await page.getByTestId("trading-state").getByText("ACTIVE").waitFor()

          // Close a position and pause a strategy from the overview
          await page.goto(`${base}/`)
          await page.getByTestId("close-p-open").click()
          await page.getByTestId("close-note").getByText("close of p-open requested").waitFor()
          await page.getByTestId("strategy-state-arbitrage").getByText("running").waitFor()
          await page.getByTestId("strategy-arbitrage").click()
          await page.getByTestId("strategy-state-arbitrage").getByText("paused").waitFor()
          assert.deepStrictEqual(errors, [])
        })
        const sql = yield* SqlClient.SqlClient
        const changes = yield* sql<{ state: string; reason: string; changed_by: string }>`
          SELECT state, reason, changed_by FROM trading_state_changes ORDER BY changed_at, state`
        assert.deepStrictEqual(changes.map((c) => [c.state, c.reason, c.changed_by]).filter((c) => c[2] === "api:dashboard"), [
          ["HALTED", "operator drill", "api:dashboard"],
          ["ACTIVE", "operator drill", "api:dashboard"]
        ])
        const closes = yield* sql<{ position_id: string; reason: string; requested_by: string }>`SELECT position_id, reason, requested_by FROM position_close_requests`
        assert.deepStrictEqual(closes.map((c) => [c.position_id, c.reason, c.requested_by]), [["p-open", "operator drill", "api:dashboard"]])
        const switches = yield* sql<{ name: string; paused: boolean }>`SELECT name, paused FROM strategy_switches`
        assert.deepStrictEqual(switches.map((w) => [w.name, w.paused]), [["arbitrage", true]])
      })))

    it.effect("updates live from the stream", () =>
      Effect.scoped(Effect.gen(function*() {
        const address = (yield* HttpServer.HttpServer).address
        const base = address._tag === "UnixPathAddress" ? "" : `http://127.0.0.1:${address.port}`
        const sql = yield* SqlClient.SqlClient
        const bus = yield* EventBus
        const browser = yield* launch
        const page = yield* Effect.promise(() => browser.newPage())
        yield* Effect.promise(() => page.goto(`${base}/#/signals`))
        yield* Effect.promise(() => page.getByTestId("row-count").getByText("2 of 2").waitFor({ timeout: 20_000 }))
        yield* sql`INSERT INTO signals (signal_id, created_at, kind, game_id, legs, edge_pct, model_prob, status, denial_reason, reason_code, expires_at)
                   VALUES ('s-3', to_timestamp(1765845200), 'model_edge', '401772994', '[]'::jsonb, 3.0, 0.63, 'denied', 'down 5% today', 'DAILY_LOSS',
                           to_timestamp(1765845210))`
        // Any event on the stream makes the page reload what it shows
        yield* bus.publish(Alert, { id: eventId("alert", "dashboard"), payload: { source: "test", message: "new signal", at: 1 } })
        yield* Effect.promise(() => page.getByTestId("row-count").getByText("3 of 3").waitFor({ timeout: 20_000 }))
      })))
  })
})
