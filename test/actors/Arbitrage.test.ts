/**
 * Two-leg arbitrage as one unit, on Postgres, over paper venues that read a scripted market,
 * under the test clock. Every P&L is checked to the micro-dollar against the hand calculation
 * beside it, and the balance against the sum of the ledger.
 *
 * Fees: Kalshi 0.07 × C × p × (1 − p) rounded up to the cent per order; Polymarket (sports)
 * 0.03 × C × p × (1 − p) per fill, floored to $0.00001. `execution.unwindMaxLoss` is $0.10.
 */
import { assert, layer } from "@effect/vitest"
import { Cause, Clock, Effect, Exit, Fiber, FiberSet, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import { ARBITRAGE_ID, ArbitrageDriver, ArbitrageUnits, layer as ArbitrageLayer, readArbitrage, resumer } from "../../src/actors/Arbitrage.ts"
import * as BankrollActor from "../../src/actors/Bankroll.ts"
import { ExecutionDriver } from "../../src/actors/Execution.ts"
import { checkExits, settleMarket } from "../../src/actors/Positions.ts"
import { type CheckRequest, decideAndRecord, limitsFrom, RiskGate, setTradingState } from "../../src/actors/Risk.ts"
import type { BookSides } from "../../src/domain/execution/FillModel.ts"
import { kalshiFeeSchedule, type KalshiFeeSchedule } from "../../src/domain/fees/KalshiFees.ts"
import { polymarketFeeSchedule, type PolymarketFeeSchedule } from "../../src/domain/fees/PolymarketFees.ts"
import type { ClientOrderId, GameId, MarketId, OutcomeId, SignalId } from "../../src/schema/Ids.ts"
import type { OutcomeRef } from "../../src/schema/Market.ts"
import { dollars, type Micros, priceOf, qtyOf } from "../../src/schema/Money.ts"
import { DeadLetters } from "../../src/services/DeadLetters.ts"
import { EventBus } from "../../src/services/bus/EventBus.ts"
import { Outbox } from "../../src/services/bus/Outbox.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import { makePaperVenue, PaperMarket, paperSettings } from "../../src/services/venue/PaperVenue.ts"
import { type Venue, Venues } from "../../src/services/venue/Venue.ts"
import { Database } from "../../src/services/database/Database.ts"
import { cleanEnv, run as runCli } from "../support/Cli.ts"
import { seedGame } from "../support/ExecutionHarness.ts"
import { makeScriptedMarket, type ScriptedMarket } from "../support/ScriptedMarket.ts"
import { actorRuntime } from "../support/Runtime.ts"

const kalshiFees = kalshiFeeSchedule({ feeType: "quadratic_with_maker_fees", multiplier: 1_000_000 }) as KalshiFeeSchedule
const polyFees = polymarketFeeSchedule({ rate: 30_000, exponent: 1 }) as PolymarketFeeSchedule
const GAME = "401810077" as GameId
const account = "paper"
const T0 = Date.parse("2026-12-02T20:00:00Z")
const lv = (p: string, s: string) => ({ price: priceOf(p), size: qtyOf(s) })
const kalshi = (n: number): OutcomeRef => ({ platform: "kalshi", marketId: `KXNBAGAME-26DEC02LALBOS-A${n}` as MarketId, outcomeId: "yes" as OutcomeId })
const poly = (n: number): OutcomeRef => ({ platform: "polymarket", marketId: `0x${String(n).repeat(64)}` as MarketId, outcomeId: `90${n}1` as OutcomeId })

let script: ScriptedMarket | undefined
// The market is external: it outlives a restart of the process below
const base = Layer.effect(PaperMarket, Effect.map(makeScriptedMarket, (m) => ((script = m.script), m.service))).pipe(
  Layer.provideMerge(Outbox.layerNoRelay),
  Layer.provideMerge(EventBus.layerMemory),
  Layer.provideMerge(DeadLetters.layer),
  Layer.provideMerge(actorRuntime("postgres", { "paper.latency": "20ms", "paper.jitter": "0ms", "paper.takeShare": "1", "bankroll.initial": "1000", "exits.minHold": "1ms" })),
  // Today, before any timer starts (moving the test clock decades later would run every periodic timer in between)
  Layer.provideMerge(Layer.effectDiscard(TestClock.setTime(T0)))
)

/** What the Polymarket paper venue does in a test, and what it was asked. */
interface PolyScript {
  /** Its matching delay; with `delayed`, the POST is answered at once ("delayed") and the match comes later */
  readonly latencyMillis?: number
  readonly delayed?: boolean
  /** Like a live venue, it knows an order only once the request has arrived */
  readonly unknownUntilArrival?: boolean
  readonly statusCalls: Array<number>
  readonly submits: Array<string>
}

/** One life of the process: paper venues, the execution driver and the arbitrage driver. */
const processLayer = (p: PolyScript) =>
  ArbitrageDriver.layer.pipe(
    Layer.provide(RiskGate.layerDirect),
    Layer.provideMerge(ExecutionDriver.layer),
    Layer.provideMerge(Layer.effect(
      Venues,
      Effect.gen(function*() {
        const settings = yield* paperSettings
        const k = yield* makePaperVenue("kalshi", settings)
        const pm = yield* makePaperVenue("polymarket", { ...settings, latencyMillis: p.latencyMillis ?? settings.latencyMillis })
        const fibers = yield* FiberSet.make()
        const arriving = new Set<string>()
        const polymarket: Venue = {
          ...pm,
          status: (ref) =>
            Effect.flatMap(Effect.clockWith((c) => c.currentTimeMillis), (at) => {
              p.statusCalls.push(at)
              return p.unknownUntilArrival === true && arriving.has(ref.clientOrderId) ? Effect.succeed(undefined) : pm.status(ref)
            }),
          submit: (order) =>
            Effect.gen(function*() {
              p.submits.push(order.clientOrderId)
              if (p.delayed !== true) {
                arriving.add(order.clientOrderId)
                return yield* pm.submit(order).pipe(Effect.ensuring(Effect.sync(() => arriving.delete(order.clientOrderId))))
              }
              // Polymarket's "delayed": accepted now, matched (or not) after the delay
              yield* FiberSet.run(fibers, Effect.ignore(pm.submit(order)))
              let taken = yield* pm.status({ clientOrderId: order.clientOrderId })
              while (taken === undefined) {
                yield* Effect.yieldNow
                taken = yield* pm.status({ clientOrderId: order.clientOrderId })
              }
              return { state: taken.state, fills: [] }
            })
        }
        return Venues.of({ get: (platform) => (platform === "kalshi" ? k : polymarket) })
      })
    ))
  )

const polyScript = (over: Partial<PolyScript> = {}): PolyScript => ({ statusCalls: [], submits: [], ...over })

/** Runs `effect` while the test clock moves in small steps, letting the database keep up. */
const drive = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.forkChild(Effect.exit(effect))
    while (fiber.pollUnsafe() === undefined) {
      yield* TestClock.adjust("20 millis")
      yield* TestClock.withLive(Effect.sleep("3 millis"))
    }
    const exit = yield* Fiber.join(fiber)
    if (Exit.isSuccess(exit)) return exit.value
    throw Cause.squash(exit.cause)
  })

/** Moves the test clock by `millis`, in the same small steps. */
const advance = (millis: number) => drive(Effect.sleep(`${millis} millis`))

const balance = Effect.map(BankrollActor.readBalance(account), (b) => ({ balance: b.balance, reserved: b.reserved, piggybank: b.piggybank }))

const ledgerSum = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const [row] = yield* sql<{ total: string }>`SELECT coalesce(sum(amount_micros), 0)::text AS total FROM bankroll_ledger WHERE account = ${account} AND bucket = 'available'`
  return Number(row!.total) as Micros
})

const balanced = Effect.gen(function*() {
  assert.strictEqual((yield* balance).balance, yield* ledgerSum)
  assert.isTrue((yield* BankrollActor.ledgerCheck(account)).ok)
})

/** Opens a unit as risk approved it: a reservation per leg (price and fee), then both legs at once. */
const openArb = (arbId: string, k: OutcomeRef, kLimit: string, kReserve: string, p: OutcomeRef, pLimit: string, pReserve: string, quantity: string) =>
  Effect.gen(function*() {
    const arbitrage = yield* ArbitrageDriver
    const legs = [
      { clientOrderId: `${arbId}-0` as ClientOrderId, outcome: k, limitPrice: priceOf(kLimit), reserve: kReserve },
      { clientOrderId: `${arbId}-1` as ClientOrderId, outcome: p, limitPrice: priceOf(pLimit), reserve: pReserve }
    ] as const
    yield* BankrollActor.reserve(account, legs.map((l) => ({ reservationId: l.clientOrderId, signalId: arbId, gameId: GAME, sport: "nba", outcome: l.outcome, amount: dollars(l.reserve), contracts: qtyOf(quantity) })))
    assert.isTrue(yield* arbitrage.open({ arbId, gameId: GAME, quantity: qtyOf(quantity), legs: [legs[0], legs[1]] }))
    // Opening the same unit again (a replayed message) records nothing
    assert.isFalse(yield* arbitrage.open({ arbId, gameId: GAME, quantity: qtyOf(quantity), legs: [legs[0], legs[1]] }))
  })

/** The game, and the Kalshi YES and Polymarket token of unit `n` with their fee terms and books. */
const markets = (n: number, kalshiBook: BookSides | undefined, polyBook: BookSides | undefined) =>
  Effect.gen(function*() {
    yield* seedGame(GAME, "nba")
    const market = script!
    const k = kalshi(n)
    const p = poly(n)
    market.setFees(k, kalshiFees)
    market.setFees(p, polyFees)
    yield* market.setBook(k, kalshiBook)
    yield* market.setBook(p, polyBook)
    return { market, k, p }
  })

const transitions = (arbId: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ to_state: string }>`SELECT to_state FROM arbitrage_transitions WHERE arb_id = ${arbId} ORDER BY id`
    return rows.map((r) => r.to_state)
  })

const ordersOf = (arbId: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return yield* sql<{ id: string; purpose: string; action: string; status: string; filled: string; limit: string }>`
      SELECT client_order_id AS id, purpose, action, status, filled_quantity::text AS filled, limit_price_micros::text AS limit
        FROM orders WHERE arb_id = ${arbId} ORDER BY created_at, client_order_id`
  })

/** The risk checks of a unit's unwinds and hedges: signal id, kind, status, reason code. */
const riskSignals = (arbId: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ signal_id: string; kind: string; status: string; reason_code: string }>`
      SELECT signal_id, kind, status, reason_code FROM signals WHERE starts_with(signal_id, ${`${arbId}-`}) ORDER BY created_at, signal_id`
    return rows.map((r) => [r.signal_id, r.kind, r.status, r.reason_code])
  })

const positionsOf = (arbId: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return yield* sql<{ position_id: string; status: string; quantity: string; realized: string; arb_group: string | null }>`
      SELECT position_id, status, quantity::text AS quantity, realized_pnl_micros::text AS realized, arb_group FROM positions
       WHERE position_id IN (SELECT position_id FROM orders WHERE arb_id = ${arbId}) ORDER BY position_id`
  })

layer(base, { timeout: 120_000 })("two-leg arbitrage as one unit", (it) => {
  it.effect("the Polymarket leg fails: the Kalshi excess is unwound within unwindMaxLoss", () =>
    Effect.gen(function*() {
      const { k, p } = yield* markets(1, { bids: [lv("0.43", "100")], asks: [lv("0.45", "100")] }, undefined) // no live book: the paper venue refuses the leg
      const before = yield* balance
      const ps = polyScript()
      const arb = yield* Effect.gen(function*() {
        // Reservations as risk makes them: 100 @0.45 + 1.74 and 100 @0.50 + 0.75
        yield* openArb("arb-pfail-01", k, "0.45", "46.74", p, "0.50", "50.75", "100")
        return yield* drive((yield* ArbitrageDriver).run("arb-pfail-01"))
      }).pipe(Effect.provide(processLayer(ps)))

      // Kalshi: 100 @0.45 = 45.00, fee 0.07×100×0.45×0.55 = 1.7325 → 1.74. Polymarket: rejected.
      // The excess (100) cost 46.74. Unwind floor: the lowest cent p with 46.74 − 100p + fee(p) ≤ 100 × 0.10:
      //   0.39: 39.00 − 1.67 (1.6653) → loss 9.41 ✓;  0.38: 38.00 − 1.65 (1.6492) → loss 10.39 ✗
      // No Polymarket book to hedge on. The unwind sells 100 into bids 0.43×100: 43.00, fee 1.7157 → 1.72
      // Realised: −1.74 + 43.00 − 45.00 − 1.72 = −5.46, within 100 × 0.10 = 10.00
      assert.deepInclude<object>(arb!, { state: "flat", matched: 0, lockedProfit: dollars("-5.46"), attempts: 1 })
      assert.deepStrictEqual(yield* transitions("arb-pfail-01"), ["submitting", "waiting", "unwinding", "flat"])
      const orders = yield* ordersOf("arb-pfail-01")
      assert.deepStrictEqual(orders.map((o) => [o.id, o.purpose, o.action, o.status, Number(o.filled), Number(o.limit)]), [
        ["arb-pfail-01-0", "entry", "buy", "filled", qtyOf("100"), priceOf("0.45")],
        ["arb-pfail-01-1", "entry", "buy", "rejected", 0, priceOf("0.50")],
        ["arb-pfail-01-u1", "unwind", "sell", "filled", qtyOf("100"), priceOf("0.39")]
      ])
      const [position] = yield* positionsOf("arb-pfail-01")
      assert.deepInclude(position, { status: "closed", realized: String(dollars("-5.46")), arb_group: "arb-pfail-01" })
      // Cash: −45.00 − 1.74 + 43.00 − 1.72; both reservations gone; a loss sets nothing aside
      assert.deepStrictEqual(yield* balance, { ...before, balance: (before.balance - dollars("5.46")) as Micros })
      yield* balanced
    }))

  it.effect("an unwind passes risk as an exit: refused while trading is HALTED (the unit waits), sent once trading is REDUCING", () =>
    Effect.gen(function*() {
      const { k, p } = yield* markets(0, { bids: [lv("0.43", "100")], asks: [lv("0.45", "100")] }, undefined) // the Polymarket leg is refused
      const before = yield* balance
      yield* setTradingState("HALTED", "test: halted", "test")
      const arb = yield* Effect.gen(function*() {
        yield* openArb("arb-risk-0001", k, "0.45", "46.74", p, "0.50", "50.75", "100")
        const driver = yield* ArbitrageDriver
        return yield* drive(Effect.gen(function*() {
          const unit = yield* Effect.forkChild(driver.run("arb-risk-0001"))
          // Halted: the unwind is denied and the unit watches, its excess unsold
          while (!(yield* transitions("arb-risk-0001")).includes("watching")) yield* Effect.sleep("100 millis")
          assert.deepStrictEqual((yield* ordersOf("arb-risk-0001")).map((o) => o.purpose), ["entry", "entry"])
          // The operator moves to REDUCING: exits only, so the unwind now passes
          yield* setTradingState("REDUCING", "test: exits only", "test")
          return yield* Fiber.join(unit)
        }))
      }).pipe(Effect.provide(processLayer(polyScript())), Effect.ensuring(Effect.orDie(setTradingState("ACTIVE", "test", "test"))))

      // As in the first test: Kalshi 100 @0.45 + 1.74; the unwind sells 100 into 0.43×100 (43.00, fee
      // 1.7157 → 1.72): realised −1.74 + 43.00 − 45.00 − 1.72 = −5.46
      assert.deepInclude<object>(arb!, { state: "flat", matched: 0, lockedProfit: dollars("-5.46"), attempts: 1 })
      assert.deepStrictEqual(yield* transitions("arb-risk-0001"), ["submitting", "waiting", "watching", "unwinding", "flat"])
      // Each try is a signal of its own: denied TRADING_HALTED while halted, then approved as an exit
      const checks = yield* riskSignals("arb-risk-0001")
      assert.isAtLeast(checks.length, 2)
      checks.forEach((c, i) => assert.deepStrictEqual(c, [`arb-risk-0001-u1-r${i + 1}`, "exit", ...(i < checks.length - 1 ? ["denied", "TRADING_HALTED"] : ["accepted", "APPROVED"])]))
      assert.deepStrictEqual((yield* ordersOf("arb-risk-0001")).map((o) => [o.id, o.purpose, o.status, Number(o.filled)]), [
        ["arb-risk-0001-0", "entry", "filled", qtyOf("100")],
        ["arb-risk-0001-1", "entry", "rejected", 0],
        ["arb-risk-0001-u1", "unwind", "filled", qtyOf("100")]
      ])
      assert.deepStrictEqual(yield* balance, { ...before, balance: (before.balance - dollars("5.46")) as Micros })
      yield* balanced
    }))

  it.effect("the Kalshi leg fails: completing it is cheaper than selling the Polymarket excess, and the matched sets settle to the locked-in profit", () =>
    Effect.gen(function*() {
      // Kalshi's ask moved above the leg's limit: its IOC fills nothing
      const { market, k, p } = yield* markets(2, { bids: [lv("0.44", "100")], asks: [lv("0.47", "200")] }, { bids: [lv("0.48", "200")], asks: [lv("0.50", "100")] })
      const before = yield* balance
      const arb = yield* Effect.gen(function*() {
        yield* openArb("arb-kfail-01", k, "0.45", "46.74", p, "0.50", "50.75", "100")
        return yield* drive((yield* ArbitrageDriver).run("arb-kfail-01"))
      }).pipe(Effect.provide(processLayer(polyScript())))

      // Polymarket: 100 @0.50 = 50.00, fee 100×0.03×0.25 = 0.75: the excess cost 50.75
      // Unwind (sell it): floor 0.42 (42.00 − 0.7308 ✓ vs 41.00 − 0.7257 ✗ against 40.75); into 0.48×200:
      //   48.00 − 0.7488 − 50.75 = −3.4988
      // Hedge (buy Kalshi): cap 0.57 (57.00 + 1.72 = 58.72 ✓ vs 58.00 + 1.71 = 59.71 ✗ against 59.25); at 0.47×200:
      //   100 − 47.00 − 1.75 (1.7437) − 50.75 = +0.50  → the hedge
      // Locked in: 100 − 50.00 − 0.75 − 47.00 − 1.75 = 0.50
      assert.deepInclude<object>(arb!, { state: "matched", matched: qtyOf("100"), lockedProfit: dollars("0.50"), attempts: 1 })
      assert.deepStrictEqual(yield* transitions("arb-kfail-01"), ["submitting", "waiting", "hedging", "matched"])
      // The hedge passed risk first, as a hedge (an exit-like reduction of the unit's exposure)
      assert.deepStrictEqual(yield* riskSignals("arb-kfail-01"), [["arb-kfail-01-h1-r1", "exit", "accepted", "APPROVED"]])
      assert.deepStrictEqual((yield* ordersOf("arb-kfail-01")).map((o) => [o.id, o.status, Number(o.filled), Number(o.limit)]), [
        ["arb-kfail-01-0", "canceled", 0, priceOf("0.45")],
        ["arb-kfail-01-1", "filled", qtyOf("100"), priceOf("0.50")],
        ["arb-kfail-01-h1", "filled", qtyOf("100"), priceOf("0.57")]
      ])
      // One arbitrage position: both legs grouped (exits leave them to settlement)
      const positions = yield* positionsOf("arb-kfail-01")
      assert.deepStrictEqual(positions.map((x) => [x.status, x.quantity, x.arb_group]), [
        ["open", String(qtyOf("100")), "arb-kfail-01"],
        ["open", String(qtyOf("100")), "arb-kfail-01"]
      ])
      // A take-profit on the Kalshi leg alone (bid 0.60, bought at 0.47) is not taken: the legs settle together
      yield* market.setBook(k, { bids: [lv("0.60", "200")], asks: [lv("0.61", "200")] })
      // Exits pass the risk singleton's own decision
      const riskCheck = (request: CheckRequest) => Effect.flatMap(AppConfig, ({ config }) => decideAndRecord(config.bankroll.account, request, limitsFrom(config), true))
      const checks = yield* Effect.flatMap(ExecutionDriver, (d) => checkExits(d.place, riskCheck)).pipe(Effect.provide(processLayer(polyScript())))
      assert.deepStrictEqual(checks.filter((c) => positions.some((x) => x.position_id === c.positionId)), [])
      const spent = yield* balance
      assert.strictEqual(spent.balance, before.balance - dollars("50.75") - dollars("48.75"))
      assert.strictEqual(spent.reserved, before.reserved)

      // Kalshi YES wins, the Polymarket token loses: realised 100 − 48.75 = 51.25 and −50.75, together the 0.50 locked in
      const { config } = yield* AppConfig
      const books = { account: config.bankroll.account, piggybankShare: config.bankroll.piggybankShare }
      const settled = [
        ...(yield* settleMarket(books, "kalshi", k.marketId, { _tag: "KalshiResult", result: "yes" })),
        ...(yield* settleMarket(books, "polymarket", p.marketId, { _tag: "Winner", outcomeId: "other" }))
      ]
      assert.deepStrictEqual(settled.map((s) => s.realized), [dollars("51.25"), dollars("-50.75")])
      assert.strictEqual(settled[0]!.realized + settled[1]!.realized, arb!.lockedProfit)
      // The legs close as one: the piggybank takes half of the arbitrage's 0.50 (not of the winning
      // leg's 51.25), and the risk rules see one close of +0.50 (not a win and a loss)
      const after = yield* balance
      assert.strictEqual(after.balance + after.piggybank - before.balance - before.piggybank, dollars("0.50"))
      assert.strictEqual(after.piggybank - before.piggybank, dollars("0.25"))
      const sql = yield* SqlClient.SqlClient
      const closes = yield* sql<{ position_id: string; realized: string }>`
        SELECT c.position_id, c.realized_pnl_micros::text AS realized FROM position_closes c
         WHERE c.position_id IN (SELECT position_id FROM positions WHERE market_id IN (${k.marketId}, ${p.marketId}))
            OR c.position_id IN (SELECT 'arb:' || arb_group FROM positions WHERE market_id IN (${k.marketId}, ${p.marketId}))`
      assert.deepStrictEqual(closes.map((c) => [c.position_id.startsWith("arb:"), Number(c.realized)]), [[true, dollars("0.50")]])
      yield* balanced
    }))

  it.effect("a partial Kalshi leg: only the mismatch (40 of 100) is worked, and the sets are completed", () =>
    Effect.gen(function*() {
      // Only 60 offered within the Kalshi leg's limit: its IOC fills 60 and cancels 40
      const { k, p } = yield* markets(9, { bids: [lv("0.44", "100")], asks: [lv("0.45", "60"), lv("0.47", "100")] }, { bids: [lv("0.48", "200")], asks: [lv("0.50", "100")] })
      const before = yield* balance
      const arb = yield* Effect.gen(function*() {
        yield* openArb("arb-part-001", k, "0.45", "46.74", p, "0.50", "50.75", "100")
        return yield* drive((yield* ArbitrageDriver).run("arb-part-001"))
      }).pipe(Effect.provide(processLayer(polyScript())))

      // Kalshi 60 @0.45 = 27.00 + fee ceil¢(0.07×60×0.45×0.55 = 1.0395) = 1.04; Polymarket 100 @0.50 = 50.00 + 0.75
      // The excess: 40 Polymarket, basis 20.00 + 0.30 = 20.30; bound 40 × 0.10 = 4.00
      // Unwind: floor 0.42 (16.80 − 0.29232 ✓; 16.40 − 0.29028 ✗ against 16.30); at 0.48: 19.20 − 0.29952 − 20.30 = −1.39952
      // Hedge: cap 0.57 (22.80 + 0.69 ✓; 23.20 + 0.69 ✗ against 23.70); the paper book still shows 0.45:
      //   40 − 18.00 − 0.70 (0.693) − 20.30 = +1.00 → the hedge, of the 40 only
      // Locked in: 100 − 27.00 − 1.04 − 18.00 − 0.70 − 50.00 − 0.75 = 2.51
      assert.deepInclude<object>(arb!, { state: "matched", matched: qtyOf("100"), lockedProfit: dollars("2.51"), attempts: 1 })
      assert.deepStrictEqual((yield* ordersOf("arb-part-001")).map((o) => [o.id, o.status, Number(o.filled), Number(o.limit)]), [
        ["arb-part-001-0", "canceled", qtyOf("60"), priceOf("0.45")],
        ["arb-part-001-1", "filled", qtyOf("100"), priceOf("0.50")],
        ["arb-part-001-h1", "filled", qtyOf("40"), priceOf("0.57")]
      ])
      assert.strictEqual((yield* balance).balance, before.balance - dollars("28.04") - dollars("50.75") - dollars("18.70"))
      yield* balanced
    }))

  it.effect("a delayed Polymarket leg that arrives before the deadline: polled with backoff, nothing unwound, matched", () =>
    Effect.gen(function*() {
      const start = yield* Clock.currentTimeMillis
      const { k, p } = yield* markets(3, { bids: [lv("0.43", "100")], asks: [lv("0.45", "100")] }, { bids: [lv("0.48", "100")], asks: [lv("0.50", "100")] })
      const before = yield* balance
      const ps = polyScript({ delayed: true, latencyMillis: 3_000 })
      const arb = yield* Effect.gen(function*() {
        yield* openArb("arb-delay-01", k, "0.45", "46.74", p, "0.50", "50.75", "100")
        return yield* drive((yield* ArbitrageDriver).run("arb-delay-01"))
      }).pipe(Effect.provide(processLayer(ps)))

      // 100 − 45.00 − 1.74 − 50.00 − 0.75 = 2.51
      assert.deepInclude<object>(arb!, { state: "matched", matched: qtyOf("100"), lockedProfit: dollars("2.51"), attempts: 0 })
      assert.deepStrictEqual(yield* transitions("arb-delay-01"), ["submitting", "waiting", "matched"])
      assert.deepStrictEqual((yield* ordersOf("arb-delay-01")).map((o) => o.purpose), ["entry", "entry"])
      // Polled with backoff (at least 100, 200, 500, 1000 ms apart) until the fill, which came at +3 s
      const gaps = ps.statusCalls.slice(1).map((t, i) => t - ps.statusCalls[i]!)
      assert.isAtLeast(ps.statusCalls.length, 1)
      assert.isAtLeast(ps.statusCalls[0]! - start, 100)
      gaps.forEach((gap, i) => assert.isAtLeast(gap, [200, 500, 1_000, 1_500, 2_000][i]!))
      assert.strictEqual((yield* balance).balance, before.balance - dollars("46.74") - dollars("50.75"))
      yield* balanced
    }))

  it.effect("a delayed Polymarket leg that misses the deadline: cancelled, and the Kalshi excess unwound within unwindMaxLoss", () =>
    Effect.gen(function*() {
      const start = yield* Clock.currentTimeMillis
      // By the time the delayed order would match, the market has moved away from its limit
      const { k, p } = yield* markets(4, { bids: [lv("0.42", "60"), lv("0.40", "100")], asks: [lv("0.45", "100")] }, { bids: [lv("0.55", "100")], asks: [lv("0.60", "100")] })
      const before = yield* balance
      const ps = polyScript({ delayed: true, latencyMillis: 8_000 })
      const arb = yield* Effect.gen(function*() {
        yield* openArb("arb-late-001", k, "0.45", "46.74", p, "0.50", "50.75", "100")
        const done = yield* drive((yield* ArbitrageDriver).run("arb-late-001"))
        // Past the delayed order's own match time: it was cancelled, so nothing comes of it
        yield* advance(4_000)
        return done
      }).pipe(Effect.provide(processLayer(ps)))

      // Kalshi filled 100 @0.45 + 1.74: the excess cost 46.74; unwind floor 0.39 (as in the first test)
      // Unwind into 0.42×60 + 0.40×40 = 25.20 + 16.00 = 41.20, fee 0.07×(60×0.42×0.58 + 40×0.4×0.6) = 1.69512 → 1.70:
      //   41.20 − 1.70 − 46.74 = −7.24 expected
      // Hedge on Polymarket: cap 0.62 (62.00 + 0.7068 ✓ vs 63.00 + 0.6993 ✗ against 63.26); at 0.60×100:
      //   100 − 60.00 − 0.72 − 46.74 = −7.46  → the unwind is cheaper
      // The paper venue charges the order's fee, ceiled once: 1.02312 → $1.03 for the first fill, then
      // 1.69512 → $1.70 for the order, so $0.67 for the second (not 0.672 → $0.68: a cent per fill)
      // Realised −1.74 + 41.20 − 45.00 − 1.70 = −7.24: a loss within 100 × 0.10 = 10.00
      assert.deepInclude<object>(arb!, { state: "flat", matched: 0, lockedProfit: dollars("-7.24"), attempts: 1 })
      assert.isAtMost(-arb!.lockedProfit!, dollars("10"))
      assert.deepStrictEqual(yield* transitions("arb-late-001"), ["submitting", "waiting", "cancelling", "unwinding", "flat"])
      assert.deepStrictEqual((yield* ordersOf("arb-late-001")).map((o) => [o.id, o.status, Number(o.filled), Number(o.limit)]), [
        ["arb-late-001-0", "filled", qtyOf("100"), priceOf("0.45")],
        ["arb-late-001-1", "canceled", 0, priceOf("0.50")],
        ["arb-late-001-u1", "filled", qtyOf("100"), priceOf("0.39")]
      ])
      // The leg was waited for (polled) until the 5 s deadline before anything was unwound
      assert.isAtLeast(ps.statusCalls.length, 2)
      const [unwound] = yield* (yield* SqlClient.SqlClient)<{ ms: string }>`
        SELECT (extract(epoch FROM created_at) * 1000)::bigint::text AS ms FROM orders WHERE client_order_id = 'arb-late-001-u1'`
      assert.isAtLeast(Number(unwound!.ms) - start, 5_000)
      assert.deepStrictEqual(yield* balance, { ...before, balance: (before.balance - dollars("7.24")) as Micros })
      yield* balanced
    }))

  it.effect("a status query while a leg is on its way (upkeep's reconciliation) does not close it", () =>
    Effect.gen(function*() {
      const { k, p } = yield* markets(8, { bids: [lv("0.43", "100")], asks: [lv("0.45", "100")] }, { bids: [lv("0.48", "100")], asks: [lv("0.50", "100")] })
      // The Polymarket request takes 2 s to arrive, and the venue knows nothing of it until then
      const ps = polyScript({ latencyMillis: 2_000, unknownUntilArrival: true })
      const arb = yield* Effect.gen(function*() {
        yield* openArb("arb-flight-01", k, "0.45", "46.74", p, "0.50", "50.75", "100")
        const driver = yield* ExecutionDriver
        const reconcile = Effect.sleep("500 millis").pipe(Effect.andThen(driver.reconcile), Effect.andThen(Effect.sleep("500 millis")), Effect.andThen(driver.reconcile))
        const [row] = yield* drive(Effect.all([(yield* ArbitrageDriver).run("arb-flight-01"), reconcile], { concurrency: "unbounded" }))
        return row
      }).pipe(Effect.provide(processLayer(ps)))
      // Reconciliation left the leg on its way to its answer (asking the venue would have found nothing)
      assert.deepStrictEqual(ps.statusCalls, [])
      assert.deepInclude<object>(arb!, { state: "matched", matched: qtyOf("100"), lockedProfit: dollars("2.51"), attempts: 0 })
      assert.deepStrictEqual((yield* ordersOf("arb-flight-01")).map((o) => o.status), ["filled", "filled"])
      yield* balanced
    }))

  it.effect("nothing to sell or buy within unwindMaxLoss: the excess is watched, never sold below the bound, then left exposed to exits", () =>
    Effect.gen(function*() {
      // Kalshi's bid has collapsed below the unwind floor (0.39) and Polymarket's ask is above the hedge cap (0.62)
      const { k, p } = yield* markets(7, { bids: [lv("0.30", "100")], asks: [lv("0.45", "100")] }, { bids: [lv("0.60", "100")], asks: [lv("0.70", "100")] })
      const before = yield* balance
      const arb = yield* Effect.gen(function*() {
        // The Polymarket leg's limit is below its ask: it fills nothing
        yield* openArb("arb-expose-01", k, "0.45", "46.74", p, "0.50", "50.75", "100")
        return yield* drive((yield* ArbitrageDriver).run("arb-expose-01"))
      }).pipe(Effect.provide(processLayer(polyScript())))

      assert.deepInclude<object>(arb!, { state: "exposed", attempts: 0 })
      assert.match(arb!.reason!, /^100000000 of leg 0 unmatched: nothing to trade within unwindMaxLoss/)
      assert.deepStrictEqual(yield* transitions("arb-expose-01"), ["submitting", "waiting", "watching", "exposed"])
      assert.deepStrictEqual((yield* ordersOf("arb-expose-01")).map((o) => o.purpose), ["entry", "entry"])
      // The Kalshi leg is an ordinary open position again: only its entry fee is realised so far
      const [position] = yield* positionsOf("arb-expose-01")
      assert.deepInclude(position, { status: "open", quantity: String(qtyOf("100")), realized: String(dollars("-1.74")), arb_group: null })
      assert.strictEqual((yield* balance).balance, before.balance - dollars("46.74"))
      yield* balanced
    }))

  it.effect("a restart while waiting for the second leg: the unit resumes from its persisted state and completes the set; no leg is sent twice", () =>
    Effect.gen(function*() {
      const { k, p } = yield* markets(5, { bids: [lv("0.44", "100")], asks: [lv("0.45", "100")] }, { bids: [lv("0.48", "100")], asks: [lv("0.50", "100")] })
      const before = yield* balance

      // First life: the Kalshi leg fills, the Polymarket leg is delayed; the process dies at +1 s
      const first = polyScript({ delayed: true, latencyMillis: 3_000 })
      yield* Effect.gen(function*() {
        yield* openArb("arb-crash-01", k, "0.45", "46.74", p, "0.50", "50.75", "100")
        yield* (yield* ArbitrageDriver).launch("arb-crash-01")
        // Until the Kalshi leg's fill is recorded and the Polymarket leg is waited for
        yield* drive(Effect.gen(function*() {
          while ((yield* ordersOf("arb-crash-01")).map((o) => o.status).join() !== "filled,acknowledged") yield* Effect.sleep("50 millis")
        }))
      }).pipe(Effect.provide(processLayer(first)))
      assert.strictEqual((yield* readArbitrage("arb-crash-01"))!.state, "waiting")
      assert.deepStrictEqual(first.submits, ["arb-crash-01-1"])

      // Second life: the unit is resumed. The paper venue died with the process (a live venue would
      // still know the order: it is resolved by a status query, never resent)
      const second = polyScript({ delayed: true, latencyMillis: 3_000 })
      // The runtime's start-up singleton finds the unfinished unit and resumes it
      const arb = yield* drive(Effect.gen(function*() {
        while (true) {
          const row = yield* readArbitrage("arb-crash-01")
          if (row !== undefined && ["matched", "flat", "exposed"].includes(row.state)) return row
          yield* Effect.sleep("100 millis")
        }
      })).pipe(Effect.provide(resumer.pipe(Layer.provideMerge(processLayer(second)))))

      // The Polymarket leg died with the paper venue (a live venue would still know it: it is resolved
      // by a status query, never resent). The Kalshi excess cost 46.74; the book still offers the
      // Polymarket side at 0.50, so completing the set (a hedge, its own order) beats selling:
      //   hedge 100 − 50.00 − 0.75 − 46.74 = +2.51;  unwind at 0.44: 44.00 − 1.73 (1.7248) − 46.74 = −4.47
      assert.deepInclude<object>(arb!, { state: "matched", matched: qtyOf("100"), lockedProfit: dollars("2.51"), attempts: 1 })
      assert.deepStrictEqual(second.submits, ["arb-crash-01-h1"])
      assert.deepStrictEqual(yield* transitions("arb-crash-01"), ["submitting", "waiting", "hedging", "matched"])
      assert.deepStrictEqual((yield* ordersOf("arb-crash-01")).map((o) => [o.id, o.status, Number(o.filled)]), [
        ["arb-crash-01-0", "filled", qtyOf("100")],
        ["arb-crash-01-1", "canceled", 0],
        ["arb-crash-01-h1", "filled", qtyOf("100")]
      ])
      assert.deepStrictEqual(yield* balance, { ...before, balance: (before.balance - dollars("46.74") - dollars("50.75")) as Micros })
      yield* balanced
    }))

  it.effect("a unit opened by a cluster message: both legs at once, matched; the replayed message records nothing twice", () =>
    Effect.gen(function*() {
      const { k, p } = yield* markets(6, { bids: [lv("0.40", "100")], asks: [lv("0.42", "50")] }, { bids: [lv("0.52", "100")], asks: [lv("0.55", "50")] })
      const before = yield* balance
      const open = {
        arbId: "arb-entity-01",
        signalId: "arb-entity-01" as SignalId,
        gameId: GAME,
        quantity: qtyOf("50"),
        legs: [
          { clientOrderId: "arb-entity-01-0" as ClientOrderId, outcome: k, limitPrice: priceOf("0.42") },
          { clientOrderId: "arb-entity-01-1" as ClientOrderId, outcome: p, limitPrice: priceOf("0.55") }
        ] as const
      }
      const arb = yield* Effect.gen(function*() {
        const units = (yield* ArbitrageUnits.client)(ARBITRAGE_ID)
        assert.deepStrictEqual(yield* drive(units.Open(open)), { recorded: true })
        const done = yield* drive(Effect.gen(function*() {
          while (true) {
            const row = yield* readArbitrage("arb-entity-01")
            if (row !== undefined && row.state === "matched") return row
            yield* Effect.sleep("100 millis")
          }
        }))
        // The same intent again (a retried message): nothing new is recorded or sent
        yield* drive(units.Open(open))
        yield* advance(1_000)
        return done
      }).pipe(Effect.provide(ArbitrageLayer.pipe(Layer.provideMerge(processLayer(polyScript())))))

      // 50 @0.42 = 21.00 + fee 0.07×50×0.42×0.58 = 0.8526 → 0.86; 50 @0.55 = 27.50 + 50×0.03×0.55×0.45 = 0.37125
      // Locked in: 50 − 21.00 − 0.86 − 27.50 − 0.37125 = 0.26875
      assert.deepInclude<object>(arb, { state: "matched", matched: qtyOf("50"), lockedProfit: dollars("0.26875") })
      assert.deepStrictEqual((yield* ordersOf("arb-entity-01")).map((o) => [o.id, o.status]), [["arb-entity-01-0", "filled"], ["arb-entity-01-1", "filled"]])
      assert.deepStrictEqual(yield* transitions("arb-entity-01"), ["submitting", "waiting", "matched"])
      assert.strictEqual((yield* balance).balance, before.balance - dollars("21.86") - dollars("27.87125"))
      yield* balanced
    }))

  it.effect("`arbees positions` lists every unit with its state and locked-in profit", () =>
    Effect.gen(function*() {
      const database = yield* Database
      const result = yield* Effect.promise(() => runCli(["positions", "--json"], { env: cleanEnv({ DATABASE_URL: database.target }) }))
      assert.strictEqual(result.code, 0, result.stderr)
      const units = result.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l["list"] === "arbitrages")
      assert.deepStrictEqual(units.map((u) => [u["arb_id"], u["state"], u["matched_quantity"], u["locked_profit_micros"]]), [
        ["arb-pfail-01", "flat", "0", String(dollars("-5.46"))],
        ["arb-risk-0001", "flat", "0", String(dollars("-5.46"))],
        ["arb-kfail-01", "matched", String(qtyOf("100")), String(dollars("0.50"))],
        ["arb-part-001", "matched", String(qtyOf("100")), String(dollars("2.51"))],
        ["arb-delay-01", "matched", String(qtyOf("100")), String(dollars("2.51"))],
        ["arb-late-001", "flat", "0", String(dollars("-7.24"))],
        ["arb-flight-01", "matched", String(qtyOf("100")), String(dollars("2.51"))],
        ["arb-expose-01", "exposed", null, null],
        ["arb-crash-01", "matched", String(qtyOf("100")), String(dollars("2.51"))],
        ["arb-entity-01", "matched", String(qtyOf("50")), String(dollars("0.26875"))]
      ])
      const table = yield* Effect.promise(() => runCli(["positions"], { env: cleanEnv({ DATABASE_URL: database.target }) }))
      assert.include(table.stdout, "arbitrages (10)")
    }))
})
