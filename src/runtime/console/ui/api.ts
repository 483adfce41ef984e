/**
 * The dashboard's view of the operator API (`src/runtime/api/ConsoleApi.ts`): fetch helpers,
 * the live stream, and exact money formatting (micro-dollar integers, never floats for money).
 */

export interface Game {
  gameId: string
  league: string
  sport: string
  home: { name: string; abbreviation: string }
  away: { name: string; abbreviation: string }
  startTime: number | null
  status: string
  homeScore: number | null
  awayScore: number | null
  tradingHalted: boolean
  haltedReason: string | null
}
export interface StatePoint {
  observedAt: number | null
  status: string
  period: number
  secondsRemaining: number | null
  homeScore: number
  awayScore: number
  modelHome: number | null
  modelDraw: number | null
  espnHome: number | null
}
export interface PricePoint {
  platform: string
  marketId: string
  outcomeId: string
  observedAt: number | null
  bidMicros: number | null
  askMicros: number | null
  bidSize: number | null
  askSize: number | null
}
export interface Mapping {
  platform: string
  marketId: string
  outcomeId: string
  meaning: string
  method: string
  confidence: number
}
export interface GameDetail {
  game: Game
  mappings: Array<Mapping>
  states: Array<StatePoint>
  prices: Array<PricePoint>
}
export interface Account {
  account: string
  balanceMicros: number
  piggybankMicros: number
  reservedMicros: number
  peakMicros: number
  ledgerAvailableMicros: number
  ledgerPiggybankMicros: number
  ledgerBalanced: boolean
}
export interface Bankroll {
  bankroll: Account
  ledger: Array<{ entryId: number; bucket: string; kind: string; amountMicros: number; reference: string; createdAt: number | null }>
  /** Every other account (each live venue's `live:<platform>` in live mode) */
  others: Array<Account>
}
export interface TreeNode {
  id: string
  kind: string
  status: string
  restarts: number
  lastError?: { at: number; message: string }
  espnAgeMs?: number
  bookAgeMs?: number
  details?: Record<string, unknown>
  children: Array<TreeNode>
}
export type Row = Record<string, unknown>

export const getJson = async <A>(path: string): Promise<A> => {
  const response = await fetch(path, { headers: { accept: "application/json" }, credentials: "same-origin" })
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`)
  return (await response.json()) as A
}

/** Calls `onEvent` for every stream event, reconnecting with the last id (EventSource does). */
export const follow = (onEvent: (topic: string, data: unknown) => void): (() => void) => {
  const source = new EventSource("/api/stream")
  const topics = ["game.state", "game.price", "signals", "orders", "alerts", "gap", "reset"]
  for (const topic of topics) {
    source.addEventListener(topic, (e) => onEvent(topic, JSON.parse((e as MessageEvent<string>).data)))
  }
  return () => source.close()
}

/** Micro-dollars as dollars, exactly: 1_234_560 → "$1.23456" trimmed to cents when exact. */
export const dollars = (micros: number | null | undefined): string => {
  if (micros === null || micros === undefined) return "–"
  const negative = micros < 0
  const abs = BigInt(Math.abs(micros))
  const whole = abs / 1_000_000n
  let frac = (abs % 1_000_000n).toString().padStart(6, "0").replace(/0+$/, "")
  if (frac.length < 2) frac = frac.padEnd(2, "0")
  return `${negative ? "−" : ""}$${whole.toLocaleString("en-US")}.${frac}`
}

/** A price in micro-dollars per contract as dollars: 410_000 → "0.41". */
export const price = (micros: number | null | undefined): string => {
  if (micros === null || micros === undefined) return "–"
  const frac = (micros % 1_000_000).toString().padStart(6, "0").replace(/0+$/, "")
  return `${Math.floor(micros / 1_000_000)}.${frac === "" ? "00" : frac.padEnd(2, "0")}`
}

/** Micro-contracts as contracts. */
export const contracts = (micros: number | null | undefined): string =>
  micros === null || micros === undefined ? "–" : price(micros).replace(/\.00$/, "")

export const percent = (p: number | null | undefined): string => (p === null || p === undefined ? "–" : `${Math.round(p * 1000) / 10}%`)

export const time = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? "–" : new Date(ms).toISOString().replace("T", " ").slice(0, 19)

/** Rows as CSV (RFC 4180 quoting), for the tables' export button. */
export const toCsv = (rows: ReadonlyArray<Row>, columns: ReadonlyArray<string>): string => {
  const cell = (v: unknown): string => {
    const text = v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v)
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
  }
  return [columns.join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))].join("\n") + "\n"
}
