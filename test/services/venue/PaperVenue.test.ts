import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Stream } from "effect"
import { TestClock } from "effect/testing"
import type { BookSides } from "../../../src/domain/execution/FillModel.ts"
import { kalshiFeeSchedule, type KalshiFeeSchedule } from "../../../src/domain/fees/KalshiFees.ts"
import type { ClientOrderId, MarketId, OutcomeId } from "../../../src/schema/Ids.ts"
import type { OutcomeRef } from "../../../src/schema/Market.ts"
import { bps, dollars, priceOf, qtyOf } from "../../../src/schema/Money.ts"
import { latencyOf, makePaperVenue, PaperMarket, type PaperSettings, realismOf } from "../../../src/services/venue/PaperVenue.ts"
import type { OrderRequest, VenueEvent } from "../../../src/services/venue/Venue.ts"
import { makeScriptedMarket } from "../../support/ScriptedMarket.ts"

const fees = kalshiFeeSchedule({ feeType: "quadratic_with_maker_fees", multiplier: 1_000_000 }) as KalshiFeeSchedule
const yes: OutcomeRef = { platform: "kalshi", marketId: "KXNBAGAME-26DEC02LALBOS-BOS" as MarketId, outcomeId: "yes" as OutcomeId }
const lv = (p: string, s: string) => ({ price: priceOf(p), size: qtyOf(s) })
const bookA: BookSides = { bids: [lv("0.42", "40")], asks: [lv("0.43", "30"), lv("0.44", "50")] }
const bookB: BookSides = { bids: [lv("0.47", "10")], asks: [lv("0.48", "20"), lv("0.50", "100")] }
const exact: PaperSettings = { latencyMillis: 500, jitterMillis: 0, seed: 42, takeShare: bps(10_000) }
const order = (id: string, over: Partial<OrderRequest> = {}): OrderRequest => ({
  clientOrderId: id as ClientOrderId,
  outcome: yes,
  action: "buy",
  limitPrice: priceOf("0.50"),
  quantity: qtyOf("40"),
  timeInForce: "ioc",
  postOnly: false,
  ...over
})

const setup = (settings: PaperSettings = exact) =>
  Effect.gen(function*() {
    const { script, service } = yield* makeScriptedMarket
    script.setFees(yes, fees)
    yield* script.setBook(yes, bookA)
    const venue = yield* makePaperVenue("kalshi", settings).pipe(Effect.provideService(PaperMarket, service))
    return { script, venue }
  })

describe("paper venue", () => {
  it.effect("the order meets the book as it stands after the latency, not as it was at submit", () =>
    Effect.gen(function*() {
      const { script, venue } = yield* setup()
      const fiber = yield* venue.submit(order("order-latency-1")).pipe(Effect.forkChild)
      yield* TestClock.adjust("300 millis")
      yield* script.setBook(yes, bookB) // the market moved while the order was in flight
      yield* TestClock.adjust("200 millis")
      const result = yield* Fiber.join(fiber)
      // 20@0.48 then 20@0.50 from bookB (bookA would have given 30@0.43 and 10@0.44)
      // fees: 0.07×20×0.48×0.52 = 0.34944 → $0.35; 0.07×20×0.5×0.5 = 0.35 → $0.35
      assert.deepStrictEqual(result.fills.map((f) => [f.price, f.quantity, f.fee, f.isTaker, f.filledAt]), [
        [priceOf("0.48"), qtyOf("20"), dollars("0.35"), true, 500],
        [priceOf("0.50"), qtyOf("20"), dollars("0.35"), true, 500]
      ])
      assert.strictEqual(result.state.status, "filled")
      assert.deepStrictEqual(result.fills[0]!.realism, realismOf(exact))
      assert.strictEqual(result.fills[0]!.fillId, "paper-order-latency-1-1")
    }))

  it.effect("a Kalshi taker that fills at two levels pays the order's fee, ceiled to the cent once", () =>
    Effect.gen(function*() {
      const { venue } = yield* setup()
      const fiber = yield* venue.submit(order("order-fee-1", { limitPrice: priceOf("0.44"), quantity: qtyOf("80") })).pipe(Effect.forkChild)
      yield* TestClock.adjust("500 millis")
      const result = yield* Fiber.join(fiber)
      // 30@0.43 then 50@0.44 from bookA. The order's taker fee: 0.07×30×0.43×0.57 = 0.51471 plus
      // 0.07×50×0.44×0.56 = 0.8624 is 1.37711 → $1.38, charged as $0.52 (0.51471 → $0.52 after the
      // first fill) and $0.86 (the rest); a cent per fill would have been $0.52 + $0.87 = $1.39
      assert.deepStrictEqual(result.fills.map((f) => [f.price, f.quantity, f.fee]), [
        [priceOf("0.43"), qtyOf("30"), dollars("0.52")],
        [priceOf("0.44"), qtyOf("50"), dollars("0.86")]
      ])
      assert.strictEqual(result.fills.reduce((n, f) => n + f.fee, 0), dollars("1.38"))
      assert.strictEqual(result.state.status, "filled")
    }))

  it.effect("jitter is deterministic in the seed and the client order id, and bounded", () =>
    Effect.gen(function*() {
      const s: PaperSettings = { ...exact, jitterMillis: 100 }
      const a1 = yield* latencyOf(s, "order-a-0001")
      const a2 = yield* latencyOf(s, "order-a-0001")
      assert.strictEqual(a1, a2)
      const all = yield* Effect.forEach(Array.from({ length: 50 }, (_, i) => `order-${i}-xyz`), (id) => latencyOf(s, id))
      for (const l of all) assert.isTrue(l >= 400 && l <= 600)
      assert.isAbove(new Set(all).size, 10)
      const other = yield* latencyOf({ ...s, seed: 7 }, "order-a-0001")
      assert.deepStrictEqual(yield* latencyOf({ ...s, seed: 7 }, "order-a-0001"), other)
    }))

  it.effect("a client order id is accepted once", () =>
    Effect.gen(function*() {
      const { venue } = yield* setup()
      const f1 = yield* venue.submit(order("order-dup-0001")).pipe(Effect.exit, Effect.forkChild)
      const f2 = yield* venue.submit(order("order-dup-0001")).pipe(Effect.exit, Effect.forkChild)
      yield* TestClock.adjust("500 millis")
      const exits = [yield* Fiber.join(f1), yield* Fiber.join(f2)]
      assert.strictEqual(exits.filter(Exit.isSuccess).length, 1)
      const second = exits.find(Exit.isFailure)
      assert.include(JSON.stringify(second), "duplicate_client_order_id")
    }))

  it.effect("no live book: rejected, never guessed", () =>
    Effect.gen(function*() {
      const { script, venue } = yield* setup()
      yield* script.setBook(yes, undefined)
      const fiber = yield* venue.submit(order("order-nobook-1")).pipe(Effect.exit, Effect.forkChild)
      yield* TestClock.adjust("500 millis")
      const exit = yield* Fiber.join(fiber)
      assert.include(JSON.stringify(exit), "paper_no_book")
      const status = yield* venue.status({ clientOrderId: "order-nobook-1" as ClientOrderId })
      assert.strictEqual(status?.state.status, "rejected")
    }))

  it.effect("a GTC order rests, fills on trades after its queue, streams its fills, and can be cancelled", () =>
    Effect.gen(function*() {
      const { script, venue } = yield* setup()
      const seen: Array<VenueEvent> = []
      yield* venue.events.pipe(Stream.runForEach((e) => Effect.sync(() => void seen.push(e))), Effect.forkChild)
      const fiber = yield* venue.submit(order("order-maker-1", { limitPrice: priceOf("0.42"), quantity: qtyOf("50"), timeInForce: "gtc", postOnly: true })).pipe(Effect.forkChild)
      yield* TestClock.adjust("500 millis")
      const placed = yield* Fiber.join(fiber)
      assert.strictEqual(placed.state.status, "resting")
      assert.deepStrictEqual(placed.fills, [])
      // 40 visible ahead at 0.42. 30 trade at 0.42: nothing for us yet
      yield* script.trade(yes, { price: priceOf("0.42"), size: qtyOf("30"), aggressor: "sell" })
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* venue.status({ clientOrderId: "order-maker-1" as ClientOrderId }))?.state.filledQuantity, 0)
      // 25 more: 10 ahead, 15 to us at 0.42, maker fee 0.0175×15×0.42×0.58 = 0.063945 → $0.07
      yield* script.trade(yes, { price: priceOf("0.42"), size: qtyOf("25"), aggressor: "sell" })
      yield* TestClock.adjust("1 second")
      const mid = yield* venue.status({ clientOrderId: "order-maker-1" as ClientOrderId })
      assert.strictEqual(mid?.state.status, "partially_filled")
      assert.deepStrictEqual(mid?.fills.map((f) => [f.price, f.quantity, f.fee, f.isTaker, f.filledAt]), [[priceOf("0.42"), qtyOf("15"), dollars("0.07"), false, 1500]])
      const cancelled = yield* venue.cancel({ clientOrderId: "order-maker-1" as ClientOrderId })
      assert.strictEqual(cancelled.status, "canceled")
      assert.strictEqual(cancelled.filledQuantity, qtyOf("15"))
      // A trade through after the cancel fills nothing
      yield* script.trade(yes, { price: priceOf("0.30"), size: qtyOf("1000") })
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* venue.status({ clientOrderId: "order-maker-1" as ClientOrderId }))?.fills.length, 1)
      assert.deepStrictEqual(seen.map((e) => e._tag === "Filled" ? `fill:${e.fill.quantity}` : `state:${e.state.status}`), ["state:resting", "fill:15000000", "state:partially_filled", "state:canceled"])
    }))

  it.effect("a resting order that the market never trades through never fills, and expires", () =>
    Effect.gen(function*() {
      const { script, venue } = yield* setup()
      const fiber = yield* venue.submit(order("order-never-1", { limitPrice: priceOf("0.40"), quantity: qtyOf("10"), timeInForce: "gtc", expiresAt: 60_000 })).pipe(Effect.forkChild)
      yield* TestClock.adjust("500 millis")
      yield* Fiber.join(fiber)
      for (const p of ["0.42", "0.43", "0.41"]) yield* script.trade(yes, { price: priceOf(p), size: qtyOf("500") })
      yield* TestClock.adjust("30 seconds")
      assert.strictEqual((yield* venue.status({ clientOrderId: "order-never-1" as ClientOrderId }))?.state.status, "resting")
      yield* TestClock.adjust("30 seconds")
      const s = yield* venue.status({ clientOrderId: "order-never-1" as ClientOrderId })
      assert.strictEqual(s?.state.status, "expired")
      assert.deepStrictEqual(s?.fills, [])
    }))

  it.effect("status of an order the venue never saw is undefined", () =>
    Effect.gen(function*() {
      const { venue } = yield* setup()
      assert.strictEqual(yield* venue.status({ clientOrderId: "never-sent-1" as ClientOrderId }), undefined)
    }))
})
