/**
 * Replay speed: the bundled demo recording (`demo/recording`, 4 simulated hours with the 20-minute
 * settlement tail `arbees replay` adds) through the whole runtime at `--speed max`, in recorded
 * entries per second and in multiples of real time. Beside it, the baseline: reading the same
 * recording and `JSON.parse`-ing every entry and frame, with nothing else.
 */
import { NodeServices } from "@effect/platform-node"
import { Effect, Layer, References } from "effect"
import { replay, replaySettings } from "../src/runtime/replay/Replay.ts"
import { AppConfig } from "../src/services/config/AppConfig.ts"
import { readRecording } from "../src/services/recording/RecordingReader.ts"
import type { Benchmark } from "./run.ts"

const DIR = "demo/recording"

const run = async () => {
  const t0 = performance.now()
  const recording = readRecording(DIR)
  let parsed = 0
  for (const e of recording.entries) {
    if (e.k === "http") JSON.parse(e.body)
    else if (e.e === "in" && e.data !== undefined) JSON.parse(e.data)
    parsed++
  }
  const parseSeconds = (performance.now() - t0) / 1000

  const result = await Effect.runPromise(
    replay(readRecording(DIR), { speed: "max", tailMillis: 20 * 60_000 }).pipe(
      Effect.provide(Layer.mergeAll(Layer.orDie(AppConfig.layerTest({ ...replaySettings(recording), "log.level": "error" })), NodeServices.layer)),
      Effect.provideService(References.MinimumLogLevel, "Error")
    )
  )
  const wallSeconds = result.wallMillis / 1000
  const simulatedSeconds = (result.end - result.start) / 1000
  const delivered = result.counts.frames + result.counts.http
  const figures = {
    recording: DIR,
    entries: recording.entries.length,
    simulatedHours: Math.round(simulatedSeconds / 36) / 100,
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    timesRealTime: Math.round(simulatedSeconds / wallSeconds),
    targetTimesRealTime: 1_000,
    eventsPerSecond: Math.round(delivered / wallSeconds),
    busEvents: result.events.length,
    baselineReadAndParsePerSecond: Math.round(parsed / parseSeconds),
    digest: result.digest
  }
  process.stdout.write(`replay: ${figures.timesRealTime}x real time (${figures.simulatedHours} h in ${figures.wallSeconds} s), ${figures.eventsPerSecond} recorded events/s; read + JSON.parse alone ${figures.baselineReadAndParsePerSecond}/s\n`)
  return figures
}

export default { name: "replay", run } satisfies Benchmark
