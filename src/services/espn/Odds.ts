/**
 * Pre-game odds from ESPN's `odds[]` (scoreboard) and `pickcenter[]` (summary).
 *
 * Providers publish different shapes: ESPN BET gives `spread` (the home team's line) and
 * `overUnder`, and on newer payloads a `moneyline` block of American odds strings; summaries'
 * pick centre gives `homeTeamOdds.moneyLine`; Bet365 on soccer gives decimal odds in `value`.
 * Every entry is read, and the one that says the most wins (the first on a tie). These are model
 * inputs, not money, so floats are fine here.
 *
 * @since 0.1.0
 */
import { Option, Schema } from "effect"
import type { PregameOdds } from "../../schema/GameState.ts"
import { Odds, type NumLike } from "./Wire.ts"

/** A finite number from a wire number or numeric string. @category parsing */
export const toNumber = (value: NumLike | null | undefined): number | undefined => {
  if (value === null || value === undefined) return undefined
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined
  const text = value.trim()
  if (text === "") return undefined
  const n = Number(text)
  return Number.isFinite(n) ? n : undefined
}

/** American odds from `"-110"`, `"+300"`, `"EVEN"` or a number; `undefined` for `"OFF"` and the like. @category parsing */
export const americanOdds = (value: NumLike | null | undefined): number | undefined => {
  if (typeof value === "string" && value.trim().toUpperCase() === "EVEN") return 100
  const n = toNumber(value)
  return n !== undefined && Math.abs(n) >= 100 ? n : undefined
}

/** American odds from decimal odds (`1.85` → -118, `4.1` → +310). @category parsing */
export const americanFromDecimal = (decimal: number | undefined): number | undefined => {
  if (decimal === undefined || !(decimal > 1)) return undefined
  return decimal >= 2 ? Math.round((decimal - 1) * 100) : Math.round(-100 / (decimal - 1))
}

const decodeOdds = Schema.decodeUnknownOption(Odds)

type Side = { readonly moneyLine?: NumLike | null; readonly value?: NumLike | null } | null | undefined
type Quotes = { readonly open?: { readonly odds?: string | null; readonly line?: string | null } | null; readonly close?: { readonly odds?: string | null; readonly line?: string | null } | null } | null | undefined

const moneyline = (side: Side, quotes: Quotes): number | undefined =>
  americanOdds(side?.moneyLine) ?? americanOdds(quotes?.close?.odds) ?? americanOdds(quotes?.open?.odds) ??
    americanFromDecimal(toNumber(side?.value))

const fromEntry = (entry: Odds): PregameOdds => {
  const homeSpread = toNumber(entry.spread) ?? toNumber(entry.pointSpread?.home?.close?.line) ??
    toNumber(entry.pointSpread?.home?.open?.line)
  const total = toNumber(entry.overUnder)
  const homeMoneyline = moneyline(entry.homeTeamOdds, entry.moneyline?.home)
  const awayMoneyline = moneyline(entry.awayTeamOdds, entry.moneyline?.away)
  const drawMoneyline = moneyline(entry.drawOdds, entry.moneyline?.draw)
  return {
    provider: entry.provider?.name ?? "unknown",
    ...(homeSpread !== undefined ? { homeSpread } : {}),
    ...(total !== undefined ? { total } : {}),
    ...(homeMoneyline !== undefined ? { homeMoneyline } : {}),
    ...(awayMoneyline !== undefined ? { awayMoneyline } : {}),
    ...(drawMoneyline !== undefined ? { drawMoneyline } : {})
  }
}

const richness = (odds: PregameOdds): number => Object.keys(odds).length - 1

/**
 * The most informative provider entry, or `undefined` when no entry has a line. Entries that are
 * not objects of the expected shape are skipped: odds are optional model inputs.
 *
 * @category parsing
 */
export const pregameOdds = (entries: ReadonlyArray<unknown> | null | undefined): PregameOdds | undefined => {
  let best: PregameOdds | undefined
  for (const raw of entries ?? []) {
    const decoded = decodeOdds(raw)
    if (Option.isNone(decoded)) continue
    const candidate = fromEntry(decoded.value)
    if (richness(candidate) > (best === undefined ? 0 : richness(best))) best = candidate
  }
  return best
}
