/**
 * The extreme-probability guard: no model probability reaches trading closer to 0 or 1 than a
 * configured bound (`model.probabilityBound`, 0.01 by default).
 *
 * Markets at 1¢ or 99¢ are where naive models lose money: a model that says 99.9% when the truth is
 * 97% bleeds on every "sure thing" (Kaye 2023 found ESPN's college-football model hands out >99% too
 * often; WINPROB.md §1.4). So every possible outcome is held inside [bound, 1 − bound], the rest of
 * the mass is rescaled, and the result says which outcomes were clamped ("tails"), so they can be
 * counted and audited. Outcomes a sport cannot produce (a draw in basketball) stay at 0.
 *
 * @since 0.1.0
 */
import type { WinProbability } from "./WinProbability.ts"

/** @category models */
export type Outcome = "home" | "draw" | "away"

/** A guarded probability and what the guard did. @category models */
export interface Guarded {
  readonly probability: WinProbability
  /** The model's own output, before the guard */
  readonly raw: WinProbability
  /** Outcomes whose raw probability was below the bound (`low`) or above 1 − bound (`high`) */
  readonly tails: ReadonlyArray<{ readonly outcome: Outcome; readonly side: "low" | "high"; readonly raw: number }>
}

const OUTCOMES: ReadonlyArray<Outcome> = ["home", "draw", "away"]

/**
 * Clamps every possible outcome into [bound, 1 − bound]. `possible` lists the outcomes the sport
 * can produce (default: those with positive probability, and home/away always).
 *
 * @category guards
 */
export const guard = (raw: WinProbability, bound: number, possible?: ReadonlyArray<Outcome>): Guarded => {
  if (!(bound >= 0 && bound < 1 / 3)) throw new RangeError(`probability bound must be in [0, 1/3), was ${bound}`)
  const live = possible ?? OUTCOMES.filter((o) => o !== "draw" || raw.draw > 0)
  const tails: Array<{ outcome: Outcome; side: "low" | "high"; raw: number }> = []
  for (const o of live) {
    if (raw[o] < bound) tails.push({ outcome: o, side: "low", raw: raw[o] })
    else if (raw[o] > 1 - bound) tails.push({ outcome: o, side: "high", raw: raw[o] })
  }
  if (tails.length === 0 || bound === 0) return { probability: raw, raw, tails }
  // Lift the low outcomes to the bound and take the mass proportionally from the others; repeat in
  // case that pushes another outcome under the bound (at most once per outcome)
  const fixed = new Set<Outcome>()
  const out: Record<Outcome, number> = { home: raw.home, draw: live.includes("draw") ? raw.draw : 0, away: raw.away }
  for (let round = 0; round < live.length; round++) {
    for (const o of live) if (!fixed.has(o) && out[o] < bound) fixed.add(o)
    const free = live.filter((o) => !fixed.has(o))
    const freeMass = free.reduce((s, o) => s + out[o], 0)
    const target = 1 - bound * fixed.size
    for (const o of fixed) out[o] = bound
    if (freeMass > 0) for (const o of free) out[o] = (out[o] * target) / freeMass
    if (free.every((o) => out[o] >= bound)) break
  }
  return { probability: { home: out.home, draw: out.draw, away: out.away }, raw, tails }
}
