import { assert, layer } from "@effect/vitest"
import { Clock, Deferred, Effect, Fiber } from "effect"
import { SqlClient } from "effect/sql"
import * as BankrollActor from "../../src/actors/Bankroll.ts"
import { ExecutionDriver } from "../../src/actors/Execution.ts"
import { checkExits, settleMarket } from "../../src/actors/Positions.ts"
import { type CheckRequest, decideAndRecord, limitsFrom, setTradingState } from "../../src/actors/Risk.ts"
import * as Trades from "../../src/actors/Trades.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import { kalshiFeeSchedule, type KalshiFeeSchedule } from "../../src/domain/fees/KalshiFees.ts"
import { polymarketFeeSchedule, type PolymarketFeeSchedule } from "../../src/domain/fees/PolymarketFees.ts"
import type { ClientOrderId, GameId, MarketId, OutcomeId, SignalId } from "../../src/schema/Ids.ts"
import type { OutcomeRef } from "../../src/schema/Market.ts"
import { dollars, type Micros, priceOf, qtyOf } from "../../src/schema/Money.ts"
import type { Action, TimeInForce } from "../../src/schema/Trading.ts"
import { Database } from "../../src/services/database/Database.ts"
import { formatScaled } from "../../src/schema/Money.ts"
import { cleanEnv, run as runCli } from "../support/Cli.ts"
import { harness, seedGame } from "../support/ExecutionHarness.ts"

const kalshiFees = kalshiFeeSchedule({ feeType: "quadratic_with_maker_fees", multiplier: 1_000_000 }) as KalshiFeeSchedule
const polyFees = polymarketFeeSchedule({ rate: 30_000, exponent: 1 }) as PolymarketFeeSchedule
const GAME = "401810001" as GameId
const kYes: OutcomeRef = { platform: "kalshi", marketId: "KXNBAGAME-26DEC02LALBOS-BOS" as MarketId, outcomeId: "yes" as OutcomeId }
const kNo: OutcomeRef = { ...kYes, outcomeId: "no" as OutcomeId }
const pHome: OutcomeRef = { platform: "polymarket", marketId: `0x${"ab".repeat(32)}` as MarketId, outcomeId: "1111" as OutcomeId }
const lv = (p: string, s: string) => ({ price: priceOf(p), size: qtyOf(s) })
const account = "paper"

// Take all the visible size, so the hand calculations stay short; the default share is tested in the venue and fill-model tests
const h = harness("postgres", { "paper.takeShare": "1", "exits.minHold": "1ms" })

/** Records an order as risk approved it (with its reservation) and places it. */
const place = (id: string, outcome: OutcomeRef, action: Action, limit: string, qty: string, tif: TimeInForce = "ioc", reserve?: string) =>
  Effect.gen(function*() {
    const driver = yield* ExecutionDriver
    if (reserve !== undefined) {
      yield* BankrollActor.reserve(account, [{ reservationId: id, signalId: `sig-${id}`, gameId: GAME, sport: "nba", outcome, amount: dollars(reserve), contracts: qtyOf(qty) }])
    }
    const recorded = yield* Trades.recordOrder({
      clientOrderId: id as ClientOrderId,
      signalId: `sig-${id}` as SignalId,
      gameId: GAME,
      outcome,
      action,
      limitPrice: priceOf(limit),
      quantity: qtyOf(qty),
      timeInForce: tif,
      postOnly: false,
      purpose: action === "buy" ? "entry" : "exit",
      paper: true
    })
    assert.isTrue(recorded)
    yield* driver.place(id)
    return (yield* Trades.readOrder(id))!
  })

/** The risk singleton's own decision (exits pass it), without the cluster around it. */
const riskCheck = (request: CheckRequest) => Effect.flatMap(AppConfig, ({ config }) => decideAndRecord(account, request, limitsFrom(config), true))

const balance = Effect.map(BankrollActor.readBalance(account), (b) => ({ balance: b.balance, reserved: b.reserved, piggybank: b.piggybank }))

const ledgerSum = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const [row] = yield* sql<{ total: string }>`SELECT coalesce(sum(amount_micros), 0)::text AS total FROM bankroll_ledger WHERE account = ${account} AND bucket = 'available'`
  return Number(row!.total) as Micros
})

layer(h.layer, { excludeTestServices: true, timeout: 120_000 })("execution on Postgres", (it) => {
  it.effect("Kalshi: partial fill, replayed fills, an exit at a profit, balance = Σ ledger to the micro-dollar", () =>
    Effect.gen(function*() {
      yield* seedGame(GAME, "nba")
      const { market } = h.handle()
      market.setFees(kYes, kalshiFees)
      yield* market.setBook(kYes, { bids: [lv("0.42", "40")], asks: [lv("0.43", "30"), lv("0.44", "50")] })

      // Risk reserved 100 @0.45 + fees: $45 + $1.74 = $46.74
      const order = yield* place("k-entry-0001", kYes, "buy", "0.45", "100", "ioc", "46.74")
      // 30@0.43 and 50@0.44, 20 cancelled; one order's fee: 0.07×30×0.43×0.57 = 0.51471 plus
      // 0.07×50×0.44×0.56 = 0.8624 is 1.37711 → $1.38, charged $0.52 then $0.86
      assert.strictEqual(order.status, "canceled")
      assert.strictEqual(order.filled, qtyOf("80"))
      // 1000 − 12.90 − 0.52 − 22.00 − 0.86 = 963.72; the reservation's remainder is released
      assert.deepStrictEqual(yield* balance, { balance: dollars("963.72"), reserved: dollars("0"), piggybank: dollars("0") })

      // The venue's stream and a status query replay the same fills: recorded once
      const driver = yield* ExecutionDriver
      assert.strictEqual(yield* driver.reconcile, 0) // nothing open
      const sql = yield* SqlClient.SqlClient
      const fills = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM fills WHERE client_order_id = 'k-entry-0001'`
      assert.strictEqual(fills[0]!.n, 2)

      const [pos] = yield* Trades.openPositions({ platform: "kalshi", marketId: kYes.marketId })
      assert.deepStrictEqual(pos!.holding, { quantity: qtyOf("80"), cost: dollars("34.90"), fees: dollars("1.38"), realized: dollars("-1.38"), entryQuantity: qtyOf("80") })

      // Exit: sell 80 into bids of 0.50×100: proceeds $40.00, fee 0.07×80×0.25 = $1.40
      yield* market.setBook(kYes, { bids: [lv("0.50", "100")], asks: [lv("0.52", "10")] })
      const exit = yield* place("k-exit-00001", kYes, "sell", "0.49", "80")
      assert.strictEqual(exit.status, "filled")
      // realised = −1.38 + 40.00 − 34.90 − 1.40 = 2.32; half of it (1.16) goes to the piggybank
      const [closed] = yield* sql<{ status: string; realized: string }>`SELECT status, realized_pnl_micros::text AS realized FROM positions WHERE position_id = ${pos!.positionId}`
      assert.deepStrictEqual(closed, { status: "closed", realized: String(dollars("2.32")) })
      assert.deepStrictEqual(yield* balance, { balance: dollars("1001.16"), reserved: dollars("0"), piggybank: dollars("1.16") })
      assert.strictEqual(yield* ledgerSum, dollars("1001.16"))
      const check = yield* BankrollActor.ledgerCheck(account)
      assert.isTrue(check.ok)
      const [close] = yield* sql<{ pnl: string }>`SELECT realized_pnl_micros::text AS pnl FROM position_closes WHERE position_id = ${pos!.positionId}`
      assert.strictEqual(close!.pnl, String(dollars("2.32")))
    }))

  it.effect("zero fill: an IOC below the ask is cancelled and its whole reservation released", () =>
    Effect.gen(function*() {
      const { market } = h.handle()
      const before = yield* balance
      yield* market.setBook(kYes, { bids: [lv("0.42", "40")], asks: [lv("0.43", "30")] })
      const order = yield* place("k-zero-00001", kYes, "buy", "0.41", "10", "ioc", "4.27")
      assert.strictEqual(order.status, "canceled")
      assert.strictEqual(order.filled, 0)
      assert.deepStrictEqual(yield* balance, before)
    }))

  it.effect("Polymarket: a full FOK fill with per-fill fees floored to $0.00001", () =>
    Effect.gen(function*() {
      const { market } = h.handle()
      market.setFees(pHome, polyFees)
      const before = yield* balance
      yield* market.setBook(pHome, { bids: [lv("0.48", "10")], asks: [lv("0.5", "100"), lv("0.51", "7")] })
      const order = yield* place("p-full-00001", pHome, "buy", "0.51", "107", "fok", "60")
      assert.strictEqual(order.status, "filled")
      // 100×0.50 + 7×0.51 = 53.57; fees 0.75 + 0.05247 = 0.80247
      assert.strictEqual((yield* balance).balance, (before.balance - dollars("53.57") - dollars("0.80247")) as Micros)
      assert.strictEqual((yield* balance).reserved, 0)
    }))

  it.effect("an answer lost in transit: unknown, never resent, resolved by a status query, filled once", () =>
    Effect.gen(function*() {
      const { market, loseNextAnswer } = h.handle()
      market.setFees(kNo, kalshiFees)
      yield* market.setBook(kNo, { bids: [lv("0.38", "50")], asks: [lv("0.40", "25")] })
      const before = yield* balance
      loseNextAnswer("kalshi")
      const order = yield* place("k-lost-00001", kNo, "buy", "0.40", "25", "ioc", "10.42")
      // The venue filled it, but we did not hear: unknown, not rejected, nothing posted yet... unless its
      // event stream told us already (it may): either way the fill is counted once after reconciling
      assert.include(["unknown", "filled"], order.status)
      const driver = yield* ExecutionDriver
      yield* driver.reconcile
      yield* driver.reconcile
      const after = yield* Trades.readOrder("k-lost-00001")
      assert.strictEqual(after!.status, "filled")
      // 25 @0.40 = $10.00 + fee 0.07×25×0.4×0.6 = 0.42
      assert.strictEqual((yield* balance).balance, (before.balance - dollars("10.42")) as Micros)
      const sql = yield* SqlClient.SqlClient
      const [n] = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM fills WHERE client_order_id = 'k-lost-00001'`
      assert.strictEqual(n!.n, 1)
      const [t] = yield* sql<{ statuses: string }>`SELECT string_agg(to_status, ',' ORDER BY id) AS statuses FROM order_transitions WHERE client_order_id = 'k-lost-00001'`
      assert.include(t!.statuses, "pending_submit")
      assert.isTrue((yield* BankrollActor.ledgerCheck(account)).ok)
    }))

  it.effect("an approval that never became an order: its reservation is released after the signal expired, and the late order refused", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const driver = yield* ExecutionDriver
      const before = yield* balance
      // Risk approved and reserved; the actor holding the answer was interrupted before it sent the order
      yield* BankrollActor.reserve(account, [{ reservationId: "lost-000001-0", signalId: "lost-000001", gameId: GAME, sport: "nba", outcome: kYes, amount: dollars("12.34"), contracts: qtyOf("20") }])
      const now = yield* Clock.currentTimeMillis
      yield* sql`INSERT INTO signals (signal_id, created_at, kind, game_id, legs, edge_pct, status, expires_at)
                 VALUES ('lost-000001', to_timestamp(${(now - 120_000) / 1000}), 'model_edge', ${GAME}, '[]'::jsonb, 0, 'accepted', to_timestamp(${(now - 110_000) / 1000}))`
      assert.strictEqual((yield* balance).reserved, (before.reserved + dollars("12.34")) as Micros)
      // Within the grace after expiry: kept; past it: released, to the micro-dollar
      assert.strictEqual(yield* Trades.releaseUnusedReservations(driver.books, 300_000), 0)
      assert.strictEqual(yield* Trades.releaseUnusedReservations(driver.books, 60_000), 1)
      assert.deepStrictEqual(yield* balance, before)
      assert.strictEqual(yield* Trades.releaseUnusedReservations(driver.books, 60_000), 0)
      // The order, should it still arrive, is refused: its approval lapsed
      const recorded = yield* Trades.recordOrder({
        clientOrderId: "lost-000001-0" as ClientOrderId,
        signalId: "lost-000001" as SignalId,
        gameId: GAME,
        outcome: kYes,
        action: "buy",
        limitPrice: priceOf("0.60"),
        quantity: qtyOf("20"),
        timeInForce: "ioc",
        postOnly: false,
        purpose: "entry",
        paper: true
      })
      assert.isFalse(recorded)
      assert.isTrue((yield* BankrollActor.ledgerCheck(account)).ok)
    }))

  it.effect("an approval interrupted before its orders were handed off: its reservations are released at once, the late order refused", () =>
    Effect.gen(function*() {
      const before = yield* balance
      const approved = yield* Deferred.make<void>()
      const newOrder = (id: string) => ({
        clientOrderId: id as ClientOrderId,
        signalId: "intr-000001" as SignalId,
        gameId: GAME,
        outcome: kYes,
        action: "buy" as const,
        limitPrice: priceOf("0.60"),
        quantity: qtyOf("20"),
        timeInForce: "ioc" as const,
        postOnly: false,
        purpose: "entry" as const,
        paper: true
      })
      // Risk approves both legs and reserves $12.34 + $5.67; leg 0's order is recorded (its Submit
      // was handled), then the actor is interrupted before it handed leg 1 off
      const actor = yield* Trades.releasingOnInterrupt("intr-000001", (_handOff) =>
        Effect.gen(function*() {
          yield* BankrollActor.reserve(account, [
            { reservationId: "intr-000001-0", signalId: "intr-000001", gameId: GAME, sport: "nba", outcome: kYes, amount: dollars("12.34"), contracts: qtyOf("20") },
            { reservationId: "intr-000001-1", signalId: "intr-000001", gameId: GAME, sport: "nba", outcome: kYes, amount: dollars("5.67"), contracts: qtyOf("20") }
          ])
          assert.isTrue(yield* Trades.recordOrder(newOrder("intr-000001-0")))
          yield* Deferred.succeed(approved, undefined)
          return yield* Effect.never
        })).pipe(Effect.forkChild)
      yield* Deferred.await(approved)
      assert.strictEqual((yield* balance).reserved, (before.reserved + dollars("18.01")) as Micros)
      yield* Fiber.interrupt(actor)
      // At once (no clock moved, no sweep): leg 1's $5.67 is back; leg 0's order holds its $12.34
      assert.deepStrictEqual(yield* balance, { ...before, reserved: (before.reserved + dollars("12.34")) as Micros })
      // Leg 1's order, should its message still arrive, is refused: its approval lapsed
      assert.isFalse(yield* Trades.recordOrder(newOrder("intr-000001-1")))
      // Leg 0 dies at the venue like any order: its reservation goes too, and the books are as before
      yield* Trades.applyReport((yield* ExecutionDriver).books, "intr-000001-0", { _tag: "Rejected" }, { reason: "test" })
      assert.deepStrictEqual(yield* balance, before)

      // Interrupted after the hand-off began: the orders' messages may still arrive, so the money stays reserved
      const handedOff = yield* Deferred.make<void>()
      const late = yield* Trades.releasingOnInterrupt("intr-000002", (handOff) =>
        Effect.gen(function*() {
          yield* BankrollActor.reserve(account, [
            { reservationId: "intr-000002-0", signalId: "intr-000002", gameId: GAME, sport: "nba", outcome: kYes, amount: dollars("3.21"), contracts: qtyOf("5") }
          ])
          yield* handOff
          yield* Deferred.succeed(handedOff, undefined)
          return yield* Effect.never
        })).pipe(Effect.forkChild)
      yield* Deferred.await(handedOff)
      yield* Fiber.interrupt(late)
      assert.strictEqual((yield* balance).reserved, (before.reserved + dollars("3.21")) as Micros)
      yield* BankrollActor.releaseReservation(account, "intr-000002-0", "test")
      assert.deepStrictEqual(yield* balance, before)
      assert.isTrue((yield* BankrollActor.ledgerCheck(account)).ok)
    }))

  it.effect("a stop-loss and a take-profit on NO positions, priced in NO's own price", () =>
    Effect.gen(function*() {
      const { market } = h.handle()
      const driver = yield* ExecutionDriver
      const sql = yield* SqlClient.SqlClient
      const stopNo: OutcomeRef = { platform: "kalshi", marketId: "KXNBAGAME-26DEC02LALBOS-LAL" as MarketId, outcomeId: "no" as OutcomeId }
      const stopYes: OutcomeRef = { ...stopNo, outcomeId: "yes" as OutcomeId }
      const tpNo: OutcomeRef = { platform: "kalshi", marketId: "KXNBAGAME-26DEC02NYKMIA-MIA" as MarketId, outcomeId: "no" as OutcomeId }
      for (const o of [stopNo, stopYes, tpNo]) market.setFees(o, kalshiFees)
      yield* market.setBook(stopNo, { bids: [lv("0.38", "50")], asks: [lv("0.40", "100")] })
      yield* market.setBook(tpNo, { bids: [lv("0.38", "50")], asks: [lv("0.40", "100")] })
      // Buy 100 NO @0.40 on each: $40.00 + fee 0.07×100×0.4×0.6 = $1.68
      yield* place("k-stop-00001", stopNo, "buy", "0.40", "100", "ioc", "41.68")
      yield* place("k-tp-0000001", tpNo, "buy", "0.40", "100", "ioc", "41.68")
      const before = yield* balance

      // NO falls to 0.37 bid / 0.39 ask (YES, its complement, shows 0.61/0.63 and looks like a gain)
      yield* market.setBook(stopNo, { bids: [lv("0.37", "200")], asks: [lv("0.39", "100")] })
      yield* market.setBook(stopYes, { bids: [lv("0.61", "100")], asks: [lv("0.63", "200")] })
      // NO rises to 0.43 bid / 0.45 ask on the other
      yield* market.setBook(tpNo, { bids: [lv("0.43", "200")], asks: [lv("0.45", "100")] })
      // The operator is reducing: no new exposure, but exits pass risk
      yield* setTradingState("REDUCING", "test: exits only", "test")
      const checks = yield* checkExits(driver.place, riskCheck)
      yield* setTradingState("ACTIVE", "test", "test")
      const exitSignals = yield* sql<{ signal_id: string; kind: string; status: string; reason_code: string }>`
        SELECT signal_id, kind, status, reason_code FROM signals WHERE kind = 'exit' ORDER BY signal_id`
      assert.deepStrictEqual(exitSignals.map((r) => [r.signal_id, r.status, r.reason_code]), [
        ["x-pos-k-stop-00001-1", "accepted", "APPROVED"],
        ["x-pos-k-tp-0000001-1", "accepted", "APPROVED"]
      ])
      const byPosition = Object.fromEntries(checks.map((c) => [c.positionId, c.decision]))
      assert.deepStrictEqual(byPosition["pos-k-stop-00001"], { _tag: "Exit", reason: "stop_loss", mark: priceOf("0.37"), limit: priceOf("0.365"), quantity: qtyOf("100") })
      assert.deepStrictEqual(byPosition["pos-k-tp-0000001"], { _tag: "Exit", reason: "take_profit", mark: priceOf("0.43"), limit: priceOf("0.425"), quantity: qtyOf("100") })

      // Stop: 100 @0.37 = 37.00, fee 0.07×100×0.37×0.63 = 1.6317 → 1.64: 37.00 − 40.00 − 1.68 − 1.64 = −6.32
      // Take-profit: 100 @0.43 = 43.00, fee 0.07×100×0.43×0.57 = 1.7157 → 1.72: 43.00 − 40.00 − 1.68 − 1.72 = −0.40 (fees ate the move)
      const rows = yield* sql<{ position_id: string; status: string; realized: string; exit_reason: string }>`
        SELECT position_id, status, realized_pnl_micros::text AS realized, exit_reason FROM positions
         WHERE position_id IN ('pos-k-stop-00001', 'pos-k-tp-0000001') ORDER BY position_id`
      assert.deepStrictEqual(rows.map((r) => [r.position_id, r.status, Number(r.realized), r.exit_reason]), [
        ["pos-k-stop-00001", "closed", dollars("-6.32"), "stop_loss"],
        ["pos-k-tp-0000001", "closed", dollars("-0.40"), "take_profit"]
      ])
      // Cash back: 37.00 − 1.64 + 43.00 − 1.72; no profit, so nothing to the piggybank
      assert.deepStrictEqual(yield* balance, { ...before, balance: (before.balance + dollars("76.64")) as Micros })
      assert.isTrue((yield* BankrollActor.ledgerCheck(account)).ok)
      // Nothing left to exit
      assert.deepStrictEqual((yield* checkExits(driver.place, riskCheck)).filter((c) => c.positionId.startsWith("pos-k-stop") || c.positionId.startsWith("pos-k-tp")), [])
    }))

  it.effect("settlement from the venue's result: Kalshi win, loss and void; Polymarket soccer draw, loss and 50/50", () =>
    Effect.gen(function*() {
      const { market } = h.handle()
      const driver = yield* ExecutionDriver
      const k = (ticker: string, side: "yes" | "no"): OutcomeRef => ({ platform: "kalshi", marketId: ticker as MarketId, outcomeId: side as OutcomeId })
      const p = (n: string, token: string): OutcomeRef => ({ platform: "polymarket", marketId: `0x${n.repeat(64)}` as MarketId, outcomeId: token as OutcomeId })
      const legs: Array<[string, OutcomeRef, string]> = [
        ["s-kwin-00001", k("KXNHLGAME-26DEC02BOSNYR-BOS", "yes"), "0.60"], // fee 0.07×10×0.6×0.4 = 0.168 → 0.17
        ["s-kloss-0001", k("KXNHLGAME-26DEC02BOSNYR-NYR", "yes"), "0.60"], // 0.17
        ["s-kvoid-0001", k("KXNHLGAME-26DEC02TORMTL-TOR", "no"), "0.30"], // 0.07×10×0.3×0.7 = 0.147 → 0.15
        ["s-pdraw-0001", p("d", "2001"), "0.25"], // 10×0.03×0.25×0.75 = 0.05625
        ["s-phome-0001", p("e", "3001"), "0.40"], // 10×0.03×0.4×0.6 = 0.072
        ["s-p5050-0001", p("f", "4001"), "0.50"] // 10×0.03×0.25 = 0.075
      ]
      for (const [id, outcome, px] of legs) {
        market.setFees(outcome, outcome.platform === "kalshi" ? kalshiFees : polyFees)
        yield* market.setBook(outcome, { bids: [], asks: [lv(px, "10")] })
        yield* place(id, outcome, "buy", px, "10", "fok", "20")
      }
      const before = yield* balance
      const books = driver.books
      const settled = [
        ...(yield* settleMarket(books, "kalshi", "KXNHLGAME-26DEC02BOSNYR-BOS", { _tag: "KalshiResult", result: "yes" })),
        ...(yield* settleMarket(books, "kalshi", "KXNHLGAME-26DEC02BOSNYR-NYR", { _tag: "KalshiResult", result: "no" })),
        ...(yield* settleMarket(books, "kalshi", "KXNHLGAME-26DEC02TORMTL-TOR", { _tag: "Void" })),
        // The draw: the draw market's token wins, the home market's token loses
        ...(yield* settleMarket(books, "polymarket", `0x${"d".repeat(64)}`, { _tag: "Winner", outcomeId: "2001" })),
        ...(yield* settleMarket(books, "polymarket", `0x${"e".repeat(64)}`, { _tag: "Winner", outcomeId: "3002" })),
        ...(yield* settleMarket(books, "polymarket", `0x${"f".repeat(64)}`, { _tag: "Split", payouts: { "4001": priceOf("0.5"), "4002": priceOf("0.5") } }))
      ]
      assert.deepStrictEqual(settled.map((s) => s.realized), [
        dollars("3.83"), // 10.00 − 6.00 − 0.17
        dollars("-6.17"), // 0 − 6.00 − 0.17
        dollars("-0.15"), // refunded 3.00 at cost; the fee is lost
        dollars("7.44375"), // 10.00 − 2.50 − 0.05625
        dollars("-4.072"), // 0 − 4.00 − 0.072
        dollars("-0.075") // 5.00 − 5.00 − 0.075
      ])
      // Payouts 10 + 3 + 10 + 5 = 28.00 in; piggybank takes half of each profit: 1.915 + 3.721875 = 5.636875
      const after = yield* balance
      assert.strictEqual(after.balance - before.balance, dollars("22.363125"))
      assert.strictEqual(after.piggybank - before.piggybank, dollars("5.636875"))
      assert.isTrue((yield* BankrollActor.ledgerCheck(account)).ok)
      // Settling again changes nothing
      assert.deepStrictEqual(yield* settleMarket(books, "kalshi", "KXNHLGAME-26DEC02BOSNYR-BOS", { _tag: "KalshiResult", result: "yes" }), [])
      const sql = yield* SqlClient.SqlClient
      const [closes] = yield* sql<{ n: number; total: string }>`SELECT count(*)::int AS n, sum(realized_pnl_micros)::text AS total FROM position_closes WHERE position_id LIKE 'pos-s-%'`
      assert.deepStrictEqual(closes, { n: 6, total: String(dollars("0.80675")) })
    }))

  it.effect("`arbees orders` and `arbees positions` list every order, fill, position and posting, and the balanced ledger", () =>
    Effect.gen(function*() {
      const database = yield* Database
      const env = cleanEnv({ DATABASE_URL: database.target })
      const orders = yield* Effect.promise(() => runCli(["orders", "--json"], { env }))
      assert.strictEqual(orders.code, 0, orders.stderr)
      const lines = orders.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>)
      const entry = lines.find((l) => l["list"] === "orders" && l["client_order_id"] === "k-entry-0001")!
      assert.deepStrictEqual([entry["status"], entry["filled_quantity"], entry["cost_micros"], entry["fees_micros"]], ["canceled", "80000000", "34900000", "1380000"])
      const fills = lines.filter((l) => l["list"] === "fills" && l["client_order_id"] === "k-entry-0001")
      assert.deepStrictEqual(fills.map((f) => [f["fill_id"], f["price_micros"], f["quantity"], f["fee_micros"]]), [
        ["paper-k-entry-0001-1", "430000", "30000000", "520000"],
        ["paper-k-entry-0001-2", "440000", "50000000", "860000"]
      ])
      assert.strictEqual((fills[0]!["realism"] as { latencyMillis: number }).latencyMillis, 20)

      const positions = yield* Effect.promise(() => runCli(["positions", "--json"], { env }))
      assert.strictEqual(positions.code, 0, positions.stderr)
      const prows = positions.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>)
      const win = prows.find((l) => l["list"] === "positions" && l["position_id"] === "pos-s-kwin-00001")!
      assert.deepStrictEqual([win["status"], win["realized_pnl_micros"], win["settlement_price_micros"]], ["settled", "3830000", "1000000"])
      const bankroll = prows.find((l) => l["list"] === "bankroll")!
      assert.strictEqual(bankroll["balanced"], true)
      const ledger = prows.filter((l) => l["list"] === "ledger")
      const sum = ledger.filter((l) => l["bucket"] === "available").reduce((n, l) => n + Number(l["amount"]), 0)
      assert.strictEqual(formatScaled(sum, 6, 2), bankroll["balance"])
      // The table form prints too
      const table = yield* Effect.promise(() => runCli(["positions"], { env }))
      assert.include(table.stdout, "pos-s-kwin-00001")
    }))
})
