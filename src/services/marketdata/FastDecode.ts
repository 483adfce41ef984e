/**
 * Field checks for the hand-specialised WebSocket decoders. Each mirrors one Schema exactly (the
 * decoders' property tests hold them to it) and allocates nothing.
 *
 * @since 0.1.0
 */
import { ONE, parseScaled } from "../../schema/Money.ts"

/** A plain object (what `Schema.Struct` accepts). @category predicates */
export const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/** A safe integer (`Schema.Int`). @category predicates */
export const isInt = (u: unknown): u is number => typeof u === "number" && Number.isSafeInteger(u)

/** `PriceFromDollars`: a dollar string to a Price, or -1. @category parsing */
export const dollarPrice = (u: unknown): number => {
  if (typeof u !== "string") return -1
  const p = parseScaled(u)
  return p === undefined || p < 0 || p > ONE ? -1 : p
}

/** `QtyFromString`: a count string to a Qty, or -1. @category parsing */
export const countQty = (u: unknown): number => {
  if (typeof u !== "string") return -1
  const q = parseScaled(u)
  return q === undefined || q < 0 ? -1 : q
}

/** `MillisString`: epoch ms as a digit string or a number, or -1. @category parsing */
export const millis = (u: unknown): number => {
  if (typeof u === "number") return Number.isSafeInteger(u) && u >= 0 ? u : -1
  if (typeof u !== "string" || u.length === 0 || u.length > 16) return -1
  for (let i = 0; i < u.length; i++) {
    const c = u.charCodeAt(i)
    if (c < 48 || c > 57) return -1
  }
  const ms = Number(u)
  return Number.isSafeInteger(ms) ? ms : -1
}

/** {@link dollarPrice} of a `Blankable` field: `BLANK` when absent, `null` or `""`. @category parsing */
export const BLANK = -2

/** A `Blankable(PriceFromDollars)`: the price, {@link BLANK}, or -1 when invalid. @category parsing */
export const blankablePrice = (u: unknown): number => (u === undefined || u === null || u === "" ? BLANK : dollarPrice(u))

/** A `Blankable(QtyFromString)`: the size, {@link BLANK}, or -1 when invalid. @category parsing */
export const blankableQty = (u: unknown): number => (u === undefined || u === null || u === "" ? BLANK : countQty(u))

/** An optional `MillisString`: the epoch ms, {@link BLANK} when absent, or -1 when invalid. @category parsing */
export const optionalMillis = (u: unknown): number => (u === undefined ? BLANK : millis(u))
