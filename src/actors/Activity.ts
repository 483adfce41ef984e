/**
 * What arbees is doing, told as it happens: one info line per order, fill and position change
 * (read from the bus, so a line means the event was recorded), and the trading figures on
 * `/metrics`: orders and fills by venue and status, and the account's balance, reserved, equity,
 * open exposure and today's realised P&L (read from the database every {@link GAUGE_INTERVAL}).
 * A change of the global trading state, whoever made it, becomes one alert (so one notification).
 *
 * Game tracking, market matching, books going live, model moves and signal decisions are told by
 * the orchestrator and the game actors themselves, where they happen. One consumer group,
 * `activity`, so that with several runners each event is told once.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Layer, Metric } from "effect"
import { SqlClient } from "effect/sql"
import { describeFill, describeOrder, describePosition } from "../domain/activity/Describe.ts"
import { AppConfig } from "../services/config/AppConfig.ts"
import { EventBus, eventId } from "../services/bus/EventBus.ts"
import { Outbox } from "../services/bus/Outbox.ts"
import { nowMillis } from "../services/Time.ts"
import { Alert, FillRecorded, OrderRecorded, PositionChanged } from "./Events.ts"
import { readTradingState } from "./Risk.ts"

/** The consumer group of the activity log. @category constants */
export const GROUP = "activity"

/** How often the account gauges are read. @category constants */
export const GAUGE_INTERVAL = Duration.seconds(10)

/** @category metrics */
export const ordersTotal = Metric.counter("arbees_orders_total", { description: "Order events recorded, by venue, status and paper/live" })
/** @category metrics */
export const fillsTotal = Metric.counter("arbees_fills_total", { description: "Fills recorded, by venue, side and taker/maker" })
/** @category metrics */
export const filledContractsTotal = Metric.counter("arbees_filled_contracts_total", { description: "Contracts filled, by venue and side" })
/** @category metrics */
export const positionsTotal = Metric.counter("arbees_position_changes_total", { description: "Position events, by status" })
/** Dollars (a gauge is a float; the exact figure is in the database). @category metrics */
export const accountGauge = Metric.gauge("arbees_account_dollars", {
  description: "The bankroll account in dollars, by figure: balance, reserved, available, piggybank, equity (realised), exposure (open positions at cost), realized_today"
})

/** How often the trading state is looked at for changes. @category constants */
export const TRADING_STATE_INTERVAL = Duration.seconds(2)

const TRADING_STATES = ["ACTIVE", "REDUCING", "HALTED"] as const

/** @category metrics */
export const tradingStateGauge = Metric.gauge("arbees_trading_state", { description: "The global trading state: 0 ACTIVE, 1 REDUCING, 2 HALTED" })

const dollars = (micros: unknown) => Number(micros ?? 0) / 1_000_000

/** @category layers */
export const layer = Layer.effectDiscard(
  Effect.gen(function*() {
    const bus = yield* EventBus
    const outbox = yield* Outbox
    const sql = yield* SqlClient.SqlClient
    const { config } = yield* AppConfig
    const account = config.bankroll.account

    yield* bus.subscribe(OrderRecorded, {
      group: GROUP,
      handler: ({ payload: { order } }) =>
        Effect.gen(function*() {
          yield* Metric.update(Metric.withAttributes(ordersTotal, { venue: order.outcome.platform, status: order.status, paper: String(order.paper) }), 1)
          yield* Effect.logInfo(describeOrder(order)).pipe(Effect.annotateLogs({ gameId: order.gameId, clientOrderId: order.clientOrderId }))
        })
    })
    yield* bus.subscribe(FillRecorded, {
      group: GROUP,
      handler: ({ payload: { fill, platform } }) =>
        Effect.gen(function*() {
          const venue = { venue: platform, side: fill.action }
          yield* Metric.update(Metric.withAttributes(fillsTotal, { ...venue, liquidity: fill.isTaker ? "taker" : "maker" }), 1)
          yield* Metric.update(Metric.withAttributes(filledContractsTotal, venue), fill.quantity / 1_000_000)
          yield* Effect.logInfo(describeFill(fill)).pipe(Effect.annotateLogs({ clientOrderId: fill.clientOrderId, fillId: fill.fillId }))
        })
    })
    yield* bus.subscribe(PositionChanged, {
      group: GROUP,
      handler: ({ payload }) =>
        Effect.gen(function*() {
          yield* Metric.update(Metric.withAttributes(positionsTotal, { status: payload.status }), 1)
          yield* Effect.logInfo(describePosition(payload)).pipe(Effect.annotateLogs({ gameId: payload.gameId }))
        })
    })

    const gauges = Effect.gen(function*() {
      const now = yield* nowMillis
      const midnight = new Date(Math.floor(now / 86_400_000) * 86_400_000).toISOString()
      const [row] = yield* sql<Record<string, unknown>>`
        SELECT b.balance_micros, b.reserved_micros, b.piggybank_micros, b.equity_micros,
               (SELECT COALESCE(sum(cost_basis_micros), 0) FROM positions WHERE status = 'open') AS exposure,
               (SELECT COALESCE(sum(realized_pnl_micros), 0) FROM positions
                 WHERE status IN ('closed', 'settled') AND closed_at >= ${midnight}::timestamptz) AS realized_today
          FROM bankroll b WHERE b.account = ${account}`
      if (row === undefined) return
      const set = (figure: string, value: number) => Metric.update(Metric.withAttributes(accountGauge, { account, figure }), value)
      const balance = dollars(row["balance_micros"])
      const reserved = dollars(row["reserved_micros"])
      yield* set("balance", balance)
      yield* set("reserved", reserved)
      yield* set("available", balance - reserved)
      yield* set("piggybank", dollars(row["piggybank_micros"]))
      // Open positions at cost: what the account holds beyond its cash
      yield* set("exposure", dollars(row["exposure"]))
      // Deposits, withdrawals and realised P&L: the bankroll's own figure
      yield* set("equity", dollars(row["equity_micros"]))
      yield* set("realized_today", dollars(row["realized_today"]))
    })
    // The trading state, whoever set it (the API, `arbees trading` from another process, the kill
    // switch): every change becomes one alert (and so one notification) and a gauge
    let seenAt: number | undefined
    const tradingState = Effect.gen(function*() {
      const trading = yield* readTradingState()
      yield* Metric.update(tradingStateGauge, TRADING_STATES.indexOf(trading.state))
      if (seenAt === undefined || trading.at === seenAt) {
        seenAt = trading.at
        return
      }
      seenAt = trading.at
      const message = `trading ${trading.state} (set by ${trading.changedBy}: ${trading.reason})`
      yield* Effect.logWarning(message).pipe(Effect.annotateLogs({ reason: trading.reason, changedBy: trading.changedBy }))
      // One alert per change whichever runner sees it first: the event id is the change's time
      yield* outbox.append(Alert, { id: eventId("trading", trading.at), key: "trading", payload: { source: "trading", message, at: trading.at } })
    })
    yield* tradingState.pipe(
      Effect.catchCause((cause) => Effect.logDebug("trading state not read", cause)),
      Effect.andThen(Effect.sleep(TRADING_STATE_INTERVAL)),
      Effect.forever,
      Effect.forkScoped
    )
    yield* gauges.pipe(
      Effect.catchCause((cause) => Effect.logDebug("account gauges not read", cause)),
      Effect.andThen(Effect.sleep(GAUGE_INTERVAL)),
      Effect.forever,
      Effect.forkScoped
    )
  })
)
