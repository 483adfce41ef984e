/**
 * The bankroll actor: one per account, a cluster entity (a singleton in practice: arbees trades one
 * account per deployment).
 *
 * Its state lives in Postgres, not in memory: `bankroll` is a projection of the append-only
 * `bankroll_ledger`, and the database refuses a balance that disagrees with its ledger. A posting
 * is a persisted cluster message whose primary key is the posting's own identity (kind, bucket,
 * reference), so a redelivered message and a replayed posting both become no-ops — once by the
 * cluster's dedupe, once by the ledger's unique key.
 *
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import { ClusterSchema, Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import { SqlClient, SqlSchema } from "effect/sql"
import { AppConfig } from "../services/config/AppConfig.ts"
import { Diagnostics } from "../services/Diagnostics.ts"
import { QueryFailed, StorageError } from "../schema/errors/StorageError.ts"
import { Micros, MicrosFromBigInt } from "../schema/Money.ts"
import { LedgerKind } from "../schema/Trading.ts"
import { nowMillis } from "../services/Time.ts"

/** @category schemas */
export const Bucket = Schema.Literals(["available", "piggybank"])
export type Bucket = typeof Bucket.Type

/** @category schemas */
export const BankrollSnapshot = Schema.Struct({
  account: Schema.String,
  balance: Micros,
  piggybank: Micros,
  reserved: Micros,
  peak: Micros,
  version: Schema.Int
})
export type BankrollSnapshot = typeof BankrollSnapshot.Type

/** The current balances. @category messages */
export const GetBalance = Rpc.make("GetBalance", { success: BankrollSnapshot, error: StorageError })

/**
 * Posts one ledger entry and moves the balance with it, atomically. `applied` is false when the
 * same posting was already made.
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
  peak_micros: MicrosFromBigInt,
  version: Schema.BigInt
})

const storageError = (e: { readonly message?: string | undefined; readonly _tag?: string }) =>
  new StorageError({ reason: new QueryFailed({ message: e.message ?? e._tag ?? "query failed" }) })

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
      const created = yield* sql`INSERT INTO bankroll (account, balance_micros, peak_micros, updated_at)
                                 VALUES (${account}, ${initial}, ${initial}, to_timestamp(${at / 1000}))
                                 ON CONFLICT (account) DO NOTHING RETURNING account`
      if (created.length > 0 && initial !== 0) {
        yield* sql`INSERT INTO bankroll_ledger (account, bucket, kind, amount_micros, reference, created_at)
                   VALUES (${account}, 'available', 'deposit', ${initial}, 'opening balance', to_timestamp(${at / 1000}))`
      }
    })
  ).pipe(Effect.mapError(storageError))
})

/** @category operations */
export const readBalance = Effect.fn("Bankroll.readBalance")(function*(account: string) {
  const sql = yield* SqlClient.SqlClient
  const find = SqlSchema.findOne({
    Request: Schema.String,
    Result: Row,
    execute: (a) => sql`SELECT account, balance_micros, piggybank_micros, reserved_micros, peak_micros, version FROM bankroll WHERE account = ${a}`
  })
  const row = yield* find(account).pipe(Effect.mapError(storageError))
  return {
    account: row.account,
    balance: row.balance_micros,
    piggybank: row.piggybank_micros,
    reserved: row.reserved_micros,
    peak: row.peak_micros,
    version: Number(row.version)
  } satisfies BankrollSnapshot
})

/**
 * Posts an entry and updates the projection in one transaction; a duplicate posting changes
 * nothing.
 *
 * @category operations
 */
export const post = Effect.fn("Bankroll.post")(function*(account: string, entry: { readonly kind: LedgerKind; readonly bucket: Bucket; readonly amount: Micros; readonly reference: string }) {
  const sql = yield* SqlClient.SqlClient
  const at = yield* nowMillis
  const applied = yield* sql.withTransaction(
    Effect.gen(function*() {
      const inserted = yield* sql`INSERT INTO bankroll_ledger (account, bucket, kind, amount_micros, reference, created_at)
                                  VALUES (${account}, ${entry.bucket}, ${entry.kind}, ${entry.amount}, ${entry.reference}, to_timestamp(${at / 1000}))
                                  ON CONFLICT (account, kind, bucket, reference) DO NOTHING RETURNING entry_id`
      if (inserted.length === 0) return false
      const column = entry.bucket === "available" ? sql`balance_micros` : sql`piggybank_micros`
      yield* sql`UPDATE bankroll
                    SET ${column} = ${column} + ${entry.amount},
                        peak_micros = greatest(peak_micros, balance_micros + piggybank_micros + ${entry.amount}),
                        version = version + 1,
                        updated_at = to_timestamp(${at / 1000})
                  WHERE account = ${account}`
      return true
    })
  ).pipe(Effect.mapError(storageError))
  return { applied, snapshot: yield* readBalance(account) }
})

/**
 * The behaviour: opens the account on activation, then serves balance reads and postings one at
 * a time (entity concurrency 1).
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
