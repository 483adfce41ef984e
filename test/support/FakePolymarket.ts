/**
 * A fake Polymarket that speaks Gamma, the public CLOB REST API and the CLOB market WebSocket over
 * real HTTP and WebSocket on 127.0.0.1.
 *
 * - Gamma, on its own origin ({@link FakePolymarket.gammaUrl}) as on the real venue: `/events` (by
 *   `tag_id`, `limit`/`offset` paging, `limit` clamped) and `/markets` serve the recorded Gamma
 *   fixtures verbatim.
 * - CLOB ({@link FakePolymarket.httpUrl}): `/book`, `POST /books`, `/tick-size`, `/fee-rate` serve
 *   the venue's current books, seeded from the recorded book fixtures, with every field the
 *   official schemas require. Unknown routes answer `{"error": "..."}` as the CLOB does.
 * - The rarer market-channel messages and edge shapes the venue really sends: `last_trade_price`
 *   (with `""` size and fee), `best_bid_ask` (with `""` for an empty side), `market_resolved`
 *   (with or without a winner), `new_market`, `tick_size_change` without the old size,
 *   `price_change` with lowercase side, `hash: null`, no timestamp or no size.
 *   `PolymarketContract.test.ts` runs everything the fake sends through `@polymarket/bindings`.
 * - `/ws/market`: the subscribe message (`assets_ids`, `type: "market"`) and later
 *   `operation: subscribe|unsubscribe`; initial `book` snapshots arrive as one *array* frame; text
 *   `PING` is answered `PONG`, and a `PING` before any subscription closes the socket with 1008, as
 *   the real one does; at most `maxAssets` per connection get snapshots. Subscribing to the
 *   recorded stream's asset replays that stream (`book` then two `price_change`s) verbatim.
 *
 * Scenarios are scripted by tests: price changes (optionally with a wrong best bid/ask), tick-size
 * changes, fresh snapshots, stalls (nothing sent, not even PONG, socket open), drops, malformed
 * frames, 429s.
 */
import { readFileSync } from "node:fs"
import type { WebSocket } from "ws"
import { formatScaled, parseScaled } from "../../src/schema/Money.ts"
import { FakeVenue, type FakeRequest, type FakeResponse, json } from "./FakeVenue.ts"
import { seededRandom } from "./Seeded.ts"

const FIXTURES = "/work/shared/fixtures"
const fixture = (name: string): any => JSON.parse(readFileSync(`${FIXTURES}/${name}`, "utf8"))
const fixtureLines = (name: string): Array<any> => readFileSync(`${FIXTURES}/${name}`, "utf8").trim().split("\n").map((l) => JSON.parse(l))

/** The asset of the recorded market stream (`polymarket-ws-market-stream-2026-head.json`). */
export const STREAM_ASSET = "76670567130917723816490572615540605537878462672464291990940067659127658071111"
/** Its mirrored partner in the same market. */
export const STREAM_PARTNER = "54179564009642723353355316176091991063553046330768303687769988635499280029688"

interface ServerBook {
  market: string
  bids: Map<number, number>
  asks: Map<number, number>
  tickSize: string
  /** The recorded snapshot, sent verbatim until the book changes */
  recorded: Record<string, unknown> | undefined
}

const text = (micros: number) => formatScaled(micros, 6, 0)

/** Edge shapes the real venue sends and the official schemas accept (PROTOCOLS §5.1). */
export interface PriceChangeOptions {
  readonly wrongBest?: { bid: string; ask: string }
  readonly lowercaseSide?: boolean
  readonly nullHash?: boolean
  readonly omitTimestamp?: boolean
  /** The entry states no size (only the venue's best bid/ask): @polymarket/client 0.2 accepts it, bindings 0.10 no longer does */
  readonly omitSize?: boolean
  readonly timestamp?: string
}

export interface FakePolymarketOptions {
  /** Assets per connection that get snapshots (the venue's limit is 500) */
  readonly maxAssets?: number | undefined
  /** Gamma page size cap, to exercise paging */
  readonly pageSize?: number | undefined
}

/** Gamma's API: its own origin, sharing the venue's request log. */
export class FakeGamma extends FakeVenue {
  override readonly requests: Array<FakeRequest>
  private readonly venue: FakePolymarket
  constructor(venue: FakePolymarket) {
    super()
    this.venue = venue
    this.requests = venue.requests
  }
  protected wsPath(): string {
    return "/no-websocket-on-gamma"
  }
  protected onConnection(ws: WebSocket): void {
    ws.close(1008, "no websocket on gamma")
  }
  protected route(r: FakeRequest): FakeResponse | undefined {
    return this.venue.gammaRoute(r)
  }
  protected override notFound(_r: FakeRequest): FakeResponse {
    return json({ error: "not found" }, 404)
  }
}

export class FakePolymarket extends FakeVenue {
  readonly options: FakePolymarketOptions
  readonly books = new Map<string, ServerBook>()
  readonly gammaEvents: Array<Record<string, unknown>> = fixture("polymarket-gamma-events-sports-mlp-2026-08.json").concat(fixture("polymarket-gamma-events-politics-negrisk.json"))
  readonly gammaMarkets: Array<Record<string, unknown>> = [
    fixture("polymarket-gamma-market-sports-moneyline-esports.json"),
    fixture("polymarket-gamma-market-sports-map-handicap-esports.json"),
    fixture("polymarket-gamma-market-crypto-updown.json")
  ]
  /** Assets each socket subscribed to */
  readonly subscribed = new Map<WebSocket, Set<string>>()
  /** Every text message the server received, per connection order */
  readonly received: Array<string> = []
  pings = 0
  pingsBeforeSubscribe = 0
  snapshotsSent = 0
  /** While true the server sends nothing, not even PONG, but keeps sockets open */
  stalled = false
  /** The share of `price_change` messages lost on the way (the venue's book still changes), seeded */
  lossRate = 0
  /** `price_change` messages lost so far */
  lost = 0
  private readonly nextRandom = seededRandom(0x13)

  /** Gamma's origin */
  readonly gamma: FakeGamma = new FakeGamma(this)

  constructor(options: FakePolymarketOptions = {}) {
    super()
    this.options = options
    this.seed()
  }

  override async start(): Promise<void> {
    await this.gamma.start()
    await super.start()
  }

  override async close(): Promise<void> {
    await this.gamma.close()
    await super.close()
  }

  /** Gamma's base URL (a different origin from the CLOB's `httpUrl`). */
  gammaUrl(path = ""): string {
    return this.gamma.httpUrl(path)
  }

  protected override notFound(_r: FakeRequest): FakeResponse {
    return json({ error: "not found" }, 404)
  }

  protected wsPath(): string {
    return "/ws/market"
  }

  private seed(): void {
    const books: Array<Record<string, any>> = [
      fixture("polymarket-clob-book-2024.json"),
      fixture("polymarket-ws-book-2024.json"),
      fixture("polymarket-ws-book-captured-2026.json"),
      ...fixtureLines("polymarket-ws-book-2026-02.jsonl"),
      fixture("polymarket-ws-market-stream-2026-head.json")[0]
    ]
    for (const b of books) this.seedBook(b)
    // The stream's partner token: the mirror image of the recorded book (BUY p on one is SELL 1-p on the other)
    const head = fixture("polymarket-ws-market-stream-2026-head.json")[0]
    const mirror = (levels: Array<{ price: string; size: string }>) => levels.map((l) => ({ price: text(1_000_000 - parseScaled(l.price)!), size: l.size }))
    this.seedBook({ market: head.market, asset_id: STREAM_PARTNER, bids: mirror(head.asks).reverse(), asks: mirror(head.bids).reverse(), tick_size: head.tick_size }, false)
  }

  private seedBook(b: Record<string, any>, verbatim = true): void {
    const side = (levels: Array<{ price: string; size: string }>) => new Map(levels.map((l) => [parseScaled(l.price)!, parseScaled(l.size)!] as const))
    this.books.set(b["asset_id"], { market: b["market"], bids: side(b["bids"]), asks: side(b["asks"]), tickSize: b["tick_size"] ?? "0.01", recorded: verbatim ? { ...b, event_type: "book" } : undefined })
  }

  // -------------------------------------------------------------------------
  // REST
  // -------------------------------------------------------------------------

  /** Gamma's routes (served on {@link gammaUrl}). */
  gammaRoute(r: FakeRequest): FakeResponse | undefined {
    const limit = Math.min(Number(r.query.get("limit") ?? "100"), this.options.pageSize ?? 1_000)
    const offset = Number(r.query.get("offset") ?? "0")
    if (r.path === "/events") {
      const tag = r.query.get("tag_id")
      const events = this.gammaEvents.filter((e) => tag === null || (e["tags"] as Array<{ id: string }>).some((t) => t.id === tag))
      return json(events.slice(offset, offset + limit))
    }
    if (r.path === "/markets") {
      const conditions = r.query.getAll("condition_ids")
      const nested = this.gammaEvents.flatMap((e) => e["markets"] as Array<Record<string, unknown>>)
      const all = [...this.gammaMarkets, ...nested].filter((m) => conditions.length === 0 || conditions.includes(m["conditionId"] as string))
      return json(all.slice(offset, offset + limit))
    }
    return undefined
  }

  protected route(r: FakeRequest): FakeResponse | undefined {
    if (r.path === "/book") {
      const token = r.query.get("token_id") ?? ""
      return this.books.has(token) ? json(this.bookMessage(token, false)) : json({ error: "No orderbook exists for the requested token id" }, 404)
    }
    if (r.path === "/books" && r.method === "POST") {
      const tokens = (JSON.parse(r.body) as Array<{ token_id: string }>).map((t) => t.token_id)
      return json(tokens.filter((t) => this.books.has(t)).map((t) => this.bookMessage(t, false)))
    }
    if (r.path === "/tick-size") {
      const book = this.books.get(r.query.get("token_id") ?? "")
      return book === undefined ? json({ error: "market not found" }, 404) : json({ minimum_tick_size: Number(book.tickSize) })
    }
    if (r.path === "/fee-rate") return json({ base_fee: "300" })
    const clob = /^\/markets\/(0x[0-9a-fA-F]+)$/.exec(r.path)
    if (clob) {
      const m = this.clobMarkets.get(clob[1]!)
      return m === undefined ? json({ error: "market not found" }, 404) : json(m)
    }
    return undefined
  }

  /** CLOB markets (`GET /markets/{condition_id}`) by condition id, in the recorded closed-market shape */
  readonly clobMarkets = new Map<string, Record<string, unknown>>()

  /** Lists a CLOB market with its tokens, open (no winner yet). */
  listClobMarket(conditionId: string, tokens: ReadonlyArray<{ readonly tokenId: string; readonly outcome: string }>): void {
    const base = fixture("polymarket-clob-market-closed.json") as Record<string, unknown>
    this.clobMarkets.set(conditionId, {
      ...base,
      condition_id: conditionId,
      closed: false,
      tokens: tokens.map((t) => ({ token_id: t.tokenId, outcome: t.outcome, price: 0.5, winner: false }))
    })
  }

  /**
   * Resolves a listed CLOB market as the venue does: `closed`, the winner's `winner: true` and
   * price 1 (the others 0), or with no winner each token at `split` (a 50/50). With `announce`, a
   * `market_resolved` (the recorded shape) goes to the market's subscribers.
   */
  resolve(conditionId: string, outcome: { readonly winner: string } | { readonly split: number }, announce = false): void {
    const m = this.clobMarkets.get(conditionId)!
    const tokens = (m["tokens"] as Array<Record<string, unknown>>).map((t): Record<string, unknown> =>
      "winner" in outcome ? { ...t, winner: t["token_id"] === outcome.winner, price: t["token_id"] === outcome.winner ? 1 : 0 } : { ...t, winner: false, price: outcome.split }
    )
    this.clobMarkets.set(conditionId, { ...m, closed: true, tokens })
    if (!announce) return
    const resolved = fixture("polymarket-ws-market-resolved.json") as Record<string, unknown>
    const assets = tokens.map((t) => t["token_id"] as string)
    const winner = "winner" in outcome ? outcome.winner : null
    const message = { ...resolved, market: conditionId, assets_ids: assets, winning_asset_id: winner, winning_outcome: winner === null ? null : tokens.find((t) => t["token_id"] === winner)!["outcome"] }
    const sockets = new Set(assets.flatMap((a) => this.subscribersOf(a)))
    for (const ws of sockets) this.send(ws, message)
  }

  /** A `book` message (WS) or `/book` body (REST) from the venue's state: bids ascending, asks descending. */
  bookMessage(asset: string, ws = true): Record<string, unknown> {
    const book = this.books.get(asset)!
    if (book.recorded !== undefined) {
      const { event_type, ...rest } = book.recorded
      return ws ? book.recorded : this.restFields(rest, book)
    }
    const body = {
      market: book.market,
      asset_id: asset,
      timestamp: "1790658700000",
      hash: "0000000000000000000000000000000000000000",
      bids: [...book.bids].sort((a, b) => a[0] - b[0]).map(([p, s]) => ({ price: text(p), size: text(s) })),
      asks: [...book.asks].sort((a, b) => b[0] - a[0]).map(([p, s]) => ({ price: text(p), size: text(s) })),
      tick_size: book.tickSize
    }
    return ws ? { ...body, event_type: "book", min_order_size: "5", last_trade_price: "" } : this.restFields(body, book)
  }

  /**
   * REST `/book` always carries `min_order_size`, `tick_size`, `neg_risk` and `last_trade_price`,
   * which is `null` before the first trade (PROTOCOLS §5.1; the official client requires them).
   */
  private restFields(body: Record<string, unknown>, book: ServerBook): Record<string, unknown> {
    const last = body["last_trade_price"]
    return {
      ...body,
      hash: body["hash"] ?? "0000000000000000000000000000000000000000",
      min_order_size: body["min_order_size"] || "5",
      tick_size: body["tick_size"] || book.tickSize,
      neg_risk: body["neg_risk"] ?? false,
      last_trade_price: typeof last === "string" && last !== "" ? last : null
    }
  }

  // -------------------------------------------------------------------------
  // WebSocket
  // -------------------------------------------------------------------------

  protected onConnection(ws: WebSocket): void {
    this.subscribed.set(ws, new Set())
    ws.on("close", () => this.subscribed.delete(ws))
    ws.on("message", (data) => {
      const message = String(data)
      this.received.push(message)
      if (message === "PING") {
        this.pings++
        if ((this.subscribed.get(ws)?.size ?? 0) === 0) {
          this.pingsBeforeSubscribe++
          ws.close(1008, "invalid subscription payload")
          return
        }
        if (!this.stalled) this.send(ws, "PONG")
        return
      }
      let request: { assets_ids?: Array<string>; type?: string; operation?: string }
      try {
        request = JSON.parse(message) as typeof request
      } catch {
        ws.close(1008, "invalid subscription payload")
        return
      }
      const assets = request.assets_ids ?? []
      const mine = this.subscribed.get(ws)!
      if (request.operation === "unsubscribe") {
        for (const a of assets) mine.delete(a)
        return
      }
      const room = Math.max(0, (this.options.maxAssets ?? 500) - mine.size)
      const accepted = assets.filter((a) => !mine.has(a)).slice(0, room)
      for (const a of assets) mine.add(a)
      if (this.stalled) return
      // Beyond the per-connection limit the venue sends no snapshots
      const snapshots = accepted.filter((a) => this.books.has(a)).map((a) => this.bookMessage(a))
      if (snapshots.length > 0) {
        this.snapshotsSent += snapshots.length
        this.send(ws, snapshots)
      }
      if (accepted.includes(STREAM_ASSET)) this.replayStream(ws)
    })
  }

  /** The two recorded `price_change` messages after the recorded `book` (the book came with the snapshots). */
  private replayStream(ws: WebSocket): void {
    const [, ...changes] = fixture("polymarket-ws-market-stream-2026-head.json") as Array<Record<string, any>>
    for (const change of changes) {
      for (const c of change["price_changes"] as Array<{ asset_id: string; price: string; size: string; side: string }>) {
        const book = this.books.get(c.asset_id)!
        this.setLevel(book, c.side === "BUY" ? "bids" : "asks", parseScaled(c.price)!, parseScaled(c.size)!)
      }
      this.send(ws, change)
    }
  }

  private setLevel(book: ServerBook, side: "bids" | "asks", price: number, size: number): void {
    book.recorded = undefined
    if (size === 0) book[side].delete(price)
    else book[side].set(price, size)
  }

  /** The venue's best bid/ask; an empty side is `""`, as the real venue writes it (PROTOCOLS §5.1). */
  private best(book: ServerBook): { bid: string; ask: string } {
    const bids = [...book.bids.keys()]
    const asks = [...book.asks.keys()]
    return { bid: bids.length === 0 ? "" : text(Math.max(...bids)), ask: asks.length === 0 ? "" : text(Math.min(...asks)) }
  }

  private subscribersOf(asset: string): Array<WebSocket> {
    return [...this.subscribed].filter(([, assets]) => assets.has(asset)).map(([ws]) => ws)
  }

  /**
   * Changes a level to an absolute size and streams the `price_change` (current schema) with the
   * venue's best bid/ask after it, or `wrongBest` to break the invariant.
   */
  priceChange(asset: string, side: "BUY" | "SELL", price: string, size: string, options: PriceChangeOptions = {}): void {
    const book = this.books.get(asset)!
    this.setLevel(book, side === "BUY" ? "bids" : "asks", parseScaled(price)!, parseScaled(size)!)
    if (this.stalled) return
    if (this.lossRate > 0 && this.nextRandom() < this.lossRate) {
      this.lost++
      return
    }
    const best = options.wrongBest ?? this.best(book)
    const entry: Record<string, unknown> = {
      asset_id: asset,
      price,
      size,
      side: options.lowercaseSide === true ? side.toLowerCase() : side,
      hash: options.nullHash === true ? null : "1111111111111111111111111111111111111111",
      best_bid: best.bid,
      best_ask: best.ask
    }
    if (options.omitSize === true) delete entry["size"]
    const message: Record<string, unknown> = { market: book.market, price_changes: [entry], timestamp: options.timestamp ?? "1790658700000", event_type: "price_change" }
    if (options.omitTimestamp === true) delete message["timestamp"]
    for (const ws of this.subscribersOf(asset)) this.send(ws, message)
  }

  /** The venue's levels of one side, best first, as `[price, size]` in micros (what a client's book must show). */
  levels(asset: string, side: "bids" | "asks"): Array<[number, number]> {
    return [...this.books.get(asset)![side]].sort((a, b) => (side === "bids" ? b[0] - a[0] : a[0] - b[0]))
  }

  /** Any message to the asset's subscribers (the rare event types and edge shapes). */
  sendTo(asset: string, message: unknown): void {
    for (const ws of this.subscribersOf(asset)) this.send(ws, message)
  }

  /** A tick-size change (the recorded shape), optionally followed later by `sendBook`. */
  tickSizeChange(asset: string, newTick: string, options: { readonly withoutOld?: boolean } = {}): void {
    const book = this.books.get(asset)!
    const old = book.tickSize
    book.tickSize = newTick
    book.recorded = undefined
    const message: Record<string, unknown> = { event_type: "tick_size_change", asset_id: asset, market: book.market, old_tick_size: old, new_tick_size: newTick, timestamp: "1790658700001" }
    if (options.withoutOld === true) delete message["old_tick_size"]
    for (const ws of this.subscribersOf(asset)) this.send(ws, message)
  }

  /** Replaces an asset's book (dollar strings) and sends the fresh snapshot to its subscribers. */
  setBook(asset: string, market: string, bids: ReadonlyArray<readonly [string, string]>, asks: ReadonlyArray<readonly [string, string]>): void {
    const side = (rows: ReadonlyArray<readonly [string, string]>) => new Map(rows.map(([p, q]) => [parseScaled(p)!, parseScaled(q)!] as const))
    this.books.set(asset, { market, bids: side(bids), asks: side(asks), tickSize: "0.01", recorded: undefined })
    if (!this.stalled) this.sendBook(asset)
  }

  /** A fresh `book` snapshot to the asset's subscribers (as after a trade). */
  sendBook(asset: string): void {
    for (const ws of this.subscribersOf(asset)) {
      this.snapshotsSent++
      this.send(ws, this.bookMessage(asset))
    }
  }

  /**
   * A trade print (`last_trade_price`); `blankSize` sends `""` for `size` and `fee_rate_bps`, as
   * the venue does when it has none (PROTOCOLS §5.1).
   */
  lastTradePrice(asset: string, price: string, size: string, options: { readonly side?: "BUY" | "SELL"; readonly blankSize?: boolean } = {}): void {
    const book = this.books.get(asset)!
    this.sendTo(asset, {
      asset_id: asset,
      event_type: "last_trade_price",
      fee_rate_bps: options.blankSize === true ? "" : "0",
      market: book.market,
      price,
      side: options.side ?? "BUY",
      size: options.blankSize === true ? "" : size,
      timestamp: "1790658700002",
      transaction_hash: "0xdfcc917bc39862f94f76f4d17224f87026c4d2c1b1b211a1e6e479059c59a5e9"
    })
  }

  /** The venue's best bid/ask for an asset (`""` for an empty side), as `custom_feature_enabled` sends it. */
  bestBidAsk(asset: string): void {
    const book = this.books.get(asset)!
    const best = this.best(book)
    const spread = best.bid === "" || best.ask === "" ? "" : text(parseScaled(best.ask)! - parseScaled(best.bid)!)
    this.sendTo(asset, { event_type: "best_bid_ask", market: book.market, asset_id: asset, best_bid: best.bid, best_ask: best.ask, spread, timestamp: "1790658700003" })
  }

  /** A market resolution for the asset's market; `winner` undefined sends it without the winner fields. */
  marketResolved(asset: string, winner: string | undefined): void {
    const book = this.books.get(asset)!
    const assets = [...this.books].filter(([, b]) => b.market === book.market).map(([a]) => a)
    const message: Record<string, unknown> = { event_type: "market_resolved", id: "1031769", market: book.market, assets_ids: assets, timestamp: "1790658700004", tags: ["sports"] }
    if (winner !== undefined) Object.assign(message, { winning_asset_id: winner, winning_outcome: winner === asset ? "Yes" : "No" })
    this.sendTo(asset, message)
  }

  /** A `new_market` announcement (the recorded shape), to the asset's subscribers. */
  newMarket(asset: string): void {
    this.sendTo(asset, fixture("polymarket-ws-new-market.json"))
  }

  /** Raw text to every socket (malformed frames). */
  sendRaw(raw: string): void {
    for (const ws of this.sockets) this.send(ws, raw)
  }
}
