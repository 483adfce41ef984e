/**
 * Reads a recording back: the manifest and every entry, in receive order.
 *
 * A segment cut short by a crash (a torn gzip member, a half-written line) yields every entry up
 * to the tear; the tear itself is reported, never thrown.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { decodeLine, type Entry, MANIFEST, type Manifest, safeParse } from "./Format.ts"

/** @category models */
export interface Recording {
  readonly dir: string
  readonly manifest: Manifest
  readonly entries: ReadonlyArray<Entry>
  /** Lines or bytes that could not be read (a torn tail), per segment file */
  readonly torn: ReadonlyArray<{ readonly file: string; readonly problem: string }>
}

/** Gunzips a multi-member gzip file; a truncated last member yields what it held so far. */
const gunzipTolerant = (bytes: Buffer): { readonly text: string; readonly problem: string | undefined } => {
  try {
    return { text: zlib.gunzipSync(bytes).toString("utf8"), problem: undefined }
  } catch (e) {
    const problem = e instanceof Error ? e.message : String(e)
    try {
      return { text: zlib.gunzipSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString("utf8"), problem }
    } catch {
      return { text: "", problem }
    }
  }
}

/** Reads the manifest and the entries. Fails (throws) only when there is no manifest. @category reading */
export const readRecording = (dir: string): Recording => {
  const manifestText = fs.readFileSync(path.join(dir, MANIFEST), "utf8")
  const manifest = safeParse(manifestText) as Manifest | undefined
  if (manifest === undefined || typeof manifest.format !== "number") throw new Error(`${dir}/${MANIFEST} is not a recording manifest`)
  const files = fs.readdirSync(dir).filter((f) => /^segment-\d+\.jsonl\.gz$/.test(f)).sort()
  const entries: Array<Entry> = []
  const torn: Array<{ file: string; problem: string }> = []
  for (const file of files) {
    const { text, problem } = gunzipTolerant(fs.readFileSync(path.join(dir, file)))
    if (problem !== undefined) torn.push({ file, problem })
    const lines = text.split("\n")
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!
      if (line.length === 0) continue
      const entry = decodeLine(line)
      if (entry === undefined) torn.push({ file, problem: `line ${i + 1} is not an entry` })
      else entries.push(entry)
    }
  }
  // Receive order; stable, so entries with the same time keep their written order
  entries.sort((a, b) => a.t - b.t)
  return { dir, manifest, entries, torn }
}
