/**
 * A fake Kalshi that speaks the Trade API v2 protocol over real HTTP and WebSocket on 127.0.0.1.
 *
 * REST (`/trade-api/v2`): series (with fee parameters), events (cursor-paged, optionally with
 * nested markets), markets (cursor-paged), order books, and the batch order-book endpoint (signed
 * requests only; a comma-joined `tickers` returns empty books, as the real one does). Every body
 * has the fields the official SDK's models require (`KalshiContract.test.ts`); one legacy-cents
 * market shows the old shape.
 *
 * WebSocket (`/trade-api/ws/v2`): the handshake must carry a valid RSA-PSS signature (verified with
 * the public key); `subscribe`, `update_subscription` (add/delete markets) and `unsubscribe`;
 * `orderbook_snapshot` then `orderbook_delta` with a per-`sid` `seq`; `ticker` and `trade`
 * channels replay the recorded fixtures; ping frames as heartbeats.
 *
 * Scenarios are scripted by tests: sequence gaps, silent stalls (no data and no pings, socket
 * open), dropped connections, malformed frames and 429s.
 */
import type { KeyObject } from "node:crypto"
import { readFileSync } from "node:fs"
import type { IncomingMessage } from "node:http"
import type { WebSocket } from "ws"
import { signingMessage, verifySignature } from "../../src/services/kalshi/KalshiAuth.ts"
import { formatScaled, parseScaled } from "../../src/schema/Money.ts"
import { KalshiOrderDesk } from "./FakeKalshiOrders.ts"
import { FakeVenue, type FakeRequest, type FakeResponse, json } from "./FakeVenue.ts"

const FIXTURES = "/work/shared/fixtures"
const fixture = (name: string): unknown => JSON.parse(readFileSync(`${FIXTURES}/${name}`, "utf8"))
const fixtureLines = (name: string): Array<Record<string, unknown>> =>
  readFileSync(`${FIXTURES}/${name}`, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>)

const REST = "/trade-api/v2"
const WS = "/trade-api/ws/v2"

type Side = "yes" | "no"
type Book = Record<Side, Map<number, number>>

const dollars = (micros: number) => formatScaled(micros, 6, 4)
const count = (micros: number) => formatScaled(micros, 6, 2)
const levels = (side: Map<number, number>) => [...side].sort((a, b) => a[0] - b[0]).map(([p, q]) => [dollars(p), count(q)])
/** A WebSocket snapshot side: `null` when empty. */
const wsLevels = (side: Map<number, number>) => (side.size === 0 ? null : levels(side))

/**
 * The recorded market, with the two numbers its capture shows as strings (`settlement_timer_seconds`,
 * `floor_strike`; SOURCES.md says that capture looks hand-edited) typed as the official SDK's
 * `Market` model declares them. `KalshiContract.test.ts` holds every route to the SDK's models.
 */
const recordedMarket = (): Record<string, unknown> => {
  const base = (fixture("kalshi-market-KXGDPSHAREMANU-29-2026-04.json") as { market: Record<string, unknown> }).market
  return { ...base, settlement_timer_seconds: Number(base["settlement_timer_seconds"]), floor_strike: Number(base["floor_strike"]) }
}

/** A market in the current (fixed-point) shape, built on the recorded market fixture. */
const market = (ticker: string, eventTicker: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...recordedMarket(),
  ticker,
  event_ticker: eventTicker,
  price_level_structure: "linear_cent",
  price_ranges: [{ start: "0.0000", end: "1.0000", step: "0.0100" }],
  ...overrides
})

/** A series with the fields the SDK's `Series` requires. */
const series = (ticker: string, title: string, tags: Array<string> | null, feeType: string, feeMultiplier: number): Record<string, unknown> => ({
  ticker,
  title,
  category: "Sports",
  categories: ["Sports"],
  frequency: "custom",
  tags,
  settlement_sources: [{ name: "ESPN", url: "https://www.espn.com/" }],
  contract_url: `https://kalshi.com/contracts/${ticker.toLowerCase()}`,
  contract_terms_url: "https://kalshi.com/regulatory/rulebook",
  additional_prohibitions: [],
  fee_type: feeType,
  fee_multiplier: feeMultiplier
})

interface Subscription {
  readonly sid: number
  readonly channel: string
  readonly tickers: Set<string>
  seq: number
  readonly ws: WebSocket
}

export interface FakeKalshiOptions {
  /** Verify signatures with this key (REST batch books and the WS handshake) */
  readonly publicKey?: KeyObject | undefined
  /** Items per page of `/events` and `/markets`, to exercise paging */
  readonly pageSize?: number | undefined
  /** Heartbeat ping interval; 0 disables */
  readonly pingMillis?: number | undefined
  /** `ok` replies take a `seq` of their own (else they echo the current one) */
  readonly repliesTakeSeq?: boolean | undefined
  /** Mount order entry and the private channels (`FakeKalshiOrders.ts`) */
  readonly orders?: boolean | undefined
}

export class FakeKalshi extends FakeVenue {
  readonly options: FakeKalshiOptions
  readonly series = new Map<string, Record<string, unknown>>()
  readonly events: Array<Record<string, unknown>> = []
  readonly markets: Array<Record<string, unknown>> = []
  readonly books = new Map<string, Book>()
  readonly subscriptions = new Map<number, Subscription>()
  /** Commands received over the WebSocket, in order */
  readonly commands: Array<{ readonly cmd: string; readonly params: Record<string, unknown> }> = []
  snapshotsSent = 0
  /** While true, the server sends nothing at all (no data, no pings) but keeps sockets open */
  stalled = false
  private nextSid = 1
  private pingTimer: ReturnType<typeof setInterval> | undefined

  /** Order entry, when mounted */
  readonly desk: KalshiOrderDesk | undefined

  constructor(options: FakeKalshiOptions = {}) {
    super()
    this.options = options
    this.seed()
    this.desk = options.orders === true ? new KalshiOrderDesk() : undefined
    if (this.desk !== undefined) {
      this.desk.push = (channel, type, msg) => {
        for (const sub of this.subscriptions.values()) {
          if (sub.channel === channel) this.send(sub.ws, { type, sid: sub.sid, msg })
        }
      }
    }
  }

  protected wsPath(): string {
    return WS
  }

  /** Seeds the venue from the recorded fixtures. */
  private seed(): void {
    this.series.set("KXMLBGAME", series("KXMLBGAME", "MLB Game", ["Baseball"], "quadratic_with_maker_fees", 0.5))
    this.series.set("KXNBAGAME", series("KXNBAGAME", "NBA Game", null, "quadratic_with_maker_fees", 1))
    this.series.set("KXMYSTERY", series("KXMYSTERY", "Unknown fees", [], "flat", 1))
    for (const [event, teams, series, override] of [
      ["KXMLBGAME-26OCT072000TBNYY", ["TB", "NYY"], "KXMLBGAME", undefined],
      ["KXMLBGAME-26OCT082000HOUSEA", ["HOU", "SEA"], "KXMLBGAME", 1],
      ["KXNBAGAME-26OCT21LALGSW", ["LAL", "GSW"], "KXNBAGAME", undefined]
    ] as const) {
      const markets = teams.map((t) => market(`${event}-${t}`, event, { title: `${teams[0]} at ${teams[1]}: ${t} wins?`, yes_sub_title: t, no_sub_title: t }))
      this.markets.push(...markets)
      this.events.push({
        event_ticker: event,
        series_ticker: series,
        title: `${teams[0]} at ${teams[1]}`,
        sub_title: "Game",
        category: "Sports",
        collateral_return_type: "binary",
        settlement_sources: [{ name: "ESPN", url: "https://www.espn.com/" }],
        mutually_exclusive: true,
        strike_date: null,
        fee_type_override: null,
        fee_multiplier_override: override ?? null,
        markets
      })
    }
    // The recorded market, and one in the legacy integer-cent shape (gone since Oct 2026, still read)
    this.markets.push(recordedMarket())
    this.markets.push({ ticker: "KXLEGACY-24DEC31-A", event_ticker: "KXLEGACY-24DEC31", status: "active", yes_bid: 42, yes_ask: 44, no_bid: 56, no_ask: 58, last_price: 43, volume: 1200, open_interest: 300 })

    // Books: the docs example for one game market, the AsyncAPI snapshot for its FED market
    const docs = fixture("kalshi-orderbook-fp-docs-example.json") as { orderbook_fp: Record<string, Array<[string, string]>> }
    this.setBook("KXMLBGAME-26OCT072000TBNYY-TB", docs.orderbook_fp["yes_dollars"]!, docs.orderbook_fp["no_dollars"]!)
    const asyncapi = fixtureLines("kalshi-ws-orderbook-fp-asyncapi-example.jsonl")[0]!["msg"] as Record<string, Array<[string, string]>>
    this.setBook("FED-23DEC-T3.00", asyncapi["yes_dollars_fp"]!, asyncapi["no_dollars_fp"]!)
    // The market of the recorded legacy delta (NO 0.51 −1): give it a level to take from
    this.setBook("KXMLBGAME-25AUG12SDSF-SD", [["0.4700", "10.00"]], [["0.5100", "5.00"]])
  }

  /**
   * Closes and settles a market as the venue does: `status` becomes `finalized` and `result` is
   * set (`yes`, `no`, `void`, or `scalar` with a YES settlement value); a market not listed yet is
   * added in the current shape. `status: "closed"` (result still empty) shows the wait in between.
   */
  settle(ticker: string, result: "yes" | "no" | "void" | "scalar" | "", options: { readonly status?: string; readonly settlementValue?: string } = {}): void {
    let x = this.markets.find((m) => m["ticker"] === ticker)
    if (x === undefined) {
      x = market(ticker, ticker.split("-").slice(0, 2).join("-"))
      this.markets.push(x)
    }
    x["status"] = options.status ?? (result === "" ? "closed" : "finalized")
    x["result"] = result
    if (options.settlementValue !== undefined) x["settlement_value_dollars"] = options.settlementValue
  }

  /** Replaces a market's book (dollar strings), as the venue's state. */
  setBook(ticker: string, yes: ReadonlyArray<readonly [string, string]>, no: ReadonlyArray<readonly [string, string]>): void {
    const side = (rows: ReadonlyArray<readonly [string, string]>) => new Map(rows.map(([p, q]) => [parseScaled(p)!, parseScaled(q)!] as const))
    this.books.set(ticker, { yes: side(yes), no: side(no) })
  }

  book(ticker: string): Book {
    let book = this.books.get(ticker)
    if (book === undefined) {
      book = { yes: new Map(), no: new Map() }
      this.books.set(ticker, book)
    }
    return book
  }

  // -------------------------------------------------------------------------
  // REST
  // -------------------------------------------------------------------------

  protected route(r: FakeRequest): FakeResponse | undefined {
    if (!r.path.startsWith(REST)) return undefined
    const path = r.path.slice(REST.length)
    const page = <A>(items: ReadonlyArray<A>) => {
      const size = Math.min(Number(r.query.get("limit") ?? "100"), this.options.pageSize ?? 1_000)
      const start = Number(r.query.get("cursor") || "0")
      const next = start + size
      return { items: items.slice(start, next), cursor: next < items.length ? String(next) : "" }
    }
    if (path.startsWith("/portfolio") && this.desk !== undefined) {
      if (!this.verifyRest(r)) return json({ error: { code: "unauthorized", message: "authentication required" } }, 401)
      return this.desk.route(r, path)
    }
    if (path === "/series") return json({ series: [...this.series.values()] })
    let m = /^\/series\/([^/]+)$/.exec(path)
    if (m) {
      const s = this.series.get(decodeURIComponent(m[1]!))
      return s === undefined ? json({ error: { code: "not_found", message: "series not found" } }, 404) : json({ series: s })
    }
    if (path === "/events") {
      const series = r.query.get("series_ticker")
      const nested = r.query.get("with_nested_markets") === "true"
      const events = this.events.filter((e) => series === null || e["series_ticker"] === series).map((e) => (nested ? e : { ...e, markets: undefined }))
      const { cursor, items } = page(events)
      return json({ events: items, cursor })
    }
    m = /^\/events\/([^/]+)$/.exec(path)
    if (m) {
      const e = this.events.find((x) => x["event_ticker"] === decodeURIComponent(m![1]!))
      if (e === undefined) return json({ error: { code: "not_found", message: "event not found" } }, 404)
      return r.query.get("with_nested_markets") === "true" ? json({ event: e }) : json({ event: { ...e, markets: undefined }, markets: e["markets"] })
    }
    if (path === "/markets/orderbooks") {
      if (!this.verifyRest(r)) return json({ error: { code: "unauthorized", message: "authentication required" } }, 401)
      const tickers = r.query.getAll("tickers")
      // A comma-joined list is one unknown ticker: empty books, as the real endpoint does
      return json({ orderbooks: tickers.map((t) => ({ ticker: t, orderbook_fp: this.restBook(t) })) })
    }
    if (path === "/markets") {
      const event = r.query.get("event_ticker")
      const series = r.query.get("series_ticker")
      const markets = this.markets.filter((x) =>
        (event === null || x["event_ticker"] === event) && (series === null || String(x["event_ticker"]).startsWith(`${series}-`))
      )
      const { cursor, items } = page(markets)
      return json({ markets: items, cursor })
    }
    m = /^\/markets\/([^/]+)\/orderbook$/.exec(path)
    if (m) return json({ orderbook_fp: this.restBook(decodeURIComponent(m[1]!)) })
    m = /^\/markets\/([^/]+)$/.exec(path)
    if (m) {
      const x = this.markets.find((y) => y["ticker"] === decodeURIComponent(m![1]!))
      return x === undefined ? json({ error: { code: "not_found", message: "market not found" } }, 404) : json({ market: x })
    }
    return undefined
  }

  /** An unknown ticker is an empty book with 200, as on the real API. */
  private restBook(ticker: string) {
    const book = this.books.get(ticker)
    return book === undefined ? { yes_dollars: [], no_dollars: [] } : { yes_dollars: levels(book.yes), no_dollars: levels(book.no) }
  }

  private verify(headers: IncomingMessage["headers"], method: string, path: string): boolean {
    const key = this.options.publicKey
    if (key === undefined) return true
    const ts = headers["kalshi-access-timestamp"]
    const signature = headers["kalshi-access-signature"]
    if (typeof ts !== "string" || typeof signature !== "string" || typeof headers["kalshi-access-key"] !== "string") return false
    return verifySignature(key, signingMessage(Number(ts), method, path), signature)
  }

  private verifyRest(r: FakeRequest): boolean {
    return this.verify(r.headers, r.method, r.path)
  }

  // -------------------------------------------------------------------------
  // WebSocket
  // -------------------------------------------------------------------------

  protected override authorizeUpgrade(request: IncomingMessage): true | string {
    return this.verify(request.headers, "GET", WS) ? true : "401 Unauthorized"
  }

  protected onConnection(ws: WebSocket): void {
    if (this.pingTimer === undefined && (this.options.pingMillis ?? 0) > 0) {
      this.pingTimer = setInterval(() => {
        if (this.stalled) return
        for (const s of this.sockets) if (s.readyState === s.OPEN) s.ping("heartbeat")
      }, this.options.pingMillis)
    }
    ws.on("message", (data) => {
      if (this.stalled) return
      let command: { id?: number; cmd?: string; params?: Record<string, unknown> }
      try {
        command = JSON.parse(String(data)) as typeof command
      } catch {
        this.send(ws, { id: null, type: "error", msg: { code: 1, msg: "Unable to process message" } })
        return
      }
      this.commands.push({ cmd: command.cmd ?? "", params: command.params ?? {} })
      this.command(ws, command.id ?? 0, command.cmd ?? "", command.params ?? {})
    })
    ws.on("close", () => {
      for (const [sid, sub] of this.subscriptions) if (sub.ws === ws) this.subscriptions.delete(sid)
    })
  }

  protected override onClose(): void {
    if (this.pingTimer !== undefined) clearInterval(this.pingTimer)
  }

  private command(ws: WebSocket, id: number, cmd: string, params: Record<string, unknown>): void {
    const tickers = (params["market_tickers"] as Array<string> | undefined) ?? (params["market_ticker"] === undefined ? [] : [params["market_ticker"] as string])
    if (cmd === "subscribe") {
      for (const channel of (params["channels"] as Array<string> | undefined) ?? []) {
        const privateChannel = this.desk !== undefined && (channel === "fill" || channel === "user_orders")
        if (!privateChannel && !["orderbook_delta", "ticker", "trade"].includes(channel)) {
          this.send(ws, { id, type: "error", msg: { code: 8, msg: "Unknown channel name" } })
          continue
        }
        const sid = this.nextSid++
        const sub: Subscription = { sid, channel, tickers: new Set(tickers), seq: 0, ws }
        this.subscriptions.set(sid, sub)
        this.send(ws, { id, type: "subscribed", msg: { channel, sid } })
        if (channel === "orderbook_delta") for (const t of tickers) this.snapshot(sub, t)
        else if (!privateChannel) this.replayChannel(sub)
      }
    } else if (cmd === "update_subscription") {
      const sid = (params["sids"] as Array<number> | undefined)?.[0] ?? (params["sid"] as number | undefined)
      const sub = sid === undefined ? undefined : this.subscriptions.get(sid)
      if (sub === undefined) {
        this.send(ws, { id, type: "error", msg: { code: 7, msg: "Unknown subscription ID" } })
        return
      }
      if (params["action"] === "add_markets") {
        for (const t of tickers) {
          sub.tickers.add(t)
          if (sub.channel === "orderbook_delta") this.snapshot(sub, t)
        }
      } else {
        for (const t of tickers) sub.tickers.delete(t)
      }
      // Whether a reply takes a seq of its own is unverified (PROTOCOLS §5.3): the fake does either
      if (this.options.repliesTakeSeq === true) sub.seq++
      this.send(ws, { id, type: "ok", sid, seq: sub.seq, market_tickers: [...sub.tickers] })
    } else if (cmd === "unsubscribe") {
      for (const sid of (params["sids"] as Array<number> | undefined) ?? []) {
        this.subscriptions.delete(sid)
        this.send(ws, { id, sid, type: "unsubscribed" })
      }
    } else {
      this.send(ws, { id, type: "error", msg: { code: 5, msg: "Unknown command" } })
    }
  }

  private snapshot(sub: Subscription, ticker: string): void {
    const book = this.book(ticker)
    sub.seq++
    this.snapshotsSent++
    this.send(sub.ws, {
      type: "orderbook_snapshot",
      sid: sub.sid,
      seq: sub.seq,
      // An empty side is `null`, as the official SDK's schema allows
      msg: { market_ticker: ticker, market_id: "9b0f6b43-5b68-4f9f-9f02-9a2d1b8ac1a1", yes_dollars_fp: wsLevels(book.yes), no_dollars_fp: wsLevels(book.no) }
    })
  }

  /** The recorded `ticker` / `trade` messages, re-addressed to this subscription's sid and seq. */
  private replayChannel(sub: Subscription): void {
    const lines = fixtureLines(sub.channel === "ticker" ? "kalshi-ws-ticker-2026-02.jsonl" : "kalshi-ws-trade-2026-02.jsonl")
    for (const line of lines) {
      const message: Record<string, unknown> = { ...line, sid: sub.sid }
      if (sub.channel === "trade") message["seq"] = ++sub.seq
      this.send(sub.ws, message)
    }
  }

  /** Subscriptions to the order book of `ticker`. */
  private bookSubs(ticker: string): Array<Subscription> {
    return [...this.subscriptions.values()].filter((s) => s.channel === "orderbook_delta" && s.tickers.has(ticker))
  }

  /**
   * Changes the venue's book by a signed increment and streams the `orderbook_delta`. With `gap`,
   * one `seq` is skipped first (the message in between is "lost").
   */
  delta(ticker: string, side: Side, priceDollars: string, deltaContracts: string, options: { readonly gap?: boolean } = {}): void {
    const price = parseScaled(priceDollars)!
    const delta = parseScaled(deltaContracts)!
    const levelsOf = this.book(ticker)[side]
    const next = (levelsOf.get(price) ?? 0) + delta
    if (next <= 0) levelsOf.delete(price)
    else levelsOf.set(price, next)
    if (this.stalled) return
    for (const sub of this.bookSubs(ticker)) {
      sub.seq += options.gap === true ? 2 : 1
      this.send(sub.ws, {
        type: "orderbook_delta",
        sid: sub.sid,
        seq: sub.seq,
        msg: { market_ticker: ticker, market_id: "9b0f6b43-5b68-4f9f-9f02-9a2d1b8ac1a1", price_dollars: formatScaled(price, 6, 4), delta_fp: formatScaled(delta, 6, 2), side, ts_ms: 1_770_897_976_000 }
      })
    }
  }

  /** Streams the recorded legacy delta (cents, integer `delta`) to subscribers of its market. */
  replayLegacyDelta(): void {
    const line = fixture("kalshi-ws-orderbook-delta-legacy-2025-08-KXMLBGAME.json") as { msg: { market_ticker: string; price: number; delta: number; side: Side } }
    const book = this.book(line.msg.market_ticker)[line.msg.side]
    const price = line.msg.price * 10_000
    book.set(price, (book.get(price) ?? 0) + line.msg.delta * 1_000_000)
    for (const sub of this.bookSubs(line.msg.market_ticker)) {
      sub.seq++
      this.send(sub.ws, { ...line, sid: sub.sid, seq: sub.seq })
    }
  }

  /** Sends raw text to every open socket (malformed frames). */
  sendRaw(text: string): void {
    for (const ws of this.sockets) this.send(ws, text)
  }
}
