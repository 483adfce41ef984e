/**
 * The notifier against a local fake webhook/Slack/Discord/Telegram server, in real time with a
 * short interval: a burst becomes one message per interval, kinds are filtered per channel, a
 * failing channel retries and then shows as degraded, and `notify` never waits on delivery.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Layer, Redacted } from "effect"
import { KINDS } from "../../../src/domain/notify/Digest.ts"
import { Diagnostics } from "../../../src/services/Diagnostics.ts"
import { Notifier, type Settings } from "../../../src/services/notify/Notifier.ts"
import * as FakeChat from "../../support/FakeChat.ts"

const INTERVAL = 400

const settingsFor = (url: string, overrides: Partial<Settings> = {}): Settings => ({
  channels: [
    { type: "slack", url: Redacted.make(`${url}/slack`), kinds: new Set(KINDS) },
    { type: "discord", url: Redacted.make(`${url}/discord`), kinds: new Set(["fill", "halt"]) },
    { type: "telegram", url: Redacted.make(`${url}/botSECRET-TOKEN/sendMessage`), kinds: new Set(["halt"]), chatId: "-1001" },
    { type: "webhook", url: Redacted.make(`${url}/hook`), kinds: new Set(KINDS) }
  ],
  interval: Duration.millis(INTERVAL),
  retries: 2,
  retryBase: Duration.millis(20),
  timeout: Duration.seconds(2),
  bufferSize: 10_000,
  maxLines: 3,
  ...overrides
})

const run = <A, E>(settings: (url: string) => Settings, body: (chat: FakeChat.FakeChat) => Effect.Effect<A, E, Notifier | Diagnostics>) =>
  Effect.scoped(Effect.gen(function*() {
    const chat = yield* FakeChat.start
    const layer = Notifier.layerWith(settings(chat.url)).pipe(Layer.provideMerge(Diagnostics.layer), Layer.provide(NodeHttpClient.layerUndici))
    return yield* body(chat).pipe(Effect.provide(layer))
  }))

const until = (what: string, holds: () => boolean, timeoutMs = 10_000) =>
  Effect.promise(async () => {
    const started = performance.now()
    while (!holds()) {
      if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`)
      await new Promise((r) => setTimeout(r, 10))
    }
  })

const on = (chat: FakeChat.FakeChat, path: string) => chat.received.filter((r) => r.path === path)

describe("Notifier", () => {
  it.live("a burst of 500 fills becomes at most one message per interval per channel, and every fill is counted", () =>
    run(settingsFor, (chat) =>
      Effect.gen(function*() {
        const notifier = yield* Notifier
        const started = performance.now()
        for (let i = 1; i <= 500; i++) yield* notifier.notify("fill", `filled ${i}`)
        // Queuing 500 notifications is synchronous work, not 500 deliveries
        const queued = performance.now() - started
        yield* until("all 500 fills on slack", () => on(chat, "/slack").reduce((n, r) => n + count(r.body.text), 0) === 500)
        const slack = on(chat, "/slack")
        assert.isAtMost(slack.length, 2, "the first fill may go alone, the rest as one summary")
        for (let i = 1; i < slack.length; i++) assert.isAtLeast(slack[i]!.at - slack[i - 1]!.at, INTERVAL - 5)
        yield* until("all 500 fills on the webhook", () => on(chat, "/hook").reduce((n, r) => n + r.body.count, 0) === 500)
        const hook = on(chat, "/hook")
        assert.isAtMost(hook.length, 2)
        // Discord wants fills too; Telegram only halts
        yield* until("discord", () => on(chat, "/discord").reduce((n, r) => n + count(r.body.content), 0) === 500)
        assert.strictEqual(on(chat, "/botSECRET-TOKEN/sendMessage").length, 0)
        assert.isBelow(queued, 1_000)
        // No trace context goes to a third party
        for (const r of chat.received) assert.isUndefined(r.headers["traceparent"])
      })))

  it.live("sends a later burst only after the interval, as one summary", () =>
    run(settingsFor, (chat) =>
      Effect.gen(function*() {
        const notifier = yield* Notifier
        yield* notifier.notify("halt", "trading halted: daily loss")
        yield* until("first telegram message", () => on(chat, "/botSECRET-TOKEN/sendMessage").length === 1)
        const first = on(chat, "/botSECRET-TOKEN/sendMessage")[0]!
        assert.deepStrictEqual(first.body, { chat_id: "-1001", text: "trading halted: daily loss", disable_web_page_preview: true })
        for (let i = 0; i < 3; i++) yield* notifier.notify("halt", `halt ${i}`)
        yield* until("second telegram message", () => on(chat, "/botSECRET-TOKEN/sendMessage").length === 2)
        const [a, b] = on(chat, "/botSECRET-TOKEN/sendMessage")
        assert.isAtLeast(b!.at - a!.at, INTERVAL - 5)
        assert.strictEqual(b!.body.text, ["arbees: 3 notifications: 3 halts", "• halt 0", "• halt 1", "• halt 2"].join("\n"))
      })))

  it.live("a failing channel retries, then shows as degraded with the cause, and recovers on its next success", () =>
    run(settingsFor, (chat) =>
      Effect.gen(function*() {
        chat.failPath("/slack", 503)
        const notifier = yield* Notifier
        const diagnostics = yield* Diagnostics
        yield* notifier.notify("error", "venue error")
        yield* until("three attempts on slack", () => on(chat, "/slack").length === 3)
        yield* until("slack degraded", () => diagnostics.get("notify:slack")?.status === "degraded")
        const report = diagnostics.get("notify:slack")!
        assert.strictEqual(report.lastError?.message, "delivery failed after 3 attempts: HTTP 503")
        assert.notInclude(JSON.stringify(yield* diagnostics.snapshot), "SECRET-TOKEN")
        // The other channels were not held back by the failing one
        assert.strictEqual(on(chat, "/hook").length, 1)
        assert.strictEqual(diagnostics.get("notify:webhook")?.status, "running")
        chat.failPath("/slack", 200)
        yield* notifier.notify("error", "another")
        yield* until("slack recovered", () => diagnostics.get("notify:slack")?.status === "running")
        assert.strictEqual(on(chat, "/slack").length, 4)
      })))

  it.live("a full buffer drops its oldest notifications and says how many", () =>
    run((url) => settingsFor(url, { bufferSize: 5, channels: [{ type: "webhook", url: Redacted.make(`${url}/hook`), kinds: new Set(KINDS) }] }), (chat) =>
      Effect.gen(function*() {
        const notifier = yield* Notifier
        yield* notifier.notify("fill", "first")
        yield* until("first message", () => on(chat, "/hook").length === 1)
        for (let i = 0; i < 12; i++) yield* notifier.notify("fill", `f${i}`)
        yield* until("second message", () => on(chat, "/hook").length === 2)
        const second = on(chat, "/hook")[1]!.body
        assert.strictEqual(second.count, 5)
        assert.strictEqual(second.dropped, 7)
        assert.include(second.text, "• f7")
      })))
})

/** How many notifications a message stands for: a summary's headline count, or 1. */
const count = (text: string): number => {
  const m = /^arbees: (\d+) notifications/.exec(text)
  return m === null ? 1 : Number(m[1])
}
