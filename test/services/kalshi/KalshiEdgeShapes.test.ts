/**
 * Kalshi shapes the official SDK accepts, through the fake venue and the feed: a snapshot whose
 * empty side is `null` is an empty side (it used to fail decoding, resubscribe, fail again, ...).
 */
import * as NodeWS from "@effect/platform-node/NodeWS"
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { generateKeyPairSync } from "node:crypto"
import type { OutcomeRef } from "../../../src/schema/Market.ts"
import { KalshiFeed } from "../../../src/services/kalshi/KalshiFeed.ts"
import { MarketDataHub } from "../../../src/services/marketdata/MarketDataHub.ts"
import { deadLetterLog } from "../../support/DeadLetterLog.ts"
import { FakeKalshi } from "../../support/FakeKalshi.ts"
import { acquireFake } from "../../support/FakeVenue.ts"
import { collect, testLiveness } from "../../support/Liveness.ts"

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
const TB = "KXMLBGAME-26OCT072000TBNYY-TB"
const NYY = "KXMLBGAME-26OCT072000TBNYY-NYY"
const yes = (ticker: string): OutcomeRef => ({ platform: "kalshi", marketId: ticker, outcomeId: "yes" }) as OutcomeRef
const log = deadLetterLog()

describe("Kalshi edge shapes through the fake venue", () => {
  layer(Layer.mergeAll(log.layer, NodeWS.layerWebSocketConstructor), { excludeTestServices: true })((it) => {
    it.effect("a snapshot with a null side is live with that side empty; no resubscribe loop", () =>
      Effect.gen(function*() {
        const fake = yield* acquireFake(() => new FakeKalshi({ publicKey, pingMillis: 100 }))
        fake.setBook(TB, [["0.4200", "13.00"]], [])
        const feed = yield* KalshiFeed.make({ wsUrl: fake.wsUrl(), credentials: { keyId: Redacted.make("k"), privateKey }, sideChannels: [], ...testLiveness })
        const hub = yield* MarketDataHub.make([feed])
        const sub = yield* hub.subscribe([yes(TB)])
        const { next } = collect(sub)
        yield* next((u) => u.live, "a live book")
        yield* Effect.sleep("300 millis")
        const u = (yield* sub.latest(yes(TB)))!
        assert.deepStrictEqual([u.live, u.top.bid?.price, u.top.bid?.size, u.top.ask], [true, 420_000, 13_000_000, undefined])
        assert.deepStrictEqual(fake.commands.map((c) => c.cmd), ["subscribe"])
        assert.strictEqual(fake.snapshotsSent, 1)
        assert.deepStrictEqual(log.letters, [])
      }))

    for (const repliesTakeSeq of [false, true]) {
      it.effect(`adding a market mid-session: an ok reply ${repliesTakeSeq ? "that takes a seq" : "that echoes the seq"} is no gap`, () =>
        Effect.gen(function*() {
          log.letters.length = 0
          const fake = yield* acquireFake(() => new FakeKalshi({ publicKey, pingMillis: 100, repliesTakeSeq }))
          const feed = yield* KalshiFeed.make({ wsUrl: fake.wsUrl(), credentials: { keyId: Redacted.make("k"), privateKey }, sideChannels: [], ...testLiveness })
          const hub = yield* MarketDataHub.make([feed])
          const first = collect(yield* hub.subscribe([yes(TB)]))
          yield* first.next((u) => u.live, "the first book")
          const second = collect(yield* hub.subscribe([yes(NYY)]))
          yield* second.next((u) => u.live, "the added book")
          fake.delta(TB, "yes", "0.4300", "2.00")
          yield* first.next((u) => u.top.bid?.price === 430_000, "a delta after the reply")
          assert.deepStrictEqual(fake.commands.map((c) => c.cmd), ["subscribe", "update_subscription"])
          assert.deepStrictEqual(log.letters, [])
        }))
    }
  })
})
