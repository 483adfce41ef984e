/**
 * Venue markets and their outcomes, and the reference to "which outcome a position holds".
 *
 * A Kalshi market has two outcomes, `yes` and `no`, in one order book (bids only on each side).
 * A Polymarket market (a condition) has one token per outcome, each with its own book. Either way,
 * an {@link OutcomeRef} names exactly one tradeable outcome, and every price attached to it is that
 * outcome's own price.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { GameId, MarketId, OutcomeId } from "./Ids.ts"
import { Price } from "./Money.ts"
import { Platform } from "./Platform.ts"

/** @category schemas */
export const OutcomeRef = Schema.Struct({
  platform: Platform,
  marketId: MarketId,
  outcomeId: OutcomeId
})
export type OutcomeRef = typeof OutcomeRef.Type

/** A map key for an outcome. @category keys */
export const outcomeKey = (o: OutcomeRef): string => `${o.platform}|${o.marketId}|${o.outcomeId}`

/** What an outcome means for the game it is mapped to. @category schemas */
export const OutcomeMeaning = Schema.Literals(["home_win", "away_win", "draw", "not_home_win", "not_away_win", "other"])
export type OutcomeMeaning = typeof OutcomeMeaning.Type

/** @category schemas */
export const MarketOutcome = Schema.Struct({
  outcomeId: OutcomeId,
  /** The venue's label ("Yes", "Lakers", "Draw") */
  label: Schema.String
})
export type MarketOutcome = typeof MarketOutcome.Type

/** @category schemas */
export const MarketStatus = Schema.Literals(["unopened", "open", "paused", "closed", "settled"])
export type MarketStatus = typeof MarketStatus.Type

/** @category schemas */
export const MarketKind = Schema.Literals(["moneyline", "spread", "total", "other"])
export type MarketKind = typeof MarketKind.Type

/** @category schemas */
export const Market = Schema.Struct({
  platform: Platform,
  marketId: MarketId,
  /** Kalshi event ticker or Polymarket event slug/id */
  eventId: Schema.optionalKey(Schema.String),
  title: Schema.String,
  kind: MarketKind,
  status: MarketStatus,
  outcomes: Schema.Array(MarketOutcome),
  /** Epoch ms when trading closes, if known */
  closeTime: Schema.optionalKey(Schema.Int),
  /** The minimum price increment */
  tickSize: Schema.optionalKey(Price),
  /** Polymarket negRisk events carry an implicit "Other" outcome */
  negRisk: Schema.optionalKey(Schema.Boolean)
})
export type Market = typeof Market.Type

/** A game's market outcome and what it means for the game. @category schemas */
export const MappedOutcome = Schema.Struct({
  gameId: GameId,
  outcome: OutcomeRef,
  meaning: OutcomeMeaning
})
export type MappedOutcome = typeof MappedOutcome.Type

/** The outcome reached at settlement, from the venue (never from ESPN scores). @category schemas */
export const Settlement = Schema.Struct({
  outcome: OutcomeRef,
  /** $1 for the winner, $0 for the loser, a fair price on a void where the venue says so */
  payout: Price,
  settledAt: Schema.Int
})
export type Settlement = typeof Settlement.Type
