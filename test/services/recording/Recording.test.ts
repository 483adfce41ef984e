import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect } from "effect"
import { HttpClient, HttpClientResponse } from "effect/http"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { Entry } from "../../../src/services/recording/Format.ts"
import { recordingHttpClient, recordingWebSocket } from "../../../src/services/recording/Recorder.ts"
import { readRecording } from "../../../src/services/recording/RecordingReader.ts"
import { SegmentWriter } from "../../../src/services/recording/SegmentWriter.ts"

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "arbees-rec-"))
const options = (dir: string) => ({ dir, segmentBytes: 1_000_000, segmentMillis: 60_000, maxBytes: 10_000_000, flushEntries: 10, flushMillis: 1_000 })
const espn = (t: number): Entry => ({
  k: "http",
  t,
  method: "GET",
  url: "https://site.api.espn.com/apis/site/v2/sports/basketball/nba/summary?event=401772994",
  status: 200,
  body: `{"n":${t}}`
})

describe("recording", () => {
  it("writes segments and a manifest, and reads every entry back in order", () => {
    const dir = tempDir()
    const writer = new SegmentWriter(options(dir))
    for (let i = 0; i < 100; i++) writer.append(espn(1_000 + i * 1_000))
    writer.append({ k: "ws", t: 200_000, c: 1, e: "open", url: "wss://x/ws/market" })
    writer.append({ k: "ws", t: 200_001, c: 1, e: "out", data: JSON.stringify({ assets_ids: ["A1", "A2"], type: "market" }) })
    const manifest = writer.close()
    // 60 s segments: entries at 1..100 s and 200 s make three
    assert.deepStrictEqual(manifest.segments.map((s) => s.entries), [60, 40, 2])
    assert.strictEqual(manifest.entries, 102)
    assert.deepStrictEqual([manifest.start, manifest.end], [1_000, 200_001])
    assert.deepStrictEqual(manifest.leagues, ["nba"])
    assert.deepStrictEqual(manifest.games, ["401772994"])
    assert.deepStrictEqual(manifest.markets, ["A1", "A2"])
    const read = readRecording(dir)
    assert.strictEqual(read.entries.length, 102)
    assert.deepStrictEqual(read.entries.slice(0, 3).map((e) => e.t), [1_000, 2_000, 3_000])
    assert.deepStrictEqual(read.torn, [])
    assert.throws(() => new SegmentWriter(options(dir)), /already holds a recording/)
  })

  it("deletes the oldest segments beyond the disk budget", () => {
    const dir = tempDir()
    const writer = new SegmentWriter({ ...options(dir), segmentMillis: 10_000, maxBytes: 600, flushMillis: 60_000 })
    for (let i = 0; i < 100; i++) writer.append(espn(i * 1_000))
    const manifest = writer.close()
    const bytes = manifest.segments.reduce((n, s) => n + s.bytes, 0)
    assert.isAtMost(bytes, 600)
    assert.isAbove(manifest.dropped, 0)
    assert.strictEqual(fs.readdirSync(dir).filter((f) => f.startsWith("segment-")).length, manifest.segments.length)
    assert.strictEqual(readRecording(dir).entries.length, manifest.entries)
    assert.strictEqual(readRecording(dir).entries[0]!.t, manifest.start)
  })

  it("a crash loses at most the current segment's unflushed tail", () => {
    const dir = tempDir()
    const writer = new SegmentWriter(options(dir))
    for (let i = 0; i < 25; i++) writer.append(espn(i))
    // No close: 20 entries were flushed (every 10), 5 still buffered. Tear the last member too
    const file = path.join(dir, "segment-000001.jsonl.gz")
    const bytes = fs.readFileSync(file)
    fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ format: 1 }))
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 4))
    const read = readRecording(dir)
    assert.strictEqual(read.entries.length, 20, "both flushed members survive; the torn one only loses its trailer")
    assert.strictEqual(read.torn.length, 1)
  })

  it.effect("the recording transports capture response bodies and frames with their receive time", () =>
    Effect.gen(function*() {
      const appended: Array<Entry> = []
      const recorder = { append: (e: Entry) => void appended.push(e), manifest: () => undefined as never }
      const clock = yield* Clock.Clock
      const inner = HttpClient.make((request) => Effect.succeed(HttpClientResponse.fromWeb(request, new Response("{\"events\":[]}", { status: 200 }))))
      const client = recordingHttpClient(inner, recorder, clock)
      const body = yield* Effect.flatMap(client.get("https://example.test/a?b=1"), (r) => r.text)
      assert.strictEqual(body, "{\"events\":[]}", "the caller still reads the body")
      assert.deepInclude(appended[0]!, { k: "http", url: "https://example.test/a?b=1", status: 200, body: "{\"events\":[]}", t: 0 })

      const listeners = new Map<string, (e: unknown) => void>()
      const sent: Array<unknown> = []
      const fake = {
        readyState: 1,
        addEventListener: (type: string, fn: (e: unknown) => void) => void listeners.set(type, fn),
        removeEventListener: () => {},
        close: () => {},
        send: (d: unknown) => void sent.push(d)
      }
      const ws = recordingWebSocket(() => fake as never, recorder, clock)("wss://venue/ws")
      listeners.get("open")!({})
      ws.send("{\"cmd\":\"subscribe\"}")
      listeners.get("message")!({ data: "{\"type\":\"orderbook_snapshot\"}" })
      listeners.get("close")!({ code: 1000 })
      assert.deepStrictEqual(sent, ["{\"cmd\":\"subscribe\"}"])
      assert.deepStrictEqual(appended.slice(1).map((e) => e.k === "ws" ? [e.c, e.e, e.data ?? e.url ?? null] : []), [
        [1, "open", "wss://venue/ws"],
        [1, "out", "{\"cmd\":\"subscribe\"}"],
        [1, "in", "{\"type\":\"orderbook_snapshot\"}"],
        [1, "close", null]
      ])
    }))
})
