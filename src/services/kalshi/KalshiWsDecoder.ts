/**
 * The fast path for Kalshi WebSocket frames.
 *
 * `orderbook_snapshot` and `orderbook_delta` are decoded by straight-line code into one reusable
 * {@link KalshiFrame}: fields are checked exactly as `KalshiWsSchemas.ts` specifies (a property
 * test holds the two to the same accept/reject decisions and values), decimals are parsed by
 * `Money.parseScaled` straight into typed arrays, and nothing is allocated per level. Every other
 * frame type is rare and goes through its Schema. A frame either decodes completely or is
 * `invalid` with the Schema's own error message; nothing is half-applied.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { CENT, ONE, parseScaled } from "../../schema/Money.ts"
import { countQty, dollarPrice, isInt, isObject } from "../marketdata/FastDecode.ts"
import { LevelBuffer } from "../marketdata/LevelBuffer.ts"
import {
  KalshiDeltaMessage,
  KalshiErrorMessage,
  KalshiOk,
  KalshiSnapshotMessage,
  KalshiSubscribed,
  KalshiTickerMessage,
  KalshiTradeMessage,
  KalshiUnsubscribed
} from "./KalshiWsSchemas.ts"

/** @category models */
export type KalshiFrameKind = "snapshot" | "delta" | "ticker" | "trade" | "subscribed" | "ok" | "unsubscribed" | "error" | "other" | "invalid"

const decoders = {
  ticker: Schema.decodeUnknownResult(KalshiTickerMessage),
  trade: Schema.decodeUnknownResult(KalshiTradeMessage),
  subscribed: Schema.decodeUnknownResult(KalshiSubscribed),
  ok: Schema.decodeUnknownResult(KalshiOk),
  unsubscribed: Schema.decodeUnknownResult(KalshiUnsubscribed),
  error: Schema.decodeUnknownResult(KalshiErrorMessage)
}
const snapshotSchema = Schema.decodeUnknownResult(KalshiSnapshotMessage)
const deltaSchema = Schema.decodeUnknownResult(KalshiDeltaMessage)

/**
 * One decoded frame. Reused for every frame of a connection: read it before decoding the next.
 *
 * @category models
 */
export class KalshiFrame {
  kind: KalshiFrameKind = "other"
  /** The envelope `type` (also for `other`) */
  type = ""
  /** Command id, -1 when absent */
  id = -1
  sid = -1
  seq = -1
  ticker = ""
  side: "yes" | "no" = "yes"
  /** Delta: price in micro-dollars and signed change in micro-contracts */
  price = 0
  delta = 0
  venueTs = -1
  readonly yes = new LevelBuffer()
  readonly no = new LevelBuffer()
  /** The decoded message for the Schema-decoded kinds */
  value: unknown = undefined
  /** Why the frame is invalid */
  error = ""
}

/** Integer cents 0..100 to a Price, or -1. */
const centPrice = (u: unknown): number => (isInt(u) && u >= 0 && u <= 100 ? u * CENT : -1)
/** Whole contracts to a Qty, or -1. */
const contractsQty = (u: unknown): number => {
  if (!isInt(u) || u < 0) return -1
  const q = u * ONE
  return Number.isSafeInteger(q) ? q : -1
}

const scratch = new LevelBuffer()

/** Reads `[[price, size], ...]` into `into` (or only checks it when `into` is the scratch). */
const readLevels = (u: unknown, into: LevelBuffer, price: (u: unknown) => number, size: (u: unknown) => number): boolean => {
  if (!Array.isArray(u)) return false
  into.count = 0
  for (let i = 0; i < u.length; i++) {
    const level = u[i]
    if (!Array.isArray(level) || level.length !== 2) return false
    const p = price(level[0])
    const q = size(level[1])
    if (p < 0 || q < 0) return false
    into.push(p, q)
  }
  return true
}

/** One outcome's snapshot side: the first present variant wins, every present one must be valid. */
const readSide = (msg: Record<string, unknown>, fp: string, dollarsInt: string, cents: string, into: LevelBuffer): boolean => {
  // `null` is an empty side, like an absent key (the Schemas' `ArrayOrNull`)
  const a = msg[fp] ?? undefined
  const b = msg[dollarsInt] ?? undefined
  const c = msg[cents] ?? undefined
  into.count = 0
  if (a !== undefined && !readLevels(a, into, dollarPrice, countQty)) return false
  if (b !== undefined && !readLevels(b, a === undefined ? into : scratch, dollarPrice, contractsQty)) return false
  if (c !== undefined && !readLevels(c, a === undefined && b === undefined ? into : scratch, centPrice, contractsQty)) return false
  return true
}

/** `sid` and `seq` are positive (`PositiveInt`): a negative seq would skip the sequence check. */
const positive = (u: unknown): u is number => isInt(u) && u >= 1

const fastSnapshot = (o: Record<string, unknown>, f: KalshiFrame): boolean => {
  const msg = o["msg"]
  if (!positive(o["sid"]) || !positive(o["seq"]) || !isObject(msg)) return false
  const ticker = msg["market_ticker"]
  if (typeof ticker !== "string" || ticker.length === 0) return false
  if (!readSide(msg, "yes_dollars_fp", "yes_dollars", "yes", f.yes) || !readSide(msg, "no_dollars_fp", "no_dollars", "no", f.no)) return false
  f.sid = o["sid"]
  f.seq = o["seq"]
  f.ticker = ticker
  return true
}

const fastDelta = (o: Record<string, unknown>, f: KalshiFrame): boolean => {
  const msg = o["msg"]
  if (!positive(o["sid"]) || !positive(o["seq"]) || !isObject(msg)) return false
  const ticker = msg["market_ticker"]
  const side = msg["side"]
  if (typeof ticker !== "string" || ticker.length === 0 || (side !== "yes" && side !== "no")) return false
  const pd = msg["price_dollars"]
  const pc = msg["price"]
  const dfp = msg["delta_fp"]
  const dc = msg["delta"]
  let price = -1
  if (pd !== undefined) {
    price = dollarPrice(pd)
    if (price < 0) return false
  }
  if (pc !== undefined) {
    const cents = centPrice(pc)
    if (cents < 0) return false
    if (price < 0) price = cents
  }
  if (price < 0) return false
  let delta: number | undefined
  if (dfp !== undefined) {
    if (typeof dfp !== "string") return false
    delta = parseScaled(dfp)
    if (delta === undefined) return false
  }
  if (dc !== undefined) {
    if (!isInt(dc) || !Number.isSafeInteger(dc * ONE)) return false
    delta ??= dc * ONE
  }
  if (delta === undefined) return false
  const tsMs = msg["ts_ms"]
  if (tsMs !== undefined && !isInt(tsMs)) return false
  const ts = msg["ts"]
  if (ts !== undefined && typeof ts !== "string" && typeof ts !== "number") return false
  const coid = msg["client_order_id"]
  if (coid !== undefined && typeof coid !== "string") return false
  f.sid = o["sid"]
  f.seq = o["seq"]
  f.ticker = ticker
  f.side = side
  f.price = price
  f.delta = delta
  f.venueTs = tsMs === undefined ? -1 : tsMs
  return true
}

const invalid = (f: KalshiFrame, error: string): KalshiFrame => {
  f.kind = "invalid"
  f.error = error
  return f
}

/**
 * Decodes a parsed frame into `f`. `sid`/`seq` are filled whenever the envelope has them, even for
 * an invalid frame, so the stream can treat a lost order-book message as a gap.
 *
 * @category decoding
 */
export const decodeKalshiValue = (o: unknown, f: KalshiFrame): KalshiFrame => {
  f.value = undefined
  f.error = ""
  f.id = -1
  f.sid = -1
  f.seq = -1
  if (!isObject(o)) return invalid(f, "expected a JSON object")
  const type = o["type"]
  if (typeof type !== "string") return invalid(f, "expected a string `type`")
  f.type = type
  if (isInt(o["id"])) f.id = o["id"]
  if (type === "orderbook_delta") {
    if (fastDelta(o, f)) {
      f.kind = "delta"
      return f
    }
    return schemaFallback(f, o)
  }
  if (type === "orderbook_snapshot") {
    if (fastSnapshot(o, f)) {
      f.kind = "snapshot"
      return f
    }
    return schemaFallback(f, o)
  }
  if (type === "ticker" || type === "trade" || type === "subscribed" || type === "ok" || type === "unsubscribed" || type === "error") {
    const result = decoders[type](o)
    if (result._tag === "Failure") return invalid(f, result.failure.message)
    f.kind = type
    f.value = result.success
    if (isInt(o["sid"])) f.sid = o["sid"]
    if (isInt(o["seq"])) f.seq = o["seq"]
    return f
  }
  f.kind = "other"
  return f
}

/**
 * The fast path said no: the Schema decides. It names the problem, or (for a shape the fast path
 * does not specialise) accepts the frame, whose values are then copied into `f`.
 */
const schemaFallback = (f: KalshiFrame, o: Record<string, unknown>): KalshiFrame => {
  if (isInt(o["sid"])) f.sid = o["sid"]
  if (isInt(o["seq"])) f.seq = o["seq"]
  if (f.type === "orderbook_delta") {
    const result = deltaSchema(o)
    if (result._tag === "Failure") return invalid(f, result.failure.message)
    const d = result.success
    f.kind = "delta"
    f.ticker = d.ticker
    f.side = d.side
    f.price = d.price
    f.delta = d.delta
    f.venueTs = d.venueTs
    return f
  }
  const result = snapshotSchema(o)
  if (result._tag === "Failure") return invalid(f, result.failure.message)
  const s = result.success
  f.kind = "snapshot"
  f.ticker = s.ticker
  f.yes.fill(s.yes)
  f.no.fill(s.no)
  return f
}

/**
 * Parses and decodes one text frame into `f`.
 *
 * @category decoding
 */
export const decodeKalshiFrame = (text: string, f: KalshiFrame): KalshiFrame => {
  let o: unknown
  try {
    o = JSON.parse(text)
  } catch {
    f.id = -1
    f.sid = -1
    f.seq = -1
    f.type = ""
    return invalid(f, `malformed JSON: ${text.slice(0, 80)}`)
  }
  return decodeKalshiValue(o, f)
}

/**
 * The specialised decoders alone, without the Schema fallback: for the tests that hold them to the
 * Schemas.
 *
 * @category testing
 */
export const fastPaths = { delta: fastDelta, snapshot: fastSnapshot } as const
