/**
 * The execution actor: the singleton that turns approved signals into orders.
 *
 * `Submit` is a persisted message keyed by the client order id, handled in the same transaction
 * as its stored reply (`WithTransaction`): the order row, its outbox event and the cluster's reply
 * commit together, so a crash or a redelivery can neither lose the order nor record it twice. The
 * client order id is derived from the signal (`<signal id>-<leg>`), so the venue would see the same
 * idempotency key on a retry too.
 *
 * In paper mode the order is recorded as submitted against the real book it was priced on; the
 * paper fill model (latency, fill rate, slippage) and live order entry belong to the execution
 * work that builds on this actor. Live mode is refused at start-up until then.
 *
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import { ClusterSchema, Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import { SqlClient } from "effect/sql"
import { AppConfig } from "../services/config/AppConfig.ts"
import { Diagnostics } from "../services/Diagnostics.ts"
import { Outbox } from "../services/bus/Outbox.ts"
import { eventId } from "../services/bus/EventBus.ts"
import { QueryFailed, StorageError } from "../schema/errors/StorageError.ts"
import { ClientOrderId, GameId, SignalId } from "../schema/Ids.ts"
import { OutcomeRef } from "../schema/Market.ts"
import { Price, Qty } from "../schema/Money.ts"
import { Action, type Order, OrderStatus, TimeInForce } from "../schema/Trading.ts"
import { OrderRecorded } from "./Events.ts"
import { nowMillis } from "../services/Time.ts"

/** @category messages */
export const Submit = Rpc.make("Submit", {
  payload: {
    clientOrderId: ClientOrderId,
    signalId: SignalId,
    gameId: GameId,
    outcome: OutcomeRef,
    action: Action,
    limitPrice: Price,
    quantity: Qty,
    timeInForce: TimeInForce
  },
  success: Schema.Struct({ status: OrderStatus, recorded: Schema.Boolean }),
  error: StorageError,
  primaryKey: (p) => p.clientOrderId
}).annotate(ClusterSchema.Persisted, true).annotate(ClusterSchema.WithTransaction, true)

/** @category entities */
export const Execution = Entity.make("Execution", [Submit])

/** The one execution entity. @category constants */
export const EXECUTION_ID = "global"

/** @category layers */
export const layer = Execution.toLayer(
  Effect.gen(function*() {
    const { config } = yield* AppConfig
    const sql = yield* SqlClient.SqlClient
    const outbox = yield* Outbox
    const diagnostics = yield* Diagnostics
    const report = yield* diagnostics.register({ id: "singleton:execution", kind: "singleton", parent: "runner" })
    report.status = "running"
    yield* Effect.addFinalizer(() => Effect.sync(() => void (report.status = "passivated")))

    const submit = Effect.fn("Execution.submit")(function*(p: typeof Submit.payloadSchema.Type) {
      const now = yield* nowMillis
      report.lastMessageAt = now
      const order: Order = {
        clientOrderId: p.clientOrderId,
        signalId: p.signalId,
        gameId: p.gameId,
        outcome: p.outcome,
        action: p.action,
        limitPrice: p.limitPrice,
        quantity: p.quantity,
        filledQuantity: 0 as Qty,
        timeInForce: p.timeInForce,
        status: "submitted",
        paper: config.mode === "paper",
        createdAt: now,
        updatedAt: now
      }
      const recorded = yield* sql.withTransaction(
        Effect.gen(function*() {
          const rows = yield* sql`
            INSERT INTO orders (client_order_id, platform, market_id, outcome_id, game_id, signal_id, action, time_in_force,
                                limit_price_micros, quantity, filled_quantity, status, paper, created_at, updated_at)
            VALUES (${order.clientOrderId}, ${order.outcome.platform}, ${order.outcome.marketId}, ${order.outcome.outcomeId}, ${order.gameId},
                    ${p.signalId}, ${order.action}, ${order.timeInForce}, ${order.limitPrice}, ${order.quantity}, 0, ${order.status},
                    ${order.paper}, to_timestamp(${now / 1000}), to_timestamp(${now / 1000}))
            ON CONFLICT (client_order_id) DO NOTHING RETURNING client_order_id`
          if (rows.length === 0) return false
          yield* outbox.append(OrderRecorded, { id: eventId("order", order.clientOrderId, "submitted"), key: order.clientOrderId, payload: { order }, occurredAt: now })
          return true
        })
      ).pipe(Effect.mapError((e) => new StorageError({ reason: new QueryFailed({ message: e.message }) })))
      report.details["orders"] = (Number(report.details["orders"] ?? 0)) + (recorded ? 1 : 0)
      return { status: order.status, recorded }
    })

    return Execution.of({ Submit: ({ payload }) => submit(payload) })
  }),
  { maxIdleTime: "1 hour" }
)
