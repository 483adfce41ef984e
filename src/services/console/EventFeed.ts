/**
 * The live event feed behind the console's stream: bus events numbered in arrival order, kept in
 * a bounded window, so a client that lost its connection resumes from the last number it saw
 * without a gap or a duplicate.
 *
 * The feed reads the given topics in a consumer group of its own per process (every process's
 * console sees every event) and gives each event a sequence number; a bus redelivery (same event
 * id) is not numbered twice. `after(seq)` returns what the window still holds after `seq`, and
 * `live` streams what arrives next; a client that asks for a number older than the window gets a
 * `gap` marker first, so it knows to reload instead of silently missing events.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, PubSub, Schema, Stream } from "effect"
import { AppConfig } from "../config/AppConfig.ts"
import { EventBus, type Topic } from "../bus/EventBus.ts"
import { nowMillis } from "../Time.ts"

/** One event as the console serves it. @category models */
export interface FeedEvent {
  readonly seq: number
  readonly topic: string
  readonly eventId: string
  readonly key: string
  readonly occurredAt: number
  /** The payload as its topic's JSON */
  readonly json: string
}

/** @category services */
export class EventFeed extends Context.Service<EventFeed, {
  /** The topics this feed carries */
  readonly topics: ReadonlyArray<string>
  /** This process's feed instance: sequence numbers of another instance mean nothing here */
  readonly epoch: number
  /** Events after `seq` still in the window, and whether events between were already dropped */
  readonly after: (seq: number) => { readonly events: ReadonlyArray<FeedEvent>; readonly gap: boolean }
  /** Every event from now on */
  readonly live: Stream.Stream<FeedEvent>
  /** The newest sequence number (0 before the first event) */
  readonly latest: () => number
}>()("arbees/services/console/EventFeed") {
  /** Reads `topics` from the bus, keeping the last `window` events. */
  static readonly layer = (topics: ReadonlyArray<Topic<any>>, window = 10_000): Layer.Layer<EventFeed, never, EventBus | AppConfig> =>
    Layer.effect(
      EventFeed,
      Effect.gen(function*() {
        const bus = yield* EventBus
        const { config } = yield* AppConfig
        const hub = yield* PubSub.unbounded<FeedEvent>()
        const events: Array<FeedEvent> = []
        const seen = new Set<string>()
        let seq = 0
        const epoch = yield* nowMillis

        const record = (event: Omit<FeedEvent, "seq">) =>
          Effect.suspend(() => {
            if (seen.has(event.eventId)) return Effect.void
            seen.add(event.eventId)
            const numbered: FeedEvent = { ...event, seq: ++seq }
            events.push(numbered)
            if (events.length > window) seen.delete(events.shift()!.eventId)
            return Effect.asVoid(PubSub.publish(hub, numbered))
          })

        // One group per process: consoles on different runners each see everything
        const group = `console:${config.bus.consumer ?? "local"}`
        for (const topic of topics) {
          const encode = Schema.encodeSync(topic.codec)
          // Without the feed the console still serves its reads; the stream says what is missing
          yield* bus.subscribe(topic, {
            group,
            handler: (envelope) =>
              record({
                topic: envelope.topic,
                eventId: envelope.id,
                key: envelope.key,
                occurredAt: envelope.occurredAt,
                json: encode(envelope.payload)
              })
          }).pipe(Effect.catch((error) => Effect.logWarning("console feed could not subscribe").pipe(Effect.annotateLogs({ topic: topic.name, reason: error.message }))))
        }

        const after = (from: number) => {
          const first = events[0]?.seq ?? seq + 1
          return { events: events.filter((e) => e.seq > from), gap: from < first - 1 && from < seq }
        }
        return EventFeed.of({
          topics: topics.map((t) => t.name),
          epoch,
          after,
          live: Stream.fromPubSub(hub),
          latest: () => seq
        })
      })
    )
}
