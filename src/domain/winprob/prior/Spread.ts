/**
 * Point spread → pre-game P(home wins).
 *
 * **Basketball and college football** (WINPROB.md §3.1): the final margin is N(μ, σ²) around the
 * line, μ = −(home spread), and P(win) = Φ(μ/σ) (basketball: overtime makes the margin never 0) or
 * the tie-aware form 1 − Φ((0.5−μ)/σ) + ½[Φ((0.5−μ)/σ) − Φ((−0.5−μ)/σ)].
 *
 * **NFL: key numbers.** NFL margins pile up on 3 and 7, and the line is set at the median margin,
 * so a 1-point favourite wins barely more than half its games while a 3-point favourite wins
 * about 59%. The model: P(M = k) ∝ φ((k − c)/σ)·w(|k|) over integer margins k, with weights
 * w(0), w(3), w(7) and the centre c solved so that P(M > s) = P(M < s) (the line is the median).
 * σ = 13.45 is PFR's 1978–2012 figure. w(3) = 3.55 and w(7) = 3.61 were fitted (least squares)
 * to the five nflfastR kickoff `vegas_wp` values published in `reference/calculate_win_probability`
 * (home favoured by 1, 3, 4, 7, 14 → .515, .596, .638, .737, .866; 1999–2019 training data);
 * w(0) = 0.1 makes a final tie about 0.3% likely, as in the NFL. The fit reproduces those five
 * values within 0.006. It was not fitted to `shared/data/pregame`, which stays out of sample.
 *
 * @since 0.1.0
 */
import type { Sport } from "../../../schema/Sport.ts"
import { bisect, normalCdf } from "../Distributions.ts"

/** Φ(μ/σ): margins are continuous or overtime decides ties. @category spread */
export const gaussianWin = (margin: number, sigma: number): number => normalCdf(margin / sigma)

/** The tie-aware Stern/Winston form for integer margins, a tie counting half. @category spread */
export const tieAwareWin = (margin: number, sigma: number): number => {
  const a = normalCdf((0.5 - margin) / sigma)
  const b = normalCdf((-0.5 - margin) / sigma)
  return 1 - a + 0.5 * (a - b)
}

/** The key-number margin model's parameters. @category models */
export interface KeyNumberModel {
  readonly sigma: number
  /** Weight on |margin| = k; margins not listed weigh 1 */
  readonly weights: Readonly<Record<number, number>>
}

/** The NFL key-number model (see the module header for where each number comes from). @category models */
export const nflKeyNumbers: KeyNumberModel = { sigma: 13.45, weights: { 0: 0.1, 3: 3.55, 7: 3.61 } }

/**
 * The final-margin distribution for a team favoured by `spread` points (negative = underdog), as
 * probabilities over margins `lowest..lowest + n − 1`.
 *
 * @category spread
 */
export const keyNumberMargins = (spread: number, model: KeyNumberModel): { readonly lowest: number; readonly probabilities: Float64Array } => {
  const reach = Math.ceil(Math.abs(spread) + 9 * model.sigma)
  const lowest = -reach
  const n = 2 * reach + 1
  const base = new Float64Array(n)
  for (let i = 0; i < n; i++) base[i] = model.weights[Math.abs(lowest + i)] ?? 1
  const at = (centre: number): Float64Array => {
    const p = new Float64Array(n)
    let total = 0
    for (let i = 0; i < n; i++) {
      const z = (lowest + i - centre) / model.sigma
      const v = base[i]! * Math.exp(-0.5 * z * z)
      p[i] = v
      total += v
    }
    for (let i = 0; i < n; i++) p[i] = p[i]! / total
    return p
  }
  // Centre so that the line is the median: P(M > s) = P(M < s)
  const imbalance = (centre: number): number => {
    const p = at(centre)
    let above = 0
    let below = 0
    for (let i = 0; i < n; i++) {
      const k = lowest + i
      if (k > spread) above += p[i]!
      else if (k < spread) below += p[i]!
    }
    return above - below
  }
  const centre = bisect(imbalance, spread - 4 * model.sigma, spread + 4 * model.sigma, 1e-9)
  return { lowest, probabilities: at(centre) }
}

/** P(win) for a team favoured by `spread` under a key-number model; a tie counts half. @category spread */
export const keyNumberWin = (spread: number, model: KeyNumberModel = nflKeyNumbers): number => {
  if (spread === 0) return 0.5
  const { lowest, probabilities } = keyNumberMargins(spread, model)
  let p = 0
  for (let i = 0; i < probabilities.length; i++) {
    const k = lowest + i
    if (k > 0) p += probabilities[i]!
    else if (k === 0) p += 0.5 * probabilities[i]!
  }
  return p
}

/**
 * σ of the final margin around the line, per sport (WINPROB.md §3.2): NBA 12 (Sagarin via
 * Winston); NCAAB 10.5 (Sagarin's 10, "a little above 10" for 2004–18); WNBA 11 (no published
 * figure found; between the NBA and NCAAB values, unverified); NCAAF 16 (Sagarin).
 *
 * @category models
 */
export const spreadSigma: Partial<Record<Sport, number>> = { nba: 12, ncaab: 10.5, wnba: 11, nfl: 13.45, ncaaf: 16 }

/**
 * Pre-game P(home wins) from the home spread (negative when home is favoured), or `undefined` for
 * sports whose spread is a fixed ±1.5 run or puck line (MLB, NHL) or has no meaning.
 *
 * @category spread
 */
export const homeWinFromSpread = (sport: Sport, homeSpread: number): number | undefined => {
  const favouredBy = -homeSpread
  switch (sport) {
    case "nfl":
      return keyNumberWin(favouredBy, nflKeyNumbers)
    case "ncaaf":
      return tieAwareWin(favouredBy, spreadSigma.ncaaf!)
    case "nba":
    case "ncaab":
    case "wnba":
      return gaussianWin(favouredBy, spreadSigma[sport]!)
    default:
      return undefined
  }
}
