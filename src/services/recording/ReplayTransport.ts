/**
 * The transports of a replay: an `HttpClient` and a `WebSocketConstructor` that answer from a
 * recording, at the time the `Clock` says. The clients, decoders, feeds and books above them are
 * the real ones and cannot tell.
 *
 * - **HTTP.** A request is answered with the latest recorded response to the same URL received at
 *   or before now (before its first recording, with the first). ESPN's scoreboard date window is
 *   computed from the clock, so when no response matches exactly, one for the same path with the
 *   other parameters equal is used. Anything never recorded is a 404.
 * - **WebSocket.** Each connection is a small recorded venue: it answers the client's
 *   subscriptions itself (Kalshi `subscribe`/`update_subscription`/`unsubscribe` with fresh
 *   `sid`s and `seq`s; Polymarket `assets_ids`, `PING`→`PONG`), and streams each subscribed
 *   market's recorded frames: on subscribing, the latest recorded snapshot and the changes since
 *   (the book as it stood), then every later frame when the clock reaches its receive time.
 *   Recorded Kalshi ping frames become ping events; after the recording's last ping the connection
 *   keeps that heartbeat (the venue does not go silent because the recorder stopped), so a replay
 *   that runs on past the recording for settlement does not see a dead feed. A silence inside the
 *   recording stays a silence. Frames are re-addressed to the replay's own subscription ids, so
 *   the book protocol checks run unchanged.
 * - **Disconnects.** A recorded `close` of a venue's connection followed by a later `open` of that
 *   venue is an outage: when the clock reaches the close, every open replayed connection to the
 *   venue closes (code 1006), and connecting to it is refused until the recorded `open`. The
 *   client's own reconnect and resubscription (with a fresh snapshot) then run as they would live.
 *   A last `close` with no `open` after it is the recorder stopping, not the venue: ignored.
 *
 * Time never moves here: the replay driver asks {@link ReplayWorld.nextTime} and calls
 * {@link ReplayWorld.deliverUntil} as it moves the clock.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { HttpClient, HttpClientResponse } from "effect/http"
import type * as Socket from "effect/socket/Socket"
import { type Entry, type HttpEntry, safeParse } from "./Format.ts"

type Venue = "kalshi" | "polymarket"

interface Frame {
  readonly t: number
  /** Global order in the recording, the tie-break for equal times */
  readonly n: number
  readonly snapshot: boolean
  readonly value: Record<string, unknown>
}

const venueOf = (url: string): Venue | undefined =>
  /kalshi/i.test(url) ? "kalshi" : /polymarket|ws\/market/i.test(url) ? "polymarket" : undefined

/** Splits a recorded frame into per-instrument frames. */
const instrumentFrames = (venue: Venue, value: unknown): Array<{ readonly id: string; readonly snapshot: boolean; readonly value: Record<string, unknown> }> => {
  if (Array.isArray(value)) return value.flatMap((v) => instrumentFrames(venue, v))
  if (typeof value !== "object" || value === null) return []
  const v = value as Record<string, any>
  if (venue === "kalshi") {
    const ticker = v["msg"]?.["market_ticker"]
    if (typeof ticker !== "string") return []
    if (v["type"] === "orderbook_snapshot") return [{ id: ticker, snapshot: true, value: v }]
    if (v["type"] === "orderbook_delta") return [{ id: ticker, snapshot: false, value: v }]
    return []
  }
  const type = v["event_type"]
  if (type === "book" && typeof v["asset_id"] === "string") return [{ id: v["asset_id"], snapshot: true, value: v }]
  if (type === "price_change" && Array.isArray(v["price_changes"])) {
    const by = new Map<string, Array<unknown>>()
    for (const c of v["price_changes"] as Array<Record<string, unknown>>) {
      if (typeof c["asset_id"] !== "string") continue
      const list = by.get(c["asset_id"]) ?? []
      list.push(c)
      by.set(c["asset_id"], list)
    }
    return [...by].map(([id, changes]) => ({ id, snapshot: false, value: { ...v, price_changes: changes } }))
  }
  if (typeof v["asset_id"] === "string" && (type === "price_change" || type === "tick_size_change" || type === "last_trade_price" || type === "best_bid_ask")) {
    return [{ id: v["asset_id"], snapshot: false, value: v }]
  }
  return []
}


/** What a replay served, for the report. @category models */
export interface ReplayCounts {
  http: number
  httpMissing: number
  frames: number
  connections: number
  /** Connections closed by a recorded outage, and connection attempts refused during one */
  disconnects: number
  refused: number
}

/** A venue's recorded outage: from its connection's close to its next open (epoch ms). @category models */
export interface Outage {
  readonly venue: Venue
  readonly from: number
  readonly to: number
}

/** @category replay */
export class ReplayWorld {
  readonly counts: ReplayCounts = { http: 0, httpMissing: 0, frames: 0, connections: 0, disconnects: 0, refused: 0 }
  /** The recorded outages, by start */
  readonly outages: ReadonlyArray<Outage>
  /** Outages already applied (their connections closed) */
  private outagesDone = 0
  /** Some requests the recording could not answer (for diagnosis) */
  readonly missing = new Set<string>()
  private readonly http = new Map<string, Array<HttpEntry>>()
  private readonly httpLoose = new Map<string, Array<HttpEntry>>()
  private readonly frames: Record<Venue, Map<string, Array<Frame>>> = { kalshi: new Map(), polymarket: new Map() }
  private readonly pings: Array<number> = []
  private readonly sockets = new Set<ReplaySocket>()
  private readonly now: () => number

  constructor(entries: ReadonlyArray<Entry>, now: () => number) {
    this.now = now
    const urls = new Map<number, Venue | undefined>()
    const closes: Array<{ readonly venue: Venue; readonly t: number }> = []
    const opens: Record<Venue, Array<number>> = { kalshi: [], polymarket: [] }
    let n = 0
    for (const e of entries) {
      n++
      if (e.k === "http") {
        push(this.http, exactKey(e.url), e)
        push(this.httpLoose, looseKey(e.url), e)
        continue
      }
      if (e.e === "open") urls.set(e.c, venueOf(e.url ?? ""))
      const venue = urls.get(e.c)
      if (venue === undefined) continue
      if (e.e === "open") opens[venue].push(e.t)
      if (e.e === "close") closes.push({ venue, t: e.t })
      if (e.e === "ping" && venue === "kalshi") this.pings.push(e.t)
      if (e.e !== "in" || e.data === undefined) continue
      for (const f of instrumentFrames(venue, safeParse(e.data))) push(this.frames[venue], f.id, { t: e.t, n, snapshot: f.snapshot, value: f.value })
    }
    const outages: Array<Outage> = []
    for (const c of closes) {
      const to = opens[c.venue].find((t) => t > c.t)
      if (to !== undefined) outages.push({ venue: c.venue, from: c.t, to })
    }
    this.outages = outages.sort((a, b) => a.from - b.from)
  }

  /** Whether `venue` is down at `t` (inside a recorded outage). */
  private down(venue: Venue, t: number): boolean {
    return this.outages.some((o) => o.venue === venue && o.from <= t && t < o.to)
  }

  /** The recorded response for a request now, or `undefined`. */
  respond(url: string): HttpEntry | undefined {
    const now = this.now()
    const list = this.http.get(exactKey(url)) ?? this.httpLoose.get(looseKey(url))
    if (list === undefined) return undefined
    let chosen = list[0]!
    for (const e of list) {
      if (e.t > now) break
      chosen = e
    }
    return chosen
  }

  /** The `HttpClient` answering from the recording. */
  readonly httpClient: HttpClient.HttpClient = HttpClient.make((request, url) =>
    Effect.sync(() => {
      const entry = this.respond(url.toString())
      this.counts.http++
      if (entry === undefined) {
        this.counts.httpMissing++
        if (this.missing.size < 20) this.missing.add(`${request.method} ${url.toString()}`)
      }
      const response = entry === undefined
        ? new Response(JSON.stringify({ error: "not in the recording" }), { status: 404, headers: { "content-type": "application/json" } })
        : new Response(entry.body, { status: entry.status, headers: { "content-type": "application/json" } })
      return HttpClientResponse.fromWeb(request, response)
    })
  )

  /** The `WebSocketConstructor` answering from the recording. */
  readonly webSocket: Socket.WebSocketConstructor["Service"] = (url) => {
    const venue = venueOf(url) ?? "polymarket"
    if (this.down(venue, this.now())) {
      // Refused: a socket already closed, which the client sees as a failed open
      this.counts.refused++
      return new ReplaySocket(venue, new Map(), [], this.now, () => {}, this.counts, 3) as unknown as Socket.WebSocketLike
    }
    this.counts.connections++
    const socket = new ReplaySocket(venue, this.frames[venue], venue === "kalshi" ? this.pings : [], this.now, (s) => this.sockets.delete(s), this.counts)
    this.sockets.add(socket)
    return socket as unknown as Socket.WebSocketLike
  }

  /** The receive time of the next frame any open connection would deliver, or of the next outage. */
  nextTime(): number | undefined {
    let next = this.outages[this.outagesDone]?.from
    for (const s of this.sockets) {
      const t = s.nextTime()
      if (t !== undefined && (next === undefined || t < next)) next = t
    }
    return next
  }

  /** Delivers every frame due at or before `t`, in recorded order. Returns how many. */
  deliverUntil(t: number): number {
    let delivered = 0
    for (let o = this.outages[this.outagesDone]; o !== undefined && o.from <= t; o = this.outages[++this.outagesDone]) {
      // What was due before the outage goes out first, then the venue's connections drop
      for (const s of this.sockets) delivered += s.deliverUntil(o.from)
      for (const s of [...this.sockets]) {
        if (s.venue !== o.venue) continue
        this.counts.disconnects++
        s.drop()
      }
    }
    for (const s of this.sockets) delivered += s.deliverUntil(t)
    return delivered
  }

  /** Latest receive time of anything in the recording. */
  static endOf(entries: ReadonlyArray<Entry>): number {
    return entries.reduce((m, e) => Math.max(m, e.t), 0)
  }
}

const push = <K, V>(map: Map<K, Array<V>>, key: K, value: V) => {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

const exactKey = (url: string): string => {
  const u = new URL(url)
  const params = [...u.searchParams].sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
  return `${u.host}${u.pathname}?${params.map(([k, v]) => `${k}=${v}`).join("&")}`
}

const looseKey = (url: string): string => {
  const u = new URL(url)
  u.searchParams.delete("dates")
  return exactKey(u.toString())
}

type Listener = (event: any) => void

interface Cursor {
  readonly timeline: ReadonlyArray<Frame>
  index: number
  /** Kalshi: the sid carrying it */
  sid: number
}

/** One replayed venue connection. */
class ReplaySocket {
  readyState = 1
  /** Dropped by a recorded outage; the close is on its way */
  private dropping = false
  binaryType = "arraybuffer"
  private readonly listeners = new Map<string, Array<{ fn: Listener; once: boolean }>>()
  private readonly pingListeners: Array<() => void> = []
  private readonly cursors = new Map<string, Cursor>()
  private readonly seqs = new Map<number, number>()
  private nextSid = 1
  private pingIndex: number
  /** The heartbeat after the recording's last ping: its time and period */
  private heartbeatAt: number | undefined
  private readonly heartbeatEvery: number
  readonly venue: Venue
  private readonly timelines: Map<string, Array<Frame>>
  private readonly pings: ReadonlyArray<number>
  private readonly now: () => number
  private readonly onGone: (s: ReplaySocket) => void
  private readonly counts: ReplayCounts

  constructor(venue: Venue, timelines: Map<string, Array<Frame>>, pings: ReadonlyArray<number>, now: () => number, onGone: (s: ReplaySocket) => void, counts: ReplayCounts, readyState = 1) {
    this.readyState = readyState
    this.venue = venue
    this.timelines = timelines
    this.pings = pings
    this.now = now
    this.onGone = onGone
    this.counts = counts
    const start = now()
    this.pingIndex = pings.findIndex((t) => t > start)
    if (this.pingIndex === -1) this.pingIndex = pings.length
    const gaps = pings.slice(1).map((t, i) => t - pings[i]!).sort((a, b) => a - b)
    this.heartbeatEvery = gaps.length === 0 ? 10_000 : Math.max(1_000, gaps[Math.floor(gaps.length / 2)]!)
    const last = pings[pings.length - 1]
    if (last !== undefined) {
      this.heartbeatAt = last + this.heartbeatEvery
      while (this.heartbeatAt <= start) this.heartbeatAt += this.heartbeatEvery
    }
  }

  /** The next ping: a recorded one, or the heartbeat once they are used up. */
  private nextPing(): number | undefined {
    return this.pingIndex < this.pings.length ? this.pings[this.pingIndex] : this.heartbeatAt
  }

  private takePing(): void {
    if (this.pingIndex < this.pings.length) this.pingIndex++
    else if (this.heartbeatAt !== undefined) this.heartbeatAt += this.heartbeatEvery
  }

  addEventListener(type: string, fn: Listener, options?: { readonly once?: boolean }): void {
    const list = this.listeners.get(type) ?? []
    list.push({ fn, once: options?.once === true })
    this.listeners.set(type, list)
  }

  removeEventListener(type: string, fn: Listener): void {
    const list = this.listeners.get(type)
    if (list !== undefined) this.listeners.set(type, list.filter((l) => l.fn !== fn))
  }

  /** The `ws` package's emitter, for ping frames. */
  on(event: string, fn: () => void): void {
    if (event === "ping") this.pingListeners.push(fn)
  }

  /**
   * The venue drops the connection: nothing more is delivered, and the close reaches the client
   * after the frames already on their way (they are emitted in microtasks, in order).
   */
  drop(): void {
    if (this.readyState !== 1 || this.dropping) return
    this.dropping = true
    this.cursors.clear()
    this.onGone(this)
    queueMicrotask(() => {
      if (this.readyState >= 2) return
      this.readyState = 3
      this.emit("close", { code: 1006, reason: "" })
    })
  }

  close(code = 1000): void {
    if (this.readyState >= 2) return
    this.readyState = 3
    this.cursors.clear()
    this.onGone(this)
    this.emit("close", { code, reason: "" })
  }

  send(data: string | Uint8Array): void {
    if (this.readyState !== 1 || this.dropping) return
    const text = typeof data === "string" ? data : new TextDecoder().decode(data)
    if (this.venue === "polymarket") this.polymarketCommand(text)
    else this.kalshiCommand(text)
  }

  nextTime(): number | undefined {
    if (this.readyState !== 1 || this.dropping) return undefined
    let next = this.nextPing()
    for (const c of this.cursors.values()) {
      const f = c.timeline[c.index]
      if (f !== undefined && (next === undefined || f.t < next)) next = f.t
    }
    return next
  }

  deliverUntil(t: number): number {
    let delivered = 0
    while (this.readyState === 1 && !this.dropping) {
      for (let ping = this.nextPing(); ping !== undefined && ping <= t; ping = this.nextPing()) {
        this.takePing()
        for (const fn of this.pingListeners) fn()
      }
      let best: Cursor | undefined
      for (const c of this.cursors.values()) {
        const f = c.timeline[c.index]
        if (f === undefined || f.t > t) continue
        const b = best === undefined ? undefined : best.timeline[best.index]!
        if (b === undefined || f.t < b.t || (f.t === b.t && f.n < b.n)) best = c
      }
      if (best === undefined) return delivered
      this.emitFrame(best, best.timeline[best.index++]!)
      delivered++
    }
    return delivered
  }

  private emit(type: string, event: unknown): void {
    const list = this.listeners.get(type)
    if (list === undefined) return
    for (const l of [...list]) {
      if (l.once) this.removeEventListener(type, l.fn)
      l.fn(event)
    }
  }

  private message(value: unknown): void {
    const data = typeof value === "string" ? value : JSON.stringify(value)
    queueMicrotask(() => {
      if (this.readyState === 1) this.emit("message", { data })
    })
  }

  private emitFrame(cursor: Cursor, frame: Frame): void {
    this.counts.frames++
    if (this.venue === "kalshi") {
      const seq = (this.seqs.get(cursor.sid) ?? 0) + 1
      this.seqs.set(cursor.sid, seq)
      this.message({ ...frame.value, sid: cursor.sid, seq })
    } else {
      this.message(frame.value)
    }
  }

  /** Subscribes an instrument: the book as it stood now (last snapshot and changes since), then live. */
  private follow(id: string, sid: number): void {
    const timeline = this.timelines.get(id) ?? []
    const now = this.now()
    let snapshot = -1
    for (let i = 0; i < timeline.length && timeline[i]!.t <= now; i++) if (timeline[i]!.snapshot) snapshot = i
    let index: number
    if (snapshot >= 0) index = snapshot
    else {
      // No book yet: wait for the first snapshot after now
      index = timeline.findIndex((f) => f.snapshot && f.t > now)
      if (index === -1) index = timeline.length
    }
    const cursor: Cursor = { timeline, index, sid }
    this.cursors.set(id, cursor)
    // The catch-up goes out at once, stamped now
    while (cursor.index < timeline.length && timeline[cursor.index]!.t <= now) this.emitFrame(cursor, timeline[cursor.index++]!)
  }

  private kalshiCommand(text: string): void {
    const command = safeParse(text) as { id?: number; cmd?: string; params?: Record<string, unknown> } | undefined
    if (command === undefined) return
    const id = command.id ?? 0
    const params = command.params ?? {}
    const tickers = (params["market_tickers"] as Array<string> | undefined) ?? []
    if (command.cmd === "subscribe") {
      for (const channel of (params["channels"] as Array<string> | undefined) ?? []) {
        const sid = this.nextSid++
        this.message({ id, type: "subscribed", msg: { channel, sid } })
        if (channel === "orderbook_delta") for (const t of tickers) this.follow(t, sid)
      }
    } else if (command.cmd === "update_subscription") {
      const sid = (params["sids"] as Array<number> | undefined)?.[0] ?? 0
      if (params["action"] === "add_markets") for (const t of tickers) this.follow(t, sid)
      else for (const t of tickers) this.cursors.delete(t)
      this.message({ id, type: "ok", sid, seq: this.seqs.get(sid) ?? 0, market_tickers: [...this.cursors].filter(([, c]) => c.sid === sid).map(([t]) => t) })
    } else if (command.cmd === "unsubscribe") {
      for (const sid of (params["sids"] as Array<number> | undefined) ?? []) {
        for (const [t, c] of [...this.cursors]) if (c.sid === sid) this.cursors.delete(t)
        this.message({ id, sid, type: "unsubscribed" })
      }
    }
  }

  private polymarketCommand(text: string): void {
    if (text === "PING") return this.message("PONG")
    const request = safeParse(text) as { assets_ids?: Array<string>; operation?: string } | undefined
    if (request === undefined) return
    const assets = request.assets_ids ?? []
    if (request.operation === "unsubscribe") for (const a of assets) this.cursors.delete(a)
    else for (const a of assets) if (!this.cursors.has(a)) this.follow(a, 0)
  }
}
