/**
 * Outcome books for the strategy tests: one outcome of a Polymarket game market, 500 contracts at
 * the ask and at the bid, with the venue's sports taker fee and rules.
 */
import { polymarketFeeSchedule, type PolymarketFeeSchedule } from "../../../src/domain/fees/PolymarketFees.ts"
import { polymarketRules } from "../../../src/domain/risk/Sizing.ts"
import type { OutcomeBook } from "../../../src/domain/strategy/Strategy.ts"
import type { MarketId, OutcomeId } from "../../../src/schema/Ids.ts"
import type { OutcomeMeaning } from "../../../src/schema/Market.ts"
import * as Money from "../../../src/schema/Money.ts"

/** The `meaning` outcome's book (outcome "111" for home, "222" otherwise) at `ask` / `bid` dollars, as of `asOf`. */
export const polymarketBook = (meaning: OutcomeMeaning, ask: string, bid: string, asOf: number): OutcomeBook => ({
  outcome: { platform: "polymarket", marketId: "0xgame" as MarketId, outcomeId: (meaning === "home_win" ? "111" : "222") as OutcomeId },
  meaning,
  fees: polymarketFeeSchedule({ rate: 30_000, exponent: 1 }) as PolymarketFeeSchedule,
  venue: polymarketRules(),
  arbEligible: false,
  asks: [{ price: Money.priceOf(ask), size: Money.qtyOf("500") }],
  bids: [{ price: Money.priceOf(bid), size: Money.qtyOf("500") }],
  asOf,
  live: true
})
