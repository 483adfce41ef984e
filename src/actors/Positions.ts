/**
 * What happens to positions after they open: exits in the held outcome's own price, and
 * settlement from the venue's own result. The upkeep singleton (`Execution.ts`) runs both for
 * every open position, whether or not a game actor still follows its game, so a position whose
 * actor is gone (or whose game ended) is never left behind: that is the orphan sweep.
 *
 * - **Exits** (`exits.*`): every `exits.checkInterval` each open position is marked on its own
 *   outcome's best bid and judged by `domain/execution/Exits.ts` (per-sport stop-loss, take-profit,
 *   hold-to-settlement, minimum hold, valid-book and spread rules). An exit is a sell IOC limited
 *   at the bid − `exits.slippageBuffer` and sized from the bids down to that limit. It passes the
 *   risk singleton as an `exit` signal (allowed while REDUCING; never more than is held), then is
 *   recorded and placed like any order (signal and client order id `x-<position>-<n>`, so a restart
 *   cannot send a second exit for the same attempt).
 * - **Settlement** applies a venue result (`domain/execution/Resolution.ts`) to every open position
 *   of the market: the payout posting, the realised P&L, the close record the risk rules read
 *   (daily P&L, cooldowns) and the piggybank share, in one transaction per position. Results come
 *   only from the venues (`services/venue/MarketResults.ts`): pushed (Polymarket
 *   `market_resolved`) or polled (`settleFromVenues`) for the markets of games that ended, or of
 *   positions older than {@link ORPHAN_AGE} whatever ESPN says. Until then, ESPN's final only marks
 *   a position provisionally (`provisionalMark`: $1 or $0 by the outcome's mapped meaning), and
 *   exits hold every position of a finished game.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Schema, Stream } from "effect"
import { SqlClient } from "effect/sql"
import { decideExit, type ExitDecision, type ExitRules } from "../domain/execution/Exits.ts"
import { averagePrice } from "../domain/execution/Position.ts"
import { type MarketResult, payoutOf, provisionalMark } from "../domain/execution/Resolution.ts"
import { kalshiRules, polymarketRules } from "../domain/risk/Sizing.ts"
import type { ClientOrderId, GameId, SignalId } from "../schema/Ids.ts"
import type { Bps, Price } from "../schema/Money.ts"
import type { Platform } from "../schema/Platform.ts"
import type { Sport } from "../schema/Sport.ts"
import { AppConfig } from "../services/config/AppConfig.ts"
import { nowMillis } from "../services/Time.ts"
import { MarketResults } from "../services/venue/MarketResults.ts"
import { PaperMarket } from "../services/venue/PaperVenue.ts"
import type { FeeTerms } from "./Game.ts"
import type { CheckRequest, Verdict } from "./Risk.ts"
import * as Trades from "./Trades.ts"

/** A position this old is swept for a venue result even if its game never reported its end. @category constants */
export const ORPHAN_AGE = Duration.hours(8)

/** The risk singleton's check, through which every exit passes. @category models */
export type RiskCheck<R = never> = (request: CheckRequest) => Effect.Effect<Verdict, unknown, R>

/** The exit rules of a sport, from `exits.*`. @category constructors */
export const exitRules = (config: AppConfig["Service"]["config"], sport: string | undefined): ExitRules => ({
  takeProfit: config.exits.takeProfit,
  stopLoss: config.exits.stopLoss[(sport ?? "nba") as Sport] ?? config.exits.stopLoss.nba,
  holdToSettleAbove: config.exits.holdToSettleAbove,
  minHoldMillis: Duration.toMillis(config.exits.minHold),
  requireValidBook: config.exits.requireValidBook,
  maxSpread: config.exits.maxSpread,
  // A ratio of a dollar: 0.005 → half a cent below the bid
  slippageBuffer: Math.round(config.exits.slippageBuffer * 100) as Price
})

/** One exit pass's decision per position (with risk's denial, when it refused the exit). @category models */
export interface ExitCheck {
  readonly positionId: string
  readonly decision: ExitDecision
  readonly clientOrderId?: string | undefined
  readonly denied?: string | undefined
}

/**
 * Judges every open position once; the exits due pass `check` (the risk singleton), then are
 * recorded and placed through `place`. A position an operator asked to close
 * (`position_close_requests`) is sold whatever the exit rules say, at the same price rule.
 *
 * @category operations
 */
export const checkExits = <R>(place: (clientOrderId: string) => Effect.Effect<void, unknown>, check: RiskCheck<R>) =>
  Effect.gen(function*() {
    const { config } = yield* AppConfig
    const market = yield* PaperMarket
    const sql = yield* SqlClient.SqlClient
    const now = yield* nowMillis
    const checks: Array<ExitCheck> = []
    const over = new Set((yield* sql<{ game_id: string }>`SELECT game_id FROM games WHERE status IN ('final', 'canceled', 'postponed')`).map((g) => g.game_id))
    for (const p of yield* Trades.openPositions()) {
      // An operator asked to close it (`POST /api/positions/{id}/close`)
      const [request] = yield* sql<{ id: string; reason: string; requested_by: string }>`
        SELECT id::text, reason, requested_by FROM position_close_requests WHERE position_id = ${p.positionId} AND handled_at IS NULL`
      // The game is over: held for the venue's result, unless an operator asks otherwise
      if (over.has(p.gameId) && request === undefined) {
        checks.push({ positionId: p.positionId, decision: { _tag: "Hold", reason: "game_over" } })
        continue
      }
      const entry = averagePrice(p.holding)
      // A leg of an arbitrage is held to settlement with its other leg (`Arbitrage.ts`), never exited alone
      if (entry === undefined || p.arbGroup !== undefined) continue
      // An exit already on its way: wait for it
      const [pending] = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM orders WHERE position_id = ${p.positionId} AND purpose = 'exit'
                                                   AND status IN ('pending_submit', 'acknowledged', 'partially_filled', 'unknown')`
      if ((pending?.n ?? 0) > 0) continue
      const book = yield* market.book(p.outcome)
      const top = { bid: book?.bids[0]?.price, ask: book?.asks[0]?.price, bids: book?.bids }
      const decision = decideExit({ quantity: p.holding.quantity, entryPrice: entry, openedAt: p.openedAt }, top, exitRules(config, p.sport), now, request !== undefined)
      if (decision.mark !== undefined) yield* Trades.markPosition(p.positionId, decision.mark)
      if (decision._tag === "Hold") {
        checks.push({ positionId: p.positionId, decision })
        continue
      }
      const [attempts] = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM signals WHERE signal_id LIKE ${`x-${p.positionId.slice(-40)}-%`}`
      const clientOrderId = `x-${p.positionId.slice(-40)}-${(attempts?.n ?? 0) + 1}`
      const fees = yield* market.fees(p.outcome)
      if (fees === undefined) {
        checks.push({ positionId: p.positionId, decision, denied: "no fee terms for the market" })
        continue
      }
      const verdict = yield* check({
        signal: {
          signalId: clientOrderId as SignalId,
          kind: "exit",
          gameId: p.gameId as GameId,
          legs: [{ outcome: p.outcome, action: "sell", limit: decision.limit, available: decision.quantity }],
          edgeBps: 0 as Bps,
          strategy: "exits",
          reasons: [
            `${decision.reason}: mark ${decision.mark / 1_000_000} vs entry ${entry / 1_000_000}`,
            ...(request === undefined ? [] : [`closed by ${request.requested_by}: ${request.reason}`])
          ],
          createdAt: now,
          expiresAt: now + Duration.toMillis(config.signals.expiry)
        },
        sport: p.sport ?? "unknown",
        purpose: "exit",
        legs: [{
          outcome: p.outcome,
          meaning: "other",
          action: "sell",
          limit: decision.limit,
          asks: book?.asks ?? [],
          fees: fees as FeeTerms,
          venue: p.outcome.platform === "kalshi" ? kalshiRules() : polymarketRules(),
          // The paper market hands out live books only: this one is as of now
          bookAsOf: now
        }],
        threshold: { _tag: "edge", probability: 0, minEdge: 0 as Bps, kelly: false },
        desired: decision.quantity,
        withDraw: false,
        gameStateChangedAt: now
      })
      if (verdict._tag === "Denied") {
        checks.push({ positionId: p.positionId, decision, clientOrderId, denied: `${verdict.denial.code}: ${verdict.denial.message}` })
        continue
      }
      const recorded = yield* Trades.recordOrder({
        clientOrderId: clientOrderId as ClientOrderId,
        signalId: clientOrderId as SignalId,
        gameId: p.gameId as GameId,
        outcome: p.outcome,
        action: "sell",
        limitPrice: decision.limit,
        quantity: verdict.quantity,
        timeInForce: "ioc",
        postOnly: false,
        purpose: "exit",
        positionId: p.positionId,
        paper: config.mode === "paper"
      })
      if (request !== undefined) {
        yield* sql`UPDATE position_close_requests SET handled_at = to_timestamp(${now / 1000}), client_order_id = ${clientOrderId} WHERE id = ${request.id}::bigint`
      }
      if (recorded) {
        yield* sql`UPDATE positions SET exit_reason = ${decision.reason} WHERE position_id = ${p.positionId}`
        yield* place(clientOrderId).pipe(Effect.catchCause((cause) => Effect.logError("exit not placed", cause)))
      }
      checks.push({ positionId: p.positionId, decision, clientOrderId })
    }
    return checks
  })

/**
 * Settles every open position of one market from the venue's result. Returns each position's
 * realised P&L.
 *
 * @category operations
 */
export const settleMarket = Effect.fn("Positions.settleMarket")(function*(books: Trades.Books, platform: Platform, marketId: string, result: MarketResult) {
  const settled: Array<{ readonly positionId: string; readonly realized: number }> = []
  for (const p of yield* Trades.openPositions({ platform, marketId })) {
    const realized = yield* Trades.settlePosition(books, p.positionId, payoutOf(result, p.outcome.outcomeId), `${platform}:${result._tag}`)
    if (realized !== undefined) settled.push({ positionId: p.positionId, realized })
  }
  return settled
})

/**
 * Asks the venues for the result of every market with an open position whose game has ended (or
 * that is older than {@link ORPHAN_AGE}), and settles those the venue has settled. A venue that
 * cannot be reached is asked again at the next pass. Returns the positions settled.
 *
 * @category operations
 */
export const settleFromVenues = Effect.fn("Positions.settleFromVenues")(function*(books: Trades.Books) {
  const results = yield* MarketResults
  const sql = yield* SqlClient.SqlClient
  const now = yield* nowMillis
  const markets = yield* sql<{ platform: Platform; market_id: string }>`
    SELECT DISTINCT p.platform, p.market_id FROM positions p LEFT JOIN games g ON g.game_id = p.game_id
     WHERE p.status = 'open'
       AND (g.status IN ('final', 'canceled', 'postponed') OR p.opened_at < to_timestamp(${(now - Duration.toMillis(ORPHAN_AGE)) / 1000}))
     ORDER BY 1, 2`.pipe(Effect.mapError(Trades.storage))
  const settled: Array<{ readonly positionId: string; readonly realized: number }> = []
  for (const m of markets) {
    const result = yield* results.poll(m.platform, m.market_id).pipe(
      Effect.catch((e) => Effect.as(Effect.logWarning("venue result not read; asking again later").pipe(Effect.annotateLogs({ platform: m.platform, market: m.market_id, reason: e.reason._tag })), undefined))
    )
    if (result !== undefined) settled.push(...(yield* settleMarket(books, m.platform, m.market_id, result)))
    else yield* markProvisionally(m.platform, m.market_id)
  }
  return settled
})

/**
 * Marks the open positions of a market whose game ESPN reports final at what the score says they
 * will pay (`provisionalMark`), until the venue's own result settles them.
 */
const markProvisionally = (platform: Platform, marketId: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ position_id: string; meaning: string; winner: "home" | "away" | "draw" }>`
      SELECT p.position_id, m.meaning, g.winner FROM positions p
        JOIN games g ON g.game_id = p.game_id
        JOIN market_mappings m ON m.game_id = p.game_id AND m.platform = p.platform AND m.market_id = p.market_id AND m.outcome_id = p.outcome_id AND m.active
       WHERE p.status = 'open' AND p.platform = ${platform} AND p.market_id = ${marketId} AND g.status = 'final' AND g.winner IS NOT NULL`
    for (const r of rows) {
      const mark = provisionalMark(r.meaning, r.winner)
      if (mark !== undefined) yield* Trades.markPosition(r.position_id, mark)
    }
  }).pipe(Effect.mapError(Trades.storage))

/**
 * Whether a game still holds anything: an open position or an order whose fate is open. A finished
 * game is released once it holds nothing.
 *
 * @category queries
 */
export const holdsAnything = (gameId: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const [row] = yield* sql<{ n: number }>`
      SELECT (SELECT count(*) FROM positions WHERE game_id = ${gameId} AND status = 'open')::int
           + (SELECT count(*) FROM orders WHERE game_id = ${gameId} AND status IN ('pending_submit', 'acknowledged', 'partially_filled', 'unknown'))::int AS n`
    return (row?.n ?? 0) > 0
  }).pipe(Effect.mapError(Trades.storage))

/**
 * Applies every result the venues push (Polymarket `market_resolved`) as it arrives, for as long
 * as it runs.
 *
 * @category operations
 */
export const applyAnnounced = (books: Trades.Books) =>
  Effect.flatMap(MarketResults, (results) =>
    results.announced.pipe(
      Stream.runForEach((a) =>
        settleMarket(books, a.platform, a.marketId, a.result).pipe(
          Effect.tap((settled) => Effect.logInfo("settled from the venue's announcement").pipe(Effect.annotateLogs({ platform: a.platform, market: a.marketId, positions: settled.length }))),
          Effect.catchCause((cause) => Effect.logError("announced result not applied", cause))
        )
      )
    ))

/** @category errors */
export class CloseRefused extends Schema.TaggedError<CloseRefused>()("CloseRefused", {
  reason: Schema.Literals(["not_open", "arbitrage_leg"]),
  message: Schema.String
}) {}

/**
 * An operator's request to close a position: recorded with who and why, and carried out by the
 * upkeep singleton's next exit pass ({@link checkExits}) through the risk singleton like any exit.
 * Asking twice while a request is open is the same request. A leg of an arbitrage is refused: it is
 * held to settlement with its other leg.
 *
 * @category operations
 */
export const requestPositionClose = Effect.fn("Positions.requestClose")(function*(positionId: string, reason: string, requestedBy: string) {
  const sql = yield* SqlClient.SqlClient
  const [position] = yield* sql<{ status: string; arb_group: string | null }>`SELECT status, arb_group FROM positions WHERE position_id = ${positionId}`
  if (position === undefined || position.status !== "open") {
    return yield* new CloseRefused({ reason: "not_open", message: `no open position ${positionId}` })
  }
  if (position.arb_group !== null) {
    return yield* new CloseRefused({ reason: "arbitrage_leg", message: `position ${positionId} is a leg of arbitrage ${position.arb_group}: it is held to settlement with its other leg` })
  }
  const at = yield* nowMillis
  yield* sql`INSERT INTO position_close_requests (position_id, reason, requested_by, requested_at)
             VALUES (${positionId}, ${reason}, ${requestedBy}, to_timestamp(${at / 1000}))
             ON CONFLICT (position_id) WHERE handled_at IS NULL DO NOTHING`
  return { positionId, reason, requestedBy, requestedAt: at }
})
