/**
 * Output for people and for scripts: the offline commands (`match`, `inspect`, `eval`) print a
 * readable table on a terminal and JSON lines otherwise; `--json` forces JSON and `--table` the
 * table. Both are rendered from the same row objects, so they show the same figures.
 *
 * Reading an input file fails with one line that says which file and what is wrong with it.
 *
 * @since 0.1.0
 */
import { Flag } from "effect/cli"

/** `--json` and `--table`. @category flags */
export const outputFlags = {
  json: Flag.Boolean("json").pipe(Flag.withDescription("JSON lines even on a terminal"), Flag.withDefault(false)),
  table: Flag.Boolean("table").pipe(Flag.withDescription("a table even when the output is not a terminal"), Flag.withDefault(false))
}

/** @category models */
export interface OutputChoice {
  readonly json: boolean
  readonly table: boolean
}

/** A table: asked for, or on a terminal unless JSON was asked for. @category output */
export const wantsTable = (choice: OutputChoice): boolean => !choice.json && (choice.table || process.stdout.isTTY === true)

/** A column: its header and how a row shows in it. @category models */
export interface Column<A> {
  readonly header: string
  readonly cell: (row: A) => string | number | null | undefined
  /** Right-aligned (numbers) */
  readonly right?: boolean
}

const show = (v: string | number | null | undefined): string => (v === null || v === undefined || v === "" ? "-" : String(v))

/**
 * Aligned rows under a header line; `-` for an empty cell.
 *
 * @category output
 */
export const formatRows = <A>(columns: ReadonlyArray<Column<A>>, rows: ReadonlyArray<A>): string => {
  const cells = rows.map((r) => columns.map((c) => show(c.cell(r))))
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)))
  const line = (values: ReadonlyArray<string>) =>
    values.map((v, i) => (columns[i]!.right === true ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join("  ").trimEnd()
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join("\n")
}

/**
 * Why a file could not be read, in a few words: `no such file`, `permission denied`, `is a
 * directory`, else the platform's message.
 *
 * @category output
 */
export const unreadable = (file: string, error: { readonly message: string; readonly reason?: unknown }): string => {
  const tag = (error.reason as { readonly _tag?: string } | undefined)?._tag ?? ""
  const text = `${tag} ${error.message}`
  const why = /NotFound|ENOENT/.test(text)
    ? "no such file"
    : /PermissionDenied|EACCES|EPERM/.test(text)
    ? "permission denied"
    : /EISDIR|is a directory/i.test(text)
    ? "is a directory, not a file"
    : /BadResource/.test(text)
    ? "not a readable file (a directory?)"
    : error.message
  return `cannot read ${file}: ${why}`
}
