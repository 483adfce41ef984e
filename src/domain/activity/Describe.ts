/**
 * One readable line per thing arbees does, for the info log and the operator's notifications:
 * a book going live, the model moving, a signal decided, an order, a fill, a position changing.
 * Pure: the same event gives the same words. Money and prices are exact (micro-dollars shown in
 * dollars); probabilities are model floats, shown in tenths of a percent.
 *
 * @since 0.1.0
 */
import type { TopOfBook } from "../../schema/Book.ts"
import type { OutcomeRef } from "../../schema/Market.ts"
import { formatScaled } from "../../schema/Money.ts"
import type { Fill, Order, SignalLeg } from "../../schema/Trading.ts"

/** The model is logged when the home probability moves at least this far from the last line. @category constants */
export const MODEL_LOG_STEP = 0.05

// Plain integers here (events carry numbers): micro-units shown exactly
const dollars = (micros: number): string => formatScaled(micros, 6, 2)
const qty = (micro: number): string => formatScaled(micro, 6, 0)

/** `kalshi KXNBAGAME-…-BOS/yes`. @category formatting */
export const describeOutcome = (o: OutcomeRef): string => `${o.platform} ${o.marketId}/${o.outcomeId}`

/** `0.59 × 100 / 0.61 × 50` (bid / ask, `-` for an empty side). @category formatting */
export const describeTop = (top: TopOfBook): string => {
  const side = (level: TopOfBook["bid"]) => (level === undefined ? "-" : `${dollars(level.price)} × ${qty(level.size)}`)
  return `${side(top.bid)} / ${side(top.ask)}`
}

/** A probability in tenths of a percent: `61.4%`. @category formatting */
export const percent = (p: number): string => `${formatScaled(Math.round(p * 1000), 1, 1)}%`

/** Whether the model moved far enough from the last logged value to be worth a line. @category predicates */
export const modelMoved = (lastLogged: number | undefined, next: number, step = MODEL_LOG_STEP): boolean =>
  lastLogged === undefined || Math.abs(next - lastLogged) >= step - 1e-9 // the float tolerance keeps 0.50 → 0.45 a 5-point move

/** `buy 12 kalshi KX…/yes @ 0.61`. @category formatting */
export const describeLeg = (leg: Pick<SignalLeg, "outcome" | "action" | "limit">, quantity?: number): string =>
  `${leg.action} ${quantity === undefined ? "" : `${qty(quantity)} `}${describeOutcome(leg.outcome)} @ ${dollars(leg.limit)}`

/** `paper order buy 12 kalshi KX…/yes @ 0.61 (filled, game 401…)`. @category formatting */
export const describeOrder = (order: Order): string =>
  `${order.paper ? "paper " : ""}order ${order.action} ${qty(order.quantity)} ${describeOutcome(order.outcome)} @ ${dollars(order.limitPrice)} (${order.status}${
    order.filledQuantity > 0 && order.filledQuantity < order.quantity ? `, ${qty(order.filledQuantity)} filled` : ""
  }, game ${order.gameId})`

/** `fill buy 12 kalshi KX…/yes @ 0.61, fee 0.17 (taker)`. @category formatting */
export const describeFill = (fill: Fill): string =>
  `fill ${fill.action} ${qty(fill.quantity)} ${describeOutcome(fill.outcome)} @ ${dollars(fill.price)}, fee ${dollars(fill.fee)} (${
    fill.isTaker ? "taker" : "maker"
  })`

/** A dollar amount with its sign: `+5.83`, `-1.20`, `0.00`. @category formatting */
export const signedDollars = (micros: number): string =>
  `${micros > 0 ? "+" : micros < 0 ? "-" : ""}${dollars(Math.abs(micros))}`

/** What a position event says. @category models */
export interface PositionEvent {
  readonly positionId: string
  readonly gameId: string
  readonly status: string
  readonly quantity: number
  readonly costMicros: number
  readonly feesMicros: number
  readonly realizedPnlMicros: number
  readonly reason?: string
}

/** `position p-1 settled (game 401…): qty 0, cost 7.32, fees 0.17, realised P&L +4.51 — won`. @category formatting */
export const describePosition = (p: PositionEvent): string =>
  `position ${p.positionId} ${p.status} (game ${p.gameId}): qty ${qty(p.quantity)}, cost ${dollars(p.costMicros)}, fees ${
    dollars(p.feesMicros)
  }, realised P&L ${signedDollars(p.realizedPnlMicros)}${p.reason === undefined ? "" : ` (${p.reason})`}`
