/**
 * A test-clock simulation of one NBA game through the real risk singleton (the `Risk` entity over
 * the cluster, on a real Postgres): the evening's signals are denied for every reason in turn, and
 * each rule that can pass in the same run passes once its condition clears.
 *
 * The account's state is changed only the way the runtime changes it: the trading state through
 * `setTradingState` (what `arbees trading` and the admin endpoint call), venue health through
 * `recordVenueError` / `setReconciling`, money through the bankroll (reservations, closes,
 * withdrawals), venue submissions through `Trades.recordOrder`, the game halt through the column
 * the game actor writes. For every decision the test reads back the persisted
 * `signals.reason_code` and the increment of `arbees_signals_total{decision,reason}`.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Clock, Effect, Exit, Fiber, Layer, Metric } from "effect"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import * as Bankroll from "../../src/actors/Bankroll.ts"
import * as RiskActor from "../../src/actors/Risk.ts"
import type { CheckRequest, Verdict } from "../../src/actors/Risk.ts"
import * as Trades from "../../src/actors/Trades.ts"
import { reasonCodes } from "../../src/domain/risk/Rules.ts"
import type { ClientOrderId, GameId, MarketId, OutcomeId, SignalId } from "../../src/schema/Ids.ts"
import type { OutcomeMeaning, OutcomeRef } from "../../src/schema/Market.ts"
import * as Money from "../../src/schema/Money.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import { DeadLetters } from "../../src/services/DeadLetters.ts"
import { Diagnostics } from "../../src/services/Diagnostics.ts"
import { EventBus } from "../../src/services/bus/EventBus.ts"
import { Outbox } from "../../src/services/bus/Outbox.ts"
import { actorRuntime } from "../support/Runtime.ts"

const $ = Money.dollars
const ACCOUNT = "paper"
// Tip-off of the simulated game: an evening in December, Eastern time
const T0 = Date.UTC(2026, 11, 2, 0, 30)

const GAME = "401810777" as GameId
const OTHER_NBA = "401810778"
const NHL = "401810779"
const market = (platform: "kalshi" | "polymarket", marketId: string, outcomeId: string): OutcomeRef =>
  ({ platform, marketId: marketId as MarketId, outcomeId: outcomeId as OutcomeId })
const K_HOME = market("kalshi", "KXNBAGAME-26DEC01LALBOS-BOS", "yes")
const P_HOME = market("polymarket", `0x${"cd".repeat(32)}`, "71321")
const P_AWAY = market("polymarket", `0x${"cd".repeat(32)}`, "71322")
const ELSEWHERE_NBA = market("kalshi", "KXNBAGAME-26DEC01NYKMIA-MIA", "yes")
const ELSEWHERE_NHL = market("kalshi", "KXNHLGAME-26DEC01TORMTL-MTL", "yes")

const overrides = {
  "bankroll.initial": "1000",
  "risk.maxPositionFraction": "0.03",
  "risk.maxMarketExposure": "40",
  "risk.maxDrawdown": "0.05",
  "execution.killSwitchDailyLoss": "150",
  "execution.maxContractsPerMarket": "150",
  "execution.maxContractsPerGame": "200",
  "execution.maxContractsPerSport": "300",
  "execution.maxContractsTotal": "400"
}

const runtime = RiskActor.layer.pipe(
  Layer.provideMerge(Outbox.layerNoRelay),
  Layer.provideMerge(EventBus.layerMemory),
  Layer.provideMerge(DeadLetters.layer),
  Layer.provideMerge(actorRuntime("postgres", overrides))
)

/**
 * Runs a cluster call while the simulated clock moves slowly (the reply to a persisted message is
 * polled every 200 ms), so its internal waits can complete. The intents' ages and expiry leave
 * seconds of simulated slack for a loaded machine.
 */
const call = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.forkChild(Effect.exit(effect))
    while (fiber.pollUnsafe() === undefined) {
      yield* TestClock.adjust("5 millis")
      yield* TestClock.withLive(Effect.sleep("2 millis"))
    }
    const exit = yield* Fiber.join(fiber)
    if (Exit.isSuccess(exit)) return exit.value
    throw Cause.squash(exit.cause)
  })

/** Moves the simulated clock in steps, letting the cluster's timers and the database keep up. */
const advance = (seconds: number, step = 1) =>
  Effect.gen(function*() {
    for (let i = 0; i < seconds; i += step) {
      yield* TestClock.adjust(`${step} seconds`)
      yield* TestClock.withLive(Effect.sleep("2 millis"))
    }
  })

const kalshiLeg = { fees: { _tag: "KalshiFeeSchedule" as const, feeType: "quadratic" as const, multiplier: 1_000_000 }, venue: { _tag: "kalshi" as const, fractional: false, tickSize: Money.price(1) } }
const polyLeg = { fees: { _tag: "PolymarketFeeSchedule" as const, rate: 30_000, exponent: 1, takerOnly: true }, venue: { _tag: "polymarket" as const, tickSize: Money.price(1), minOrderSize: Money.qtyOf("5"), minNotional: $("1") } }

interface Edge {
  readonly outcome?: OutcomeRef
  readonly meaning?: OutcomeMeaning
  readonly ask?: string
  readonly size?: string
  readonly limit?: string
  readonly probability?: number
  readonly tick?: string
  readonly bookAge?: number
  readonly stateAge?: number
  readonly modelAge?: number
  readonly purpose?: "entry" | "exit"
  readonly expiry?: number
}

let serial = 0
const signalOf = (now: number, kind: "model_edge" | "cross_venue_arb", legs: CheckRequest["legs"], expiry = 30_000): CheckRequest["signal"] => ({
  signalId: `s${GAME}-${++serial}` as SignalId,
  kind,
  gameId: GAME,
  legs: legs.map((l) => ({ outcome: l.outcome, action: l.action, limit: l.limit, available: l.asks[0]?.size ?? Money.qtyOf("0") })) as unknown as CheckRequest["signal"]["legs"],
  edgeBps: Money.bps(500),
  strategy: kind === "model_edge" ? "model_edge" : "arbitrage",
  createdAt: now,
  expiresAt: now + expiry
})

/** A model-edge intent as the game actor sends it: home at 0.50 × 200, the model at 60%. */
const edge = (e: Edge = {}) =>
  Effect.map(Clock.currentTimeMillis, (now): CheckRequest => {
    const outcome = e.outcome ?? K_HOME
    const terms = outcome.platform === "kalshi" ? kalshiLeg : polyLeg
    const legs: CheckRequest["legs"] = [{
      outcome,
      meaning: e.meaning ?? "home_win",
      action: e.purpose === "exit" ? "sell" : "buy",
      limit: Money.priceOf(e.limit ?? "0.55"),
      asks: [{ price: Money.priceOf(e.ask ?? "0.50"), size: Money.qtyOf(e.size ?? "200") }],
      fees: terms.fees,
      venue: e.tick === undefined ? terms.venue : { ...kalshiLeg.venue, tickSize: Money.priceOf(e.tick) },
      bookAsOf: now - (e.bookAge ?? 1_000)
    }]
    return {
      signal: signalOf(now, "model_edge", legs, e.expiry),
      sport: "nba",
      purpose: e.purpose ?? "entry",
      legs,
      threshold: { _tag: "edge", probability: e.probability ?? 0.6, minEdge: Money.bpsOf("0.05"), kelly: true },
      withDraw: false,
      gameStateChangedAt: now - (e.stateAge ?? 2_000),
      modelAt: now - (e.modelAge ?? 2_000)
    }
  })

/** A cross-venue arbitrage: home YES on Kalshi at 0.40 + away on Polymarket at 0.50, 100 each. */
const arb = Effect.map(Clock.currentTimeMillis, (now): CheckRequest => {
  const legs: CheckRequest["legs"] = [
    { outcome: K_HOME, meaning: "home_win", action: "buy", limit: Money.priceOf("0.45"), asks: [{ price: Money.priceOf("0.40"), size: Money.qtyOf("100") }], ...kalshiLeg, bookAsOf: now - 500 },
    { outcome: P_AWAY, meaning: "away_win", action: "buy", limit: Money.priceOf("0.55"), asks: [{ price: Money.priceOf("0.50"), size: Money.qtyOf("100") }], ...polyLeg, bookAsOf: now - 500 }
  ]
  return {
    signal: signalOf(now, "cross_venue_arb", legs),
    sport: "nba",
    purpose: "entry",
    legs,
    threshold: { _tag: "sets", minProfitPerSet: $("0.01") },
    withDraw: false,
    gameStateChangedAt: now - 60_000
  }
})

const counted = (decision: "approved" | "denied", reason: string) =>
  Effect.map(Metric.value(Metric.withAttributes(RiskActor.signalsTotal, { decision, reason })), (s) => s.count)

const seen = new Map<string, number>()

/** Sends the intent to the risk singleton; checks the verdict, the signal row and the metric. */
const expect = (request: CheckRequest, reason: string) =>
  Effect.gen(function*() {
    const decision = reason === "APPROVED" ? "approved" : "denied"
    const before = yield* counted(decision, reason)
    const client = yield* RiskActor.Risk.client
    const verdict: Verdict = yield* call(client(RiskActor.RISK_ID).Check(request))
    const got = verdict._tag === "Approved" ? "APPROVED" : verdict.denial.code
    assert.strictEqual(got, reason, verdict._tag === "Denied" ? verdict.denial.message : "approved")
    const sql = yield* SqlClient.SqlClient
    const [row] = yield* sql<{ status: string; reason_code: string }>`SELECT status, reason_code FROM signals WHERE signal_id = ${request.signal.signalId}`
    assert.deepStrictEqual(row, { status: decision === "approved" ? "accepted" : "denied", reason_code: reason }, request.signal.signalId)
    assert.strictEqual((yield* counted(decision, reason)) - before, 1, `arbees_signals_total{decision=${decision},reason=${reason}}`)
    seen.set(reason, (seen.get(reason) ?? 0) + 1)
    // An approval reserved money; these intents never become orders, so their reservations die
    if (verdict._tag === "Approved" && request.purpose === "entry") {
      for (let i = 0; i < request.legs.length; i++) yield* Bankroll.releaseReservation(ACCOUNT, `${request.signal.signalId}-${i}`, "never ordered")
    }
    return verdict
  })

/**
 * The same checks for a decision in live mode, where Kalshi trades live (its own account) and
 * Polymarket is paper-only: the process's configuration is paper, so this one decision is made
 * on the live books directly (what the singleton does with `mode=live` and Kalshi's credentials).
 */
const expectLive = (request: CheckRequest, reason: string) =>
  Effect.gen(function*() {
    const before = yield* counted("denied", reason)
    const { config } = yield* AppConfig
    const verdict = yield* RiskActor.decideAndRecord({ account: ACCOUNT, live: new Set(["kalshi"]) }, request, RiskActor.limitsFrom(config), true)
    assert.deepStrictEqual(verdict._tag === "Denied" ? verdict.denial.code : "APPROVED", reason)
    const sql = yield* SqlClient.SqlClient
    const [row] = yield* sql<{ status: string; reason_code: string }>`SELECT status, reason_code FROM signals WHERE signal_id = ${request.signal.signalId}`
    assert.deepStrictEqual(row, { status: "denied", reason_code: reason })
    assert.strictEqual((yield* counted("denied", reason)) - before, 1)
    seen.set(reason, (seen.get(reason) ?? 0) + 1)
  })

const deny = (request: Effect.Effect<CheckRequest>, reason: string) => Effect.flatMap(request, (r) => expect(r, reason))
const passes = (request: Effect.Effect<CheckRequest> = edge()) => Effect.flatMap(request, (r) => expect(r, "APPROVED"))

let held = 0
/** Money other approved orders hold: a reservation, released by the returned effect. */
const holding = (gameId: string, sport: string, outcome: OutcomeRef, amount: string, contracts: string) =>
  Effect.gen(function*() {
    const id = `other-${++held}`
    yield* Bankroll.reserve(ACCOUNT, [{ reservationId: id, signalId: id, gameId, sport, outcome, amount: $(amount), contracts: Money.qtyOf(contracts) }])
    return Bankroll.releaseReservation(ACCOUNT, id, "released")
  })

let closed = 0
const close = (pnl: string) => Bankroll.closePosition({ positionId: `pos-${++closed}`, gameId: GAME, sport: "nba", outcome: K_HOME, realizedPnl: $(pnl) })

const seed = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`INSERT INTO games (game_id, league, sport, home_team_id, home_team, home_abbr, away_team_id, away_team, away_abbr, start_time, status)
             VALUES (${GAME}, 'nba', 'nba', '2', 'Boston Celtics', 'BOS', '13', 'Los Angeles Lakers', 'LAL', to_timestamp(${T0 / 1000}), 'in_progress')`
  const mapping = (o: OutcomeRef, meaning: OutcomeMeaning) =>
    sql`INSERT INTO market_mappings (game_id, platform, market_id, outcome_id, meaning, method, confidence, evidence)
        VALUES (${GAME}, ${o.platform}, ${o.marketId}, ${o.outcomeId}, ${meaning}, 'deterministic', 1, '{}'::jsonb)`
  yield* mapping(K_HOME, "home_win")
  yield* mapping(P_HOME, "home_win")
  yield* mapping(P_AWAY, "away_win")
})

describe("one game through the risk singleton", () => {
  it.effect(
    "denies a signal for every reason in turn, recorded on the signal and counted in arbees_signals_total",
    () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(T0)
        yield* Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          // The ledger check ran at start-up, on the supervision tree `arbees diagnostics` prints
          const ledgerNode = (yield* Diagnostics).get("ledger")
          assert.strictEqual(ledgerNode?.status, "running")
          assert.strictEqual((ledgerNode?.details["ledgerCheck"] as { ok: boolean } | undefined)?.ok, true)
          yield* seed
          // The clean intent: approved (¼ Kelly, bounded by the 3% position cap of $30). The first
          // message also starts the cluster's shards, which takes simulated seconds
          const first = yield* passes(edge({ expiry: 120_000 }))
          assert.strictEqual(first._tag === "Approved" && first.legs[0]!.amount <= $("30"), true)

          // The operator halts, then puts trading in exits-only, from the CLI or the dashboard
          yield* RiskActor.setTradingState("HALTED", "drill", "cli")
          yield* deny(edge(), "TRADING_HALTED")
          yield* RiskActor.setTradingState("REDUCING", "drill", "cli")
          yield* deny(edge(), "TRADING_REDUCING")
          // An exit passes the trading state; with nothing held there is nothing to sell
          yield* deny(edge({ purpose: "exit" }), "NO_HOLDING")
          yield* RiskActor.setTradingState("ACTIVE", "drill over", "cli")
          yield* passes()

          // A signal that waited past its expiry
          const late = yield* edge()
          yield* advance(31)
          yield* expect(late, "SIGNAL_EXPIRED")

          // The game actor halts the game (a crash loop)
          yield* sql`UPDATE games SET trading_halted = true, halted_reason = 'crash loop' WHERE game_id = ${GAME}`
          yield* deny(edge(), "GAME_HALTED")
          yield* sql`UPDATE games SET trading_halted = false WHERE game_id = ${GAME}`
          yield* passes()

          // Kalshi reconciles, then errors five times in a row: paused for the error cooldown
          yield* RiskActor.setReconciling("kalshi", true)
          yield* deny(edge(), "RECONCILING")
          yield* RiskActor.setReconciling("kalshi", false)
          for (let i = 0; i < 5; i++) yield* RiskActor.recordVenueError("kalshi")
          yield* deny(edge(), "VENUE_ERROR_PAUSE")
          yield* advance(61)
          yield* passes()
          yield* RiskActor.recordVenueSuccess("kalshi")

          // Staleness at decision time, and a price outside the sanity bounds
          yield* deny(edge({ bookAge: 31_000 }), "STALE_BOOK")
          yield* deny(edge({ stateAge: 31_000 }), "STALE_GAME_STATE")
          yield* deny(edge({ modelAge: 31_000 }), "STALE_MODEL")
          yield* deny(edge({ ask: "0.97", limit: "0.99", probability: 0.999 }), "PRICE_SANITY")

          // 20 venue submissions on Kalshi within a minute (exits of other positions)
          for (let i = 0; i < 20; i++) {
            yield* Trades.recordOrder({
              clientOrderId: `exit-order-${i}` as ClientOrderId,
              gameId: GAME,
              outcome: K_HOME,
              action: "sell",
              limitPrice: Money.priceOf("0.60"),
              quantity: Money.qtyOf("1"),
              timeInForce: "ioc",
              postOnly: false,
              purpose: "exit",
              paper: true
            })
          }
          yield* deny(edge(), "ORDER_RATE")
          yield* advance(61)
          yield* passes()

          // Holdings in the game: two outcomes held, a third is one too many; holding home, away is the other side
          const home = yield* holding(GAME, "nba", K_HOME, "5", "10")
          const polyHome = yield* holding(GAME, "nba", P_HOME, "5", "10")
          yield* deny(edge({ outcome: P_AWAY, meaning: "away_win", ask: "0.40", probability: 0.5 }), "POSITIONS_PER_GAME")
          yield* polyHome
          yield* deny(edge({ outcome: P_AWAY, meaning: "away_win", ask: "0.40", probability: 0.5 }), "CORRELATION")
          yield* home
          yield* passes(edge({ outcome: P_AWAY, meaning: "away_win", ask: "0.40", probability: 0.5 }))

          // Exposure in money and contracts: this game, the sport, everything, the market, the position
          const caps: ReadonlyArray<readonly [string, string, OutcomeRef, string, string, string]> = [
            ["GAME_EXPOSURE", GAME, K_HOME, "50", "100", "nba"],
            ["SPORT_EXPOSURE", OTHER_NBA, ELSEWHERE_NBA, "200", "100", "nba"],
            ["TOTAL_EXPOSURE", NHL, ELSEWHERE_NHL, "500", "100", "nhl"],
            ["GAME_CONTRACTS", GAME, K_HOME, "20", "200", "nba"],
            ["SPORT_CONTRACTS", OTHER_NBA, ELSEWHERE_NBA, "30", "300", "nba"],
            ["TOTAL_CONTRACTS", NHL, ELSEWHERE_NHL, "40", "400", "nhl"],
            ["MARKET_CONTRACTS", GAME, K_HOME, "15", "150", "nba"],
            ["MARKET_EXPOSURE", GAME, K_HOME, "40", "80", "nba"],
            ["POSITION_FRACTION", GAME, K_HOME, "30", "60", "nba"]
          ]
          for (const [reason, gameId, outcome, amount, contracts, sport] of caps) {
            const release = yield* holding(gameId, sport, outcome, amount, contracts)
            yield* deny(edge(), reason)
            yield* release
          }
          yield* passes()

          // Sizing: $1.50 of room left on home buys 3 sets, under Polymarket's 5-share minimum; $0.30 buys no contract
          const nearly = yield* holding(GAME, "nba", K_HOME, "28.50", "57")
          yield* deny(arb, "VENUE_MINIMUM")
          yield* nearly
          yield* passes(arb)
          // Live mode with Polymarket paper-only: an arbitrage across it and live Kalshi is refused
          yield* Bankroll.openAccount("live:kalshi", $("100"))
          yield* Effect.flatMap(arb, (r) => expectLive(r, "VENUE_PAPER_ONLY"))
          const full = yield* holding(GAME, "nba", K_HOME, "29.70", "59")
          yield* deny(edge(), "SIZE_ZERO")
          yield* full
          // The owner withdraws all but $10 and $10 is promised elsewhere: nothing available (not a drawdown)
          yield* Bankroll.post(ACCOUNT, { kind: "withdrawal", bucket: "available", amount: $("-990"), reference: "withdrawal-1" })
          const promised = yield* holding(NHL, "nhl", ELSEWHERE_NHL, "10", "20")
          yield* deny(edge(), "INSUFFICIENT_FUNDS")
          yield* promised
          yield* Bankroll.post(ACCOUNT, { kind: "deposit", bucket: "available", amount: $("990"), reference: "deposit-1" })
          yield* deny(edge({ size: "19" }), "INSUFFICIENT_LIQUIDITY")
          yield* deny(edge({ probability: 0.55 }), "BELOW_THRESHOLD")
          yield* deny(edge({ tick: "0.01", ask: "0.505" }), "PRICE_TICK")
          yield* passes()

          // Positions close: cooldowns after a win and a loss, then three losses in a row
          yield* close("1")
          yield* deny(edge(), "WIN_COOLDOWN")
          yield* advance(181)
          yield* passes()
          yield* close("-1")
          yield* deny(edge(), "LOSS_COOLDOWN")
          yield* advance(301)
          yield* passes()
          yield* close("-1")
          yield* close("-1")
          yield* deny(edge(), "CONSECUTIVE_LOSSES")

          // A bad fourth quarter: 5% down from the peak, then the day's loss limit, then the kill switch
          yield* close("-50")
          yield* deny(edge(), "DRAWDOWN")
          yield* close("-50")
          yield* deny(edge(), "DAILY_LOSS")
          yield* close("-50")
          yield* deny(edge(), "KILL_SWITCH")
          const state = yield* RiskActor.readTradingState()
          assert.deepStrictEqual([state.state, state.changedBy], ["HALTED", "kill switch"])
          yield* deny(edge(), "TRADING_HALTED")

          // Someone edits the bankroll by hand; the risk singleton restarts (idle past its hour)
          // and its ledger check refuses every trade
          // (with the balance triggers off, as a careless restore would)
          yield* sql.withTransaction(Effect.andThen(
            sql`SET LOCAL session_replication_role = replica`,
            sql`UPDATE bankroll SET balance_micros = balance_micros + 1 WHERE account = ${ACCOUNT}`
          ))
          yield* advance(2 * 3600, 5)
          // (the restart takes the cluster simulated seconds: a longer-lived signal)
          yield* deny(edge({ expiry: 120_000 }), "LEDGER_MISMATCH")

          // Every reason, in the record and in the metric
          const missing = reasonCodes.filter((c) => !seen.has(c))
          assert.deepStrictEqual(missing, [])
          const rows = yield* sql<{ reason_code: string; n: number }>`SELECT reason_code, count(*)::int AS n FROM signals GROUP BY reason_code ORDER BY reason_code`
          assert.deepStrictEqual(Object.fromEntries(rows.map((r) => [r.reason_code, r.n])), Object.fromEntries([...seen].sort(([a], [b]) => a.localeCompare(b))))
          const ledger = yield* Bankroll.ledgerCheck(ACCOUNT)
          assert.isFalse(ledger.ok)
        }).pipe(Effect.provide(runtime))
      }),
    { timeout: 180_000 }
  )
})
