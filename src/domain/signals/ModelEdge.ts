/**
 * Model edge: buying an outcome the model prices above its ask plus fees, by at least the minimum
 * edge in probability points.
 *
 * The model's float probability crosses into money once, through `Probability.priceFromProbability`
 * (rounded down: the fair price we would pay at most). Edges need a pre-game prior (a model
 * without team strength is not traded) and respect the buy-price bounds.
 *
 * @since 0.1.0
 */
import { orderFee } from "../fees/Fee.ts"
import * as Money from "../../schema/Money.ts"
import { priceFromProbability, probability } from "../../schema/Probability.ts"
import { probabilityOf } from "./Outcomes.ts"
import { isTradable, type Quote } from "./Quote.ts"

/** @category models */
export interface ModelProbabilities {
  readonly home: number
  readonly draw: number
  readonly away: number
  /** Whether the model had a pre-game prior */
  readonly hasPrior: boolean
}

/** @category models */
export interface ModelEdge {
  readonly quote: Quote & { readonly ask: Money.Price }
  readonly probability: number
  /** The model's fair price, rounded down */
  readonly fair: Money.Price
  /** Ask plus the fee per contract at `quantity` */
  readonly costPerContract: Money.Micros
  readonly quantity: Money.Qty
  /** fair − cost, in basis points of $1 (1 bps = one hundredth of a cent) */
  readonly edgeBps: Money.Bps
}

/** @category models */
export interface ModelEdgeOptions {
  readonly minEdge: Money.Bps
  readonly minPrice: Money.Price
  readonly maxPrice: Money.Price
  readonly maxQuantity: Money.Qty
  readonly now: number
  readonly maxAgeMillis: number
  readonly requirePrior: boolean
}

/**
 * Every quote whose edge clears the threshold, best first.
 *
 * @category detection
 */
export const findModelEdges = (quotes: ReadonlyArray<Quote>, model: ModelProbabilities, options: ModelEdgeOptions): Array<ModelEdge> => {
  if (options.requirePrior && !model.hasPrior) return []
  const edges: Array<ModelEdge> = []
  for (const quote of quotes) {
    if (!isTradable(quote, options.now, options.maxAgeMillis)) continue
    if (quote.ask < options.minPrice || quote.ask > options.maxPrice) continue
    const p = probabilityOf(quote.meaning, model)
    if (p === undefined || !(p >= 0 && p <= 1)) continue
    const fair = priceFromProbability(probability(p), "floor")
    if (fair <= quote.ask) continue
    const quantity = Math.max(Money.ONE, Math.floor(Math.min(quote.askSize, options.maxQuantity) / Money.ONE) * Money.ONE) as Money.Qty
    const fee = orderFee(quote.fees, "taker", quantity, quote.ask)
    const costPerContract = (quote.ask + Money.mulDiv(fee, Money.ONE, quantity, "ceil")) as Money.Micros
    const edge = fair - costPerContract
    const edgeBps = Math.floor(edge / 100) as Money.Bps
    if (edgeBps < options.minEdge) continue
    edges.push({ quote, probability: p, fair, costPerContract, quantity, edgeBps })
  }
  return edges.sort((x, y) => y.edgeBps - x.edgeBps)
}
