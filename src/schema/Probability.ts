/**
 * The one boundary between float probabilities (inside models) and exact prices (everywhere else).
 *
 * Models compute with floats. Nothing outside a model may hold a float that stands for money:
 * a probability becomes a {@link Price} only here, with the rounding named at the call site.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { ONE, type Price } from "./Money.ts"

/**
 * A probability in [0, 1], as a float.
 *
 * @category schemas
 */
export const Probability = Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 })).pipe(
  Schema.brand("Probability")
)
export type Probability = typeof Probability.Type

/** @category constructors */
export const probability = (p: number): Probability => {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`probability must be in [0, 1], was ${p}`)
  return p as Probability
}

/**
 * The fair price of a contract that pays $1 with probability `p`. `"floor"` is the price a buyer
 * may pay at most; `"ceil"` the price a seller must get at least.
 *
 * @category conversions
 */
export const priceFromProbability = (p: Probability, rounding: "floor" | "ceil" | "nearest"): Price => {
  const scaled = p * ONE
  // A float product like 0.29 * 1e6 = 289999.99999999994 must not floor to 289999
  const snapped = Math.abs(scaled - Math.round(scaled)) < 1e-6 ? Math.round(scaled) : scaled
  const value = rounding === "floor" ? Math.floor(snapped) : rounding === "ceil" ? Math.ceil(snapped) : Math.round(snapped)
  return Math.min(ONE, Math.max(0, value)) as Price
}

/**
 * The probability a price implies (no vig removed).
 *
 * @category conversions
 */
export const probabilityFromPrice = (price: Price): Probability => (price / ONE) as Probability
