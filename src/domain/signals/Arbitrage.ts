/**
 * Cross-venue arbitrage: two outcomes on different venues that together pay exactly $1 in every
 * result (home YES on Kalshi + away on Polymarket, ...) and together cost less than $1 after both
 * venues' fees, by at least the minimum profit per contract.
 *
 * Both legs are sized in equal contract counts (never equal dollars), whole contracts only, from
 * the top-of-book sizes. Stale books, missing asks and pairs whose settlement rules differ are
 * never arbitrage. All arithmetic is exact.
 *
 * @since 0.1.0
 */
import { orderFee } from "../fees/Fee.ts"
import * as Money from "../../schema/Money.ts"
import { isTradable, type Quote } from "./Quote.ts"
import { partitions } from "./Outcomes.ts"

/** @category models */
export interface ArbitrageLeg {
  readonly quote: Quote & { readonly ask: Money.Price }
  /** The fee for this leg's order of `quantity` */
  readonly fee: Money.Micros
}

/** @category models */
export interface Arbitrage {
  readonly legs: readonly [ArbitrageLeg, ArbitrageLeg]
  readonly quantity: Money.Qty
  /** Both legs' cost including fees */
  readonly cost: Money.Micros
  /** What the pair pays whatever the result: $1 per contract */
  readonly payout: Money.Micros
  readonly profit: Money.Micros
  readonly profitPerContract: Money.Micros
  /** Profit over cost */
  readonly edgeBps: Money.Bps
}

/** @category models */
export interface ArbitrageOptions {
  /** Soccer: the result space includes the draw */
  readonly withDraw: boolean
  readonly minProfitPerContract: Money.Micros
  /** Cap on the contracts considered (risk limits apply later, this bounds the fee calculation) */
  readonly maxQuantity: Money.Qty
  readonly now: number
  readonly maxAgeMillis: number
}

const wholeContracts = (q: number): Money.Qty => (Math.floor(q / Money.ONE) * Money.ONE) as Money.Qty

/**
 * The most profitable two-leg arbitrage among `quotes`, or `undefined`.
 *
 * @category detection
 */
export const findArbitrage = (quotes: ReadonlyArray<Quote>, options: ArbitrageOptions): Arbitrage | undefined => {
  const live = quotes.filter((q) => q.arbEligible && isTradable(q, options.now, options.maxAgeMillis)) as Array<Quote & { readonly ask: Money.Price }>
  let best: Arbitrage | undefined
  for (let i = 0; i < live.length; i++) {
    for (let j = i + 1; j < live.length; j++) {
      const a = live[i]!
      const b = live[j]!
      if (a.outcome.platform === b.outcome.platform) continue
      if (!partitions([a.meaning, b.meaning], options.withDraw)) continue
      // A cheap sum of asks is a necessary condition; skip the fee math when it already fails
      if (a.ask + b.ask >= Money.ONE) continue
      const quantity = wholeContracts(Math.min(a.askSize, b.askSize, options.maxQuantity))
      if (quantity === 0) continue
      const feeA = orderFee(a.fees, "taker", quantity, a.ask)
      const feeB = orderFee(b.fees, "taker", quantity, b.ask)
      const cost = Money.sum([Money.notional(a.ask, quantity, "ceil"), Money.notional(b.ask, quantity, "ceil"), feeA, feeB]) as Money.Micros
      const payout = Money.notional(Money.price(Money.ONE), quantity, "exact")
      const profit = Money.sub(payout, cost) as Money.Micros
      const profitPerContract = Money.mulDiv(profit, Money.ONE, quantity, "floor") as Money.Micros
      if (profitPerContract < options.minProfitPerContract) continue
      if (best === undefined || profit > best.profit) {
        best = {
          legs: [{ quote: a, fee: feeA }, { quote: b, fee: feeB }],
          quantity,
          cost,
          payout,
          profit,
          profitPerContract,
          edgeBps: Money.mulDiv(profit, 10_000, cost, "floor") as Money.Bps
        }
      }
    }
  }
  return best
}
