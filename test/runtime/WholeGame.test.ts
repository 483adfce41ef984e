/**
 * A whole simulated game, end to end, on the real runtime under the test clock: the simulated
 * ESPN (`SimulatedEspn`) plays Pelicans at Pacers; the real matching finds its markets on a fake
 * Polymarket (Gamma listings, CLOB REST, the market WebSocket) and a fake Kalshi (events, series
 * fees, signed REST and WebSocket), and the orchestrator tracks them; the win-probability model
 * trades on the fakes' books through the paper venue and the risk singleton; the upkeep singleton
 * takes profit on the first position (Polymarket); the second (Kalshi) is held to the end, marked
 * provisionally at ESPN's final, and settled from the venue's own result (Kalshi's market `result`,
 * Polymarket's `market_resolved`); then the game's actor is released.
 *
 * At info level the run says what it does, one line per meaningful event (issue 14, item 6): the
 * game tracked, its markets matched on each venue, each book live, the model's moves, each signal
 * decided, and every order, fill and position.
 *
 * Every order, fill, position and ledger posting is then read back through `arbees orders --json`
 * and `arbees positions --json`, and the P&L is asserted to the micro-dollar against the hand
 * calculation below, with balance = Σ ledger.
 *
 * The trades are deterministic: the runtime's `Random` is seeded; every book change the script
 * makes is waited for (in real time, the simulated clock standing still) until the runtime's books
 * show it, so each change lands before the clock moves on (racing the clock let a change land a
 * few simulated seconds later on a busy machine); and entries are sized at the order cap, so the
 * instant the model evaluates (which real I/O still moves by a second or two) changes no trade.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Logger, Random, References } from "effect"
import { HttpClient } from "effect/http"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import { generateKeyPairSync } from "node:crypto"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import * as BankrollActor from "../../src/actors/Bankroll.ts"
import { externalSystemsWith, runtimeWith } from "../../src/runtime/App.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import { Database } from "../../src/services/database/Database.ts"
import { Diagnostics, formatTree } from "../../src/services/Diagnostics.ts"
import { type BookSubscription, MarketDataHub } from "../../src/services/marketdata/MarketDataHub.ts"
import type { MarketId, OutcomeId } from "../../src/schema/Ids.ts"
import type { OutcomeRef } from "../../src/schema/Market.ts"
import { priceOf } from "../../src/schema/Money.ts"
import { cleanEnv, run as runCli } from "../support/Cli.ts"
import { FakeKalshi } from "../support/FakeKalshi.ts"
import { FakePolymarket } from "../support/FakePolymarket.ts"
import { acquireFake } from "../support/FakeVenue.ts"
import { fixturesDir } from "../support/MatchingFixtures.ts"
import { migratedDatabase } from "../support/Runtime.ts"
import * as SimulatedEspn from "../support/SimulatedEspn.ts"

const START = Date.UTC(2024, 11, 15, 22, 0)
const GAME = { league: "nba", fixture: "espn-nba-scoreboard-20241215-final.json", eventId: "401736810", start: START, minutes: 20, final: { home: 110, away: 104 } } as const
// The Pelicans-Pacers moneyline on Polymarket (the recorded Gamma listing): [Pelicans, Pacers]
const CONDITION = "0xcf6be765625b6ae1ee690d11273afc7a2988b4460c2c84df7c82a453a509d33c"
const PELICANS = "63229570639911858018223109852723198250900432808293121470619445849805317688133"
const PACERS = "94748409737758841402778104445906624954970759294701691257713920452314624939378"

/** The realism settings of this run (`paper.*`), reported with its P&L. */
const PAPER = { "paper.latency": "500ms", "paper.jitter": "100ms", "paper.takeShare": "0.85", "paper.seed": "42" }
/** The seed of the runtime's `Random` (signal ids, and through them each order's latency jitter) */
const SEED = 42

// The Kalshi moneyline on Indiana (the recorded Kalshi listing); YES is the Pacers winning
const IND = "KXNBAGAME-24DEC15NOPIND-IND"
const NOP = "KXNBAGAME-24DEC15NOPIND-NOP"
const keys = generateKeyPairSync("rsa", { modulusLength: 2048 })

let fake: FakePolymarket | undefined
let fakeKalshi: FakeKalshi | undefined

/** ESPN answered by the simulation (in process); the venues over the machine's network. */
const transport = Layer.effect(
  HttpClient.HttpClient,
  Effect.gen(function*() {
    const real = yield* HttpClient.HttpClient
    const espn = yield* Effect.provide(HttpClient.HttpClient, SimulatedEspn.layer([GAME]))
    return HttpClient.make((request, url) => (url.hostname === "espn.simulated" ? espn.execute(request) : real.execute(request)))
  })
).pipe(Layer.provide(NodeHttpClient.layerUndici), Layer.merge(NodeWS.layerWebSocketConstructor))

const runtime = Layer.unwrap(
  Effect.gen(function*() {
    const polymarket = yield* acquireFake(() => new FakePolymarket())
    polymarket.gammaEvents.push(...(JSON.parse(readFileSync(join(fixturesDir, "gamma-events.json"), "utf8")) as Array<Record<string, unknown>>))
    const kalshi = yield* acquireFake(() => new FakeKalshi({ publicKey: keys.publicKey, pingMillis: 0 }))
    kalshi.events.splice(0, kalshi.events.length, ...(JSON.parse(readFileSync(join(fixturesDir, "kalshi-events.json"), "utf8")) as { events: Array<Record<string, unknown>> }).events)
    // Listed, open until the game ends
    for (const ticker of [IND, NOP]) kalshi.settle(ticker, "", { status: "active" })
    fake = polymarket
    fakeKalshi = kalshi
    const config = AppConfig.layerTest({
      ...PAPER,
      "polymarket.wsUrl": polymarket.wsUrl(),
      "polymarket.clobUrl": polymarket.httpUrl(),
      "polymarket.gammaUrl": polymarket.gammaUrl(),
      "polymarket.timeout": "60s",
      "polymarket.retries": "0",
      "kalshi.restUrl": kalshi.httpUrl("/trade-api/v2"),
      "kalshi.wsUrl": kalshi.wsUrl(),
      "kalshi.timeout": "60s",
      "kalshi.keyId": "test-key",
      "kalshi.privateKey": keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      "kalshi.retries": "0",
      "discovery.leagues": "nba",
      "discovery.interval": "30s",
      "discovery.activateBefore": "15m",
      "espn.baseUrl": "http://espn.simulated/apis/site/v2/sports",
      "espn.pollLive": "5s",
      "espn.pollPregame": "1m",
      "strategies.enabled": "model_edge",
      // Full Kelly: any edge over the threshold sizes an entry at the order cap (`risk.maxOrderContracts`,
      // 100), so the trades do not hang on the instant the model evaluates (the simulated ESPN's polls
      // drift by a second or two with the machine's load, and a quarter-Kelly stake at a weaker
      // moment gave 53.12 contracts instead of 100 in about one run in ten)
      "risk.kellyFraction": "1",
      "signals.requirePrior": "false",
      "staleness.socketSilence": "10m",
      "staleness.book": "5m"
    }).pipe(Layer.orDie)
    return runtimeWith(externalSystemsWith(transport)).pipe(
      Layer.provideMerge(migratedDatabase("postgres")),
      Layer.provideMerge(Diagnostics.layer),
      Layer.provideMerge(config),
      Layer.provideMerge(NodeServices.layer)
    )
  })
)

/** The info lines the runtime logs, beside its usual loggers. */
const infoLines: Array<{ readonly message: string; readonly annotations: Readonly<Record<string, unknown>> }> = []
const captureInfo = Logger.layer([
  Logger.make<unknown, void>(({ fiber, logLevel, message }) => {
    if (logLevel === "Info") infoLines.push({ message: [message].flat().map(String).join(" "), annotations: { ...fiber.getRef(References.CurrentLogAnnotations) } })
  })
], { mergeWithExisting: true })

/**
 * Moves the simulated clock in 1-second steps, giving real I/O (sockets, HTTP, the database and the
 * cluster's storage round trips) 15 ms of real time per simulated second: every internal timeout
 * (10 simulated seconds) then leaves a real round trip 150 ms, enough on a loaded machine. (A
 * 10-second step would fire every timeout in flight at once.)
 */
const advance = (seconds: number) =>
  Effect.gen(function*() {
    for (let i = 0; i < seconds; i++) {
      yield* TestClock.adjust("1 second")
      yield* TestClock.withLive(Effect.sleep("15 millis"))
    }
  })

/** Advances until `check` holds (at most `seconds` simulated seconds). */
const advanceUntil = <A, E, R>(what: string, seconds: number, check: Effect.Effect<A, E, R>, holds: (a: A) => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < seconds; i += 5) {
      const value = yield* check
      if (holds(value)) return value
      yield* advance(5)
    }
    const sql = yield* SqlClient.SqlClient
    const state = {
      game: (yield* Diagnostics).get(`game:${GAME.eventId}`),
      mappings: yield* sql`SELECT platform, market_id, outcome_id, meaning FROM market_mappings`,
      signals: yield* sql`SELECT kind, status, reason_code, denial_reason FROM signals`,
      orders: yield* sql`SELECT client_order_id, status, last_error, limit_price_micros::text, quantity::text, filled_quantity::text FROM orders`,
      games: yield* sql`SELECT game_id, status FROM games`
    }
    return yield* Effect.die(new Error(`simulated ${seconds} s without ${what}; last: ${JSON.stringify(yield* check)}; ${JSON.stringify(state)}`))
  })

const pacers: OutcomeRef = { platform: "polymarket", marketId: CONDITION as MarketId, outcomeId: PACERS as OutcomeId }
const pelicans: OutcomeRef = { platform: "polymarket", marketId: CONDITION as MarketId, outcomeId: PELICANS as OutcomeId }
const indYes: OutcomeRef = { platform: "kalshi", marketId: IND as MarketId, outcomeId: "yes" as OutcomeId }

/**
 * Waits, with the simulated clock standing still, until the runtime's books show each outcome's
 * new touch (bid, ask), then gives the actors a moment (real time) to act on it at this same
 * simulated instant.
 */
const booksShow = (sub: BookSubscription, touches: ReadonlyArray<readonly [OutcomeRef, string, string]>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 2_000; i++) {
      let shown = true
      for (const [outcome, bid, ask] of touches) {
        const top = (yield* sub.latest(outcome))?.top
        if (top?.bid?.price !== priceOf(bid) || top?.ask?.price !== priceOf(ask)) shown = false
      }
      if (shown) return yield* TestClock.withLive(Effect.sleep("100 millis"))
      yield* TestClock.withLive(Effect.sleep("5 millis"))
    }
    return yield* Effect.die(new Error(`the runtime's books never showed ${JSON.stringify(touches)}`))
  })

describe("a whole simulated game", () => {
  it.effect(
    "the model trades, the upkeep takes profit, the rest settles from the venue's result, and the CLI lists it all",
    () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(START - 16 * 60_000)
        yield* Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          const diagnostics = yield* Diagnostics
          const polymarket = fake!
          // Before the game: the Pacers trade at 0.30/0.32, the Pelicans at 0.68/0.70
          polymarket.setBook(PACERS, CONDITION, [["0.30", "200"]], [["0.32", "200"]])
          polymarket.setBook(PELICANS, CONDITION, [["0.68", "200"]], [["0.70", "200"]])
          polymarket.listClobMarket(CONDITION, [{ tokenId: PELICANS, outcome: "Pelicans" }, { tokenId: PACERS, outcome: "Pacers" }])
          // On Kalshi, Indiana YES bids 0.15 and NO bids 0.25: YES asks 0.75, NO asks 0.85 (no edge either way)
          const kalshi = fakeKalshi!
          kalshi.setBook(IND, [["0.15", "200"]], [["0.25", "200"]])

          // The orchestrator activates the game 15 minutes before its start and tracks the matched market
          yield* advanceUntil("the game actor", 5 * 60, Effect.sync(() => diagnostics.get(`game:${GAME.eventId}`)?.status), (s) => s === "running")
          // The runtime's own books, as the actors and the paper venue read them
          const hubBooks = yield* (yield* MarketDataHub).subscribe([pacers, pelicans, indYes])
          yield* booksShow(hubBooks, [[pacers, "0.30", "0.32"], [pelicans, "0.68", "0.70"], [indYes, "0.15", "0.75"]])
          // Tip-off: the model makes the home side a coin flip or better; the Pacers at 0.32 are an edge
          const entry = yield* advanceUntil("the first entry's fill", 20 * 60, sql<{ n: number }>`SELECT count(*)::int AS n FROM positions WHERE status = 'open'`, (r) => r[0]!.n > 0)
          assert.strictEqual(entry[0]!.n, 1)
          // `arbees diagnostics` shows the game's teams and markets (JSON and --pretty)
          const details = diagnostics.get(`game:${GAME.eventId}`)!.details
          assert.strictEqual(details["game"], "New Orleans Pelicans at Indiana Pacers (nba)")
          const gameMarkets = details["markets"] as ReadonlyArray<string>
          assert.isTrue(gameMarkets.some((m) => m.includes(IND)) && gameMarkets.some((m) => m.includes(CONDITION.slice(0, 10))), gameMarkets.join(" | "))
          const pretty = formatTree(yield* diagnostics.snapshot).split("\n")
          const at = pretty.findIndex((l) => l.includes(`game:${GAME.eventId} [`))
          assert.match(pretty[at + 1]!, /^[│ ]*game New Orleans Pelicans at Indiana Pacers \(nba\)$/)
          assert.deepStrictEqual(pretty.slice(at + 2, at + 2 + gameMarkets.length).map((l) => l.replace(/^[│ ]*market /, "")), gameMarkets)

          // The Pacers' price rises by more than the take-profit (0.03 in the position's own price): the upkeep exits
          polymarket.setBook(PACERS, CONDITION, [["0.38", "300"]], [["0.40", "10"]])
          polymarket.setBook(PELICANS, CONDITION, [["0.60", "10"]], [["0.62", "300"]])
          yield* booksShow(hubBooks, [[pacers, "0.38", "0.40"], [pelicans, "0.60", "0.62"]])
          yield* advanceUntil("the take-profit exit", 5 * 60, sql<{ n: number }>`SELECT count(*)::int AS n FROM positions WHERE status = 'closed' AND exit_reason = 'take_profit'`, (r) => r[0]!.n === 1)

          // After the win cooldown, Indiana is cheap on Kalshi (YES bid 0.33, ask 0.35) and dear on
          // Polymarket (0.78/0.80): a second entry, on Kalshi, held to the end
          polymarket.setBook(PACERS, CONDITION, [["0.78", "200"]], [["0.80", "200"]])
          polymarket.setBook(PELICANS, CONDITION, [["0.20", "200"]], [["0.22", "200"]])
          kalshi.delta(IND, "yes", "0.15", "-200")
          kalshi.delta(IND, "yes", "0.33", "200")
          kalshi.delta(IND, "no", "0.25", "-200")
          kalshi.delta(IND, "no", "0.65", "200")
          yield* booksShow(hubBooks, [[pacers, "0.78", "0.80"], [pelicans, "0.20", "0.22"], [indYes, "0.33", "0.35"]])
          yield* advanceUntil("the second entry", 10 * 60, sql<{ n: number }>`SELECT count(*)::int AS n FROM positions WHERE status = 'open' AND platform = 'kalshi'`, (r) => r[0]!.n === 1)
          // Late in the game the Pacers lead: their price is above the hold-to-settle mark (0.85) on both venues
          polymarket.setBook(PACERS, CONDITION, [["0.90", "200"]], [["0.92", "200"]])
          polymarket.setBook(PELICANS, CONDITION, [["0.08", "200"]], [["0.10", "200"]])
          kalshi.delta(IND, "yes", "0.33", "-200")
          kalshi.delta(IND, "yes", "0.90", "200")
          kalshi.delta(IND, "no", "0.65", "-200")
          kalshi.delta(IND, "no", "0.08", "200")
          yield* booksShow(hubBooks, [[pacers, "0.90", "0.92"], [pelicans, "0.08", "0.10"], [indYes, "0.90", "0.92"]])

          // The final whistle (ESPN): a provisional mark only; the position stays open until the venue resolves
          yield* advanceUntil("ESPN's final", 60 * 60, sql<{ status: string }>`SELECT status FROM games WHERE game_id = ${GAME.eventId}`, (r) => r[0]?.status === "final")
          yield* advance(60)
          // The venues have not resolved yet: still open, marked provisionally at ESPN's result (the Pacers won: $1)
          const stillOpen = yield* sql<{ platform: string; mark: string }>`SELECT platform, mark_price_micros::text AS mark FROM positions WHERE status = 'open'`
          assert.isAtLeast(stillOpen.length, 1)
          assert.isTrue(stillOpen.some((p) => p.platform === "kalshi"))
          assert.isTrue(stillOpen.every((p) => Number(p.mark) === 1_000_000))
          assert.strictEqual(diagnostics.get(`game:${GAME.eventId}`)?.status, "running", "not released while it holds a position")

          // The venues resolve for the Pacers: Polymarket on the market channel, Kalshi's market
          // `result` (read by the upkeep's poll, every 30 s while positions are open)
          polymarket.resolve(CONDITION, { winner: PACERS }, true)
          kalshi.settle(IND, "yes")
          kalshi.settle(NOP, "no")
          yield* advanceUntil("the settlement", 5 * 60, sql<{ n: number }>`SELECT count(*)::int AS n FROM positions WHERE status = 'open'`, (r) => r[0]!.n === 0)
          // Holding nothing, the finished game's actor is released
          yield* advanceUntil("the release", 5 * 60, Effect.sync(() => diagnostics.get(`game:${GAME.eventId}`)?.status), (s) => s === "passivated")

          // Every order, fill, position and posting, through the CLI
          const env = cleanEnv({ DATABASE_URL: (yield* Database).target })
          const orders = yield* Effect.promise(() => runCli(["orders", "--json"], { env }))
          assert.strictEqual(orders.code, 0, orders.stderr)
          const positions = yield* Effect.promise(() => runCli(["positions", "--json"], { env }))
          assert.strictEqual(positions.code, 0, positions.stderr)
          const lines = [...orders.stdout.trim().split("\n"), ...positions.stdout.trim().split("\n")].map((l) => JSON.parse(l) as Record<string, any>)
          const listed = (list: string) => lines.filter((l) => l["list"] === list)
          const orderRows = listed("orders")
          const fillRows = listed("fills")
          const positionRows = listed("positions")
          const ledgerRows = listed("ledger")
          const [dbOrders] = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM orders`
          const [dbFills] = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM fills`
          assert.strictEqual(orderRows.length, dbOrders!.n)
          assert.strictEqual(fillRows.length, dbFills!.n)
          assert.deepStrictEqual(positionRows[0]!["status"], "closed")
          assert.deepStrictEqual([positionRows[0]!["platform"], positionRows[0]!["exit_reason"]], ["polymarket", "take_profit"])
          const settledRows = positionRows.slice(1)
          assert.isTrue(settledRows.every((p) => p["status"] === "settled" && p["settlement_price_micros"] === "1000000"))
          assert.includeMembers(settledRows.map((p) => p["settlement_reason"]), ["kalshi:KalshiResult"])
          assert.includeMembers(orderRows.map((o) => o["purpose"]), ["entry", "exit"])

          // The hand calculation. Polymarket (fee 0.03 × p × (1 − p) per contract, floored to $0.00001):
          //   buy 100 Pacers @0.32 at tip-off:      −32.00 − 0.03×100×0.32×0.68 (0.6528) = −32.6528
          //   take-profit: sell 100 @0.38 (bid):    +38.00 − 0.03×100×0.38×0.62 (0.7068) = +37.2932
          //   realised                                                                      +4.6404
          // Kalshi (taker fee ⌈0.07 × C × p × (1 − p)⌉ to the cent, per order):
          //   buy 100 Indiana YES @0.35 (the ask, 1 − the NO bid 0.65): −35.00 − ⌈1.5925⌉ (1.60) = −36.60
          //   settled by Kalshi's result (yes): +100 × $1                                      +100.00
          //   realised                                                                          +63.40
          // The run's P&L: 4.6404 + 63.40 = $68.0404
          const PNL = 68_040_400
          const trades = fillRows.map((f) => [f["platform"], f["action"], f["price_micros"], f["quantity"], f["fee_micros"]])
          assert.deepStrictEqual(trades, [
            ["polymarket", "buy", "320000", "100000000", "652800"],
            ["polymarket", "sell", "380000", "100000000", "706800"],
            ["kalshi", "buy", "350000", "100000000", "1600000"]
          ])
          assert.deepStrictEqual(positionRows.map((p) => [p["platform"], p["status"], p["realized_pnl_micros"]]), [
            ["polymarket", "closed", "4640400"],
            ["kalshi", "settled", "63400000"]
          ])
          const pnl = positionRows.reduce((n, p) => n + Number(p["realized_pnl_micros"]), 0)
          assert.strictEqual(pnl, PNL)
          const bankroll = listed("bankroll")[0]!
          assert.strictEqual(bankroll["balanced"], true)
          const available = ledgerRows.filter((l) => l["bucket"] === "available").reduce((n, l) => n + Number(l["amount"]), 0)
          const books = yield* BankrollActor.readBalance("paper")
          assert.strictEqual(available, books.balance, "balance = Σ ledger")
          const initial = 1_000_000_000
          assert.strictEqual(books.balance + books.piggybank - initial, pnl, "the bankroll moved by exactly the P&L")
          // The reported run: its P&L and the realism settings behind it
          const realism = fillRows[0]!["realism"]
          yield* Effect.logInfo("whole-game simulation").pipe(Effect.annotateLogs({ pnlMicros: pnl, fills: fillRows.length, orders: orderRows.length, realism: JSON.stringify(realism), settings: JSON.stringify(PAPER) }))
          console.log(`WHOLE-GAME P&L ${pnl / 1_000_000} USD over ${orderRows.length} orders / ${fillRows.length} fills; realism ${JSON.stringify(realism)}`)
          for (const f of fillRows) console.log(`WHOLE-GAME fill ${f["platform"]} ${f["client_order_id"]} ${f["action"]} ${Number(f["quantity"]) / 1e6} @ ${Number(f["price_micros"]) / 1e6} fee ${Number(f["fee_micros"]) / 1e6}`)
          for (const p of positionRows) console.log(`WHOLE-GAME position ${p["platform"]} ${p["position_id"]} ${p["status"]} qty ${Number(p["entry_quantity"]) / 1e6} realised ${Number(p["realized_pnl_micros"]) / 1e6}`)
          assert.strictEqual(realism.latencyMillis, 500)
          assert.strictEqual(realism.seed, 42)

          // What the log said, at info level: one line per meaningful event
          const said = (message: string) => infoLines.filter((l) => l.message === message && l.annotations["gameId"] === GAME.eventId)
          const tracked = said("game tracked")
          assert.strictEqual(tracked.length, 1, JSON.stringify(tracked))
          assert.deepStrictEqual(
            [tracked[0]!.annotations["league"], tracked[0]!.annotations["game"], tracked[0]!.annotations["start"]],
            ["nba", "New Orleans Pelicans at Indiana Pacers", new Date(START).toISOString()]
          )
          const matched = said("markets matched")
          // Told again when the mapping changes (say, a venue's fee terms arrive and more outcomes become tradeable)
          assert.deepStrictEqual([...new Set(matched.map((l) => String(l.annotations["platform"])))].sort(), ["kalshi", "polymarket"])
          const markets = (platform: string) => String(matched.find((l) => l.annotations["platform"] === platform)!.annotations["markets"]).split(",")
          assert.includeMembers(markets("kalshi"), [IND])
          assert.includeMembers(markets("polymarket"), [CONDITION])
          for (const l of matched) assert.isAbove(String(l.annotations["evidence"]).length, 0, "matched with its evidence")
          const live = said("book live").map((l) => String(l.annotations["outcome"]))
          assert.isTrue(live.some((o) => o.includes(IND)) && live.some((o) => o.includes(PACERS.slice(0, 8))), live.join(" | "))
          const model = said("model")
          assert.isAtLeast(model.length, 2)
          for (const l of model) assert.match(String(l.annotations["home"]), /^\d+(\.\d+)?%$/)
          // The two entries were signals the risk singleton approved (the take-profit exit is the upkeep's)
          const approved = said("signal approved")
          assert.strictEqual(approved.filter((l) => l.annotations["purpose"] === "entry").length, 2, JSON.stringify(approved))
          for (const l of approved) {
            assert.strictEqual(l.annotations["strategy"], "model_edge")
            assert.isTrue(Number.isInteger(l.annotations["edgeBps"]), JSON.stringify(l.annotations))
          }
          // Every fill and position told once; every order told, with its game
          assert.strictEqual(infoLines.filter((l) => /^fill (buy|sell) /.test(l.message)).length, fillRows.length)
          assert.isAtLeast(infoLines.filter((l) => /^paper order /.test(l.message) && l.message.includes(`game ${GAME.eventId}`)).length, orderRows.length)
          const told = infoLines.filter((l) => l.message.startsWith("position ")).map((l) => l.message)
          assert.isTrue(told.some((m) => / closed /.test(m)) && told.some((m) => / settled /.test(m)), told.join(" | "))
        }).pipe(Effect.provide(runtime), Effect.provide(captureInfo), Random.withSeed(SEED))
      }),
    { timeout: 300_000 }
  )
})
