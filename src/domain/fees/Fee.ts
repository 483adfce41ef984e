/**
 * A fee schedule of either venue, and the taker fee it charges for an order: the single entry
 * point detection, sizing, paper fills and P&L use.
 *
 * @since 0.1.0
 */
import type { Micros, Price, Qty } from "../../schema/Money.ts"
import { kalshiFee, type KalshiFeeSchedule } from "./KalshiFees.ts"
import { polymarketFee, type PolymarketFeeSchedule } from "./PolymarketFees.ts"

/** @category models */
export type FeeSchedule = KalshiFeeSchedule | PolymarketFeeSchedule

/** The fee for one order of `count` at `price`, taking liquidity or making it. @category fees */
export const orderFee = (schedule: FeeSchedule, role: "taker" | "maker", count: Qty, price: Price): Micros =>
  schedule._tag === "KalshiFeeSchedule" ? kalshiFee(schedule, role, count, price) : polymarketFee(schedule, role, count, price)
