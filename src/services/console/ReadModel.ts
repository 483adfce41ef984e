/**
 * What the operator's console reads: games, prices, signals, orders, fills, positions, the
 * bankroll and its ledger, and P&L, straight from Postgres (the record), shaped for the API.
 *
 * Money leaves here as integer micro-dollars (`*Micros`), prices as micro-dollars per contract,
 * quantities as micro-contracts, exactly as stored; nothing is converted through a float.
 * Probabilities are the models' floats. Every list is bounded (`limit`, at most 1,000 rows).
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Schema } from "effect"
import { SqlClient, type Statement } from "effect/sql"
import { QueryFailed, StorageError } from "../../schema/errors/StorageError.ts"

/** Filters shared by the list reads. @category models */
export interface ListFilter {
  readonly gameId?: string | undefined
  readonly status?: string | undefined
  readonly kind?: string | undefined
  readonly reason?: string | undefined
  readonly limit?: number | undefined
}

const failed = (e: { readonly message: string }) => new StorageError({ reason: new QueryFailed({ message: e.message }) })
const bounded = (limit: number | undefined) => Math.max(1, Math.min(1_000, limit ?? 200))
const int = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v))
const intOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))
const millis = (v: unknown): number | null => (v === null || v === undefined ? null : v instanceof Date ? v.getTime() : Number(new Date(String(v))))

const Team = Schema.Struct({ name: Schema.String, abbreviation: Schema.String })

/** @category models */
export const GameRow = Schema.Struct({
  gameId: Schema.String,
  league: Schema.String,
  sport: Schema.String,
  home: Team,
  away: Team,
  startTime: Schema.NullOr(Schema.Finite),
  status: Schema.String,
  homeScore: Schema.NullOr(Schema.Finite),
  awayScore: Schema.NullOr(Schema.Finite),
  tradingHalted: Schema.Boolean,
  haltedReason: Schema.NullOr(Schema.String)
})
export type GameRow = typeof GameRow.Type

/** @category models */
export const GameStatePoint = Schema.Struct({
  observedAt: Schema.NullOr(Schema.Finite),
  status: Schema.String,
  period: Schema.Finite,
  secondsRemaining: Schema.NullOr(Schema.Finite),
  homeScore: Schema.Finite,
  awayScore: Schema.Finite,
  modelHome: Schema.NullOr(Schema.Finite),
  modelDraw: Schema.NullOr(Schema.Finite),
  espnHome: Schema.NullOr(Schema.Finite)
})
export type GameStatePoint = typeof GameStatePoint.Type

/** @category models */
export const PricePoint = Schema.Struct({
  platform: Schema.String,
  marketId: Schema.String,
  outcomeId: Schema.String,
  observedAt: Schema.NullOr(Schema.Finite),
  bidMicros: Schema.NullOr(Schema.Finite),
  askMicros: Schema.NullOr(Schema.Finite),
  bidSize: Schema.NullOr(Schema.Finite),
  askSize: Schema.NullOr(Schema.Finite)
})
export type PricePoint = typeof PricePoint.Type

/** @category models */
export const MappingRow = Schema.Struct({
  platform: Schema.String,
  marketId: Schema.String,
  outcomeId: Schema.String,
  meaning: Schema.String,
  method: Schema.String,
  confidence: Schema.Finite
})
export type MappingRow = typeof MappingRow.Type

/** @category models */
export const SignalRow = Schema.Struct({
  signalId: Schema.String,
  createdAt: Schema.NullOr(Schema.Finite),
  kind: Schema.String,
  gameId: Schema.String,
  edgePct: Schema.String,
  modelProb: Schema.NullOr(Schema.Finite),
  status: Schema.String,
  /** The strategy that proposed it */
  strategy: Schema.NullOr(Schema.String),
  /** The risk decision's stable code: `APPROVED`, or why not (`TRADING_HALTED`, `STALE_DATA`, ...) */
  reasonCode: Schema.NullOr(Schema.String),
  denialReason: Schema.NullOr(Schema.String),
  legs: Schema.Unknown
})
export type SignalRow = typeof SignalRow.Type

/** @category models */
export const OrderRow = Schema.Struct({
  clientOrderId: Schema.String,
  venueOrderId: Schema.NullOr(Schema.String),
  platform: Schema.String,
  marketId: Schema.String,
  outcomeId: Schema.String,
  gameId: Schema.String,
  signalId: Schema.NullOr(Schema.String),
  action: Schema.String,
  timeInForce: Schema.String,
  limitPriceMicros: Schema.Finite,
  quantity: Schema.Finite,
  filledQuantity: Schema.Finite,
  status: Schema.String,
  paper: Schema.Boolean,
  lastError: Schema.NullOr(Schema.String),
  createdAt: Schema.NullOr(Schema.Finite),
  updatedAt: Schema.NullOr(Schema.Finite)
})
export type OrderRow = typeof OrderRow.Type

/** @category models */
export const FillRow = Schema.Struct({
  platform: Schema.String,
  fillId: Schema.String,
  clientOrderId: Schema.String,
  marketId: Schema.String,
  outcomeId: Schema.String,
  action: Schema.String,
  priceMicros: Schema.Finite,
  quantity: Schema.Finite,
  feeMicros: Schema.Finite,
  isTaker: Schema.Boolean,
  filledAt: Schema.NullOr(Schema.Finite)
})
export type FillRow = typeof FillRow.Type

/** @category models */
export const PositionRow = Schema.Struct({
  positionId: Schema.String,
  gameId: Schema.String,
  platform: Schema.String,
  marketId: Schema.String,
  outcomeId: Schema.String,
  quantity: Schema.Finite,
  costBasisMicros: Schema.Finite,
  realizedPnlMicros: Schema.Finite,
  feesPaidMicros: Schema.Finite,
  status: Schema.String,
  settlementPriceMicros: Schema.NullOr(Schema.Finite),
  openedAt: Schema.NullOr(Schema.Finite),
  closedAt: Schema.NullOr(Schema.Finite)
})
export type PositionRow = typeof PositionRow.Type

/** @category models */
export const BankrollView = Schema.Struct({
  account: Schema.String,
  balanceMicros: Schema.Finite,
  piggybankMicros: Schema.Finite,
  reservedMicros: Schema.Finite,
  peakMicros: Schema.Finite,
  /** Σ ledger per bucket; equal to the balances when the books are right */
  ledgerAvailableMicros: Schema.Finite,
  ledgerPiggybankMicros: Schema.Finite,
  ledgerBalanced: Schema.Boolean
})
export type BankrollView = typeof BankrollView.Type

/** @category models */
export const LedgerRow = Schema.Struct({
  entryId: Schema.Finite,
  account: Schema.String,
  bucket: Schema.String,
  kind: Schema.String,
  amountMicros: Schema.Finite,
  reference: Schema.String,
  createdAt: Schema.NullOr(Schema.Finite)
})
export type LedgerRow = typeof LedgerRow.Type

/** Realised P&L in one group (a day, a sport, a venue). @category models */
export const PnlRow = Schema.Struct({
  key: Schema.String,
  realizedPnlMicros: Schema.Finite,
  feesMicros: Schema.Finite,
  positions: Schema.Finite
})
export type PnlRow = typeof PnlRow.Type

/** @category models */
export const PnlGrouping = Schema.Literals(["day", "sport", "venue"])
export type PnlGrouping = typeof PnlGrouping.Type

/** A game in play, as `arbees status` shows it: the latest clock and model, the latest prices. @category models */
export const LiveGame = Schema.Struct({
  game: GameRow,
  period: Schema.NullOr(Schema.Finite),
  /** Seconds left in the period */
  secondsRemaining: Schema.NullOr(Schema.Finite),
  modelHome: Schema.NullOr(Schema.Finite),
  modelDraw: Schema.NullOr(Schema.Finite),
  /** Where the model's prior came from (moneyline, spread, market, elo, rating, none); null on rows recorded before it was */
  modelPrior: Schema.NullOr(Schema.String),
  /** The newest price of each mapped outcome */
  prices: Schema.Array(PricePoint)
})
export type LiveGame = typeof LiveGame.Type

/** Everything on one status screen except the trading state (the risk singleton owns that). @category models */
export const StatusView = Schema.Struct({
  games: Schema.Array(LiveGame),
  openPositions: Schema.Array(PositionRow),
  /** Realised P&L of positions closed or settled since midnight UTC */
  today: PnlRow,
  bankroll: Schema.NullOr(BankrollView)
})
export type StatusView = typeof StatusView.Type

/** What the runtime has done so far, as the record holds it. @category models */
export const ActivityCounts = Schema.Struct({
  signals: Schema.Finite,
  approved: Schema.Finite,
  denied: Schema.Finite,
  orders: Schema.Finite,
  fills: Schema.Finite
})
export type ActivityCounts = typeof ActivityCounts.Type

/** @category services */
export class ReadModel extends Context.Service<ReadModel, {
  readonly games: (filter: ListFilter) => Effect.Effect<ReadonlyArray<GameRow>, StorageError>
  readonly game: (gameId: string) => Effect.Effect<GameRow | undefined, StorageError>
  readonly gameStates: (gameId: string, limit?: number) => Effect.Effect<ReadonlyArray<GameStatePoint>, StorageError>
  readonly prices: (gameId: string, limit?: number) => Effect.Effect<ReadonlyArray<PricePoint>, StorageError>
  readonly mappings: (gameId: string) => Effect.Effect<ReadonlyArray<MappingRow>, StorageError>
  readonly signals: (filter: ListFilter) => Effect.Effect<ReadonlyArray<SignalRow>, StorageError>
  readonly orders: (filter: ListFilter) => Effect.Effect<ReadonlyArray<OrderRow>, StorageError>
  readonly fills: (filter: ListFilter) => Effect.Effect<ReadonlyArray<FillRow>, StorageError>
  readonly positions: (filter: ListFilter) => Effect.Effect<ReadonlyArray<PositionRow>, StorageError>
  readonly bankroll: (account: string) => Effect.Effect<BankrollView | undefined, StorageError>
  /** Every account (the paper account and, in live mode, `live:<platform>`), by name */
  readonly accounts: Effect.Effect<ReadonlyArray<BankrollView>, StorageError>
  readonly ledger: (account: string, limit?: number) => Effect.Effect<ReadonlyArray<LedgerRow>, StorageError>
  readonly pnl: (by: PnlGrouping) => Effect.Effect<ReadonlyArray<PnlRow>, StorageError>
  /** The games in play (or starting within the hour), open positions and today's P&L, as of `now` */
  readonly status: (account: string, now: number) => Effect.Effect<StatusView, StorageError>
  /** Signals (approved, denied), orders and fills recorded so far */
  readonly counts: Effect.Effect<ActivityCounts, StorageError>
}>()("arbees/services/console/ReadModel") {
  static readonly layer: Layer.Layer<ReadModel, never, SqlClient.SqlClient> = Layer.effect(
    ReadModel,
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const query = <A>(run: Effect.Effect<ReadonlyArray<any>, { readonly message: string }>, map: (row: any) => A) =>
        run.pipe(Effect.map((rows) => rows.map(map)), Effect.mapError(failed))
      const where = (conditions: ReadonlyArray<Statement.Fragment | undefined>) => {
        const present = conditions.filter((c): c is Statement.Fragment => c !== undefined)
        return present.length === 0 ? sql`` : sql`WHERE ${sql.and(present)}`
      }

      const gameRow = (r: any): GameRow => ({
        gameId: r.game_id,
        league: r.league,
        sport: r.sport,
        home: { name: r.home_team, abbreviation: r.home_abbr },
        away: { name: r.away_team, abbreviation: r.away_abbr },
        startTime: millis(r.start_time),
        status: r.status,
        homeScore: intOrNull(r.home_score),
        awayScore: intOrNull(r.away_score),
        tradingHalted: r.trading_halted === true,
        haltedReason: r.halted_reason ?? null
      })
      const gameColumns = sql`game_id, league, sport, home_team, home_abbr, away_team, away_abbr, start_time, status, home_score, away_score,
                              trading_halted, halted_reason`

      const priceRow = (r: any): PricePoint => ({
        platform: r.platform,
        marketId: r.market_id,
        outcomeId: r.outcome_id,
        observedAt: millis(r.observed_at),
        bidMicros: intOrNull(r.bid_micros),
        askMicros: intOrNull(r.ask_micros),
        bidSize: intOrNull(r.bid_size),
        askSize: intOrNull(r.ask_size)
      })
      const positionRow = (r: any): PositionRow => ({
        positionId: r.position_id,
        gameId: r.game_id,
        platform: r.platform,
        marketId: r.market_id,
        outcomeId: r.outcome_id,
        quantity: int(r.quantity),
        costBasisMicros: int(r.cost_basis_micros),
        realizedPnlMicros: int(r.realized_pnl_micros),
        feesPaidMicros: int(r.fees_paid_micros),
        status: r.status,
        settlementPriceMicros: intOrNull(r.settlement_price_micros),
        openedAt: millis(r.opened_at),
        closedAt: millis(r.closed_at)
      })
      const positionColumns = sql`position_id, game_id, platform, market_id, outcome_id, quantity, cost_basis_micros, realized_pnl_micros, fees_paid_micros,
                                  status, settlement_price_micros, opened_at, closed_at`
      // One account, or (undefined) every account by name
      const bankrolls = (account: string | undefined) =>
        query(
          sql`SELECT b.account, b.balance_micros, b.piggybank_micros, b.reserved_micros, b.peak_micros,
                     COALESCE((SELECT sum(amount_micros) FROM bankroll_ledger l WHERE l.account = b.account AND l.bucket = 'available'), 0) AS ledger_available,
                     COALESCE((SELECT sum(amount_micros) FROM bankroll_ledger l WHERE l.account = b.account AND l.bucket = 'piggybank'), 0) AS ledger_piggybank
              FROM bankroll b ${account === undefined ? sql`` : sql`WHERE b.account = ${account}`} ORDER BY b.account`,
          (r): BankrollView => ({
            account: r.account,
            balanceMicros: int(r.balance_micros),
            piggybankMicros: int(r.piggybank_micros),
            reservedMicros: int(r.reserved_micros),
            peakMicros: int(r.peak_micros),
            ledgerAvailableMicros: int(r.ledger_available),
            ledgerPiggybankMicros: int(r.ledger_piggybank),
            ledgerBalanced: BigInt(r.ledger_available) === BigInt(r.balance_micros) && BigInt(r.ledger_piggybank) === BigInt(r.piggybank_micros)
          })
        )
      const bankroll = (account: string) => bankrolls(account).pipe(Effect.map((rows) => rows[0]))

      const status = (account: string, now: number) =>
        Effect.gen(function*() {
          const soon = new Date(now + 3_600_000).toISOString()
          const midnight = new Date(Math.floor(now / 86_400_000) * 86_400_000).toISOString()
          const games = yield* query(
            sql`SELECT ${gameColumns} FROM games
                WHERE status IN ('in_progress', 'halftime', 'end_period', 'delayed', 'suspended')
                   OR (status = 'scheduled' AND start_time <= ${soon}::timestamptz)
                ORDER BY start_time, game_id LIMIT 50`,
            gameRow
          )
          const ids = games.map((g) => g.gameId)
          const states = ids.length === 0 ? [] : yield* query(
            // The clock of the period (the row's seconds_remaining is the whole game's)
            sql`SELECT DISTINCT ON (game_id) game_id, period, state->>'periodSecondsRemaining' AS period_seconds, model_home_prob, model_draw_prob, model_prior_source
                FROM game_states WHERE ${sql.in("game_id", ids)} ORDER BY game_id, observed_at DESC`,
            (r) => ({
              gameId: String(r.game_id),
              period: int(r.period),
              secondsRemaining: r.period_seconds === null || r.period_seconds === undefined ? null : Number(r.period_seconds),
              modelHome: r.model_home_prob === null ? null : Number(r.model_home_prob),
              modelDraw: r.model_draw_prob === null ? null : Number(r.model_draw_prob),
              modelPrior: r.model_prior_source === null || r.model_prior_source === undefined ? null : String(r.model_prior_source)
            })
          )
          const prices = ids.length === 0 ? [] : yield* query(
            sql`SELECT DISTINCT ON (platform, market_id, outcome_id) game_id, platform, market_id, outcome_id, observed_at, bid_micros, ask_micros, bid_size, ask_size
                FROM market_prices WHERE ${sql.in("game_id", ids)} ORDER BY platform, market_id, outcome_id, observed_at DESC`,
            (r) => ({ gameId: String(r.game_id), price: priceRow(r) })
          )
          const openPositions = yield* query(sql`SELECT ${positionColumns} FROM positions WHERE status = 'open' ORDER BY opened_at, position_id`, positionRow)
          const [today] = yield* query(
            sql`SELECT sum(realized_pnl_micros) AS pnl, sum(fees_paid_micros) AS fees, count(*) AS n FROM positions
                WHERE status IN ('closed', 'settled') AND closed_at >= ${midnight}::timestamptz`,
            (r): PnlRow => ({ key: midnight.slice(0, 10), realizedPnlMicros: int(r.pnl ?? 0), feesMicros: int(r.fees ?? 0), positions: int(r.n) })
          )
          return {
            games: games.map((game): LiveGame => {
              const state = states.find((s) => s.gameId === game.gameId)
              return {
                game,
                period: state?.period ?? null,
                secondsRemaining: state?.secondsRemaining ?? null,
                modelHome: state?.modelHome ?? null,
                modelDraw: state?.modelDraw ?? null,
                modelPrior: state?.modelPrior ?? null,
                prices: prices.filter((p) => p.gameId === game.gameId).map((p) => p.price)
              }
            }),
            openPositions,
            today: today!,
            bankroll: (yield* bankroll(account)) ?? null
          } satisfies StatusView
        })

      return ReadModel.of({
        games: (f) =>
          query(
            sql`SELECT ${gameColumns} FROM games ${where([f.status === undefined ? undefined : sql`status = ${f.status}`])}
                ORDER BY start_time DESC, game_id LIMIT ${bounded(f.limit)}`,
            gameRow
          ),
        game: (gameId) =>
          query(sql`SELECT ${gameColumns} FROM games WHERE game_id = ${gameId}`, gameRow).pipe(Effect.map((rows) => rows[0])),
        gameStates: (gameId, limit) =>
          query(
            sql`SELECT * FROM (
                  SELECT observed_at, status, period, seconds_remaining, home_score, away_score, model_home_prob, model_draw_prob, espn_home_prob
                  FROM game_states WHERE game_id = ${gameId} ORDER BY observed_at DESC LIMIT ${bounded(limit)}
                ) s ORDER BY observed_at`,
            (r): GameStatePoint => ({
              observedAt: millis(r.observed_at),
              status: r.status,
              period: int(r.period),
              secondsRemaining: r.seconds_remaining === null ? null : Number(r.seconds_remaining),
              homeScore: int(r.home_score),
              awayScore: int(r.away_score),
              modelHome: r.model_home_prob === null ? null : Number(r.model_home_prob),
              modelDraw: r.model_draw_prob === null ? null : Number(r.model_draw_prob),
              espnHome: r.espn_home_prob === null ? null : Number(r.espn_home_prob)
            })
          ),
        prices: (gameId, limit) =>
          query(
            sql`SELECT * FROM (
                  SELECT platform, market_id, outcome_id, observed_at, bid_micros, ask_micros, bid_size, ask_size
                  FROM market_prices WHERE game_id = ${gameId} ORDER BY observed_at DESC LIMIT ${bounded(limit)}
                ) p ORDER BY observed_at`,
            priceRow
          ),
        mappings: (gameId) =>
          query(
            sql`SELECT platform, market_id, outcome_id, meaning, method, confidence FROM market_mappings
                WHERE game_id = ${gameId} AND active ORDER BY platform, market_id, outcome_id`,
            (r): MappingRow => ({
              platform: r.platform,
              marketId: r.market_id,
              outcomeId: r.outcome_id,
              meaning: r.meaning,
              method: r.method,
              confidence: Number(r.confidence)
            })
          ),
        signals: (f) =>
          query(
            sql`SELECT signal_id, created_at, kind, game_id, edge_pct::text AS edge_pct, model_prob, status, strategy, reason_code, denial_reason, legs FROM signals
                ${
              where([
                f.gameId === undefined ? undefined : sql`game_id = ${f.gameId}`,
                f.status === undefined ? undefined : sql`status = ${f.status}`,
                f.kind === undefined ? undefined : sql`kind = ${f.kind}`,
                f.reason === undefined ? undefined : sql`(reason_code = ${f.reason} OR denial_reason = ${f.reason})`
              ])
            }
                ORDER BY created_at DESC LIMIT ${bounded(f.limit)}`,
            (r): SignalRow => ({
              signalId: r.signal_id,
              createdAt: millis(r.created_at),
              kind: r.kind,
              gameId: r.game_id,
              edgePct: r.edge_pct,
              modelProb: r.model_prob === null ? null : Number(r.model_prob),
              status: r.status,
              strategy: r.strategy ?? null,
              reasonCode: r.reason_code ?? null,
              denialReason: r.denial_reason ?? null,
              legs: typeof r.legs === "string" ? JSON.parse(r.legs) : r.legs
            })
          ),
        orders: (f) =>
          query(
            sql`SELECT client_order_id, venue_order_id, platform, market_id, outcome_id, game_id, signal_id, action, time_in_force,
                       limit_price_micros, quantity, filled_quantity, status, paper, last_error, created_at, updated_at FROM orders
                ${
              where([
                f.gameId === undefined ? undefined : sql`game_id = ${f.gameId}`,
                f.status === undefined ? undefined : sql`status = ${f.status}`
              ])
            }
                ORDER BY created_at DESC, client_order_id LIMIT ${bounded(f.limit)}`,
            (r): OrderRow => ({
              clientOrderId: r.client_order_id,
              venueOrderId: r.venue_order_id ?? null,
              platform: r.platform,
              marketId: r.market_id,
              outcomeId: r.outcome_id,
              gameId: r.game_id,
              signalId: r.signal_id ?? null,
              action: r.action,
              timeInForce: r.time_in_force,
              limitPriceMicros: int(r.limit_price_micros),
              quantity: int(r.quantity),
              filledQuantity: int(r.filled_quantity),
              status: r.status,
              paper: r.paper === true,
              lastError: r.last_error ?? null,
              createdAt: millis(r.created_at),
              updatedAt: millis(r.updated_at)
            })
          ),
        fills: (f) =>
          query(
            sql`SELECT f.platform, f.fill_id, f.client_order_id, f.market_id, f.outcome_id, f.action, f.price_micros, f.quantity, f.fee_micros,
                       f.is_taker, f.filled_at
                FROM fills f JOIN orders o ON o.client_order_id = f.client_order_id
                ${where([f.gameId === undefined ? undefined : sql`o.game_id = ${f.gameId}`])}
                ORDER BY f.filled_at DESC, f.id DESC LIMIT ${bounded(f.limit)}`,
            (r): FillRow => ({
              platform: r.platform,
              fillId: r.fill_id,
              clientOrderId: r.client_order_id,
              marketId: r.market_id,
              outcomeId: r.outcome_id,
              action: r.action,
              priceMicros: int(r.price_micros),
              quantity: int(r.quantity),
              feeMicros: int(r.fee_micros),
              isTaker: r.is_taker === true,
              filledAt: millis(r.filled_at)
            })
          ),
        positions: (f) =>
          query(
            sql`SELECT ${positionColumns} FROM positions
                ${
              where([
                f.gameId === undefined ? undefined : sql`game_id = ${f.gameId}`,
                f.status === undefined ? undefined : sql`status = ${f.status}`
              ])
            }
                ORDER BY opened_at DESC, position_id LIMIT ${bounded(f.limit)}`,
            positionRow
          ),
        bankroll: (account) => bankroll(account),
        accounts: bankrolls(undefined),
        ledger: (account, limit) =>
          query(
            sql`SELECT entry_id, account, bucket, kind, amount_micros, reference, created_at FROM bankroll_ledger
                WHERE account = ${account} ORDER BY entry_id DESC LIMIT ${bounded(limit)}`,
            (r): LedgerRow => ({
              entryId: int(r.entry_id),
              account: r.account,
              bucket: r.bucket,
              kind: r.kind,
              amountMicros: int(r.amount_micros),
              reference: r.reference,
              createdAt: millis(r.created_at)
            })
          ),
        status,
        counts: query(
          sql`SELECT (SELECT count(*) FROM signals) AS signals, (SELECT count(*) FROM signals WHERE status <> 'denied') AS approved,
                     (SELECT count(*) FROM signals WHERE status = 'denied') AS denied,
                     (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM fills) AS fills`,
          (r): ActivityCounts => ({ signals: int(r.signals), approved: int(r.approved), denied: int(r.denied), orders: int(r.orders), fills: int(r.fills) })
        ).pipe(Effect.map((rows) => rows[0]!)),
        pnl: (by) => {
          const key = by === "day"
            ? sql`to_char(COALESCE(p.closed_at, p.opened_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`
            : by === "sport"
            ? sql`g.sport`
            : sql`p.platform`
          return query(
            sql`SELECT ${key} AS key, sum(p.realized_pnl_micros) AS pnl, sum(p.fees_paid_micros) AS fees, count(*) AS n
                FROM positions p JOIN games g ON g.game_id = p.game_id
                WHERE p.status IN ('closed', 'settled') GROUP BY 1 ORDER BY 1`,
            (r): PnlRow => ({ key: String(r.key), realizedPnlMicros: int(r.pnl), feesMicros: int(r.fees), positions: int(r.n) })
          )
        }
      })
    })
  )
}
