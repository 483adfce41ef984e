/**
 * The activity log end to end over the in-process bus and a real Postgres: an order, a fill and a
 * settled position published on the bus each become one info line and count on `/metrics`; the
 * account gauges read the bankroll and the open positions.
 */
import { NodeServices } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Logger, Metric } from "effect"
import { SqlClient } from "effect/sql"
import * as Activity from "../../src/actors/Activity.ts"
import { openAccount } from "../../src/actors/Bankroll.ts"
import { FillRecorded, OrderRecorded, PositionChanged } from "../../src/actors/Events.ts"
import { setTradingState } from "../../src/actors/Risk.ts"
import { EventBus, eventId } from "../../src/services/bus/EventBus.ts"
import { Outbox } from "../../src/services/bus/Outbox.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import { DeadLetters } from "../../src/services/DeadLetters.ts"
import { migrate } from "../../src/services/database/Migrations.ts"
import { ClientOrderId, FillId, GameId, MarketId, OutcomeId } from "../../src/schema/Ids.ts"
import * as Money from "../../src/schema/Money.ts"
import { eventually } from "../support/Eventually.ts"
import * as TestDatabase from "../support/TestDatabase.ts"

const lines: Array<string> = []
const Capture = Logger.layer([Logger.map(Logger.formatJson, (line) => void lines.push(line))])

const outcome = { platform: "kalshi" as const, marketId: MarketId.make("KXNBAGAME-25DEC15LALBOS-BOS"), outcomeId: OutcomeId.make("yes") }

const gauge = (figure: string) =>
  Metric.value(Metric.withAttributes(Activity.accountGauge, { account: "paper", figure })).pipe(Effect.map((s) => s.value))
const count = <T extends Metric.Metric<number, Metric.CounterState<number>>>(metric: T, attributes: Record<string, string>) =>
  Metric.value(Metric.withAttributes(metric, attributes)).pipe(Effect.map((s) => s.count))

describe("activity log", () => {
  it.live("tells each order, fill and position once, counts them, and gauges the account", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* openAccount("paper", Money.micros(1_000_000_000))
      yield* sql`INSERT INTO games (game_id, league, sport, home_team_id, home_team, home_abbr, away_team_id, away_team, away_abbr, start_time, status)
                 VALUES ('401772994', 'nba', 'nba', '2', 'Boston Celtics', 'BOS', '13', 'Los Angeles Lakers', 'LAL', now(), 'in_progress')`
      yield* sql`INSERT INTO positions (position_id, game_id, platform, market_id, outcome_id, quantity, cost_basis_micros, realized_pnl_micros, fees_paid_micros,
                                        status, opened_at)
                 VALUES ('p-open', '401772994', 'kalshi', ${outcome.marketId}, 'yes', 12000000, 7320000, 0, 170000, 'open', now())`
      const ordersBefore = yield* count(Activity.ordersTotal, { venue: "kalshi", status: "filled", paper: "true" })

      yield* Effect.gen(function*() {
        const bus = yield* EventBus
        const order = {
          clientOrderId: ClientOrderId.make("co-000001"),
          gameId: GameId.make("401772994"),
          outcome,
          action: "buy" as const,
          limitPrice: Money.priceOf("0.61"),
          quantity: Money.qtyOf("12"),
          filledQuantity: Money.qtyOf("12"),
          timeInForce: "ioc" as const,
          status: "filled" as const,
          paper: true,
          createdAt: 1,
          updatedAt: 2
        }
        yield* bus.publish(OrderRecorded, { id: eventId("order", 1), payload: { order } })
        yield* bus.publish(FillRecorded, {
          id: eventId("fill", 1),
          payload: {
            platform: "kalshi",
            fill: { fillId: FillId.make("f-1"), clientOrderId: order.clientOrderId, outcome, action: "buy", price: Money.priceOf("0.61"), quantity: Money.qtyOf("12"), fee: Money.micros(170_000), isTaker: true, filledAt: 2 }
          }
        })
        yield* bus.publish(PositionChanged, {
          id: eventId("pos", 1),
          payload: { positionId: "p-1", gameId: "401772994", status: "settled", quantity: 0, costMicros: 7_320_000, feesMicros: 170_000, realizedPnlMicros: 4_510_000, reason: "won" }
        })
        const told = () => Effect.sync(() => lines.map((l) => JSON.parse(l) as { message: unknown; level: string }))
        const logged = yield* eventually("three activity lines", told(), (ls) => ls.filter((l) => /^(paper order|fill|position)/.test(String(l.message))).length >= 3, "10 seconds")
        const messages = logged.map((l) => String(l.message))
        assert.include(messages, "paper order buy 12 kalshi KXNBAGAME-25DEC15LALBOS-BOS/yes @ 0.61 (filled, game 401772994)")
        assert.include(messages, "fill buy 12 kalshi KXNBAGAME-25DEC15LALBOS-BOS/yes @ 0.61, fee 0.17 (taker)")
        assert.include(messages, "position p-1 settled (game 401772994): qty 0, cost 7.32, fees 0.17, realised P&L +4.51 (won)")
        assert.isTrue(logged.filter((l) => /^(paper order|fill|position)/.test(String(l.message))).every((l) => l.level === "INFO"))

        assert.strictEqual((yield* count(Activity.ordersTotal, { venue: "kalshi", status: "filled", paper: "true" })) - ordersBefore, 1)
        assert.isAtLeast(yield* count(Activity.fillsTotal, { venue: "kalshi", side: "buy", liquidity: "taker" }), 1)
        yield* eventually("the account gauges", gauge("balance"), (v) => v === 1000, "10 seconds")
        assert.strictEqual(yield* gauge("available"), 1000)
        assert.strictEqual(yield* gauge("exposure"), 7.32)
        assert.strictEqual(yield* gauge("equity"), 1000)

        // A trading state change made anywhere becomes one alert in the outbox, and the gauge follows
        yield* setTradingState("HALTED", "drill", "cli:alice")
        const alerts = yield* eventually(
          "the trading alert",
          sql<{ event_id: string; payload: { source: string; message: string } }>`SELECT event_id, payload FROM outbox WHERE topic = 'alerts'`,
          (rows) => rows.length > 0,
          "10 seconds"
        )
        const payload = typeof alerts[0]!.payload === "string" ? JSON.parse(alerts[0]!.payload) : alerts[0]!.payload
        assert.deepStrictEqual([payload.source, payload.message], ["trading", "trading HALTED (set by cli:alice: drill)"])
        assert.strictEqual((yield* Metric.value(Activity.tradingStateGauge)).value, 2)
        yield* Effect.sleep("2500 millis")
        assert.strictEqual((yield* sql`SELECT 1 FROM outbox WHERE topic = 'alerts'`).length, 1, "told once")
      }).pipe(Effect.provide(Activity.layer.pipe(Layer.provideMerge(Outbox.layerNoRelay), Layer.provideMerge(EventBus.layerMemory), Layer.provideMerge(DeadLetters.layer))))
    }).pipe(
      Effect.provide(Capture),
      Effect.provide(AppConfig.layerTest({ "bus.block": "20ms" }).pipe(Layer.orDie)),
      Effect.provide(Layer.effectDiscard(Effect.orDie(migrate())).pipe(Layer.provideMerge(TestDatabase.postgres), Layer.provideMerge(NodeServices.layer)))
    ))
})
