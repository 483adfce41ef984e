/**
 * Baseball (MLB): win expectancy from a base–out Markov chain, shifted by the pre-game price.
 *
 * **Half-inning runs.** Each plate appearance is a strikeout, walk/HBP, single, double, triple,
 * home run or other out, with league-average rates (approximate MLB 2021–23 rates: K 22.2%,
 * BB+HBP 9.6%, 1B 14.5%, 2B 4.6%, 3B 0.4%, HR 3.2%; unverified). Runners advance by simple rules
 * (on a single a runner on second scores 60% of the time and a runner on first reaches third 28%;
 * on a double a runner on first scores 40%; on an out with fewer than two outs a runner on third
 * scores 50%, a runner on second advances 40%, and with a runner on first 13% of outs are double
 * plays). The chain over the 24 base–out states gives the distribution of runs in the rest of a
 * half-inning from any state. It reproduces the run-expectancy table closely: 0.49 runs from
 * 0 out, bases empty (the 1984–94 table in WINPROB.md §1.7 gives 0.49) and 2.17 with the bases
 * loaded and none out.
 *
 * **Game.** A backward recursion over half-innings (home bats last; a home lead after the top of
 * the 9th or later ends the game, and a home lead in the bottom of the 9th or later is a walk-off).
 * Extra innings start with a runner on second (the regular-season rule since 2020).
 *
 * **Prior.** Team strength tilts each side's half-inning run distribution exponentially,
 * P_θ(r) ∝ P(r)·e^{θr}; θ_home = +θ/2 and θ_away = −θ/2 with θ solved so that the first pitch
 * reproduces the prior's P(home). With no prior the home side wins 54% (the long-run MLB home win
 * rate, approximate).
 *
 * @since 0.1.0
 */
import type { BaseballContext, GameState } from "../../schema/GameState.ts"
import { lead, memo, settled } from "./Common.ts"
import { bisect } from "./Distributions.ts"
import { homeShare, type Prior } from "./prior/Prior.ts"
import { twoWay, type WinProbability } from "./WinProbability.ts"

const MAX_RUNS = 30
const MAX_LEAD = 30
const REGULATION_INNINGS = 9

/** League-average plate-appearance outcome rates (see the module header). @category parameters */
export const plateAppearanceRates = { strikeout: 0.222, walk: 0.096, single: 0.145, double: 0.046, triple: 0.004, homeRun: 0.032 } as const

/** Pre-game P(home) with no team information. @category parameters */
export const baseballHomeEdge = 0.54

type Transition = readonly [probability: number, outs: number, bases: number, runs: number]

const bit = (bases: number, base: 0 | 1 | 2): boolean => ((bases >> base) & 1) === 1
const basesOf = (first: boolean, second: boolean, third: boolean): number => (first ? 1 : 0) | (second ? 2 : 0) | (third ? 4 : 0)

const transitions = (outs: number, bases: number): ReadonlyArray<Transition> => {
  const r = plateAppearanceRates
  const other = 1 - r.strikeout - r.walk - r.single - r.double - r.triple - r.homeRun
  const f = bit(bases, 0)
  const s = bit(bases, 1)
  const t = bit(bases, 2)
  const out: Array<Transition> = []
  const add = (p: number, o: number, b: number, runs: number) => {
    if (p > 0) out.push([p, o, b, runs])
  }
  add(r.strikeout, outs + 1, bases, 0)
  // Walk: forced advances only
  add(r.walk, outs, basesOf(true, f || s, (f && s) || t), f && s && t ? 1 : 0)
  add(r.homeRun, outs, 0, 1 + (f ? 1 : 0) + (s ? 1 : 0) + (t ? 1 : 0))
  add(r.triple, outs, basesOf(false, false, true), (f ? 1 : 0) + (s ? 1 : 0) + (t ? 1 : 0))
  const doubleRuns = (s ? 1 : 0) + (t ? 1 : 0)
  if (f) {
    add(r.double * 0.4, outs, basesOf(false, true, false), doubleRuns + 1)
    add(r.double * 0.6, outs, basesOf(false, true, true), doubleRuns)
  } else {
    add(r.double, outs, basesOf(false, true, false), doubleRuns)
  }
  for (const [p2, secondScores] of s ? ([[0.6, true], [0.4, false]] as const) : ([[1, false]] as const)) {
    for (const [p1, firstToThird] of f ? ([[0.72, false], [0.28, true]] as const) : ([[1, false]] as const)) {
      const third = s && !secondScores
      const runs = (t ? 1 : 0) + (s && secondScores ? 1 : 0)
      const b = basesOf(true, f && (!firstToThird || third), third || (f && firstToThird && !third))
      add(r.single * p2 * p1, outs, b, runs)
    }
  }
  if (outs === 2) {
    add(other, 3, 0, 0)
  } else {
    const doublePlay = f ? 0.13 : 0
    if (doublePlay > 0) add(other * doublePlay, outs + 2, outs + 2 >= 3 ? 0 : basesOf(false, s, t), 0)
    const rest = other * (1 - doublePlay)
    for (const [p3, thirdScores] of t ? ([[0.5, true], [0.5, false]] as const) : ([[1, false]] as const)) {
      for (const [p2, secondAdvances] of s ? ([[0.4, true], [0.6, false]] as const) : ([[1, false]] as const)) {
        const third = (t && !thirdScores) || (s && secondAdvances)
        add(rest * p3 * p2, outs + 1, basesOf(f, s && !secondAdvances, third), thirdScores ? 1 : 0)
      }
    }
  }
  return out
}

/**
 * Runs scored in the rest of a half-inning from each base–out state: `table[outs * 8 + bases][r]`.
 * Solved by iterating the chain to convergence.
 *
 * @category kernels
 */
export const halfInningRuns: ReadonlyArray<Float64Array> = (() => {
  const states = 24
  const moves = Array.from({ length: states }, (_, i) => transitions(Math.floor(i / 8), i % 8))
  let table = Array.from({ length: states }, () => new Float64Array(MAX_RUNS + 1))
  for (let iteration = 0; iteration < 400; iteration++) {
    const next = Array.from({ length: states }, () => new Float64Array(MAX_RUNS + 1))
    let change = 0
    for (let i = 0; i < states; i++) {
      const row = next[i]!
      for (const [p, o, b, runs] of moves[i]!) {
        if (o >= 3) {
          row[Math.min(runs, MAX_RUNS)]! += p
        } else {
          const from = table[o * 8 + b]!
          for (let k = 0; k + runs <= MAX_RUNS; k++) row[k + runs]! += p * from[k]!
        }
      }
      for (let k = 0; k <= MAX_RUNS; k++) change = Math.max(change, Math.abs(row[k]! - table[i]![k]!))
    }
    table = next
    if (change < 1e-15) break
  }
  return table
})()

const tilt = (runs: Float64Array, theta: number): Float64Array => {
  const out = new Float64Array(runs.length)
  let total = 0
  for (let r = 0; r < runs.length; r++) {
    const v = runs[r]! * Math.exp(theta * r)
    out[r] = v
    total += v
  }
  for (let r = 0; r < runs.length; r++) out[r] = out[r]! / total
  return out
}

const EMPTY = 0
const RUNNER_ON_SECOND = 2

interface Game {
  /** P(home wins) at the start of the top of `inning` with home lead `d` */
  readonly top: (inning: number, d: number) => number
  /** P(home wins) at the start of the bottom of `inning` with home lead `d` */
  readonly bottom: (inning: number, d: number) => number
  readonly homeTheta: number
  readonly awayTheta: number
}

const clampLead = (d: number): number => Math.max(-MAX_LEAD, Math.min(MAX_LEAD, d))

const makeGame = (theta: number): Game => {
  const homeTheta = theta / 2
  const awayTheta = -theta / 2
  const home = tilt(halfInningRuns[EMPTY]!, homeTheta)
  const away = tilt(halfInningRuns[EMPTY]!, awayTheta)
  const homeExtra = tilt(halfInningRuns[RUNNER_ON_SECOND]!, homeTheta)
  const awayExtra = tilt(halfInningRuns[RUNNER_ON_SECOND]!, awayTheta)
  // Tied at the start of an extra inning: the same value for every inning from the 10th
  let num = 0
  let den = 1
  for (let r = 0; r <= MAX_RUNS; r++) {
    let beyond = 0
    for (let k = r + 1; k <= MAX_RUNS; k++) beyond += homeExtra[k]!
    num += awayExtra[r]! * beyond
    den -= awayExtra[r]! * homeExtra[r]!
  }
  const extraTied = num / den
  const tops = new Map<string, number>()
  const bottoms = new Map<string, number>()
  const top = (inning: number, d: number): number => {
    if (inning > REGULATION_INNINGS) return d > 0 ? 1 : d < 0 ? 0 : extraTied
    const key = `${inning}:${d}`
    const hit = tops.get(key)
    if (hit !== undefined) return hit
    let v = 0
    for (let r = 0; r <= MAX_RUNS; r++) v += away[r]! * bottom(inning, clampLead(d - r))
    tops.set(key, v)
    return v
  }
  const bottom = (inning: number, d: number): number => {
    if (inning >= REGULATION_INNINGS && d > 0) return 1
    const key = `${inning}:${d}`
    const hit = bottoms.get(key)
    if (hit !== undefined) return hit
    const runs = inning > REGULATION_INNINGS ? homeExtra : home
    let v = 0
    for (let r = 0; r <= MAX_RUNS; r++) v += runs[r]! * afterBottom(inning, d + r)
    bottoms.set(key, v)
    return v
  }
  const afterBottom = (inning: number, d: number): number => {
    if (inning >= REGULATION_INNINGS) return d > 0 ? 1 : d < 0 ? 0 : top(inning + 1, 0)
    return top(inning + 1, clampLead(d))
  }
  return { top, bottom, homeTheta, awayTheta }
}

const games = memo<Game>(64)

/** The game for a prior: θ solved so that the first pitch matches the prior's P(home). */
const gameFor = (prior: Prior): Game => {
  const target = homeShare(prior)
  return games(`${target}`, () => {
    const theta = bisect((th) => makeGame(th).top(1, 0) - target, -4, 4, 1e-9)
    return makeGame(theta)
  })
}

/** P(home) from a mid-inning state: rest-of-half runs, then the recursion. */
const fromState = (game: Game, ctx: BaseballContext, d: number): number => {
  const half = ctx.half === "middle" || (ctx.half === "top" && ctx.outs >= 3)
    ? "startBottom"
    : ctx.half === "end" || (ctx.half === "bottom" && ctx.outs >= 3)
    ? "startTop"
    : ctx.half
  const inning = ctx.inning
  if (half === "startBottom") return game.bottom(inning, clampLead(d))
  if (half === "startTop") {
    if (inning >= REGULATION_INNINGS && d !== 0) return d > 0 ? 1 : 0
    return game.top(inning + 1, clampLead(d))
  }
  const bases = basesOf(ctx.onFirst, ctx.onSecond, ctx.onThird)
  const batting = half === "top" ? game.awayTheta : game.homeTheta
  const rest = tilt(halfInningRuns[ctx.outs * 8 + bases]!, batting)
  let v = 0
  if (half === "top") {
    for (let r = 0; r <= MAX_RUNS; r++) v += rest[r]! * game.bottom(inning, clampLead(d - r))
    return v
  }
  for (let r = 0; r <= MAX_RUNS; r++) {
    const e = d + r
    const after = inning >= REGULATION_INNINGS ? (e > 0 ? 1 : e < 0 ? 0 : game.top(inning + 1, 0)) : game.top(inning + 1, clampLead(e))
    v += rest[r]! * after
  }
  return v
}

/** @category models */
export const baseball = (state: GameState, prior: Prior): WinProbability => {
  const done = settled(state)
  if (done !== undefined) return done
  const game = gameFor(prior)
  const ctx = state.baseball
  if (ctx === undefined) return twoWay(state.period <= 0 ? game.top(1, 0) : game.top(Math.max(1, state.period), clampLead(lead(state))))
  return twoWay(fromState(game, ctx, lead(state)))
}
