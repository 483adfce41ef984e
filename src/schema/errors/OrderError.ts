/**
 * Why an order did not go out (denied locally) and what the venue said when it did.
 *
 * Denial codes follow Nautilus's CATEGORY_CONDITION style; they are stable and shown on
 * dashboards. A venue outcome is either a proven rejection or unknown: an unknown order is still
 * in flight until reconciliation settles it.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Platform } from "../Platform.ts"
import { RateLimited, Unauthorized } from "./Reasons.ts"

/** @category errors */
export class TradingHalted extends Schema.TaggedError<TradingHalted>()("TradingHalted", {
  scope: Schema.String
}) {}
/** @category errors */
export class StaleData extends Schema.TaggedError<StaleData>()("StaleData", {
  source: Schema.String,
  ageMillis: Schema.Number
}) {}
/** @category errors */
export class Reconciling extends Schema.TaggedError<Reconciling>()("Reconciling", {
  platform: Platform
}) {}
/** @category errors */
export class LimitExceeded extends Schema.TaggedError<LimitExceeded>()("LimitExceeded", {
  /** Which limit: NOTIONAL_EXCEEDS_MAX, GAME_EXPOSURE, SPORT_EXPOSURE, DAILY_LOSS, ... */
  limit: Schema.String,
  message: Schema.String
}) {}
/** @category errors */
export class SubmitRateExceeded extends Schema.TaggedError<SubmitRateExceeded>()("SubmitRateExceeded", {
  window: Schema.String
}) {}
/** @category errors */
export class InvalidOrder extends Schema.TaggedError<InvalidOrder>()("InvalidOrder", {
  message: Schema.String
}) {}

/** Refused before sending. @category errors */
export class OrderDenied extends Schema.TaggedError<OrderDenied>()("OrderDenied", {
  reason: Schema.Union([TradingHalted, StaleData, Reconciling, LimitExceeded, SubmitRateExceeded, InvalidOrder])
}) {}

/** The venue proved it did not accept the order. @category errors */
export class Rejected extends Schema.TaggedError<Rejected>()("Rejected", {
  code: Schema.String,
  message: Schema.String
}) {}
/** We cannot tell whether the venue has the order (timeout, 5xx, disconnect, parse failure after send). @category errors */
export class OutcomeUnknown extends Schema.TaggedError<OutcomeUnknown>()("OutcomeUnknown", {
  message: Schema.String
}) {}

/** @category errors */
export class OrderError extends Schema.TaggedError<OrderError>()("OrderError", {
  platform: Platform,
  reason: Schema.Union([Rejected, OutcomeUnknown, RateLimited, Unauthorized])
}) {}
