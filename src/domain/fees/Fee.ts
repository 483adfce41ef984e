/**
 * A fee schedule of either venue, and the taker fee it charges for an order: the single entry
 * point detection, sizing, paper fills and P&L use.
 *
 * @since 0.1.0
 */
import type { Micros, Price, Qty } from "../../schema/Money.ts"
import { kalshiFee, kalshiFeeLevels, type KalshiFeeSchedule, kalshiTakerFeeLevels } from "./KalshiFees.ts"
import { polymarketFee, type PolymarketFeeSchedule } from "./PolymarketFees.ts"

/** @category models */
export type FeeSchedule = KalshiFeeSchedule | PolymarketFeeSchedule

/** The fee for one order of `count` at `price`, taking liquidity or making it. @category fees */
export const orderFee = (schedule: FeeSchedule, role: "taker" | "maker", count: Qty, price: Price): Micros =>
  schedule._tag === "KalshiFeeSchedule" ? kalshiFee(schedule, role, count, price) : polymarketFee(schedule, role, count, price)

/**
 * The taker fee of one order that sweeps `levels`: Kalshi ceils the order's exact total to the
 * cent once; Polymarket charges each level's fill separately, each floored.
 *
 * @category fees
 */
export const takerFeeAcross = (schedule: FeeSchedule, levels: ReadonlyArray<{ readonly price: Price; readonly count: Qty }>): Micros => {
  if (schedule._tag === "KalshiFeeSchedule") return kalshiTakerFeeLevels(schedule, levels)
  let total = 0
  for (const l of levels) total += polymarketFee(schedule, "taker", l.count, l.price)
  return total as Micros
}

/** A fill at one price, as the fee formulas see it. @category models */
export interface FeeLevel {
  readonly price: Price
  readonly count: Qty
}

/**
 * The fee of an order's next fill, given what the order already filled in the same role: the
 * venue's per-order fee charged incrementally, so an order's fills always sum to its fee.
 * Kalshi ceils the order's exact total to the cent once (its per-order fee accumulator refunds the
 * over-payment of partial fills, PROTOCOLS.md 2.9), so a fill pays the increase of that total;
 * Polymarket charges each fill on its own, floored.
 *
 * @category fees
 */
export const nextFillFee = (schedule: FeeSchedule, role: "taker" | "maker", before: ReadonlyArray<FeeLevel>, fill: FeeLevel): Micros =>
  schedule._tag === "KalshiFeeSchedule"
    ? (kalshiFeeLevels(schedule, role, [...before, fill]) - kalshiFeeLevels(schedule, role, before)) as Micros
    : polymarketFee(schedule, role, fill.count, fill.price)
