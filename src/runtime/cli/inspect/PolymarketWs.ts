/**
 * `arbees inspect polymarket-ws FILE`: replays a capture of raw Polymarket market-channel messages
 * (objects or arrays of them) through the live protocol code (`PolymarketBookStream`, passive) and
 * prints, after each message, one JSON line per asset it touched: best bid and ask with their
 * sizes, as exact decimal strings. A `price_change` that disagrees with the venue's best bid/ask,
 * a crossed book and a malformed message print an error line; an affected book shows as
 * `awaiting_snapshot` until its next `book`.
 *
 * @since 0.1.0
 */
import { emptyTop } from "../../../domain/book/BookState.ts"
import { tokenTop } from "../../../domain/book/TokenBook.ts"
import type { StreamProblem } from "../../../services/marketdata/StreamProblem.ts"
import { PolymarketBookStream } from "../../../services/polymarket/PolymarketBookStream.ts"
import { bookLine, problemLine, runInspect } from "./Replay.ts"

/**
 * The output lines for a sequence of raw messages.
 *
 * @category rendering
 */
export const inspectPolymarket = (messages: ReadonlyArray<string>): Array<string> => {
  const out: Array<string> = []
  const touched = new Set<string>()
  const problems: Array<StreamProblem> = []
  const stream = new PolymarketBookStream({ onBook: (book) => void touched.add(book.assetId), onProblem: (p) => void problems.push(p) }, { passive: true })
  const top = emptyTop()
  messages.forEach((text, i) => {
    stream.onFrame(text, i)
    stream.takeResyncs() // offline: there is no REST to resync from; the book stays dropped
    for (const p of problems) out.push(problemLine(i + 1, p))
    for (const asset of touched) {
      const book = stream.books.get(asset)!
      out.push(bookLine(i + 1, { asset }, book.status, book.epoch, tokenTop(book, top)))
    }
    problems.length = 0
    touched.clear()
  })
  return out
}

/** `arbees inspect polymarket-ws`. @category commands */
export const inspectPolymarketFile = (input: { readonly file: string; readonly json: boolean; readonly table: boolean }) =>
  runInspect(input.file, inspectPolymarket, { ...input, snapshot: "book" })
