import * as NodeServices from "@effect/platform-node/NodeServices"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { replay, replaySettings } from "../../../src/runtime/replay/Replay.ts"
import { renderHtml, renderJson, renderText, reportData } from "../../../src/runtime/replay/Report.ts"
import { AppConfig } from "../../../src/services/config/AppConfig.ts"
import { readRecording } from "../../../src/services/recording/RecordingReader.ts"

const recording = readRecording("demo/recording")
// The first 50 minutes: both games discovered and matched, the NBA game 20 minutes in
const until = recording.manifest.start! + 50 * 60_000

const once = replay(recording, { speed: "max", until }).pipe(
  Effect.provide(Layer.mergeAll(Layer.orDie(AppConfig.layerTest({ ...replaySettings(recording), "log.level": "error" })), NodeServices.layer))
)

describe("replay", () => {
  it.live("two replays of one recording give byte-identical event logs and the same digest", () =>
    Effect.gen(function*() {
      const a = yield* once
      const b = yield* once
      assert.strictEqual(a.log, b.log)
      assert.strictEqual(a.digest, b.digest)
      assert.match(a.digest, /^[0-9a-f]{64}$/)
      const count = (topic: string) => a.events.filter((e) => e.topic === topic).length
      // Real ESPN states of the NBA game (and the NHL game's pre-game state) and synthetic books
      assert.isAbove(count("game.state"), 50)
      assert.isAbove(count("game.price"), 500)
      assert.strictEqual(a.counts.http, b.counts.http)
      assert.strictEqual(a.counts.frames, b.counts.frames)
      const data = reportData(a, { synthetic: recording.manifest.synthetic, settings: {} })
      assert.isTrue(data.synthetic)
      assert.deepStrictEqual(data.games.map((g) => g.gameId), ["401772994", "401774292"])
      assert.include(renderText(data), `digest ${a.digest}`)
      assert.strictEqual(JSON.parse(renderJson(data)).digest, a.digest)
      // The loop trades: signals, orders, paper fills, positions, and the books reconcile
      assert.isAbove(data.signals.total, 0)
      assert.isAbove(data.orders.total, 0)
      assert.isAbove(data.trading.fills.length, 0)
      assert.isAbove(data.trading.positions.length, 0)
      assert.isTrue(data.trading.ledger.checkOk, "balance = Σ ledger")
      assert.isTrue(data.trading.ledger.reconciles, "cash = initial + realised − cost of open positions")
      assert.strictEqual(a.busySettles, 0, "every step went quiet")
      assert.include(renderText(data), "reconciles")
      const html = renderHtml(data)
      assert.include(html, "SYNTHETIC venue data")
      assert.include(html, "<h2>Fills</h2>")
      assert.include(html, "id=\"equity\"")
      assert.notInclude(html, "<script src=", "the chart library is inlined, not fetched")
    }), { timeout: 600_000 })
})
