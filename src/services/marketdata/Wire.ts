/**
 * Small Schemas for venue wire formats, shared by the Kalshi and Polymarket decoders: exact
 * decimals that arrive as JSON numbers, timestamps in their many spellings, and arrays that the
 * venues send as `null` when empty.
 *
 * @since 0.1.0
 */
import { Schema, SchemaTransformation } from "effect"
import { formatScaled, parseScaled } from "../../schema/Money.ts"

/**
 * A decimal that arrives as a JSON number or a string (`0.5`, `"0.5"`, `1`), as an exact integer
 * count of 10^-scale units. A JSON number is read through its shortest round-trip spelling, which
 * is the decimal the venue wrote for any value with at most 15 significant digits; anything that
 * is not exactly representable at `scale` is rejected, never rounded.
 *
 * @category schemas
 */
export const ScaledDecimal = (scale: number) => {
  const read = (input: number | string) => parseScaled(typeof input === "number" ? String(input) : input, scale)
  return Schema.Union([Schema.Number, Schema.String]).check(
    Schema.makeFilter((input: number | string) =>
      read(input) !== undefined || `expected a decimal with at most ${scale} decimals, was ${JSON.stringify(input)}`
    )
  ).pipe(
    Schema.decodeTo(
      Schema.Number,
      SchemaTransformation.transform<number, number | string>({ decode: (input) => read(input)!, encode: (n) => formatScaled(n, scale) })
    )
  )
}

/** A ratio or multiplier in millionths (`0.5` → 500_000). @category schemas */
export const Millionths = ScaledDecimal(6)

/**
 * An ISO-8601 timestamp (`"2026-04-09T10:32:47.890506Z"`) as epoch milliseconds.
 *
 * @category schemas
 */
export const IsoMillis = Schema.String.check(
  Schema.makeFilter((s: string) =>
    (/^\d{4}-\d{2}-\d{2}T/.test(s) && Number.isFinite(Date.parse(s))) || `expected an ISO-8601 timestamp, was ${JSON.stringify(s)}`
  )
).pipe(
  Schema.decodeTo(
    Schema.Number,
    SchemaTransformation.transform({ decode: (s: string) => Date.parse(s), encode: (ms: number) => new Date(ms).toISOString() })
  )
)

const SPACED = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/

/**
 * Parses the timestamp spellings venues use, ISO or not: `"2026-08-14 21:00:00+00"` (Gamma
 * `gameStartTime`), `"2026-08-14T21:00:00Z"`, `"2026-08-14 21:00"`. A missing zone is UTC.
 * Returns epoch ms, or `undefined`.
 *
 * @category parsing
 */
export const parseLooseTimestamp = (text: string): number | undefined => {
  const m = SPACED.exec(text.trim())
  if (m === null) return undefined
  const [, y, mo, d, h, mi, s, frac, zone] = m
  const ms = frac === undefined ? 0 : Number(frac.padEnd(3, "0").slice(0, 3))
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? "0"), ms)
  let offset = 0
  if (zone !== undefined && zone !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1
    const digits = zone.slice(1).replace(":", "")
    offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0")) * 60_000
  }
  const result = utc - offset
  return Number.isFinite(result) ? result : undefined
}

/**
 * A timestamp in any spelling {@link parseLooseTimestamp} reads, as epoch milliseconds.
 *
 * @category schemas
 */
export const LooseTimestampMillis = Schema.String.check(
  Schema.makeFilter((s: string) => parseLooseTimestamp(s) !== undefined || `expected a timestamp, was ${JSON.stringify(s)}`)
).pipe(
  Schema.decodeTo(
    Schema.Number,
    SchemaTransformation.transform({ decode: (s: string) => parseLooseTimestamp(s)!, encode: (ms: number) => new Date(ms).toISOString() })
  )
)

/**
 * Epoch milliseconds sent as a decimal string (`"1790658674035"`, Polymarket) or a number.
 *
 * @category schemas
 */
const readMillis = (input: number | string): number => {
  const ms = typeof input === "number" ? input : /^\d{1,16}$/.test(input) ? Number(input) : Number.NaN
  return Number.isSafeInteger(ms) && ms >= 0 ? ms : Number.NaN
}

export const MillisString = Schema.Union([Schema.Number, Schema.String]).check(
  Schema.makeFilter((input: number | string) => !Number.isNaN(readMillis(input)) || `expected epoch milliseconds, was ${JSON.stringify(input)}`)
).pipe(
  Schema.decodeTo(Schema.Number, SchemaTransformation.transform<number, number | string>({ decode: readMillis, encode: (ms) => String(ms) }))
)

/**
 * An array that the venue may send as `null` (or leave out) when empty; decodes to an array.
 *
 * @category schemas
 */
export const ArrayOrNull = <S extends Schema.Top>(item: S) =>
  Schema.optionalKey(Schema.NullOr(Schema.Array(item)))

/**
 * An optional field the venue may send as absent, `null` or `""` (Polymarket's spelling of "no
 * value"): all three decode as `null`; anything else must be a valid `item`.
 *
 * @category schemas
 */
export const Blankable = <S extends Schema.Top>(item: S) => Schema.optionalKey(Schema.Union([Schema.Null, Schema.Literal(""), item]))

/** The value of a {@link Blankable} field, `undefined` when blank. @category accessors */
export const unblank = <A>(value: A | null | "" | undefined): A | undefined => (value === null || value === "" ? undefined : value)

/**
 * An element of a list page that did not decode: kept in place of the element by {@link Elements}
 * so the rest of the page survives, and dead-lettered by the client that fetched it.
 *
 * @category models
 */
export class Rejected {
  readonly _tag = "Rejected"
  /** Position in the list */
  readonly index: number
  /** The Schema's reason, on one line */
  readonly error: string
  /** The element as received */
  readonly payload: unknown
  /** Its id (ticker, condition id, ...) when it has a readable one */
  readonly id: string | undefined
  constructor(index: number, error: string, payload: unknown, id: string | undefined) {
    this.index = index
    this.error = error
    this.payload = payload
    this.id = id
  }
}

/** @category predicates */
export const isRejected = (u: unknown): u is Rejected => u instanceof Rejected

const idOf = (u: unknown, keys: ReadonlyArray<string>): string | undefined => {
  if (typeof u !== "object" || u === null) return undefined
  for (const k of keys) {
    const v = (u as Record<string, unknown>)[k]
    if (typeof v === "string" && v.length > 0) return v
    if (typeof v === "number") return String(v)
  }
  return undefined
}

/**
 * A list whose elements decode one by one: a good element is its decoded value, a bad one a
 * {@link Rejected} with the reason (one bad market never hides a league). `null` or absent decodes
 * as an empty list. `idKeys` name the fields that identify an element in its dead letter.
 *
 * @category schemas
 */
export const ElementList = <A>(item: Schema.Codec<A, any, never, never>, idKeys: ReadonlyArray<string> = ["id"]) => {
  const decode = Schema.decodeUnknownResult(item)
  return Schema.NullOr(Schema.Array(Schema.Unknown)).pipe(
      Schema.decodeTo(
        Schema.declare((u): u is ReadonlyArray<A | Rejected> => Array.isArray(u)),
        SchemaTransformation.transform<ReadonlyArray<A | Rejected>, ReadonlyArray<unknown> | null>({
          decode: (list) =>
            (list ?? []).map((u, i) => {
              const r = decode(u)
              return r._tag === "Success" ? r.success : new Rejected(i, r.failure.message.replace(/\s*\n\s*/g, " "), u, idOf(u, idKeys))
            }),
          encode: (list) => list as ReadonlyArray<unknown>
        })
      )
    )
}

/** An optional {@link ElementList} field. @category schemas */
export const Elements = <A>(item: Schema.Codec<A, any, never, never>, idKeys: ReadonlyArray<string> = ["id"]) =>
  Schema.optionalKey(ElementList(item, idKeys))

/** The decoded elements of an {@link Elements} list, and the rejected ones. @category accessors */
export const splitElements = <A>(list: ReadonlyArray<A | Rejected> | undefined): { readonly items: Array<A>; readonly rejected: Array<Rejected> } => {
  const items: Array<A> = []
  const rejected: Array<Rejected> = []
  for (const x of list ?? []) {
    if (x instanceof Rejected) rejected.push(x)
    else items.push(x)
  }
  return { items, rejected }
}
