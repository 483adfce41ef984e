/**
 * Bookmaker odds to fair probabilities: remove the overround ("vig").
 *
 * **Methods** (WINPROB.md §3.3)
 *
 * - `multiplicative`: p_i = q_i / Σq. The default for near-even two-way lines.
 * - `additive`: p_i = q_i − (Σq − 1)/n. Kept for comparison; it can go negative on long shots.
 * - `power`: p_i = q_i^k with k solving Σ q_i^k = 1. Takes more off long shots.
 * - `shin`: Shin's insider-trading model (Shin 1993; the closed form of Štrumbelj 2014,
 *   p_i = (√(z² + 4(1−z)·q_i²/Σq) − z) / (2(1−z)), with z solving Σp_i = 1). It corrects the
 *   favourite–longshot bias and is the choice for lopsided and three-way markets.
 *
 * `auto` uses multiplicative for a two-way market whose favourite is at most 75% and Shin
 * otherwise.
 *
 * @since 0.1.0
 */
import { bisect } from "../Distributions.ts"

/** @category models */
export type DevigMethod = "multiplicative" | "additive" | "power" | "shin"

/**
 * The implied probability of American odds (−150 → 0.6, +130 → 0.4348), or `undefined` when the
 * number is not valid American odds (|odds| < 100 other than exactly ±100).
 *
 * @category conversions
 */
export const impliedFromAmerican = (odds: number): number | undefined => {
  if (!Number.isFinite(odds) || Math.abs(odds) < 100) return undefined
  return odds < 0 ? -odds / (-odds + 100) : 100 / (odds + 100)
}

/** The implied probability of decimal odds (2.5 → 0.4), or `undefined` below 1. @category conversions */
export const impliedFromDecimal = (odds: number): number | undefined => (Number.isFinite(odds) && odds > 1 ? 1 / odds : undefined)

const sum = (xs: ReadonlyArray<number>): number => xs.reduce((a, b) => a + b, 0)

/** @category devig */
export const multiplicative = (implied: ReadonlyArray<number>): Array<number> => {
  const total = sum(implied)
  return implied.map((q) => q / total)
}

/** @category devig */
export const additive = (implied: ReadonlyArray<number>): Array<number> => {
  const excess = (sum(implied) - 1) / implied.length
  return implied.map((q) => q - excess)
}

/** @category devig */
export const power = (implied: ReadonlyArray<number>): Array<number> => {
  const k = bisect((e) => sum(implied.map((q) => q ** e)) - 1, 0.05, 20, 1e-13)
  return multiplicative(implied.map((q) => q ** k))
}

/** The Shin probabilities and the insider share z. @category devig */
export const shinWithZ = (implied: ReadonlyArray<number>): { readonly probabilities: Array<number>; readonly z: number } => {
  const total = sum(implied)
  const at = (z: number) => implied.map((q) => (Math.sqrt(z * z + (4 * (1 - z) * q * q) / total) - z) / (2 * (1 - z)))
  // Σp(z) falls as z grows; with no overround z = 0 is the answer
  const z = total <= 1 ? 0 : bisect((x) => sum(at(x)) - 1, 0, 0.999, 1e-14)
  return { probabilities: multiplicative(at(z)), z }
}

/** @category devig */
export const shin = (implied: ReadonlyArray<number>): Array<number> => shinWithZ(implied).probabilities

/** The method `auto` picks for these implied probabilities. @category devig */
export const autoMethod = (implied: ReadonlyArray<number>): DevigMethod => {
  const fair = multiplicative(implied)
  return implied.length === 2 && Math.max(...fair) <= 0.75 ? "multiplicative" : "shin"
}

/**
 * Fair probabilities from implied ones (same order), with the method used.
 *
 * @category devig
 */
export const devig = (
  implied: ReadonlyArray<number>,
  method: DevigMethod | "auto" = "auto"
): { readonly probabilities: Array<number>; readonly method: DevigMethod; readonly overround: number } => {
  if (implied.length < 2 || implied.some((q) => !(q > 0 && q < 1))) {
    throw new RangeError(`devig needs two or more implied probabilities in (0, 1), was [${implied.join(", ")}]`)
  }
  const chosen = method === "auto" ? autoMethod(implied) : method
  const probabilities = chosen === "multiplicative"
    ? multiplicative(implied)
    : chosen === "additive"
    ? additive(implied)
    : chosen === "power"
    ? power(implied)
    : shin(implied)
  return { probabilities, method: chosen, overround: sum(implied) - 1 }
}
