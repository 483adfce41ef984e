/**
 * The operator's API on a real HTTP server over a real Postgres and the in-process bus: every
 * endpoint of the OpenAPI document answers and its body decodes with the documented schema (the
 * typed client decodes every response), the event stream resumes from a last-seen id without a
 * gap or a duplicate, and no response carries a configured secret.
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Fiber, Layer } from "effect"
import { HttpClient, HttpClientRequest, HttpRouter, HttpServer } from "effect/http"
import { HttpApiClient } from "effect/http-api"
import { SqlClient } from "effect/sql"
import { Alert } from "../../../src/actors/Events.ts"
import * as ConsoleApi from "../../../src/runtime/api/ConsoleApi.ts"
import { EventBus, eventId } from "../../../src/services/bus/EventBus.ts"
import { EventFeed } from "../../../src/services/console/EventFeed.ts"
import { consoleServices } from "../../support/ConsoleServices.ts"

const SENTINEL = "SENTINEL-SECRET-7f3a9c"

const services = consoleServices({ "kalshi.keyId": SENTINEL, "polymarket.apiSecret": SENTINEL }, 5)

const server = HttpRouter.serve(ConsoleApi.layer, { disableLogger: true, disableListenLog: true }).pipe(
  Layer.provideMerge(NodeHttpServer.layerTest),
  Layer.provideMerge(services)
)

const seed = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`INSERT INTO games (game_id, league, sport, home_team_id, home_team, home_abbr, away_team_id, away_team, away_abbr, start_time, status,
                                home_score, away_score)
             VALUES ('401772994', 'nba', 'nba', '2', 'Boston Celtics', 'BOS', '13', 'Los Angeles Lakers', 'LAL', to_timestamp(1765843200), 'in_progress', 54, 50)`
  yield* sql`INSERT INTO game_states (game_id, observed_at, status, period, seconds_remaining, home_score, away_score, model_home_prob, espn_home_prob, state)
             VALUES ('401772994', to_timestamp(1765845000), 'in_progress', 2, 300, 54, 50, 0.61, 0.59, '{}'::jsonb)`
  yield* sql`INSERT INTO market_prices (platform, market_id, outcome_id, observed_at, game_id, bid_micros, ask_micros, bid_size, ask_size)
             VALUES ('kalshi', 'KXNBAGAME-25DEC15LALBOS-BOS', 'yes', to_timestamp(1765845000), '401772994', 590000, 610000, 100000000, 50000000)`
  yield* sql`INSERT INTO market_mappings (game_id, platform, market_id, outcome_id, meaning, method, confidence, evidence)
             VALUES ('401772994', 'kalshi', 'KXNBAGAME-25DEC15LALBOS-BOS', 'yes', 'home_win', 'deterministic', 1, '{}'::jsonb)`
  yield* sql`INSERT INTO orders (client_order_id, platform, market_id, outcome_id, game_id, action, time_in_force, limit_price_micros, quantity,
                                 filled_quantity, status, paper, created_at, updated_at)
             VALUES ('co-000001', 'kalshi', 'KXNBAGAME-25DEC15LALBOS-BOS', 'yes', '401772994', 'buy', 'ioc', 610000, 12000000, 12000000, 'filled', true,
                     to_timestamp(1765845001), to_timestamp(1765845002))`
  yield* sql`INSERT INTO fills (platform, fill_id, client_order_id, market_id, outcome_id, action, price_micros, quantity, fee_micros, is_taker, filled_at)
             VALUES ('kalshi', 'f-1', 'co-000001', 'KXNBAGAME-25DEC15LALBOS-BOS', 'yes', 'buy', 610000, 12000000, 170000, true, to_timestamp(1765845002))`
  yield* sql`INSERT INTO positions (position_id, game_id, platform, market_id, outcome_id, quantity, cost_basis_micros, realized_pnl_micros, fees_paid_micros,
                                    status, settlement_price_micros, opened_at, closed_at)
             VALUES ('p-1', '401772994', 'kalshi', 'KXNBAGAME-25DEC15LALBOS-BOS', 'yes', 0, 7320000, 4510000, 170000, 'settled', 1000000,
                     to_timestamp(1765845002), to_timestamp(1765850000))`
  yield* sql`INSERT INTO signals (signal_id, created_at, kind, game_id, legs, edge_pct, model_prob, status, denial_reason, reason_code, strategy, expires_at)
             VALUES ('s-1', to_timestamp(1765845000), 'model_edge', '401772994', '[]'::jsonb, 2.5, 0.61, 'denied', 'the book is 3 s old', 'STALE_DATA', 'model_edge',
                     to_timestamp(1765845010))`
})

/** Reads `count` SSE events from the stream, resuming after `lastId` if given. */
const readEvents = (base: string, count: number, lastId?: string) =>
  Effect.promise(async () => {
    const controller = new AbortController()
    const response = await fetch(`${base}/api/stream`, { headers: lastId === undefined ? {} : { "last-event-id": lastId }, signal: controller.signal })
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    const events: Array<{ id?: string; event: string; data: string }> = []
    let buffer = ""
    while (events.length < count) {
      const { value, done } = await reader.read()
      if (done) break
      buffer += decoder.decode(value, { stream: true })
      let end: number
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const event: { id?: string; event: string; data: string } = { event: "message", data: "" }
        for (const line of block.split("\n")) {
          const [field, ...rest] = line.split(":")
          const value = rest.join(":").replace(/^ /, "")
          if (field === "id") event.id = value
          else if (field === "event") event.event = value
          else if (field === "data") event.data += value
        }
        events.push(event)
      }
    }
    controller.abort()
    return { events, contentType: response.headers.get("content-type") }
  })

describe("operator API", () => {
  layer(server, { excludeTestServices: true })((it) => {
    it.effect("every endpoint in the OpenAPI document answers, and decodes with its documented schema", () =>
      Effect.gen(function*() {
        yield* seed
        const http = yield* HttpClient.HttpClient
        const doc: any = yield* Effect.flatMap(http.get("/api/openapi.json"), (r) => r.json)
        const paths = Object.keys(doc.paths).sort()
        assert.deepStrictEqual(paths, [
          "/api/activity",
          "/api/bankroll",
          "/api/config",
          "/api/diagnostics",
          "/api/fills",
          "/api/games",
          "/api/games/{gameId}",
          "/api/orders",
          "/api/pnl",
          "/api/positions",
          "/api/positions/{positionId}/close",
          "/api/signals",
          "/api/status",
          "/api/strategies",
          "/api/strategies/{name}/{action}",
          "/api/stream",
          "/api/trading",
          "/api/trading/{action}"
        ])
        const client = yield* HttpApiClient.make(ConsoleApi.ConsoleApi)
        const games = yield* client.games.list({ query: {} })
        assert.deepStrictEqual(games.map((g) => [g.gameId, g.home.abbreviation, g.away.abbreviation, g.homeScore]), [["401772994", "BOS", "LAL", 54]])
        const detail = yield* client.games.get({ params: { gameId: "401772994" }, query: {} })
        assert.strictEqual(detail.states[0]!.modelHome, 0.61)
        assert.strictEqual(detail.states[0]!.espnHome, 0.59)
        assert.deepStrictEqual(detail.prices.map((p) => [p.bidMicros, p.askMicros]), [[590_000, 610_000]])
        assert.deepStrictEqual(detail.mappings.map((m) => m.meaning), ["home_win"])
        const missing = yield* Effect.flip(client.games.get({ params: { gameId: "1" }, query: {} }))
        assert.strictEqual(missing._tag, "NotFound")
        const signals = yield* client.trading.signals({ query: { reason: "STALE_DATA" } })
        assert.deepStrictEqual(signals.map((s) => [s.signalId, s.status, s.reasonCode, s.denialReason, s.strategy, s.edgePct]), [
          ["s-1", "denied", "STALE_DATA", "the book is 3 s old", "model_edge", "2.5000"]
        ])
        const activity = yield* client.trading.activity()
        assert.deepStrictEqual({ ...activity, at: 0 }, { at: 0, signals: 1, approved: 0, denied: 1, orders: 1, fills: 1 })
        assert.strictEqual((yield* client.trading.signals({ query: { reason: "DAILY_LOSS" } })).length, 0)
        const orders = yield* client.trading.orders({ query: { game: "401772994" } })
        assert.deepStrictEqual(orders.map((o) => [o.clientOrderId, o.limitPriceMicros, o.quantity, o.status]), [["co-000001", 610_000, 12_000_000, "filled"]])
        const fills = yield* client.trading.fills({ query: {} })
        assert.deepStrictEqual(fills.map((f) => [f.fillId, f.priceMicros, f.feeMicros]), [["f-1", 610_000, 170_000]])
        const positions = yield* client.trading.positions({ query: { status: "settled" } })
        assert.deepStrictEqual(positions.map((p) => [p.positionId, p.realizedPnlMicros]), [["p-1", 4_510_000]])
        const pnl = yield* client.money.pnl({ query: { by: "sport" } })
        assert.deepStrictEqual(pnl, [{ key: "nba", realizedPnlMicros: 4_510_000, feesMicros: 170_000, positions: 1 }])
        const byDay = yield* client.money.pnl({ query: { by: "day" } })
        assert.deepStrictEqual(byDay.map((r) => r.key), ["2025-12-16"])
        const status = yield* client.control.status()
        assert.deepStrictEqual(status.games.map((g) => [g.game.gameId, g.period, g.modelHome, g.prices.length]), [["401772994", 2, 0.61, 1]])
        assert.isNull(status.bankroll)
        // No account opened yet: the bankroll is not found, not invented
        const noBankroll = yield* Effect.flip(client.money.bankroll({ query: {} }))
        assert.strictEqual(noBankroll._tag, "NotFound")
        // The paper account and a live venue's: each shown in full on request, the others in brief
        const books = yield* SqlClient.SqlClient
        yield* books.withTransaction(Effect.gen(function*() {
          yield* books`INSERT INTO bankroll (account, balance_micros, peak_micros) VALUES ('paper', 1000000000, 1000000000), ('live:kalshi', 250500000, 250500000)`
          yield* books`INSERT INTO bankroll_ledger (account, bucket, kind, amount_micros, reference)
                       VALUES ('paper', 'available', 'deposit', 1000000000, 'opening balance'), ('live:kalshi', 'available', 'deposit', 250500000, 'venue balance')`
        }))
        const paper = yield* client.money.bankroll({ query: {} })
        assert.deepStrictEqual([paper.bankroll.account, paper.ledger.length], ["paper", 1])
        assert.deepStrictEqual(paper.others.map((o) => [o.account, o.balanceMicros, o.ledgerBalanced]), [["live:kalshi", 250_500_000, true]])
        const live = yield* client.money.bankroll({ query: { account: "live:kalshi" } })
        assert.deepStrictEqual([live.bankroll.account, live.bankroll.balanceMicros, live.ledger.map((l) => l.reference)], ["live:kalshi", 250_500_000, ["venue balance"]])
        assert.deepStrictEqual(live.others.map((o) => o.account), ["paper"])
        assert.strictEqual((yield* Effect.flip(client.money.bankroll({ query: { account: "live:polymarket" } })))._tag, "NotFound")
        const config = yield* client.system.config()
        const keyId = config.find((e) => e.key === "kalshi.keyId")!
        assert.deepStrictEqual([keyId.value, keyId.secret], ["<redacted>", true])
        assert.strictEqual((yield* client.control.state()).state, "ACTIVE")
        const halted = yield* client.control.set({ params: { action: "halt" }, payload: { reason: "drill", by: "alice" } })
        assert.deepStrictEqual([halted.state, halted.reason, halted.changedBy], ["HALTED", "drill", "api:alice"])
        assert.strictEqual((yield* client.control.state()).state, "HALTED")
        // The server refuses an action without a reason (the typed client would not even send it)
        const empty = yield* http.execute(HttpClientRequest.post("/api/trading/resume").pipe(HttpClientRequest.bodyJsonUnsafe({ reason: "" })))
        assert.strictEqual(empty.status, 400)
        assert.strictEqual((yield* client.control.state()).state, "HALTED")
        assert.strictEqual((yield* client.control.set({ params: { action: "resume" }, payload: { reason: "drill over" } })).state, "ACTIVE")
        // Closing: a settled position is not found (nothing to close)
        const notOpen = yield* Effect.flip(client.control.closePosition({ params: { positionId: "p-1" }, payload: { reason: "x" } }))
        assert.strictEqual(notOpen._tag, "NotFound")
        // Strategies: the configured ones, paused and resumed with who and why; an unknown name is not found
        const strategies = yield* client.control.strategies()
        assert.deepStrictEqual(strategies.map((s) => [s.name, s.configured, s.paused]), [["model_edge", true, false], ["arbitrage", true, false]])
        const paused = yield* client.control.switchStrategy({ params: { name: "arbitrage", action: "pause" }, payload: { reason: "venue rules changed", by: "bob" } })
        assert.deepStrictEqual([paused.name, paused.paused, paused.reason, paused.changedBy], ["arbitrage", true, "venue rules changed", "api:bob"])
        assert.isTrue((yield* client.control.strategies()).find((s) => s.name === "arbitrage")!.paused)
        const resumed = yield* client.control.switchStrategy({ params: { name: "arbitrage", action: "resume" }, payload: { reason: "checked" } })
        assert.isFalse(resumed.paused)
        const unknown = yield* Effect.flip(client.control.switchStrategy({ params: { name: "lagging_market", action: "pause" }, payload: { reason: "x" } }))
        assert.strictEqual(unknown._tag, "NotFound", "a strategy the configuration leaves off cannot be switched")
        const sql = yield* SqlClient.SqlClient
        const history = yield* sql<{ name: string; paused: boolean; changed_by: string }>`SELECT name, paused, changed_by FROM strategy_switch_changes ORDER BY id`
        assert.deepStrictEqual(history.map((h) => [h.name, h.paused, h.changed_by]), [["arbitrage", true, "api:bob"], ["arbitrage", false, "api:operator"]])
        const tree: any = yield* client.system.diagnostics()
        assert.strictEqual(tree.id, "runtime")
        // No response carries the secret, whatever the endpoint
        for (const path of ["/api/config", "/api/diagnostics", "/api/games", "/api/openapi.json", "/api/docs"]) {
          const text = yield* Effect.flatMap(http.get(path), (r) => r.text)
          assert.notInclude(text, SENTINEL, path)
        }
      }))

    it.effect("the stream resumes from a last-seen id without a gap or a duplicate, and says when the window lost events", () =>
      Effect.gen(function*() {
        const bus = yield* EventBus
        const address = (yield* HttpServer.HttpServer).address
        const base = address._tag === "UnixPathAddress" ? "" : `http://127.0.0.1:${address.port}`
        const publish = (n: number) =>
          bus.publish(Alert, { id: eventId("alert", n), payload: { source: "test", message: `alert ${n}`, at: n } })
        for (let n = 1; n <= 3; n++) yield* publish(n)
        // The feed numbers events as the bus delivers them
        const feed = yield* EventFeed
        while (feed.latest() < 3) yield* Effect.promise(() => new Promise((r) => setTimeout(r, 10)))
        const first = yield* readEvents(base, 3)
        assert.strictEqual(first.contentType?.startsWith("text/event-stream"), true)
        assert.deepStrictEqual(first.events.map((e) => JSON.parse(e.data).payload.message), ["alert 1", "alert 2", "alert 3"])
        const lastSeen = first.events[1]!.id!
        yield* publish(4)
        yield* publish(5)
        const resumed = yield* readEvents(base, 3, lastSeen)
        assert.deepStrictEqual(resumed.events.map((e) => JSON.parse(e.data).payload.message), ["alert 3", "alert 4", "alert 5"])
        // A live event after the window: arrives once
        const live = readEvents(base, 1, resumed.events[2]!.id!)
        const fiber = yield* Effect.forkChild(live)
        yield* Effect.promise(() => new Promise((r) => setTimeout(r, 100)))
        yield* publish(6)
        const tail = yield* Fiber.join(fiber)
        assert.deepStrictEqual(tail.events.map((e) => JSON.parse(e.data).payload.message), ["alert 6"])
        // The window holds 5: resuming from the first event means events 2 were dropped
        for (let n = 7; n <= 9; n++) yield* publish(n)
        while (feed.latest() < 9) yield* Effect.promise(() => new Promise((r) => setTimeout(r, 10)))
        const late = yield* readEvents(base, 6, first.events[0]!.id!)
        assert.deepStrictEqual(late.events.map((e) => e.event === "gap" ? "gap" : JSON.parse(e.data).payload.message), ["gap", "alert 5", "alert 6", "alert 7", "alert 8", "alert 9"])
        // An id from another process instance: a reset, then the whole window
        const other = yield* readEvents(base, 1, "1-3")
        assert.strictEqual(other.events[0]!.event, "reset")
      }))
  })
})
