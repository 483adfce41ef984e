/**
 * A strategy written here, not in `src`: registered with `Strategies.layerWith`, enabled by name
 * in the configuration with its own Schema-validated parameters, and trading in a simulation of
 * the real runtime over a fake Polymarket.
 */
import { assert, describe, it, layer } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { Game } from "../../src/actors/Game.ts"
import { upsertGame } from "../../src/actors/Orchestrator.ts"
import { enable, builtins, setStrategySwitch, Strategies } from "../../src/actors/Strategies.ts"
import { defineStrategy } from "../../src/domain/strategy/Strategy.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import type { GameId } from "../../src/schema/Ids.ts"
import * as Money from "../../src/schema/Money.ts"
import { eventually } from "../support/Eventually.ts"
import { nbaGame } from "../support/Games.ts"
import { overFakePolymarket, streamOutcome } from "../support/PolymarketRuntime.ts"

/** The user's strategy: buy the home side whenever its ask is at or under `maxPrice`. */
const cheapHome = defineStrategy({
  name: "cheap_home",
  description: "buy the home side below a price",
  params: Schema.Struct({ maxPrice: Schema.Finite.check(Schema.isBetween({ minimum: 0.01, maximum: 0.99 })), belief: Schema.Finite }),
  initial: 0,
  evaluate: (params, input, fired: number) => {
    const home = input.books.find((b) => b.meaning === "home_win" && b.live)
    const ask = home?.asks[0]
    if (home === undefined || ask === undefined || ask.price > Math.round(params.maxPrice * Money.ONE) || fired > 0) return { intents: [], state: fired }
    return {
      state: fired + 1,
      intents: [{
        strategy: "cheap_home",
        purpose: "entry" as const,
        legs: [{ book: home, action: "buy" as const, limit: ask.price }],
        threshold: { _tag: "edge" as const, probability: params.belief, minEdge: Money.bps(100), kelly: false },
        desired: Money.qtyOf("10"),
        reasons: [`home asks ${Money.formatDollars(ask.price)}`],
        key: "cheap_home"
      }]
    }
  }
})

const settings = {
  "strategies.enabled": "cheap_home",
  "strategies.params": JSON.stringify({ cheap_home: { maxPrice: 0.45, belief: 0.6 } })
}

const runtime = overFakePolymarket(settings, (r) => r.pipe(Layer.provideMerge(Strategies.layerWith([cheapHome]).pipe(Layer.orDie))))

const game = (now: number) =>
  nbaGame({ gameId: "401736811", now, period: 2, secondsRemaining: 1_800, periodSecondsRemaining: 360, home: 50, away: 48, detail: "6:00 - 2nd" })

describe("user strategies", () => {
  it.effect("an unknown name or a bad parameter stops start-up with one line", () =>
    Effect.gen(function*() {
      const load = (overrides: Record<string, string>) =>
        Effect.flatMap(AppConfig, ({ config }) => enable([...builtins(config), cheapHome], config)).pipe(Effect.provide(AppConfig.layerTest(overrides)), Effect.flip)
      assert.include((yield* load({ "strategies.enabled": "nope" })).message, "no strategy named nope")
      const bad = yield* load({ "strategies.enabled": "cheap_home", "strategies.params": JSON.stringify({ cheap_home: { maxPrice: 2, belief: 0.6 } }) })
      assert.include(bad.message, "strategies.params.cheap_home")
    }))
})

const track = (gameId: string, now: number) =>
  Effect.gen(function*() {
    const state = { ...game(now), gameId: gameId as GameId }
    yield* upsertGame(state)
    yield* (yield* Game.client)(gameId).Track({
      state,
      revision: "r1",
      attempt: 0,
      outcomes: [streamOutcome("home_win")]
    })
  })

layer(runtime, { excludeTestServices: true, timeout: "90 seconds" })("a strategy from a test file", (it) => {
  it.effect("is loaded by name from the configuration and trades", () =>
    Effect.gen(function*() {
      yield* track("401736811", Date.now())
      const sql = yield* SqlClient.SqlClient
      // The fake book's best ask is 0.397 ≤ 0.45: one signal from cheap_home, approved, 10 contracts ordered
      const orders = yield* eventually(
        "the order",
        sql<{ quantity: string; limit_price_micros: string }>`SELECT quantity::text, limit_price_micros::text FROM orders`,
        (rows) => rows.length > 0,
        "30 seconds"
      )
      assert.deepStrictEqual(orders.map((o) => [o.quantity, o.limit_price_micros]), [["10000000", "397000"]])
      const signals = yield* sql<{ strategy: string; status: string; reason_code: string }>`SELECT strategy, status, reason_code FROM signals`
      assert.deepStrictEqual(signals.map((s) => [s.strategy, s.status, s.reason_code]), [["cheap_home", "accepted", "APPROVED"]])
      const [reserved] = yield* sql<{ amount: string }>`SELECT sum(amount_micros)::text AS amount FROM bankroll_reservations`
      // 10 × $0.397 + the Polymarket fee 10 × 0.03 × 0.397 × 0.603 = $0.07181
      assert.strictEqual(reserved!.amount, String(Money.dollars("4.04181")))
    }))

  it.effect("paused by an operator it proposes nothing; resumed it trades", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* setStrategySwitch(["cheap_home"], "cheap_home", true, "drill", "test")
      // Every process re-reads the switches each second
      yield* Effect.sleep("1500 millis")
      yield* track("401736812", Date.now())
      // The book is live and cheap: unpaused, cheap_home signals within a second (the test above)
      yield* Effect.sleep("3 seconds")
      const none = yield* sql`SELECT signal_id FROM signals WHERE game_id = '401736812'`
      assert.strictEqual(none.length, 0, "no signal while paused")
      yield* setStrategySwitch(["cheap_home"], "cheap_home", false, "drill over", "test")
      yield* Effect.sleep("1500 millis")
      // The next tick (a new game state) finds it running again
      const later = Date.now()
      yield* (yield* Game.client)("401736812").Update({ state: { ...game(later), gameId: "401736812" as GameId, home: { ...game(later).home, score: 52 } } })
      const signals = yield* eventually(
        "a signal after the resume",
        sql<{ strategy: string; reason_code: string }>`SELECT strategy, reason_code FROM signals WHERE game_id = '401736812'`,
        (rows) => rows.length > 0,
        "30 seconds"
      )
      assert.deepStrictEqual(signals.map((s) => s.strategy), ["cheap_home"])
    }), 90_000)
})
