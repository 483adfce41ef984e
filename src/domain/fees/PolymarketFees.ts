/**
 * Polymarket trading fees, exactly, per fill. The one fee model every caller uses.
 *
 * `fee = C × rate × (p × (1 − p))^exponent`, charged to takers only, in pUSD floored to 5 decimal
 * places (so the smallest fee charged is $0.00001 and a smaller one is $0). The rate and exponent
 * are per market: the Gamma market's `feeSchedule{rate, exponent, takerOnly}` is the source; the
 * CLOB `/fee-rate` (basis points, exponent 1) is the fallback. A market with `feesEnabled: false`
 * has no fee. A fractional exponent has no exact meaning here and makes the market non-routable.
 *
 * Arithmetic is BigInt on integer units (rate in millionths, count and price in micro-units).
 *
 * @since 0.1.0
 */
import type { Micros, Price, Qty } from "../../schema/Money.ts"

/**
 * A market's fee parameters: `rate` in millionths (0.05 → 50_000), a whole `exponent`, and whether
 * only takers pay.
 *
 * @category models
 */
export interface PolymarketFeeSchedule {
  readonly _tag: "PolymarketFeeSchedule"
  readonly rate: number
  readonly exponent: number
  readonly takerOnly: boolean
}

/** A market whose fee we cannot compute; it must not be traded. @category models */
export interface PolymarketNonRoutable {
  readonly _tag: "PolymarketNonRoutable"
  readonly reason: string
}

/** No fee at all (`feesEnabled: false`, fee-free categories). @category constructors */
export const noPolymarketFee: PolymarketFeeSchedule = { _tag: "PolymarketFeeSchedule", rate: 0, exponent: 1, takerOnly: true }

/**
 * A schedule from a Gamma `feeSchedule` (rate in millionths, exponent as given).
 *
 * @category constructors
 */
export const polymarketFeeSchedule = (input: {
  readonly rate: number
  readonly exponent: number
  readonly takerOnly?: boolean | undefined
  readonly feesEnabled?: boolean | undefined
}): PolymarketFeeSchedule | PolymarketNonRoutable => {
  if (input.feesEnabled === false) return noPolymarketFee
  if (!Number.isSafeInteger(input.rate) || input.rate < 0 || input.rate > 1_000_000) {
    return { _tag: "PolymarketNonRoutable", reason: `invalid fee rate ${input.rate} (millionths)` }
  }
  if (!Number.isInteger(input.exponent) || input.exponent < 0 || input.exponent > 8) {
    return { _tag: "PolymarketNonRoutable", reason: `fee exponent must be a small whole number, was ${input.exponent}` }
  }
  return { _tag: "PolymarketFeeSchedule", rate: input.rate, exponent: input.exponent, takerOnly: input.takerOnly ?? true }
}

/** A schedule from the CLOB `/fee-rate` basis points (exponent 1, takers only). @category constructors */
export const polymarketFeeScheduleFromBps = (bps: number): PolymarketFeeSchedule | PolymarketNonRoutable =>
  polymarketFeeSchedule({ rate: bps * 100, exponent: 1, takerOnly: true })

const MILLION = 1_000_000n
const TRILLION = MILLION * MILLION

/**
 * The fee of one fill of `count` shares at `price`, floored to $0.00001, in micros. Makers pay 0
 * unless the schedule says otherwise.
 *
 * @category fees
 */
export const polymarketFee = (schedule: PolymarketFeeSchedule, role: "taker" | "maker", count: Qty, price: Price): Micros => {
  if ((role === "maker" && schedule.takerOnly) || schedule.rate === 0 || count === 0) return 0 as Micros
  const p = BigInt(price)
  const variance = p * (MILLION - p) // p(1 − p) in 1e-12
  const numerator = BigInt(count) * BigInt(schedule.rate) * variance ** BigInt(schedule.exponent) * 100_000n
  // count (1e6) × rate (1e6) × variance^e (1e12^e), in units of $0.00001 (× 1e5)
  const denominator = TRILLION * TRILLION ** BigInt(schedule.exponent)
  const hundredThousandths = numerator / denominator
  const micros = Number(hundredThousandths) * 10
  if (!Number.isSafeInteger(micros)) throw new RangeError(`Polymarket fee out of range: ${hundredThousandths}e-5`)
  return micros as Micros
}
