/**
 * Reconciliation: the one recovery path of live trading. arbees compares what it believes with what
 * a venue holds, and makes its books say what the venue says:
 *
 * 1. **Every order still in flight** (`pending_submit`, `submitted`, `unknown`, `resting`,
 *    `partially_filled`, live only) is resolved by a status query: a venue that has no such order
 *    proves it was never placed (`rejected`, "not at the venue"); otherwise its state and every
 *    fill are taken from the venue. Nothing is ever re-sent.
 * 2. **Fills are recorded once**: a fill row is keyed by the venue's fill id, and its ledger
 *    postings (`Bankroll.postFill` / `postSale`) by the same id, so a fill seen by the submit, the
 *    user channel and reconciliation is money once. Recent venue fills for orders arbees does not
 *    know are flagged (`external_fill`).
 * 3. **Positions arbees did not open** are flagged (`external_position`, and on the venue's row for
 *    the operator) and never traded.
 * 4. **Cash**: the venue's balance is the truth; a difference from the ledger is posted as an
 *    `adjustment` with its reason (`reconciliation_differences`). The first reconciliation of an
 *    account opens it at the venue's balance.
 *
 * While it runs, `venue_reconciliation.reconciling` is true for the venue: the risk singleton
 * refuses new exposure there (cancels and exits still pass). `reconcileAtStartup` turns a failure
 * into one clear line that refuses live trading; `runReconciliation` re-runs after every reconnect
 * of the venue's private channel and periodically.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Schema, Stream } from "effect"
import { SqlClient } from "effect/sql"
import type { ClientOrderId, MarketId, OutcomeId, VenueOrderId } from "../schema/Ids.ts"
import { type Micros, ONE, type Qty } from "../schema/Money.ts"
import type { Platform } from "../schema/Platform.ts"
import type { OrderStatus } from "../schema/Trading.ts"
import type { OrderIntent } from "../services/kalshi/KalshiOrderMapping.ts"
import type { AccountPosition, LiveVenue } from "../services/live/LiveVenue.ts"
import type { PolymarketIntent } from "../services/live/PolymarketVenue.ts"
import { nowMillis } from "../services/Time.ts"
import type { VenueFill, VenueOrderStatus } from "../services/venue/Venue.ts"
import { openAccount, post, postFill, postSale, readBalance } from "./Bankroll.ts"
import { describeFailure } from "../services/Failure.ts"

/** @category errors */
export class ReconcileFailed extends Schema.TaggedError<ReconcileFailed>()("ReconcileFailed", {
  platform: Schema.String,
  message: Schema.String
}) {}

/** @category errors */
export class LiveRefused extends Schema.TaggedError<LiveRefused>()("LiveRefused", {
  message: Schema.String
}) {}

/** What one reconciliation did. @category models */
export interface ReconcileReport {
  readonly platform: Platform
  /** Orders moved on (including proven never placed) */
  readonly resolved: number
  /** Fills recorded that arbees had not recorded */
  readonly fillsRecorded: number
  readonly externalPositions: ReadonlyArray<AccountPosition>
  readonly externalFills: number
  /** The cash adjustment posted (0: the ledger agreed) */
  readonly balanceAdjustment: number
}

const OPEN: ReadonlyArray<OrderStatus> = ["pending_submit", "submitted", "unknown", "resting", "partially_filled"]

const ours = (status: VenueOrderStatus): OrderStatus => (status === "expired" ? "canceled" : status)

interface OrderRow {
  readonly client_order_id: string
  readonly venue_order_id: string | null
  readonly known_id: string | null
  readonly market_id: string
  readonly outcome_id: string
  readonly action: "buy" | "sell"
  readonly quantity: string
  readonly time_in_force: "ioc" | "fok" | "gtc"
  readonly status: OrderStatus
}

const intentRow = (platform: Platform, clientOrderId: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<OrderRow>`
      SELECT o.client_order_id, o.venue_order_id, l.venue_order_id AS known_id, o.market_id, o.outcome_id, o.action,
             o.quantity::text AS quantity, o.time_in_force, o.status
        FROM orders o LEFT JOIN live_order_ids l ON l.client_order_id = o.client_order_id
       WHERE o.client_order_id = ${clientOrderId} AND o.platform = ${platform}`
    return rows[0]
  })

const intentOf = (platform: Platform, row: OrderRow): OrderIntent => ({
  clientOrderId: row.client_order_id as ClientOrderId,
  outcome: { platform, marketId: row.market_id as MarketId, outcomeId: row.outcome_id as OutcomeId },
  action: row.action,
  quantity: Number(row.quantity) as Qty
})

/**
 * The order journal as the live venues read it: the intent of an order this process did not place.
 *
 * @category journal
 */
export const kalshiIntents = (clientOrderId: ClientOrderId) =>
  Effect.map(Effect.orDie(intentRow("kalshi", clientOrderId)), (row) => (row === undefined ? undefined : intentOf("kalshi", row)))

/** @category journal */
export const polymarketIntents = (clientOrderId: ClientOrderId) =>
  Effect.map(Effect.orDie(intentRow("polymarket", clientOrderId)), (row): PolymarketIntent | undefined => {
    const id = row?.venue_order_id ?? row?.known_id
    if (row === undefined || id === null || id === undefined) return undefined
    return { ...intentOf("polymarket", row), timeInForce: row.time_in_force, venueOrderId: id as VenueOrderId }
  })

/** Persists an order's venue id before its POST. @category journal */
export const recordOrderId = (platform: Platform, clientOrderId: string, venueOrderId: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const now = yield* nowMillis
    yield* sql`INSERT INTO live_order_ids (client_order_id, platform, venue_order_id, created_at)
               VALUES (${clientOrderId}, ${platform}, ${venueOrderId}, to_timestamp(${now / 1000}))
               ON CONFLICT (client_order_id) DO UPDATE SET venue_order_id = EXCLUDED.venue_order_id`
  })

const difference = (platform: Platform, kind: string, reference: string, detail: string, at: number) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`INSERT INTO reconciliation_differences (platform, kind, reference, detail, found_at)
        VALUES (${platform}, ${kind}, ${reference}, ${detail}, to_timestamp(${at / 1000}))
        ON CONFLICT (platform, kind, reference) DO NOTHING`)

/**
 * Records one fill once (the fill row and its ledger postings, in one transaction). Returns whether
 * it was new.
 *
 * @category operations
 */
export const recordFill = (account: string, fill: VenueFill) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return yield* sql.withTransaction(Effect.gen(function*() {
      const inserted = yield* sql`
        INSERT INTO fills (platform, fill_id, client_order_id, market_id, outcome_id, action, price_micros, quantity, fee_micros, is_taker, filled_at)
        VALUES (${fill.outcome.platform}, ${fill.fillId}, ${fill.clientOrderId}, ${fill.outcome.marketId}, ${fill.outcome.outcomeId}, ${fill.action},
                ${fill.price}, ${fill.quantity}, ${fill.fee}, ${fill.isTaker}, to_timestamp(${fill.filledAt / 1000}))
        ON CONFLICT (platform, fill_id) DO NOTHING RETURNING id`
      if (inserted.length === 0) return false
      if (fill.action === "buy") yield* postFill(account, { fillId: fill.fillId, price: fill.price, quantity: fill.quantity, fee: fill.fee, reservationId: fill.clientOrderId })
      else yield* postSale(account, { fillId: fill.fillId, price: fill.price, quantity: fill.quantity, fee: fill.fee })
      return true
    }))
  })

const setReconciling = (platform: Platform, on: boolean, error: string | null, external: ReadonlyArray<AccountPosition> | undefined) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const now = yield* nowMillis
    const at = now / 1000
    if (on) {
      yield* sql`INSERT INTO venue_reconciliation (platform, reconciling, started_at) VALUES (${platform}, true, to_timestamp(${at}))
                 ON CONFLICT (platform) DO UPDATE SET reconciling = true, started_at = EXCLUDED.started_at`
    } else {
      const positions = JSON.stringify((external ?? []).map((p) => ({ marketId: p.outcome.marketId, outcomeId: p.outcome.outcomeId, quantity: p.quantity })))
      yield* sql`UPDATE venue_reconciliation
                    SET reconciling = false, finished_at = to_timestamp(${at}), last_error = ${error},
                        external_positions = CASE WHEN ${error === null} THEN ${positions}::jsonb ELSE external_positions END
                  WHERE platform = ${platform}`
    }
  })

/** Whether a venue is reconciling now (what risk reads before new exposure). @category queries */
export const isReconciling = (platform: Platform) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(sql<{ readonly reconciling: boolean }>`SELECT reconciling FROM venue_reconciliation WHERE platform = ${platform}`, (rows) => rows[0]?.reconciling === true))

/** @category models */
export interface ReconcileOptions {
  /** How far back the venue's fills are read */
  readonly lookback: Duration.Duration
  /**
   * Records a fill of one of our orders, once (`Trades.applyFill`: the fill, the order's progress,
   * the position and the ledger); absent: the fill row and the ledger only ({@link recordFill})
   */
  readonly apply?: ((fill: VenueFill) => Effect.Effect<boolean, unknown>) | undefined
  /**
   * Orders not sent yet (`pending_submit`) younger than this are left to the next turn: their POST
   * may still be on its way from this process, and a status query now could find nothing and
   * wrongly close them (absent: none, as at start-up, when nothing is being sent)
   */
  readonly settle?: Duration.Duration | undefined
}

/**
 * One reconciliation of a venue against the books of `account`.
 *
 * @category operations
 */
export const reconcile = Effect.fn("Reconciliation.reconcile")(function*(venue: LiveVenue, account: string, options: ReconcileOptions) {
  const platform = venue.platform
  const sql = yield* SqlClient.SqlClient
  // A fill of ours: through the order journal when given (the order, the position, the ledger), else the fill and the ledger
  const recordOurs = (fill: VenueFill) => (options.apply !== undefined ? options.apply(fill) : recordFill(account, fill))
  yield* setReconciling(platform, true, null, undefined).pipe(Effect.mapError((e) => new ReconcileFailed({ platform, message: describe(e) })))
  const body = Effect.gen(function*() {
    const started = yield* nowMillis
    let resolved = 0
    let fillsRecorded = 0
    // 1. Orders in flight
    const open = yield* sql<OrderRow>`
      SELECT o.client_order_id, o.venue_order_id, l.venue_order_id AS known_id, o.market_id, o.outcome_id, o.action,
             o.quantity::text AS quantity, o.time_in_force, o.status
        FROM orders o LEFT JOIN live_order_ids l ON l.client_order_id = o.client_order_id
       WHERE o.platform = ${platform} AND NOT o.paper AND o.status IN ${sql.in(OPEN)}
         AND (o.status <> 'pending_submit' OR o.created_at <= to_timestamp(${(started - Duration.toMillis(options.settle ?? Duration.zero)) / 1000}))`
    for (const row of open) {
      const venueOrderId = (row.venue_order_id ?? row.known_id ?? undefined) as VenueOrderId | undefined
      const snapshot = yield* venue.status({ clientOrderId: row.client_order_id as ClientOrderId, venueOrderId })
      const now = yield* nowMillis
      if (snapshot === undefined) {
        yield* sql`UPDATE orders SET status = 'rejected', last_error = 'not at the venue (reconciled)', updated_at = to_timestamp(${now / 1000})
                    WHERE client_order_id = ${row.client_order_id}`
        yield* difference(platform, "order_resolved", row.client_order_id, `${row.status} -> rejected: the venue has no such order`, now)
        resolved++
        continue
      }
      for (const fill of snapshot.fills) {
        if (yield* recordOurs(fill)) {
          fillsRecorded++
          yield* difference(platform, "fill_recorded", fill.fillId, `${fill.quantity / ONE} at ${fill.price / ONE} for ${fill.clientOrderId}`, now)
        }
      }
      const status = ours(snapshot.state.status)
      yield* sql`UPDATE orders SET status = ${status}, filled_quantity = ${snapshot.state.filledQuantity},
                        venue_order_id = ${snapshot.state.venueOrderId}, updated_at = to_timestamp(${now / 1000})
                  WHERE client_order_id = ${row.client_order_id}`
      if (status !== row.status) {
        resolved++
        yield* difference(platform, "order_resolved", row.client_order_id, `${row.status} -> ${status}`, now)
      }
    }
    // 2. Recent fills: ours are recorded by the status query; others are flagged
    const since = started - Duration.toMillis(options.lookback)
    const recent = yield* venue.account.fills(since)
    const recorded = new Set((yield* sql<{ readonly fill_id: string }>`SELECT fill_id FROM fills WHERE platform = ${platform} AND filled_at >= to_timestamp(${since / 1000})`).map((r) => r.fill_id))
    let externalFills = 0
    for (const fill of recent) {
      if (recorded.has(fill.fillId)) continue
      const [owner] = yield* sql<{ readonly client_order_id: string }>`
        SELECT client_order_id FROM orders WHERE platform = ${platform} AND venue_order_id = ${fill.venueOrderId}
        UNION SELECT client_order_id FROM live_order_ids WHERE platform = ${platform} AND venue_order_id = ${fill.venueOrderId}`
      if (owner !== undefined) {
        const snapshot = yield* venue.status({ clientOrderId: owner.client_order_id as ClientOrderId, venueOrderId: fill.venueOrderId })
        for (const f of snapshot?.fills ?? []) if (yield* recordOurs(f)) fillsRecorded++
        continue
      }
      externalFills++
      yield* difference(platform, "external_fill", fill.fillId, `a fill of order ${fill.venueOrderId} on ${fill.marketId} that arbees did not place`, yield* nowMillis)
    }
    // 3. Positions arbees did not open
    const held = yield* venue.account.positions
    const mine = yield* sql<{ readonly market_id: string; readonly outcome_id: string; readonly quantity: string }>`
      SELECT market_id, outcome_id, sum(quantity)::text AS quantity FROM positions
       WHERE platform = ${platform} AND status = 'open' GROUP BY market_id, outcome_id`
    const bought = yield* sql<{ readonly market_id: string; readonly outcome_id: string; readonly quantity: string }>`
      SELECT f.market_id, f.outcome_id, sum(CASE WHEN f.action = 'buy' THEN f.quantity ELSE -f.quantity END)::text AS quantity
        FROM fills f JOIN orders o ON o.client_order_id = f.client_order_id
       WHERE f.platform = ${platform} AND NOT o.paper GROUP BY f.market_id, f.outcome_id`
    const ownQty = new Map<string, number>()
    for (const r of [...mine, ...bought]) {
      const key = `${r.market_id}|${r.outcome_id}`
      ownQty.set(key, Math.max(ownQty.get(key) ?? 0, Number(r.quantity)))
    }
    const external: Array<AccountPosition> = []
    for (const p of held) {
      const key = `${p.outcome.marketId}|${p.outcome.outcomeId}`
      const own = ownQty.get(key) ?? 0
      if (p.quantity > own) {
        const extra = { ...p, quantity: (p.quantity - own) as Qty }
        external.push(extra)
        yield* difference(platform, "external_position", key, `the venue holds ${p.quantity / ONE}, arbees opened ${own / ONE}: flagged, not traded`, yield* nowMillis)
        yield* Effect.logWarning("a position arbees did not open: flagged, not traded").pipe(
          Effect.annotateLogs({ platform, market: p.outcome.marketId, outcome: p.outcome.outcomeId, venueQuantity: p.quantity / ONE, arbeesQuantity: own / ONE })
        )
      }
    }
    // 4. Cash
    const cash = yield* venue.account.balance
    const existing = yield* sql<{ readonly account: string }>`SELECT account FROM bankroll WHERE account = ${account}`
    let balanceAdjustment = 0
    const now = yield* nowMillis
    if (existing.length === 0) {
      yield* openAccount(account, cash)
    } else {
      const books = yield* readBalance(account)
      balanceAdjustment = cash - books.balance
      if (balanceAdjustment !== 0) {
        const reference = `reconcile:${platform}:${now}`
        const reason = `venue balance ${cash / ONE}, ledger ${books.balance / ONE}`
        yield* post(account, { kind: "adjustment", bucket: "available", amount: balanceAdjustment as Micros, reference })
        yield* difference(platform, "balance", reference, reason, now)
        yield* Effect.logWarning("ledger adjusted to the venue's balance").pipe(Effect.annotateLogs({ platform, reason }))
      }
    }
    return { platform, resolved, fillsRecorded, externalPositions: external, externalFills, balanceAdjustment } satisfies ReconcileReport
  })
  return yield* body.pipe(
    Effect.tap((report) => setReconciling(platform, false, null, report.externalPositions)),
    Effect.tapError((e) => Effect.ignore(setReconciling(platform, false, describe(e), undefined))),
    Effect.mapError((e) => new ReconcileFailed({ platform, message: describe(e) }))
  )
})

const describe = (e: unknown): string => {
  if (typeof e !== "object" || e === null) return String(e)
  const tagged = e as { readonly _tag?: string; readonly reason?: { readonly _tag?: string; readonly message?: string }; readonly message?: string }
  const reason = tagged.reason
  return [tagged._tag, reason?._tag, reason?.message ?? tagged.message].filter((x) => x !== undefined && x !== "").join(": ").slice(0, 300)
}

/**
 * Start-up: every live venue reconciles before live trading starts. A failure refuses live trading
 * with one line naming the venue and why.
 *
 * @category operations
 */
export const reconcileAtStartup = (venues: ReadonlyArray<{ readonly venue: LiveVenue; readonly account: string }>, options: ReconcileOptions) =>
  Effect.forEach(venues, ({ account, venue }) =>
    reconcile(venue, account, options).pipe(
      Effect.mapError((e) => new LiveRefused({ message: `live trading refused: start-up reconciliation with ${e.platform} failed (${e.message})` }))
    ))

/** While running, orders not sent yet and younger than this are left to execution (it knows what it is sending). */
const SETTLE = Duration.minutes(1)

/**
 * Keeps a venue reconciled for the life of the scope: after every reconnect of its private channel
 * (or a failed settlement) and every `every`. A failed run is logged and retried at the next turn.
 *
 * @category operations
 */
export const runReconciliation = (venue: LiveVenue, account: string, options: ReconcileOptions & { readonly every: Duration.Duration }) =>
  Effect.gen(function*() {
    const once = (why: string) =>
      reconcile(venue, account, { ...options, settle: options.settle ?? SETTLE }).pipe(
        Effect.tap((r) => Effect.logInfo("reconciled").pipe(Effect.annotateLogs({ platform: r.platform, why, resolved: r.resolved, fillsRecorded: r.fillsRecorded, external: r.externalPositions.length }))),
        Effect.catch((e) => Effect.logWarning("reconciliation failed; trying again at the next turn").pipe(Effect.annotateLogs({ platform: venue.platform, why, error: describeFailure(e) })))
      )
    yield* Effect.forkScoped(Stream.runForEach(venue.account.reconnects, () => once("reconnect")))
    yield* Effect.forkScoped(Effect.forever(Effect.andThen(Effect.sleep(options.every), once("periodic"))))
  })
