import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { assert, describe, layer } from "@effect/vitest"
import { Context, Duration, Effect, Exit, Layer, Queue, Redacted, Scope } from "effect"
import { generateKeyPairSync } from "node:crypto"
import { AppConfig } from "../../../src/services/config/AppConfig.ts"
import type { OutcomeRef } from "../../../src/schema/Market.ts"
import { DeadLetters } from "../../../src/services/DeadLetters.ts"
import { KalshiFeed } from "../../../src/services/kalshi/KalshiFeed.ts"
import { MarketDataHub } from "../../../src/services/marketdata/MarketDataHub.ts"
import { PolymarketClient } from "../../../src/services/polymarket/PolymarketClient.ts"
import { PolymarketFeed } from "../../../src/services/polymarket/PolymarketFeed.ts"
import { eventually, until } from "../../support/Eventually.ts"
import { FakeKalshi } from "../../support/FakeKalshi.ts"
import { FakePolymarket, STREAM_ASSET } from "../../support/FakePolymarket.ts"
import { acquireFake } from "../../support/FakeVenue.ts"
import { testLiveness } from "../../support/Liveness.ts"

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
const TB = "KXMLBGAME-26OCT072000TBNYY-TB"
const NYY = "KXMLBGAME-26OCT072000TBNYY-NYY"
const kalshi = (ticker: string, outcome: "yes" | "no"): OutcomeRef => ({ platform: "kalshi", marketId: ticker, outcomeId: outcome }) as OutcomeRef
const poly = (tokenId: string): OutcomeRef => ({ platform: "polymarket", marketId: "0x285746de0e4f751fd4dc8f9dc2cecd0101ba9ad0096a43145ed9643b09514f01", outcomeId: tokenId }) as OutcomeRef


const setup = Effect.gen(function*() {
  const kalshiFake = yield* acquireFake(() => new FakeKalshi({ publicKey, pingMillis: 100 }))
  const polyFake = yield* acquireFake(() => new FakePolymarket())
  const kalshiFeed = yield* KalshiFeed.make({ wsUrl: kalshiFake.wsUrl(), credentials: { keyId: Redacted.make("k"), privateKey }, sideChannels: [], ...testLiveness })
  const client = yield* PolymarketClient.make({ gammaUrl: polyFake.gammaUrl(), clobUrl: polyFake.httpUrl(), timeout: Duration.seconds(2), retries: 1, pageSize: 100 })
  const polyFeed = yield* PolymarketFeed.make({ wsUrl: polyFake.wsUrl(), maxAssetsPerConnection: 200, pingInterval: Duration.millis(100), ...testLiveness }).pipe(
    Effect.provideService(PolymarketClient, client)
  )
  const hub = yield* MarketDataHub.make([kalshiFeed, polyFeed])
  return { kalshiFake, polyFake, hub }
})

const Infra = Layer.mergeAll(DeadLetters.layerLog, NodeWS.layerWebSocketConstructor, NodeHttpClient.layerUndici)

describe("MarketDataHub", () => {
  layer(Infra, { excludeTestServices: true })((it) => {
    it.effect("serves both venues to one subscriber, each update carrying its outcome, epoch and freshness", () =>
      Effect.gen(function*() {
        const { hub } = yield* setup
        const sub = yield* hub.subscribe([kalshi(TB, "yes"), kalshi(TB, "no"), poly(STREAM_ASSET)])
        const k = yield* eventually(sub.latest(kalshi(TB, "no")), (u) => u?.live === true, { what: "Kalshi NO live" })
        assert.deepStrictEqual([k!.top.bid?.price, k!.top.ask?.price], [560_000, 580_000] as Array<unknown>) // NO ask = 1 - best YES bid
        const p = yield* eventually(sub.latest(poly(STREAM_ASSET)), (u) => u?.top.bid?.price === 311_000, { what: "Polymarket stream applied" })
        assert.isTrue(p!.live)
        const updates = yield* Queue.takeAll(sub.updates)
        assert.isTrue(updates.some((u) => u.top.outcome.platform === "kalshi" && u.top.outcome.outcomeId === "yes" && u.live))
        assert.isTrue(updates.some((u) => u.top.outcome.platform === "polymarket" && u.live))
        assert.isUndefined(yield* sub.latest(kalshi(NYY, "yes"))) // not subscribed here
        const status = yield* hub.status
        assert.deepStrictEqual([status.books, status.subscriptions, status.connections.length], [2, 1, 2])
      }))

    it.effect("reference-counts books: the last subscriber leaving unsubscribes the venue", () =>
      Effect.gen(function*() {
        const { hub, kalshiFake, polyFake } = yield* setup
        const first = yield* Scope.make()
        const second = yield* Scope.make()
        const a = yield* hub.subscribe([kalshi(TB, "yes"), poly(STREAM_ASSET)]).pipe(Scope.provide(first))
        yield* eventually(a.latest(kalshi(TB, "yes")), (u) => u?.live === true, { what: "live" })
        // A second subscriber to the same books adds nothing at the venue and sees the live state at once
        const b = yield* hub.subscribe([kalshi(TB, "no"), poly(STREAM_ASSET)]).pipe(Scope.provide(second))
        const immediate = yield* Queue.takeAll(b.updates)
        assert.isTrue(immediate.some((u) => u.live && u.top.outcome.outcomeId === "no"))
        assert.deepStrictEqual(kalshiFake.commands.map((c) => c.cmd), ["subscribe"])
        assert.strictEqual(polyFake.received.filter((m) => m.includes("assets_ids")).length, 1)
        yield* Scope.close(first, Exit.void)
        yield* Effect.sleep("50 millis")
        assert.deepStrictEqual(kalshiFake.commands.map((c) => c.cmd), ["subscribe"])
        assert.isTrue((yield* b.latest(kalshi(TB, "no")))!.live)
        yield* Scope.close(second, Exit.void)
        yield* until(() => kalshiFake.commands.length === 2, "the Kalshi unsubscribe")
        assert.deepStrictEqual(kalshiFake.commands[1], { cmd: "unsubscribe", params: { sids: [1] } })
        // The only Polymarket asset left: its shard is closed
        yield* until(() => polyFake.sockets.size === 0, "the Polymarket shard closed")
        assert.deepStrictEqual((yield* hub.status).books, 0)
      }))

    it.effect("assembles both venues from the configuration", () =>
      Effect.gen(function*() {
        const kalshiFake = yield* acquireFake(() => new FakeKalshi({ publicKey, pingMillis: 100 }))
        const polyFake = yield* acquireFake(() => new FakePolymarket())
        const config = AppConfig.layerTest({
          "kalshi.wsUrl": kalshiFake.wsUrl(),
          "kalshi.keyId": "test-key",
          "kalshi.privateKey": privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
          "polymarket.wsUrl": polyFake.wsUrl(),
          "polymarket.clobUrl": polyFake.httpUrl(),
          "polymarket.gammaUrl": polyFake.gammaUrl()
        })
        const hub = yield* Layer.build(MarketDataHub.layerFromConfig.pipe(Layer.provide(config))).pipe(Effect.map(Context.get(MarketDataHub)))
        const sub = yield* hub.subscribe([kalshi(TB, "yes"), poly(STREAM_ASSET)])
        yield* eventually(sub.latest(kalshi(TB, "yes")), (u) => u?.live === true, { what: "Kalshi live" })
        yield* eventually(sub.latest(poly(STREAM_ASSET)), (u) => u?.live === true, { what: "Polymarket live" })
      }))

    it.effect("only changes are published, and depth is walked in place", () =>
      Effect.gen(function*() {
        const { hub, kalshiFake } = yield* setup
        const sub = yield* hub.subscribe([kalshi(TB, "yes")])
        yield* eventually(sub.latest(kalshi(TB, "yes")), (u) => u?.live === true, { what: "live" })
        yield* Queue.takeAll(sub.updates)
        kalshiFake.delta(TB, "yes", "0.1500", "1.00") // deep in the book: the top does not move
        kalshiFake.delta(TB, "yes", "0.4200", "1.00") // the best bid grows
        const [u] = yield* eventually(Queue.takeAll(sub.updates), (us) => us.length > 0, { what: "an update" })
        assert.strictEqual(u!.top.bid?.size, 14_000_000)
        const depth = yield* sub.depth(kalshi(TB, "yes"), "bid", 3)
        assert.deepStrictEqual(depth.map((l) => [l.price, l.size]), [[420_000, 14_000_000], [410_000, 10_000_000], [350_000, 11_000_000]])
      }))
  })
})
