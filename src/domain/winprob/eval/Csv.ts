/**
 * CSV text to typed rows: an RFC 4180 parser (quoted fields, doubled quotes, CRLF) and row decoding
 * through a Schema, so every row of an evaluation data set is checked before it is used and every
 * rejected row is counted and reported, never dropped silently.
 *
 * @since 0.1.0
 */
import { Result, Schema, SchemaTransformation } from "effect"

/** Splits CSV text into rows of fields. @category parsing */
export const parseCsv = (text: string): Array<Array<string>> => {
  const rows: Array<Array<string>> = []
  let row: Array<string> = []
  let field = ""
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === "\"") {
        if (text[i + 1] === "\"") {
          field += "\""
          i++
        } else {
          quoted = false
        }
      } else {
        field += c
      }
    } else if (c === "\"") {
      quoted = true
    } else if (c === ",") {
      row.push(field)
      field = ""
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++
      row.push(field)
      rows.push(row)
      row = []
      field = ""
    } else {
      field += c
    }
  }
  if (field !== "" || row.length > 0) {
    row.push(field)
    rows.push(row)
  }
  return rows
}

/** A row that failed to decode: its 1-based line number and why. @category models */
export interface Rejected {
  readonly line: number
  readonly message: string
}

/** Decoded rows and the rejects. @category models */
export interface Decoded<A> {
  readonly rows: Array<A>
  readonly rejected: Array<Rejected>
}

/**
 * Decodes every data row (header first) with `schema`, reading fields by header name. Fails when a
 * column the schema needs is missing from the header (the file is not of this kind).
 *
 * @category parsing
 */
export const decodeCsv = <A>(
  text: string,
  columns: ReadonlyArray<string>,
  schema: Schema.Decoder<A>
): Result.Result<Decoded<A>, string> => {
  const table = parseCsv(text)
  const header = table[0]
  if (header === undefined) return Result.fail("empty file")
  const missing = columns.filter((c) => !header.includes(c))
  if (missing.length > 0) return Result.fail(`missing columns ${missing.join(", ")}`)
  const decode = Schema.decodeUnknownResult(schema)
  const rows: Array<A> = []
  const rejected: Array<Rejected> = []
  for (let i = 1; i < table.length; i++) {
    const fields = table[i]!
    if (fields.length === 1 && fields[0] === "") continue
    const record: Record<string, string> = {}
    header.forEach((name, j) => (record[name] = fields[j] ?? ""))
    const decoded = decode(record)
    if (Result.isSuccess(decoded)) rows.push(decoded.success)
    else rejected.push({ line: i + 1, message: decoded.failure.message.split("\n").slice(0, 3).join(" ") })
  }
  return Result.succeed({ rows, rejected })
}

/** A decimal number written plainly (no empty string, no exponent, no "NA"). @category schemas */
export const DecimalText = Schema.String.check(Schema.isPattern(/^-?\d+(\.\d+)?$/, { expected: "a decimal number" })).pipe(
  Schema.decodeTo(Schema.Finite, SchemaTransformation.numberFromString)
)

/** A non-negative integer written plainly. @category schemas */
export const CountText = Schema.String.check(Schema.isPattern(/^\d+$/, { expected: "a non-negative integer" })).pipe(
  Schema.decodeTo(Schema.Int, SchemaTransformation.numberFromString)
)

/** `TRUE` / `FALSE` (R's logical). @category schemas */
export const LogicalText = Schema.Literals(["TRUE", "FALSE"]).pipe(
  Schema.decodeTo(
    Schema.Boolean,
    SchemaTransformation.transform({ decode: (s: "TRUE" | "FALSE") => s === "TRUE", encode: (b: boolean) => (b ? "TRUE" : "FALSE") as "TRUE" | "FALSE" })
  )
)

/** An ISO date, `YYYY-MM-DD`. @category schemas */
export const IsoDate = Schema.String.check(Schema.isPattern(/^\d{4}-\d{2}-\d{2}$/, { expected: "a date YYYY-MM-DD" }))
