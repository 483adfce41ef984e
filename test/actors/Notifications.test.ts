/**
 * The notification relay end to end: events published on the bus (in process) reach a local fake
 * webhook and Slack, configured through the real configuration keys, with Slack filtered to halts.
 */
import { NodeServices } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Alert, FillRecorded, OrderRecorded, PositionChanged, SignalDecided } from "../../src/actors/Events.ts"
import * as Notifications from "../../src/actors/Notifications.ts"
import { EventBus, eventId } from "../../src/services/bus/EventBus.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import { DeadLetters } from "../../src/services/DeadLetters.ts"
import { migrate } from "../../src/services/database/Migrations.ts"
import { Diagnostics } from "../../src/services/Diagnostics.ts"
import { Notifier } from "../../src/services/notify/Notifier.ts"
import { ClientOrderId, FillId, GameId, MarketId, OutcomeId, SignalId } from "../../src/schema/Ids.ts"
import * as Money from "../../src/schema/Money.ts"
import * as FakeChat from "../support/FakeChat.ts"
import * as TestDatabase from "../support/TestDatabase.ts"

const until = (what: string, holds: () => boolean, timeoutMs = 10_000) =>
  Effect.promise(async () => {
    const started = performance.now()
    while (!holds()) {
      if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`)
      await new Promise((r) => setTimeout(r, 10))
    }
  })

describe("notification relay", () => {
  it.live("turns alerts and orders on the bus into channel messages, filtered by kind", () =>
    Effect.scoped(Effect.gen(function*() {
      const chat = yield* FakeChat.start
      const config = AppConfig.layerTest({
        "notify.webhook.url": `${chat.url}/hook`,
        "notify.slack.url": `${chat.url}/slack`,
        "notify.slack.kinds": "halt",
        "notify.interval": "100ms",
        "bus.block": "50ms"
      })
      const layer = Notifications.layer.pipe(
        Layer.provideMerge(Notifier.layer),
        Layer.provideMerge(EventBus.layerMemory),
        Layer.provideMerge(DeadLetters.layer),
        Layer.provideMerge(Diagnostics.layer),
        Layer.provideMerge(config),
        Layer.provideMerge(Layer.effectDiscard(migrate())),
        Layer.provideMerge(TestDatabase.postgres),
        Layer.provideMerge(NodeServices.layer),
        Layer.orDie
      )
      yield* Effect.gen(function*() {
        const bus = yield* EventBus
        yield* bus.publish(Alert, { id: eventId("alert", 1), payload: { source: "risk", message: "trading halted: daily loss limit", at: 1 } })
        yield* bus.publish(OrderRecorded, {
          id: eventId("order", 1),
          payload: {
            order: {
              clientOrderId: ClientOrderId.make("co-00001"),
              gameId: GameId.make("401772994"),
              outcome: { platform: "kalshi", marketId: MarketId.make("KXNBAGAME-25DEC15LALBOS-LAL"), outcomeId: OutcomeId.make("yes") },
              action: "buy",
              limitPrice: Money.priceOf("0.41"),
              quantity: Money.qtyOf("12"),
              filledQuantity: Money.qtyOf("0"),
              timeInForce: "ioc",
              status: "submitted",
              paper: true,
              createdAt: 1,
              updatedAt: 1
            }
          }
        })
        yield* until("both events on the webhook", () => chat.received.filter((r) => r.path === "/hook").reduce((n, r) => n + r.body.count, 0) === 2)
        yield* until("the halt on slack", () => chat.received.some((r) => r.path === "/slack"))
        const texts = chat.received.filter((r) => r.path === "/hook").map((r) => r.body.text).join("\n")
        assert.include(texts, "risk: trading halted: daily loss limit")
        assert.include(texts, "paper order buy 12 kalshi KXNBAGAME-25DEC15LALBOS-LAL/yes @ 0.41 (submitted, game 401772994)")
        const slack = chat.received.filter((r) => r.path === "/slack")
        assert.deepStrictEqual(slack.map((r) => r.body.text), ["risk: trading halted: daily loss limit"])

        // A burst of 500 fills, a settlement, a tripped limit (twice) and a stale feed
        const hooked = () => chat.received.filter((r) => r.path === "/hook")
        const before = hooked().length
        const outcome = { platform: "kalshi" as const, marketId: MarketId.make("KXNBAGAME-25DEC15LALBOS-LAL"), outcomeId: OutcomeId.make("yes") }
        for (let i = 1; i <= 500; i++) {
          yield* bus.publish(FillRecorded, {
            id: eventId("fill", i),
            payload: {
              platform: "kalshi",
              fill: { fillId: FillId.make(`f-${i}`), clientOrderId: ClientOrderId.make("co-00001"), outcome, action: "buy", price: Money.priceOf("0.41"), quantity: Money.qtyOf("1"), fee: Money.micros(10_000), isTaker: true, filledAt: i }
            }
          })
        }
        yield* bus.publish(PositionChanged, {
          id: eventId("pos", 1),
          payload: { positionId: "p-1", gameId: "401772994", status: "settled", quantity: 0, costMicros: 4_920_000, feesMicros: 170_000, realizedPnlMicros: 6_910_000, reason: "won" }
        })
        const signal = {
          signalId: SignalId.make("sig-00000001"),
          kind: "model_edge" as const,
          gameId: GameId.make("401772994"),
          legs: [{ outcome, action: "buy" as const, limit: Money.priceOf("0.41"), available: Money.qtyOf("10") }] as const,
          edgeBps: 300 as never,
          createdAt: 1,
          expiresAt: 2
        }
        for (const [i, reason] of ["DAILY_LOSS: lost $50.00 today", "DAILY_LOSS: lost $50.00 today", "STALE_BOOK: no update for 31 s", "BELOW_THRESHOLD: edge 1.0% < 2.0%"].entries()) {
          yield* bus.publish(SignalDecided, { id: eventId("sig", i), payload: { signal: { ...signal, legs: [...signal.legs] }, verdict: "denied", reason } })
        }
        yield* until("every fill told", () => hooked().slice(before).reduce((n, r) => n + r.body.count, 0) >= 503, 20_000)
        const burst = hooked().slice(before)
        const told = burst.reduce((n, r) => n + r.body.count, 0)
        assert.strictEqual(told, 503, "500 fills, the settlement, the limit once and the feed once; not the second limit nor the threshold")
        assert.strictEqual(burst.reduce((n, r) => n + (r.body.byKind.fill ?? 0), 0), 500)
        // At most one message per channel per interval (100 ms): 503 events became a handful of summaries
        for (let i = 1; i < burst.length; i++) assert.isAtLeast(burst[i]!.at - burst[i - 1]!.at, 90)
        assert.isBelow(burst.length, 10)
        const text = burst.map((r) => r.body.text).join("\n")
        assert.include(text, "position p-1 settled (game 401772994): qty 0, cost 4.92, fees 0.17, realised P&L +6.91 (won)")
        assert.include(text, "risk limit: DAILY_LOSS: lost $50.00 today (game 401772994)")
        assert.include(text, "feed out: STALE_BOOK: no update for 31 s (game 401772994)")
        assert.notInclude(text, "BELOW_THRESHOLD")
      }).pipe(Effect.provide(layer))
    })))
})
