/**
 * Forecast scoring for binary outcomes: Brier score, log loss, calibration in 5% bins, the
 * extreme-probability audit and a paired bootstrap, as pure functions (WINPROB.md §5).
 *
 * Outcomes are 1 (happened), 0 (did not) or ½ (a tie that splits, as in the NFL spread data).
 *
 * @since 0.1.0
 */

/** One forecast and what happened. @category models */
export interface Forecast {
  readonly p: number
  readonly y: number
}

/** Log loss clips probabilities to [ε, 1 − ε] (WINPROB.md §5: ε = 1e-6). @category parameters */
export const LOG_LOSS_EPSILON = 1e-6

/** Mean squared error of the probability. @category metrics */
export const brier = (forecasts: ReadonlyArray<Forecast>): number => {
  if (forecasts.length === 0) return Number.NaN
  let s = 0
  for (const f of forecasts) s += (f.p - f.y) ** 2
  return s / forecasts.length
}

/** Mean negative log-likelihood (natural log). @category metrics */
export const logLoss = (forecasts: ReadonlyArray<Forecast>, epsilon = LOG_LOSS_EPSILON): number => {
  if (forecasts.length === 0) return Number.NaN
  let s = 0
  for (const f of forecasts) {
    const p = Math.min(1 - epsilon, Math.max(epsilon, f.p))
    s -= f.y * Math.log(p) + (1 - f.y) * Math.log(1 - p)
  }
  return s / forecasts.length
}

/** One calibration bin. @category models */
export interface CalibrationBin {
  readonly lower: number
  readonly upper: number
  readonly count: number
  readonly meanPredicted: number
  readonly observed: number
}

/** Calibration over equal-width bins. @category models */
export interface Calibration {
  readonly bins: ReadonlyArray<CalibrationBin>
  /** Σ (n_b / N)·|mean predicted − observed|: nflfastR's weighted calibration error */
  readonly error: number
  /**
   * The error a perfectly calibrated forecaster would show on this sample, from sampling noise
   * alone: Σ (n_b / N)·√(2/π)·√(Σ p(1−p)) / n_b. An error near this floor is noise, not miscalibration.
   */
  readonly noiseFloor: number
}

/**
 * Calibration in `binWidth` bins (default 0.05, i.e. 20 bins).
 *
 * @category metrics
 */
export const calibration = (forecasts: ReadonlyArray<Forecast>, binWidth = 0.05): Calibration => {
  const n = Math.round(1 / binWidth)
  const count = new Array<number>(n).fill(0)
  const sumP = new Array<number>(n).fill(0)
  const sumY = new Array<number>(n).fill(0)
  const sumVar = new Array<number>(n).fill(0)
  for (const f of forecasts) {
    const b = Math.min(n - 1, Math.max(0, Math.floor(f.p / binWidth)))
    count[b]! += 1
    sumP[b]! += f.p
    sumY[b]! += f.y
    sumVar[b]! += f.p * (1 - f.p)
  }
  const total = forecasts.length
  const bins: Array<CalibrationBin> = []
  let error = 0
  let noiseFloor = 0
  for (let b = 0; b < n; b++) {
    const c = count[b]!
    if (c === 0) continue
    const meanPredicted = sumP[b]! / c
    const observed = sumY[b]! / c
    bins.push({ lower: b * binWidth, upper: (b + 1) * binWidth, count: c, meanPredicted, observed })
    error += (c / total) * Math.abs(meanPredicted - observed)
    noiseFloor += (c / total) * Math.sqrt(2 / Math.PI) * (Math.sqrt(sumVar[b]!) / c)
  }
  return { bins, error: total === 0 ? Number.NaN : error, noiseFloor: total === 0 ? Number.NaN : noiseFloor }
}

/** An estimate with its 95% interval. @category models */
export interface Estimated {
  readonly value: number
  readonly lower: number
  readonly upper: number
}

/** The 2.5% and 97.5% percentiles of bootstrap replicates around a point value. @category metrics */
export const percentileInterval = (value: number, replicates: ReadonlyArray<number>): Estimated => {
  const sorted = replicates.filter(Number.isFinite).sort((a, b) => a - b)
  if (sorted.length === 0) return { value, lower: Number.NaN, upper: Number.NaN }
  return { value, lower: sorted[Math.floor(0.025 * sorted.length)]!, upper: sorted[Math.min(sorted.length - 1, Math.floor(0.975 * sorted.length))]! }
}

/**
 * Bootstrap replicates of column sums: each replicate resamples the units (e.g. one row of sums
 * per game) with replacement, with a fixed seed, and sums every column.
 *
 * @category metrics
 */
export const resampledSums = (units: ReadonlyArray<ReadonlyArray<number>>, iterations: number, seed: number): Array<Float64Array> => {
  const random = seededRandom(seed)
  const width = units[0]?.length ?? 0
  const replicates: Array<Float64Array> = []
  for (let i = 0; i < iterations && units.length > 0; i++) {
    const sums = new Float64Array(width)
    for (let j = 0; j < units.length; j++) {
      const unit = units[Math.floor(random() * units.length)]!
      for (let k = 0; k < width; k++) sums[k]! += unit[k]!
    }
    replicates.push(sums)
  }
  return replicates
}

/** Calibration of forecasts that come in games, with games as the unit of sampling. @category models */
export interface GameCalibration {
  /** The weighted calibration error (as `calibration`'s) */
  readonly error: number
  /**
   * The error a perfectly calibrated forecaster would show from sampling noise alone, with games as
   * the unit: Σ (n_b / N)·√(2/π)·√(Σ_games (Σ_{i in bin b} (y_i − p_i))²) / n_b (a cluster-robust
   * variance from the residuals). The states of a game share one outcome, so this is several times
   * the floor that treats states as independent; an error near it is noise, not miscalibration.
   * (No bootstrap interval: the error is biased upward under resampling, so a percentile interval
   * of it sits above the estimate.)
   */
  readonly noiseFloor: number
  /** The same floor treating every state as an independent draw (`calibration`'s): far too low here */
  readonly independentNoiseFloor: number
}

/**
 * Calibration in `binWidth` bins over games of forecasts (the forecasts of one game share its
 * outcome), with the noise floor taking games as the unit.
 *
 * @category metrics
 */
export const calibrationByGame = (games: ReadonlyArray<ReadonlyArray<Forecast>>, binWidth = 0.05): GameCalibration => {
  const flat = games.flat()
  const pooled = calibration(flat, binWidth)
  const bins = Math.round(1 / binWidth)
  const count = new Float64Array(bins)
  const clustered = new Float64Array(bins)
  for (const forecasts of games) {
    // This game's residual sum per bin
    const residual = new Map<number, number>()
    for (const f of forecasts) {
      const b = Math.min(bins - 1, Math.max(0, Math.floor(f.p / binWidth)))
      count[b]! += 1
      residual.set(b, (residual.get(b) ?? 0) + f.y - f.p)
    }
    for (const [b, r] of residual) clustered[b]! += r * r
  }
  let noiseFloor = 0
  for (let b = 0; b < bins; b++) if (count[b]! > 0) noiseFloor += (count[b]! / flat.length) * Math.sqrt(2 / Math.PI) * (Math.sqrt(clustered[b]!) / count[b]!)
  return { error: pooled.error, noiseFloor: flat.length === 0 ? Number.NaN : noiseFloor, independentNoiseFloor: pooled.noiseFloor }
}

/** The extreme-probability audit (Kaye 2023; WINPROB.md §5.4). @category models */
export interface TailAudit {
  readonly threshold: number
  readonly low: { readonly count: number; readonly happened: number }
  readonly high: { readonly count: number; readonly happened: number }
}

/** Counts forecasts at or below `threshold` and at or above 1 − `threshold`, with how often they happened. @category metrics */
export const tailAudit = (forecasts: ReadonlyArray<Forecast>, threshold = 0.01): TailAudit => {
  let lowCount = 0
  let lowHappened = 0
  let highCount = 0
  let highHappened = 0
  for (const f of forecasts) {
    if (f.p <= threshold) {
      lowCount++
      lowHappened += f.y
    } else if (f.p >= 1 - threshold) {
      highCount++
      highHappened += f.y
    }
  }
  return { threshold, low: { count: lowCount, happened: lowHappened }, high: { count: highCount, happened: highHappened } }
}

/** Brier, log loss, calibration and the tail audit together. @category models */
export interface Scores {
  readonly n: number
  readonly brier: number
  readonly logLoss: number
  readonly calibrationError: number
  readonly calibrationNoiseFloor: number
  readonly tails: TailAudit
}

/** @category metrics */
export const score = (forecasts: ReadonlyArray<Forecast>): Scores => {
  const c = calibration(forecasts)
  return {
    n: forecasts.length,
    brier: brier(forecasts),
    logLoss: logLoss(forecasts),
    calibrationError: c.error,
    calibrationNoiseFloor: c.noiseFloor,
    tails: tailAudit(forecasts)
  }
}

/** A small seeded PRNG (mulberry32), so a bootstrap is reproducible. @category random */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A mean with a percentile bootstrap interval. @category models */
export interface Interval {
  readonly mean: number
  readonly lower: number
  readonly upper: number
}

/**
 * Percentile bootstrap (95%) of the mean of per-unit values, resampling units (e.g. games) with a
 * fixed seed. For a paired comparison pass each unit's difference of scores.
 *
 * @category metrics
 */
export const bootstrapMean = (values: ReadonlyArray<number>, iterations = 1000, seed = 1): Interval => {
  const n = values.length
  if (n === 0) return { mean: Number.NaN, lower: Number.NaN, upper: Number.NaN }
  const mean = values.reduce((a, b) => a + b, 0) / n
  const { lower, upper } = percentileInterval(mean, resampledSums(values.map((v) => [v]), iterations, seed).map(([s]) => s! / n))
  return { mean, lower, upper }
}
