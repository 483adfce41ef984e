/**
 * Record, then replay: arbees runs against fake ESPN, Kalshi and Polymarket servers (real HTTP and
 * WebSocket, the venues' protocols) recording everything as `arbees record` does, then the
 * recording is replayed; the replay makes the same decisions as the recorded run: the same
 * signals with the same verdicts, and the same orders.
 */
import * as NodeServices from "@effect/platform-node/NodeServices"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, References } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { LiveTransport } from "../../../src/runtime/App.ts"
import { drive, type LoggedEvent, replay, type ReplayResult, replaySettings } from "../../../src/runtime/replay/Replay.ts"
import { AppConfig } from "../../../src/services/config/AppConfig.ts"
import { Recorder, recordingTransport } from "../../../src/services/recording/Recorder.ts"
import { readRecording } from "../../../src/services/recording/RecordingReader.ts"
import { countingTransport, serve } from "../../support/RecordedVenues.ts"

const source = readRecording("demo/recording")
const start = source.manifest.start!
// Both games discovered and matched, the NBA game 20 minutes in, the first trades made
const until = start + 50 * 60_000

/** What the runtime decided: every signal with its verdict, and every order's final state. */
const decisions = (result: ReplayResult) => {
  const events = result.events as ReadonlyArray<LoggedEvent & { payload: any }>
  const signals = events.filter((e) => e.topic === "signals").map((e) => ({
    signalId: e.payload.signal.signalId,
    at: e.at,
    gameId: e.payload.signal.gameId,
    strategy: e.payload.signal.strategy,
    legs: e.payload.signal.legs,
    edgeBps: e.payload.signal.edgeBps,
    verdict: e.payload.verdict,
    reason: e.payload.reason
  }))
  const orders = new Map<string, unknown>()
  for (const e of events) if (e.topic === "orders") orders.set(e.payload.order.clientOrderId, e.payload.order)
  return { signals, orders: [...orders.values()] }
}

describe("record, then replay", () => {
  it.live("a replay of a recorded run against the fake venues makes the same decisions", () =>
    Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbees-record-"))
      fs.rmSync(dir, { recursive: true })
      const clock = { now: () => start }
      const venues = yield* serve(source.entries, () => clock.now())
      const settings = { ...replaySettings(source), ...venues.settings, "log.level": "error" }
      const config = Layer.mergeAll(Layer.orDie(AppConfig.layerTest(settings)), NodeServices.layer)
      const counting = countingTransport(LiveTransport)
      const recorder = Recorder.layer({ dir, segmentBytes: 4 << 20, segmentMillis: 3_600_000, maxBytes: 64 << 20, flushEntries: 1_000, flushMillis: 60_000 })

      const recorded = yield* drive((now) => {
        clock.now = now
        return {
          transport: recordingTransport.pipe(Layer.provide(Layer.merge(counting.layer, recorder))),
          counts: venues.world.counts,
          missing: venues.world.missing,
          nextTime: () => venues.world.nextTime(),
          deliverUntil: (t) => venues.world.deliverUntil(t),
          pending: () => venues.sent() - counting.counts.received + counting.counts.httpInFlight
        }
      }, { speed: "max", start, until }).pipe(Effect.provide(config))

      const recording = readRecording(dir)
      assert.isAbove(recording.entries.length, 1_000)
      const replayed = yield* replay(recording, { speed: "max", until }).pipe(Effect.provide(config))

      const a = decisions(recorded)
      const b = decisions(replayed)
      assert.isAbove(a.signals.length, 0, "the recorded run decided something")
      assert.isAbove(a.orders.length, 0, "and placed orders")
      assert.deepStrictEqual(b.signals, a.signals)
      assert.deepStrictEqual(b.orders, a.orders)
      assert.strictEqual(recorded.busySettles + replayed.busySettles, 0)
    }).pipe(Effect.scoped, Effect.provideService(References.MinimumLogLevel, "Error")), { timeout: 900_000 })
})
