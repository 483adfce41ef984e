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

/**
 * Reads the capture at `file` and prints what `render` makes of it, line by line.
 *
 * @category running
 */
export const runInspect = (file: string, render: (messages: ReadonlyArray<string>) => Array<string>) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const text = yield* fs.readFileString(file).pipe(Effect.mapError((e) => new InspectInputError({ message: `cannot read ${file}: ${e.message}` })))
    for (const line of render(splitMessages(text))) yield* Console.log(line)
  })
