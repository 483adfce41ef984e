import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { assert, describe, layer } from "@effect/vitest"
import { Duration, Effect, Fiber, Layer, Stream } from "effect"
import { generateKeyPairSync } from "node:crypto"
import type { ClientOrderId, MarketId, OutcomeId } from "../../../src/schema/Ids.ts"
import type { Price, Qty } from "../../../src/schema/Money.ts"
import { DeadLetters } from "../../../src/services/DeadLetters.ts"
import type { OrderRequest, VenueEvent } from "../../../src/services/venue/Venue.ts"
import { until } from "../../support/Eventually.ts"
import { FakeKalshi } from "../../support/FakeKalshi.ts"
import { acquireFake } from "../../support/FakeVenue.ts"
import { kalshiOnFake } from "../../support/LiveVenues.ts"

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
const TICKER = "KXNBAGAME-26OCT21LALGSW-LAL"

const Infra = Layer.mergeAll(DeadLetters.layerLog, NodeHttpClient.layerUndici, NodeWS.layerWebSocketConstructor)

const order = (id: string, overrides: Partial<OrderRequest> = {}): OrderRequest => ({
  clientOrderId: id as ClientOrderId,
  outcome: { platform: "kalshi", marketId: TICKER as MarketId, outcomeId: "no" as OutcomeId },
  action: "buy",
  limitPrice: 400_000 as Price,
  quantity: 5_000_000 as Qty,
  timeInForce: "ioc",
  postOnly: false,
  ...overrides
})

const setup = Effect.gen(function*() {
  const fake = yield* acquireFake(() => new FakeKalshi({ publicKey, orders: true }))
  const { venue } = yield* kalshiOnFake(fake, privateKey)
  return { fake, desk: fake.desk!, venue }
})

describe("Kalshi live venue against the fake venue", () => {
  layer(Infra, { excludeTestServices: true })((it) => {
    it.effect("full fill: buy NO at 0.40 is an ask on YES at 0.60; the fill reads back at 0.40 and streams once", () =>
      Effect.gen(function*() {
        const { fake, venue } = yield* setup
        const seen: Array<VenueEvent> = []
        const fiber = yield* Effect.forkChild(Stream.runForEach(venue.events, (e) => Effect.sync(() => void seen.push(e))))
        yield* Effect.sleep(Duration.millis(50))
        const result = yield* venue.submit(order("sig-full-0001"))
        assert.deepStrictEqual<unknown>(JSON.parse(fake.requestsTo("/portfolio/events/orders")[0]!.body), {
          ticker: TICKER, client_order_id: "sig-full-0001", side: "ask", count: "5.00", price: "0.6000",
          time_in_force: "immediate_or_cancel", self_trade_prevention_type: "taker_at_cross"
        })
        assert.deepInclude<Record<string, unknown>>(result.state, { status: "filled", filledQuantity: 5_000_000, venueOrderId: "ord-1" })
        assert.strictEqual(result.fills.length, 1)
        assert.deepInclude<Record<string, unknown>>(result.fills[0]!, { fillId: "kalshi:trade-1", price: 400_000, quantity: 5_000_000, fee: 90_000, action: "buy" })
        yield* until(() => seen.some((e) => e._tag === "Filled"), "the fill on the private channel")
        const streamed = seen.filter((e) => e._tag === "Filled")
        assert.strictEqual(streamed.length, 1)
        assert.strictEqual<unknown>(streamed[0]!._tag === "Filled" && streamed[0]!.fill.fillId, "kalshi:trade-1")
        // 5 NO at 0.40 plus the taker fee ceil(0.07 × 5 × 0.6 × 0.4) = $0.09
        assert.strictEqual(yield* venue.account.balance, 1_000_000_000 - 2_000_000 - 90_000)
        yield* Fiber.interrupt(fiber)
      }))

    it.effect("partial and zero fills: an IOC remainder is cancelled, a GTC rests and cancels", () =>
      Effect.gen(function*() {
        const { desk, venue } = yield* setup
        desk.scriptFills({ kind: "partial", quantity: 2_000_000 }, { kind: "none" }, { kind: "none" })
        const partial = yield* venue.submit(order("sig-part-0001"))
        assert.deepInclude<Record<string, unknown>>(partial.state, { status: "canceled", filledQuantity: 2_000_000 })
        assert.deepStrictEqual<unknown>(partial.fills.map((f) => f.quantity), [2_000_000])
        const zero = yield* venue.submit(order("sig-zero-0001"))
        assert.deepInclude<Record<string, unknown>>(zero.state, { status: "canceled", filledQuantity: 0 })
        assert.deepStrictEqual<unknown>(zero.fills, [])
        const resting = yield* venue.submit(order("sig-gtc-00001", { timeInForce: "gtc" }))
        assert.strictEqual(resting.state.status, "resting")
        const open = yield* venue.account.openOrders
        assert.deepStrictEqual<unknown>(open.map((o) => o.clientOrderId), ["sig-gtc-00001"])
        const cancelled = yield* venue.cancel({ clientOrderId: "sig-gtc-00001" as ClientOrderId })
        assert.deepInclude<Record<string, unknown>>(cancelled, { status: "canceled", filledQuantity: 0 })
      }))

    it.effect("a POST that times out after the venue placed it is unknown, found by status, never re-sent", () =>
      Effect.gen(function*() {
        const { desk, venue } = yield* setup
        desk.hangAfterAccept = true
        const error = yield* Effect.flip(venue.submit(order("sig-lost-0001")))
        assert.strictEqual(error.reason._tag, "OutcomeUnknown")
        assert.strictEqual(desk.creates, 1)
        const found = yield* venue.status({ clientOrderId: "sig-lost-0001" as ClientOrderId })
        assert.deepInclude<Record<string, unknown>>(found!.state, { status: "filled", venueOrderId: "ord-1", filledQuantity: 5_000_000 })
        assert.deepStrictEqual<unknown>(found!.fills.map((f) => f.fillId), ["kalshi:trade-1"])
        assert.strictEqual(desk.creates, 1)
      }))

    it.effect("a POST that never reached the venue is unknown, then proven not placed", () =>
      Effect.gen(function*() {
        const { desk, fake, venue } = yield* setup
        fake.failNext(1, { status: 0, hang: true }, "/portfolio/events/orders")
        const error = yield* Effect.flip(venue.submit(order("sig-void-0001")))
        assert.strictEqual(error.reason._tag, "OutcomeUnknown")
        assert.isUndefined(yield* venue.status({ clientOrderId: "sig-void-0001" as ClientOrderId }))
        assert.strictEqual(desk.creates, 0)
        assert.strictEqual(fake.requestsTo("/portfolio/events/orders").length, 1)
      }))

    it.effect("a 5xx is unknown and not retried; a 4xx is a rejection with the venue's code", () =>
      Effect.gen(function*() {
        const { fake, venue } = yield* setup
        fake.failNext(1, { status: 503, body: { error: "unavailable" } }, "/portfolio/events/orders")
        const unknown = yield* Effect.flip(venue.submit(order("sig-5xx-00001")))
        assert.strictEqual(unknown.reason._tag, "OutcomeUnknown")
        assert.strictEqual(fake.requestsTo("/portfolio/events/orders").length, 1)
        fake.failNext(1, { status: 400, body: { error: { code: "insufficient_balance", message: "not enough" } } }, "/portfolio/events/orders")
        const rejected = yield* Effect.flip(venue.submit(order("sig-4xx-00001")))
        assert.deepInclude<Record<string, unknown>>({ ...rejected.reason }, { _tag: "Rejected", code: "insufficient_balance" })
        const invalid = yield* Effect.flip(venue.submit(order("sig-bad-00001", { limitPrice: 400_050 as Price })))
        assert.deepInclude<Record<string, unknown>>({ ...invalid.reason }, { _tag: "Rejected", code: "invalid_order" })
        assert.strictEqual(fake.requestsTo("/portfolio/events/orders").length, 2)
      }))

    it.effect("the account shows positions arbees never opened, and reconnects are announced", () =>
      Effect.gen(function*() {
        const { desk, fake, venue } = yield* setup
        desk.addExternalPosition("KXMLBGAME-26OCT072000TBNYY-TB", -3_000_000)
        yield* venue.submit(order("sig-pos-00001", { outcome: { platform: "kalshi", marketId: TICKER as MarketId, outcomeId: "yes" as OutcomeId }, limitPrice: 550_000 as Price }))
        const positions = yield* venue.account.positions
        assert.deepStrictEqual<unknown>(positions.map((p) => [p.outcome.marketId, p.outcome.outcomeId, p.quantity]), [
          ["KXMLBGAME-26OCT072000TBNYY-TB", "no", 3_000_000],
          [TICKER, "yes", 5_000_000]
        ])
        const reconnect = yield* Effect.forkChild(Stream.runHead(venue.account.reconnects))
        yield* Effect.sleep(Duration.millis(50))
        fake.dropAll()
        const at = yield* Fiber.join(reconnect)
        assert.isTrue(at._tag === "Some" && at.value > 0)
      }))
  })
})
