/**
 * The recording format: what `arbees record` writes and `arbees replay` reads.
 *
 * A recording is a directory holding a `manifest.json` and numbered segments
 * (`segment-000001.jsonl.gz`). A segment is JSON lines, one {@link Entry} per line, gzip
 * compressed as a series of gzip members (one per flush), so everything up to the last flush of a
 * segment survives a crash. Entries carry the receive time (`t`, epoch ms from the `Clock`) and
 * are written in receive order.
 *
 * @since 0.1.0
 */

/** The format version written into every manifest. @category constants */
export const FORMAT_VERSION = 1

/** An HTTP response as it arrived (the whole body, raw). @category models */
export interface HttpEntry {
  readonly k: "http"
  readonly t: number
  readonly method: string
  /** Full request URL */
  readonly url: string
  readonly status: number
  readonly body: string
}

/** A WebSocket event on connection `c` (numbered per recording). @category models */
export interface WsEntry {
  readonly k: "ws"
  readonly t: number
  readonly c: number
  /** `open` (with the url), `in` (a frame received), `out` (a frame sent), `ping`, `close` */
  readonly e: "open" | "in" | "out" | "ping" | "close"
  readonly url?: string | undefined
  readonly data?: string | undefined
}

/** @category models */
export type Entry = HttpEntry | WsEntry

/** @category models */
export interface Manifest {
  readonly format: number
  /** `synthetic` when any part of the recording was generated rather than captured */
  readonly synthetic: boolean
  readonly description?: string | undefined
  readonly leagues: ReadonlyArray<string>
  readonly games: ReadonlyArray<string>
  readonly markets: ReadonlyArray<string>
  readonly start: number | undefined
  readonly end: number | undefined
  readonly entries: number
  readonly segments: ReadonlyArray<{ readonly file: string; readonly entries: number; readonly bytes: number; readonly start: number; readonly end: number }>
  /** Segments deleted to stay within `recording.maxBytes` */
  readonly dropped: number
}

/** @category naming */
export const segmentName = (n: number): string => `segment-${String(n).padStart(6, "0")}.jsonl.gz`

/** @category naming */
export const MANIFEST = "manifest.json"

const espnPath = /\/sports\/[a-z-]+\/([a-z0-9.-]+)\/(scoreboard|summary)/

/** What an entry tells about the recording's contents (league, game, market). @category manifest */
export interface Contents {
  readonly leagues: Set<string>
  readonly games: Set<string>
  readonly markets: Set<string>
}

/** Collects leagues, games and markets from an entry; cheap, and never throws. @category manifest */
export const observe = (contents: Contents, entry: Entry): void => {
  if (entry.k === "http") {
    const m = espnPath.exec(entry.url)
    if (m === null) return
    contents.leagues.add(m[1]!)
    const event = /[?&]event=(\d+)/.exec(entry.url)
    if (event !== null) contents.games.add(event[1]!)
    if (m[2] === "scoreboard") for (const id of entry.body.matchAll(/"competitions":\[\{"id":"(\d+)"/g)) contents.games.add(id[1]!)
    return
  }
  if (entry.e !== "out" || entry.data === undefined) return
  const value = safeParse(entry.data)
  if (typeof value !== "object" || value === null) return
  const v = value as { params?: { market_tickers?: unknown }; assets_ids?: unknown }
  for (const list of [v.params?.market_tickers, v.assets_ids]) {
    if (Array.isArray(list)) for (const m of list) if (typeof m === "string") contents.markets.add(m)
  }
}

/** `JSON.parse` that returns `undefined` for malformed text. @category parsing */
export const safeParse = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Decodes one line; `undefined` for a line that is not an entry (a torn tail). @category parsing */
export const decodeLine = (line: string): Entry | undefined => {
  const v = safeParse(line) as Partial<Entry> | undefined
  if (typeof v !== "object" || v === null || typeof v.t !== "number") return undefined
  if (v.k === "http" && typeof (v as HttpEntry).url === "string" && typeof (v as HttpEntry).body === "string") return v as HttpEntry
  if (v.k === "ws" && typeof (v as WsEntry).c === "number") return v as WsEntry
  return undefined
}
