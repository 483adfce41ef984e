/**
 * The one interface every trading strategy implements, and the intents strategies propose.
 *
 * A strategy is pure: given the game's state, the model's view and the books (depth, not only the
 * top), it proposes intents: legs to buy or sell, each with a limit price, a threshold the intent
 * must still clear at its final size, an optional desired size, and its reasons in words. It never
 * sizes against the account or reads a clock: the game actor runs it, and the risk singleton sizes
 * and decides (`src/domain/risk/Sizing.ts`, `Rules.ts`). Strategies that need memory (the lagging
 * market remembers the play that moved the model) thread their own state through `evaluate`.
 *
 * Shape anchored on flumine's `BaseStrategy` (check_market → process_market_book) and
 * NautilusTrader's `Strategy` (on_start / on_quote, parameters from a typed config).
 *
 * A user strategy is one file exporting a {@link StrategyDefinition}; register it in the
 * `Strategies` registry and enable it by name (`strategies.enabled`), its parameters under
 * `strategies.params.<name>`, decoded by its own Schema at start-up.
 *
 * @since 0.1.0
 */
import type { Schema } from "effect"
import type { FeeSchedule } from "../fees/Fee.ts"
import type { Threshold, VenueRules } from "../risk/Sizing.ts"
import type { BookLevel } from "../../schema/Book.ts"
import type { GameState } from "../../schema/GameState.ts"
import type { OutcomeMeaning, OutcomeRef } from "../../schema/Market.ts"
import type { Price, Qty } from "../../schema/Money.ts"

/** One tracked outcome's book as a strategy sees it. @category models */
export interface OutcomeBook {
  readonly outcome: OutcomeRef
  readonly meaning: OutcomeMeaning
  readonly fees: FeeSchedule
  readonly venue: VenueRules
  /** Settlement rules match the other venue's: usable for arbitrage */
  readonly arbEligible: boolean
  /** Asks, best first (empty when the book is not live) */
  readonly asks: ReadonlyArray<BookLevel>
  /** Bids, best first */
  readonly bids: ReadonlyArray<BookLevel>
  /** When the book was last known correct (the feed's liveness, not the last top change) */
  readonly asOf: number
  readonly live: boolean
}

/** The model's view. Probabilities are floats inside the model; they become prices in sizing. @category models */
export interface ModelSnapshot {
  readonly home: number
  readonly draw: number
  readonly away: number
  readonly hasPrior: boolean
  /** Where the prior came from (`moneyline`, `spread`, `market`, `elo`, `rating`, `none`), when the caller knows */
  readonly priorSource?: string
  /** When the model was computed (epoch ms) */
  readonly at: number
}

/** What a strategy holds from its own earlier intents (the actor tracks approved entries). @category models */
export interface Holding {
  readonly outcome: OutcomeRef
  readonly quantity: Qty
  readonly entryPrice: Price
  readonly enteredAt: number
}

/** @category models */
export interface StrategyInput {
  readonly now: number
  readonly gameId: string
  readonly state: GameState
  /** When ESPN's content last changed (not merely when it was polled) */
  readonly stateChangedAt: number
  readonly model: ModelSnapshot | undefined
  readonly books: ReadonlyArray<OutcomeBook>
  readonly holdings: ReadonlyArray<Holding>
}

/** One leg of an intent. @category models */
export interface IntentLeg {
  readonly book: OutcomeBook
  readonly action: "buy" | "sell"
  /** Buy: the most it pays; sell: the least it accepts */
  readonly limit: Price
}

/** A proposal: risk sizes it and decides. @category models */
export interface Intent {
  readonly strategy: string
  /** An entry adds exposure; an exit only reduces it (allowed while REDUCING) */
  readonly purpose: "entry" | "exit"
  readonly legs: ReadonlyArray<IntentLeg>
  /** What it must still clear at its final size (entries) */
  readonly threshold: Threshold
  /** The strategy's own cap on the size; an exit's size */
  readonly desired?: Qty | undefined
  /** Why, in words, for the signal record */
  readonly reasons: ReadonlyArray<string>
  /** A key that debounces repeats of the same idea */
  readonly key: string
}

/** @category models */
export interface Evaluation<S> {
  readonly intents: ReadonlyArray<Intent>
  readonly state: S
}

/**
 * A strategy: a name, its parameters' Schema (decoded from `strategies.params.<name>`, `{}` when
 * absent, so give every field a default), its initial memory, and a pure evaluation.
 *
 * @category models
 */
export interface StrategyDefinition<P, S> {
  readonly name: string
  readonly description: string
  readonly params: Schema.Codec<P, unknown>
  readonly initial: S
  readonly evaluate: (params: P, input: StrategyInput, state: S) => Evaluation<S>
}

/** A definition whose parameter and memory types are erased, for registries. @category models */
// oxlint-disable-next-line no-explicit-any
export type AnyStrategy = StrategyDefinition<any, any>

/** Defines a strategy (an identity that keeps its types). @category constructors */
export const defineStrategy = <P, S>(definition: StrategyDefinition<P, S>): StrategyDefinition<P, S> => definition
