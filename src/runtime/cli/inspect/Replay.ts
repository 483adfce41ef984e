/**
 * What `arbees inspect kalshi-ws` and `inspect polymarket-ws` share: reading a capture of raw
 * WebSocket messages and rendering books as output lines.
 *
 * A capture is a JSON array of messages, or JSON lines (one raw message per line). Every message is
 * fed, as text, to the same protocol state machine that runs live (in passive mode: it adopts
 * subscriptions and books as they appear). After each message the command prints one JSON line per
 * book the message touched, and one line per problem; a malformed message is a problem line and
 * processing goes on.
 *
 * @since 0.1.0
 */
import { Console, Effect, FileSystem, Schema } from "effect"
import { type Column, formatRows, type OutputChoice, unreadable, wantsTable } from "../Output.ts"
import type { Top } from "../../../domain/book/BookState.ts"
import { formatScaled } from "../../../schema/Money.ts"
import type { StreamProblem } from "../../../services/marketdata/StreamProblem.ts"

/** @category errors */
export class InspectInputError extends Schema.TaggedError<InspectInputError>()("InspectInputError", {
  message: Schema.String
}) {}

/**
 * Splits a capture into raw message texts: the elements of a JSON array (re-serialised), a single
 * JSON object, or the non-empty lines of a JSON-lines file (kept verbatim, malformed or not).
 *
 * @category parsing
 */
export const splitMessages = (text: string): Array<string> => {
  const trimmed = text.trim()
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(trimmed)
      return Array.isArray(parsed) ? parsed.map((m) => JSON.stringify(m)) : [JSON.stringify(parsed)]
    } catch {
      // Not one JSON document: read it as JSON lines
    }
  }
  return trimmed.split("\n").map((l) => l.trim()).filter((l) => l.length > 0)
}

const price = (p: number) => (p < 0 ? null : formatScaled(p, 6, 2))
const size = (q: number, p: number) => (p < 0 ? null : formatScaled(q, 6, 0))

/** One book line: best bid and ask with sizes as exact decimal strings (`null` for an empty side). @category formatting */
export const bookLine = (message: number, id: Record<string, string>, status: string, epoch: number, top: Top): string =>
  JSON.stringify({
    message,
    ...id,
    status,
    epoch,
    bestBid: price(top.bid),
    bestBidSize: size(top.bidSize, top.bid),
    bestAsk: price(top.ask),
    bestAskSize: size(top.askSize, top.ask)
  })

/** One problem line. @category formatting */
export const problemLine = (message: number, problem: StreamProblem): string =>
  JSON.stringify({ message, error: problem.reason, detail: problem.message, ...(problem.market === undefined ? {} : { market: problem.market }) })

type Row = Record<string, string | number | null>

const COLUMNS: ReadonlyArray<Column<Row>> = [
  { header: "MSG", cell: (r) => r["message"], right: true },
  { header: "BOOK", cell: (r) => r["market"] ?? r["asset"] },
  { header: "STATUS", cell: (r) => r["status"] ?? "error" },
  { header: "BID", cell: (r) => r["bestBid"], right: true },
  { header: "BID SIZE", cell: (r) => r["bestBidSize"], right: true },
  { header: "ASK", cell: (r) => r["bestAsk"], right: true },
  { header: "ASK SIZE", cell: (r) => r["bestAskSize"], right: true },
  { header: "PROBLEM", cell: (r) => (r["error"] === undefined ? undefined : `${r["error"]}: ${r["detail"]}`) }
]

/** What kind of message each one is (`type` / `event_type`), counted: `subscribed ×1, ticker ×11`. */
const kindsOf = (messages: ReadonlyArray<string>): string => {
  const counts = new Map<string, number>()
  const count = (kind: string) => counts.set(kind, (counts.get(kind) ?? 0) + 1)
  for (const text of messages) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      count("not JSON")
      continue
    }
    for (const m of Array.isArray(parsed) ? parsed : [parsed]) {
      const o = m as { type?: unknown; event_type?: unknown } | null
      count(typeof o?.type === "string" ? o.type : typeof o?.event_type === "string" ? o.event_type : "untyped")
    }
  }
  return [...counts].map(([k, n]) => `${k} ×${n}`).join(", ")
}

/**
 * Reads the capture at `file` and prints what `render` makes of it: JSON lines, or a table (see
 * `Output.ts`). A capture that yields no book says why on stderr: how many messages of which kinds,
 * and that none was the `snapshot` message a book starts from.
 *
 * @category running
 */
export const runInspect = (
  file: string,
  render: (messages: ReadonlyArray<string>) => Array<string>,
  options: OutputChoice & { readonly snapshot: string }
) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const text = yield* fs.readFileString(file).pipe(Effect.mapError((e) => new InspectInputError({ message: unreadable(file, e) })))
    const messages = splitMessages(text)
    const lines = render(messages)
    if (wantsTable(options)) {
      if (lines.length > 0) yield* Console.log(formatRows(COLUMNS, lines.map((l) => JSON.parse(l) as Row)))
    } else {
      for (const line of lines) yield* Console.log(line)
    }
    const books = lines.filter((l) => l.includes(`"status":`)).length
    if (books === 0) {
      const problems = lines.length
      yield* Console.error(
        messages.length === 0
          ? `arbees: ${file}: no order book: the capture has no messages`
          : `arbees: ${file}: no order book: ${messages.length} message${messages.length === 1 ? "" : "s"} (${kindsOf(messages)}), none a ${options.snapshot} a book starts from` +
            (problems > 0 ? `; ${problems} problem${problems === 1 ? "" : "s"} reported` : "")
      )
    }
  })
