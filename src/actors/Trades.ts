/**
 * The persisted side of execution: orders, their transitions, fills, positions and settlements.
 * Every change runs in one transaction with its outbox events and its bankroll postings, so a
 * crash leaves either all of it or none.
 *
 * - **Orders** move only through the pure lifecycle (`domain/execution/OrderLifecycle.ts`); each
 *   transition is a row in `order_transitions` and an `orders` event. A buy order's reservation is
 *   converted by its fills and the rest released when the order dies.
 * - **Fills** are deduplicated by (platform, venue fill id): a fill seen twice (the submit answer,
 *   the event stream, a status query after a restart) is recorded once.
 * - **Positions** hold one outcome; their arithmetic (`domain/execution/Position.ts`) mirrors the
 *   bankroll postings to the micro-dollar, so balance moves exactly by the realised P&L.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { SqlClient } from "effect/sql"
import { applyFill as progressFill, isTerminal, type LifecycleStatus, type OrderProgress, transition, type VenueReport } from "../domain/execution/OrderLifecycle.ts"
import { fillHolding, type Holding, refundHolding, settleHolding, settlementPayout } from "../domain/execution/Position.ts"
import type { Payout } from "../domain/execution/Resolution.ts"
import { QueryFailed, StorageError } from "../schema/errors/StorageError.ts"
import type { ClientOrderId, GameId, PositionId, SignalId, VenueOrderId } from "../schema/Ids.ts"
import type { OutcomeRef } from "../schema/Market.ts"
import type { Bps, Micros, Price, Qty } from "../schema/Money.ts"
import { notional } from "../schema/Money.ts"
import type { MarketId, OutcomeId } from "../schema/Ids.ts"
import type { Platform } from "../schema/Platform.ts"
import type { Action, Order, OrderStatus, TimeInForce } from "../schema/Trading.ts"
import { eventId } from "../services/bus/EventBus.ts"
import { Outbox } from "../services/bus/Outbox.ts"
import { type AccountBook, accountOf, accountsOf } from "../services/live/LiveAccounts.ts"
import { nowMillis } from "../services/Time.ts"
import type { Realism, VenueFill } from "../services/venue/Venue.ts"
import * as Bankroll from "./Bankroll.ts"
import { FillRecorded, OrderRecorded, PositionChanged } from "./Events.ts"

/** What an order is for. @category models */
export type Purpose = "entry" | "exit" | "unwind" | "hedge"

/** An order to record before it is sent. @category models */
export interface NewOrder {
  readonly clientOrderId: ClientOrderId
  readonly signalId?: SignalId | undefined
  readonly gameId: GameId
  readonly outcome: OutcomeRef
  readonly action: Action
  readonly limitPrice: Price
  readonly quantity: Qty
  readonly timeInForce: TimeInForce
  readonly postOnly: boolean
  readonly purpose: Purpose
  readonly positionId?: string | undefined
  readonly paper: boolean
  readonly expiresAt?: number | undefined
}

/** An order row as execution reads it back. @category models */
export interface OrderRow extends NewOrder {
  readonly status: LifecycleStatus
  readonly filled: Qty
  readonly venueOrderId?: VenueOrderId | undefined
  readonly createdAt: number
  readonly updatedAt: number
}

/** The account and the piggybank share every posting uses. @category models */
export interface Books extends AccountBook {
  readonly piggybankShare: Bps
}

const ts = (ms: number) => ms / 1000

/** What the persisted operations need. @category models */
export type TradesContext = SqlClient.SqlClient | Outbox

/** @category errors */
export const storage = (e: unknown) =>
  new StorageError({ reason: new QueryFailed({ message: e instanceof Error ? e.message : String((e as { _tag?: unknown } | undefined)?._tag ?? e) }) })

interface RawOrder {
  readonly client_order_id: string
  readonly venue_order_id: string | null
  readonly platform: string
  readonly market_id: string
  readonly outcome_id: string
  readonly game_id: string
  readonly signal_id: string | null
  readonly action: string
  readonly time_in_force: string
  readonly limit_price: string
  readonly quantity: string
  readonly filled: string
  readonly status: string
  readonly paper: boolean
  readonly post_only: boolean
  readonly purpose: string
  readonly position_id: string | null
  readonly created_ms: string
  readonly updated_ms: string
  readonly expires_ms: string | null
}

const orderColumns = (sql: SqlClient.SqlClient) =>
  sql`client_order_id, venue_order_id, platform, market_id, outcome_id, game_id, signal_id, action, time_in_force,
      limit_price_micros::text AS limit_price, quantity::text AS quantity, filled_quantity::text AS filled, status, paper, post_only, purpose,
      position_id, (extract(epoch FROM created_at) * 1000)::bigint::text AS created_ms, (extract(epoch FROM updated_at) * 1000)::bigint::text AS updated_ms,
      (extract(epoch FROM expires_at) * 1000)::bigint::text AS expires_ms`

const toOrderRow = (r: RawOrder): OrderRow => ({
  clientOrderId: r.client_order_id as ClientOrderId,
  venueOrderId: (r.venue_order_id ?? undefined) as VenueOrderId | undefined,
  signalId: (r.signal_id ?? undefined) as SignalId | undefined,
  gameId: r.game_id as GameId,
  outcome: { platform: r.platform as Platform, marketId: r.market_id as MarketId, outcomeId: r.outcome_id as OutcomeId },
  action: r.action as Action,
  timeInForce: r.time_in_force as TimeInForce,
  limitPrice: Number(r.limit_price) as Price,
  quantity: Number(r.quantity) as Qty,
  filled: Number(r.filled) as Qty,
  status: r.status as LifecycleStatus,
  paper: r.paper,
  postOnly: r.post_only,
  purpose: r.purpose as Purpose,
  positionId: r.position_id ?? undefined,
  createdAt: Number(r.created_ms),
  updatedAt: Number(r.updated_ms),
  expiresAt: r.expires_ms === null ? undefined : Number(r.expires_ms)
})

const orderEvent = (row: OrderRow, status: LifecycleStatus, filled: Qty, at: number): Order => ({
  clientOrderId: row.clientOrderId,
  ...(row.venueOrderId !== undefined ? { venueOrderId: row.venueOrderId } : {}),
  ...(row.signalId !== undefined ? { signalId: row.signalId } : {}),
  gameId: row.gameId,
  outcome: row.outcome,
  action: row.action,
  limitPrice: row.limitPrice,
  quantity: row.quantity,
  filledQuantity: filled,
  timeInForce: row.timeInForce,
  status: status as OrderStatus,
  paper: row.paper,
  createdAt: row.createdAt,
  updatedAt: at
})

/** Reads one order (optionally locking its row). @category queries */
export const readOrder = (clientOrderId: string, lock = false) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<RawOrder>`SELECT ${orderColumns(sql)} FROM orders WHERE client_order_id = ${clientOrderId} ${lock ? sql`FOR UPDATE` : sql``}`
    return rows[0] === undefined ? undefined : toOrderRow(rows[0])
  })

/** Orders not yet in a terminal state (the ones to drive or reconcile). @category queries */
export const openOrders = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<RawOrder>`SELECT ${orderColumns(sql)} FROM orders
                                     WHERE status IN ('pending_submit', 'acknowledged', 'partially_filled', 'unknown')
                                     ORDER BY created_at, client_order_id`
  return rows.map(toOrderRow)
})

const writeTransition = (row: OrderRow, from: LifecycleStatus | undefined, next: OrderProgress, reason: string | undefined, at: number) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const outbox = yield* Outbox
    const inserted = yield* sql<{ n: string }>`INSERT INTO order_transitions (client_order_id, from_status, to_status, filled_quantity, reason, at)
               VALUES (${row.clientOrderId}, ${from ?? null}, ${next.status}, ${next.filled}, ${reason ?? null}, to_timestamp(${ts(at)}))
               RETURNING id::text AS n`
    const n = inserted[0]?.n ?? "0"
    yield* outbox.append(OrderRecorded, {
      id: eventId("order", row.clientOrderId, n),
      key: row.clientOrderId,
      payload: { order: orderEvent(row, next.status, next.filled, at) },
      occurredAt: at
    })
  })

/**
 * Records an order as `pending_submit`, with its first transition and event, in one transaction.
 * `false` when the client order id exists already (a replayed intent: nothing is placed twice).
 *
 * @category operations
 */
export const recordOrder = Effect.fn("Trades.recordOrder")(function*(order: NewOrder) {
  const sql = yield* SqlClient.SqlClient
  const at = yield* nowMillis
  return yield* sql.withTransaction(Effect.gen(function*() {
    // An approval whose reservation was released unused (`Bankroll.releaseUnclaimed`) has lapsed.
    // The reservation row is locked, so a release running now waits and then finds this order
    const [reservation] = yield* sql<{ status: string; claimed: boolean }>`
      SELECT r.status, EXISTS (SELECT 1 FROM orders o WHERE o.client_order_id = r.reservation_id) AS claimed
        FROM bankroll_reservations r WHERE r.reservation_id = ${order.clientOrderId} FOR UPDATE OF r`
    if (reservation !== undefined && reservation.status === "closed" && !reservation.claimed) return false
    const rows = yield* sql`
      INSERT INTO orders (client_order_id, platform, market_id, outcome_id, game_id, signal_id, action, time_in_force, limit_price_micros,
                          quantity, filled_quantity, status, paper, post_only, purpose, position_id, expires_at, created_at, updated_at)
      VALUES (${order.clientOrderId}, ${order.outcome.platform}, ${order.outcome.marketId}, ${order.outcome.outcomeId}, ${order.gameId},
              ${order.signalId ?? null}, ${order.action}, ${order.timeInForce}, ${order.limitPrice}, ${order.quantity}, 0, 'pending_submit',
              ${order.paper}, ${order.postOnly}, ${order.purpose}, ${order.positionId ?? null},
              ${order.expiresAt === undefined ? null : sql`to_timestamp(${ts(order.expiresAt)})`}, to_timestamp(${ts(at)}), to_timestamp(${ts(at)}))
      ON CONFLICT (client_order_id) DO NOTHING RETURNING client_order_id`
    if (rows.length === 0) return false
    const row: OrderRow = { ...order, status: "pending_submit", filled: 0 as Qty, createdAt: at, updatedAt: at }
    yield* writeTransition(row, undefined, { status: "pending_submit", quantity: order.quantity, filled: 0 as Qty }, "recorded", at)
    return true
  })).pipe(Effect.mapError(storage))
})

/**
 * Releases the reservations of approvals that never became orders: risk approved and reserved, but
 * the game actor that held the answer was interrupted (a restart, a shard move, a timeout) before
 * it sent the order. A reservation whose signal expired more than `grace` ago with no order of its
 * id is released (and `recordOrder` then refuses that order, should it still arrive). Returns how
 * many were released.
 *
 * @category operations
 */
export const releaseUnusedReservations = Effect.fn("Trades.releaseUnusedReservations")(function*(books: Books, graceMillis: number) {
  const sql = yield* SqlClient.SqlClient
  const now = yield* nowMillis
  const rows = yield* sql<{ reservation_id: string; account: string }>`
    SELECT r.reservation_id, r.account FROM bankroll_reservations r JOIN signals s ON s.signal_id = r.signal_id
     WHERE r.account IN ${sql.in(accountsOf(books))} AND r.status = 'open' AND s.expires_at < to_timestamp(${ts(now - graceMillis)})
       AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.client_order_id = r.reservation_id)
     ORDER BY r.reservation_id`.pipe(Effect.mapError(storage))
  let released = 0
  for (const r of rows) if (yield* Bankroll.releaseUnclaimed(r.account, r.reservation_id, "signal:expired-unused")) released++
  if (released > 0) {
    yield* Effect.logWarning("reservations of approvals that never became orders released").pipe(
      Effect.annotateLogs({ released, reason: "their signals expired unused" })
    )
  }
  return released
})

/**
 * Runs an approval and the hand-off of its orders (`body`, given `handOff` to call just before it
 * sends them) so that an interruption before the hand-off (the game actor stopped, moved or
 * restarted while it held risk's answer) releases the signal's reservations at once, instead of
 * leaving them to `releaseUnusedReservations` minutes later. Once the hand-off has begun the
 * orders' messages may be persisted and still arrive, so their reservations stay (an order that
 * is never recorded is still swept). Only reservations no order has claimed are released, and an
 * order arriving after that is refused (`recordOrder`).
 *
 * @category operations
 */
export const releasingOnInterrupt = <A, E, R>(
  signalId: string,
  body: (handOff: Effect.Effect<void>) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R | SqlClient.SqlClient> =>
  Effect.suspend(() => {
    let handedOff = false
    return body(Effect.sync(() => void (handedOff = true))).pipe(
      Effect.onInterrupt(() => (handedOff ? Effect.void : releaseUnsent(signalId)))
    )
  })

/**
 * Releases the open reservations of `signalId` that no order has claimed, on whichever account each
 * is; answers how many. A
 * storage failure is logged (the sweep will release them later).
 *
 * @category operations
 */
export const releaseUnsent = (signalId: string): Effect.Effect<number, never, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    // Each leg's reservation is on its venue's account (paper, or a live venue's own)
    const rows = yield* sql<{ reservation_id: string; account: string }>`
      SELECT reservation_id, account FROM bankroll_reservations
       WHERE signal_id = ${signalId} AND status = 'open' ORDER BY reservation_id`
    let released = 0
    for (const r of rows) if (yield* Bankroll.releaseUnclaimed(r.account, r.reservation_id, "signal:interrupted")) released++
    if (released > 0) {
      yield* Effect.logWarning("reservations of an interrupted approval released").pipe(
        Effect.annotateLogs({ signalId, released, reason: "the approval was interrupted before its order was sent" })
      )
    }
    return released
  }).pipe(
    Effect.catchCause((cause) => Effect.as(Effect.logError("reservations of an interrupted approval not released", cause), 0)),
    Effect.withSpan("Trades.releaseUnsent", { attributes: { signalId } })
  )

/** Releases what is left of a buy order's reservation once it can no longer fill. */
const releaseIfDead = (books: Books, row: OrderRow, status: LifecycleStatus) =>
  isTerminal(status) && row.action === "buy" && row.purpose !== "exit"
    ? Bankroll.releaseReservation(accountOf(books, row.outcome.platform), row.clientOrderId, `order:${status}`)
    : Effect.void

/**
 * Applies a venue report (or our own failure to reach it) to an order. Returns the new status, or
 * `undefined` when nothing changed.
 *
 * @category operations
 */
export const applyReport = Effect.fn("Trades.applyReport")(function*(
  books: Books,
  clientOrderId: string,
  report: VenueReport,
  details: { readonly reason?: string | undefined; readonly venueOrderId?: VenueOrderId | undefined; readonly realism?: Realism | undefined } = {}
) {
  const sql = yield* SqlClient.SqlClient
  const at = yield* nowMillis
  return yield* sql.withTransaction(Effect.gen(function*() {
    const row = yield* readOrder(clientOrderId, true)
    if (row === undefined) return undefined
    if (details.venueOrderId !== undefined && row.venueOrderId === undefined) {
      yield* sql`UPDATE orders SET venue_order_id = ${details.venueOrderId} WHERE client_order_id = ${clientOrderId}`
    }
    // Fills are counted by `applyFill` (deduplicated by id): a state report never moves `filled`
    const next = transition({ status: row.status, quantity: row.quantity, filled: row.filled }, report._tag === "State" ? { ...report, filled: row.filled } : report)
    if (next === undefined) return undefined
    yield* sql`UPDATE orders SET status = ${next.status}, last_error = ${details.reason ?? null},
                      realism = coalesce(${details.realism === undefined ? null : JSON.stringify(details.realism)}::jsonb, realism),
                      updated_at = to_timestamp(${ts(at)})
                WHERE client_order_id = ${clientOrderId}`
    yield* writeTransition({ ...row, venueOrderId: row.venueOrderId ?? details.venueOrderId }, row.status, next, details.reason, at)
    yield* releaseIfDead(books, row, next.status)
    return next.status
  })).pipe(Effect.mapError(storage))
})

interface RawPosition {
  readonly position_id: string
  readonly quantity: string
  readonly cost: string
  readonly fees: string
  readonly realized: string
  readonly entry_quantity: string
  readonly game_id: string
  readonly sport: string | null
  readonly platform: string
  readonly market_id: string
  readonly outcome_id: string
}

const holdingOf = (p: RawPosition): Holding => ({
  quantity: Number(p.quantity) as Qty,
  cost: Number(p.cost) as Micros,
  fees: Number(p.fees) as Micros,
  realized: Number(p.realized) as Micros,
  entryQuantity: Number(p.entry_quantity) as Qty
})

const positionColumns = (sql: SqlClient.SqlClient) =>
  sql`position_id, quantity::text AS quantity, cost_basis_micros::text AS cost, fees_paid_micros::text AS fees, realized_pnl_micros::text AS realized,
      entry_quantity::text AS entry_quantity, game_id, sport, platform, market_id, outcome_id`

const positionEvent = (positionId: string, gameId: string, status: string, h: Holding, at: number, seq: string, reason?: string) =>
  Effect.flatMap(Outbox, (outbox) =>
    outbox.append(PositionChanged, {
      id: eventId("position", positionId, seq),
      key: positionId,
      payload: {
        positionId,
        gameId,
        status,
        quantity: h.quantity,
        costMicros: h.cost,
        feesMicros: h.fees,
        realizedPnlMicros: h.realized,
        ...(reason !== undefined ? { reason } : {})
      },
      occurredAt: at
    }))

/**
 * Closes a position in the bankroll: the cooldown/daily-P&L record and the piggybank share. The
 * legs of one arbitrage close as one: nothing until the last leg closes, then one record of their
 * net P&L. Leg by leg, the winning leg would feed the piggybank and the losing one the loss
 * cooldowns and streaks, for a trade that locked in a small profit (the piggybank took $25.63 of
 * an arbitrage that made $0.50). Runs in the transaction that closed the leg.
 */
const recordClose = (books: Books, p: RawPosition, h: Holding) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const [group] = yield* sql<{ arb_group: string | null }>`SELECT arb_group FROM positions WHERE position_id = ${p.position_id}`
    const outcome = { platform: p.platform as Platform, marketId: p.market_id as MarketId, outcomeId: p.outcome_id as OutcomeId }
    const close = { gameId: p.game_id, sport: p.sport ?? "unknown", outcome }
    if (group?.arb_group === null || group?.arb_group === undefined) {
      return yield* Bankroll.recordPositionClose(accountOf(books, outcome.platform), { ...close, positionId: p.position_id, realizedPnl: h.realized }, books.piggybankShare)
    }
    const [legs] = yield* sql<{ open: string; net: string }>`
      SELECT count(*) FILTER (WHERE status = 'open')::text AS open, coalesce(sum(realized_pnl_micros), 0)::text AS net
        FROM positions WHERE arb_group = ${group.arb_group}`
    if (Number(legs?.open ?? 0) > 0) return false
    return yield* Bankroll.recordPositionClose(
      accountOf(books, outcome.platform),
      { ...close, positionId: `arb:${group.arb_group}`, realizedPnl: Number(legs?.net ?? 0) as Micros },
      books.piggybankShare
    )
  })

/**
 * Records one fill, once: the fill row, the order's progress and transition, the position, the
 * bankroll postings (a buy converts its reservation; a sale credits the proceeds), and their
 * events. `false` when the fill was already recorded.
 *
 * @category operations
 */
export const applyFill = Effect.fn("Trades.applyFill")(function*(books: Books, fill: VenueFill) {
  const sql = yield* SqlClient.SqlClient
  const outbox = yield* Outbox
  const at = yield* nowMillis
  return yield* sql.withTransaction(Effect.gen(function*() {
    const row = yield* readOrder(fill.clientOrderId, true)
    if (row === undefined) return false
    const inserted = yield* sql`
      INSERT INTO fills (platform, fill_id, client_order_id, venue_order_id, market_id, outcome_id, action, price_micros, quantity, fee_micros,
                         is_taker, filled_at, realism)
      VALUES (${row.outcome.platform}, ${fill.fillId}, ${fill.clientOrderId}, ${fill.venueOrderId}, ${row.outcome.marketId}, ${row.outcome.outcomeId},
              ${row.action}, ${fill.price}, ${fill.quantity}, ${fill.fee}, ${fill.isTaker}, to_timestamp(${ts(fill.filledAt)}),
              ${fill.realism === undefined ? null : JSON.stringify(fill.realism)}::jsonb)
      ON CONFLICT (platform, fill_id) DO NOTHING RETURNING id`
    if (inserted.length === 0) return false
    const reference = `${row.outcome.platform}:${fill.fillId}`
    yield* outbox.append(FillRecorded, {
      id: eventId("fill", row.outcome.platform, fill.fillId),
      key: row.clientOrderId,
      payload: {
        platform: row.outcome.platform,
        fill: { fillId: fill.fillId, clientOrderId: fill.clientOrderId, outcome: row.outcome, action: row.action, price: fill.price, quantity: fill.quantity, fee: fill.fee, isTaker: fill.isTaker, filledAt: fill.filledAt }
      },
      occurredAt: at
    })

    // The order
    const next = progressFill({ status: row.status, quantity: row.quantity, filled: row.filled }, fill.quantity)
    const cost = notional(fill.price, fill.quantity, row.action === "buy" ? "ceil" : "floor")
    yield* sql`UPDATE orders SET filled_quantity = ${next.filled}, status = ${next.status}, fees_micros = fees_micros + ${fill.fee},
                      cost_micros = cost_micros + ${cost}, venue_order_id = coalesce(venue_order_id, ${fill.venueOrderId}),
                      realism = coalesce(realism, ${fill.realism === undefined ? null : JSON.stringify(fill.realism)}::jsonb),
                      updated_at = to_timestamp(${ts(at)})
                WHERE client_order_id = ${row.clientOrderId}`
    yield* writeTransition(row, row.status, next, `fill ${fill.fillId}`, at)

    // The bankroll
    if (row.action === "buy") {
      yield* Bankroll.postFill(accountOf(books, row.outcome.platform), { reservationId: row.purpose === "exit" ? undefined : row.clientOrderId, fillId: reference, price: fill.price, quantity: fill.quantity, fee: fill.fee })
    } else {
      yield* Bankroll.postSale(accountOf(books, row.outcome.platform), { fillId: reference, price: fill.price, quantity: fill.quantity, fee: fill.fee })
    }
    if (next.status !== row.status) yield* releaseIfDead(books, row, next.status)

    // The position
    const existing = yield* sql<RawPosition>`SELECT ${positionColumns(sql)} FROM positions
                                              WHERE platform = ${row.outcome.platform} AND market_id = ${row.outcome.marketId}
                                                AND outcome_id = ${row.outcome.outcomeId} AND status = 'open' FOR UPDATE`
    let position = existing[0]
    if (position === undefined) {
      if (row.action === "sell") return true // nothing held: a sale without a position is an unwind of nothing
      const positionId = `pos-${row.clientOrderId}` as PositionId
      const [game] = yield* sql<{ sport: string }>`SELECT sport FROM games WHERE game_id = ${row.gameId}`
      yield* sql`INSERT INTO positions (position_id, game_id, platform, market_id, outcome_id, quantity, cost_basis_micros, status, opened_at,
                                        sport, account)
                 VALUES (${positionId}, ${row.gameId}, ${row.outcome.platform}, ${row.outcome.marketId}, ${row.outcome.outcomeId}, 0, 0, 'open',
                         to_timestamp(${ts(fill.filledAt)}), ${game?.sport ?? null}, ${accountOf(books, row.outcome.platform)})`
      position = { position_id: positionId, quantity: "0", cost: "0", fees: "0", realized: "0", entry_quantity: "0", game_id: row.gameId, sport: game?.sport ?? null, platform: row.outcome.platform, market_id: row.outcome.marketId, outcome_id: row.outcome.outcomeId }
    }
    const h = fillHolding(holdingOf(position), { action: row.action, price: fill.price, quantity: fill.quantity, fee: fill.fee })
    const closed = h.quantity === 0
    yield* sql`UPDATE positions SET quantity = ${h.quantity}, cost_basis_micros = ${h.cost}, fees_paid_micros = ${h.fees}, realized_pnl_micros = ${h.realized},
                      entry_quantity = ${h.entryQuantity}, status = ${closed ? "closed" : "open"},
                      closed_at = ${closed ? sql`to_timestamp(${ts(at)})` : null}, version = version + 1,
                      exit_reason = coalesce(exit_reason, ${closed ? row.purpose : null})
                WHERE position_id = ${position.position_id}`
    yield* sql`UPDATE orders SET position_id = coalesce(position_id, ${position.position_id}) WHERE client_order_id = ${row.clientOrderId}`
    yield* positionEvent(position.position_id, position.game_id, closed ? "closed" : "open", h, at, `fill:${row.outcome.platform}:${fill.fillId}`)
    if (closed) yield* recordClose(books, position, h)
    return true
  })).pipe(Effect.mapError(storage))
})

/** An open position as exits and settlement read it. @category models */
export interface OpenPosition {
  readonly positionId: string
  readonly gameId: string
  readonly sport: string | undefined
  readonly outcome: OutcomeRef
  readonly holding: Holding
  readonly openedAt: number
  /** The arbitrage unit this position is a leg of (held to settlement with the other leg) */
  readonly arbGroup?: string | undefined
}

/** Open positions, optionally of one market. @category queries */
export const openPositions = (filter?: { readonly platform: Platform; readonly marketId: string }) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<RawPosition & { readonly opened_ms: string; readonly arb_group: string | null }>`
      SELECT ${positionColumns(sql)}, (extract(epoch FROM opened_at) * 1000)::bigint::text AS opened_ms, arb_group FROM positions
       WHERE status = 'open' ${filter === undefined ? sql`` : sql`AND platform = ${filter.platform} AND market_id = ${filter.marketId}`}
       ORDER BY opened_at, position_id`
    return rows.map((r): OpenPosition => ({
      positionId: r.position_id,
      gameId: r.game_id,
      sport: r.sport ?? undefined,
      outcome: { platform: r.platform as Platform, marketId: r.market_id as MarketId, outcomeId: r.outcome_id as OutcomeId },
      holding: holdingOf(r),
      openedAt: Number(r.opened_ms),
      arbGroup: r.arb_group ?? undefined
    }))
  }).pipe(Effect.mapError(storage))

/**
 * Settles one open position at the venue's payout: the payout posting, the close record (daily
 * P&L, cooldowns, piggybank share) and the position row, in one transaction. Idempotent: a
 * position already settled is left alone. Returns the realised P&L, or `undefined`.
 *
 * @category operations
 */
export const settlePosition = Effect.fn("Trades.settlePosition")(function*(books: Books, positionId: string, payout: Payout, reason: string) {
  const sql = yield* SqlClient.SqlClient
  const at = yield* nowMillis
  return yield* sql.withTransaction(Effect.gen(function*() {
    const [p] = yield* sql<RawPosition>`SELECT ${positionColumns(sql)} FROM positions WHERE position_id = ${positionId} AND status = 'open' FOR UPDATE`
    if (p === undefined) return undefined
    const held = holdingOf(p)
    const h = payout._tag === "Price" ? settleHolding(held, payout.price) : refundHolding(held)
    const amount = payout._tag === "Price" ? settlementPayout(held, payout.price) : held.cost
    if (amount > 0) yield* Bankroll.postSettlement(accountOf(books, p.platform as Platform), { positionId, payout: amount })
    yield* sql`UPDATE positions SET quantity = 0, cost_basis_micros = 0, realized_pnl_micros = ${h.realized}, status = 'settled',
                      settlement_price_micros = ${payout._tag === "Price" ? payout.price : null}, settlement_reason = ${reason},
                      closed_at = to_timestamp(${ts(at)}), version = version + 1
                WHERE position_id = ${positionId}`
    yield* positionEvent(positionId, p.game_id, "settled", h, at, "settled", reason)
    yield* recordClose(books, p, h)
    return h.realized
  })).pipe(Effect.mapError(storage))
})

/** Records the last mark of a position, in its own outcome's price. @category operations */
export const markPosition = (positionId: string, mark: Price) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const at = yield* nowMillis
    yield* sql`UPDATE positions SET mark_price_micros = ${mark}, marked_at = to_timestamp(${ts(at)}) WHERE position_id = ${positionId} AND status = 'open'`
  }).pipe(Effect.mapError(storage))

/** Lists for the CLI: every order with its fills' totals. @category queries */
export const listOrders = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  return yield* sql<Record<string, unknown>>`
    SELECT client_order_id, venue_order_id, platform, market_id, outcome_id, game_id, purpose, action, time_in_force, post_only,
           limit_price_micros::text AS limit_price_micros, quantity::text AS quantity, filled_quantity::text AS filled_quantity,
           cost_micros::text AS cost_micros, fees_micros::text AS fees_micros, status, paper, last_error, position_id, realism,
           (extract(epoch FROM created_at) * 1000)::bigint::text AS created_ms
      FROM orders ORDER BY created_at, client_order_id`
}).pipe(Effect.mapError(storage))

/** @category queries */
export const listFills = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  return yield* sql<Record<string, unknown>>`
    SELECT platform, fill_id, client_order_id, market_id, outcome_id, action, price_micros::text AS price_micros, quantity::text AS quantity,
           fee_micros::text AS fee_micros, is_taker, (extract(epoch FROM filled_at) * 1000)::bigint::text AS filled_ms, realism
      FROM fills ORDER BY filled_at, id`
}).pipe(Effect.mapError(storage))

/** @category queries */
export const listPositions = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  return yield* sql<Record<string, unknown>>`
    SELECT position_id, game_id, sport, platform, market_id, outcome_id, status, quantity::text AS quantity, entry_quantity::text AS entry_quantity,
           cost_basis_micros::text AS cost_basis_micros, fees_paid_micros::text AS fees_paid_micros, realized_pnl_micros::text AS realized_pnl_micros,
           mark_price_micros::text AS mark_price_micros, settlement_price_micros::text AS settlement_price_micros, exit_reason, settlement_reason,
           (extract(epoch FROM opened_at) * 1000)::bigint::text AS opened_ms, (extract(epoch FROM closed_at) * 1000)::bigint::text AS closed_ms
      FROM positions ORDER BY opened_at, position_id`
}).pipe(Effect.mapError(storage))

