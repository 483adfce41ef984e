/**
 * The whole demo evening as a simulation: two overlapping real games in two sports (NBA and NHL),
 * synthetic books on two venues with a cross-venue arbitrage that appears and vanishes in each
 * game, and settlement from the venues' results after each final — through the real runtime under
 * the test clock. Asserts the exact trades, P&L and event counts, and that the ledger reconciles.
 *
 * When a change to sizing, risk or fees moves these figures on purpose, replay the demo
 * (`npm run demo`, or `arbees replay demo/recording`) and update them from its report.
 */
import * as NodeServices from "@effect/platform-node/NodeServices"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, References } from "effect"
import { replay, replaySettings } from "../../../src/runtime/replay/Replay.ts"
import { reportData } from "../../../src/runtime/replay/Report.ts"
import { AppConfig } from "../../../src/services/config/AppConfig.ts"
import { readRecording } from "../../../src/services/recording/RecordingReader.ts"

const recording = readRecording("demo/recording")

describe("the demo evening, replayed whole", () => {
  it.live("trades both arbitrages, settles them, and the books reconcile to the micro-dollar", () =>
    Effect.gen(function*() {
      const result = yield* replay(recording, { speed: "max", tailMillis: 20 * 60_000 }).pipe(
        Effect.provide(Layer.mergeAll(Layer.orDie(AppConfig.layerTest({ ...replaySettings(recording), "log.level": "error" })), NodeServices.layer)),
        Effect.provideService(References.MinimumLogLevel, "Error")
      )
      const d = reportData(result, { synthetic: true, settings: {} })
      const t = d.trading
      assert.strictEqual(result.busySettles, 0)
      // Every decision is on the bus: 656 signals, 4 approved (two arbitrages in each game)
      assert.strictEqual(d.signals.total, 656)
      assert.strictEqual(d.signals.approved, 4)
      assert.deepStrictEqual(d.signals.byKind, { cross_venue_arb: 224, model_edge: 432 })
      assert.strictEqual(d.orders.total, 8)
      assert.deepStrictEqual({ fills: d.events["fills"], positions: d.events["positions"], states: d.events["game.state"] }, { fills: 8, positions: 12, states: 603 })
      // Four legs, each settled by its venue's result; one leg of each pair wins
      assert.deepStrictEqual(t.positions.map((p) => p.status), ["settled", "settled", "settled", "settled"])
      assert.strictEqual(t.feesMicros, 2_505_320)
      assert.strictEqual(t.pnl.realizedMicros, 6_954_680)
      assert.strictEqual(t.pnl.unrealizedMicros, 0)
      assert.deepStrictEqual(t.pnl.bySport, { nba: 1_101_330, nhl: 5_853_350 })
      assert.strictEqual(t.winRate, 0.5)
      // balance = Σ ledger, and cash + piggybank = initial + realised
      assert.isTrue(t.ledger.checkOk)
      assert.isTrue(t.ledger.reconciles)
      assert.strictEqual(t.ledger.cashMicros, 1_006_954_680)
    }), { timeout: 900_000 })
})
