/**
 * Kalshi trading fees, exactly, per order. The one fee model every caller uses (detection, sizing,
 * paper fills, P&L).
 *
 * - Taker: `ceil_to_cent(multiplier × 0.07 × C × P × (1 − P))` per order, C contracts at price P
 *   dollars. C=100, P=0.43 → $1.72 (raw $1.7157).
 * - Maker, by the series' `fee_type`: `quadratic` 0; `quadratic_with_maker_fees` coefficient 0.0175;
 *   `quadratic_with_combo_maker_fees` 0.035; rounded the same way.
 * - The multiplier and fee type come from the series (`fee_multiplier`, `fee_type`); an event's
 *   `fee_multiplier_override` / `fee_type_override` wins when present.
 * - `flat` (the "Specific Trading Fees Table", none live) and any fee type we do not know make the
 *   market non-routable: we do not guess a fee.
 *
 * Kalshi rounds the trade fee to $0.000001 and then adds a rounding fee up to $0.0001 or $0.01,
 * refunding over-payment across partial fills; ceiling each order to the cent is the conservative
 * model (PROTOCOLS.md 2.9). Arithmetic is BigInt on integer units: no float touches a fee.
 *
 * @since 0.1.0
 */
import { CENT, type Micros, type Price, type Qty } from "../../schema/Money.ts"

/** The fee types whose formula we know. @category models */
export const knownKalshiFeeTypes = ["quadratic", "quadratic_with_maker_fees", "quadratic_with_combo_maker_fees"] as const

/** @category models */
export type KalshiFeeType = typeof knownKalshiFeeTypes[number]

/**
 * A market's fee parameters. `multiplier` is in millionths (1_000_000 = ×1, 500_000 = ×0.5).
 *
 * @category models
 */
export interface KalshiFeeSchedule {
  readonly _tag: "KalshiFeeSchedule"
  readonly feeType: KalshiFeeType
  readonly multiplier: number
}

/** A market whose fee we cannot compute; it must not be traded. @category models */
export interface KalshiNonRoutable {
  readonly _tag: "KalshiNonRoutable"
  readonly feeType: string
  readonly reason: string
}

/** The fee inputs from a series and, optionally, its event's overrides. @category models */
export interface KalshiFeeInputs {
  readonly feeType: string
  /** Millionths */
  readonly multiplier: number
  readonly feeTypeOverride?: string | null | undefined
  /** Millionths */
  readonly multiplierOverride?: number | null | undefined
}

const isKnown = (feeType: string): feeType is KalshiFeeType => (knownKalshiFeeTypes as ReadonlyArray<string>).includes(feeType)

/**
 * The effective fee schedule: event overrides win over the series. An unknown or `flat` fee type,
 * or a negative or unsafe multiplier, is non-routable.
 *
 * @category constructors
 */
export const kalshiFeeSchedule = (inputs: KalshiFeeInputs): KalshiFeeSchedule | KalshiNonRoutable => {
  const feeType = inputs.feeTypeOverride ?? inputs.feeType
  const multiplier = inputs.multiplierOverride ?? inputs.multiplier
  if (!isKnown(feeType)) {
    return { _tag: "KalshiNonRoutable", feeType, reason: feeType === "flat" ? "flat fee table is not modelled" : `unknown fee_type ${JSON.stringify(feeType)}` }
  }
  if (!Number.isSafeInteger(multiplier) || multiplier < 0) {
    return { _tag: "KalshiNonRoutable", feeType, reason: `invalid fee multiplier ${multiplier}` }
  }
  return { _tag: "KalshiFeeSchedule", feeType, multiplier }
}

/** Coefficients in 1/10_000. */
const TAKER = 700n
const makerCoefficient = (feeType: KalshiFeeType): bigint =>
  feeType === "quadratic" ? 0n : feeType === "quadratic_with_maker_fees" ? 175n : 350n

const MILLION = 1_000_000n
// multiplier (1e6) × coefficient (1e4) × count (1e6) × price (1e6) × (1 − price) (1e6), in cents (× 100)
const CENTS_DENOMINATOR = MILLION * 10_000n * MILLION * MILLION * MILLION / 100n

const quadraticCents = (multiplier: number, coefficient: bigint, count: Qty, price: Price): bigint => {
  if (coefficient === 0n || count === 0 || price === 0) return 0n
  const numerator = BigInt(multiplier) * coefficient * BigInt(count) * BigInt(price) * (MILLION - BigInt(price))
  return (numerator + CENTS_DENOMINATOR - 1n) / CENTS_DENOMINATOR
}

const toMicros = (cents: bigint): Micros => {
  const micros = Number(cents) * CENT
  if (!Number.isSafeInteger(micros)) throw new RangeError(`Kalshi fee out of range: ${cents} cents`)
  return micros as Micros
}

/**
 * The fee of one order that fills at several price levels, by liquidity role: the exact sum over
 * the levels, ceiled to the cent once for the order.
 *
 * @category fees
 */
export const kalshiFeeLevels = (
  schedule: KalshiFeeSchedule,
  role: "taker" | "maker",
  levels: ReadonlyArray<{ readonly price: Price; readonly count: Qty }>
): Micros => {
  const coefficient = role === "taker" ? TAKER : makerCoefficient(schedule.feeType)
  let numerator = 0n
  for (const l of levels) {
    if (l.count === 0 || l.price === 0) continue
    numerator += BigInt(schedule.multiplier) * coefficient * BigInt(l.count) * BigInt(l.price) * (MILLION - BigInt(l.price))
  }
  return toMicros((numerator + CENTS_DENOMINATOR - 1n) / CENTS_DENOMINATOR)
}

/**
 * The taker fee of one order that sweeps several price levels: the exact sum over the levels,
 * ceiled to the cent once for the order.
 *
 * @category fees
 */
export const kalshiTakerFeeLevels = (schedule: KalshiFeeSchedule, levels: ReadonlyArray<{ readonly price: Price; readonly count: Qty }>): Micros =>
  kalshiFeeLevels(schedule, "taker", levels)

/**
 * The taker fee of one order of `count` contracts at `price`, ceiled to the cent, in micros.
 *
 * @category fees
 */
export const kalshiTakerFee = (schedule: KalshiFeeSchedule, count: Qty, price: Price): Micros =>
  toMicros(quadraticCents(schedule.multiplier, TAKER, count, price))

/**
 * The maker fee of one order (resting liquidity that gets filled), ceiled to the cent, in micros.
 *
 * @category fees
 */
export const kalshiMakerFee = (schedule: KalshiFeeSchedule, count: Qty, price: Price): Micros =>
  toMicros(quadraticCents(schedule.multiplier, makerCoefficient(schedule.feeType), count, price))

/**
 * The fee of one order by liquidity role.
 *
 * @category fees
 */
export const kalshiFee = (schedule: KalshiFeeSchedule, role: "taker" | "maker", count: Qty, price: Price): Micros =>
  role === "taker" ? kalshiTakerFee(schedule, count, price) : kalshiMakerFee(schedule, count, price)
