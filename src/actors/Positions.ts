/**
 * What happens to positions after they open: exits in the held outcome's own price, and
 * settlement from the venue's own result.
 *
 * - **Exits** (`exits.*`): every `exits.checkInterval` each open position is marked on its own
 *   outcome's best bid and judged by `domain/execution/Exits.ts` (per-sport stop-loss, take-profit,
 *   hold-to-settlement, minimum hold, valid-book and spread rules). An exit is a sell IOC of the
 *   open quantity limited at the bid − `exits.slippageBuffer`, recorded and placed like any order
 *   (client order id `x-<position>-<n>`, so a restart cannot send a second exit for the same
 *   attempt).
 * - **Settlement** applies a venue result (`domain/execution/Resolution.ts`) to every open position
 *   of the market: the payout posting, the realised P&L, the close record the risk rules read
 *   (daily P&L, cooldowns) and the piggybank share, in one transaction per position.
 *
 * @since 0.1.0
 */
import { Duration, Effect } from "effect"
import { SqlClient } from "effect/sql"
import { decideExit, type ExitDecision, type ExitRules } from "../domain/execution/Exits.ts"
import { averagePrice } from "../domain/execution/Position.ts"
import { type MarketResult, payoutOf } from "../domain/execution/Resolution.ts"
import type { ClientOrderId, GameId } from "../schema/Ids.ts"
import type { Price } from "../schema/Money.ts"
import type { Platform } from "../schema/Platform.ts"
import type { Sport } from "../schema/Sport.ts"
import { AppConfig } from "../services/config/AppConfig.ts"
import { nowMillis } from "../services/Time.ts"
import { PaperMarket } from "../services/venue/PaperVenue.ts"
import * as Trades from "./Trades.ts"

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

/** One exit pass's decision per position. @category models */
export interface ExitCheck {
  readonly positionId: string
  readonly decision: ExitDecision
  readonly clientOrderId?: string | undefined
}

/**
 * Judges every open position once and records (and places, through `place`) the exits due.
 *
 * @category operations
 */
export const checkExits = (place: (clientOrderId: string) => Effect.Effect<void, unknown>) =>
  Effect.gen(function*() {
    const { config } = yield* AppConfig
    const market = yield* PaperMarket
    const sql = yield* SqlClient.SqlClient
    const now = yield* nowMillis
    const checks: Array<ExitCheck> = []
    for (const p of yield* Trades.openPositions()) {
      const entry = averagePrice(p.holding)
      // A leg of an arbitrage is held to settlement with its other leg (`Arbitrage.ts`), never exited alone
      if (entry === undefined || p.arbGroup !== undefined) continue
      // An exit already on its way: wait for it
      const [pending] = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM orders WHERE position_id = ${p.positionId} AND purpose = 'exit'
                                                   AND status IN ('pending_submit', 'acknowledged', 'partially_filled', 'unknown')`
      if ((pending?.n ?? 0) > 0) continue
      const book = yield* market.book(p.outcome)
      const top = { bid: book?.bids[0]?.price, ask: book?.asks[0]?.price }
      const decision = decideExit({ quantity: p.holding.quantity, entryPrice: entry, openedAt: p.openedAt }, top, exitRules(config, p.sport), now)
      if (decision.mark !== undefined) yield* Trades.markPosition(p.positionId, decision.mark)
      if (decision._tag === "Hold") {
        checks.push({ positionId: p.positionId, decision })
        continue
      }
      const [attempts] = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM orders WHERE position_id = ${p.positionId} AND purpose = 'exit'`
      const clientOrderId = `x-${p.positionId.slice(-40)}-${(attempts?.n ?? 0) + 1}`
      const recorded = yield* Trades.recordOrder({
        clientOrderId: clientOrderId as ClientOrderId,
        gameId: p.gameId as GameId,
        outcome: p.outcome,
        action: "sell",
        limitPrice: decision.limit,
        quantity: decision.quantity,
        timeInForce: "ioc",
        postOnly: false,
        purpose: "exit",
        positionId: p.positionId,
        paper: config.mode === "paper"
      })
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
