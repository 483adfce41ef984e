/**
 * Notifications as messages: what one delivery to a chat or webhook says.
 *
 * A channel sends at most one message per interval, so everything that happened since its last
 * message becomes one digest: a single notification is sent as it is; a burst becomes a headline
 * that counts each kind ("500 notifications: 498 fills, 2 orders") followed by the first few
 * lines. Each venue of delivery has its own body shape and length limit (Slack `text`, Discord
 * `content` up to 2,000 characters, Telegram `text` up to 4,096); a digest is cut to fit, never
 * split into several messages.
 *
 * Pure: no effects, no clock.
 *
 * @since 0.1.0
 */

/** What a notification is about; channels filter on it. @category models */
export const KINDS = ["order", "fill", "settlement", "halt", "risk", "feed", "error"] as const
export type Kind = (typeof KINDS)[number]

/** One thing worth telling an operator. @category models */
export interface Notification {
  readonly kind: Kind
  /** One line, already readable: "filled 12 NBA LAL YES @ 0.41 on kalshi" */
  readonly text: string
  /** Epoch milliseconds */
  readonly at: number
}

/** The channels arbees can deliver to. @category models */
export type ChannelType = "webhook" | "slack" | "discord" | "telegram"

/** A digest of several notifications. @category models */
export interface Digest {
  readonly text: string
  readonly count: number
  readonly byKind: Readonly<Partial<Record<Kind, number>>>
  /** Notifications left out of the buffer before this digest (the buffer was full) */
  readonly dropped: number
}

/** Which lines a digest keeps when it cannot show them all, most important first. @category constants */
export const PRIORITY: ReadonlyArray<Kind> = ["halt", "risk", "error", "feed", "settlement", "order", "fill"]

const plural = (n: number, kind: Kind): string => {
  const word = kind === "error" ? "errors" : `${kind}s`
  return `${n} ${n === 1 ? kind : word}`
}

/**
 * One message for `items` (oldest first), at most `maxLines` item lines, within `maxChars`.
 *
 * @category digest
 */
export const digest = (items: ReadonlyArray<Notification>, options: { readonly maxLines: number; readonly maxChars: number; readonly dropped?: number }): Digest => {
  const dropped = options.dropped ?? 0
  const byKind: Partial<Record<Kind, number>> = {}
  for (const item of items) byKind[item.kind] = (byKind[item.kind] ?? 0) + 1
  const lostLine = dropped > 0 ? [`(${dropped} older notifications were dropped: the buffer was full)`] : []
  let lines: Array<string>
  if (items.length === 1 && dropped === 0) {
    lines = [items[0]!.text]
  } else {
    const counts = KINDS.filter((k) => byKind[k] !== undefined).map((k) => plural(byKind[k]!, k))
    // The lines that matter most make the cut (a settlement is not hidden by a burst of fills),
    // shown in the order they happened
    const shown = items
      .map((item, i) => ({ item, i }))
      .sort((a, b) => PRIORITY.indexOf(a.item.kind) - PRIORITY.indexOf(b.item.kind) || a.i - b.i)
      .slice(0, Math.max(0, options.maxLines))
      .sort((a, b) => a.i - b.i)
      .map(({ item }) => `• ${item.text}`)
    const rest = items.length - shown.length
    lines = [`arbees: ${items.length + dropped} notifications: ${counts.join(", ")}`, ...shown, ...(rest > 0 ? [`… and ${rest} more`] : []), ...lostLine]
  }
  return { text: fit(lines, options.maxChars), count: items.length, byKind, dropped }
}

/** Joins lines and cuts whole lines (then characters) to stay within `maxChars`. */
const fit = (lines: ReadonlyArray<string>, maxChars: number): string => {
  const full = lines.join("\n")
  if (full.length <= maxChars) return full
  const marker = "\n…"
  let out = ""
  for (const line of lines) {
    const next = out === "" ? line : `${out}\n${line}`
    if (next.length + marker.length > maxChars) break
    out = next
  }
  if (out === "") return full.slice(0, Math.max(0, maxChars - 1)) + "…"
  return out + marker
}

/** The longest message each channel accepts. @category channels */
export const MAX_CHARS: Record<ChannelType, number> = { webhook: 16_000, slack: 4_000, discord: 2_000, telegram: 4_096 }

/**
 * The JSON body a channel expects for a digest. A generic webhook also gets the counts, so a
 * receiving program need not parse the text.
 *
 * @category channels
 */
export const body = (channel: ChannelType, message: Digest, options: { readonly chatId?: string | undefined } = {}): unknown => {
  switch (channel) {
    case "slack":
      return { text: message.text }
    case "discord":
      return { content: message.text, allowed_mentions: { parse: [] } }
    case "telegram":
      return { chat_id: options.chatId, text: message.text, disable_web_page_preview: true }
    case "webhook":
      return { source: "arbees", text: message.text, count: message.count, byKind: message.byKind, dropped: message.dropped }
  }
}
