/**
 * Branded identifiers. Each id is a string with a format check, so a Kalshi ticker can never be
 * passed where a Polymarket token id is expected, and no id can smuggle a path segment into a URL.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

const pattern = (regex: RegExp, expected: string) => Schema.isPattern(regex, { expected })

/** An ESPN event id (digits). @category schemas */
export const GameId = Schema.String.check(pattern(/^\d{1,20}$/, "an ESPN event id (digits)")).pipe(Schema.brand("GameId"))
export type GameId = typeof GameId.Type

/** An ESPN team id (digits). @category schemas */
export const TeamId = Schema.String.check(pattern(/^\d{1,12}$/, "an ESPN team id (digits)")).pipe(Schema.brand("TeamId"))
export type TeamId = typeof TeamId.Type

/** A Kalshi market, event or series ticker: upper-case letters, digits, `-`, `.` and `_`. @category schemas */
export const KalshiTicker = Schema.String.check(pattern(/^[A-Z0-9][A-Z0-9._-]{0,127}$/, "a Kalshi ticker")).pipe(
  Schema.brand("KalshiTicker")
)
export type KalshiTicker = typeof KalshiTicker.Type

/** A Polymarket condition id: `0x` and 64 hex digits. @category schemas */
export const ConditionId = Schema.String.check(pattern(/^0x[0-9a-fA-F]{64}$/, "a Polymarket condition id")).pipe(
  Schema.brand("ConditionId")
)
export type ConditionId = typeof ConditionId.Type

/** A Polymarket CLOB token id: a big decimal integer, kept as a string (it exceeds 2^53). @category schemas */
export const TokenId = Schema.String.check(pattern(/^\d{1,80}$/, "a Polymarket token id (decimal digits)")).pipe(
  Schema.brand("TokenId")
)
export type TokenId = typeof TokenId.Type

/**
 * A venue market id: a Kalshi market ticker or a Polymarket condition id.
 *
 * @category schemas
 */
export const MarketId = Schema.String.check(pattern(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "a market id")).pipe(
  Schema.brand("MarketId")
)
export type MarketId = typeof MarketId.Type

/**
 * One outcome of a venue market: `"yes"` / `"no"` on Kalshi, a token id on Polymarket.
 *
 * @category schemas
 */
export const OutcomeId = Schema.String.check(pattern(/^(yes|no|\d{1,80})$/, "an outcome id (yes, no or a token id)")).pipe(
  Schema.brand("OutcomeId")
)
export type OutcomeId = typeof OutcomeId.Type

/**
 * Our idempotency key for an order. Kalshi allows up to 64 chars of `[-\w:+=/]`; we stay inside
 * the intersection of what both venues accept.
 *
 * @category schemas
 */
export const ClientOrderId = Schema.String.check(pattern(/^[A-Za-z0-9:_-]{8,64}$/, "a client order id")).pipe(
  Schema.brand("ClientOrderId")
)
export type ClientOrderId = typeof ClientOrderId.Type

/** A venue-assigned order id. @category schemas */
export const VenueOrderId = Schema.NonEmptyString.check(Schema.isMaxLength(128)).pipe(Schema.brand("VenueOrderId"))
export type VenueOrderId = typeof VenueOrderId.Type

/** A venue fill or trade id (or a deterministic synthetic one). @category schemas */
export const FillId = Schema.NonEmptyString.check(Schema.isMaxLength(160)).pipe(Schema.brand("FillId"))
export type FillId = typeof FillId.Type

/** A trading signal. @category schemas */
export const SignalId = Schema.NonEmptyString.check(Schema.isMaxLength(128)).pipe(Schema.brand("SignalId"))
export type SignalId = typeof SignalId.Type

/** A position. @category schemas */
export const PositionId = Schema.NonEmptyString.check(Schema.isMaxLength(128)).pipe(Schema.brand("PositionId"))
export type PositionId = typeof PositionId.Type

/** A bus event, unique so consumers can deduplicate at-least-once delivery. @category schemas */
export const EventId = Schema.NonEmptyString.check(Schema.isMaxLength(160)).pipe(Schema.brand("EventId"))
export type EventId = typeof EventId.Type
