/**
 * The notification relay end to end: events published on the bus (in process) reach a local fake
 * webhook and Slack, configured through the real configuration keys, with Slack filtered to halts.
 */
import { NodeServices } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Alert, OrderRecorded } from "../../src/actors/Events.ts"
import * as Notifications from "../../src/actors/Notifications.ts"
import { EventBus, eventId } from "../../src/services/bus/EventBus.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import { DeadLetters } from "../../src/services/DeadLetters.ts"
import { migrate } from "../../src/services/database/Migrations.ts"
import { Diagnostics } from "../../src/services/Diagnostics.ts"
import { Notifier } from "../../src/services/notify/Notifier.ts"
import { ClientOrderId, GameId, MarketId, OutcomeId } from "../../src/schema/Ids.ts"
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
      }).pipe(Effect.provide(layer))
    })))
})
