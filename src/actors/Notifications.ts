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
import { describeFill, describeOrder, describePosition } from "../domain/activity/Describe.ts"
import type { Kind } from "../domain/notify/Digest.ts"
import { EventBus, type Topic } from "../services/bus/EventBus.ts"
import { Notifier } from "../services/notify/Notifier.ts"
import { nowMillis } from "../services/Time.ts"
import { Alert, FillRecorded, OrderRecorded, PositionChanged, SignalDecided } from "./Events.ts"

/** The consumer group of the notification relay. @category constants */
export const GROUP = "notifications"

/** How an alert reads, and what kind it is. @category formatting */
export const describeAlert = (alert: typeof Alert.codec.Type): { readonly kind: Kind; readonly text: string } => ({
  kind: alert.source === "trading" || /halt/i.test(alert.message) ? "halt" : "error",
  text: `${alert.source}${alert.gameId === undefined ? "" : ` (game ${alert.gameId})`}: ${alert.message}`
})

/** Denials that mean a limit tripped: the account, not the signal, is the reason. @category constants */
export const RISK_TRIPS: ReadonlySet<string> = new Set([
  "LEDGER_MISMATCH",
  "KILL_SWITCH",
  "DAILY_LOSS",
  "DRAWDOWN",
  "CONSECUTIVE_LOSSES",
  "LOSS_COOLDOWN",
  "VENUE_ERROR_PAUSE",
  "ORDER_RATE",
  "TOTAL_EXPOSURE"
])

/** Denials that mean a feed is out (the data is too old to trade on). @category constants */
export const FEED_OUTAGES: ReadonlySet<string> = new Set(["STALE_BOOK", "STALE_GAME_STATE"])

/** The same tripped limit or feed outage is told again after this long. @category constants */
export const REPEAT_AFTER_MS = 15 * 60_000

/** A denied signal worth telling the operator (a tripped limit, a feed out), or nothing. @category formatting */
export const describeDenial = (
  d: typeof SignalDecided.codec.Type
): { readonly kind: Kind; readonly code: string; readonly text: string } | undefined => {
  if (d.verdict !== "denied" || d.reason === undefined) return undefined
  const code = d.reason.split(":")[0]!.trim()
  const kind: Kind | undefined = RISK_TRIPS.has(code) ? "risk" : FEED_OUTAGES.has(code) ? "feed" : undefined
  return kind === undefined ? undefined : { kind, code, text: `${kind === "risk" ? "risk limit" : "feed out"}: ${d.reason} (game ${d.signal.gameId})` }
}

/** @category layers */
export const layer = Layer.effectDiscard(
  Effect.gen(function*() {
    const notifier = yield* Notifier
    if (notifier.channels.length === 0) return
    const bus = yield* EventBus
    const relay = <A>(topic: Topic<A>, tell: (payload: A, now: number) => { readonly kind: Kind; readonly text: string } | undefined) =>
      bus.subscribe(topic, {
        group: GROUP,
        handler: (event) =>
          Effect.flatMap(nowMillis, (now) => {
            const told = tell(event.payload, now)
            return told === undefined ? Effect.void : notifier.notify(told.kind, told.text)
          })
      })
    // A limit or a stale feed denies every signal while it lasts: told when it starts, then at
    // most once per REPEAT_AFTER_MS for the same code
    const lastTold = new Map<string, number>()
    yield* relay(Alert, describeAlert)
    yield* relay(OrderRecorded, ({ order }) => ({ kind: "order", text: describeOrder(order) }))
    yield* relay(FillRecorded, ({ fill, platform }) => ({ kind: "fill", text: `${platform} ${describeFill(fill)}` }))
    yield* relay(PositionChanged, (p) => (p.status === "open" ? undefined : { kind: p.status === "settled" ? "settlement" : "fill", text: describePosition(p) }))
    yield* relay(SignalDecided, (d, now) => {
      const told = describeDenial(d)
      if (told === undefined) return undefined
      const key = `${told.kind}:${told.code}`
      if (now - (lastTold.get(key) ?? -Infinity) < REPEAT_AFTER_MS) return undefined
      lastTold.set(key, now)
      return told
    })
    yield* Effect.logInfo("notifications on").pipe(Effect.annotateLogs({ channels: notifier.channels.join(",") }))
  })
)
