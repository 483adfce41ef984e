/**
 * Notifications to an operator's webhook, Slack, Discord or Telegram.
 *
 * Trading never waits on a notification: `notify` only appends to each interested channel's
 * bounded buffer (a full buffer drops its oldest entry and says so in the next message). One fiber
 * per channel delivers: when its buffer has something, it sends everything as one digest
 * (`domain/notify/Digest.ts`), then waits `notify.interval` before it may send again, so a burst
 * of 500 fills becomes one summary and a channel never gets more than one message per interval.
 * A failed delivery is retried with the shared jittered backoff (`notify.retries`); a channel
 * whose message still fails shows as degraded, with the cause, in the supervision tree, and
 * recovers with its next successful delivery. Requests carry no trace headers: these are third
 * parties.
 *
 * @since 0.1.0
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Context, Duration, Effect, Layer, Metric, Redacted } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import { body, type ChannelType, digest, type Kind, MAX_CHARS, type Notification } from "../../domain/notify/Digest.ts"
import { backoff } from "../Backoff.ts"
import { AppConfig, type Config } from "../config/AppConfig.ts"
import { Diagnostics, type NodeReport } from "../Diagnostics.ts"
import { nowMillis } from "../Time.ts"

/** A configured destination. @category models */
export interface Channel {
  readonly type: ChannelType
  /** Where to POST; a secret (it embeds the webhook token or bot token) */
  readonly url: Redacted.Redacted<string>
  readonly kinds: ReadonlySet<Kind>
  readonly chatId?: string | undefined
}

/** The delivery settings shared by all channels. @category models */
export interface Settings {
  readonly channels: ReadonlyArray<Channel>
  readonly interval: Duration.Duration
  readonly retries: number
  readonly retryBase: Duration.Duration
  readonly timeout: Duration.Duration
  readonly bufferSize: number
  readonly maxLines: number
}

/** The channels the configuration sets up. @category config */
export const settingsFrom = (config: Config): Settings => {
  const n = config.notify
  const channels: Array<Channel> = []
  if (n.webhook.url !== undefined) channels.push({ type: "webhook", url: n.webhook.url, kinds: new Set(n.webhook.kinds) })
  if (n.slack.url !== undefined) channels.push({ type: "slack", url: n.slack.url, kinds: new Set(n.slack.kinds) })
  if (n.discord.url !== undefined) channels.push({ type: "discord", url: n.discord.url, kinds: new Set(n.discord.kinds) })
  if (n.telegram.token !== undefined && n.telegram.chatId !== undefined) {
    const base = n.telegram.apiUrl.replace(/\/+$/, "")
    channels.push({
      type: "telegram",
      url: Redacted.make(`${base}/bot${Redacted.value(n.telegram.token)}/sendMessage`),
      kinds: new Set(n.telegram.kinds),
      chatId: n.telegram.chatId
    })
  }
  return {
    channels,
    interval: n.interval,
    retries: n.retries,
    retryBase: n.retryBase,
    timeout: n.timeout,
    bufferSize: n.bufferSize,
    maxLines: n.maxLines
  }
}

const delivered = Metric.counter("arbees_notifications_sent_total", { description: "Notification messages delivered, by channel" })
const failed = Metric.counter("arbees_notifications_failed_total", { description: "Notification messages given up after retries, by channel" })
const droppedCounter = Metric.counter("arbees_notifications_dropped_total", {
  description: "Notifications dropped because a channel's buffer was full, by channel"
})

/**
 * @category services
 */
export class Notifier extends Context.Service<Notifier, {
  /** Queue a notification for every channel that wants its kind; never blocks, never fails */
  readonly notify: (kind: Kind, text: string) => Effect.Effect<void>
  /** The channels in use, by type */
  readonly channels: ReadonlyArray<ChannelType>
}>()("arbees/services/notify/Notifier") {
  /** From the configuration, on Node's HTTP client. */
  static readonly layer: Layer.Layer<Notifier, never, AppConfig | Diagnostics> = Layer.unwrap(
    Effect.map(AppConfig, ({ config }) => Notifier.layerWith(settingsFrom(config)))
  ).pipe(Layer.provide(NodeHttpClient.layerUndici))

  /** With explicit settings (tests); needs an `HttpClient`. */
  static readonly layerWith = (settings: Settings): Layer.Layer<Notifier, never, HttpClient.HttpClient | Diagnostics> =>
    Layer.effect(Notifier, make(settings))
}

interface Outlet {
  readonly channel: Channel
  readonly buffer: Array<Notification>
  dropped: number
  /** Wakes the delivery fiber when its buffer goes from empty to non-empty */
  wake: (() => void) | undefined
  readonly report: NodeReport
}

const make = Effect.fnUntraced(function*(settings: Settings) {
  const diagnostics = yield* Diagnostics
  // Third parties: never leak our trace ids to them
  const http = HttpClient.filterStatusOk(yield* HttpClient.HttpClient)

  const outlets: Array<Outlet> = []
  for (const channel of settings.channels) {
    const report = yield* diagnostics.register({ id: `notify:${channel.type}`, kind: "service" })
    report.details["kinds"] = [...channel.kinds].join(",")
    report.status = "running"
    outlets.push({ channel, buffer: [], dropped: 0, wake: undefined, report })
  }

  const send = (outlet: Outlet, items: ReadonlyArray<Notification>, dropped: number) => {
    const message = digest(items, { maxLines: settings.maxLines, maxChars: MAX_CHARS[outlet.channel.type], dropped })
    const request = HttpClientRequest.post(Redacted.value(outlet.channel.url)).pipe(
      HttpClientRequest.bodyJsonUnsafe(body(outlet.channel.type, message, { chatId: outlet.channel.chatId }))
    )
    const attempt = http.execute(request).pipe(
      Effect.asVoid,
      Effect.timeout(settings.timeout),
      // Third parties: never send them our trace ids
      Effect.provideService(HttpClient.TracerPropagationEnabled, false)
    )
    const withRetries = (n: number): Effect.Effect<void, unknown> =>
      Effect.catch(attempt, (error) =>
        n >= settings.retries
          ? Effect.fail(error)
          : Effect.flatMap(backoff(settings.retryBase, Duration.times(settings.retryBase, 32), n + 1), Effect.sleep).pipe(
            Effect.andThen(withRetries(n + 1))
          ))
    const tags = { channel: outlet.channel.type }
    return withRetries(0).pipe(
      Effect.andThen(Effect.gen(function*() {
        yield* Metric.update(Metric.withAttributes(delivered, tags), 1)
        outlet.report.status = "running"
        outlet.report.lastMessageAt = yield* nowMillis
        outlet.report.details["delivered"] = ((outlet.report.details["delivered"] as number | undefined) ?? 0) + 1
      })),
      Effect.catchCause((cause) =>
        Effect.gen(function*() {
          yield* Metric.update(Metric.withAttributes(failed, tags), 1)
          // The URL is a secret (it holds the token), so only the failure's kind is reported
          const reason = describeFailure(cause)
          outlet.report.status = "degraded"
          outlet.report.lastError = { at: yield* nowMillis, message: `delivery failed after ${settings.retries + 1} attempts: ${reason}` }
          yield* Effect.logWarning("notification delivery failed").pipe(
            Effect.annotateLogs({ channel: outlet.channel.type, notifications: items.length, reason })
          )
        })
      )
    )
  }

  const deliver = (outlet: Outlet) =>
    Effect.gen(function*() {
      while (true) {
        if (outlet.buffer.length === 0) {
          yield* Effect.callback<void>((resume) => {
            outlet.wake = () => resume(Effect.void)
            return Effect.sync(() => void (outlet.wake = undefined))
          })
        }
        const items = outlet.buffer.splice(0, outlet.buffer.length)
        const dropped = outlet.dropped
        outlet.dropped = 0
        yield* send(outlet, items, dropped)
        // At most one message per interval, whatever piles up meanwhile
        yield* Effect.sleep(settings.interval)
      }
    })

  for (const outlet of outlets) {
    yield* Effect.forkScoped(deliver(outlet))
    yield* Effect.addFinalizer(() => Effect.sync(() => void (outlet.report.status = "stopped")))
  }

  const notify = (kind: Kind, text: string): Effect.Effect<void> =>
    outlets.length === 0 ? Effect.void : Effect.gen(function*() {
      const at = yield* nowMillis
      for (const outlet of outlets) {
        if (!outlet.channel.kinds.has(kind)) continue
        outlet.buffer.push({ kind, text, at })
        if (outlet.buffer.length > settings.bufferSize) {
          outlet.buffer.shift()
          outlet.dropped++
          yield* Metric.update(Metric.withAttributes(droppedCounter, { channel: outlet.channel.type }), 1)
        }
        const wake = outlet.wake
        if (wake !== undefined) {
          outlet.wake = undefined
          wake()
        }
      }
    })

  return Notifier.of({ notify, channels: outlets.map((o) => o.channel.type) })
})

/** A failure's kind without its details (a URL in the message would carry the token). */
const describeFailure = (cause: unknown): string => {
  const text = String(cause)
  if (/TimeoutError|timed out/i.test(text)) return "timeout"
  const status = /status(?:\scode)?\D{0,3}(\d{3})/i.exec(text)
  if (status !== null) return `HTTP ${status[1]}`
  if (/ECONNREFUSED/.test(text)) return "connection refused"
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return "DNS lookup failed"
  return "transport error"
}
