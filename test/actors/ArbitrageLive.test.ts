/**
 * Two-leg arbitrage as one unit over the live venue adapters, against the fake Kalshi and
 * Polymarket servers speaking the real protocols, on Postgres. The fakes match at the order's
 * limit price, so an unwind fills at its floor: the worst case the loss bound is computed for.
 * Real clock: the fakes are real servers (the leg deadline is 5 s).
 *
 * Fees: Kalshi's fake charges ceil¢(0.07 × C × p × (1 − p)); the fake CLOB's trades carry a fee
 * rate of 0. The decisions price Polymarket at the sports rate (0.03), from the scripted market.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { assert, layer } from "@effect/vitest"
import { Duration, Effect, Layer, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { generateKeyPairSync } from "node:crypto"
import { ArbitrageDriver } from "../../src/actors/Arbitrage.ts"
import { RiskGate } from "../../src/actors/Risk.ts"
import * as BankrollActor from "../../src/actors/Bankroll.ts"
import { ExecutionDriver } from "../../src/actors/Execution.ts"
import { kalshiFeeSchedule, type KalshiFeeSchedule } from "../../src/domain/fees/KalshiFees.ts"
import { polymarketFeeSchedule, type PolymarketFeeSchedule } from "../../src/domain/fees/PolymarketFees.ts"
import type { ClientOrderId, GameId, MarketId, OutcomeId } from "../../src/schema/Ids.ts"
import type { OutcomeRef } from "../../src/schema/Market.ts"
import { dollars, type Micros, priceOf, qtyOf } from "../../src/schema/Money.ts"
import { DeadLetters } from "../../src/services/DeadLetters.ts"
import { EventBus } from "../../src/services/bus/EventBus.ts"
import { Outbox } from "../../src/services/bus/Outbox.ts"
import { makeSigner, type PolymarketSigner } from "../../src/services/polymarket/PolymarketSigning.ts"
import { PaperMarket } from "../../src/services/venue/PaperVenue.ts"
import { Venues } from "../../src/services/venue/Venue.ts"
import { seedGame } from "../support/ExecutionHarness.ts"
import { FakeKalshi } from "../support/FakeKalshi.ts"
import { CONDITION, FakePolymarketClob, TOKEN_YES } from "../support/FakePolymarketClob.ts"
import { acquireFake } from "../support/FakeVenue.ts"
import { kalshiOnFake, polymarketOnFake } from "../support/LiveVenues.ts"
import { makeScriptedMarket, type ScriptedMarket } from "../support/ScriptedMarket.ts"
import { actorRuntime } from "../support/Runtime.ts"

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
const signer = makeSigner({ privateKey: Redacted.make("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d") }) as PolymarketSigner
const kalshiFees = kalshiFeeSchedule({ feeType: "quadratic_with_maker_fees", multiplier: 1_000_000 }) as KalshiFeeSchedule
const polyFees = polymarketFeeSchedule({ rate: 30_000, exponent: 1 }) as PolymarketFeeSchedule
const GAME = "401810099" as GameId
const account = "paper"
const lv = (p: string, s: string) => ({ price: priceOf(p), size: qtyOf(s) })
const pToken: OutcomeRef = { platform: "polymarket", marketId: CONDITION as MarketId, outcomeId: TOKEN_YES as OutcomeId }

let script: ScriptedMarket | undefined
const base = Layer.effect(PaperMarket, Effect.map(makeScriptedMarket, (m) => ((script = m.script), m.service))).pipe(
  Layer.provideMerge(Outbox.layerNoRelay),
  Layer.provideMerge(EventBus.layerMemory),
  Layer.provideMerge(DeadLetters.layer),
  Layer.provideMerge(Layer.mergeAll(NodeHttpClient.layerUndici, NodeWS.layerWebSocketConstructor)),
  Layer.provideMerge(actorRuntime("postgres", { "bankroll.initial": "1000" }))
)

/** Both fake servers, the live adapters over them, and the drivers. */
const live = Effect.gen(function*() {
  const kalshiFake = yield* acquireFake(() => new FakeKalshi({ publicKey, orders: true }))
  const clob = yield* acquireFake(() => new FakePolymarketClob())
  const kalshi = yield* kalshiOnFake(kalshiFake, privateKey, Duration.millis(1_000))
  const polymarket = yield* polymarketOnFake(clob, signer)
  const venues = Layer.succeed(Venues, Venues.of({ get: (p) => (p === "kalshi" ? kalshi.venue : polymarket.venue) }))
  return { kalshiFake, clob, drivers: ArbitrageDriver.layer.pipe(Layer.provide(RiskGate.layerDirect), Layer.provideMerge(ExecutionDriver.layer), Layer.provideMerge(venues)) }
})

const balance = Effect.map(BankrollActor.readBalance(account), (b) => b.balance)

const settled = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const [row] = yield* sql<{ total: string }>`SELECT coalesce(sum(amount_micros), 0)::text AS total FROM bankroll_ledger WHERE account = ${account} AND bucket = 'available'`
  assert.strictEqual(yield* balance, Number(row!.total) as Micros)
  assert.isTrue((yield* BankrollActor.ledgerCheck(account)).ok)
})

/** Opens a 10-share unit: Kalshi YES at 0.45 and the Polymarket token at 0.50, and runs it to its end. */
const runUnit = (arbId: string, kalshiTicker: string, duringRun: Effect.Effect<void>) =>
  Effect.gen(function*() {
    const arbitrage = yield* ArbitrageDriver
    const k: OutcomeRef = { platform: "kalshi", marketId: kalshiTicker as MarketId, outcomeId: "yes" as OutcomeId }
    yield* arbitrage.open({
      arbId,
      gameId: GAME,
      quantity: qtyOf("10"),
      legs: [
        { clientOrderId: `${arbId}-0` as ClientOrderId, outcome: k, limitPrice: priceOf("0.45") },
        { clientOrderId: `${arbId}-1` as ClientOrderId, outcome: pToken, limitPrice: priceOf("0.50") }
      ]
    })
    const [row] = yield* Effect.all([arbitrage.run(arbId), duringRun], { concurrency: "unbounded" })
    return row!
  })

layer(base, { excludeTestServices: true, timeout: 120_000 })("two-leg arbitrage over the fake Kalshi and Polymarket servers", (it) => {
  it.effect("delayed Polymarket legs (`delayed`, queued by the matching engine): one fills before the deadline and is matched; one never does, and the Kalshi excess is unwound within unwindMaxLoss", () =>
    Effect.gen(function*() {
      yield* seedGame(GAME, "nba")
      const ticker = "KXNBAGAME-26DEC02LALBOS-L1"
      const market = script!
      market.setFees({ platform: "kalshi", marketId: ticker as MarketId, outcomeId: "yes" as OutcomeId }, kalshiFees)
      market.setFees(pToken, polyFees)
      const before = yield* balance
      const { clob, kalshiFake, drivers } = yield* live
      clob.delayNext = 1
      const row = yield* runUnit("arb-live-0001", ticker, Effect.sleep(Duration.millis(1_500)).pipe(Effect.andThen(Effect.sync(() => clob.releaseDelayed())))).pipe(Effect.provide(drivers))
      // Kalshi 10 @0.45 = 4.50 + fee ceil¢(0.07×10×0.45×0.55 = 0.17325) = 0.18; Polymarket 10 @0.50 = 5.00, no fee
      // Locked in: 10 − 4.50 − 0.18 − 5.00 = 0.32
      assert.deepInclude<object>(row, { state: "matched", matched: qtyOf("10"), lockedProfit: dollars("0.32"), attempts: 0 })
      assert.strictEqual(clob.creates, 1)
      assert.strictEqual(yield* balance, before - dollars("9.68"))
      yield* settled

      // The same venues (their order and trade ids go on), a second unit
      yield* missesTheDeadline(clob, kalshiFake).pipe(Effect.provide(drivers))
    }))
})

/** A delayed Polymarket leg that never fills: cancelled at the deadline, the Kalshi excess unwound at its floor. */
const missesTheDeadline = (clob: FakePolymarketClob, kalshiFake: FakeKalshi) =>
    Effect.gen(function*() {
      const ticker = "KXNBAGAME-26DEC02LALBOS-L2"
      const k: OutcomeRef = { platform: "kalshi", marketId: ticker as MarketId, outcomeId: "yes" as OutcomeId }
      const market = script!
      market.setFees(k, kalshiFees)
      market.setFees(pToken, polyFees)
      yield* market.setBook(k, { bids: [lv("0.43", "100")], asks: [lv("0.45", "100")] })
      yield* market.setBook(pToken, { bids: [lv("0.55", "100")], asks: [lv("0.60", "100")] })
      const before = yield* balance
      const posts = kalshiFake.requestsTo("/portfolio/events/orders").filter((r) => r.method === "POST").length
      const trades = clob.trades.length
      clob.delayNext = 1
      const row = yield* runUnit("arb-live-0002", ticker, Effect.void)
      // The excess (10 Kalshi YES) cost 4.50 + 0.18 = 4.68; the bound is 10 × 0.10 = 1.00
      // Floor: 0.39 (3.90 − 0.17 → loss 0.95 ✓; 0.38: 3.80 − 0.17 → loss 1.05 ✗). Unwind at the 0.43 bid:
      // 4.30 − 0.18 − 4.68 = −0.56 expected; hedge at 0.60: 10 − 6.00 − 0.072 − 4.68 = −0.752 → unwind
      // The fake matches at the limit, the floor itself: 3.90 − fee ceil¢(0.16653) = 0.17
      // Realised −0.18 + 3.90 − 4.50 − 0.17 = −0.95: the worst case, within 1.00
      assert.deepInclude<object>(row, { state: "flat", matched: 0, lockedProfit: dollars("-0.95"), attempts: 1 })
      assert.isAtMost(-row.lockedProfit!, dollars("1"))
      // The delayed order was cancelled at the CLOB, never matched; the unwind went to Kalshi once
      assert.deepStrictEqual([...clob.orders.values()].map((o) => o.status), ["MATCHED", "CANCELED"])
      assert.strictEqual(clob.trades.length, trades)
      assert.strictEqual(kalshiFake.requestsTo("/portfolio/events/orders").filter((r) => r.method === "POST").length, posts + 2)
      assert.strictEqual(yield* balance, before - dollars("0.95"))
      yield* settled
    })
