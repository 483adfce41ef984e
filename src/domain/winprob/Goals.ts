/**
 * The Poisson kernel shared by the goal sports (soccer, hockey): final-result probabilities from the
 * current lead and the expected goals each side still scores (WINPROB.md §1.5).
 *
 * @since 0.1.0
 */
import { bisect, skellam } from "./Distributions.ts"

/** P(home ahead), P(level), P(away ahead) at the end. @category kernels */
export interface Finish {
  readonly home: number
  readonly level: number
  readonly away: number
}

/**
 * The finish from home lead `lead` with independent Poisson goals still to come: `home` and `away`
 * are the expected remaining goals of each side.
 *
 * @category kernels
 */
export const finish = (lead: number, home: number, away: number): Finish => {
  const { lowest, probabilities } = skellam(Math.max(0, home), Math.max(0, away))
  let h = 0
  let l = 0
  let a = 0
  for (let i = 0; i < probabilities.length; i++) {
    const final = lead + lowest + i
    const p = probabilities[i]!
    if (final > 0) h += p
    else if (final === 0) l += p
    else a += p
  }
  const total = h + l + a
  return { home: h / total, level: l / total, away: a / total }
}

/**
 * Expected goals (home, away) with total `total` whose full-game finish puts `target` of the decided
 * games on the home side, i.e. P(home) / (P(home) + P(away)) = target.
 *
 * @category parameters
 */
export const ratesForShare = (target: number, total: number): { readonly home: number; readonly away: number } => {
  const share = (supremacy: number) => {
    const f = finish(0, (total + supremacy) / 2, (total - supremacy) / 2)
    return f.home / (f.home + f.away)
  }
  const s = bisect((x) => share(x) - target, -total + 1e-6, total - 1e-6, 1e-10)
  return { home: (total + s) / 2, away: (total - s) / 2 }
}

/**
 * Expected goals matching a three-way price: the total is chosen so that independent Poisson goals
 * reproduce the draw probability (within [0.5, 8] goals), then the split so they reproduce the
 * home share of decided games.
 *
 * @category parameters
 */
export const ratesForThreeWay = (home: number, draw: number, away: number): { readonly home: number; readonly away: number } => {
  const target = home / (home + away)
  const drawAt = (total: number) => {
    const r = ratesForShare(target, total)
    return finish(0, r.home, r.away).level
  }
  const total = bisect((t) => drawAt(t) - draw, 0.5, 8, 1e-6)
  return ratesForShare(target, total)
}
