/**
 * The execution interface of one venue: what the execution singleton speaks to, whichever venue
 * (paper, Kalshi, Polymarket) is behind it. Nothing above this interface knows which it is.
 *
 * - **submit** places one order: IOC (Polymarket FAK), FOK, or GTC, optionally post-only (GTC
 *   only). It answers with what the venue said right away (the acknowledgement, and for takers
 *   usually the immediate fills). An order the venue proved it refused fails with
 *   `OrderError{reason: Rejected}`; an order whose fate we cannot tell (timeout, reset, 5xx, a reply
 *   we could not parse after sending) fails with `OrderError{reason: OutcomeUnknown}`. The two are
 *   never conflated: an unknown order may be live, and only {@link Venue.status} may move it on.
 *   A submit is never retried blindly (Polymarket has no idempotency key).
 * - **cancel** asks the venue to cancel a live order and answers with its state afterwards (a
 *   cancel of an order that already filled answers `filled`, not an error).
 * - **status** resolves an order by our client order id (and the venue's id when known): its state
 *   and all its fills so far, or `undefined` when the venue has no such order (proof it was never
 *   placed, so an unknown order may be closed as rejected).
 * - **events** is the venue's stream of order events and fills, as they happen (Kalshi `fill` /
 *   `user_orders`, the Polymarket user channel, the paper venue's own matching). Delivery is at
 *   least once and may repeat what `submit` already returned; consumers deduplicate fills by
 *   `fillId` and never regress an order's state.
 *
 * Prices and quantities are exact (`Price`, `Qty`, fees in `Micros`), always in the ordered
 * outcome's own price space (buying NO at 0.40 is `{outcome: no, action: buy, limitPrice: 0.40}`,
 * whatever book the venue routes it to).
 *
 * @since 0.1.0
 */
import { Context, type Effect, Schema, type Stream } from "effect"
import { OrderError } from "../../schema/errors/OrderError.ts"
import { ClientOrderId, VenueOrderId } from "../../schema/Ids.ts"
import { OutcomeRef } from "../../schema/Market.ts"
import { Price, Qty } from "../../schema/Money.ts"
import { Platform } from "../../schema/Platform.ts"
import { Action, Fill, TimeInForce } from "../../schema/Trading.ts"

/**
 * One order as sent to a venue. `timeInForce`: `ioc` fills what it can now and cancels the rest
 * (Polymarket FAK), `fok` fills completely now or not at all, `gtc` rests until filled or
 * cancelled (or `expiresAt`). `postOnly` (GTC only) is refused rather than allowed to take.
 *
 * @category schemas
 */
export const OrderRequest = Schema.Struct({
  clientOrderId: ClientOrderId,
  outcome: OutcomeRef,
  action: Action,
  limitPrice: Price,
  quantity: Qty,
  timeInForce: TimeInForce,
  postOnly: Schema.Boolean,
  /** Epoch ms after which a resting order expires (GTD); absent: good till cancelled */
  expiresAt: Schema.optionalKey(Schema.Int)
})
export type OrderRequest = typeof OrderRequest.Type

/**
 * The settings a simulated venue used for a result, recorded on every paper fill and order state
 * so a paper P&L can always be read with the realism behind it. Absent on live results.
 *
 * @category schemas
 */
export const Realism = Schema.Struct({
  model: Schema.String,
  latencyMillis: Schema.Int,
  jitterMillis: Schema.Int,
  seed: Schema.Int,
  queue: Schema.String
})
export type Realism = typeof Realism.Type

/** One execution. `fillId` is the venue's (or a deterministic synthetic one); it is the dedupe key. @category schemas */
export const VenueFill = Schema.Struct({
  ...Fill.fields,
  venueOrderId: VenueOrderId,
  realism: Schema.optionalKey(Realism)
})
export type VenueFill = typeof VenueFill.Type

/**
 * An order's state at the venue. `resting`: acknowledged and on the book (nothing filled yet);
 * `canceled` covers an IOC remainder and an explicit cancel; `expired` a GTD order that timed out.
 *
 * @category schemas
 */
export const VenueOrderStatus = Schema.Literals(["resting", "partially_filled", "filled", "canceled", "rejected", "expired"])
export type VenueOrderStatus = typeof VenueOrderStatus.Type

/** Whether the venue will never change this order again. @category predicates */
export const isTerminal = (s: VenueOrderStatus): boolean => s === "filled" || s === "canceled" || s === "rejected" || s === "expired"

/** @category schemas */
export const VenueOrderState = Schema.Struct({
  clientOrderId: ClientOrderId,
  venueOrderId: VenueOrderId,
  status: VenueOrderStatus,
  quantity: Qty,
  filledQuantity: Qty,
  /** Why the venue cancelled or rejected it, in its own words */
  reason: Schema.optionalKey(Schema.String),
  updatedAt: Schema.Int,
  realism: Schema.optionalKey(Realism)
})
export type VenueOrderState = typeof VenueOrderState.Type

/** What `submit` answers: the state right after placement and the fills it already had. @category schemas */
export const SubmitResult = Schema.Struct({
  state: VenueOrderState,
  fills: Schema.Array(VenueFill)
})
export type SubmitResult = typeof SubmitResult.Type

/** What `status` answers for an order the venue knows. @category schemas */
export const OrderSnapshot = SubmitResult
export type OrderSnapshot = SubmitResult

/** A change to one order. @category schemas */
export const VenueEvent = Schema.Union([
  Schema.TaggedStruct("OrderUpdated", { state: VenueOrderState }),
  Schema.TaggedStruct("Filled", { fill: VenueFill })
])
export type VenueEvent = typeof VenueEvent.Type

/** Our client order id and, when we learnt it, the venue's. @category models */
export interface OrderRef {
  readonly clientOrderId: ClientOrderId
  readonly venueOrderId?: VenueOrderId | undefined
}

/**
 * One venue's order entry. Implementations: the paper venue (`PaperVenue.ts`), Kalshi and
 * Polymarket (live).
 *
 * @category models
 */
export interface Venue {
  readonly platform: Platform
  /** Whether this venue is simulated (its fills carry {@link Realism}) */
  readonly paper: boolean
  readonly submit: (order: OrderRequest) => Effect.Effect<SubmitResult, OrderError>
  readonly cancel: (ref: OrderRef) => Effect.Effect<VenueOrderState, OrderError>
  /** `undefined`: the venue has no such order */
  readonly status: (ref: OrderRef) => Effect.Effect<OrderSnapshot | undefined, OrderError>
  readonly events: Stream.Stream<VenueEvent>
}

/**
 * The venues execution can trade on, one per platform. Paper mode provides the paper venue for
 * both; live mode provides the live adapters.
 *
 * @category services
 */
export class Venues extends Context.Service<Venues, {
  readonly get: (platform: Platform) => Venue
}>()("arbees/services/venue/Venues") {}

/** Re-exported so a venue implementation needs one import for its failure type. @category errors */
export { OrderError }
