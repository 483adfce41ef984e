/**
 * What a settled market pays each of its outcomes, from the venue's own result (never from ESPN
 * scores, which are only a provisional mark).
 *
 * - **Kalshi**: the market's `result` (`yes` / `no`) pays $1 to that side; a `settlement_value`
 *   (dollars, for YES) when the venue gives one is used as is, YES gets it and NO gets $1 − it
 *   (a 50/50 resolution is 0.50 each). A `void` market refunds at cost (`Void`).
 * - **Polymarket**: `market_resolved`'s `winning_asset_id` / the CLOB market's `winner` token pays
 *   $1, every other token $0; an explicit split (50/50) pays each token its share.
 * - A soccer draw is not special here: the tie market resolves YES (its draw token wins) and the
 *   two team markets resolve NO.
 *
 * What counts as a result (`kalshiResultOf`, `clobResultOf`, `resolvedResultOf`): only a market the
 * venue has settled — Kalshi `finalized`/`settled` with a `result`, a CLOB market with a `winner`
 * token (or, closed with no winner, token prices of exactly 0, ½ or 1 that add to $1: a split), a
 * `market_resolved` naming its winning asset. Anything else (open, closed awaiting the result,
 * `determined`, disputed) is no result yet; ESPN's final score never is one.
 *
 * @since 0.1.0
 */
import type { GameState } from "../../schema/GameState.ts"
import { complement, ONE, type Price } from "../../schema/Money.ts"
import { hasDraw } from "../../schema/Sport.ts"

/** A venue's result for one market. @category models */
export type MarketResult =
  /** Kalshi: which side won, or the YES settlement value */
  | { readonly _tag: "KalshiResult"; readonly result: "yes" | "no" }
  | { readonly _tag: "KalshiValue"; readonly yesValue: Price }
  /** Polymarket: the winning token */
  | { readonly _tag: "Winner"; readonly outcomeId: string }
  /** Polymarket: each token's payout (a 50/50 resolution) */
  | { readonly _tag: "Split"; readonly payouts: Readonly<Record<string, Price>> }
  /** The market was voided or cancelled: positions are refunded at cost */
  | { readonly _tag: "Void" }

/** What one outcome receives: a price per contract, or a refund at cost. @category models */
export type Payout = { readonly _tag: "Price"; readonly price: Price } | { readonly _tag: "Refund" }

/**
 * The payout of `outcomeId` under `result`.
 *
 * @category settlement
 */
export const payoutOf = (result: MarketResult, outcomeId: string): Payout => {
  switch (result._tag) {
    case "KalshiResult":
      return { _tag: "Price", price: (outcomeId === result.result ? ONE : 0) as Price }
    case "KalshiValue":
      return { _tag: "Price", price: outcomeId === "yes" ? result.yesValue : complement(result.yesValue) }
    case "Winner":
      return { _tag: "Price", price: (outcomeId === result.outcomeId ? ONE : 0) as Price }
    case "Split":
      return { _tag: "Price", price: result.payouts[outcomeId] ?? (0 as Price) }
    case "Void":
      return { _tag: "Refund" }
  }
}

/** Kalshi object statuses at which the result is paid. */
const KALSHI_PAID = new Set(["finalized", "settled"])

/**
 * A Kalshi market's result (`GET /markets/{ticker}`), or `undefined` while it is not settled.
 *
 * @category venue results
 */
export const kalshiResultOf = (market: {
  readonly status: string
  readonly result?: string | null | undefined
  readonly settlement_value_dollars?: Price | null | undefined
}): MarketResult | undefined => {
  const result = market.result ?? ""
  if (result === "void") return { _tag: "Void" }
  if (!KALSHI_PAID.has(market.status)) return undefined
  if (result === "yes" || result === "no") return { _tag: "KalshiResult", result }
  if (result === "scalar" && market.settlement_value_dollars != null) return { _tag: "KalshiValue", yesValue: market.settlement_value_dollars }
  return undefined
}

const HALF = (ONE / 2) as Price

/**
 * A CLOB market's result (`GET /markets/{condition_id}`), or `undefined` while it is not resolved.
 *
 * @category venue results
 */
export const clobResultOf = (market: {
  readonly closed?: boolean | undefined
  readonly tokens: ReadonlyArray<{ readonly token_id: string; readonly winner?: boolean | undefined; readonly price?: Price | undefined }>
}): MarketResult | undefined => {
  const winner = market.tokens.find((t) => t.winner === true)
  if (winner !== undefined) return { _tag: "Winner", outcomeId: winner.token_id }
  if (market.closed !== true || market.tokens.length === 0) return undefined
  const prices = market.tokens.map((t) => t.price)
  if (prices.some((p) => p === undefined || (p !== 0 && p !== HALF && p !== ONE))) return undefined
  if (prices.reduce<number>((n, p) => n + p!, 0) !== ONE) return undefined
  return { _tag: "Split", payouts: Object.fromEntries(market.tokens.map((t) => [t.token_id, t.price!])) }
}

/**
 * A `market_resolved` message's result, or `undefined` when it names no winner (the CLOB market
 * is then asked).
 *
 * @category venue results
 */
export const resolvedResultOf = (message: { readonly winning_asset_id?: string | null | undefined }): MarketResult | undefined =>
  message.winning_asset_id == null || message.winning_asset_id === "" ? undefined : { _tag: "Winner", outcomeId: message.winning_asset_id }

/**
 * The winner of a final game as the game-winner markets arbees trades settle it, for the
 * provisional mark: ESPN's winner, except that in a sport with draws those markets settle on
 * regulation (90 minutes plus stoppage; "to advance" markets are never matched), so a game that
 * went to extra time or a shootout is a draw whoever advanced. `undefined` until the game is final.
 *
 * @category provisional
 */
export const settlingWinner = (state: Pick<GameState, "sport" | "status" | "overtime" | "period" | "result">): "home" | "away" | "draw" | undefined => {
  if (state.status !== "final" || state.result === undefined) return undefined
  if (hasDraw(state.sport) && (state.overtime || state.period > 2)) return "draw"
  return state.result.winner
}

/**
 * ESPN's final as a **provisional mark** of an outcome (never a settlement): what it would pay if
 * the venue resolves as the score says. `undefined` for an outcome whose meaning the score does not
 * decide.
 *
 * @category provisional
 */
export const provisionalMark = (meaning: string, winner: "home" | "away" | "draw"): Price | undefined => {
  const pays = (won: boolean) => (won ? ONE : 0) as Price
  switch (meaning) {
    case "home_win":
      return pays(winner === "home")
    case "away_win":
      return pays(winner === "away")
    case "draw":
      return pays(winner === "draw")
    case "not_home_win":
      return pays(winner !== "home")
    case "not_away_win":
      return pays(winner !== "away")
    default:
      return undefined
  }
}
