/**
 * `arbees status` against a running instance's admin API (real HTTP server, real Postgres, the
 * real CLI in-process): one screen with the trading state, the tracked game with its teams,
 * score, clock, model and both venues' prices, the open position and today's P&L; `--json`
 * carries the same figures; no instance is one line and exit 1.
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { HttpRouter, HttpServer } from "effect/http"
import { SqlClient } from "effect/sql"
import { createServer } from "node:http"
import * as ConsoleApi from "../../../src/runtime/api/ConsoleApi.ts"
import { render } from "../../../src/runtime/cli/handlers/Status.ts"
import { runCli } from "../../support/CliInProcess.ts"
import { consoleServices } from "../../support/ConsoleServices.ts"

const services = consoleServices({}, 5)

const instance = HttpRouter.serve(ConsoleApi.layer, { disableLogger: true, disableListenLog: true }).pipe(
  Layer.provideMerge(NodeHttpServer.layer(createServer, { host: "127.0.0.1", port: 0 })),
  Layer.provideMerge(services)
)

const GAME = "401772994"
const KALSHI = "KXNBAGAME-25DEC15LALBOS-BOS"
const POLY = "0xabc123"

const seed = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`INSERT INTO games (game_id, league, sport, home_team_id, home_team, home_abbr, away_team_id, away_team, away_abbr, start_time, status,
                                home_score, away_score)
             VALUES (${GAME}, 'nba', 'nba', '2', 'Boston Celtics', 'BOS', '13', 'Los Angeles Lakers', 'LAL', now() - interval '1 hour', 'in_progress', 54, 50),
                    ('401772990', 'nba', 'nba', '5', 'Chicago Bulls', 'CHI', '6', 'Dallas Mavericks', 'DAL', now() - interval '5 hours', 'final', 99, 90)`
  yield* sql`INSERT INTO game_states (game_id, observed_at, status, period, seconds_remaining, home_score, away_score, model_home_prob, model_prior_source, state)
             VALUES (${GAME}, now() - interval '2 minutes', 'in_progress', 2, 400, 50, 50, 0.55, 'none', '{}'::jsonb),
                    (${GAME}, now() - interval '1 minute', 'in_progress', 2, 1745, 54, 50, 0.614, 'moneyline', '{"periodSecondsRemaining": 305}'::jsonb)`
  yield* sql`INSERT INTO market_prices (platform, market_id, outcome_id, observed_at, game_id, bid_micros, ask_micros, bid_size, ask_size)
             VALUES ('kalshi', ${KALSHI}, 'yes', now() - interval '2 minutes', ${GAME}, 540000, 560000, 10000000, 10000000),
                    ('kalshi', ${KALSHI}, 'yes', now() - interval '30 seconds', ${GAME}, 590000, 610000, 100000000, 50000000),
                    ('polymarket', ${POLY}, 'celtics', now() - interval '20 seconds', ${GAME}, 600000, 620000, 250000000, 80000000)`
  yield* sql`INSERT INTO positions (position_id, game_id, platform, market_id, outcome_id, quantity, cost_basis_micros, realized_pnl_micros, fees_paid_micros,
                                    status, settlement_price_micros, opened_at, closed_at)
             VALUES ('p-open', ${GAME}, 'kalshi', ${KALSHI}, 'yes', 12000000, 7320000, 0, 170000, 'open', NULL, now() - interval '10 minutes', NULL),
                    ('p-won', '401772990', 'kalshi', 'KXNBAGAME-X', 'yes', 0, 4000000, 5830000, 170000, 'settled', 1000000, now() - interval '3 hours', now())`
})

describe("arbees status", () => {
  layer(instance, { excludeTestServices: true })((it) => {
    it.effect("shows the tracked game with its teams, score, clock, model and both venues' prices; --json has the same figures", () =>
      Effect.gen(function*() {
        yield* seed
        const server = yield* HttpServer.HttpServer
        const base = HttpServer.formatAddress(server.address)

        const text = yield* runCli(["status", "--url", base])
        assert.strictEqual(text.code, 0, text.stderr)
        const out = text.stdout
        assert.match(out, /^trading {2}ACTIVE/m)
        assert.match(out, /games in play \(1\)/)
        assert.match(out, /NBA Los Angeles Lakers at Boston Celtics {2}LAL 50 - 54 BOS {2}P2 5:05 {2}model home 61\.4% \(prior moneyline\)/)
        // The newest price of each outcome, never an older one
        assert.match(out, new RegExp(`kalshi +${KALSHI} +yes +0\\.59 +0\\.61 +100/50`))
        assert.match(out, new RegExp(`polymarket +${POLY} +celtics +0\\.60 +0\\.62 +250/80`))
        assert.notInclude(out, "0.54")
        assert.match(out, /open positions \(1\)/)
        assert.match(out, new RegExp(`${GAME} +kalshi +${KALSHI} +yes +12 +0\\.61 +\\$7\\.32 +\\$0\\.17`))
        assert.match(out, /today {4}realised P&L \+\$5\.83 {2}fees \$0\.17 {2}1 closed/)
        assert.notInclude(out, "Chicago Bulls", "a final game is not in play")

        const json = yield* runCli(["status", "--url", base, "--json"])
        assert.strictEqual(json.code, 0, json.stderr)
        const screen = JSON.parse(json.stdout)
        assert.strictEqual(screen.trading.state, "ACTIVE")
        assert.strictEqual(screen.games.length, 1)
        assert.strictEqual(screen.games[0].game.home.name, "Boston Celtics")
        assert.strictEqual(screen.games[0].modelHome, 0.614)
        assert.strictEqual(screen.games[0].modelPrior, "moneyline")
        assert.deepStrictEqual(
          screen.games[0].prices.map((p: any) => [p.platform, p.bidMicros, p.askMicros]),
          [["kalshi", 590000, 610000], ["polymarket", 600000, 620000]]
        )
        assert.strictEqual(screen.today.realizedPnlMicros, 5_830_000)
        assert.strictEqual(screen.openPositions[0].costBasisMicros, 7_320_000)
        // The text is a rendering of exactly these figures
        assert.strictEqual(render(screen, Date.now()).split("\n")[0], out.split("\n")[0])
      }))

    it.effect("with no instance listening: one line on stderr and exit 1", () =>
      Effect.gen(function*() {
        const result = yield* runCli(["status", "--url", "http://127.0.0.1:9"])
        assert.strictEqual(result.code, 1)
        assert.strictEqual(result.stdout, "")
        const lines = result.stderr.trim().split("\n")
        assert.strictEqual(lines.length, 1, result.stderr)
        assert.match(lines[0]!, /no running arbees at http:\/\/127\.0\.0\.1:9/)
      }))
  })
})
