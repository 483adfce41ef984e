/**
 * Polymarket order entry, as a fake CLOB on its own port (market data stays in `FakePolymarket`):
 * `/version`, `/tick-size`, `/neg-risk`, `/auth/derive-api-key` (L1), `POST /order`,
 * `DELETE /order`, `/data/order/{id}`, `/data/orders`, `/data/trades`, `/balance-allowance` (and
 * `/update`), the Data API's `/positions`, and the `/ws/user` channel (orders and trades).
 *
 * It checks what the real one checks: every L2 request's HMAC over the exact body (with the API
 * secret), and every order's EIP-712 signature, recovered with ethers (independent of the viem
 * code under test) against the domain of the current exchange version. The order id is the order's
 * EIP-712 hash, computed with ethers' encoder.
 *
 * Matching is scripted (`full`, `partial`, `none`; default `full`) at the order's limit price. A
 * match makes a trade in status `MATCHED`; `settle(id, status)` moves it on (`CONFIRMED`,
 * `FAILED`, ...) and pushes it on the user channel, as does every order change. Cash and shares move
 * on confirmation. Faults: `hangAfterAccept`, and `failNext(..., { hang: true })` for a POST that
 * never reaches the matching engine; `userChannelDown` refuses the user channel's upgrades (with
 * `dropAll`: an outage during which fills happen unheard). A market with a matching delay (sports): `delayNext` orders
 * are answered `delayed` and queued (`DELAYED`, cancellable) until `releaseDelayed()` matches them.
 */
import { _TypedDataEncoder } from "@ethersproject/hash"
import { verifyTypedData } from "@ethersproject/wallet"
import type { IncomingMessage } from "node:http"
import type { WebSocket } from "ws"
import { EXCHANGES, hmacSignature, ORDER_TYPES } from "../../src/services/polymarket/PolymarketSigning.ts"
import { formatScaled } from "../../src/schema/Money.ts"
import { FakeVenue, type FakeRequest, type FakeResponse, json } from "./FakeVenue.ts"
import type { ScriptedFill } from "./FakeKalshiOrders.ts"

// The struct and the addresses are the spec; hashing and recovery below are ethers', not ours
const EXCHANGE_BY_KEY: Record<string, string> = { "2": EXCHANGES.v2, "2neg": EXCHANGES.v2NegRisk, "3": EXCHANGES.v3 }
const TYPES = { Order: [...ORDER_TYPES.Order] }

export const CONDITION = "0xdd22472e552920b8438158ea7238bfadfa4f736aa4cee91a6b86c39ead110917"
export const TOKEN_YES = "21742633143463906290569050155826241533067272736897614950488156847949938836455"
export const TOKEN_NEG = "48331043336612883890938759509493159234755048973500640148014422747788308965732"

const shares = (base: number) => formatScaled(base, 6, 0)

export interface ClobOrderRecord {
  readonly id: string
  readonly tokenId: string
  readonly side: "BUY" | "SELL"
  /** Micros */
  readonly price: number
  /** Base units (micro-shares) */
  readonly size: number
  matched: number
  status: "LIVE" | "MATCHED" | "CANCELED" | "DELAYED"
  readonly orderType: string
}

export interface ClobTradeRecord {
  readonly id: string
  readonly orderId: string
  readonly tokenId: string
  readonly side: "BUY" | "SELL"
  readonly price: number
  readonly size: number
  status: string
  readonly at: number
}

export class FakePolymarketClob extends FakeVenue {
  readonly apiKey = "a7d1c0de-0000-4000-8000-000000000001"
  readonly secret = "c2VjcmV0LWZvci10aGUtZmFrZS1jbG9iLXRlc3RzLTAxMjM0NQ=="
  readonly passphrase = "fake-passphrase-0001"
  version = 2
  readonly orders = new Map<string, ClobOrderRecord>()
  readonly trades: Array<ClobTradeRecord> = []
  /** Collateral, base units */
  collateral = 1_000_000_000
  readonly held = new Map<string, number>()
  /** Create POSTs that reached the matching engine */
  creates = 0
  /** L2 requests whose HMAC did not verify, and orders whose signature did not recover */
  badAuth = 0
  badSignatures = 0
  balanceRefreshes = 0
  hangAfterAccept = false
  /** The user channel refuses upgrades (503) while set */
  userChannelDown = false
  /** The next this-many orders meet a matching delay: answered `delayed`, matched by `releaseDelayed` */
  delayNext = 0
  private readonly queued = new Map<string, number>()
  /** Trades confirm as soon as they match */
  autoConfirm = true
  signer = ""
  readonly negRisk = new Set<string>([TOKEN_NEG])
  private readonly script: Array<ScriptedFill> = []
  private readonly users = new Set<WebSocket>()
  private nextTrade = 1

  protected wsPath(): string {
    return "/ws/user"
  }

  override start(): Promise<void> {
    // Warm up ethers' encoder and recovery so the first order is not slow to verify on a busy machine
    const domain = { name: "Polymarket CTF Exchange", version: "2", chainId: 137, verifyingContract: EXCHANGES.v2 }
    const message = { salt: "1", maker: EXCHANGES.v2, signer: EXCHANGES.v2, tokenId: "1", makerAmount: "1", takerAmount: "1", side: 0, signatureType: 0, timestamp: "1", metadata: "0x" + "0".repeat(64), builder: "0x" + "0".repeat(64) }
    _TypedDataEncoder.hash(domain, TYPES, message)
    try {
      verifyTypedData(domain, TYPES, message, "0x" + "11".repeat(32) + "22".repeat(32) + "1b")
    } catch {
      // Any answer will do: the code is loaded and compiled
    }
    return super.start()
  }

  scriptFills(...outcomes: ReadonlyArray<ScriptedFill>): void {
    this.script.push(...outcomes)
  }

  private push(event: Record<string, unknown>): void {
    for (const ws of this.users) this.send(ws, [event])
  }

  orderJson(o: ClobOrderRecord): Record<string, unknown> {
    return {
      id: o.id,
      status: o.status,
      market: CONDITION,
      asset_id: o.tokenId,
      side: o.side,
      original_size: shares(o.size),
      size_matched: shares(o.matched),
      price: formatScaled(o.price, 6, 2),
      order_type: o.orderType,
      associate_trades: this.trades.filter((t) => t.orderId === o.id).map((t) => t.id),
      outcome: "Yes",
      owner: this.apiKey,
      maker_address: this.signer,
      expiration: "0",
      created_at: "1725842520"
    }
  }

  /** A user-channel event: the REST shape with the channel's own `type` (`PLACEMENT`, ..., `TRADE`) and `timestamp`. */
  userEvent(eventType: "order" | "trade", type: string, body: Record<string, unknown>): Record<string, unknown> {
    return { ...body, event_type: eventType, type, timestamp: String(Date.now()) }
  }

  /** A page of `/data/orders` or `/data/trades`, as the official schemas read it. */
  page(data: ReadonlyArray<unknown>): Record<string, unknown> {
    return { limit: 100, count: data.length, data, next_cursor: "LTE=" }
  }

  tradeJson(t: ClobTradeRecord): Record<string, unknown> {
    return {
      id: t.id,
      taker_order_id: t.orderId,
      market: CONDITION,
      asset_id: t.tokenId,
      side: t.side,
      size: shares(t.size),
      fee_rate_bps: "0",
      price: formatScaled(t.price, 6, 2),
      status: t.status,
      match_time: String(Math.floor(t.at / 1000)),
      last_update: String(Math.floor(t.at / 1000)),
      outcome: "Yes",
      owner: this.apiKey,
      maker_address: this.signer,
      bucket_index: 0,
      transaction_hash: "0x" + "ab".repeat(32),
      maker_orders: [{
        order_id: "0x6dd169f87692751b75b4ed673158721cdbf56ec49f29aa94a6aaa05b93b1b0ab",
        owner: "b1c2d3e4-0000-4000-8000-000000000002",
        maker_address: "0x2222222222222222222222222222222222222222",
        side: t.side === "BUY" ? "SELL" : "BUY",
        matched_amount: shares(t.size),
        price: formatScaled(t.price, 6, 2),
        fee_rate_bps: "0",
        asset_id: t.tokenId,
        outcome: "Yes"
      }],
      trader_side: "TAKER"
    }
  }

  /** Moves a trade on (CONFIRMED, FAILED, RETRYING, MINED) and announces it. */
  settle(tradeId: string, status: string): void {
    const t = this.trades.find((x) => x.id === tradeId)!
    t.status = status
    if (status === "CONFIRMED") this.book(t)
    if (status === "FAILED") {
      const o = this.orders.get(t.orderId)!
      o.matched -= t.size
      if (o.status === "MATCHED") o.status = "CANCELED"
    }
    this.push(this.userEvent("trade", "TRADE", this.tradeJson(t)))
  }

  private book(t: ClobTradeRecord): void {
    const notional = Number((BigInt(t.size) * BigInt(t.price)) / 1_000_000n)
    const held = this.held.get(t.tokenId) ?? 0
    if (t.side === "BUY") {
      this.collateral -= notional
      this.held.set(t.tokenId, held + t.size)
    } else {
      this.collateral += notional
      this.held.set(t.tokenId, held - t.size)
    }
  }

  private verifyL2(r: FakeRequest): boolean {
    const h = r.headers
    const ts = Number(h["poly_timestamp"])
    const ok = h["poly_api_key"] === this.apiKey && h["poly_passphrase"] === this.passphrase &&
      h["poly_signature"] === hmacSignature(this.secret, ts, r.method, r.path, r.body === "" ? undefined : r.body)
    if (!ok) this.badAuth++
    return ok
  }

  protected route(r: FakeRequest): FakeResponse | undefined {
    if (r.path === "/version") return json({ version: this.version })
    if (r.path === "/tick-size") return json({ minimum_tick_size: 0.01 })
    if (r.path === "/neg-risk") return json({ neg_risk: this.negRisk.has(r.query.get("token_id") ?? "") })
    if (r.path === "/auth/derive-api-key") {
      return typeof r.headers["poly_signature"] === "string" ? json({ apiKey: this.apiKey, secret: this.secret, passphrase: this.passphrase }) : json({ error: "L1 auth required" }, 401)
    }
    if (r.path === "/positions") {
      return json([...this.held].filter(([, q]) => q !== 0).map(([asset, q]) => ({ asset, conditionId: CONDITION, size: Number(shares(q)), outcome: "Yes" })))
    }
    if (!this.verifyL2(r)) return json({ error: "Unauthorized/Invalid api key" }, 401)
    if (r.method === "POST" && r.path === "/order") return this.create(r)
    if (r.method === "DELETE" && r.path === "/order") {
      const id = (JSON.parse(r.body) as { orderID: string }).orderID
      const o = this.orders.get(id)
      if (o === undefined || (o.status !== "LIVE" && o.status !== "DELAYED")) return json({ canceled: [], not_canceled: { [id]: "order can't be found - already canceled or matched" } })
      o.status = "CANCELED"
      this.queued.delete(id)
      this.push(this.userEvent("order", "CANCELLATION", this.orderJson(o)))
      return json({ canceled: [id], not_canceled: {} })
    }
    const m = /^\/data\/order\/(.+)$/.exec(r.path)
    if (m) {
      const o = this.orders.get(decodeURIComponent(m[1]!))
      return o === undefined ? json({ error: "order not found" }, 404) : json(this.orderJson(o))
    }
    if (r.path === "/data/orders") return json(this.page([...this.orders.values()].filter((o) => o.status === "LIVE").map((o) => this.orderJson(o))))
    if (r.path === "/data/trades") {
      const asset = r.query.get("asset_id")
      const after = Number(r.query.get("after") ?? "0") * 1000
      return json(this.page(this.trades.filter((t) => (asset === null || t.tokenId === asset) && t.at >= after).map((t) => this.tradeJson(t))))
    }
    if (r.path === "/balance-allowance/update") {
      this.balanceRefreshes++
      return json({})
    }
    if (r.path === "/balance-allowance") {
      const token = r.query.get("token_id")
      const balance = r.query.get("asset_type") === "COLLATERAL" ? this.collateral : this.held.get(token ?? "") ?? 0
      return json({ balance: String(balance), allowances: {} })
    }
    return undefined
  }

  private create(r: FakeRequest): FakeResponse {
    const body = JSON.parse(r.body) as { order: Record<string, any>; owner: string; orderType: string; postOnly: boolean }
    const o = body.order
    const exchange = EXCHANGE_BY_KEY[this.version === 3 ? "3" : this.negRisk.has(String(o["tokenId"])) ? "2neg" : "2"]!
    const domain = { name: "Polymarket CTF Exchange", version: String(this.version), chainId: 137, verifyingContract: exchange }
    const message = { ...o, salt: String(o["salt"]), side: o["side"] === "BUY" ? 0 : 1 }
    let recovered = ""
    try {
      recovered = verifyTypedData(domain, TYPES, message, o["signature"])
    } catch {
      recovered = ""
    }
    if (recovered.toLowerCase() !== String(o["signer"]).toLowerCase() || body.owner !== this.apiKey) {
      this.badSignatures++
      return json({ success: false, errorMsg: "invalid signature", orderID: "", status: "" }, 400)
    }
    this.signer = recovered
    this.creates++
    const id = _TypedDataEncoder.hash(domain, TYPES, message)
    const side = o["side"] as "BUY" | "SELL"
    const maker = BigInt(o["makerAmount"])
    const taker = BigInt(o["takerAmount"])
    const size = Number(side === "BUY" ? taker : maker)
    const price = Number(((side === "BUY" ? maker : taker) * 1_000_000n) / BigInt(size))
    const order: ClobOrderRecord = { id, tokenId: String(o["tokenId"]), side, price, size, matched: 0, status: "LIVE", orderType: body.orderType }
    this.orders.set(id, order)
    const scripted = this.script.shift() ?? { kind: "full" }
    const fill = scripted.kind === "full" ? size : scripted.kind === "partial" ? Math.min(size, scripted.quantity) : 0
    if (this.delayNext > 0) {
      this.delayNext--
      order.status = "DELAYED"
      this.queued.set(id, fill)
      this.push(this.userEvent("order", "PLACEMENT", this.orderJson(order)))
      return json({ success: true, errorMsg: "", orderID: id, status: "delayed", makingAmount: "", takingAmount: "" })
    }
    this.match(order, fill)
    if (this.hangAfterAccept) {
      this.hangAfterAccept = false
      return { status: 0, hang: true }
    }
    const matchedShares = shares(order.matched)
    const matchedDollars = formatScaled(Number((BigInt(order.matched) * BigInt(price)) / 1_000_000n), 6, 0)
    return json({
      success: true,
      errorMsg: "",
      orderID: id,
      status: order.matched >= size ? "matched" : order.status === "LIVE" ? "live" : "unmatched",
      makingAmount: side === "BUY" ? matchedDollars : matchedShares,
      takingAmount: side === "BUY" ? matchedShares : matchedDollars
    })
  }

  /** Ends the matching delay of every queued order: each is matched as it was scripted. */
  releaseDelayed(): void {
    for (const [id, fill] of this.queued) {
      this.queued.delete(id)
      const order = this.orders.get(id)!
      order.status = "LIVE"
      this.match(order, fill, "UPDATE")
    }
  }

  private match(order: ClobOrderRecord, fill: number, type: "PLACEMENT" | "UPDATE" = "PLACEMENT"): void {
    const { id, side, price, size } = order
    if (order.orderType === "FOK" && fill < size) {
      order.status = "CANCELED"
    } else if (fill > 0) {
      const t: ClobTradeRecord = { id: `trade-${this.nextTrade++}`, orderId: id, tokenId: order.tokenId, side, price, size: fill, status: "MATCHED", at: Date.now() }
      this.trades.push(t)
      order.matched = fill
      this.push(this.userEvent("trade", "TRADE", this.tradeJson(t)))
      if (this.autoConfirm) this.settle(t.id, "CONFIRMED")
    }
    if (order.status === "LIVE") order.status = order.matched >= size ? "MATCHED" : order.orderType === "GTC" || order.orderType === "GTD" ? "LIVE" : "CANCELED"
    this.push(this.userEvent("order", type, this.orderJson(order)))
  }

  protected override notFound(_r: FakeRequest): FakeResponse {
    return json({ error: "not found" }, 404)
  }

  protected override authorizeUpgrade(_request: IncomingMessage): true | string {
    return this.userChannelDown ? "503 Service Unavailable" : true
  }

  /** Shares the account holds that no order of this fake bought (another client's, a transfer). */
  addExternalPosition(tokenId: string, size: number): void {
    this.held.set(tokenId, (this.held.get(tokenId) ?? 0) + size)
  }

  protected onConnection(ws: WebSocket): void {
    ws.on("message", (data) => {
      const text = String(data)
      if (text === "PING") {
        this.send(ws, "PONG")
        return
      }
      const m = JSON.parse(text) as { type?: string; auth?: { apiKey?: string; secret?: string; passphrase?: string } }
      if (m.type === "user" && m.auth?.apiKey === this.apiKey && m.auth.secret === this.secret && m.auth.passphrase === this.passphrase) this.users.add(ws)
      else ws.close(1008, "invalid auth")
    })
    ws.on("close", () => this.users.delete(ws))
  }

  /** Sockets authenticated on the user channel */
  get userSockets(): number {
    return this.users.size
  }
}
