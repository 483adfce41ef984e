/**
 * The best ask of one mapped outcome, as the signal logic sees it: price, size, what the outcome
 * pays on, its fee schedule and how fresh the book is.
 *
 * @since 0.1.0
 */
import type { OutcomeMeaning, OutcomeRef } from "../../schema/Market.ts"
import type { Price, Qty } from "../../schema/Money.ts"
import type { FeeSchedule } from "../fees/Fee.ts"

/** @category models */
export interface Quote {
  readonly outcome: OutcomeRef
  readonly meaning: OutcomeMeaning
  /** Best ask in the outcome's own price; undefined when nobody sells */
  readonly ask: Price | undefined
  readonly askSize: Qty
  readonly fees: FeeSchedule
  /** When the book was last updated (epoch ms) */
  readonly asOf: number
  /** The outcome's settlement rules match the other venue's (void, overtime, draw): arbitrage allowed */
  readonly arbEligible: boolean
}

/** Whether a quote can be acted on at `now`. @category predicates */
export const isTradable = (q: Quote, now: number, maxAgeMillis: number): q is Quote & { readonly ask: Price } =>
  q.ask !== undefined && q.askSize > 0 && now - q.asOf <= maxAgeMillis
