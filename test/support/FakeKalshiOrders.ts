/**
 * Kalshi order entry for the fake venue (mounted by `FakeKalshi` with `{ orders: true }`): the V2
 * create/cancel endpoints, order and fill queries, positions and the balance, and the private
 * `fill` / `user_order` WebSocket messages.
 *
 * Matching is scripted, not simulated: each new order takes the next scripted outcome (`full`,
 * `partial` with a quantity, or `none`; default `full`), fills at its limit price as taker, and an
 * IOC/FOK remainder is cancelled while a GTC remainder rests. Fees follow the taker formula
 * (`ceil_to_cent(0.07 × C × P × (1 − P))`). Cash and positions move with every fill, so a test can
 * compare a ledger with the venue's balance.
 *
 * Faults: `hangAfterAccept` (the order is placed and filled, then the POST never answers: a client
 * times out on an order that exists) — and `FakeVenue.failNext` with `hang` for a POST that never
 * reaches the desk at all.
 */
import { formatScaled, parseScaled } from "../../src/schema/Money.ts"
import { type FakeRequest, type FakeResponse, json } from "./FakeVenue.ts"

const ONE = 1_000_000n

export type ScriptedFill = { readonly kind: "full" } | { readonly kind: "partial"; readonly quantity: number } | { readonly kind: "none" }

export interface DeskOrder {
  readonly order_id: string
  readonly client_order_id: string
  readonly ticker: string
  readonly side: "bid" | "ask"
  /** YES-book price, micros */
  readonly price: number
  readonly count: number
  filled: number
  status: "resting" | "canceled" | "executed"
  readonly tif: string
  readonly createdMs: number
}

export interface DeskFill {
  readonly trade_id: string
  readonly order_id: string
  readonly ticker: string
  readonly side: "bid" | "ask"
  readonly price: number
  readonly count: number
  readonly fee: number
  readonly ts: number
}

const dollars = (micros: number) => formatScaled(micros, 6, 4)
const count = (micros: number) => formatScaled(micros, 6, 2)

/** ceil_to_cent(0.07 × C × P × (1 − P)) in micros, for C contracts at P (both in micro-units). */
export const takerFee = (qty: number, price: number): number => {
  const numerator = 7n * BigInt(qty) * BigInt(price) * (ONE - BigInt(price))
  const perCent = 10n ** 18n
  return Number((numerator + perCent - 1n) / perCent) * 10_000
}

export class KalshiOrderDesk {
  readonly orders = new Map<string, DeskOrder>()
  readonly fills: Array<DeskFill> = []
  /** Signed YES (+) / NO (−) micro-contracts per ticker */
  readonly positions = new Map<string, number>()
  balance: number
  /** Every create POST that reached the desk */
  creates = 0
  /** The next create is placed (and filled as scripted) but never answered */
  hangAfterAccept = false
  private readonly script: Array<ScriptedFill> = []
  private nextOrder = 1
  private nextTrade = 1
  /** Sends a private message to subscribers of a channel */
  push: (channel: "fill" | "user_orders", type: string, msg: Record<string, unknown>) => void = () => {}
  /** The clock of timestamps the desk stamps (ms) */
  now: () => number = () => Date.now()

  constructor(balance = 1_000_000_000) {
    this.balance = balance
  }

  /** The next orders fill as given, in order. */
  scriptFills(...outcomes: ReadonlyArray<ScriptedFill>): void {
    this.script.push(...outcomes)
  }

  /** A position arbees never opened (made outside it). */
  addExternalPosition(ticker: string, signedQty: number): void {
    this.positions.set(ticker, (this.positions.get(ticker) ?? 0) + signedQty)
  }

  orderJson(o: DeskOrder): Record<string, unknown> {
    const noPrice = 1_000_000 - o.price
    return {
      order_id: o.order_id,
      user_id: "user-1",
      client_order_id: o.client_order_id,
      ticker: o.ticker,
      outcome_side: o.side === "bid" ? "yes" : "no",
      book_side: o.side,
      type: "limit",
      status: o.status,
      yes_price_dollars: dollars(o.price),
      no_price_dollars: dollars(noPrice),
      fill_count_fp: count(o.filled),
      remaining_count_fp: count(o.status === "resting" ? o.count - o.filled : 0),
      initial_count_fp: count(o.count),
      taker_fill_cost_dollars: "0.0000",
      maker_fill_cost_dollars: "0.0000",
      taker_fees_dollars: "0.0000",
      maker_fees_dollars: "0.0000",
      created_time: new Date(o.createdMs).toISOString(),
      last_update_time: new Date(o.createdMs).toISOString()
    }
  }

  fillJson(f: DeskFill): Record<string, unknown> {
    return {
      fill_id: `f-${f.trade_id}`,
      trade_id: f.trade_id,
      order_id: f.order_id,
      ticker: f.ticker,
      market_ticker: f.ticker,
      outcome_side: f.side === "bid" ? "yes" : "no",
      book_side: f.side,
      count_fp: count(f.count),
      yes_price_dollars: dollars(f.price),
      no_price_dollars: dollars(1_000_000 - f.price),
      is_taker: true,
      fee_cost: dollars(f.fee),
      created_time: new Date(f.ts).toISOString(),
      ts: Math.floor(f.ts / 1000)
    }
  }

  private fill(o: DeskOrder, qty: number): void {
    if (qty <= 0) return
    const trade = `trade-${this.nextTrade++}`
    const fee = takerFee(qty, o.price)
    const f: DeskFill = { trade_id: trade, order_id: o.order_id, ticker: o.ticker, side: o.side, price: o.price, count: qty, fee, ts: this.now() }
    this.fills.push(f)
    o.filled += qty
    const position = this.positions.get(o.ticker) ?? 0
    const cost = (price: number) => Number((BigInt(price) * BigInt(qty)) / ONE)
    if (o.side === "bid") {
      // Buying YES, or closing NO (buying back at the YES price pays 1 − the NO price)
      this.balance -= cost(o.price) + fee
      this.positions.set(o.ticker, position + qty)
    } else if (position > 0) {
      this.balance += cost(o.price) - fee
      this.positions.set(o.ticker, position - qty)
    } else {
      this.balance -= cost(1_000_000 - o.price) + fee
      this.positions.set(o.ticker, position - qty)
    }
    this.push("fill", "fill", { ...this.fillJson(f), market_ticker: o.ticker, client_order_id: o.client_order_id, post_position_fp: count(this.positions.get(o.ticker)!) })
  }

  route(r: FakeRequest, path: string): FakeResponse | undefined {
    if (r.method === "POST" && path === "/portfolio/events/orders") return this.create(r)
    let m = /^\/portfolio\/events\/orders\/([^/]+)$/.exec(path)
    if (m && r.method === "DELETE") return this.cancel(decodeURIComponent(m[1]!))
    m = /^\/portfolio\/orders\/([^/]+)$/.exec(path)
    if (m && r.method === "GET") {
      const o = this.orders.get(decodeURIComponent(m[1]!))
      return o === undefined ? json({ error: { code: "not_found", message: "order not found" } }, 404) : json({ order: this.orderJson(o) })
    }
    if (r.method === "GET" && path === "/portfolio/orders") {
      const ticker = r.query.get("ticker")
      const status = r.query.get("status")
      const minTs = Number(r.query.get("min_ts") ?? "0") * 1000
      const orders = [...this.orders.values()].filter((o) => (ticker === null || o.ticker === ticker) && (status === null || o.status === status) && o.createdMs >= minTs)
      return json({ orders: orders.map((o) => this.orderJson(o)), cursor: "" })
    }
    if (r.method === "GET" && path === "/portfolio/fills") {
      const orderId = r.query.get("order_id")
      const minTs = Number(r.query.get("min_ts") ?? "0") * 1000
      const fills = this.fills.filter((f) => (orderId === null || f.order_id === orderId) && f.ts >= minTs)
      return json({ fills: fills.map((f) => this.fillJson(f)), cursor: "" })
    }
    if (r.method === "GET" && path === "/portfolio/positions") {
      const market_positions = [...this.positions].filter(([, q]) => q !== 0).map(([ticker, q]) => ({
        ticker,
        exchange_index: 0,
        total_traded_dollars: "0.0000",
        position_fp: count(q),
        market_exposure_dollars: "0.0000",
        realized_pnl_dollars: "0.0000",
        fees_paid_dollars: "0.0000",
        last_updated_ts: new Date(this.now()).toISOString()
      }))
      return json({ market_positions, event_positions: [], cursor: "" })
    }
    if (r.method === "GET" && path === "/portfolio/balance") {
      return json({ balance: Math.floor(this.balance / 10_000), balance_dollars: dollars(this.balance), portfolio_value: 0, updated_ts: Math.floor(this.now() / 1000) })
    }
    return undefined
  }

  private create(r: FakeRequest): FakeResponse {
    this.creates++
    const body = JSON.parse(r.body) as Record<string, unknown>
    const price = parseScaled(String(body["price"]))
    const qty = parseScaled(String(body["count"]))
    const side = body["side"]
    const tif = String(body["time_in_force"])
    if (price === undefined || qty === undefined || (side !== "bid" && side !== "ask") || typeof body["ticker"] !== "string") {
      return json({ error: { code: "invalid_parameters", message: "bad order" } }, 400)
    }
    const clientOrderId = String(body["client_order_id"] ?? "")
    for (const o of this.orders.values()) {
      if (clientOrderId !== "" && o.client_order_id === clientOrderId && o.status === "resting") {
        return json({ error: { code: "order_already_exists", message: "an open order has this client_order_id" } }, 409)
      }
    }
    const o: DeskOrder = { order_id: `ord-${this.nextOrder++}`, client_order_id: clientOrderId, ticker: body["ticker"], side, price, count: qty, filled: 0, status: "resting", tif, createdMs: this.now() }
    this.orders.set(o.order_id, o)
    const scripted = this.script.shift() ?? { kind: "full" }
    const fillQty = scripted.kind === "full" ? qty : scripted.kind === "partial" ? Math.min(qty, scripted.quantity) : 0
    if (tif === "fill_or_kill" && fillQty < qty) {
      o.status = "canceled"
    } else {
      this.fill(o, fillQty)
      o.status = o.filled >= o.count ? "executed" : tif === "good_till_canceled" ? "resting" : "canceled"
    }
    this.push("user_orders", "user_order", this.orderJson(o))
    if (this.hangAfterAccept) {
      this.hangAfterAccept = false
      return { status: 0, hang: true }
    }
    return json({
      order_id: o.order_id,
      client_order_id: o.client_order_id,
      fill_count: count(o.filled),
      remaining_count: count(o.status === "resting" ? o.count - o.filled : 0),
      ts_ms: this.now()
    }, 201)
  }

  private cancel(id: string): FakeResponse {
    const o = this.orders.get(id)
    if (o === undefined) return json({ error: { code: "not_found", message: "order not found" } }, 404)
    if (o.status !== "resting") return json({ error: { code: "order_not_cancelable", message: `order is ${o.status}` } }, 400)
    const reduced = o.count - o.filled
    o.status = "canceled"
    this.push("user_orders", "user_order", this.orderJson(o))
    return json({ order_id: o.order_id, client_order_id: o.client_order_id, reduced_by: count(reduced), ts_ms: this.now() })
  }
}
