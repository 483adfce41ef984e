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
 * @since 0.1.0
 */
import { complement, ONE, type Price } from "../../schema/Money.ts"

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
