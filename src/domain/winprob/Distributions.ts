/**
 * The numerical kernels the win-probability models share: the normal distribution, Poisson
 * probabilities, the logistic link and a bracketing root finder.
 *
 * Pure functions over floats. Nothing here is money; probabilities become prices only through
 * `src/schema/Probability.ts`.
 *
 * @since 0.1.0
 */

/**
 * The standard normal CDF Φ(x): absolute error about 1e-15, relative error below 1e-7 in the far
 * tails (Hart's algorithm 5666, as given by G. West, "Better approximations to cumulative normal
 * functions", Wilmott 2005).
 *
 * @category distributions
 */
export const normalCdf = (x: number): number => {
  const z = Math.abs(x)
  let tail: number
  if (z > 37) {
    tail = 0
  } else {
    const e = Math.exp((-z * z) / 2)
    if (z < 7.07106781186547) {
      let n = 3.52624965998911e-2 * z + 0.700383064443688
      n = n * z + 6.37396220353165
      n = n * z + 33.912866078383
      n = n * z + 112.079291497871
      n = n * z + 221.213596169931
      n = n * z + 220.206867912376
      let d = 8.83883476483184e-2 * z + 1.75566716318264
      d = d * z + 16.064177579207
      d = d * z + 86.7807322029461
      d = d * z + 296.564248779674
      d = d * z + 637.333633378831
      d = d * z + 793.826512519948
      d = d * z + 440.413735824752
      tail = (e * n) / d
    } else {
      let d = z + 0.65
      d = z + 4 / d
      d = z + 3 / d
      d = z + 2 / d
      d = z + 1 / d
      tail = e / d / 2.506628274631
    }
  }
  return x > 0 ? 1 - tail : tail
}

/** The standard normal density. @category distributions */
export const normalPdf = (x: number): number => Math.exp((-x * x) / 2) / 2.5066282746310002

const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239] as const
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1] as const
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783] as const
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416] as const

/**
 * The standard normal quantile Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation refined by
 * one Halley step against {@link normalCdf}, which brings it to about 1e-15.
 *
 * @category distributions
 */
export const normalQuantile = (p: number): number => {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity
    if (p === 1) return Infinity
    throw new RangeError(`normalQuantile needs p in [0, 1], was ${p}`)
  }
  const low = 0.02425
  let x: number
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p))
    x = (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
  } else if (p <= 1 - low) {
    const q = p - 0.5
    const r = q * q
    x = ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
      (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p))
    x = -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
  }
  const e = normalCdf(x) - p
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2)
  return x - u / (1 + (x * u) / 2)
}

/** log(p / (1 - p)). @category transforms */
export const logit = (p: number): number => Math.log(p / (1 - p))

/** 1 / (1 + e^-x), computed without overflow. @category transforms */
export const logistic = (x: number): number => x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))

/**
 * Poisson probabilities P(N = k) for k = 0..n, where n is large enough that the omitted tail is
 * below 1e-12 (so sums over the array are exact to that).
 *
 * @category distributions
 */
export const poissonPmf = (mean: number): Float64Array => {
  if (!(mean >= 0) || !Number.isFinite(mean)) throw new RangeError(`poisson mean must be finite and >= 0, was ${mean}`)
  const n = Math.ceil(mean + 12 * Math.sqrt(mean) + 12)
  const out = new Float64Array(n + 1)
  let p = Math.exp(-mean)
  out[0] = p
  for (let k = 1; k <= n; k++) {
    p = (p * mean) / k
    out[k] = p
  }
  return out
}

/**
 * The distribution of X − Y for independent Poisson X, Y, as (lowest value, probabilities).
 * `probabilities[i]` is P(X − Y = lowest + i).
 *
 * @category distributions
 */
export const skellam = (meanX: number, meanY: number): { readonly lowest: number; readonly probabilities: Float64Array } => {
  const px = poissonPmf(meanX)
  const py = poissonPmf(meanY)
  const lowest = -(py.length - 1)
  const out = new Float64Array(px.length + py.length - 1)
  for (let i = 0; i < px.length; i++) {
    const a = px[i]!
    if (a < 1e-300) continue
    for (let j = 0; j < py.length; j++) out[i - j - lowest]! += a * py[j]!
  }
  return { lowest, probabilities: out }
}

/**
 * A root of a monotone `f` on [lo, hi] by bisection. When `f` does not change sign the nearer
 * bound is returned, so callers get the closest attainable value rather than an exception.
 *
 * @category solvers
 */
export const bisect = (f: (x: number) => number, lo: number, hi: number, tolerance = 1e-10, maxIterations = 200): number => {
  let a = lo
  let b = hi
  let fa = f(a)
  const fb = f(b)
  if (fa === 0) return a
  if (fb === 0) return b
  if (Math.sign(fa) === Math.sign(fb)) return Math.abs(fa) < Math.abs(fb) ? a : b
  for (let i = 0; i < maxIterations && b - a > tolerance; i++) {
    const m = (a + b) / 2
    const fm = f(m)
    if (fm === 0) return m
    if (Math.sign(fm) === Math.sign(fa)) {
      a = m
      fa = fm
    } else {
      b = m
    }
  }
  return (a + b) / 2
}
