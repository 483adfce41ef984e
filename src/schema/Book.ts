/**
 * Order-book values as they cross module boundaries. The books themselves live in the domain
 * layer; these are the levels and snapshots they publish.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { OutcomeRef } from "./Market.ts"
import { Price, Qty } from "./Money.ts"

/** One price level: the aggregate size resting at that price. @category schemas */
export const BookLevel = Schema.Struct({ price: Price, size: Qty })
export type BookLevel = typeof BookLevel.Type

/**
 * Best bid and best ask of one outcome, with their sizes, as of `asOf` (epoch ms of the last
 * update applied) in book `epoch` (bumped on every resync, so a consumer can tell a fresh book
 * from a patched one).
 *
 * @category schemas
 */
export const TopOfBook = Schema.Struct({
  outcome: OutcomeRef,
  bid: Schema.optionalKey(BookLevel),
  ask: Schema.optionalKey(BookLevel),
  asOf: Schema.Int,
  epoch: Schema.Int
})
export type TopOfBook = typeof TopOfBook.Type
