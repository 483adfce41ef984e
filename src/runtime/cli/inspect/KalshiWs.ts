/**
 * `arbees inspect kalshi-ws FILE`: replays a capture of raw Kalshi WebSocket messages through the
 * live protocol code (`KalshiBookStream`, passive) and prints, after each message, one JSON line
 * per market it touched: the YES best bid and ask (the ask derived from the best NO bid) with their
 * sizes, as exact decimal strings. Sequence gaps, inconsistent books and malformed messages print an
 * error line; the book they affect shows as `awaiting_snapshot` until its next snapshot.
 *
 * @since 0.1.0
 */
import { emptyTop } from "../../../domain/book/BookState.ts"
import { kalshiTop } from "../../../domain/book/KalshiBook.ts"
import { KalshiBookStream } from "../../../services/kalshi/KalshiBookStream.ts"
import type { StreamProblem } from "../../../services/marketdata/StreamProblem.ts"
import { bookLine, problemLine, runInspect } from "./Replay.ts"

/**
 * The output lines for a sequence of raw messages.
 *
 * @category rendering
 */
export const inspectKalshi = (messages: ReadonlyArray<string>): Array<string> => {
  const out: Array<string> = []
  const touched = new Set<string>()
  const problems: Array<StreamProblem> = []
  const stream = new KalshiBookStream({ onBook: (book) => void touched.add(book.ticker), onProblem: (p) => void problems.push(p) }, { passive: true })
  const top = emptyTop()
  messages.forEach((text, i) => {
    stream.onFrame(text, i)
    stream.takeOutbox() // offline: the resubscribes it would send go nowhere
    for (const p of problems) out.push(problemLine(i + 1, p))
    for (const ticker of touched) {
      const book = stream.books.get(ticker)!
      out.push(bookLine(i + 1, { market: ticker, outcome: "yes" }, book.status, book.epoch, kalshiTop(book, "yes", top)))
    }
    problems.length = 0
    touched.clear()
  })
  return out
}

/** `arbees inspect kalshi-ws`. @category commands */
export const inspectKalshiFile = (input: { readonly file: string; readonly json: boolean; readonly table: boolean }) =>
  runInspect(input.file, inspectKalshi, { ...input, snapshot: "orderbook_snapshot" })
