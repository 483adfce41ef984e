import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { assert, describe, layer } from "@effect/vitest"
import { Duration, Effect, Fiber, Layer, Redacted, Stream } from "effect"
import type { ClientOrderId, MarketId, OutcomeId } from "../../../src/schema/Ids.ts"
import type { Price, Qty } from "../../../src/schema/Money.ts"
import { DeadLetters } from "../../../src/services/DeadLetters.ts"
import { makeSigner, type PolymarketSigner } from "../../../src/services/polymarket/PolymarketSigning.ts"
import type { OrderRequest, VenueEvent } from "../../../src/services/venue/Venue.ts"
import { until } from "../../support/Eventually.ts"
import { CONDITION, FakePolymarketClob, TOKEN_NEG, TOKEN_YES } from "../../support/FakePolymarketClob.ts"
import { acquireFake } from "../../support/FakeVenue.ts"
import { polymarketOnFake } from "../../support/LiveVenues.ts"

const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
const signer = makeSigner({ privateKey: Redacted.make(KEY) }) as PolymarketSigner

const Infra = Layer.mergeAll(DeadLetters.layerLog, NodeHttpClient.layerUndici, NodeWS.layerWebSocketConstructor)

const order = (id: string, overrides: Partial<OrderRequest> = {}): OrderRequest => ({
  clientOrderId: id as ClientOrderId,
  outcome: { platform: "polymarket", marketId: CONDITION as MarketId, outcomeId: TOKEN_YES as OutcomeId },
  action: "buy",
  limitPrice: 430_000 as Price,
  quantity: 5_000_000 as Qty,
  timeInForce: "ioc",
  postOnly: false,
  ...overrides
})

const setup = (prepare: (fake: FakePolymarketClob) => void = () => {}) =>
  Effect.gen(function*() {
    const fake = yield* acquireFake(() => new FakePolymarketClob())
    prepare(fake)
    const made = yield* polymarketOnFake(fake, signer)
    return { fake, ...made }
  })

const collect = (venue: { readonly events: Stream.Stream<VenueEvent> }) =>
  Effect.gen(function*() {
    const seen: Array<VenueEvent> = []
    const fiber = yield* Effect.forkChild(Stream.runForEach(venue.events, (e) => Effect.sync(() => void seen.push(e))))
    yield* Effect.sleep(Duration.millis(50))
    return { seen, fiber }
  })

describe("Polymarket live venue against the fake CLOB", () => {
  layer(Infra, { excludeTestServices: true })((it) => {
    it.effect("derives the API key (L1), signs a FAK buy the fake recovers, and streams the confirmed fill once", () =>
      Effect.gen(function*() {
        const { fake, venue, credentials } = yield* setup()
        assert.strictEqual(Redacted.value(credentials.apiKey), fake.apiKey)
        const { seen, fiber } = yield* collect(venue)
        const result = yield* venue.submit(order("pm-full-00001"))
        assert.deepStrictEqual([fake.badAuth, fake.badSignatures, fake.creates], [0, 0, 1])
        const sent = JSON.parse(fake.requestsTo("/order")[0]!.body)
        assert.deepInclude<Record<string, unknown>>(sent, { orderType: "FAK", owner: fake.apiKey, postOnly: false })
        assert.deepInclude<Record<string, unknown>>(sent.order, { side: "BUY", makerAmount: "2150000", takerAmount: "5000000", signatureType: 0 })
        assert.deepInclude<Record<string, unknown>>(result.state, { status: "filled", filledQuantity: 5_000_000, venueOrderId: [...fake.orders.keys()][0] })
        yield* until(() => seen.some((e) => e._tag === "Filled"), "the confirmed fill")
        yield* Effect.sleep(Duration.millis(50))
        const fills = seen.flatMap((e) => (e._tag === "Filled" ? [e.fill] : []))
        assert.deepStrictEqual<unknown>(fills.map((f) => [f.fillId, f.price, f.quantity, f.isTaker]), [["polymarket:trade-1", 430_000, 5_000_000, true]])
        assert.strictEqual(yield* venue.account.balance, 1_000_000_000 - 2_150_000)
        yield* Fiber.interrupt(fiber)
      }))

    it.effect("partial and zero fills; a GTC rests and cancels; V3 and neg-risk sign for their exchange", () =>
      Effect.gen(function*() {
        const { fake, venue } = yield* setup((f) => (f.version = 3))
        fake.scriptFills({ kind: "partial", quantity: 2_000_000 }, { kind: "none" }, { kind: "none" })
        const partial = yield* venue.submit(order("pm-part-00001"))
        assert.deepInclude<Record<string, unknown>>(partial.state, { status: "canceled", filledQuantity: 2_000_000 })
        const zero = yield* venue.submit(order("pm-zero-00001"))
        assert.deepInclude<Record<string, unknown>>(zero.state, { status: "canceled", filledQuantity: 0 })
        const resting = yield* venue.submit(order("pm-gtc-000001", { timeInForce: "gtc", outcome: { platform: "polymarket", marketId: CONDITION as MarketId, outcomeId: TOKEN_NEG as OutcomeId } }))
        assert.strictEqual(resting.state.status, "resting")
        assert.deepStrictEqual<unknown>((yield* venue.account.openOrders).map((o) => o.clientOrderId), ["pm-gtc-000001"])
        const cancelled = yield* venue.cancel({ clientOrderId: "pm-gtc-000001" as ClientOrderId })
        assert.strictEqual(cancelled.status, "canceled")
        assert.deepStrictEqual([fake.badSignatures, fake.creates], [0, 3])
      }))

    it.effect("trades are provisional until CONFIRMED; a FAILED settlement asks for reconciliation", () =>
      Effect.gen(function*() {
        const { fake, venue } = yield* setup((f) => (f.autoConfirm = false))
        const { seen, fiber } = yield* collect(venue)
        const trigger = yield* Effect.forkChild(Stream.runHead(venue.account.reconnects))
        yield* venue.submit(order("pm-prov-00001"))
        yield* venue.submit(order("pm-fail-00001"))
        yield* Effect.sleep(Duration.millis(150))
        assert.deepStrictEqual(seen.filter((e) => e._tag === "Filled"), [])
        fake.settle("trade-1", "MINED")
        fake.settle("trade-1", "CONFIRMED")
        fake.settle("trade-2", "RETRYING")
        fake.settle("trade-2", "FAILED")
        yield* until(() => seen.some((e) => e._tag === "Filled"), "the confirmed fill")
        const at = yield* Fiber.join(trigger)
        assert.isTrue(at._tag === "Some")
        assert.deepStrictEqual<unknown>(seen.flatMap((e) => (e._tag === "Filled" ? [e.fill.fillId] : [])), ["polymarket:trade-1"])
        const failed = yield* venue.status({ clientOrderId: "pm-fail-00001" as ClientOrderId })
        assert.deepInclude<Record<string, unknown>>(failed!.state, { filledQuantity: 0 })
        assert.deepStrictEqual(failed!.fills, [])
        yield* Fiber.interrupt(fiber)
      }))

    it.effect("a POST that times out after matching is found by its order hash, never re-sent; one that never arrived is not placed", () =>
      Effect.gen(function*() {
        const { fake, venue } = yield* setup()
        fake.hangAfterAccept = true
        const lost = yield* Effect.flip(venue.submit(order("pm-lost-00001")))
        assert.strictEqual(lost.reason._tag, "OutcomeUnknown")
        const found = yield* venue.status({ clientOrderId: "pm-lost-00001" as ClientOrderId })
        assert.deepInclude<Record<string, unknown>>(found!.state, { status: "filled", filledQuantity: 5_000_000 })
        assert.deepStrictEqual<unknown>(found!.fills.map((f) => f.fillId), ["polymarket:trade-1"])
        fake.failNext(1, { status: 0, hang: true }, "/order")
        const never = yield* Effect.flip(venue.submit(order("pm-void-00001")))
        assert.strictEqual(never.reason._tag, "OutcomeUnknown")
        assert.isUndefined(yield* venue.status({ clientOrderId: "pm-void-00001" as ClientOrderId }))
        assert.strictEqual(fake.creates, 1)
        assert.strictEqual(fake.requestsTo("/order").filter((r) => r.method === "POST").length, 2)
      }))

    it.effect("a sell refreshes balance and allowance first and refuses more shares than the venue holds", () =>
      Effect.gen(function*() {
        const { fake, venue } = yield* setup()
        yield* venue.submit(order("pm-buy-000001"))
        const tooMany = yield* Effect.flip(venue.submit(order("pm-sell-00001", { action: "sell", quantity: 6_000_000 as Qty })))
        assert.deepInclude<Record<string, unknown>>({ ...tooMany.reason }, { _tag: "Rejected", code: "insufficient_shares" })
        assert.strictEqual(fake.balanceRefreshes, 1)
        const sold = yield* venue.submit(order("pm-sell-00002", { action: "sell", limitPrice: 450_000 as Price }))
        assert.strictEqual(sold.state.status, "filled")
        assert.strictEqual(fake.balanceRefreshes, 2)
        assert.deepStrictEqual(yield* venue.account.positions, [])
      }))

    it.effect("a FAK answered `delayed` is open, not cancelled: it fills when the matching delay ends, or is cancelled before", () =>
      Effect.gen(function*() {
        const { fake, venue } = yield* setup()
        const { seen, fiber } = yield* collect(venue)
        fake.delayNext = 2
        const delayed = yield* venue.submit(order("pm-delay-0001"))
        assert.deepInclude<Record<string, unknown>>(delayed.state, { status: "resting", filledQuantity: 0 })
        const queued = yield* venue.status({ clientOrderId: "pm-delay-0001" as ClientOrderId })
        assert.deepInclude<Record<string, unknown>>(queued!.state, { status: "resting", filledQuantity: 0 })
        // The second is cancelled while queued: the end of the delay does not match it
        yield* venue.submit(order("pm-delay-0002"))
        assert.strictEqual((yield* venue.cancel({ clientOrderId: "pm-delay-0002" as ClientOrderId })).status, "canceled")
        fake.releaseDelayed()
        yield* until(() => seen.some((e) => e._tag === "Filled"), "the delayed fill")
        const done = yield* venue.status({ clientOrderId: "pm-delay-0001" as ClientOrderId })
        assert.deepInclude<Record<string, unknown>>(done!.state, { status: "filled", filledQuantity: 5_000_000 })
        assert.deepStrictEqual<unknown>(done!.fills.map((f) => [f.fillId, f.quantity]), [["polymarket:trade-1", 5_000_000]])
        const cancelled = yield* venue.status({ clientOrderId: "pm-delay-0002" as ClientOrderId })
        assert.deepInclude<Record<string, unknown>>(cancelled!.state, { status: "canceled", filledQuantity: 0 })
        assert.strictEqual(fake.trades.length, 1)
        yield* Fiber.interrupt(fiber)
      }))
  })
})
