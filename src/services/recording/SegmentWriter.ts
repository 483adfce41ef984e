/**
 * Writes a recording to disk: JSON-lines segments, gzip compressed, rotated, bounded.
 *
 * - Entries are buffered and written as one gzip member per flush (`flushEntries` entries or
 *   `flushMillis` of receive time, whichever first); a gzip file may hold many members, so a crash
 *   loses at most the unflushed tail of the current segment.
 * - A segment is closed and a new one started after `segmentBytes` compressed bytes or
 *   `segmentMillis` of receive time.
 * - The oldest segments are deleted while the recording is larger than `maxBytes` (the manifest
 *   counts them as `dropped`), so disk use stays bounded.
 * - The manifest is rewritten (write then rename) at every rotation and at close.
 *
 * Synchronous file I/O on purpose: appends are small and a recorder that reorders or loses
 * entries under back-pressure would not be a recording.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { type Contents, type Entry, FORMAT_VERSION, MANIFEST, type Manifest, observe, segmentName } from "./Format.ts"

/** @category models */
export interface SegmentWriterOptions {
  readonly dir: string
  readonly segmentBytes: number
  readonly segmentMillis: number
  readonly maxBytes: number
  readonly flushEntries: number
  readonly flushMillis: number
  readonly synthetic?: boolean | undefined
  readonly description?: string | undefined
}

interface Segment {
  file: string
  entries: number
  bytes: number
  start: number
  end: number
}

/** @category writers */
export class SegmentWriter {
  private readonly options: SegmentWriterOptions
  private readonly contents: Contents = { leagues: new Set(), games: new Set(), markets: new Set() }
  private readonly segments: Array<Segment> = []
  private current: Segment | undefined
  private fd: number | undefined
  private buffer: Array<string> = []
  private lastFlushAt = 0
  private next = 1
  private entries = 0
  private dropped = 0
  private start: number | undefined
  private end: number | undefined
  private closed = false

  constructor(options: SegmentWriterOptions) {
    this.options = options
    fs.mkdirSync(options.dir, { recursive: true })
    if (fs.existsSync(path.join(options.dir, MANIFEST)) || fs.readdirSync(options.dir).some((f) => f.startsWith("segment-"))) {
      throw new Error(`${options.dir} already holds a recording`)
    }
  }

  /** Appends one entry (in receive order). */
  append(entry: Entry): void {
    if (this.closed) return
    if (this.current !== undefined && entry.t - this.current.start >= this.options.segmentMillis) this.rotate()
    if (this.current === undefined) this.open(entry.t)
    const seg = this.current!
    this.buffer.push(JSON.stringify(entry))
    seg.entries++
    seg.end = entry.t
    this.entries++
    this.start ??= entry.t
    this.end = entry.t
    observe(this.contents, entry)
    if (this.buffer.length >= this.options.flushEntries || entry.t - this.lastFlushAt >= this.options.flushMillis) this.flush(entry.t)
    if (seg.bytes >= this.options.segmentBytes) this.rotate()
  }

  /** Writes the buffered entries as one gzip member. */
  flush(now: number = this.end ?? 0): void {
    this.lastFlushAt = now
    if (this.buffer.length === 0 || this.fd === undefined || this.current === undefined) return
    const member = zlib.gzipSync(`${this.buffer.join("\n")}\n`)
    this.buffer = []
    fs.writeSync(this.fd, member)
    this.current.bytes += member.length
  }

  /** Flushes, closes the segment and writes the final manifest. */
  close(): Manifest {
    if (!this.closed) {
      this.rotate()
      this.closed = true
    }
    return this.writeManifest()
  }

  manifest(): Manifest {
    return {
      format: FORMAT_VERSION,
      synthetic: this.options.synthetic ?? false,
      ...(this.options.description === undefined ? {} : { description: this.options.description }),
      leagues: [...this.contents.leagues].sort(),
      games: [...this.contents.games].sort(),
      markets: [...this.contents.markets].sort(),
      start: this.start,
      end: this.end,
      entries: this.entries,
      segments: this.segments.map((s) => ({ ...s })),
      dropped: this.dropped
    }
  }

  private open(t: number): void {
    const file = segmentName(this.next++)
    this.fd = fs.openSync(path.join(this.options.dir, file), "wx")
    this.current = { file, entries: 0, bytes: 0, start: t, end: t }
    this.segments.push(this.current)
    this.lastFlushAt = t
  }

  private rotate(): void {
    if (this.current === undefined) return
    this.flush()
    fs.closeSync(this.fd!)
    this.fd = undefined
    this.current = undefined
    this.bound()
    this.writeManifest()
  }

  /** Deletes the oldest closed segments while the recording is over its budget. */
  private bound(): void {
    let total = this.segments.reduce((n, s) => n + s.bytes, 0)
    while (total > this.options.maxBytes && this.segments.length > 1) {
      const oldest = this.segments.shift()!
      fs.rmSync(path.join(this.options.dir, oldest.file), { force: true })
      total -= oldest.bytes
      this.entries -= oldest.entries
      this.dropped++
      this.start = this.segments[0]?.start
    }
  }

  private writeManifest(): Manifest {
    const manifest = this.manifest()
    const target = path.join(this.options.dir, MANIFEST)
    fs.writeFileSync(`${target}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`)
    fs.renameSync(`${target}.tmp`, target)
    return manifest
  }
}
