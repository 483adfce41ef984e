/**
 * Two-leg arbitrage as one unit: records both legs of an arbitrage together, sends them
 * concurrently with equal share counts, and drives the unit until its legs match, by the pure
 * decisions of `domain/execution/Arbitrage.ts`:
 *
 * - a leg whose fate is open (a Polymarket order delayed by its matching engine, an unknown
 *   answer) is polled with backoff until the leg deadline, then cancelled; nothing is unwound
 *   while a leg may still fill;
 * - a mismatch is unwound (the excess sold) or hedged (the short leg completed), whichever the
 *   book makes cheaper, at a limit bounded by `execution.unwindMaxLoss` a contract, fees included;
 * - matched sets become one arbitrage position (`positions.arb_group`, which exits leave alone)
 *   with its locked-in profit;
 * - an excess nothing within the bound could remedy before the unwind deadline is left `exposed`
 *   and logged as an error; when nothing matched, the lone leg becomes an ordinary position again,
 *   for exits and stops to manage.
 *
 * Every state is a row in `arbitrages` (with its transition in `arbitrage_transitions`), written
 * before the action it names; unwind and hedge orders have deterministic client order ids
 * (`<arb>-u<n>`, `<arb>-h<n>`) recorded with the attempt count in one transaction. So a restart
 * ({@link ArbitrageDriver.resume}) picks each unfinished unit up where it was, and never sends a
 * leg or an unwind twice: an order recorded but not known to be sent is resolved by a status query
 * like any other.
 *
 * @since 0.1.0
 */
import { Context, Duration, Effect, FiberSet, Layer, Schema } from "effect"
import { ClusterSchema, Entity, Singleton } from "effect/cluster"
import { Rpc } from "effect/rpc"
import { SqlClient } from "effect/sql"
import {
  type ArbStep,
  BOOK_RETRY_MILLIS,
  decide,
  emptyLeg,
  LEG_TIMEOUT_MILLIS,
  type LegHolding,
  type LegIndex,
  matchedQuantity,
  pollDelay,
  UNWIND_WINDOW_MILLIS
} from "../domain/execution/Arbitrage.ts"
import { isTerminal, type LifecycleStatus } from "../domain/execution/OrderLifecycle.ts"
import { StorageError } from "../schema/errors/StorageError.ts"
import { ClientOrderId, GameId, SignalId } from "../schema/Ids.ts"
import { OutcomeRef, outcomeKey } from "../schema/Market.ts"
import { type Bps, type Micros, Price, Qty } from "../schema/Money.ts"
import { AppConfig } from "../services/config/AppConfig.ts"
import { nowMillis } from "../services/Time.ts"
import { PaperMarket } from "../services/venue/PaperVenue.ts"
import { Venues } from "../services/venue/Venue.ts"
import { kalshiRules, polymarketRules } from "../domain/risk/Sizing.ts"
import { ExecutionDriver } from "./Execution.ts"
import type { FeeTerms } from "./Game.ts"
import { RiskGate } from "./Risk.ts"
import * as Trades from "./Trades.ts"

/** One leg as risk approved it. @category models */
export interface ArbLeg {
  readonly clientOrderId: ClientOrderId
  readonly outcome: OutcomeRef
  readonly limitPrice: Price
}

/** An arbitrage to open: two buys of the same share count. @category models */
export interface NewArbitrage {
  /** The unit's id (the signal's) */
  readonly arbId: string
  readonly signalId?: SignalId | undefined
  readonly gameId: GameId
  readonly quantity: Qty
  readonly legs: readonly [ArbLeg, ArbLeg]
}

/** A unit's state. @category models */
export type ArbState = "submitting" | "waiting" | "cancelling" | "unwinding" | "hedging" | "watching" | "matched" | "flat" | "exposed"

const FINAL: ReadonlySet<ArbState> = new Set(["matched", "flat", "exposed"])

/** A unit as the driver reads it back. @category models */
export interface ArbRow {
  readonly arbId: string
  readonly gameId: string
  readonly legs: readonly [string, string]
  readonly quantity: Qty
  readonly state: ArbState
  readonly maxLoss: Price
  readonly legDeadline: number
  readonly unwindDeadline: number
  readonly cancelled: ReadonlyArray<string>
  readonly attempts: number
  readonly matched?: Qty | undefined
  readonly lockedProfit?: Micros | undefined
  readonly reason?: string | undefined
}

interface RawArb {
  readonly arb_id: string
  readonly game_id: string
  readonly leg_a: string
  readonly leg_b: string
  readonly quantity: string
  readonly state: string
  readonly max_loss: string
  readonly leg_deadline: string
  readonly unwind_deadline: string
  readonly cancelled_legs: ReadonlyArray<string>
  readonly attempts: number
  readonly matched: string | null
  readonly locked: string | null
  readonly reason: string | null
}

const ts = (ms: number) => ms / 1000

/** Reads one unit. @category queries */
export const readArbitrage = (arbId: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const [r] = yield* sql<RawArb>`
      SELECT arb_id, game_id, leg_a, leg_b, quantity::text AS quantity, state, unwind_max_loss_micros::text AS max_loss,
             (extract(epoch FROM leg_deadline) * 1000)::bigint::text AS leg_deadline,
             (extract(epoch FROM unwind_deadline) * 1000)::bigint::text AS unwind_deadline,
             cancelled_legs, attempts, matched_quantity::text AS matched, locked_profit_micros::text AS locked, reason
        FROM arbitrages WHERE arb_id = ${arbId}`
    if (r === undefined) return undefined
    return {
      arbId: r.arb_id,
      gameId: r.game_id,
      legs: [r.leg_a, r.leg_b],
      quantity: Number(r.quantity) as Qty,
      state: r.state as ArbState,
      maxLoss: Number(r.max_loss) as Price,
      legDeadline: Number(r.leg_deadline),
      unwindDeadline: Number(r.unwind_deadline),
      cancelled: r.cancelled_legs,
      attempts: r.attempts,
      matched: r.matched === null ? undefined : (Number(r.matched) as Qty),
      lockedProfit: r.locked === null ? undefined : (Number(r.locked) as Micros),
      reason: r.reason ?? undefined
    } satisfies ArbRow
  }).pipe(Effect.mapError(Trades.storage))

/** Lists for the CLI: every unit, its state and its locked-in profit. @category queries */
export const listArbitrages = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  return yield* sql<Record<string, unknown>>`
    SELECT arb_id, game_id, leg_a, leg_b, quantity::text AS quantity, state, matched_quantity::text AS matched_quantity,
           locked_profit_micros::text AS locked_profit_micros, attempts, unwind_max_loss_micros::text AS unwind_max_loss_micros, reason,
           (extract(epoch FROM created_at) * 1000)::bigint::text AS created_ms
      FROM arbitrages ORDER BY created_at, arb_id`
}).pipe(Effect.mapError(Trades.storage))

/** One order of a unit, with its fills' totals. */
interface ArbOrder {
  readonly clientOrderId: string
  readonly outcome: OutcomeRef
  readonly action: "buy" | "sell"
  readonly purpose: Trades.Purpose
  readonly status: LifecycleStatus
  readonly filled: Qty
  readonly cost: Micros
  readonly fees: Micros
}

const arbOrders = (arbId: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{
      client_order_id: string
      platform: string
      market_id: string
      outcome_id: string
      action: string
      purpose: string
      status: string
      filled: string
      cost: string
      fees: string
    }>`SELECT client_order_id, platform, market_id, outcome_id, action, purpose, status, filled_quantity::text AS filled,
              cost_micros::text AS cost, fees_micros::text AS fees
         FROM orders WHERE arb_id = ${arbId} ORDER BY created_at, client_order_id`
    return rows.map((r): ArbOrder => ({
      clientOrderId: r.client_order_id,
      outcome: { platform: r.platform, marketId: r.market_id, outcomeId: r.outcome_id } as OutcomeRef,
      action: r.action as "buy" | "sell",
      purpose: r.purpose as Trades.Purpose,
      status: r.status as LifecycleStatus,
      filled: Number(r.filled) as Qty,
      cost: Number(r.cost) as Micros,
      fees: Number(r.fees) as Micros
    }))
  }).pipe(Effect.mapError(Trades.storage))

/** What each leg's outcome holds, from the unit's orders (entry legs, hedges and unwinds). */
const holdings = (arb: ArbRow, orders: ReadonlyArray<ArbOrder>, legOutcomes: readonly [string, string]): [LegHolding, LegHolding] => {
  const legs: [LegHolding, LegHolding] = [{ ...emptyLeg }, { ...emptyLeg }]
  for (const o of orders) {
    const i = legOutcomes.indexOf(outcomeKey(o.outcome))
    if (i < 0) continue
    const l = legs[i]!
    const next: LegHolding = o.action === "buy"
      ? { ...l, bought: (l.bought + o.filled) as Qty, cost: (l.cost + o.cost) as Micros, fees: (l.fees + o.fees) as Micros }
      : { ...l, sold: (l.sold + o.filled) as Qty, proceeds: (l.proceeds + o.cost) as Micros, sellFees: (l.sellFees + o.fees) as Micros }
    const entry = o.clientOrderId === arb.legs[i] ? (isTerminal(o.status) ? "done" : arb.cancelled.includes(o.clientOrderId) ? "cancelling" : "open") : l.entry
    legs[i] = { ...next, entry }
  }
  return legs
}

/** The state a step puts the unit in. */
const stateOf = (step: ArbStep): ArbState => {
  switch (step._tag) {
    case "WaitForLeg":
      return "waiting"
    case "CancelLeg":
      return "cancelling"
    case "Unwind":
      return "unwinding"
    case "Hedge":
      return "hedging"
    case "WaitForBook":
      return "watching"
    case "Matched":
      return "matched"
    case "Flat":
      return "flat"
    case "Exposed":
      return "exposed"
    case "WaitForAdjustment":
      return "unwinding"
  }
}

const moveTo = (arb: ArbRow, to: ArbState, reason: string, extra: { readonly matched?: Qty; readonly locked?: Micros; readonly cancelled?: string } = {}) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const at = yield* nowMillis
    yield* sql`UPDATE arbitrages SET state = ${to}, reason = ${reason}, updated_at = to_timestamp(${ts(at)}),
                      matched_quantity = coalesce(${extra.matched ?? null}::bigint, matched_quantity),
                      locked_profit_micros = coalesce(${extra.locked ?? null}::bigint, locked_profit_micros),
                      cancelled_legs = CASE WHEN ${extra.cancelled ?? null}::text IS NULL THEN cancelled_legs
                                            ELSE array_append(cancelled_legs, ${extra.cancelled ?? null}::text) END
                WHERE arb_id = ${arb.arbId}`
    if (to !== arb.state) {
      yield* sql`INSERT INTO arbitrage_transitions (arb_id, from_state, to_state, reason, at)
                 VALUES (${arb.arbId}, ${arb.state}, ${to}, ${reason}, to_timestamp(${ts(at)}))`
    }
  })

/**
 * The runner-local driver of arbitrage units.
 *
 * @category services
 */
export class ArbitrageDriver extends Context.Service<ArbitrageDriver, {
  /** Records the unit and both legs (`pending_submit`) in one transaction; `false` when it exists already */
  readonly open: (arb: NewArbitrage) => Effect.Effect<boolean, StorageError>
  /** Drives a unit to its final state (sending the legs first if they were not sent) */
  readonly run: (arbId: string) => Effect.Effect<ArbRow | undefined, StorageError>
  /** `run`, in the background */
  readonly launch: (arbId: string) => Effect.Effect<void>
  /** Launches every unfinished unit (start-up); returns how many */
  readonly resume: Effect.Effect<number, StorageError>
}>()("arbees/actors/ArbitrageDriver") {
  static readonly layer: Layer.Layer<ArbitrageDriver, never, ExecutionDriver | Venues | PaperMarket | RiskGate | AppConfig | Trades.TradesContext> = Layer.effect(
    ArbitrageDriver,
    Effect.gen(function*() {
      const { config } = yield* AppConfig
      const driver = yield* ExecutionDriver
      const venues = yield* Venues
      const market = yield* PaperMarket
      const gate = yield* RiskGate
      const context = yield* Effect.context<Trades.TradesContext>()
      const fibers = yield* FiberSet.make()
      const running = new Set<string>()
      const paper = config.mode === "paper"

      const open = Effect.fn("Arbitrage.open")(function*(arb: NewArbitrage) {
        const sql = yield* SqlClient.SqlClient
        const at = yield* nowMillis
        return yield* sql.withTransaction(Effect.gen(function*() {
          const inserted = yield* sql`
            INSERT INTO arbitrages (arb_id, signal_id, game_id, leg_a, leg_b, quantity, state, unwind_max_loss_micros, leg_deadline, unwind_deadline,
                                    created_at, updated_at)
            VALUES (${arb.arbId}, ${arb.signalId ?? null}, ${arb.gameId}, ${arb.legs[0].clientOrderId}, ${arb.legs[1].clientOrderId}, ${arb.quantity},
                    'submitting', ${config.execution.unwindMaxLoss}, to_timestamp(${ts(at + LEG_TIMEOUT_MILLIS)}),
                    to_timestamp(${ts(at + LEG_TIMEOUT_MILLIS + UNWIND_WINDOW_MILLIS)}), to_timestamp(${ts(at)}), to_timestamp(${ts(at)}))
            ON CONFLICT (arb_id) DO NOTHING RETURNING arb_id`
          if (inserted.length === 0) return false
          yield* sql`INSERT INTO arbitrage_transitions (arb_id, from_state, to_state, reason, at)
                     VALUES (${arb.arbId}, NULL, 'submitting', 'recorded', to_timestamp(${ts(at)}))`
          for (const leg of arb.legs) {
            yield* Trades.recordOrder({
              clientOrderId: leg.clientOrderId,
              signalId: arb.signalId,
              gameId: arb.gameId,
              outcome: leg.outcome,
              action: "buy",
              limitPrice: leg.limitPrice,
              quantity: arb.quantity,
              timeInForce: "ioc",
              postOnly: false,
              purpose: "entry",
              paper
            })
            yield* sql`UPDATE orders SET arb_id = ${arb.arbId} WHERE client_order_id = ${leg.clientOrderId}`
          }
          return true
        })).pipe(Effect.mapError(Trades.storage))
      }, Effect.provideContext(context))

      /** Records an unwind or hedge order with the attempt count, in one transaction. */
      const recordAdjustment = (arb: ArbRow, step: Extract<ArbStep, { readonly _tag: "Unwind" | "Hedge" }>, outcome: OutcomeRef) =>
        Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          const attempt = arb.attempts + 1
          const clientOrderId = `${arb.arbId}-${step._tag === "Unwind" ? "u" : "h"}${attempt}` as ClientOrderId
          yield* sql.withTransaction(Effect.gen(function*() {
            yield* Trades.recordOrder({
              clientOrderId,
              gameId: arb.gameId as GameId,
              outcome,
              action: step._tag === "Unwind" ? "sell" : "buy",
              limitPrice: step.limit,
              quantity: step.quantity,
              timeInForce: "ioc",
              postOnly: false,
              purpose: step._tag === "Unwind" ? "unwind" : "hedge",
              paper
            })
            yield* sql`UPDATE orders SET arb_id = ${arb.arbId} WHERE client_order_id = ${clientOrderId}`
            yield* sql`UPDATE arbitrages SET attempts = ${attempt} WHERE arb_id = ${arb.arbId}`
            yield* moveTo(arb, stateOf(step), `${step._tag.toLowerCase()} ${step.quantity} at ${step.limit}: expected ${step.expectedFilled} for ${step.expectedPnl}`)
          })).pipe(Effect.mapError(Trades.storage))
          return clientOrderId
        })

      /**
       * Unwinds and hedges pass the risk singleton like exits (they reduce the unit's exposure):
       * allowed while REDUCING, refused when HALTED or past the kill switch. Each check is a signal
       * of its own (`<arb>-u<n>-r<k>`), so a retry after a denial is decided afresh. Answers the
       * denial, if any.
       */
      const passRisk = (arb: ArbRow, step: Extract<ArbStep, { readonly _tag: "Unwind" | "Hedge" }>, outcome: OutcomeRef) =>
        Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          const now = yield* nowMillis
          const fees = yield* market.fees(outcome)
          if (fees === undefined) return "no fee terms for the market"
          const book = yield* market.book(outcome)
          const prefix = `${arb.arbId}-${step._tag === "Unwind" ? "u" : "h"}${arb.attempts + 1}-r`
          const [tried] = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM signals WHERE starts_with(signal_id, ${prefix})`.pipe(Effect.mapError(Trades.storage))
          const [game] = yield* sql<{ sport: string }>`SELECT sport FROM games WHERE game_id = ${arb.gameId}`.pipe(Effect.mapError(Trades.storage))
          const action = step._tag === "Unwind" ? "sell" : "buy"
          const verdict = yield* gate.check({
            signal: {
              signalId: `${prefix}${(tried?.n ?? 0) + 1}` as SignalId,
              kind: "exit",
              gameId: arb.gameId as GameId,
              legs: [{ outcome, action, limit: step.limit, available: step.quantity }],
              edgeBps: 0 as Bps,
              strategy: "arbitrage",
              reasons: [`${step._tag.toLowerCase()} ${step.quantity} of leg ${step.leg} of arbitrage ${arb.arbId}, expected ${step.expectedPnl}`],
              createdAt: now,
              expiresAt: now + Duration.toMillis(config.signals.expiry)
            },
            sport: game?.sport ?? "unknown",
            purpose: step._tag === "Unwind" ? "exit" : "hedge",
            legs: [{
              outcome,
              meaning: "other",
              action,
              limit: step.limit,
              asks: book?.asks ?? [],
              fees: fees as FeeTerms,
              venue: outcome.platform === "kalshi" ? kalshiRules() : polymarketRules(),
              // The paper market hands out live books only: this one is as of now
              bookAsOf: now
            }],
            threshold: { _tag: "edge", probability: 0, minEdge: 0 as Bps, kelly: false },
            desired: step.quantity,
            withDraw: false,
            gameStateChangedAt: now
          })
          return verdict._tag === "Denied" ? `${verdict.denial.code}: ${verdict.denial.message}` : undefined
        }).pipe(Effect.provideContext(context))

      /** Marks the unit's open positions as one arbitrage, so exits leave them to settlement. */
      const group = (arbId: string) =>
        Effect.flatMap(SqlClient.SqlClient, (sql) =>
          sql`UPDATE positions SET arb_group = ${arbId}
               WHERE status = 'open' AND arb_group IS NULL
                 AND position_id IN (SELECT position_id FROM orders WHERE arb_id = ${arbId} AND position_id IS NOT NULL)`).pipe(Effect.mapError(Trades.storage))

      const run = Effect.fn("Arbitrage.run")(function*(arbId: string) {
        // Orders this run has sent and not yet heard back on: not polled (their answer is coming)
        const inFlight = new Set<string>()
        const send = (id: string) =>
          Effect.suspend(() => {
            inFlight.add(id)
            return driver.place(id).pipe(
              Effect.catchCause((cause) => Effect.logError("arbitrage order not placed", cause)),
              Effect.ensuring(Effect.sync(() => inFlight.delete(id))),
              Effect.forkChild
            )
          })
        let polls = 0
        while (true) {
          const arb = yield* readArbitrage(arbId)
          if (arb === undefined || FINAL.has(arb.state)) return arb
          if (arb.state === "submitting") {
            // The state says "sent" before anything is: a restart then resolves the legs, never resends them
            yield* moveTo(arb, "waiting", "both legs sent").pipe(Effect.mapError(Trades.storage))
            yield* send(arb.legs[0])
            yield* send(arb.legs[1])
            continue
          }
          const orders = yield* arbOrders(arbId)
          const legOutcomes = [0, 1].map((i) => outcomeKey(orders.find((o) => o.clientOrderId === arb.legs[i])!.outcome)) as [string, string]
          const legs = holdings(arb, orders, legOutcomes)
          if (legs.some((l) => l.bought > 0)) yield* group(arbId)
          const now = yield* nowMillis
          const step = decide({
            legs,
            fees: [yield* market.fees(orders.find((o) => o.clientOrderId === arb.legs[0])!.outcome), yield* market.fees(orders.find((o) => o.clientOrderId === arb.legs[1])!.outcome)],
            books: [yield* market.book(orders.find((o) => o.clientOrderId === arb.legs[0])!.outcome), yield* market.book(orders.find((o) => o.clientOrderId === arb.legs[1])!.outcome)],
            maxLoss: arb.maxLoss,
            now,
            legDeadline: arb.legDeadline,
            unwindDeadline: arb.unwindDeadline,
            adjustmentOpen: orders.some((o) => o.purpose !== "entry" && !isTerminal(o.status)),
            attempts: arb.attempts
          })
          const legOrder = (i: LegIndex) => orders.find((o) => o.clientOrderId === arb.legs[i])!
          switch (step._tag) {
            case "WaitForLeg":
            case "WaitForAdjustment": {
              if (step._tag === "WaitForLeg" && arb.state !== "waiting") yield* moveTo(arb, "waiting", `waiting for leg ${step.leg}`).pipe(Effect.mapError(Trades.storage))
              yield* Effect.sleep(Duration.millis(pollDelay(polls++)))
              for (const o of orders) if (!isTerminal(o.status) && !inFlight.has(o.clientOrderId)) yield* driver.refresh(o.clientOrderId)
              break
            }
            case "CancelLeg": {
              const order = legOrder(step.leg)
              yield* moveTo(arb, "cancelling", `leg ${step.leg} still open at the deadline: cancelled, assumed not to fill`, { cancelled: order.clientOrderId }).pipe(Effect.mapError(Trades.storage))
              yield* venues.get(order.outcome.platform).cancel({ clientOrderId: order.clientOrderId as ClientOrderId }).pipe(
                Effect.catchCause((cause) => Effect.logWarning("arbitrage leg cancel failed", cause))
              )
              if (!inFlight.has(order.clientOrderId)) yield* driver.refresh(order.clientOrderId)
              break
            }
            case "Unwind":
            case "Hedge": {
              const denied = yield* passRisk(arb, step, legOrder(step.leg).outcome)
              if (denied !== undefined) {
                // Refused (trading halted, the kill switch, a stale book): tried again while the deadline allows
                if (arb.state !== "watching") {
                  yield* moveTo(arb, "watching", `${step._tag.toLowerCase()} of leg ${step.leg} denied by risk: ${denied}`).pipe(Effect.mapError(Trades.storage))
                }
                yield* Effect.sleep(Duration.millis(BOOK_RETRY_MILLIS))
                break
              }
              const id = yield* recordAdjustment(arb, step, legOrder(step.leg).outcome)
              polls = 0
              yield* send(id)
              break
            }
            case "WaitForBook": {
              if (arb.state !== "watching") yield* moveTo(arb, "watching", `nothing to trade within unwindMaxLoss for the excess of leg ${step.leg} (${step.quantity})`).pipe(Effect.mapError(Trades.storage))
              yield* Effect.sleep(Duration.millis(BOOK_RETRY_MILLIS))
              break
            }
            case "Matched":
              yield* moveTo(arb, "matched", `${step.quantity} matched sets`, { matched: step.quantity, locked: step.lockedProfit }).pipe(Effect.mapError(Trades.storage))
              break
            case "Flat":
              yield* moveTo(arb, "flat", "nothing held", { matched: 0 as Qty, locked: step.pnl }).pipe(Effect.mapError(Trades.storage))
              break
            case "Exposed":
              yield* moveTo(arb, "exposed", `${step.quantity} of leg ${step.leg} unmatched: ${step.reason}`).pipe(Effect.mapError(Trades.storage))
              // Nothing matched: the lone leg is an ordinary position again, for exits and stops to manage
              if (matchedQuantity(legs) === 0) {
                yield* Effect.flatMap(SqlClient.SqlClient, (sql) => sql`UPDATE positions SET arb_group = NULL WHERE arb_group = ${arbId} AND status = 'open'`).pipe(
                  Effect.mapError(Trades.storage)
                )
              }
              yield* Effect.logError("arbitrage left exposed").pipe(Effect.annotateLogs({ arbId, leg: step.leg, quantity: step.quantity, reason: step.reason }))
              break
          }
        }
      }, Effect.provideContext(context))

      const launch = (arbId: string) =>
        Effect.suspend(() => {
          if (running.has(arbId)) return Effect.void
          running.add(arbId)
          return run(arbId).pipe(
            Effect.catchCause((cause) => Effect.logError("arbitrage unit failed", cause)),
            Effect.ensuring(Effect.sync(() => running.delete(arbId))),
            FiberSet.run(fibers),
            Effect.asVoid
          )
        })

      const resume = Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const rows = yield* sql<{ arb_id: string }>`SELECT arb_id FROM arbitrages WHERE state NOT IN ('matched', 'flat', 'exposed') ORDER BY created_at, arb_id`
        for (const r of rows) yield* launch(r.arb_id)
        return rows.length
      }).pipe(Effect.mapError(Trades.storage), Effect.provideContext(context))

      return ArbitrageDriver.of({ open, run, launch, resume })
    })
  )
}

const Leg = Schema.Struct({ clientOrderId: ClientOrderId, outcome: OutcomeRef, limitPrice: Price })

/**
 * Opens a unit: both legs recorded together, then driven to their end. Persisted and keyed by the
 * unit's id, so a replayed intent records nothing twice.
 *
 * @category messages
 */
export const Open = Rpc.make("Open", {
  payload: {
    arbId: Schema.String,
    signalId: SignalId,
    gameId: GameId,
    quantity: Qty,
    legs: Schema.Tuple([Leg, Leg])
  },
  success: Schema.Struct({ recorded: Schema.Boolean }),
  error: StorageError,
  primaryKey: (p) => p.arbId
}).annotate(ClusterSchema.Persisted, true)

/** @category entities */
export const ArbitrageUnits = Entity.make("ArbitrageUnits", [Open])

/** The one entity that opens units. @category constants */
export const ARBITRAGE_ID = "global"

/** @category layers */
export const layer = ArbitrageUnits.toLayer(
  Effect.gen(function*() {
    const driver = yield* ArbitrageDriver
    return ArbitrageUnits.of({
      Open: ({ payload }) =>
        Effect.gen(function*() {
          const recorded = yield* driver.open({ arbId: payload.arbId, signalId: payload.signalId, gameId: payload.gameId, quantity: payload.quantity, legs: payload.legs })
          // A replayed message finds the unit recorded: it is (re)launched, which does nothing when it is running or done
          yield* driver.launch(payload.arbId)
          return { recorded }
        })
    })
  }),
  { maxIdleTime: "1 hour" }
)

/**
 * Resumes, at start-up, every unit a previous process left unfinished.
 *
 * @category layers
 */
export const resumer = Singleton.make(
  "arbitrage-resume",
  Effect.gen(function*() {
    const driver = yield* ArbitrageDriver
    const resumed = yield* driver.resume.pipe(Effect.catchCause((cause) => Effect.as(Effect.logError("arbitrage units not resumed", cause), 0)))
    if (resumed > 0) yield* Effect.logWarning("arbitrage units resumed").pipe(
      Effect.annotateLogs({ units: resumed, reason: "left unfinished when the process last stopped" })
    )
    return yield* Effect.never
  })
)
