/**
 * Exact money, prices and quantities.
 *
 * Every amount in arbees is an integer in a fixed unit, never a float:
 *
 * - `Micros`: money in micro-dollars (1e-6 USD). A balance, a fee, a P&L.
 * - `Price`: the price of one contract in micro-dollars, 0..1_000_000 (a winning contract pays $1).
 *   Kalshi quotes up to 6 decimals and Polymarket has 0.001 / 0.0001 ticks, all exact here.
 * - `Qty`: a number of contracts or shares in micro-units (1e-6). Kalshi counts carry 2 decimals
 *   (`"72612.49"`) and Polymarket sizes up to 6; both are exact.
 * - `QtyDelta`: a signed change of a `Qty` (Kalshi `delta_fp`).
 * - `Bps`: a ratio in basis points (1/10_000), for config knobs such as the Kelly fraction.
 *
 * All of them are safe integers. A product of two of them can pass 2^53, so products go through
 * {@link mulDiv}, which switches to BigInt when needed and rounds explicitly.
 *
 * Venue strings are parsed by {@link parseScaled}: a plain decimal, no exponent, no spaces, and no
 * more significant decimals than the unit holds. Anything else is rejected, never rounded.
 *
 * @since 0.1.0
 */
import { Schema, SchemaTransformation } from "effect"

/** Micro-units per whole unit: 1 dollar = 1_000_000 micros; 1 contract = 1_000_000 qty units. */
export const SCALE = 6
export const ONE = 1_000_000
/** One cent in micros. */
export const CENT = 10_000

/** How a quotient that is not exact becomes an integer. */
export type Rounding = "floor" | "ceil" | "halfUp" | "exact"

// ---------------------------------------------------------------------------
// Parsing and formatting (hot path: no regex, no BigInt in the common case)
// ---------------------------------------------------------------------------

const MAX_FAST_DIGITS = 15

/**
 * Parses a plain decimal string (`"-12.340"`, `"0.43"`, `"7"`) into an integer count of
 * 10^-scale units. Returns `undefined` when the text is not a plain decimal, when it has non-zero
 * digits beyond `scale` decimals, or when the result is not a safe integer.
 *
 * @category parsing
 */
export const parseScaled = (text: string, scale: number = SCALE): number | undefined => {
  const n = text.length
  if (n === 0 || n > 40) return undefined
  let i = 0
  let negative = false
  if (text.charCodeAt(0) === 45 /* - */) {
    negative = true
    i = 1
    if (n === 1) return undefined
  }
  let value = 0
  let digits = 0
  let intDigits = 0
  for (; i < n; i++) {
    const c = text.charCodeAt(i)
    if (c === 46 /* . */) break
    if (c < 48 || c > 57) return undefined
    value = value * 10 + (c - 48)
    if (value !== 0) digits++
    intDigits++
  }
  if (intDigits === 0) return undefined
  let fracDigits = 0
  if (i < n) {
    i++ // skip '.'
    if (i === n) return undefined // "1." is not a plain decimal
    for (; i < n; i++) {
      const c = text.charCodeAt(i)
      if (c < 48 || c > 57) return undefined
      const d = c - 48
      if (fracDigits < scale) {
        value = value * 10 + d
        if (value !== 0) digits++
        fracDigits++
      } else if (d !== 0) {
        return undefined // not exactly representable in this unit
      }
    }
  }
  if (digits > MAX_FAST_DIGITS) return parseScaledBig(text, scale)
  for (; fracDigits < scale; fracDigits++) value *= 10
  if (!Number.isSafeInteger(value)) return undefined
  return negative ? (value === 0 ? 0 : -value) : value
}

const parseScaledBig = (text: string, scale: number): number | undefined => {
  const negative = text.startsWith("-")
  const body = negative ? text.slice(1) : text
  const dot = body.indexOf(".")
  const intPart = dot === -1 ? body : body.slice(0, dot)
  let frac = dot === -1 ? "" : body.slice(dot + 1)
  frac = frac.replace(/0+$/, "")
  if (frac.length > scale) return undefined
  const big = BigInt(intPart + frac.padEnd(scale, "0"))
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) return undefined
  const value = Number(big)
  return negative ? -value : value
}

/**
 * Formats an integer count of 10^-scale units as a decimal string, with at least `minDecimals`
 * and at most `scale` decimals (trailing zeros beyond `minDecimals` are dropped). Exact: parsing
 * the result with the same scale gives the input back.
 *
 * @category formatting
 */
export const formatScaled = (value: number, scale: number = SCALE, minDecimals = 0): string => {
  if (!Number.isSafeInteger(value)) throw new RangeError(`formatScaled: not a safe integer, was ${value}`)
  const negative = value < 0
  const abs = String(negative ? -value : value).padStart(scale + 1, "0")
  const intPart = abs.slice(0, abs.length - scale)
  let frac = abs.slice(abs.length - scale)
  let end = frac.length
  while (end > minDecimals && frac.charCodeAt(end - 1) === 48) end--
  frac = frac.slice(0, end)
  return (negative ? "-" : "") + intPart + (frac.length > 0 ? "." + frac : "")
}

// ---------------------------------------------------------------------------
// Checked arithmetic
// ---------------------------------------------------------------------------

const assertSafe = (value: number, what: string): number => {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what}: result is not a safe integer, was ${value}`)
  return value
}

const roundQuotient = (num: bigint, den: bigint, rounding: Rounding): bigint => {
  if (den === 0n) throw new RangeError("mulDiv: division by zero")
  if (den < 0n) {
    num = -num
    den = -den
  }
  const q = num / den
  const r = num % den
  if (r === 0n) return q
  switch (rounding) {
    case "exact":
      throw new RangeError(`mulDiv: ${num}/${den} is not exact`)
    case "floor":
      return num < 0n ? q - 1n : q
    case "ceil":
      return num < 0n ? q : q + 1n
    case "halfUp": {
      const twice = (r < 0n ? -r : r) * 2n
      if (twice >= den) return num < 0n ? q - 1n : q + 1n
      return q
    }
  }
}

/**
 * `a × b / d` rounded as asked, for integers. Exact for any safe-integer inputs: it switches to
 * BigInt when `a × b` could pass 2^53. Throws `RangeError` when the result is not a safe integer
 * (corrupt data is worse than none).
 *
 * @category arithmetic
 */
export const mulDiv = (a: number, b: number, d: number, rounding: Rounding): number => {
  const product = a * b
  if (Number.isSafeInteger(product) && d !== 0) {
    const q = product / d
    if (Number.isInteger(q)) return q
    if (rounding === "exact") throw new RangeError(`mulDiv: ${a}*${b}/${d} is not exact`)
    if (rounding === "floor") return Math.floor(q)
    if (rounding === "ceil") return Math.ceil(q)
    return Number(roundQuotient(BigInt(product), BigInt(d), "halfUp"))
  }
  return assertSafe(Number(roundQuotient(BigInt(a) * BigInt(b), BigInt(d), rounding)), "mulDiv")
}

/** Checked sum of safe integers. */
export const add = (a: number, b: number): number => assertSafe(a + b, "add")
/** Checked difference of safe integers. */
export const sub = (a: number, b: number): number => assertSafe(a - b, "sub")
/** Checked sum of many safe integers. */
export const sum = (values: Iterable<number>): number => {
  let total = 0
  for (const v of values) total = assertSafe(total + v, "sum")
  return total
}

// ---------------------------------------------------------------------------
// Branded schemas
// ---------------------------------------------------------------------------

const isSafeInt = Schema.makeFilter<number>(
  (n) => Number.isSafeInteger(n) || `expected a safe integer, was ${n}`,
  { expected: "a safe integer" }
)

/**
 * Money in integer micro-dollars.
 *
 * @category schemas
 */
export const Micros = Schema.Number.check(isSafeInt).pipe(Schema.brand("Micros"))
export type Micros = typeof Micros.Type

/**
 * The price of one binary contract, in micro-dollars, from 0 to 1_000_000 inclusive.
 *
 * @category schemas
 */
export const Price = Micros.check(
  Schema.isBetween({ minimum: 0, maximum: ONE }, { expected: "a price between $0 and $1" })
).pipe(Schema.brand("Price"))
export type Price = typeof Price.Type

/**
 * A non-negative quantity of contracts or shares, in micro-units.
 *
 * @category schemas
 */
export const Qty = Schema.Number.check(isSafeInt, Schema.isGreaterThanOrEqualTo(0)).pipe(Schema.brand("Qty"))
export type Qty = typeof Qty.Type

/**
 * A signed change of a quantity, in micro-units.
 *
 * @category schemas
 */
export const QtyDelta = Schema.Number.check(isSafeInt).pipe(Schema.brand("QtyDelta"))
export type QtyDelta = typeof QtyDelta.Type

/**
 * A ratio in basis points (1 bps = 0.01%).
 *
 * @category schemas
 */
export const Bps = Schema.Number.check(isSafeInt).pipe(Schema.brand("Bps"))
export type Bps = typeof Bps.Type

// ---------------------------------------------------------------------------
// Constructors (throwing: for literals in code and tests; venue input goes through the schemas)
// ---------------------------------------------------------------------------

const construct = <A>(what: string, check: (n: number) => boolean) => (value: number): A => {
  if (!check(value)) throw new RangeError(`${what} out of range, was ${value}`)
  return value as A
}

/** @category constructors */
export const micros: (value: number) => Micros = construct("Micros", Number.isSafeInteger)
/** @category constructors */
export const price: (value: number) => Price = construct("Price", (n) => Number.isSafeInteger(n) && n >= 0 && n <= ONE)
/** @category constructors */
export const qty: (value: number) => Qty = construct("Qty", (n) => Number.isSafeInteger(n) && n >= 0)
/** @category constructors */
export const qtyDelta: (value: number) => QtyDelta = construct("QtyDelta", Number.isSafeInteger)
/** @category constructors */
export const bps: (value: number) => Bps = construct("Bps", Number.isSafeInteger)

const parseOrThrow = <A>(what: string, scale: number, make: (n: number) => A) => (text: string): A => {
  const value = parseScaled(text, scale)
  if (value === undefined) throw new RangeError(`${what}: not an exact decimal, was "${text}"`)
  return make(value)
}

/** `dollars("0.43")` → 430_000 micros. Throws on inexact input; for literals only. @category constructors */
export const dollars: (text: string) => Micros = parseOrThrow("dollars", SCALE, micros)
/** `priceOf("0.43")` → a Price of 430_000. Throws on inexact or out-of-range input. @category constructors */
export const priceOf: (text: string) => Price = parseOrThrow("price", SCALE, price)
/** `qtyOf("72612.49")` → a Qty. Throws on inexact or negative input. @category constructors */
export const qtyOf: (text: string) => Qty = parseOrThrow("qty", SCALE, qty)
/** `bpsOf("0.25")` → 2_500 bps. @category constructors */
export const bpsOf: (text: string) => Bps = parseOrThrow("bps", 4, bps)

// ---------------------------------------------------------------------------
// Schemas from venue encodings
// ---------------------------------------------------------------------------

const decimalFilter = (scale: number, what: string) =>
  Schema.makeFilter<string>(
    (s) => parseScaled(s, scale) !== undefined || `expected ${what}, was ${JSON.stringify(s)}`,
    { expected: what }
  )

const fromDecimalString = <S extends Schema.Top & { readonly Encoded: number; readonly Type: number }>(
  to: S,
  scale: number,
  what: string,
  minDecimals: number
) =>
  Schema.String.check(decimalFilter(scale, what)).pipe(
    Schema.decodeTo(
      to,
      SchemaTransformation.transform({
        decode: (s: string) => parseScaled(s, scale)!,
        encode: (n: number) => formatScaled(n, scale, minDecimals)
      })
    )
  )

/**
 * A dollar string (`"0.4300"`, `"0.999"`) to a {@link Price}. Rejects more than 6 significant
 * decimals and anything outside $0..$1.
 *
 * @category schemas
 */
export const PriceFromDollars = fromDecimalString(Price, SCALE, "a decimal price with at most 6 decimals", 2)

/**
 * A dollar string to signed {@link Micros} (balances, fees, P&L).
 *
 * @category schemas
 */
export const MicrosFromDollars = fromDecimalString(Micros, SCALE, "a decimal dollar amount with at most 6 decimals", 2)

/**
 * A contract or share count string (`"72612.49"`, `"219.217767"`) to a {@link Qty}.
 *
 * @category schemas
 */
export const QtyFromString = fromDecimalString(Qty, SCALE, "a decimal quantity with at most 6 decimals", 0)

/**
 * A signed count string (Kalshi `delta_fp`, `"-54.00"`) to a {@link QtyDelta}.
 *
 * @category schemas
 */
export const QtyDeltaFromString = fromDecimalString(QtyDelta, SCALE, "a signed decimal quantity with at most 6 decimals", 0)

/**
 * A ratio string or number-as-string (`"0.25"`) to {@link Bps}.
 *
 * @category schemas
 */
export const BpsFromString = fromDecimalString(Bps, 4, "a decimal ratio with at most 4 decimals", 0)

/**
 * A legacy integer-cent price (Kalshi `yes_bid: 42`) to a {@link Price}.
 *
 * @category schemas
 */
export const PriceFromCents = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 100 })).pipe(
  Schema.decodeTo(
    Price,
    SchemaTransformation.transform({
      decode: (cents: number) => cents * CENT,
      encode: (p: number) => p / CENT
    })
  )
)

/**
 * A legacy whole-contract count (Kalshi `delta: -54`, orderbook `[42, 13]`) to a {@link Qty}.
 *
 * @category schemas
 */
export const QtyFromContracts = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)).pipe(
  Schema.decodeTo(
    Qty,
    SchemaTransformation.transform({
      decode: (n: number) => n * ONE,
      encode: (q: number) => q / ONE
    })
  )
)

/**
 * A legacy signed whole-contract change to a {@link QtyDelta}.
 *
 * @category schemas
 */
export const QtyDeltaFromContracts = Schema.Int.pipe(
  Schema.decodeTo(
    QtyDelta,
    SchemaTransformation.transform({
      decode: (n: number) => n * ONE,
      encode: (q: number) => q / ONE
    })
  )
)

// ---------------------------------------------------------------------------
// Domain arithmetic on the branded types
// ---------------------------------------------------------------------------

/** The price of the other outcome of a binary contract: $1 − p. @category arithmetic */
export const complement = (p: Price): Price => (ONE - p) as Price

/**
 * The cost of `q` contracts at price `p`, in micros, rounded as asked. Buying rounds up against
 * us (`"ceil"`), proceeds round down (`"floor"`).
 *
 * @category arithmetic
 */
export const notional = (p: Price, q: Qty, rounding: Rounding): Micros => mulDiv(p, q, ONE, rounding) as Micros

/** `amount × bps / 10_000`, rounded as asked. @category arithmetic */
export const applyBps = (amount: Micros, ratio: Bps, rounding: Rounding): Micros =>
  mulDiv(amount, ratio, 10_000, rounding) as Micros

/** Rounds micros to a whole cent. @category arithmetic */
export const toCent = (amount: Micros, rounding: Exclude<Rounding, "exact">): Micros =>
  (mulDiv(amount, 1, CENT, rounding) * CENT) as Micros

/** `"$0.43"`-style text for logs and CLI output: at least 2 decimals, exact. @category formatting */
export const formatDollars = (amount: Micros | Price): string => formatScaled(amount, SCALE, 2)

/** Quantity text, exact, no trailing zeros. @category formatting */
export const formatQty = (q: Qty | QtyDelta): string => formatScaled(q, SCALE, 0)

// ---------------------------------------------------------------------------
// Database encodings (Postgres bigint columns arrive as JS bigint)
// ---------------------------------------------------------------------------

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const SafeBigInt = Schema.BigInt.check(
  Schema.makeFilter((b: bigint) => (b <= MAX_SAFE && b >= -MAX_SAFE) || `expected a safe integer, was ${b}`)
)
const fromBigInt = <S extends Schema.Top & { readonly Encoded: number; readonly Type: number }>(to: S) =>
  SafeBigInt.pipe(
    Schema.decodeTo(
      to,
      SchemaTransformation.transform({ decode: (b: bigint) => Number(b), encode: (n: number) => BigInt(n) })
    )
  )

/** A `bigint` column of micro-dollars. @category schemas */
export const MicrosFromBigInt = fromBigInt(Micros)
/** A `bigint` column holding a price in micro-dollars. @category schemas */
export const PriceFromBigInt = fromBigInt(Price)
/** A `bigint` column holding a quantity in micro-units. @category schemas */
export const QtyFromBigInt = fromBigInt(Qty)
