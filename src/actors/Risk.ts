/**
 * The risk actor: the singleton every signal passes before an order exists.
 *
 * A `Check` is a persisted message keyed by the signal id, so a redelivered or replayed check is
 * answered from storage and never decides twice. The actor reads the account's exposure from
 * Postgres (the source of truth: positions, open orders, the ledger, halted games) and applies the
 * pure gate in `src/domain/risk/RiskGate.ts`. Verdicts are answers, not failures: a denial carries
 * its stable code.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Schema } from "effect"
import { ClusterSchema, Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import { SqlClient } from "effect/sql"
import { decide, type Exposure, type Limits } from "../domain/risk/RiskGate.ts"
import { AppConfig, type Config } from "../services/config/AppConfig.ts"
import { Diagnostics } from "../services/Diagnostics.ts"
import { QueryFailed, StorageError } from "../schema/errors/StorageError.ts"
import { Micros, Price, Qty } from "../schema/Money.ts"
import { openAccount, readBalance } from "./Bankroll.ts"
import { nowMillis } from "../services/Time.ts"

/** @category schemas */
export const LegRequest = Schema.Struct({ limit: Price, costPerContract: Micros, available: Qty })

/** @category schemas */
export const CheckRequest = Schema.Struct({
  signalId: Schema.String,
  gameId: Schema.String,
  request: Schema.Union([
    Schema.Struct({ kind: Schema.Literal("cross_venue_arb"), legs: Schema.Array(LegRequest), bookAgeMillis: Schema.Finite }),
    Schema.Struct({
      kind: Schema.Literal("model_edge"),
      leg: LegRequest,
      probability: Schema.Finite,
      bookAgeMillis: Schema.Finite,
      gameStateAgeMillis: Schema.Finite
    })
  ])
})
export type CheckRequest = typeof CheckRequest.Type

/** @category schemas */
export const Verdict = Schema.Union([
  Schema.Struct({ _tag: Schema.Literal("Approved"), quantity: Qty }),
  Schema.Struct({ _tag: Schema.Literal("Denied"), denial: Schema.Struct({ code: Schema.String, message: Schema.String }) })
])
export type Verdict = typeof Verdict.Type

/** @category messages */
export const Check = Rpc.make("Check", {
  payload: CheckRequest.fields,
  success: Verdict,
  error: StorageError,
  primaryKey: (p) => p.signalId
}).annotate(ClusterSchema.Persisted, true)

/** @category entities */
export const Risk = Entity.make("Risk", [Check])

/** The one risk entity. @category constants */
export const RISK_ID = "global"

/** The gate's limits from the configuration. @category config */
export const limitsFrom = (config: Config): Limits => ({
  kellyFraction: config.risk.kellyFraction,
  maxPositionFraction: config.risk.maxPositionFraction,
  maxDailyLoss: config.risk.maxDailyLoss,
  maxGameExposure: config.risk.maxGameExposure,
  maxSportExposure: config.risk.maxSportExposure,
  maxTotalExposure: config.risk.maxTotalExposure,
  maxPositionsPerGame: config.risk.maxPositionsPerGame,
  maxBookShare: config.risk.maxBookShare,
  maxOrderNotional: config.execution.maxOrderNotional,
  maxOrderContracts: config.execution.maxOrderContracts,
  submitsPerMinute: config.execution.submitsPerMinute,
  submitsPerHour: config.execution.submitsPerHour,
  minLiquidity: config.risk.minLiquidity,
  maxBookAgeMillis: Duration.toMillis(config.staleness.book),
  maxGameStateAgeMillis: Duration.toMillis(config.staleness.gameState)
})

const OPEN_ORDER = ["pending_submit", "submitted", "unknown", "resting", "partially_filled"]
const DAY = 86_400_000

/**
 * The account's exposure around `gameId`, from Postgres.
 *
 * @category queries
 */
export const readExposure = Effect.fn("Risk.readExposure")(function*(account: string, gameId: string) {
  const sql = yield* SqlClient.SqlClient
  const now = yield* nowMillis
  const dayStart = (Math.floor(now / DAY) * DAY) / 1000
  const balance = yield* readBalance(account)
  const [row] = yield* sql<{
    game: string
    sport: string
    total: string
    positions: number
    pnl: string
    minute: number
    hour: number
    halted: boolean | null
  }>`
    WITH g AS (SELECT sport, trading_halted FROM games WHERE game_id = ${gameId}),
    at_risk AS (
      SELECT p.game_id, p.cost_basis_micros AS amount FROM positions p WHERE p.status = 'open'
      UNION ALL
      SELECT o.game_id, (o.limit_price_micros * (o.quantity - o.filled_quantity) / 1000000) AS amount
        FROM orders o WHERE o.status IN ${sql.in(OPEN_ORDER)} AND o.action = 'buy'
    )
    SELECT
      coalesce((SELECT sum(amount) FROM at_risk WHERE game_id = ${gameId}), 0)::text AS game,
      coalesce((SELECT sum(r.amount) FROM at_risk r JOIN games x ON x.game_id = r.game_id WHERE x.sport = (SELECT sport FROM g)), 0)::text AS sport,
      coalesce((SELECT sum(amount) FROM at_risk), 0)::text AS total,
      (SELECT count(*)::int FROM positions WHERE game_id = ${gameId} AND status = 'open') AS positions,
      coalesce((SELECT sum(realized_pnl_micros) FROM positions WHERE closed_at >= to_timestamp(${dayStart})), 0)::text AS pnl,
      (SELECT count(*)::int FROM orders WHERE created_at >= to_timestamp(${(now - 60_000) / 1000})) AS minute,
      (SELECT count(*)::int FROM orders WHERE created_at >= to_timestamp(${(now - 3_600_000) / 1000})) AS hour,
      (SELECT trading_halted FROM g) AS halted`
  return {
    bankroll: balance.balance,
    game: Number(row!.game) as Micros,
    sport: Number(row!.sport) as Micros,
    total: Number(row!.total) as Micros,
    openPositionsInGame: row!.positions,
    dailyPnl: Number(row!.pnl) as Micros,
    submitsLastMinute: row!.minute,
    submitsLastHour: row!.hour,
    gameHalted: row!.halted === true
  } satisfies Exposure
}, Effect.mapError((e) => (e instanceof StorageError ? e : new StorageError({ reason: new QueryFailed({ message: e.message }) }))))

/** @category layers */
export const layer = Risk.toLayer(
  Effect.gen(function*() {
    const { config } = yield* AppConfig
    const diagnostics = yield* Diagnostics
    const report = yield* diagnostics.register({ id: "singleton:risk", kind: "singleton", parent: "runner" })
    // Risk reads the balance; make sure the account exists whichever actor starts first
    yield* openAccount(config.bankroll.account, config.bankroll.initial).pipe(Effect.orDie)
    report.status = "running"
    yield* Effect.addFinalizer(() => Effect.sync(() => void (report.status = "passivated")))
    const limits = limitsFrom(config)
    return Risk.of({
      Check: Effect.fnUntraced(function*({ payload }) {
        report.lastMessageAt = yield* nowMillis
        const exposure = yield* readExposure(config.bankroll.account, payload.gameId)
        const verdict = decide(payload.request, exposure, limits)
        report.details["approved"] = (Number(report.details["approved"] ?? 0)) + (verdict._tag === "Approved" ? 1 : 0)
        report.details["denied"] = (Number(report.details["denied"] ?? 0)) + (verdict._tag === "Denied" ? 1 : 0)
        return verdict
      }, (effect, { payload }) => Effect.withSpan(effect, "Risk.check", { attributes: { signalId: payload.signalId, gameId: payload.gameId } }))
    })
  }),
  { maxIdleTime: "1 hour" }
)
