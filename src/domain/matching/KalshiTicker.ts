/**
 * Kalshi event tickers of game markets, in the known formats:
 *
 * - `KXEPLGAME-25DEC27CFCAVL`: date (`YYMONDD`) then both team codes, joined;
 * - `KXMLBGAME-26APR291840COLCIN`: date, a four-digit start time, then the codes (doubleheaders);
 * - `KXNCAAFGAME-25DEC27M-OHFRES`: date with a suffix, then the codes in their own segment.
 *
 * Codes are split against the league's known Kalshi codes: a split counts only if both halves are
 * codes, and the parse fails when no split or more than one split works (never a guess).
 *
 * @since 0.1.0
 */
import type { LeagueIndex, Team } from "./TeamIndex.ts"

const MONTHS: Record<string, number> = {
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12
}

/** @category models */
export interface ParsedEventTicker {
  readonly series: string
  /** `YYYY-MM-DD`, the venue's (US Eastern) game date */
  readonly date: string
  /** `HHMM` when the ticker carries a start time */
  readonly time?: string
  /** Anything between the date and the codes (`M` in `25DEC27M`) */
  readonly dateSuffix?: string
  /** The joined team codes */
  readonly codes: string
}

const DATE = /^(\d{2})(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)(\d{2})(.*)$/

const validDate = (y: number, m: number, d: number): boolean => {
  const t = Date.UTC(y, m - 1, d)
  const back = new Date(t)
  return back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === d
}

const pad = (n: number) => String(n).padStart(2, "0")

/** Parses an event ticker's structure; `undefined` when it has none of the known shapes. @category parsing */
export const parseEventTicker = (eventTicker: string): ParsedEventTicker | undefined => {
  const parts = eventTicker.toUpperCase().split("-")
  if (parts.length < 2 || parts.length > 3) return undefined
  const [series, datePart, codesPart] = parts as [string, string, string | undefined]
  const m = DATE.exec(datePart)
  if (m === null) return undefined
  const year = 2000 + Number(m[1])
  const month = MONTHS[m[2]!]!
  const day = Number(m[3])
  if (!validDate(year, month, day)) return undefined
  const date = `${year}-${pad(month)}-${pad(day)}`
  let rest = m[4]!
  if (codesPart !== undefined) {
    if (!/^[A-Z0-9]{2,12}$/.test(codesPart) || !/^[A-Z0-9]{0,4}$/.test(rest)) return undefined
    const time = /^\d{4}$/.test(rest) ? rest : undefined
    return {
      series,
      date,
      ...(time !== undefined ? { time } : rest !== "" ? { dateSuffix: rest } : {}),
      codes: codesPart
    }
  }
  let time: string | undefined
  const t = /^(\d{4})(.*)$/.exec(rest)
  if (t !== null) {
    const hh = Number(t[1]!.slice(0, 2))
    const mm = Number(t[1]!.slice(2))
    if (hh > 23 || mm > 59) return undefined
    time = t[1]!
    rest = t[2]!
  }
  if (!/^[A-Z0-9]{2,12}$/.test(rest)) return undefined
  return { series, date, ...(time !== undefined ? { time } : {}), codes: rest }
}

/** @category models */
export type SplitResult =
  | { readonly _tag: "Split"; readonly first: Team; readonly second: Team; readonly firstCode: string; readonly secondCode: string }
  | { readonly _tag: "NoSplit" }
  | { readonly _tag: "Ambiguous"; readonly splits: ReadonlyArray<string> }

/**
 * Splits joined codes into two distinct known teams of the league.
 *
 * @category parsing
 */
export const splitTeamCodes = (league: LeagueIndex, codes: string): SplitResult => {
  const found: Array<{ first: Team; second: Team; firstCode: string; secondCode: string }> = []
  for (const len of league.kalshiCodeLengths) {
    if (len >= codes.length) continue
    const a = codes.slice(0, len)
    const b = codes.slice(len)
    const first = league.byKalshi.get(a)
    const second = league.byKalshi.get(b)
    if (first !== undefined && second !== undefined && first !== second) found.push({ first, second, firstCode: a, secondCode: b })
  }
  if (found.length === 0) return { _tag: "NoSplit" }
  const distinct = new Set(found.map((f) => `${f.first.espnId}/${f.second.espnId}`))
  if (distinct.size > 1) return { _tag: "Ambiguous", splits: found.map((f) => `${f.firstCode}+${f.secondCode}`) }
  return { _tag: "Split", ...found[0]! }
}

/** The team code at the end of a market ticker (`…-NYK`), given its event ticker. @category parsing */
export const marketSuffix = (marketTicker: string, eventTicker: string): string | undefined => {
  const m = marketTicker.toUpperCase()
  const e = eventTicker.toUpperCase()
  if (!m.startsWith(`${e}-`)) return undefined
  const s = m.slice(e.length + 1)
  return /^[A-Z0-9]{1,8}$/.test(s) ? s : undefined
}
