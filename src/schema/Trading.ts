/**
 * Signals, orders, fills, positions and bankroll entries: the records money moves through.
 *
 * Every amount is exact ({@link Price}, {@link Qty}, {@link Micros}); every order and position
 * names the one outcome it trades ({@link OutcomeRef}), so its prices are always that outcome's
 * own prices.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { ClientOrderId, FillId, GameId, PositionId, SignalId, VenueOrderId } from "./Ids.ts"
import { OutcomeRef } from "./Market.ts"
import { Bps, Micros, Price, Qty } from "./Money.ts"
import { Probability } from "./Probability.ts"

/** Buy or sell the outcome named by the order's {@link OutcomeRef}. @category schemas */
export const Action = Schema.Literals(["buy", "sell"])
export type Action = typeof Action.Type

/** @category schemas */
export const SignalKind = Schema.Literals(["model_edge", "cross_venue_arb", "exit"])
export type SignalKind = typeof SignalKind.Type

/** One leg of a signal: an outcome to buy or sell, at most at / at least at `limit`. @category schemas */
export const SignalLeg = Schema.Struct({
  outcome: OutcomeRef,
  action: Action,
  limit: Price,
  /** Size available at `limit` when the signal was made */
  available: Qty
})
export type SignalLeg = typeof SignalLeg.Type

/** @category schemas */
export const Signal = Schema.Struct({
  signalId: SignalId,
  kind: SignalKind,
  gameId: GameId,
  legs: Schema.NonEmptyArray(SignalLeg),
  /**
   * Edge after fees at the size risk approved (or, before sizing, the strategy's estimate at the
   * top of book), per contract or set, in basis points of the $1 it pays: the one unit for edge
   */
  edgeBps: Bps,
  /** The strategy that proposed it */
  strategy: Schema.optionalKey(Schema.String),
  /** Why, in words */
  reasons: Schema.optionalKey(Schema.Array(Schema.String)),
  /** The model's probability for the first leg's outcome (model edges only) */
  modelProbability: Schema.optionalKey(Probability),
  createdAt: Schema.Int,
  expiresAt: Schema.Int
})
export type Signal = typeof Signal.Type

/** @category schemas */
export const TimeInForce = Schema.Literals(["ioc", "fok", "gtc"])
export type TimeInForce = typeof TimeInForce.Type

/**
 * An order's life. `unknown` is not a rejection: the venue may have the order, and only
 * reconciliation may move it on.
 *
 * @category schemas
 */
export const OrderStatus = Schema.Literals([
  "pending_submit",
  "acknowledged",
  "submitted",
  "unknown",
  "resting",
  "partially_filled",
  "filled",
  "canceled",
  "rejected",
  "expired",
  "denied"
])
export type OrderStatus = typeof OrderStatus.Type

/** @category schemas */
export const Order = Schema.Struct({
  clientOrderId: ClientOrderId,
  venueOrderId: Schema.optionalKey(VenueOrderId),
  signalId: Schema.optionalKey(SignalId),
  gameId: GameId,
  outcome: OutcomeRef,
  action: Action,
  limitPrice: Price,
  quantity: Qty,
  filledQuantity: Qty,
  timeInForce: TimeInForce,
  status: OrderStatus,
  paper: Schema.Boolean,
  createdAt: Schema.Int,
  updatedAt: Schema.Int
})
export type Order = typeof Order.Type

/** @category schemas */
export const Fill = Schema.Struct({
  fillId: FillId,
  clientOrderId: ClientOrderId,
  outcome: OutcomeRef,
  action: Action,
  price: Price,
  quantity: Qty,
  fee: Micros,
  isTaker: Schema.Boolean,
  filledAt: Schema.Int
})
export type Fill = typeof Fill.Type

/** @category schemas */
export const PositionStatus = Schema.Literals(["open", "closed", "settled"])
export type PositionStatus = typeof PositionStatus.Type

/**
 * A holding of one outcome. Marks, stops and settlement are computed in `outcome`'s own price.
 *
 * @category schemas
 */
export const Position = Schema.Struct({
  positionId: PositionId,
  gameId: GameId,
  outcome: OutcomeRef,
  quantity: Qty,
  /** Total paid for the open quantity, fees excluded */
  costBasis: Micros,
  realizedPnl: Micros,
  feesPaid: Micros,
  status: PositionStatus,
  openedAt: Schema.Int,
  closedAt: Schema.optionalKey(Schema.Int)
})
export type Position = typeof Position.Type

/** @category schemas */
export const LedgerKind = Schema.Literals(["deposit", "withdrawal", "trade", "fee", "settlement", "adjustment", "piggybank", "reserve", "release", "sale"])
export type LedgerKind = typeof LedgerKind.Type

/** One append-only bankroll movement. The balance is the sum of the entries. @category schemas */
export const BankrollEntry = Schema.Struct({
  account: Schema.String,
  kind: LedgerKind,
  /** Signed: credits positive, debits negative */
  amount: Micros,
  /** What caused it: a fill id, a position id, an operator note */
  reference: Schema.String,
  at: Schema.Int
})
export type BankrollEntry = typeof BankrollEntry.Type
