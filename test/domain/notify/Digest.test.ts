import { assert, describe, it } from "@effect/vitest"
import { body, digest, MAX_CHARS, type Notification } from "../../../src/domain/notify/Digest.ts"

const fill = (n: number): Notification => ({ kind: "fill", text: `filled ${n} @ 0.41`, at: 1_000 + n })

describe("digest", () => {
  it("sends a single notification as it is", () => {
    const d = digest([fill(1)], { maxLines: 20, maxChars: 4_000 })
    assert.strictEqual(d.text, "filled 1 @ 0.41")
    assert.deepStrictEqual(d.byKind, { fill: 1 })
  })

  it("turns a burst into one headline with counts by kind, the most important lines in order, and the rest counted", () => {
    const items = [...Array.from({ length: 498 }, (_, i) => fill(i + 1)), { kind: "order", text: "order A", at: 5 } as const, { kind: "halt", text: "halted", at: 6 } as const]
    const d = digest(items, { maxLines: 2, maxChars: 4_000 })
    // The halt and the order are not hidden behind 498 fills
    assert.strictEqual(d.text, ["arbees: 500 notifications: 1 order, 498 fills, 1 halt", "• order A", "• halted", "… and 498 more"].join("\n"))
    assert.strictEqual(d.count, 500)
    const few = digest([fill(1), fill(2), fill(3)], { maxLines: 2, maxChars: 4_000 })
    assert.strictEqual(few.text, ["arbees: 3 notifications: 3 fills", "• filled 1 @ 0.41", "• filled 2 @ 0.41", "… and 1 more"].join("\n"))
  })

  it("says how many were dropped from a full buffer", () => {
    const d = digest([fill(1)], { maxLines: 5, maxChars: 4_000, dropped: 7 })
    assert.strictEqual(d.text, ["arbees: 8 notifications: 1 fill", "• filled 1 @ 0.41", "(7 older notifications were dropped: the buffer was full)"].join("\n"))
  })

  it("cuts whole lines to fit a channel's limit", () => {
    const items = Array.from({ length: 300 }, (_, i) => fill(i))
    const d = digest(items, { maxLines: 300, maxChars: MAX_CHARS.discord })
    assert.isAtMost(d.text.length, 2_000)
    assert.isTrue(d.text.endsWith("\n…"))
    assert.isTrue(d.text.startsWith("arbees: 300 notifications: 300 fills\n• filled 0 @ 0.41"))
  })

  it("cuts a single over-long line by characters", () => {
    const d = digest([{ kind: "error", text: "x".repeat(5_000), at: 0 }], { maxLines: 5, maxChars: 100 })
    assert.strictEqual(d.text.length, 100)
  })

  it("shapes the body for each channel", () => {
    const d = digest([fill(3)], { maxLines: 5, maxChars: 100 })
    assert.deepStrictEqual(body("slack", d), { text: "filled 3 @ 0.41" })
    assert.deepStrictEqual(body("discord", d), { content: "filled 3 @ 0.41", allowed_mentions: { parse: [] } })
    assert.deepStrictEqual(body("telegram", d, { chatId: "-100" }), { chat_id: "-100", text: "filled 3 @ 0.41", disable_web_page_preview: true })
    assert.deepStrictEqual(body("webhook", d), { source: "arbees", text: "filled 3 @ 0.41", count: 1, byKind: { fill: 1 }, dropped: 0 })
  })
})
