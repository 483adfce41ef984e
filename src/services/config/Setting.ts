/**
 * One configuration setting: its type (a Schema that decodes from text), its default and its
 * documentation. The spec in `ConfigSpec.ts` is a tree of these.
 *
 * Every value reaches a setting as text (environment, flags) or as a JSON/YAML scalar (file);
 * scalars are turned into their text form first, so `0.25`, `"0.25"` and `ARBEES_X=0.25` decode
 * the same way, through the same Schema.
 *
 * @since 0.1.0
 */
import { Duration, Redacted, Result, Schema, SchemaTransformation } from "effect"
import * as Money from "../../schema/Money.ts"

/** @category models */
export interface SettingType<A> {
  /** What a valid value looks like, for error messages and `arbees config --help` */
  readonly expected: string
  readonly schema: Schema.Codec<A, string>
  /** A JSON-able rendering of a value; secrets render as `<redacted>` */
  readonly display: (value: A) => unknown
  /** The accepted range, for the README table and `arbees config --help` (`100ms to 10m`) */
  readonly range?: string
}

/** @category models */
export class Setting<A> {
  readonly _tag = "Setting"
  readonly type: SettingType<A>
  /** The built-in default, in its decoded form; `undefined` means unset unless configured */
  readonly defaultValue: A | undefined
  readonly description: string
  readonly options: {
    /** Never printed, never echoed in an error message */
    readonly secret?: boolean
    /** Standard environment variables that also set this key (after the `ARBEES_` one) */
    readonly env?: ReadonlyArray<string>
  }
  constructor(type: SettingType<A>, defaultValue: A | undefined, description: string, options: Setting<A>["options"] = {}) {
    this.type = type
    this.defaultValue = defaultValue
    this.description = description
    this.options = options
  }
}

/** A setting with a default: its value is always present. @category constructors */
export const setting = <A>(type: SettingType<A>, defaultValue: A, description: string, options?: Setting<A>["options"]) =>
  new Setting<A>(type, defaultValue, description, options)

/** A setting that may stay unset. @category constructors */
export const optional = <A>(type: SettingType<A>, description: string, options?: Setting<A>["options"]) =>
  new Setting<A | undefined>(type as SettingType<A | undefined>, undefined, description, options)

/** Decodes text for a setting, or says what was expected. @category decoding */
export const decodeText = <A>(type: SettingType<A>, text: string): Result.Result<A, string> => {
  const result = Schema.decodeUnknownResult(type.schema)(text)
  return Result.isSuccess(result) ? Result.succeed(result.success) : Result.fail(type.expected)
}

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

const make = <A>(expected: string, schema: Schema.Codec<A, string>, display: (value: A) => unknown, range?: string): SettingType<A> => ({
  expected,
  schema,
  display,
  ...(range === undefined ? {} : { range })
})

/** Free text. @category types */
export const text: SettingType<string> = make("text", Schema.String, (s) => s)

/** Non-empty text. @category types */
export const nonEmptyText: SettingType<string> = make("non-empty text", Schema.NonEmptyString, (s) => s)

/** A comma-separated list of names (`a-z`, digits, `_`). @category types */
export const names: SettingType<ReadonlyArray<string>> = make(
  "a comma-separated list of names such as model_edge,arbitrage",
  Schema.String.check(Schema.makeFilter((s: string) => s.split(",").map((x) => x.trim()).filter((x) => x.length > 0).every((x) => /^[a-z][a-z0-9_]*$/.test(x)))).pipe(
    Schema.decodeTo(
      Schema.Array(Schema.String),
      SchemaTransformation.transform({
        decode: (s: string): ReadonlyArray<string> => s.split(",").map((x) => x.trim()).filter((x) => x.length > 0),
        encode: (xs: ReadonlyArray<string>) => xs.join(",")
      })
    )
  ) as unknown as Schema.Codec<ReadonlyArray<string>, string>,
  (xs) => xs
)

/** A JSON object (from a file's nested mapping, or JSON text in the environment or a flag). @category types */
export const jsonObject: SettingType<Readonly<Record<string, unknown>>> = make(
  "a JSON object such as {\"lagging_market\":{\"minJump\":0.1}}",
  Schema.fromJsonString(Schema.Record(Schema.String, Schema.Unknown)) as unknown as Schema.Codec<Readonly<Record<string, unknown>>, string>,
  (o) => o
)

/** One of a closed set of words. @category types */
export const oneOf = <const L extends ReadonlyArray<string>>(values: L): SettingType<L[number]> =>
  make(`one of ${values.join(", ")}`, Schema.Literals(values) as unknown as Schema.Codec<L[number], string>, (s) => s)

/** A comma-separated list drawn from a closed set. @category types */
export const listOf = <const L extends ReadonlyArray<string>>(values: L): SettingType<ReadonlyArray<L[number]>> => {
  const allowed = new Set<string>(values)
  const schema = Schema.String.check(
    Schema.makeFilter((s: string) =>
      s.split(",").map((x) => x.trim()).filter((x) => x.length > 0).every((x) => allowed.has(x))
    )
  ).pipe(
    Schema.decodeTo(
      Schema.Array(Schema.Literals(values)),
      SchemaTransformation.transform({
        decode: (s: string): ReadonlyArray<L[number]> => s.split(",").map((x) => x.trim()).filter((x) => x.length > 0) as Array<L[number]>,
        encode: (xs: ReadonlyArray<L[number]>) => xs.join(",")
      })
    )
  )
  return make(`a comma-separated list of ${values.join(", ")}`, schema as unknown as Schema.Codec<ReadonlyArray<L[number]>, string>, (xs) => xs)
}

const BooleanWords = Schema.Literals(["true", "false", "1", "0", "yes", "no"])
const BooleanText = BooleanWords.pipe(
  Schema.decodeTo(
    Schema.Boolean,
    SchemaTransformation.transform({
      decode: (s: typeof BooleanWords.Type) => s === "true" || s === "1" || s === "yes",
      encode: (b: boolean): typeof BooleanWords.Type => (b ? "true" : "false")
    })
  )
)
/** `true`/`false` (also `1`/`0`, `yes`/`no`). @category types */
export const bool: SettingType<boolean> = make("true or false", BooleanText, (b) => b)

/** An integer within bounds. @category types */
export const int = (minimum: number, maximum: number): SettingType<number> =>
  make(
    `an integer from ${minimum} to ${maximum}`,
    Schema.NumberFromString.check(Schema.isInt(), Schema.isBetween({ minimum, maximum })),
    (n) => n,
    `${minimum} to ${maximum}`
  )

// The unit is required: a bare `5` once meant 5 ms where 5 s was meant
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|millis|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?|d|days?)$/
const unitMillis = (unit: string): number => {
  if (unit.startsWith("ms") || unit.startsWith("milli")) return 1
  if (unit === "s" || unit.startsWith("sec")) return 1_000
  if (unit === "m" || unit.startsWith("min")) return 60_000
  if (unit === "h" || unit.startsWith("hour")) return 3_600_000
  return 86_400_000
}
const parseMillis = (s: string): number | undefined => {
  const match = DURATION.exec(s.trim())
  return match === null ? undefined : Math.round(Number(match[1]) * unitMillis(match[2]!))
}

/** `1500` → `1500ms`, `30000` → `30s`, `3600000` → `1h`: the largest whole unit. @category formatting */
export const formatMillis = (ms: number): string => {
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1_000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`
  }
  return `${ms}ms`
}

/**
 * A duration with a unit (`30s`, `500ms`, `5 minutes`, `6h`) from `minimum` to `maximum`
 * (milliseconds), both included.
 *
 * @category types
 */
export const durationIn = (minimum: number, maximum: number): SettingType<Duration.Duration> => {
  const inRange = (s: string) => {
    const ms = parseMillis(s)
    return ms !== undefined && ms >= minimum && ms <= maximum
  }
  return make(
    `a duration with a unit from ${formatMillis(minimum)} to ${formatMillis(maximum)}, such as 30s, 500ms, 5m or 6h`,
    Schema.String.check(Schema.makeFilter(inRange)).pipe(
      Schema.decodeTo(
        Schema.Duration,
        SchemaTransformation.transform({
          decode: (s: string) => Duration.millis(parseMillis(s)!),
          encode: (d: Duration.Duration) => `${Duration.toMillis(d)}ms`
        })
      )
    ),
    (d) => Duration.format(d),
    `${formatMillis(minimum)} to ${formatMillis(maximum)}`
  )
}

/** A non-zero duration up to 30 days. @category types */
export const duration: SettingType<Duration.Duration> = durationIn(1, 30 * 86_400_000)

/** A timeout: at least 100 ms (less fails on any real network), at most 10 minutes. @category types */
export const timeout: SettingType<Duration.Duration> = durationIn(100, 10 * 60_000)

/** How often something repeats: at least 100 ms (never a busy loop), at most a day. @category types */
export const interval: SettingType<Duration.Duration> = durationIn(100, 86_400_000)

/** A non-negative dollar amount, exact to the micro-dollar. @category types */
export const dollars: SettingType<Money.Micros> = make(
  "a non-negative dollar amount such as 100 or 12.50",
  Money.MicrosFromDollars.check(Schema.isGreaterThanOrEqualTo(0)) as unknown as Schema.Codec<Money.Micros, string>,
  (m) => Money.formatDollars(m),
  "0 or more"
)

/** A contract price from $0 to $1. @category types */
export const price: SettingType<Money.Price> = make(
  "a price from 0 to 1 such as 0.95",
  Money.PriceFromDollars as unknown as Schema.Codec<Money.Price, string>,
  (p) => Money.formatDollars(p),
  "0 to 1"
)

/** A ratio from 0 to 1 (`0.25` = 25%), held exactly in basis points. @category types */
export const ratio: SettingType<Money.Bps> = make(
  "a ratio from 0 to 1 with at most 4 decimals, such as 0.25",
  Money.BpsFromString.check(Schema.isBetween({ minimum: 0, maximum: 10_000 })) as unknown as Schema.Codec<Money.Bps, string>,
  (b) => Money.formatScaled(b, 4),
  "0 to 1"
)

/** An http(s) or ws(s) URL. @category types */
export const url: SettingType<string> = make(
  "a URL such as https://host/path",
  Schema.String.check(
    Schema.makeFilter((s: string) => {
      if (!URL.canParse(s)) return false
      return ["http:", "https:", "ws:", "wss:"].includes(new URL(s).protocol)
    })
  ),
  (s) => s
)

/** A TCP port (0 lets the OS choose). @category types */
export const port: SettingType<number> = int(0, 65_535)

/** A secret; decoded into `Redacted` so it cannot be logged by accident. @category types */
export const secret: SettingType<Redacted.Redacted<string>> = make(
  "a non-empty secret",
  Schema.NonEmptyString.pipe(
    Schema.decodeTo(
      Schema.Redacted(Schema.String),
      SchemaTransformation.transform({
        decode: (s: string) => Redacted.make(s),
        encode: (r: Redacted.Redacted<string>) => Redacted.value(r)
      })
    )
  ),
  () => "<redacted>"
)
