/**
 * The Polymarket market channel as a synchronous state machine, one per connection (shard): the
 * assets it carries, their books, and the resyncs in flight.
 *
 * It owns no socket. The connection feeds it frames (`onFrame`) and lifecycle events, sends the
 * subscription messages it queues (`takeOutbox`), sends `PING` only once `hasSubscribed()`, and
 * performs the REST resyncs it asks for (`takeResyncs` → `/book` → `applyRestBook`).
 *
 * Rules (the venue has no sequence numbers, so "when in doubt, resync"):
 * - A (re)connect drops every book; each is live again only after its own fresh snapshot.
 * - `book` replaces the asset's book (no ghost levels survive).
 * - `price_change` sets absolute sizes. After the message is applied, each touched book must be
 *   uncrossed and equal the venue's `best_bid`/`best_ask` (of the asset's last change in the
 *   message); otherwise the book is dropped and resynced from REST.
 * - During a REST resync the asset's changes are buffered; the REST book is applied and the buffer
 *   replayed from its timestamp on (absolute sizes make a replay idempotent), then checked again.
 * - Plausibility: a `price_change` older than the book (by the venue's `timestamp`) is ignored and
 *   reported (`Stale`); a resting level at $0 or $1, or off the tick grid, drops the book
 *   (`OutOfRange`, `OffGrid`) and resyncs it.
 * - `tick_size_change` sets the new grid; a live book whose levels all sit on it stays live, one with
 *   a level off it is resynced from REST.
 * - Only book messages touch books. A `book`, `price_change` or `tick_size_change` that does not
 *   decode resyncs the assets it names (all, when it names none); a trade print, a resolution or any
 *   other message that does not decode is dead-lettered and changes no book.
 * - A frame that is not valid JSON may have carried any asset's change: every book is resynced.
 * - **Validation against the venue** (a lost message leaves a ghost level the best bid/ask check
 *   cannot see below the top): a live book quiet for a while (no message of its own), or not
 *   checked for a while, is due (`validationsDue` → `takeValidations` → REST `/books` →
 *   `applyValidation`). A REST book at least as new as ours is compared level by level; agreement
 *   confirms the book (its `asOf` moves on), a difference replaces it with the REST book and is
 *   reported (`ValidationMismatch`). A `best_bid_ask` event (custom feature) that disagrees with
 *   the book resyncs it (`BestBidAskMismatch`). A book's `asOf` is the last message about that
 *   asset or the last validation, never just any frame on the socket.
 *
 * @since 0.1.0
 */
import {
  applyTickSizeChange,
  applyTokenLevel,
  applyTokenSnapshot,
  invalidateToken,
  settleTokenChanges,
  TokenBook,
  touchToken
} from "../../domain/book/TokenBook.ts"
import type { InvalidReason } from "../../domain/book/BookState.ts"
import { bookDifference } from "../../domain/book/Validation.ts"
import { ONE } from "../../schema/Money.ts"
import { formatScaled } from "../../schema/Money.ts"
import type { StreamProblem } from "../marketdata/StreamProblem.ts"
import { decodePolyMessage, PolyMessage } from "./PolymarketWsDecoder.ts"
import type { PolyBestBidAsk, PolyBook, PolyLastTradePrice, PolyMarketResolved, PolyTickSizeChange } from "./PolymarketWsSchemas.ts"

/** What the stream tells its owner. @category models */
export interface PolyStreamEvents {
  /** A book changed (levels, status or epoch): re-read its top */
  readonly onBook: (book: TokenBook) => void
  readonly onProblem: (problem: StreamProblem) => void
  readonly onTrade?: ((trade: PolyLastTradePrice, now: number) => void) | undefined
  readonly onResolved?: ((resolved: PolyMarketResolved, now: number) => void) | undefined
}

interface Buffered {
  readonly side: "bid" | "ask"
  readonly price: number
  readonly size: number
  readonly bestBid: number
  readonly bestAsk: number
  readonly ts: number
}

const MAX_BUFFER = 10_000

/**
 * Books by token id for the hot path. Token ids are ~77-digit strings that arrive as fresh strings
 * in every frame, and hashing one costs more than applying the change; keyed by the number its last
 * 15 characters spell (checked against the full id), a lookup stays cheap.
 */
class TokenIndex {
  private readonly byTail = new Map<number, Array<TokenBook>>()

  private static tail(id: string): number {
    let n = 0
    for (let i = Math.max(0, id.length - 15); i < id.length; i++) n = n * 10 + ((id.charCodeAt(i) - 48) & 0xff)
    return n
  }

  get(id: string): TokenBook | undefined {
    const bucket = this.byTail.get(TokenIndex.tail(id))
    if (bucket === undefined) return undefined
    for (let i = 0; i < bucket.length; i++) if (bucket[i]!.assetId === id) return bucket[i]
    return undefined
  }

  add(book: TokenBook): void {
    const key = TokenIndex.tail(book.assetId)
    const bucket = this.byTail.get(key)
    if (bucket === undefined) this.byTail.set(key, [book])
    else bucket.push(book)
  }

  delete(id: string): void {
    const key = TokenIndex.tail(id)
    const bucket = this.byTail.get(key)
    if (bucket === undefined) return
    const rest = bucket.filter((b) => b.assetId !== id)
    if (rest.length === 0) this.byTail.delete(key)
    else this.byTail.set(key, rest)
  }
}

/** @category models */
export class PolymarketBookStream {
  readonly books = new Map<string, TokenBook>()
  private readonly index = new TokenIndex()
  private readonly events: PolyStreamEvents
  private readonly passive: boolean
  private readonly resyncing = new Map<string, Array<Buffered>>()
  private readonly requestedAt = new Map<string, number>()
  private readonly message = new PolyMessage()
  /** Books changed by the message being applied, and the index of each one's last change */
  private touchedBooks: Array<TokenBook> = []
  private touchedLast: Array<number> = []
  private outbox: Array<string> = []
  private resyncQueue: Array<string> = []
  /** Validations in flight, and when each book was last checked against REST */
  private readonly validating = new Set<string>()
  private readonly validatedAt = new Map<string, number>()
  private validateQueue: Array<string> = []
  private isConnected = false
  private subscribedOnce = false

  /** `passive` replays a capture (`arbees inspect`): a book is adopted on its first snapshot. */
  constructor(events: PolyStreamEvents, options: { readonly passive?: boolean } = {}) {
    this.events = events
    this.passive = options.passive ?? false
  }

  /** Subscription messages queued since the last call, in order. */
  takeOutbox(): Array<string> {
    const out = this.outbox
    this.outbox = []
    return out
  }

  /** Assets to fetch from REST `/book`, queued since the last call. */
  takeResyncs(): Array<string> {
    const out = this.resyncQueue
    this.resyncQueue = []
    return out
  }

  /**
   * Queues live books due a check against REST: no message of their own for `quietMillis`, or not
   * checked for `everyMillis` (a busy book's ghost levels below the top).
   */
  validationsDue(now: number, quietMillis: number, everyMillis: number): void {
    if (!this.isConnected) return
    for (const [asset, book] of this.books) {
      if (book.status !== "live" || this.resyncing.has(asset) || this.validating.has(asset)) continue
      const checked = this.validatedAt.get(asset) ?? book.asOf
      if (now - book.asOf >= quietMillis || now - checked >= everyMillis) {
        this.validating.add(asset)
        this.validateQueue.push(asset)
      }
    }
  }

  /** Assets to fetch from REST `/books` for validation, queued since the last call. */
  takeValidations(): Array<string> {
    const out = this.validateQueue
    this.validateQueue = []
    return out
  }

  /**
   * A REST book fetched to validate a live one. Compared only when it is at least as new as the
   * book (else changes we applied since would show as differences); agreement confirms the book,
   * a difference replaces it with the REST book. Returns the difference found, if any.
   */
  applyValidation(rest: PolyBook, now: number, depth: number): string | undefined {
    this.validating.delete(rest.assetId)
    const book = this.books.get(rest.assetId)
    if (book === undefined || book.status !== "live" || this.resyncing.has(rest.assetId)) return undefined
    this.validatedAt.set(rest.assetId, now)
    if (rest.timestamp >= 0 && book.venueTs > rest.timestamp) return undefined
    const side = (levels: ReadonlyArray<readonly [number, number]>) => ({ prices: levels.map((l) => l[0]), sizes: levels.map((l) => l[1]), count: levels.length })
    const bids = side(rest.bids)
    const asks = side(rest.asks)
    const difference = bookDifference(book.bids, book.asks, bids, asks, depth)
    if (difference === undefined) {
      touchToken(book, now)
      this.events.onBook(book)
      return undefined
    }
    const reason = applyTokenSnapshot(book, bids, asks, rest.tickSize, now)
    if (rest.timestamp > book.venueTs) book.venueTs = rest.timestamp
    this.events.onBook(book)
    this.events.onProblem({ reason: "ValidationMismatch", message: `${difference}; replaced by the REST book`, market: rest.assetId })
    if (reason !== undefined) this.startResync(rest.assetId)
    return difference
  }

  /** The validation fetch failed or did not return the asset: it is due again next time. */
  validationFailed(asset: string): void {
    this.validating.delete(asset)
  }

  /** Whether this connection has sent its subscription (a `PING` before it closes the socket). */
  hasSubscribed(): boolean {
    return this.subscribedOnce
  }

  /** The assets this stream carries. */
  assets(): ReadonlyArray<string> {
    return [...this.books.keys()]
  }

  connected(now: number): void {
    this.reset(now)
    this.isConnected = true
    this.subscribedOnce = false
    if (this.books.size > 0) this.subscribeAll()
  }

  disconnected(): void {
    this.reset(0)
    this.isConnected = false
    this.subscribedOnce = false
  }

  add(assets: ReadonlyArray<string>, now: number): void {
    const fresh = assets.filter((a) => !this.books.has(a))
    if (fresh.length === 0) return
    for (const a of fresh) {
      const book = new TokenBook(a)
      this.books.set(a, book)
      this.index.add(book)
      this.requestedAt.set(a, now)
    }
    if (!this.isConnected) return
    if (!this.subscribedOnce) this.subscribeAll()
    // As the official clients send it: the custom events and the initial snapshots for the new assets
    else this.outbox.push(JSON.stringify({ assets_ids: fresh, operation: "subscribe", custom_feature_enabled: true, initial_dump: true }))
  }

  remove(assets: ReadonlyArray<string>): void {
    const gone = assets.filter((a) => this.books.delete(a))
    for (const a of gone) {
      this.index.delete(a)
      this.resyncing.delete(a)
      this.requestedAt.delete(a)
      this.validating.delete(a)
      this.validatedAt.delete(a)
    }
    if (gone.length > 0 && this.isConnected && this.subscribedOnce) {
      this.outbox.push(JSON.stringify({ assets_ids: gone, operation: "unsubscribe" }))
    }
  }

  /** Books still without a snapshot `timeoutMillis` after asking for one are resynced from REST. */
  overdue(now: number, timeoutMillis: number): void {
    if (!this.isConnected) return
    for (const [asset, book] of this.books) {
      if (book.status === "live" || this.resyncing.has(asset)) continue
      const since = this.requestedAt.get(asset)
      if (since === undefined || now - since >= timeoutMillis) {
        this.events.onProblem({ reason: "SnapshotTimeout", message: `no snapshot within ${timeoutMillis} ms; resyncing from REST`, market: asset })
        this.startResync(asset)
      }
    }
  }

  /** A REST `/book` for an asset being resynced: apply it, then replay what arrived meanwhile. */
  applyRestBook(rest: PolyBook, now: number): void {
    const buffered = this.resyncing.get(rest.assetId)
    const book = this.books.get(rest.assetId)
    if (buffered === undefined || book === undefined) return // a WS snapshot got there first, or the asset left
    this.resyncing.delete(rest.assetId)
    this.requestedAt.delete(rest.assetId)
    const side = (levels: ReadonlyArray<readonly [number, number]>) => ({ prices: levels.map((l) => l[0]), sizes: levels.map((l) => l[1]), count: levels.length })
    let reason: InvalidReason | undefined = applyTokenSnapshot(book, side(rest.bids), side(rest.asks), rest.tickSize, now)
    book.venueTs = rest.timestamp
    let last: Buffered | undefined
    if (reason === undefined) {
      for (const change of buffered) {
        if (change.ts >= 0 && change.ts < rest.timestamp) continue
        const applied = change.size >= 0 ? applyTokenLevel(book, change.side, change.price, change.size, now) : undefined
        if (applied === "OutOfRange" || applied === "OffGrid") {
          reason = applied
          break
        }
        if (change.ts > book.venueTs) book.venueTs = change.ts
        last = change
      }
      if (reason === undefined) reason = last === undefined ? settleTokenChanges(book, -1, -1) : settleTokenChanges(book, last.bestBid, last.bestAsk)
    }
    this.events.onBook(book)
    if (reason !== undefined) {
      this.events.onProblem({ reason, message: `REST resync of ${rest.assetId} did not agree with the stream`, market: rest.assetId })
      this.resyncing.delete(rest.assetId)
      this.requestedAt.set(rest.assetId, now)
    }
  }

  /** The REST fetch failed: the book waits; `overdue` tries again later. */
  resyncFailed(asset: string, now: number): void {
    if (this.resyncing.delete(asset)) this.requestedAt.set(asset, now)
  }

  /** Handles one text frame (a message or an array of messages) received at `now`. */
  onFrame(text: string, now: number): void {
    if (text === "PONG") return
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      this.events.onProblem({ reason: "Decode", message: "malformed JSON frame", payload: text })
      this.resyncAll()
      return
    }
    if (Array.isArray(parsed)) {
      for (let i = 0; i < parsed.length; i++) this.onMessage(parsed[i], now, text)
    } else {
      this.onMessage(parsed, now, text)
    }
  }

  // -------------------------------------------------------------------------

  private onMessage(o: unknown, now: number, text: string): void {
    const m = decodePolyMessage(o, this.message)
    switch (m.kind) {
      case "price_change":
        return this.onPriceChange(m, now)
      case "book":
        return this.onBook(m, now, text)
      case "tick_size_change": {
        const book = this.books.get(m.assetId)
        if (book === undefined) return
        const reason = applyTickSizeChange(book, (m.value as PolyTickSizeChange).new_tick_size, now)
        this.events.onBook(book)
        if (reason !== undefined) {
          this.events.onProblem({ reason, message: `${m.assetId} has levels off the new tick`, market: m.assetId })
          this.startResync(m.assetId)
        }
        return
      }
      case "last_trade_price":
        this.events.onTrade?.(m.value as PolyLastTradePrice, now)
        return
      case "market_resolved":
        this.events.onResolved?.(m.value as PolyMarketResolved, now)
        return
      case "best_bid_ask":
        return this.onBestBidAsk(m.value as PolyBestBidAsk, now)
      case "new_market":
      case "other":
        return
      case "invalid": {
        this.events.onProblem({ reason: "Decode", message: m.error, payload: text, market: m.assetId || undefined })
        // Whatever this message changed is lost: resync the assets it names, or all if none
        if (!BOOK_EVENTS.has(m.eventType)) return
        const named = mentionedAssets(o).filter((a) => this.books.has(a))
        if (named.length > 0) for (const a of named) this.startResync(a)
        else this.resyncAll()
        return
      }
    }
  }

  private onPriceChange(m: PolyMessage, now: number): void {
    const c = m.changes
    const books = this.touchedBooks
    const last = this.touchedLast
    books.length = 0
    last.length = 0
    for (let i = 0; i < c.count; i++) {
      const book = this.index.get(c.assets[i]!)
      if (book === undefined) continue
      const side = c.sides[i] === 0 ? "bid" : "ask"
      if (this.resyncing.size > 0) {
        const buffer = this.resyncing.get(book.assetId)
        if (buffer !== undefined) {
          if (buffer.length >= MAX_BUFFER) {
            buffer.length = 0 // the resync in flight will be stale by now: start over
            this.resyncQueue.push(book.assetId)
          }
          buffer.push({ side, price: c.prices[i]!, size: c.sizes[i]!, bestBid: c.bestBids[i]!, bestAsk: c.bestAsks[i]!, ts: m.timestamp })
          continue
        }
      }
      if (m.timestamp >= 0 && m.timestamp < book.venueTs && book.status === "live") {
        this.events.onProblem({ reason: "Stale", message: `change at ${m.timestamp} is older than the book (${book.venueTs}); ignored`, market: book.assetId })
        continue
      }
      const size = c.sizes[i]!
      if (size < 0) {
        // No new size stated: nothing to apply, but the venue's best bid/ask is still checked
        if (book.status !== "live") continue
        touchToken(book, now)
      } else {
        const applied = applyTokenLevel(book, side, c.prices[i]!, size, now)
        if (applied === "OutOfRange" || applied === "OffGrid") {
          this.events.onBook(book)
          this.events.onProblem({ reason: applied, message: `${book.assetId}: ${side} level at ${formatScaled(c.prices[i]!, 6, 2)} is not a plausible resting price`, market: book.assetId })
          this.startResync(book.assetId)
          continue
        }
        if (applied !== undefined) continue
      }
      if (m.timestamp > book.venueTs) book.venueTs = m.timestamp
      const at = books.indexOf(book)
      if (at === -1) {
        books.push(book)
        last.push(i)
      } else {
        last[at] = i
      }
    }
    for (let j = 0; j < books.length; j++) {
      const book = books[j]!
      const i = last[j]!
      const bestBid = book.bids.bestPrice()
      const bestAsk = book.asks.bestPrice()
      const reason = settleTokenChanges(book, c.bestBids[i]!, c.bestAsks[i]!)
      this.events.onBook(book)
      if (reason !== undefined) {
        this.events.onProblem({ reason, message: `book ${this.describe(bestBid, bestAsk)} vs venue ${this.describe(c.bestBids[i]!, c.bestAsks[i]!)}`, market: book.assetId })
        this.startResync(book.assetId)
      }
    }
  }

  /** The venue's best bid/ask for an asset: our live book must show the same, else it is resynced. */
  private onBestBidAsk(event: PolyBestBidAsk, now: number): void {
    const book = this.index.get(event.asset_id)
    if (book === undefined || book.status !== "live" || this.resyncing.has(event.asset_id)) return
    const ts = event.timestamp ?? -1
    if (ts >= 0 && ts < book.venueTs) return // older than what the book shows
    // "" = that side is empty (the venue's 0 / 1 sentinels); absent or null = not stated
    const bid = event.best_bid === "" ? 0 : event.best_bid ?? -1
    const ask = event.best_ask === "" ? ONE : event.best_ask ?? -1
    const bestBid = book.bids.bestPrice()
    const bestAsk = book.asks.bestPrice()
    const reason = settleTokenChanges(book, bid, ask)
    if (reason === undefined) {
      touchToken(book, now)
      this.events.onBook(book)
      return
    }
    this.events.onBook(book)
    this.events.onProblem({ reason, message: `book ${this.describe(bestBid, bestAsk)} vs venue best_bid_ask ${this.describe(bid, ask)}`, market: book.assetId })
    this.startResync(book.assetId)
  }

  private onBook(m: PolyMessage, now: number, text: string): void {
    let book = this.index.get(m.assetId)
    if (book === undefined) {
      if (!this.passive) return
      book = new TokenBook(m.assetId)
      this.books.set(m.assetId, book)
      this.index.add(book)
    }
    const reason = applyTokenSnapshot(book, m.bids, m.asks, m.tickSize, now)
    book.venueTs = m.timestamp
    this.resyncing.delete(m.assetId)
    this.requestedAt.delete(m.assetId)
    this.events.onBook(book)
    if (reason !== undefined) {
      this.events.onProblem({ reason, message: `snapshot of ${m.assetId} rejected`, market: m.assetId, payload: text })
      this.startResync(m.assetId)
    }
  }

  private describe(bid: number, ask: number): string {
    return `${bid < 0 ? "-" : formatScaled(bid, 6, 2)}/${ask < 0 ? "-" : formatScaled(ask, 6, 2)}`
  }

  private startResync(asset: string): void {
    const book = this.books.get(asset)
    if (book === undefined || this.resyncing.has(asset)) return
    if (book.status === "live") {
      invalidateToken(book)
      this.events.onBook(book)
    }
    this.resyncing.set(asset, [])
    this.resyncQueue.push(asset)
  }

  private resyncAll(): void {
    for (const asset of this.books.keys()) this.startResync(asset)
  }

  private subscribeAll(): void {
    this.outbox.push(JSON.stringify({ assets_ids: [...this.books.keys()], type: "market", custom_feature_enabled: true }))
    this.subscribedOnce = true
  }

  private reset(now: number): void {
    this.resyncing.clear()
    this.validating.clear()
    this.validateQueue = []
    this.resyncQueue = []
    this.outbox = []
    for (const [asset, book] of this.books) {
      const wasLive = book.status === "live"
      invalidateToken(book)
      this.requestedAt.set(asset, now)
      if (wasLive) this.events.onBook(book)
    }
  }
}

/** Event types that can change a book; "" = not even an event type, so it may have been one. */
const BOOK_EVENTS = new Set(["book", "price_change", "tick_size_change", ""])

/** Asset ids a raw message names (top level and inside `price_changes`). */
const mentionedAssets = (o: unknown): Array<string> => {
  if (typeof o !== "object" || o === null) return []
  const out: Array<string> = []
  const record = o as Record<string, unknown>
  if (typeof record["asset_id"] === "string") out.push(record["asset_id"])
  const changes = record["price_changes"]
  if (Array.isArray(changes)) {
    for (const c of changes) {
      if (typeof c === "object" && c !== null && typeof (c as Record<string, unknown>)["asset_id"] === "string") out.push((c as Record<string, string>)["asset_id"]!)
    }
  }
  return out
}
