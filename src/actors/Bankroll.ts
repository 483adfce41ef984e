/**
 * The bankroll: the only writer of balances. Every change is an append-only ledger posting in the
 * same transaction as its cause, and the database refuses (at commit) a balance that disagrees
 * with its ledger.
 *
 * ## API for execution, positions and settlement (issue 11)
 *
 * Plain Effects over `SqlClient`. Each runs in `sql.withTransaction`, which nests as a savepoint:
 * call it inside your own transaction (the one that records the fill, the order's death or the
 * settlement) and the posting commits or rolls back with it. Every call is idempotent on its
 * `reference` (a fill id, a position id, ...): a replay posts nothing twice.
 *
 * | call | when | postings |
 * | --- | --- | --- |
 * | `reserve(account, r)` | the risk decision (risk calls it; not you) | reserved +amount |
 * | `releaseReservation(account, id, ref)` | an order dies (cancel, reject, IOC remainder, expiry) | reserved −remaining |
 * | `postFill(account, f)` | a buy fill | available −cost, available −fee, reserved −min(cost+fee, remaining) |
 * | `postSale(account, s)` | a sell fill (an exit) | available +proceeds, available −fee |
 * | `postSettlement(account, s)` | a position settles | available +payout |
 * | `closePosition(c)` (or `recordPositionClose(account, c, share)`) | a position closes (exit or settlement) | piggybank share (`bankroll.piggybankShare`) of a profit: available −x, piggybank +x |
 * | `deposit(account, amount, ref)` | operator | available +amount |
 *
 * `recordPositionClose` also appends to `position_closes` (the win/loss cooldowns and the
 * consecutive-loss rule read it) and moves equity, peak, trough and the day's realised P&L.
 * Reservation ids are the client order ids (`<signal id>-<leg>`), so an order finds its own.
 *
 * Available to size = balance − reserved. `ledgerCheck` proves balance = Σ ledger per bucket and
 * reserved = Σ open reservations; it runs at start-up (risk refuses to trade on failure) and in
 * diagnostics.
 *
 * The cluster entity (`GetBalance`, `Post`) serves reads and operator postings; the functions
 * above are what the other actors call in their own transactions.
 *
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import { ClusterSchema, Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import { SqlClient, SqlSchema } from "effect/sql"
import { AppConfig, type Config } from "../services/config/AppConfig.ts"
import { Diagnostics } from "../services/Diagnostics.ts"
import { QueryFailed, StorageError } from "../schema/errors/StorageError.ts"
import type { OutcomeRef } from "../schema/Market.ts"
import * as Money from "../schema/Money.ts"
import { Micros, MicrosFromBigInt } from "../schema/Money.ts"
import { LedgerKind } from "../schema/Trading.ts"
import { nowMillis } from "../services/Time.ts"

/** @category schemas */
export const Bucket = Schema.Literals(["available", "reserved", "piggybank"])
export type Bucket = typeof Bucket.Type

/** @category schemas */
export const BankrollSnapshot = Schema.Struct({
  account: Schema.String,
  /** Cash: Σ of the available bucket */
  balance: Micros,
  piggybank: Micros,
  /** Promised to approved orders not yet filled or dead */
  reserved: Micros,
  /** balance − reserved: what sizing may use */
  available: Micros,
  /** Deposits plus realised P&L */
  equity: Micros,
  peak: Micros,
  trough: Micros,
  /** Realised P&L of the current UTC day */
  dailyPnl: Micros,
  version: Schema.Int
})
export type BankrollSnapshot = typeof BankrollSnapshot.Type

/** The current balances. @category messages */
export const GetBalance = Rpc.make("GetBalance", { success: BankrollSnapshot, error: StorageError })

/**
 * Posts one operator entry (deposit, withdrawal, adjustment) and moves the balance with it,
 * atomically. `applied` is false when the same posting was already made.
 *
 * @category messages
 */
export const Post = Rpc.make("Post", {
  payload: {
    kind: LedgerKind,
    bucket: Bucket,
    amount: Micros,
    reference: Schema.NonEmptyString
  },
  success: Schema.Struct({ applied: Schema.Boolean, snapshot: BankrollSnapshot }),
  error: StorageError,
  primaryKey: (p) => `${p.kind}:${p.bucket}:${p.reference}`
}).annotate(ClusterSchema.Persisted, true)

/** @category entities */
export const Bankroll = Entity.make("Bankroll", [GetBalance, Post])

const Row = Schema.Struct({
  account: Schema.String,
  balance_micros: MicrosFromBigInt,
  piggybank_micros: MicrosFromBigInt,
  reserved_micros: MicrosFromBigInt,
  equity_micros: MicrosFromBigInt,
  peak_micros: MicrosFromBigInt,
  trough_micros: MicrosFromBigInt,
  daily_pnl_micros: MicrosFromBigInt,
  pnl_today: Schema.Boolean,
  version: Schema.BigInt
})

const storageError = (e: { readonly message?: string | undefined; readonly _tag?: string }) =>
  e instanceof StorageError ? e : new StorageError({ reason: new QueryFailed({ message: e.message ?? e._tag ?? "query failed" }) })

const DAY = 86_400_000
const dayOf = (ms: number): string => new Date(Math.floor(ms / DAY) * DAY).toISOString().slice(0, 10)
const ts = (ms: number) => ms / 1000

/**
 * Creates the account with its opening deposit if it does not exist yet. Idempotent.
 *
 * @category operations
 */
export const openAccount = Effect.fn("Bankroll.openAccount")(function*(account: string, initial: Micros) {
  const sql = yield* SqlClient.SqlClient
  const at = yield* nowMillis
  yield* sql.withTransaction(
    Effect.gen(function*() {
      const created = yield* sql`INSERT INTO bankroll (account, balance_micros, peak_micros, equity_micros, trough_micros, pnl_day, updated_at)
                                 VALUES (${account}, ${initial}, ${initial}, ${initial}, ${initial}, ${dayOf(at)}::date, to_timestamp(${ts(at)}))
                                 ON CONFLICT (account) DO NOTHING RETURNING account`
      if (created.length > 0 && initial !== 0) {
        yield* sql`INSERT INTO bankroll_ledger (account, bucket, kind, amount_micros, reference, created_at)
                   VALUES (${account}, 'available', 'deposit', ${initial}, 'opening balance', to_timestamp(${ts(at)}))`
      }
    })
  ).pipe(Effect.mapError(storageError))
})

/** @category operations */
export const readBalance = Effect.fn("Bankroll.readBalance")(function*(account: string) {
  const sql = yield* SqlClient.SqlClient
  const today = dayOf(yield* nowMillis)
  const find = SqlSchema.findOne({
    Request: Schema.String,
    Result: Row,
    execute: (a) =>
      sql`SELECT account, balance_micros, piggybank_micros, reserved_micros, equity_micros, peak_micros, trough_micros,
                 daily_pnl_micros, (pnl_day = ${today}::date) IS TRUE AS pnl_today, version
            FROM bankroll WHERE account = ${a}`
  })
  const row = yield* find(account).pipe(Effect.mapError(storageError))
  return {
    account: row.account,
    balance: row.balance_micros,
    piggybank: row.piggybank_micros,
    reserved: row.reserved_micros,
    available: Money.sub(row.balance_micros, row.reserved_micros) as Micros,
    equity: row.equity_micros,
    peak: row.peak_micros,
    trough: row.trough_micros,
    dailyPnl: row.pnl_today ? row.daily_pnl_micros : (0 as Micros),
    version: Number(row.version)
  } satisfies BankrollSnapshot
})

/** One posting: the ledger row and the bucket's projection, or nothing when already posted. */
const postEntry = (
  account: string,
  entry: { readonly kind: LedgerKind; readonly bucket: Bucket; readonly amount: number; readonly reference: string },
  at: number
) =>
  Effect.gen(function*() {
    if (entry.amount === 0) return true
    const sql = yield* SqlClient.SqlClient
    const inserted = yield* sql`INSERT INTO bankroll_ledger (account, bucket, kind, amount_micros, reference, created_at)
                                VALUES (${account}, ${entry.bucket}, ${entry.kind}, ${entry.amount}, ${entry.reference}, to_timestamp(${ts(at)}))
                                ON CONFLICT (account, kind, bucket, reference) DO NOTHING RETURNING entry_id`
    if (inserted.length === 0) return false
    const column = entry.bucket === "available" ? sql`balance_micros` : entry.bucket === "reserved" ? sql`reserved_micros` : sql`piggybank_micros`
    // Deposits and withdrawals move equity; trading moves it only through realised P&L. A cash
    // flow moves peak and trough with it: a withdrawal is not a drawdown, a deposit not a recovery
    const equity = entry.kind === "deposit" || entry.kind === "withdrawal" ? entry.amount : 0
    yield* sql`UPDATE bankroll
                  SET ${column} = ${column} + ${entry.amount},
                      equity_micros = equity_micros + ${equity},
                      peak_micros = peak_micros + ${equity},
                      trough_micros = trough_micros + ${equity},
                      version = version + 1,
                      updated_at = to_timestamp(${ts(at)})
                WHERE account = ${account}`
    return true
  })

/** Locks the account row for the rest of the transaction: postings on one account serialise. */
const lockAccount = (account: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql`SELECT account FROM bankroll WHERE account = ${account} FOR UPDATE`)

const inTransaction = <A, E, R>(account: string, body: (at: number) => Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const at = yield* nowMillis
    return yield* sql.withTransaction(Effect.andThen(lockAccount(account), body(at)))
  })

/**
 * Posts an operator entry and updates the projection in one transaction; a duplicate posting
 * changes nothing.
 *
 * @category operations
 */
export const post = Effect.fn("Bankroll.post")(function*(account: string, entry: { readonly kind: LedgerKind; readonly bucket: Bucket; readonly amount: Micros; readonly reference: string }) {
  const applied = yield* inTransaction(account, (at) => postEntry(account, entry, at)).pipe(Effect.mapError(storageError))
  return { applied, snapshot: yield* readBalance(account) }
})

/** A deposit into the available bucket. @category operations */
export const deposit = (account: string, amount: Micros, reference: string) => post(account, { kind: "deposit", bucket: "available", amount, reference })

/** What risk reserves for one approved order. @category models */
export interface ReservationRequest {
  /** The order's client order id */
  readonly reservationId: string
  readonly signalId: string
  readonly gameId: string
  readonly sport: string
  readonly outcome: OutcomeRef
  /** Notional plus fees at the approved size */
  readonly amount: Micros
  readonly contracts: Money.Qty
}

/** @category errors */
export class InsufficientFunds extends Schema.TaggedError<InsufficientFunds>()("InsufficientFunds", {
  requested: Schema.Number,
  available: Schema.Number
}) {}

/**
 * Reserves money for approved orders, all or none: fails with `InsufficientFunds` when balance −
 * reserved cannot cover them. Risk calls it in the transaction that records the decision.
 *
 * @category operations
 */
export const reserve = Effect.fn("Bankroll.reserve")(function*(account: string, requests: ReadonlyArray<ReservationRequest>) {
  const sql = yield* SqlClient.SqlClient
  const total = Money.sum(requests.map((r) => r.amount))
  return yield* inTransaction(account, (at) =>
    Effect.gen(function*() {
      const [row] = yield* sql<{ available: string }>`SELECT (balance_micros - reserved_micros)::text AS available FROM bankroll WHERE account = ${account}`
      const available = Number(row?.available ?? 0)
      if (total > available) return yield* new InsufficientFunds({ requested: total, available })
      for (const r of requests) {
        const inserted = yield* sql`INSERT INTO bankroll_reservations (reservation_id, account, signal_id, game_id, sport, platform, market_id, outcome_id,
                                      amount_micros, remaining_micros, contracts, remaining_contracts, status, created_at, updated_at)
                                    VALUES (${r.reservationId}, ${account}, ${r.signalId}, ${r.gameId}, ${r.sport}, ${r.outcome.platform}, ${r.outcome.marketId},
                                      ${r.outcome.outcomeId}, ${r.amount}, ${r.amount}, ${r.contracts}, ${r.contracts}, 'open', to_timestamp(${ts(at)}), to_timestamp(${ts(at)}))
                                    ON CONFLICT (reservation_id) DO NOTHING RETURNING reservation_id`
        if (inserted.length > 0) yield* postEntry(account, { kind: "reserve", bucket: "reserved", amount: r.amount, reference: r.reservationId }, at)
      }
      return total as Micros
    })
  ).pipe(Effect.mapError((e) => (e._tag === "InsufficientFunds" ? e : storageError(e))))
})

/** Takes up to `amount` (and `contracts`) off a reservation; returns what was taken. */
const drawDown = (account: string, reservationId: string, amount: number | "all", contracts: number | "all", reference: string, at: number, close: boolean) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const [row] = yield* sql<{ remaining: string; remaining_contracts: string; status: string }>`
      SELECT remaining_micros::text AS remaining, remaining_contracts::text AS remaining_contracts, status
        FROM bankroll_reservations WHERE reservation_id = ${reservationId} AND account = ${account} FOR UPDATE`
    if (row === undefined) return 0
    const remaining = Number(row.remaining)
    const take = amount === "all" ? remaining : Math.min(remaining, amount)
    const remainingContracts = Number(row.remaining_contracts)
    const takeContracts = contracts === "all" ? remainingContracts : Math.min(remainingContracts, contracts)
    const applied = take === 0 || (yield* postEntry(account, { kind: "release", bucket: "reserved", amount: -take, reference: `${reservationId}:${reference}` }, at))
    if (!applied) return 0
    const status = close || remaining - take === 0 ? "closed" : "open"
    yield* sql`UPDATE bankroll_reservations
                  SET remaining_micros = remaining_micros - ${take}, remaining_contracts = remaining_contracts - ${takeContracts},
                      status = ${status}, updated_at = to_timestamp(${ts(at)})
                WHERE reservation_id = ${reservationId}`
    return take
  })

/**
 * Releases what is left of a reservation (its order died: cancelled, rejected, expired, the
 * unfilled rest of an IOC). Idempotent on `reference`.
 *
 * @category operations
 */
export const releaseReservation = Effect.fn("Bankroll.releaseReservation")(function*(account: string, reservationId: string, reference: string) {
  return yield* inTransaction(account, (at) => drawDown(account, reservationId, "all", "all", reference, at, true)).pipe(Effect.mapError(storageError))
})

/**
 * Releases what is left of a reservation that no order has claimed (its approval never became an
 * order): `false`, and nothing moves, when an order of its id exists or it is closed already. The
 * reservation row is locked first, so this and `Trades.recordOrder` (which locks it too) cannot
 * both win: either the order is recorded and the money stays reserved, or the money is released
 * and the order, should it still arrive, is refused.
 *
 * @category operations
 */
export const releaseUnclaimed = Effect.fn("Bankroll.releaseUnclaimed")(function*(account: string, reservationId: string, reference: string) {
  return yield* inTransaction(account, (at) =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const [row] = yield* sql<{ status: string; claimed: boolean }>`
        SELECT r.status, EXISTS (SELECT 1 FROM orders o WHERE o.client_order_id = r.reservation_id) AS claimed
          FROM bankroll_reservations r WHERE r.reservation_id = ${reservationId} AND r.account = ${account} FOR UPDATE OF r`
      if (row === undefined || row.status !== "open" || row.claimed) return false
      yield* drawDown(account, reservationId, "all", "all", reference, at, true)
      return true
    })).pipe(Effect.mapError(storageError))
})

/** A buy fill. @category models */
export interface FillPosting {
  /** The order's client order id; its reservation is converted */
  readonly reservationId?: string | undefined
  /** The venue's fill id (unique per venue): the idempotency key */
  readonly fillId: string
  readonly price: Money.Price
  readonly quantity: Money.Qty
  readonly fee: Micros
}

/**
 * Posts a buy fill: the cost and the fee leave the available bucket and the same money leaves the
 * order's reservation (converted, up to what is left of it).
 *
 * @category operations
 */
export const postFill = Effect.fn("Bankroll.postFill")(function*(account: string, fill: FillPosting) {
  const cost = Money.notional(fill.price, fill.quantity, "ceil")
  return yield* inTransaction(account, (at) =>
    Effect.gen(function*() {
      const applied = yield* postEntry(account, { kind: "trade", bucket: "available", amount: -cost, reference: fill.fillId }, at)
      if (!applied) return false
      yield* postEntry(account, { kind: "fee", bucket: "available", amount: -fill.fee, reference: fill.fillId }, at)
      if (fill.reservationId !== undefined) yield* drawDown(account, fill.reservationId, cost + fill.fee, fill.quantity, fill.fillId, at, false)
      return true
    })
  ).pipe(Effect.mapError(storageError))
})

/** A sell fill (an exit). @category operations */
export const postSale = Effect.fn("Bankroll.postSale")(function*(account: string, sale: { readonly fillId: string; readonly price: Money.Price; readonly quantity: Money.Qty; readonly fee: Micros }) {
  const proceeds = Money.notional(sale.price, sale.quantity, "floor")
  return yield* inTransaction(account, (at) =>
    Effect.gen(function*() {
      const applied = yield* postEntry(account, { kind: "sale", bucket: "available", amount: proceeds, reference: sale.fillId }, at)
      if (applied) yield* postEntry(account, { kind: "fee", bucket: "available", amount: -sale.fee, reference: sale.fillId }, at)
      return applied
    })
  ).pipe(Effect.mapError(storageError))
})

/** A position's settlement payout (0 for a loser posts nothing). @category operations */
export const postSettlement = Effect.fn("Bankroll.postSettlement")(function*(account: string, settlement: { readonly positionId: string; readonly payout: Micros }) {
  return yield* inTransaction(account, (at) => postEntry(account, { kind: "settlement", bucket: "available", amount: settlement.payout, reference: settlement.positionId }, at)).pipe(
    Effect.mapError(storageError)
  )
})

/** A closed position, as execution reports it. @category models */
export interface PositionClose {
  readonly positionId: string
  readonly gameId: string
  readonly sport: string
  readonly outcome: OutcomeRef
  /** Proceeds or payout − cost − all fees; negative is a loss */
  readonly realizedPnl: Micros
}

/**
 * Records a position close: the row the cooldown and consecutive-loss rules read, equity, peak,
 * trough and the day's P&L, and the piggybank's share of a profit. Idempotent on the position id.
 *
 * @category operations
 */
export const recordPositionClose = Effect.fn("Bankroll.recordPositionClose")(function*(account: string, close: PositionClose, piggybankShare: Money.Bps) {
  const sql = yield* SqlClient.SqlClient
  return yield* inTransaction(account, (at) =>
    Effect.gen(function*() {
      const inserted = yield* sql`INSERT INTO position_closes (position_id, account, game_id, sport, platform, market_id, outcome_id, realized_pnl_micros, closed_at)
                                  VALUES (${close.positionId}, ${account}, ${close.gameId}, ${close.sport}, ${close.outcome.platform}, ${close.outcome.marketId},
                                          ${close.outcome.outcomeId}, ${close.realizedPnl}, to_timestamp(${ts(at)}))
                                  ON CONFLICT (position_id) DO NOTHING RETURNING position_id`
      if (inserted.length === 0) return false
      const today = dayOf(at)
      yield* sql`UPDATE bankroll
                    SET daily_pnl_micros = CASE WHEN pnl_day = ${today}::date THEN daily_pnl_micros ELSE 0 END + ${close.realizedPnl},
                        pnl_day = ${today}::date,
                        equity_micros = equity_micros + ${close.realizedPnl},
                        peak_micros = greatest(peak_micros, equity_micros + ${close.realizedPnl}),
                        trough_micros = least(trough_micros, equity_micros + ${close.realizedPnl}),
                        version = version + 1
                  WHERE account = ${account}`
      if (close.realizedPnl > 0) {
        const share = Money.applyBps(close.realizedPnl, piggybankShare, "floor")
        yield* postEntry(account, { kind: "piggybank", bucket: "available", amount: -share, reference: close.positionId }, at)
        yield* postEntry(account, { kind: "piggybank", bucket: "piggybank", amount: share, reference: close.positionId }, at)
      }
      return true
    })
  ).pipe(Effect.mapError(storageError))
})

/**
 * {@link recordPositionClose} on the configured account with the configured piggybank share
 * (`bankroll.piggybankShare`): what execution calls when a position closes.
 *
 * @category operations
 */
export const closePosition = (close: PositionClose) =>
  Effect.flatMap(AppConfig, ({ config }: { readonly config: Config }) => recordPositionClose(config.bankroll.account, close, config.bankroll.piggybankShare))

/** @category models */
export interface LedgerCheck {
  readonly account: string
  readonly ok: boolean
  readonly balance: number
  readonly ledgerBalance: number
  readonly reserved: number
  readonly ledgerReserved: number
  readonly openReservations: number
  readonly piggybank: number
  readonly ledgerPiggybank: number
}

/**
 * Balance = Σ ledger for each bucket, and reserved = Σ open reservations.
 *
 * @category operations
 */
export const ledgerCheck = Effect.fn("Bankroll.ledgerCheck")(function*(account: string) {
  const sql = yield* SqlClient.SqlClient
  const [row] = yield* sql<{ b: string; lb: string; r: string; lr: string; h: string; p: string; lp: string }>`
    SELECT b.balance_micros::text AS b, b.reserved_micros::text AS r, b.piggybank_micros::text AS p,
           coalesce((SELECT sum(amount_micros) FROM bankroll_ledger WHERE account = b.account AND bucket = 'available'), 0)::text AS lb,
           coalesce((SELECT sum(amount_micros) FROM bankroll_ledger WHERE account = b.account AND bucket = 'reserved'), 0)::text AS lr,
           coalesce((SELECT sum(amount_micros) FROM bankroll_ledger WHERE account = b.account AND bucket = 'piggybank'), 0)::text AS lp,
           coalesce((SELECT sum(remaining_micros) FROM bankroll_reservations WHERE account = b.account), 0)::text AS h
      FROM bankroll b WHERE b.account = ${account}`.pipe(Effect.mapError(storageError))
  if (row === undefined) {
    return { account, ok: false, balance: 0, ledgerBalance: 0, reserved: 0, ledgerReserved: 0, openReservations: 0, piggybank: 0, ledgerPiggybank: 0 } satisfies LedgerCheck
  }
  const check = {
    account,
    balance: Number(row.b),
    ledgerBalance: Number(row.lb),
    reserved: Number(row.r),
    ledgerReserved: Number(row.lr),
    openReservations: Number(row.h),
    piggybank: Number(row.p),
    ledgerPiggybank: Number(row.lp)
  }
  const ok = check.balance === check.ledgerBalance && check.reserved === check.ledgerReserved && check.reserved === check.openReservations &&
    check.piggybank === check.ledgerPiggybank && check.reserved >= 0
  return { ...check, ok } satisfies LedgerCheck
})

/** Every account the database holds, by name (the paper account and, in live mode, `live:<platform>`). @category operations */
export const listAccounts = Effect.fn("Bankroll.listAccounts")(function*() {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<{ account: string }>`SELECT account FROM bankroll ORDER BY account`.pipe(Effect.mapError(storageError))
  return rows.map((r) => r.account)
})

/** The last postings, newest first, for `arbees bankroll`. @category operations */
export const recentPostings = Effect.fn("Bankroll.recentPostings")(function*(account: string, limit: number) {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<{ entry_id: string; bucket: string; kind: string; amount: string; reference: string; at: string }>`
    SELECT entry_id::text, bucket, kind, amount_micros::text AS amount, reference, (extract(epoch FROM created_at) * 1000)::bigint::text AS at
      FROM bankroll_ledger WHERE account = ${account} ORDER BY entry_id DESC LIMIT ${limit}`.pipe(Effect.mapError(storageError))
  return rows.map((r) => ({ id: Number(r.entry_id), bucket: r.bucket, kind: r.kind, amount: Number(r.amount) as Micros, reference: r.reference, at: Number(r.at) }))
})

/**
 * The behaviour: opens the account on activation, then serves balance reads and operator
 * postings one at a time (entity concurrency 1).
 *
 * @category layers
 */
export const layer = Bankroll.toLayer(
  Effect.gen(function*() {
    const { config } = yield* AppConfig
    const address = yield* Entity.CurrentAddress
    const diagnostics = yield* Diagnostics
    const report = yield* diagnostics.register({ id: `singleton:bankroll:${address.entityId}`, kind: "singleton", parent: "runner" })
    yield* openAccount(address.entityId, config.bankroll.initial).pipe(Effect.orDie)
    const check = yield* ledgerCheck(address.entityId).pipe(Effect.orDie)
    report.details["ledgerOk"] = check.ok
    report.status = "running"
    yield* Effect.addFinalizer(() => Effect.sync(() => void (report.status = "passivated")))
    const touched = Effect.map(nowMillis, (now) => void (report.lastMessageAt = now))
    return Bankroll.of({
      GetBalance: () => Effect.andThen(touched, readBalance(address.entityId)),
      Post: ({ payload }) => Effect.andThen(touched, post(address.entityId, payload))
    })
  }),
  { maxIdleTime: "1 hour" }
)
