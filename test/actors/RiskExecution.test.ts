/**
 * Risk and execution together, on a real Postgres with the paper venues over a scripted market.
 *
 * Venue errors: five placements in a row whose answer is lost pause the venue for
 * `execution.errorCooldown`, and risk denies new exposure there `VENUE_ERROR_PAUSE`.
 *
 * The kill switch end to end:
 * a day's losses reach `execution.killSwitchDailyLoss`, the risk singleton halts trading, the next
 * signal is denied `TRADING_HALTED`, and the buy resting at the venue is cancelled there, its
 * reservation released. A halt set from another process (what `arbees trading halt` writes) cancels
 * resting orders too.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as BankrollActor from "../../src/actors/Bankroll.ts"
import { ExecutionDriver } from "../../src/actors/Execution.ts"
import * as RiskActor from "../../src/actors/Risk.ts"
import type { CheckRequest } from "../../src/actors/Risk.ts"
import * as Trades from "../../src/actors/Trades.ts"
import { kalshiFeeSchedule, type KalshiFeeSchedule } from "../../src/domain/fees/KalshiFees.ts"
import type { ClientOrderId, GameId, MarketId, OutcomeId, SignalId } from "../../src/schema/Ids.ts"
import type { OutcomeRef } from "../../src/schema/Market.ts"
import * as Money from "../../src/schema/Money.ts"
import { nowMillis } from "../../src/services/Time.ts"
import { Venues } from "../../src/services/venue/Venue.ts"
import { eventually } from "../support/Eventually.ts"
import { harness, seedGame } from "../support/ExecutionHarness.ts"

const GAME = "401810555" as GameId
const K_HOME: OutcomeRef = { platform: "kalshi", marketId: "KXNBAGAME-26DEC02DENPHX-PHX" as MarketId, outcomeId: "yes" as OutcomeId }
const ACCOUNT = "paper"
const fees = kalshiFeeSchedule({ feeType: "quadratic", multiplier: 1_000_000 }) as KalshiFeeSchedule
const lv = (p: string, s: string) => ({ price: Money.priceOf(p), size: Money.qtyOf(s) })

const h = harness("postgres", { "execution.killSwitchDailyLoss": "150" })
const runtime = RiskActor.layer.pipe(Layer.provideMerge(h.layer))

/** A buy resting at the venue: 20 @ 0.40 under a 0.45 ask, its money reserved as risk would. */
const resting = (id: string) =>
  Effect.gen(function*() {
    yield* BankrollActor.reserve(ACCOUNT, [{ reservationId: id, signalId: `sig-${id}`, gameId: GAME, sport: "nba", outcome: K_HOME, amount: Money.dollars("8.17"), contracts: Money.qtyOf("20") }])
    yield* Trades.recordOrder({
      clientOrderId: id as ClientOrderId,
      signalId: `sig-${id}` as SignalId,
      gameId: GAME,
      outcome: K_HOME,
      action: "buy",
      limitPrice: Money.priceOf("0.40"),
      quantity: Money.qtyOf("20"),
      timeInForce: "gtc",
      postOnly: false,
      purpose: "entry",
      paper: true
    })
    yield* (yield* ExecutionDriver).place(id)
    const order = (yield* Trades.readOrder(id))!
    assert.strictEqual(order.status, "acknowledged", "resting at the venue")
  })

const intent = (n: number) =>
  Effect.map(nowMillis, (now): CheckRequest => {
    const legs: CheckRequest["legs"] = [{
      outcome: K_HOME,
      meaning: "home_win",
      action: "buy",
      limit: Money.priceOf("0.50"),
      asks: [lv("0.45", "200")],
      fees: { _tag: "KalshiFeeSchedule", feeType: "quadratic", multiplier: 1_000_000 },
      venue: { _tag: "kalshi", fractional: false, tickSize: Money.price(1) },
      bookAsOf: now
    }]
    return {
      signal: {
        signalId: `s${GAME}-kill-${n}` as SignalId,
        kind: "model_edge",
        gameId: GAME,
        legs: [{ outcome: K_HOME, action: "buy", limit: Money.priceOf("0.50"), available: Money.qtyOf("200") }] as unknown as CheckRequest["signal"]["legs"],
        edgeBps: Money.bps(1000),
        createdAt: now,
        expiresAt: now + 30_000
      },
      sport: "nba",
      purpose: "entry",
      legs,
      threshold: { _tag: "edge", probability: 0.6, minEdge: Money.bpsOf("0.05"), kelly: true },
      withDraw: false,
      gameStateChangedAt: now,
      modelAt: now
    }
  })

const atVenue = (id: string) =>
  Effect.flatMap(Venues, (v) => Effect.map(v.get("kalshi").status({ clientOrderId: id as ClientOrderId }), (s) => s?.state.status))

layer(runtime, { excludeTestServices: true, timeout: 120_000 })("risk and execution", (it) => {
  it.effect("five venue errors in a row pause the venue: the next signal there is denied VENUE_ERROR_PAUSE", () =>
    Effect.gen(function*() {
      yield* seedGame(GAME, "nba")
      const { market, loseNextAnswer } = h.handle()
      market.setFees(K_HOME, fees)
      yield* market.setBook(K_HOME, { bids: [lv("0.38", "50")], asks: [lv("0.45", "50")] })
      const driver = yield* ExecutionDriver
      for (let i = 0; i < 5; i++) {
        const id = `lost-answer-${i}`
        yield* Trades.recordOrder({
          clientOrderId: id as ClientOrderId,
          gameId: GAME,
          outcome: K_HOME,
          action: "buy",
          limitPrice: Money.priceOf("0.40"),
          quantity: Money.qtyOf("1"),
          timeInForce: "ioc",
          postOnly: false,
          purpose: "entry",
          paper: true
        })
        loseNextAnswer("kalshi")
        // The venue took it, we never heard: an error (its own stream later tells the IOC's fate)
        yield* driver.place(id)
      }
      const risk = (yield* RiskActor.Risk.client)(RiskActor.RISK_ID)
      const paused = yield* risk.Check(yield* intent(0))
      assert.strictEqual(paused._tag === "Denied" ? paused.denial.code : "approved", "VENUE_ERROR_PAUSE")
    }))

  it.effect("halts on the day's loss, denies the next signal TRADING_HALTED and cancels the resting buy at the venue", () =>
    Effect.gen(function*() {
      yield* resting("rest-order-001")
      const risk = (yield* RiskActor.Risk.client)(RiskActor.RISK_ID)

      // A bad day: $150 of realised losses in this game
      for (const [i, pnl] of ["-60", "-50", "-40"].entries()) {
        yield* BankrollActor.closePosition({ positionId: `lost-${i}`, gameId: GAME, sport: "nba", outcome: K_HOME, realizedPnl: Money.dollars(pnl) })
      }
      const tripped = yield* risk.Check(yield* intent(1))
      assert.strictEqual(tripped._tag === "Denied" ? tripped.denial.code : "approved", "KILL_SWITCH")
      const state = yield* RiskActor.readTradingState()
      assert.deepStrictEqual([state.state, state.changedBy], ["HALTED", "kill switch"])
      const next = yield* risk.Check(yield* intent(2))
      assert.strictEqual(next._tag === "Denied" ? next.denial.code : "approved", "TRADING_HALTED")

      // The resting buy is cancelled at the venue and in the record; its money is free again
      yield* eventually("the venue's cancel", atVenue("rest-order-001"), (s) => s === "canceled", "15 seconds")
      const order = yield* eventually("the recorded cancel", Trades.readOrder("rest-order-001"), (o) => o?.status === "canceled", "15 seconds")
      assert.strictEqual(order!.filled, 0)
      assert.strictEqual((yield* BankrollActor.readBalance(ACCOUNT)).reserved, 0)
      assert.isTrue((yield* BankrollActor.ledgerCheck(ACCOUNT)).ok)
    }))

  it.effect("a halt written by another process (`arbees trading halt`) cancels what rests", () =>
    Effect.gen(function*() {
      yield* RiskActor.setTradingState("ACTIVE", "new day", "cli")
      yield* resting("rest-order-002")
      yield* RiskActor.setTradingState("HALTED", "operator: venue outage", "cli")
      yield* eventually("the venue's cancel", atVenue("rest-order-002"), (s) => s === "canceled", "15 seconds")
      yield* eventually("the recorded cancel", Trades.readOrder("rest-order-002"), (o) => o?.status === "canceled", "15 seconds")
      assert.strictEqual((yield* BankrollActor.readBalance(ACCOUNT)).reserved, 0)
    }))
})
