/**
 * The risk actor: the singleton every intent passes before an order exists.
 *
 * A `Check` is a persisted message keyed by the signal id. In ONE transaction, serialised on the
 * account's bankroll row, it reads the account's state from Postgres (positions, open
 * reservations, unreserved open orders, closes, venue health, the trading state), applies the
 * pure rules (`src/domain/risk/Rules.ts`, sizing in `Sizing.ts`), records the signal with its
 * stable reason code, and on approval reserves the approved money through the bankroll. A
 * redelivered check finds its signal row and answers the recorded decision. Every decision counts
 * in `arbees_signals_total{decision,reason}`.
 *
 * Also here: the global trading state (ACTIVE / REDUCING / HALTED, persisted; the kill switch
 * halts, and the execution driver then cancels resting orders), the venue-error pause and the
 * reconciliation gate that execution and live trading set,
 * and the ledger check at start-up (a failure refuses every trade with `LEDGER_MISMATCH`).
 *
 * @since 0.1.0
 */
import { Context, Duration, Effect, Layer, Metric, Schema } from "effect"
import { ClusterSchema, Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import { SqlClient } from "effect/sql"
import { type Decision, decide, marketKeyOf, outcomeKeyOf, type RiskLimits, type RiskRequest, type RiskState, type TradingState, type VenueState } from "../domain/risk/Rules.ts"
import type { VenueRules } from "../domain/risk/Sizing.ts"
import { AppConfig, type Config } from "../services/config/AppConfig.ts"
import { Diagnostics } from "../services/Diagnostics.ts"
import { BookLevel } from "../schema/Book.ts"
import { QueryFailed, StorageError } from "../schema/errors/StorageError.ts"
import { OutcomeMeaning, OutcomeRef } from "../schema/Market.ts"
import * as Money from "../schema/Money.ts"
import { Micros, Price, Qty } from "../schema/Money.ts"
import type { Platform } from "../schema/Platform.ts"
import { Signal } from "../schema/Trading.ts"
import { ledgerCheck, openAccount, readBalance, reserve } from "./Bankroll.ts"
import { FeeTerms, VenueTerms } from "./Game.ts"
import { type AccountBook, accountBookOf, accountOf, accountsOf } from "../services/live/LiveAccounts.ts"
import { nowMillis } from "../services/Time.ts"

/** @category metrics */
export const signalsTotal = Metric.counter("arbees_signals_total", { description: "Risk decisions on signals, by decision and stable reason code" })

/** @category schemas */
export const CheckLeg = Schema.Struct({
  outcome: OutcomeRef,
  meaning: OutcomeMeaning,
  action: Schema.Literals(["buy", "sell"]),
  limit: Price,
  asks: Schema.Array(BookLevel),
  fees: FeeTerms,
  venue: VenueTerms,
  bookAsOf: Schema.Int
})

/** @category schemas */
export const ThresholdSchema = Schema.Union([
  Schema.Struct({ _tag: Schema.Literal("sets"), minProfitPerSet: Micros }),
  Schema.Struct({ _tag: Schema.Literal("edge"), probability: Schema.Finite, minEdge: Money.Bps, kelly: Schema.Boolean })
])

/** @category schemas */
export const CheckRequest = Schema.Struct({
  signal: Signal,
  sport: Schema.String,
  purpose: Schema.Literals(["entry", "exit", "hedge"]),
  legs: Schema.Array(CheckLeg),
  threshold: ThresholdSchema,
  desired: Schema.optionalKey(Qty),
  withDraw: Schema.Boolean,
  gameStateChangedAt: Schema.Int,
  modelAt: Schema.optionalKey(Schema.Int)
})
export type CheckRequest = typeof CheckRequest.Type

/** @category schemas */
export const ApprovedLeg = Schema.Struct({ limit: Price, quantity: Qty, amount: Micros })

/** @category schemas */
export const Verdict = Schema.Union([
  Schema.Struct({ _tag: Schema.Literal("Approved"), quantity: Qty, legs: Schema.Array(ApprovedLeg), edgeBps: Money.Bps }),
  Schema.Struct({ _tag: Schema.Literal("Denied"), denial: Schema.Struct({ code: Schema.String, message: Schema.String }) })
])
export type Verdict = typeof Verdict.Type

/** @category messages */
export const Check = Rpc.make("Check", {
  payload: CheckRequest.fields,
  success: Verdict,
  error: StorageError,
  primaryKey: (p) => p.signal.signalId
}).annotate(ClusterSchema.Persisted, true)

/** @category entities */
export const Risk = Entity.make("Risk", [Check])

/** The one risk entity. @category constants */
export const RISK_ID = "global"

/**
 * The risk check as a service, for runner-local drivers that must pass risk (the arbitrage
 * driver's unwinds and hedges): through the risk singleton on the cluster, or (`layerDirect`, for
 * tests without a cluster) the singleton's own decision, serialised on the same bankroll rows.
 *
 * @category services
 */
export class RiskGate extends Context.Service<RiskGate, {
  readonly check: (request: CheckRequest) => Effect.Effect<Verdict, StorageError>
}>()("arbees/actors/RiskGate") {
  static readonly layer = Layer.effect(
    RiskGate,
    Effect.map(Risk.client, (client) => {
      const risk = client(RISK_ID)
      // The cluster's own failures (a lost runner, a full mailbox) are defects here: the caller's loop restarts
      return RiskGate.of({ check: (request) => risk.Check(request).pipe(Effect.catch((e) => (e instanceof StorageError ? Effect.fail(e) : Effect.die(e)))) })
    })
  )

  static readonly layerDirect = Layer.effect(
    RiskGate,
    Effect.gen(function*() {
      const appConfig = yield* AppConfig
      const { config } = appConfig
      const sql = yield* SqlClient.SqlClient
      return RiskGate.of({
        check: (request) =>
          decideAndRecord(config.bankroll.account, request, limitsFrom(config), true).pipe(
            Effect.provideService(SqlClient.SqlClient, sql),
            Effect.provideService(AppConfig, appConfig)
          )
      })
    })
  )
}

/** The rules' limits from the configuration. @category config */
export const limitsFrom = (config: Config): RiskLimits => ({
  kellyFraction: config.risk.kellyFraction,
  maxPositionFraction: config.risk.maxPositionFraction,
  maxDailyLoss: config.risk.maxDailyLoss,
  killSwitchDailyLoss: config.execution.killSwitchDailyLoss,
  maxDrawdown: config.risk.maxDrawdown,
  consecutiveLossesHalt: config.risk.consecutiveLossesHalt,
  winCooldownMillis: Duration.toMillis(config.risk.winCooldown),
  lossCooldownMillis: Duration.toMillis(config.risk.lossCooldown),
  maxGameExposure: config.risk.maxGameExposure,
  maxSportExposure: config.risk.maxSportExposure,
  maxTotalExposure: config.risk.maxTotalExposure,
  maxMarketExposure: config.risk.maxMarketExposure,
  maxPositionsPerGame: config.risk.maxPositionsPerGame,
  maxContractsPerMarket: (config.execution.maxContractsPerMarket * Money.ONE) as Money.Qty,
  maxContractsPerGame: (config.execution.maxContractsPerGame * Money.ONE) as Money.Qty,
  maxContractsPerSport: (config.execution.maxContractsPerSport * Money.ONE) as Money.Qty,
  maxContractsTotal: (config.execution.maxContractsTotal * Money.ONE) as Money.Qty,
  maxOrderNotional: config.execution.maxOrderNotional,
  maxOrderContracts: (config.execution.maxOrderContracts * Money.ONE) as Money.Qty,
  submitsPerMinute: config.execution.submitsPerMinute,
  submitsPerHour: config.execution.submitsPerHour,
  maxBookShare: config.risk.maxBookShare,
  minLiquidity: config.risk.minLiquidity,
  minBuyPrice: config.risk.minBuyPrice,
  maxBuyPrice: config.risk.maxBuyPrice,
  allowHedging: config.risk.allowHedging,
  maxBookAgeMillis: Duration.toMillis(config.staleness.book),
  maxGameStateAgeMillis: Duration.toMillis(config.staleness.gameState),
  maxModelAgeMillis: Duration.toMillis(config.staleness.model)
})

const storageError = (e: { readonly message?: string | undefined; readonly _tag?: string }) =>
  e instanceof StorageError ? e : new StorageError({ reason: new QueryFailed({ message: e.message ?? e._tag ?? "query failed" }) })

const OPEN_ORDER = ["pending_submit", "submitted", "unknown", "resting", "partially_filled"]
const ts = (ms: number) => ms / 1000

// ---------------------------------------------------------------------------
// Trading state, venue health
// ---------------------------------------------------------------------------

/** The persisted global trading state. @category trading state */
export const readTradingState = Effect.fn("Risk.readTradingState")(function*() {
  const sql = yield* SqlClient.SqlClient
  const [row] = yield* sql<{ state: TradingState; reason: string; changed_by: string; at: string }>`
    SELECT state, reason, changed_by, (extract(epoch FROM changed_at) * 1000)::bigint::text AS at FROM trading_state`.pipe(Effect.mapError(storageError))
  return { state: row?.state ?? "ACTIVE", reason: row?.reason ?? "", changedBy: row?.changed_by ?? "", at: Number(row?.at ?? 0) }
})

/**
 * Sets the global trading state (`arbees trading halt|reduce|resume`, the admin endpoint, the kill
 * switch). Every change is kept in `trading_state_changes`.
 *
 * @category trading state
 */
export const setTradingState = Effect.fn("Risk.setTradingState")(function*(state: TradingState, reason: string, changedBy: string) {
  const sql = yield* SqlClient.SqlClient
  const at = yield* nowMillis
  yield* sql.withTransaction(Effect.gen(function*() {
    yield* sql`UPDATE trading_state SET state = ${state}, reason = ${reason}, changed_by = ${changedBy}, changed_at = to_timestamp(${ts(at)})`
    yield* sql`INSERT INTO trading_state_changes (state, reason, changed_by, changed_at) VALUES (${state}, ${reason}, ${changedBy}, to_timestamp(${ts(at)}))`
  })).pipe(Effect.mapError(storageError))
  return yield* readTradingState()
})

/**
 * A venue order error (execution calls it): after `maxConsecutiveErrors` in a row the venue is
 * paused for `errorCooldown`.
 *
 * @category venue health
 */
export const recordVenueError = Effect.fn("Risk.recordVenueError")(function*(platform: Platform) {
  const sql = yield* SqlClient.SqlClient
  const { config } = yield* AppConfig
  const at = yield* nowMillis
  const until = at + Duration.toMillis(config.execution.errorCooldown)
  yield* sql`UPDATE venue_health
                SET consecutive_errors = consecutive_errors + 1,
                    paused_until = CASE WHEN consecutive_errors + 1 >= ${config.execution.maxConsecutiveErrors} THEN to_timestamp(${ts(until)}) ELSE paused_until END,
                    updated_at = to_timestamp(${ts(at)})
              WHERE platform = ${platform}`.pipe(Effect.mapError(storageError))
})

/** A venue order succeeded: the error streak ends. @category venue health */
export const recordVenueSuccess = Effect.fn("Risk.recordVenueSuccess")(function*(platform: Platform) {
  const sql = yield* SqlClient.SqlClient
  yield* sql`UPDATE venue_health SET consecutive_errors = 0 WHERE platform = ${platform} AND consecutive_errors > 0`.pipe(Effect.mapError(storageError))
})

/** Reconciliation of a venue started or ended (live trading sets it): no new exposure there meanwhile. @category venue health */
export const setReconciling = Effect.fn("Risk.setReconciling")(function*(platform: Platform, reconciling: boolean) {
  const sql = yield* SqlClient.SqlClient
  const at = yield* nowMillis
  yield* sql`UPDATE venue_health SET reconciling = ${reconciling}, updated_at = to_timestamp(${ts(at)}) WHERE platform = ${platform}`.pipe(Effect.mapError(storageError))
})

// ---------------------------------------------------------------------------
// The account's state
// ---------------------------------------------------------------------------

/**
 * Everything the rules read, from Postgres. Money at risk is open positions at cost, plus open
 * reservations, plus open buy orders that have no reservation.
 *
 * @category queries
 */
export const readRiskState = Effect.fn("Risk.readRiskState")(function*(
  accountOrAccounts: string | ReadonlyArray<string>,
  gameId: string,
  sport: string,
  ledgerOk: boolean,
  live: ReadonlySet<Platform> = new Set()
) {
  const sql = yield* SqlClient.SqlClient
  const now = yield* nowMillis
  const accounts = typeof accountOrAccounts === "string" ? [accountOrAccounts] : accountOrAccounts
  const balance = yield* combinedBalance(accounts)
  const trading = yield* readTradingState()
  const atRisk = sql`
    SELECT p.game_id, g.sport, p.platform, p.market_id, p.outcome_id, p.cost_basis_micros AS amount, p.quantity AS contracts
      FROM positions p JOIN games g ON g.game_id = p.game_id WHERE p.status = 'open'
    UNION ALL
    SELECT r.game_id, r.sport, r.platform, r.market_id, r.outcome_id, r.remaining_micros, r.remaining_contracts
      FROM bankroll_reservations r WHERE r.account IN ${sql.in(accounts)} AND r.status = 'open'
    UNION ALL
    SELECT o.game_id, g.sport, o.platform, o.market_id, o.outcome_id,
           (o.limit_price_micros * (o.quantity - o.filled_quantity) / 1000000), o.quantity - o.filled_quantity
      FROM orders o JOIN games g ON g.game_id = o.game_id
     WHERE o.status IN ${sql.in(OPEN_ORDER)} AND o.action = 'buy'
       AND NOT EXISTS (SELECT 1 FROM bankroll_reservations r WHERE r.reservation_id = o.client_order_id)`
  const rows = yield* sql<{ game_id: string; sport: string; platform: Platform; market_id: string; outcome_id: string; amount: string; contracts: string; meaning: string | null }>`
    SELECT a.game_id, a.sport, a.platform, a.market_id, a.outcome_id, a.amount::text, a.contracts::text,
           (SELECT m.meaning FROM market_mappings m WHERE m.game_id = a.game_id AND m.platform = a.platform AND m.market_id = a.market_id AND m.outcome_id = a.outcome_id LIMIT 1) AS meaning
      FROM (${atRisk}) a`
  const [game] = yield* sql<{ halted: boolean | null }>`SELECT trading_halted AS halted FROM games WHERE game_id = ${gameId}`
  const closes = yield* sql<{ pnl: string; at: string }>`
    SELECT realized_pnl_micros::text AS pnl, (extract(epoch FROM closed_at) * 1000)::bigint::text AS at
      FROM position_closes WHERE game_id = ${gameId} ORDER BY closed_at DESC, position_id DESC LIMIT 100`
  // Venue submissions since a moment: every order sent (or about to be: pending_submit), entries,
  // exits and unwinds alike, plus approved legs whose order is not recorded yet (open reservations)
  const submissions = (since: number) => sql`(
    (SELECT count(*)::int FROM orders o WHERE o.platform = v.platform AND o.status <> 'denied' AND o.created_at > to_timestamp(${ts(since)}))
    + (SELECT count(*)::int FROM bankroll_reservations r WHERE r.platform = v.platform AND r.status = 'open' AND r.created_at > to_timestamp(${ts(since)})
         AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.client_order_id = r.reservation_id)))`
  const venues = yield* sql<{ platform: Platform; paused_until: string | null; reconciling: boolean; minute: number; hour: number }>`
    SELECT v.platform, CASE WHEN v.paused_until IS NULL THEN NULL ELSE (extract(epoch FROM v.paused_until) * 1000)::bigint::text END AS paused_until, v.reconciling,
           ${submissions(now - 60_000)} AS minute, ${submissions(now - 3_600_000)} AS hour
      FROM venue_health v`
  // Live reconciliation marks the venue it is reconciling (`Reconciliation.ts`); it holds back only
  // a venue that trades live now (a flag a crashed live run left behind does not stop paper trading)
  const reconciling = new Set((yield* sql<{ platform: Platform }>`SELECT platform FROM venue_reconciliation WHERE reconciling`).map((r) => r.platform).filter((p) => live.has(p)))

  let gameExposure = 0, sportExposure = 0, totalExposure = 0, gameContracts = 0, sportContracts = 0, totalContracts = 0
  const marketContracts = new Map<string, number>()
  const marketExposure = new Map<string, number>()
  const outcomeExposure = new Map<string, number>()
  const held = new Map<string, number>()
  const heldInGame = new Map<string, OutcomeMeaning>()
  for (const r of rows) {
    const amount = Number(r.amount)
    const contracts = Number(r.contracts)
    const outcome = { platform: r.platform, marketId: r.market_id, outcomeId: r.outcome_id } as OutcomeRef
    totalExposure += amount
    totalContracts += contracts
    if (r.sport === sport) {
      sportExposure += amount
      sportContracts += contracts
    }
    if (r.game_id === gameId) {
      gameExposure += amount
      gameContracts += contracts
      heldInGame.set(outcomeKeyOf(outcome), (r.meaning ?? "other") as OutcomeMeaning)
    }
    marketContracts.set(marketKeyOf(outcome), (marketContracts.get(marketKeyOf(outcome)) ?? 0) + contracts)
    marketExposure.set(marketKeyOf(outcome), (marketExposure.get(marketKeyOf(outcome)) ?? 0) + amount)
    outcomeExposure.set(outcomeKeyOf(outcome), (outcomeExposure.get(outcomeKeyOf(outcome)) ?? 0) + amount)
  }
  const positions = yield* sql<{ platform: Platform; market_id: string; outcome_id: string; quantity: string }>`
    SELECT platform, market_id, outcome_id, quantity::text FROM positions WHERE status = 'open' AND game_id = ${gameId}`
  for (const p of positions) held.set(`${p.platform}|${p.market_id}|${p.outcome_id}`, Number(p.quantity))
  let consecutiveLosses = 0
  for (const c of closes) {
    if (Number(c.pnl) >= 0) break
    consecutiveLosses++
  }
  const last = closes[0]
  return {
    tradingState: trading.state,
    ledgerOk,
    gameHalted: game?.halted === true,
    available: balance.available,
    equity: balance.equity,
    peak: balance.peak,
    dailyPnl: balance.dailyPnl,
    gameExposure: gameExposure as Money.Micros,
    sportExposure: sportExposure as Money.Micros,
    totalExposure: totalExposure as Money.Micros,
    marketExposure,
    marketContracts,
    gameContracts,
    sportContracts,
    totalContracts,
    outcomeExposure,
    heldInGame: [...heldInGame].map(([key, meaning]) => ({ key, meaning })),
    lastClose: last === undefined ? undefined : { pnl: Number(last.pnl) as Money.Micros, at: Number(last.at) },
    consecutiveLosses,
    venues: new Map<Platform, VenueState>(venues.map((v) => [v.platform, { submitsLastMinute: v.minute, submitsLastHour: v.hour, pausedUntil: v.paused_until === null ? undefined : Number(v.paused_until), reconciling: v.reconciling || reconciling.has(v.platform) }])),
    held
  } satisfies RiskState
}, Effect.mapError(storageError))

/**
 * The balance the rules size on when the legs are booked in more than one account (an arbitrage
 * across two live venues): the smallest available (each leg must fit its own account), and equity,
 * peak and the day's P&L summed.
 */
const combinedBalance = (accounts: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const all = yield* Effect.forEach(accounts, (a) => readBalance(a))
    const [first, ...rest] = all
    if (rest.length === 0) return first!
    const sum = (f: (b: typeof first) => number) => all.reduce((n, b) => n + f(b), 0) as Money.Micros
    return {
      ...first!,
      available: Math.min(...all.map((b) => b.available)) as Money.Micros,
      equity: sum((b) => b!.equity),
      peak: sum((b) => b!.peak),
      dailyPnl: sum((b) => b!.dailyPnl)
    }
  })

/** The wire request as the rules see it. @category conversions */
export const toRiskRequest = (payload: CheckRequest): RiskRequest => ({
  purpose: payload.purpose,
  legs: payload.legs.map((l) => ({
    outcome: l.outcome,
    meaning: l.meaning,
    action: l.action,
    limit: l.limit,
    asks: l.asks,
    fees: l.fees,
    venue: l.venue as VenueRules,
    bookAsOf: l.bookAsOf,
    positionRoom: Number.MAX_SAFE_INTEGER as Money.Micros,
    contractRoom: Number.MAX_SAFE_INTEGER as Money.Qty
  })),
  threshold: payload.threshold,
  desired: payload.desired,
  withDraw: payload.withDraw,
  expiresAt: payload.signal.expiresAt,
  gameStateChangedAt: payload.gameStateChangedAt,
  modelAt: payload.modelAt
})

const verdictOf = (decision: Decision): Verdict =>
  decision._tag === "Approved"
    ? { _tag: "Approved", quantity: decision.sizing.quantity, legs: decision.sizing.legs.map((l) => ({ limit: l.limit, quantity: l.quantity, amount: l.amount })), edgeBps: decision.sizing.edgeBps }
    : { _tag: "Denied", denial: { code: decision.code, message: decision.message } }

/**
 * Decides one check and records it: in one transaction serialised on the account, the state is
 * read, the rules applied, the signal written with its reason code and, on approval, the money
 * reserved. A check already decided answers its recorded decision.
 *
 * @category decisions
 */
export const decideAndRecord = Effect.fn("Risk.decide")(function*(books: string | AccountBook, payload: CheckRequest, limits: RiskLimits, ledgerOk: boolean) {
  const sql = yield* SqlClient.SqlClient
  const signal = payload.signal
  const book: AccountBook = typeof books === "string" ? { account: books } : books
  // Each leg is sized and reserved on its venue's account; the accounts are locked in one order
  const legAccounts = payload.legs.map((l) => accountOf(book, l.outcome.platform))
  const accounts = [...new Set(legAccounts.length === 0 ? [book.account] : legAccounts)].sort()
  const result = yield* sql.withTransaction(Effect.gen(function*() {
    for (const account of accounts) yield* sql`SELECT account FROM bankroll WHERE account = ${account} FOR UPDATE`
    const [recorded] = yield* sql<{ status: string; reason_code: string | null; denial_reason: string | null }>`
      SELECT status, reason_code, denial_reason FROM signals WHERE signal_id = ${signal.signalId}`
    if (recorded !== undefined) {
      if (recorded.status !== "accepted") return { verdict: { _tag: "Denied", denial: { code: recorded.reason_code ?? "UNKNOWN", message: recorded.denial_reason ?? "" } } as Verdict, fresh: false }
      const legs = yield* sql<{ amount: string; contracts: string }>`
        SELECT amount_micros::text AS amount, contracts::text FROM bankroll_reservations WHERE signal_id = ${signal.signalId} ORDER BY reservation_id`
      const quantity = Number(legs[0]?.contracts ?? payload.desired ?? 0) as Money.Qty
      return {
        verdict: { _tag: "Approved", quantity, legs: payload.legs.map((l, i) => ({ limit: l.limit, quantity, amount: Number(legs[i]?.amount ?? 0) as Money.Micros })), edgeBps: signal.edgeBps } as Verdict,
        fresh: false
      }
    }
    const now = yield* nowMillis
    const read = yield* readRiskState(accounts, signal.gameId, payload.sport, ledgerOk, book.live)
    const state = book.live === undefined || book.live.size === 0 ? read : { ...read, liveVenues: book.live }
    const decision = decide(toRiskRequest(payload), state, limits, now)
    if (decision._tag === "Denied" && decision.code === "KILL_SWITCH" && state.tradingState !== "HALTED") {
      yield* setTradingState("HALTED", decision.message, "kill switch")
    }
    const approved = decision._tag === "Approved"
    const edgeBps = approved ? decision.sizing.edgeBps : signal.edgeBps
    yield* sql`INSERT INTO signals (signal_id, created_at, kind, game_id, legs, edge_pct, model_prob, status, denial_reason, reason_code, strategy, expires_at)
               VALUES (${signal.signalId}, to_timestamp(${ts(signal.createdAt)}), ${signal.kind}, ${signal.gameId},
                       ${JSON.stringify(signal.legs)}::jsonb, ${Math.max(-100, Math.min(100, edgeBps / 100))},
                       ${signal.modelProbability ?? null}, ${approved ? "accepted" : "denied"}, ${approved ? null : decision.message},
                       ${approved ? "APPROVED" : decision.code}, ${signal.strategy ?? null}, to_timestamp(${ts(signal.expiresAt)}))
               ON CONFLICT DO NOTHING`
    if (decision._tag === "Approved" && payload.purpose === "entry") {
      const requests = payload.legs.map((l, i) => ({
        reservationId: `${signal.signalId}-${i}`,
        signalId: signal.signalId,
        gameId: signal.gameId,
        sport: payload.sport,
        outcome: l.outcome,
        amount: decision.sizing.legs[i]!.amount,
        contracts: decision.sizing.quantity
      }))
      for (const account of accounts) yield* reserve(account, requests.filter((_, i) => legAccounts[i] === account))
    }
    return { verdict: verdictOf(decision), fresh: true }
  })).pipe(Effect.mapError(storageError))
  if (result.fresh) {
    const reason = result.verdict._tag === "Approved" ? "APPROVED" : result.verdict.denial.code
    yield* Metric.update(Metric.withAttributes(signalsTotal, { decision: result.verdict._tag === "Approved" ? "approved" : "denied", reason }), 1)
  }
  return result.verdict
})

/**
 * The ledger check at process start-up, on the supervision tree as `ledger` (what `arbees
 * diagnostics` prints): `running` with the check's figures, or `halted` when balance ≠ Σ ledger.
 * The risk singleton repeats the check whenever it starts and refuses every trade on a failure.
 *
 * @category layers
 */
export const startupLedgerCheck = Layer.effectDiscard(Effect.gen(function*() {
  const { config } = yield* AppConfig
  const diagnostics = yield* Diagnostics
  const report = yield* diagnostics.register({ id: "ledger", kind: "service", parent: "runner" })
  yield* openAccount(config.bankroll.account, config.bankroll.initial).pipe(Effect.orDie)
  const check = yield* ledgerCheck(config.bankroll.account).pipe(Effect.orDie)
  report.details["ledgerCheck"] = check
  report.status = check.ok ? "running" : "halted"
  if (!check.ok) yield* Effect.logError("bankroll ledger check failed at start-up: trading refused").pipe(Effect.annotateLogs({ ...check }))
}))

/** @category layers */
export const entityLayer = Risk.toLayer(
  Effect.gen(function*() {
    const { config } = yield* AppConfig
    const diagnostics = yield* Diagnostics
    const report = yield* diagnostics.register({ id: "singleton:risk", kind: "singleton", parent: "runner" })
    // Risk reads the balance; make sure the account exists whichever actor starts first (a live
    // venue's account is opened by its start-up reconciliation, before any actor starts)
    yield* openAccount(config.bankroll.account, config.bankroll.initial).pipe(Effect.orDie)
    const books = accountBookOf(config)
    // The ledger check at start-up: a bankroll that disagrees with its ledger is never traded
    const checks = yield* Effect.forEach(accountsOf(books), (account) => ledgerCheck(account)).pipe(Effect.orDie)
    const check = { ok: checks.every((c) => c.ok) }
    report.details["ledgerCheck"] = checks.length === 1 ? checks[0] : checks
    for (const c of checks) if (!c.ok) yield* Effect.logError("bankroll ledger check failed: trading refused").pipe(Effect.annotateLogs({ ...c }))
    report.status = "running"
    yield* Effect.addFinalizer(() => Effect.sync(() => void (report.status = "passivated")))
    const limits = limitsFrom(config)
    return Risk.of({
      Check: Effect.fnUntraced(function*({ payload }) {
        report.lastMessageAt = yield* nowMillis
        const verdict = yield* decideAndRecord(books, payload, limits, check.ok)
        const tag = verdict._tag === "Approved" ? "approved" : "denied"
        report.details[tag] = (Number(report.details[tag] ?? 0)) + 1
        return verdict
      }, (effect, { payload }) => Effect.withSpan(effect, "Risk.check", { attributes: { signalId: payload.signal.signalId, gameId: payload.signal.gameId } }))
    })
  }),
  { maxIdleTime: "1 hour" }
)

/** The risk singleton, with the ledger check at start-up. @category layers */
export const layer = Layer.merge(entityLayer, startupLedgerCheck)
