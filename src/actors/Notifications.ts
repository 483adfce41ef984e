/**
 * What the operator is told: bus events become notifications (`services/notify/Notifier.ts`).
 *
 * One consumer group, `notifications`, so that with several runners each event is told once.
 * The handlers only format a line and queue it; delivery, batching and retries happen in the
 * notifier's own fibers, so a slow chat service never holds an event, let alone a decision.
 * With no channel configured nothing subscribes.
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import { describeOrder } from "../domain/activity/Describe.ts"
import type { Kind } from "../domain/notify/Digest.ts"
import { EventBus, type Topic } from "../services/bus/EventBus.ts"
import { Notifier } from "../services/notify/Notifier.ts"
import { Alert, OrderRecorded } from "./Events.ts"

/** The consumer group of the notification relay. @category constants */
export const GROUP = "notifications"

/** How an alert reads, and what kind it is. @category formatting */
export const describeAlert = (alert: typeof Alert.codec.Type): { readonly kind: Kind; readonly text: string } => ({
  kind: /halt/i.test(alert.message) ? "halt" : "error",
  text: `${alert.source}${alert.gameId === undefined ? "" : ` (game ${alert.gameId})`}: ${alert.message}`
})

/** @category layers */
export const layer = Layer.effectDiscard(
  Effect.gen(function*() {
    const notifier = yield* Notifier
    if (notifier.channels.length === 0) return
    const bus = yield* EventBus
    const relay = <A>(topic: Topic<A>, tell: (payload: A) => { readonly kind: Kind; readonly text: string }) =>
      bus.subscribe(topic, {
        group: GROUP,
        handler: (event) => {
          const { kind, text } = tell(event.payload)
          return notifier.notify(kind, text)
        }
      })
    yield* relay(Alert, describeAlert)
    yield* relay(OrderRecorded, ({ order }) => ({ kind: "order", text: describeOrder(order) }))
    yield* Effect.logInfo("notifications on").pipe(Effect.annotateLogs({ channels: notifier.channels.join(",") }))
  })
)
