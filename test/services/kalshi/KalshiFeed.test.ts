import * as NodeWS from "@effect/platform-node/NodeWS"
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { generateKeyPairSync } from "node:crypto"
import type { OutcomeRef } from "../../../src/schema/Market.ts"
import { DeadLetters } from "../../../src/services/DeadLetters.ts"
import { KalshiFeed, type KalshiFeedConfig } from "../../../src/services/kalshi/KalshiFeed.ts"
import { type BookUpdate, MarketDataHub } from "../../../src/services/marketdata/MarketDataHub.ts"
import { until } from "../../support/Eventually.ts"
import { FakeKalshi } from "../../support/FakeKalshi.ts"
import { acquireFake } from "../../support/FakeVenue.ts"
import { collect, testLiveness } from "../../support/Liveness.ts"

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
const other = generateKeyPairSync("rsa", { modulusLength: 2048 })
const TB = "KXMLBGAME-26OCT072000TBNYY-TB"
const yes = (ticker: string): OutcomeRef => ({ platform: "kalshi", marketId: ticker, outcomeId: "yes" }) as OutcomeRef

const Infra = Layer.mergeAll(DeadLetters.layerLog, NodeWS.layerWebSocketConstructor)

const settings = (fake: FakeKalshi, overrides: Partial<KalshiFeedConfig> = {}): KalshiFeedConfig => ({
  wsUrl: fake.wsUrl(),
  credentials: { keyId: Redacted.make("test-key"), privateKey },
  sideChannels: [],
  ...testLiveness,
  ...overrides
})

/** A fake Kalshi, a feed and a hub over it, and one subscription to `outcomes`. */
const setup = (outcomes: ReadonlyArray<OutcomeRef>, overrides: Partial<KalshiFeedConfig> = {}) =>
  Effect.gen(function*() {
    const fake = yield* acquireFake(() => new FakeKalshi({ publicKey, pingMillis: 100 }))
    const feed = yield* KalshiFeed.make(settings(fake, overrides))
    const hub = yield* MarketDataHub.make([feed])
    const sub = yield* hub.subscribe(outcomes)
    return { fake, feed, hub, sub, ...collect(sub) }
  })

const bid = (u: BookUpdate) => u.top.bid?.price
const ask = (u: BookUpdate) => u.top.ask?.price

describe("Kalshi feed against the fake venue", () => {
  layer(Infra, { excludeTestServices: true })((it) => {
    it.effect("signs the handshake, subscribes, and serves the snapshot as live top of book", () =>
      Effect.gen(function*() {
        const { fake, next, sub } = yield* setup([yes(TB)])
        yield* next((u) => u.live, "a live book")
        const latest = (yield* sub.latest(yes(TB)))!
        assert.isTrue(latest.live)
        assert.deepStrictEqual([bid(latest), latest.top.bid?.size, ask(latest), latest.top.ask?.size], [420_000, 13_000_000, 440_000, 17_000_000] as Array<number | undefined>)
        assert.strictEqual(latest.top.epoch, 1)
        assert.deepStrictEqual(fake.commands[0], { cmd: "subscribe", params: { channels: ["orderbook_delta"], market_tickers: [TB] } })
        assert.strictEqual(fake.refusedUpgrades, 0)
        fake.delta(TB, "no", "0.5700", "5.00")
        yield* next((u) => ask(u) === 430_000, "the NO bid at 0.57 to become the YES ask")
        const depth = yield* sub.depth(yes(TB), "ask", 2)
        assert.deepStrictEqual(depth.map((l) => [l.price, l.size]), [[430_000, 5_000_000], [440_000, 17_000_000]])
      }))

    it.effect("a seq gap makes the book not-live at once, resubscribes, and serves the fresh snapshot", () =>
      Effect.gen(function*() {
        const { fake, next, seen, sub } = yield* setup([yes(TB)])
        yield* next((u) => u.live, "a live book")
        fake.delta(TB, "yes", "0.4300", "2.00", { gap: true }) // one seq is lost
        yield* next((u) => u.live && u.top.epoch === 2, "the book rebuilt from a fresh snapshot")
        const firstLive = seen.findIndex((u) => u.live)
        const afterGap = seen.slice(seen.findIndex((u, i) => i > firstLive && !u.live))
        assert.isFalse(afterGap[0]!.live) // dropped before anything else was published
        assert.isUndefined(afterGap[0]!.top.bid)
        const fresh = afterGap.find((u) => u.live)!
        assert.deepStrictEqual([bid(fresh), fresh.top.bid?.size], [430_000, 2_000_000] as Array<number | undefined>) // the lost delta is in the new snapshot
        assert.deepStrictEqual(fake.commands.map((c) => c.cmd), ["subscribe", "unsubscribe", "subscribe"])
        assert.strictEqual(fake.snapshotsSent, 2)
        assert.isTrue((yield* sub.latest(yes(TB)))!.live)
      }))

    it.effect("a silent stall (no data, no pings, socket open) is detected, reconnected and re-snapshotted", () =>
      Effect.gen(function*() {
        const { fake, feed, next, seen, sub } = yield* setup([yes(TB)])
        yield* next((u) => u.live, "a live book")
        fake.stalled = true
        // While the socket is quiet the book ages; once the watchdog fires it is not live
        yield* next((u) => !u.live, "the stalled book to be dropped")
        assert.isUndefined(yield* sub.ageMillis(yes(TB)))
        fake.stalled = false
        yield* next((u) => u.live && u.top.epoch === 2, "a fresh snapshot after the reconnect")
        assert.strictEqual(feed.health()[0]!.stalls, 1)
        assert.strictEqual(fake.connections, 2)
        const firstLive = seen.findIndex((u) => u.live)
        assert.isTrue(seen.findIndex((u, i) => i > firstLive && !u.live) < seen.findIndex((u) => u.top.epoch === 2))
        const age = (yield* sub.ageMillis(yes(TB)))!
        assert.isTrue(age >= 0 && age < 400, `age ${age}`)
      }))

    it.effect("a dropped connection is re-snapshotted: nothing of the old book survives", () =>
      Effect.gen(function*() {
        const { fake, next } = yield* setup([yes(TB)])
        yield* next((u) => u.live, "a live book")
        fake.setBook(TB, [["0.1000", "1.00"]], []) // the venue's book changed while we were away
        fake.dropAll()
        const fresh = yield* next((u) => u.live && u.top.epoch === 2, "the book after the reconnect")
        const last = fresh.at(-1)!
        assert.deepStrictEqual([bid(last), last.top.bid?.size, last.top.ask], [100_000, 1_000_000, undefined] as Array<unknown>)
      }))

    it.effect("a malformed frame is dead-lettered and its subscription resynced", () =>
      Effect.gen(function*() {
        const { fake, next } = yield* setup([yes(TB)])
        yield* next((u) => u.live, "a live book")
        fake.sendRaw('{"type":"orderbook_delta","sid":1,"seq":2,"msg":{"market_ticker":"' + TB + '","price_dollars":"0.4300","delta_fp":"x","side":"yes"}}')
        yield* next((u) => u.live && u.top.epoch === 2, "the resubscribed book")
        assert.deepStrictEqual(fake.commands.map((c) => c.cmd), ["subscribe", "unsubscribe", "subscribe"])
      }))

    it.effect("a handshake signed with the wrong key is refused, and the book never goes live", () =>
      Effect.gen(function*() {
        const { fake, sub } = yield* setup([yes(TB)], { credentials: { keyId: Redacted.make("k"), privateKey: other.privateKey } })
        yield* until(() => fake.refusedUpgrades >= 2, "two refused handshakes (with backoff)")
        assert.strictEqual(fake.connections, 0)
        const latest = (yield* sub.latest(yes(TB)))!
        assert.isFalse(latest.live)
        assert.isUndefined(latest.top.bid)
      }))
  })
})
