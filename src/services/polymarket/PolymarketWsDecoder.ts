/**
 * The fast path for Polymarket market-channel messages.
 *
 * `book` and the current `price_change` are decoded by straight-line code into one reusable
 * {@link PolyMessage}: the same checks as `PolymarketWsSchemas.ts` (a property test holds them to
 * it), decimals parsed by `Money.parseScaled` into typed arrays, no allocation per level or change.
 * A message the fast path rejects goes to the Schemas, which either accept it (a legacy shape) or
 * say why not. Every other message type is rare and goes through its Schema.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { BLANK, blankablePrice, blankableQty, countQty, dollarPrice, isObject, optionalMillis } from "../marketdata/FastDecode.ts"
import { ONE } from "../../schema/Money.ts"
import { LevelBuffer } from "../marketdata/LevelBuffer.ts"
import {
  PolyBestBidAsk,
  PolyBookMessage,
  PolyLastTradePrice,
  PolyMarketResolved,
  PolyNewMarket,
  PolyPriceChangeMessage,
  PolyTickSizeChange
} from "./PolymarketWsSchemas.ts"

/** @category models */
export type PolyMessageKind =
  | "book"
  | "price_change"
  | "tick_size_change"
  | "last_trade_price"
  | "best_bid_ask"
  | "new_market"
  | "market_resolved"
  | "other"
  | "invalid"

const decoders = {
  tick_size_change: Schema.decodeUnknownResult(PolyTickSizeChange),
  last_trade_price: Schema.decodeUnknownResult(PolyLastTradePrice),
  best_bid_ask: Schema.decodeUnknownResult(PolyBestBidAsk),
  new_market: Schema.decodeUnknownResult(PolyNewMarket),
  market_resolved: Schema.decodeUnknownResult(PolyMarketResolved)
}
const bookSchema = Schema.decodeUnknownResult(PolyBookMessage)
const priceChangeSchema = Schema.decodeUnknownResult(PolyPriceChangeMessage)

/** Level changes as parallel arrays (side 0 = bid, 1 = ask; best bid/ask -1 = not stated). @category models */
export class ChangeBuffer {
  assets: Array<string> = []
  sides = new Uint8Array(16)
  prices = new Float64Array(16)
  sizes = new Float64Array(16)
  bestBids = new Float64Array(16)
  bestAsks = new Float64Array(16)
  count = 0

  push(asset: string, side: number, price: number, size: number, bestBid: number, bestAsk: number): void {
    if (this.count === this.sides.length) this.grow()
    const i = this.count++
    this.assets[i] = asset
    this.sides[i] = side
    this.prices[i] = price
    this.sizes[i] = size
    this.bestBids[i] = bestBid
    this.bestAsks[i] = bestAsk
  }

  private grow(): void {
    const n = this.sides.length * 2
    const sides = new Uint8Array(n)
    sides.set(this.sides)
    this.sides = sides
    for (const key of ["prices", "sizes", "bestBids", "bestAsks"] as const) {
      const next = new Float64Array(n)
      next.set(this[key])
      this[key] = next
    }
  }
}

/**
 * One decoded message. Reused: read it before decoding the next.
 *
 * @category models
 */
export class PolyMessage {
  kind: PolyMessageKind = "other"
  eventType = ""
  assetId = ""
  market = ""
  /** Epoch ms, -1 when the message did not state it */
  timestamp = 0
  readonly bids = new LevelBuffer()
  readonly asks = new LevelBuffer()
  /** Book: stated tick size in micro-dollars, 0 = not stated */
  tickSize = 0
  readonly changes = new ChangeBuffer()
  /** The decoded message for the Schema-decoded kinds */
  value: unknown = undefined
  error = ""
}

const readLevels = (u: unknown, into: LevelBuffer): boolean => {
  if (!Array.isArray(u)) return false
  into.count = 0
  for (let i = 0; i < u.length; i++) {
    const level = u[i]
    if (!isObject(level)) return false
    const p = dollarPrice(level["price"])
    const q = countQty(level["size"])
    if (p < 0 || q < 0) return false
    into.push(p, q)
  }
  return true
}

/** `opt(NullOr(String))` */
const optionalText = (u: unknown) => u === undefined || u === null || typeof u === "string"

const fastBook = (o: Record<string, unknown>, m: PolyMessage): boolean => {
  const asset = o["asset_id"]
  const market = o["market"]
  if (typeof asset !== "string" || asset.length === 0 || typeof market !== "string") return false
  const ts = optionalMillis(o["timestamp"])
  if (ts === -1 || !optionalText(o["hash"])) return false
  const tick = blankablePrice(o["tick_size"])
  if (tick === -1 || blankablePrice(o["last_trade_price"]) === -1 || blankableQty(o["min_order_size"]) === -1) return false
  if (!readLevels(o["bids"], m.bids) || !readLevels(o["asks"], m.asks)) return false
  m.assetId = asset
  m.market = market
  m.timestamp = ts === BLANK ? -1 : ts
  m.tickSize = tick === BLANK ? 0 : tick
  return true
}

const fastPriceChange = (o: Record<string, unknown>, m: PolyMessage): boolean => {
  const market = o["market"]
  const list = o["price_changes"]
  if (typeof market !== "string" || !Array.isArray(list)) return false
  const ts = optionalMillis(o["timestamp"])
  if (ts === -1) return false
  const changes = m.changes
  changes.count = 0
  for (let i = 0; i < list.length; i++) {
    const c = list[i]
    if (!isObject(c)) return false
    const asset = c["asset_id"]
    const side = c["side"]
    if (typeof asset !== "string" || asset.length === 0) return false
    const bid = side === "BUY" || side === "buy"
    if (!bid && side !== "SELL" && side !== "sell") return false
    const price = dollarPrice(c["price"])
    const size = blankableQty(c["size"])
    if (price < 0 || size === -1 || !optionalText(c["hash"])) return false
    const rawBid = c["best_bid"]
    const rawAsk = c["best_ask"]
    const bestBid = blankablePrice(rawBid)
    const bestAsk = blankablePrice(rawAsk)
    if (bestBid === -1 || bestAsk === -1) return false
    changes.push(
      asset,
      bid ? 0 : 1,
      price,
      size === BLANK ? -1 : size,
      bestBid === BLANK ? (rawBid === "" ? 0 : -1) : bestBid,
      bestAsk === BLANK ? (rawAsk === "" ? ONE : -1) : bestAsk
    )
  }
  m.market = market
  m.timestamp = ts === BLANK ? -1 : ts
  return true
}

const invalid = (m: PolyMessage, error: string): PolyMessage => {
  m.kind = "invalid"
  m.error = error
  return m
}

const fallback = (m: PolyMessage, o: Record<string, unknown>): PolyMessage => {
  if (m.eventType === "book") {
    const result = bookSchema(o)
    if (result._tag === "Failure") return invalid(m, result.failure.message)
    const b = result.success
    m.kind = "book"
    m.assetId = b.assetId
    m.market = b.market
    m.timestamp = b.timestamp
    m.tickSize = b.tickSize
    m.bids.fill(b.bids)
    m.asks.fill(b.asks)
    return m
  }
  const result = priceChangeSchema(o)
  if (result._tag === "Failure") return invalid(m, result.failure.message)
  const pc = result.success
  m.kind = "price_change"
  m.market = pc.market
  m.timestamp = pc.timestamp
  m.changes.count = 0
  for (const c of pc.changes) m.changes.push(c.assetId, c.side === "bid" ? 0 : 1, c.price, c.size, c.bestBid, c.bestAsk)
  return m
}

/**
 * Decodes one parsed message (an element of a frame) into `m`.
 *
 * @category decoding
 */
export const decodePolyMessage = (o: unknown, m: PolyMessage): PolyMessage => {
  m.value = undefined
  m.error = ""
  m.assetId = ""
  m.eventType = ""
  if (!isObject(o)) return invalid(m, "expected a JSON object")
  const type = o["event_type"]
  if (typeof type !== "string") return invalid(m, "expected a string `event_type`")
  m.eventType = type
  if (type === "price_change") {
    if (o["price_changes"] !== undefined && fastPriceChange(o, m)) {
      m.kind = "price_change"
      return m
    }
    return fallback(m, o)
  }
  if (type === "book") {
    if (fastBook(o, m)) {
      m.kind = "book"
      return m
    }
    return fallback(m, o)
  }
  if (type === "tick_size_change" || type === "last_trade_price" || type === "best_bid_ask" || type === "new_market" || type === "market_resolved") {
    const result = decoders[type](o)
    if (result._tag === "Failure") {
      if (typeof o["asset_id"] === "string") m.assetId = o["asset_id"]
      return invalid(m, result.failure.message)
    }
    m.kind = type
    m.value = result.success
    if (typeof o["asset_id"] === "string") m.assetId = o["asset_id"]
    return m
  }
  m.kind = "other"
  return m
}

/**
 * The specialised decoders alone, without the Schema fallback: for the tests that hold them to the
 * Schemas.
 *
 * @category testing
 */
export const fastPaths = { book: fastBook, priceChange: fastPriceChange } as const
