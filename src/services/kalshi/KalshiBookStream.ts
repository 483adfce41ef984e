/**
 * The Kalshi market-data protocol as a synchronous state machine: which markets we want, which
 * subscription (`sid`) carries each, the last `seq` seen per `sid`, and the books.
 *
 * It owns no socket. The connection feeds it text frames (`onFrame`) and lifecycle events
 * (`connected`, `disconnected`) and sends whatever commands it queues (`takeOutbox`). That keeps
 * the protocol rules testable frame by frame, and lets `arbees inspect kalshi-ws` replay a capture
 * through exactly the code that runs live.
 *
 * Rules:
 * - A (re)connect drops every book; each is live again only after its own fresh snapshot.
 * - `seq` must rise by exactly one per `sid`. A gap (or an order-book frame that does not decode,
 *   which is a lost message) drops every book on that `sid`, unsubscribes it and subscribes the
 *   same markets again for fresh snapshots.
 * - A delta that would make a level negative, or a book that crosses, drops that one book and
 *   resubscribes just that market. (Kalshi's REST book has no `seq`, so it cannot be stitched to
 *   the stream; a WebSocket resubscribe is the seq-aligned resync.)
 * - Frames for a `sid` we no longer hold are ignored: they belong to books already dropped.
 * - Markets are added and removed with `update_subscription` (`add_markets` / `delete_markets`).
 * - A book still waiting for its snapshot after a timeout is resubscribed (`overdue`).
 * - Validation against REST (`validationsDue` → batched `/markets/orderbooks` →
 *   `applyValidation`): a live book not checked for a while is compared level by level with the
 *   venue's REST book, unless a delta arrived meanwhile (the REST book has no `seq` to place it);
 *   a difference is reported (`ValidationMismatch`) and the market resubscribed.
 *
 * @since 0.1.0
 */
import { applyKalshiDelta, applyKalshiSnapshot, invalidateKalshi, KalshiBook } from "../../domain/book/KalshiBook.ts"
import { sideDifference } from "../../domain/book/Validation.ts"
import { formatScaled } from "../../schema/Money.ts"
import type { StreamProblem } from "../marketdata/StreamProblem.ts"
import { decodeKalshiFrame, KalshiFrame } from "./KalshiWsDecoder.ts"
import type { KalshiTickerMsg, KalshiTradeMsg } from "./KalshiWsSchemas.ts"

/** What the stream tells its owner. @category models */
export interface KalshiStreamEvents {
  /** A book changed (levels, status or epoch): re-read its top */
  readonly onBook: (book: KalshiBook) => void
  readonly onProblem: (problem: StreamProblem) => void
  readonly onTicker?: ((msg: KalshiTickerMsg, now: number) => void) | undefined
  readonly onTrade?: ((msg: KalshiTradeMsg, now: number) => void) | undefined
}

/** Non-book channels the stream can also subscribe. @category models */
export type KalshiSideChannel = "ticker" | "trade"

interface Subscription {
  readonly channel: string
  readonly tickers: Set<string>
  lastSeq: number
}

type Pending =
  | { readonly kind: "subscribe"; readonly channel: string; readonly tickers: ReadonlyArray<string> }
  | { readonly kind: "update"; readonly sid: number; readonly tickers: ReadonlyArray<string> }

const BOOK = "orderbook_delta"

/** @category models */
export class KalshiBookStream {
  private readonly validating = new Set<string>()
  private readonly validatedAt = new Map<string, number>()
  readonly books = new Map<string, KalshiBook>()
  private readonly events: KalshiStreamEvents
  private readonly sideChannels: ReadonlyArray<KalshiSideChannel>
  private readonly want = new Set<string>()
  private readonly subs = new Map<number, Subscription>()
  private readonly bookSid = new Map<string, number>()
  private readonly pending = new Map<number, Pending>()
  private readonly requestedAt = new Map<string, number>()
  private readonly frame = new KalshiFrame()
  private readonly passive: boolean
  private outbox: Array<string> = []
  private nextId = 1
  private isConnected = false
  private now = 0

  /**
   * `passive` replays a capture without having subscribed (`arbees inspect`): a `sid` is adopted on
   * its first frame and a market on its first snapshot; the protocol checks are the same.
   */
  constructor(events: KalshiStreamEvents, options: { readonly sideChannels?: ReadonlyArray<KalshiSideChannel>; readonly passive?: boolean } = {}) {
    this.events = events
    this.sideChannels = options.sideChannels ?? []
    this.passive = options.passive ?? false
  }

  /** Commands queued since the last call, as JSON text, in order. */
  takeOutbox(): Array<string> {
    const out = this.outbox
    this.outbox = []
    return out
  }

  /** The markets wanted. */
  wanted(): ReadonlySet<string> {
    return this.want
  }

  /** The socket is open: subscribe everything wanted; every book waits for a fresh snapshot. */
  connected(now: number): void {
    this.now = now
    this.reset()
    this.isConnected = true
    const tickers = [...this.want]
    if (tickers.length === 0) return
    this.subscribe(BOOK, tickers)
    for (const channel of this.sideChannels) this.subscribe(channel, tickers)
  }

  /** The socket is gone: every book is dropped until its snapshot after the reconnect. */
  disconnected(): void {
    this.reset()
    this.isConnected = false
  }

  /** Wants `tickers` (new ones get an empty book awaiting its snapshot). */
  add(tickers: ReadonlyArray<string>, now: number): void {
    this.now = now
    const fresh = tickers.filter((t) => !this.want.has(t))
    if (fresh.length === 0) return
    for (const t of fresh) {
      this.want.add(t)
      this.books.set(t, new KalshiBook(t))
    }
    if (!this.isConnected) return
    const sid = this.sidOf(BOOK)
    if (sid === undefined) this.subscribe(BOOK, fresh)
    else this.update(sid, fresh)
    for (const channel of this.sideChannels) {
      const side = this.sidOf(channel)
      if (side === undefined) this.subscribe(channel, fresh)
      else this.update(side, fresh)
    }
  }

  /** No longer wants `tickers`; their books are removed. */
  remove(tickers: ReadonlyArray<string>): void {
    const gone = tickers.filter((t) => this.want.delete(t))
    for (const t of gone) {
      this.books.delete(t)
      this.requestedAt.delete(t)
      this.validating.delete(t)
      this.validatedAt.delete(t)
      this.detach(t)
    }
    for (const channel of this.sideChannels) {
      const sid = this.sidOf(channel)
      const sub = sid === undefined ? undefined : this.subs.get(sid)
      if (sid === undefined || sub === undefined) continue
      const leaving = gone.filter((t) => sub.tickers.delete(t))
      if (leaving.length > 0) this.command("update_subscription", { sids: [sid], market_tickers: leaving, action: "delete_markets" })
    }
  }

  /** Resubscribes books that have waited longer than `timeoutMillis` for a snapshot. */
  overdue(now: number, timeoutMillis: number): void {
    this.now = now
    if (!this.isConnected) return
    const late: Array<string> = []
    for (const [t, book] of this.books) {
      if (book.status === "live") continue
      const since = this.requestedAt.get(t)
      if (since === undefined || now - since >= timeoutMillis) late.push(t)
    }
    if (late.length === 0) return
    for (const t of late) this.detach(t)
    this.events.onProblem({ reason: "SnapshotTimeout", message: `no snapshot within ${timeoutMillis} ms; resubscribing ${late.length} market(s)`, market: late.join(",") })
    this.subscribe(BOOK, late)
  }

  /** Handles one text frame received at `now`. */
  onFrame(text: string, now: number): void {
    this.now = now
    const f = decodeKalshiFrame(text, this.frame)
    switch (f.kind) {
      case "delta":
        return this.onDelta(f, now, text)
      case "snapshot":
        return this.onSnapshot(f, now, text)
      case "subscribed": {
        const value = f.value as { readonly msg: { readonly channel: string; readonly sid: number } }
        return this.onSubscribed(f.id, value.msg.channel, value.msg.sid)
      }
      case "trade":
        if (!this.checkSeq(f.sid, f.seq, text, "trade")) return
        this.events.onTrade?.((f.value as { readonly msg: KalshiTradeMsg }).msg, now)
        return
      case "ticker":
        this.events.onTicker?.((f.value as { readonly msg: KalshiTickerMsg }).msg, now)
        return
      case "error": {
        const value = f.value as { readonly msg: { readonly code: number; readonly msg?: string } }
        return this.onError(f.id, value.msg.code, value.msg.msg ?? "", text)
      }
      case "ok":
      case "unsubscribed":
        return this.onReply(f.sid, f.seq)
      case "other":
        return
      case "invalid":
        this.events.onProblem({ reason: "Decode", message: f.error, payload: text })
        // A book frame we cannot read is a lost message: its sid is no longer trustworthy
        if (f.sid >= 0 && this.subs.get(f.sid)?.channel === BOOK) this.gap(f.sid, "an order-book frame did not decode")
        return
    }
  }

  // -------------------------------------------------------------------------

  private onDelta(f: KalshiFrame, now: number, text: string): void {
    if (!this.checkSeq(f.sid, f.seq, text, BOOK)) return
    const book = this.bookFor(f.ticker, f.sid)
    if (book === undefined) return
    const result = applyKalshiDelta(book, f.side, f.price, f.delta, now)
    if (result === undefined) {
      this.events.onBook(book)
    } else if (result !== "NotLive") {
      this.events.onBook(book)
      this.events.onProblem({ reason: result, message: `${f.ticker}: ${f.side} ${formatScaled(f.delta, 6, 0)} at ${formatScaled(f.price, 6, 2)} does not fit the book`, market: f.ticker, payload: text })
      this.resync(f.ticker)
    }
  }

  private onSnapshot(f: KalshiFrame, now: number, text: string): void {
    if (!this.checkSeq(f.sid, f.seq, text, BOOK)) return
    const book = this.bookFor(f.ticker, f.sid)
    if (book === undefined) return
    const reason = applyKalshiSnapshot(book, f.yes, f.no, now)
    this.requestedAt.delete(f.ticker)
    this.events.onBook(book)
    if (reason !== undefined) {
      this.events.onProblem({ reason, message: `snapshot of ${f.ticker} rejected`, market: f.ticker, payload: text })
      this.resync(f.ticker)
    }
  }

  /** The book `sid` carries for `ticker`; in passive mode, adopted on first sight. */
  private bookFor(ticker: string, sid: number): KalshiBook | undefined {
    let book = this.books.get(ticker)
    if (this.passive) {
      if (book === undefined) {
        book = new KalshiBook(ticker)
        this.books.set(ticker, book)
        this.want.add(ticker)
      }
      if (this.bookSid.get(ticker) !== sid) {
        this.bookSid.set(ticker, sid)
        this.subs.get(sid)?.tickers.add(ticker)
      }
      return book
    }
    return book === undefined || this.bookSid.get(ticker) !== sid ? undefined : book
  }

  private onSubscribed(id: number, channel: string, sid: number): void {
    const pending = this.pending.get(id)
    if (pending === undefined || pending.kind !== "subscribe") return
    this.pending.delete(id)
    const tickers = pending.tickers.filter((t) => this.want.has(t))
    this.subs.set(sid, { channel, tickers: new Set(tickers), lastSeq: -1 })
    if (channel === BOOK) for (const t of tickers) this.bookSid.set(t, sid)
  }

  private onError(id: number, code: number, message: string, text: string): void {
    const pending = this.pending.get(id)
    this.pending.delete(id)
    if (pending?.kind === "update") {
      const sub = this.subs.get(pending.sid)
      for (const t of pending.tickers) {
        sub?.tickers.delete(t)
        if (this.bookSid.get(t) === pending.sid) this.bookSid.delete(t)
      }
    }
    // The markets stay waiting; `overdue` subscribes them again later
    this.events.onProblem({ reason: "VenueError", message: `error ${code}: ${message}`, payload: text, market: pending?.tickers.join(",") })
  }

  /**
   * A command reply (`ok`, `unsubscribed`) carrying the sid's `seq`. The docs do not say whether a
   * reply takes a number of its own, so both readings are accepted without a false gap: a reply at
   * the next number took one (the next data frame follows it); a reply at or below the last number
   * echoes the counter and changes nothing; a reply further ahead proves nothing by itself (the next
   * data frame will show a real gap).
   */
  private onReply(sid: number, seq: number): void {
    if (sid < 0 || seq < 0) return
    const sub = this.subs.get(sid)
    if (sub === undefined) return
    if (sub.lastSeq < 0 || seq === sub.lastSeq + 1) sub.lastSeq = seq
  }

  /** `true` when the frame is in sequence for a sid we hold. */
  private checkSeq(sid: number, seq: number, text: string, channel: string): boolean {
    let sub = this.subs.get(sid)
    if (sub === undefined) {
      if (!this.passive) return false
      sub = { channel, tickers: new Set(), lastSeq: -1 }
      this.subs.set(sid, sub)
    }
    if (seq < 0) return true
    if (sub.lastSeq >= 0 && seq !== sub.lastSeq + 1) {
      const expected = sub.lastSeq + 1
      this.events.onProblem({ reason: "SequenceGap", message: `sid ${sid}: expected seq ${expected}, received ${seq}`, payload: text })
      if (sub.channel === BOOK) {
        this.gap(sid, `expected seq ${expected}, received ${seq}`)
        return false
      }
    }
    sub.lastSeq = seq
    return true
  }

  /** Drops every book of `sid`, unsubscribes it, and subscribes its markets again. */
  private gap(sid: number, _why: string): void {
    const sub = this.subs.get(sid)
    if (sub === undefined) return
    this.subs.delete(sid)
    this.command("unsubscribe", { sids: [sid] })
    const tickers = [...sub.tickers].filter((t) => this.want.has(t))
    for (const t of tickers) {
      this.bookSid.delete(t)
      const book = this.books.get(t)
      if (book !== undefined) {
        invalidateKalshi(book)
        this.events.onBook(book)
      }
    }
    if (tickers.length > 0) this.subscribe(BOOK, tickers)
  }

  /** Live books not checked against REST for `everyMillis`, each with its `asOf` when asked. */
  validationsDue(now: number, everyMillis: number): Array<{ readonly ticker: string; readonly asOf: number }> {
    const due: Array<{ readonly ticker: string; readonly asOf: number }> = []
    for (const [ticker, book] of this.books) {
      if (book.status !== "live" || this.validating.has(ticker)) continue
      if (now - (this.validatedAt.get(ticker) ?? book.asOf) < everyMillis) continue
      this.validating.add(ticker)
      due.push({ ticker, asOf: book.asOf })
    }
    return due
  }

  /**
   * The REST book fetched to validate a live one, asked when the book's `asOf` was `askedAsOf`.
   * Compared only when no delta came since; a difference drops the book and resubscribes its
   * market. Returns the difference found, if any.
   */
  applyValidation(ticker: string, askedAsOf: number, rest: { readonly yes: ReadonlyArray<readonly [number, number]>; readonly no: ReadonlyArray<readonly [number, number]> } | undefined, now: number, depth: number): string | undefined {
    this.validating.delete(ticker)
    const book = this.books.get(ticker)
    if (rest === undefined || book === undefined || book.status !== "live") return undefined
    this.validatedAt.set(ticker, now)
    if (book.asOf !== askedAsOf) return undefined
    const side = (levels: ReadonlyArray<readonly [number, number]>) => ({ prices: levels.map((l) => l[0]), sizes: levels.map((l) => l[1]), count: levels.length })
    const difference = sideDifference("yes", book.yes, side(rest.yes), depth) ?? sideDifference("no", book.no, side(rest.no), depth)
    if (difference === undefined) return undefined
    this.events.onProblem({ reason: "ValidationMismatch", message: `${difference}; resubscribed`, market: ticker })
    this.resync(ticker)
    return difference
  }

  /** Drops one book and subscribes its market alone for a fresh snapshot. */
  private resync(ticker: string): void {
    const book = this.books.get(ticker)
    if (book !== undefined && book.status === "live") {
      invalidateKalshi(book)
      this.events.onBook(book)
    }
    this.detach(ticker)
    this.subscribe(BOOK, [ticker])
  }

  /** Takes `ticker` off the order-book subscription carrying it. */
  private detach(ticker: string): void {
    const sid = this.bookSid.get(ticker)
    if (sid === undefined) return
    this.bookSid.delete(ticker)
    const sub = this.subs.get(sid)
    if (sub === undefined) return
    sub.tickers.delete(ticker)
    if (sub.tickers.size === 0) {
      this.subs.delete(sid)
      this.command("unsubscribe", { sids: [sid] })
    } else {
      this.command("update_subscription", { sids: [sid], market_tickers: [ticker], action: "delete_markets" })
    }
  }

  private subscribe(channel: string, tickers: ReadonlyArray<string>): void {
    const id = this.command("subscribe", { channels: [channel], market_tickers: tickers })
    this.pending.set(id, { kind: "subscribe", channel, tickers })
    if (channel === BOOK) for (const t of tickers) this.requestedAt.set(t, this.now)
  }

  /** Adds markets to an existing subscription; an order-book one then sends their snapshots. */
  private update(sid: number, tickers: ReadonlyArray<string>): void {
    const sub = this.subs.get(sid)!
    for (const t of tickers) sub.tickers.add(t)
    if (sub.channel === BOOK) {
      for (const t of tickers) {
        this.bookSid.set(t, sid)
        this.requestedAt.set(t, this.now)
      }
    }
    const id = this.command("update_subscription", { sids: [sid], market_tickers: tickers, action: "add_markets" })
    this.pending.set(id, { kind: "update", sid, tickers })
  }

  private sidOf(channel: string): number | undefined {
    for (const [sid, sub] of this.subs) if (sub.channel === channel) return sid
    return undefined
  }

  private command(cmd: string, params: Record<string, unknown>): number {
    const id = this.nextId++
    this.outbox.push(JSON.stringify({ id, cmd, params }))
    return id
  }

  private reset(): void {
    this.validating.clear()
    this.subs.clear()
    this.bookSid.clear()
    this.pending.clear()
    this.requestedAt.clear()
    this.outbox = []
    for (const book of this.books.values()) {
      const wasLive = book.status === "live"
      invalidateKalshi(book)
      if (wasLive) this.events.onBook(book)
    }
  }
}
