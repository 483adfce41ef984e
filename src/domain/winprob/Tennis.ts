/**
 * Tennis (ATP, WTA): the point-level Markov chain, from the current point up through game,
 * tiebreak, set and match (WINPROB.md §1.6; Barnett & Brown, "The Mathematics of Tennis").
 *
 * Each player wins a point on serve with a fixed probability (p for home, r for away), points
 * independent. A service game is won from points (a, b) by recursion, with deuce in closed form
 * p²/(p² + q²); the whole game from 0-0 equals G(p) = p⁴(1 + 4q + 10q²) + 20p³q³·p²/(1 − 2pq).
 * A tiebreak recurses over points with the serve changing after the first point and then every
 * two, and from level at (target − 1)-all in closed form a/(1 − b) (a = both points of a pair won,
 * b = a split). A set recurses over games with the serve alternating, a tiebreak at 6-6; a match
 * over sets.
 *
 * **Rules.** Best of 3 unless the state says 5. The deciding set of a best-of-5 match has a
 * 10-point tiebreak at 6-6 (all four majors since 2022); other sets a 7-point one.
 *
 * **Prior.** p and r straddle the tour's mean serve-point win rate, p + r = 2m, with the gap solved
 * so the match at 0-0 reproduces the prior's P(home) (WINPROB.md §1.6). m = 0.64 ATP and 0.56 WTA
 * (approximate tour averages, unverified). With no prior the players are equal. When the state
 * does not say who serves, the two possibilities are averaged.
 *
 * @since 0.1.0
 */
import type { GameState, Side, TennisContext } from "../../schema/GameState.ts"
import { memo, settled } from "./Common.ts"
import { bisect } from "./Distributions.ts"
import { homeShare, type Prior } from "./prior/Prior.ts"
import { twoWay, type WinProbability } from "./WinProbability.ts"

/** Mean serve-point win probability by tour (approximate). @category parameters */
export const tourServeMean = { atp: 0.64, wta: 0.56 } as const

/**
 * P(the server wins the game) from server points `a` and receiver points `b` (0, 15, 30, 40 as
 * 0..3; advantage as 4).
 *
 * @category kernels
 */
export const gameWin = (p: number, a = 0, b = 0): number => {
  const q = 1 - p
  if (a >= 4 && a - b >= 2) return 1
  if (b >= 4 && b - a >= 2) return 0
  if (a >= 3 && b >= 3) {
    const deuce = (p * p) / (p * p + q * q)
    if (a === b) return deuce
    return a > b ? p + q * deuce : p * deuce
  }
  return p * gameWin(p, a + 1, b) + q * gameWin(p, a, b + 1)
}

/**
 * P(home wins the tiebreak) from points (a, b), `homeServes` saying who serves the next point.
 * `home`/`away` are the serve-point probabilities.
 *
 * @category kernels
 */
export const tiebreakWin = (home: number, away: number, a: number, b: number, homeServes: boolean, target = 7): number => {
  const cache = new Map<string, number>()
  const go = (x: number, y: number, serving: boolean): number => {
    if (x >= target && x - y >= 2) return 1
    if (y >= target && y - x >= 2) return 0
    if (x >= target - 1 && x === y) {
      const both = home * (1 - away)
      const split = home * away + (1 - home) * (1 - away)
      return both / (1 - split)
    }
    const key = `${x}:${y}:${serving}`
    const hit = cache.get(key)
    if (hit !== undefined) return hit
    const win = serving ? home : 1 - away
    // The serve changes after the first point, then after every second point
    const next = (x + y) % 2 === 0 ? !serving : serving
    const v = win * go(x + 1, y, next) + (1 - win) * go(x, y + 1, next)
    cache.set(key, v)
    return v
  }
  return go(a, b, homeServes)
}

interface MatchSpec {
  readonly home: number
  readonly away: number
  readonly bestOf: 3 | 5
}

const setOver = (x: number, y: number): boolean => (x >= 6 && x - y >= 2) || x === 7

/** P(home wins the match) at the start of a game. */
const matchFromGame = (spec: MatchSpec, cache: Map<string, number>, setsHome: number, setsAway: number, gh: number, ga: number, homeServes: boolean): number => {
  const need = (spec.bestOf + 1) / 2
  if (setsHome >= need) return 1
  if (setsAway >= need) return 0
  const key = `${setsHome}:${setsAway}:${gh}:${ga}:${homeServes}`
  const hit = cache.get(key)
  if (hit !== undefined) return hit
  let v: number
  if (gh === 6 && ga === 6) {
    const decider = setsHome === need - 1 && setsAway === need - 1
    const target = decider && spec.bestOf === 5 ? 10 : 7
    const t = tiebreakWin(spec.home, spec.away, 0, 0, homeServes, target)
    // The player who received first in the tiebreak serves first in the next set
    v = t * matchFromGame(spec, cache, setsHome + 1, setsAway, 0, 0, !homeServes) +
      (1 - t) * matchFromGame(spec, cache, setsHome, setsAway + 1, 0, 0, !homeServes)
  } else {
    const hold = homeServes ? gameWin(spec.home) : 1 - gameWin(spec.away)
    v = hold * afterGame(spec, cache, setsHome, setsAway, gh + 1, ga, !homeServes) +
      (1 - hold) * afterGame(spec, cache, setsHome, setsAway, gh, ga + 1, !homeServes)
  }
  cache.set(key, v)
  return v
}

const afterGame = (spec: MatchSpec, cache: Map<string, number>, setsHome: number, setsAway: number, gh: number, ga: number, homeServes: boolean): number => {
  if (setOver(gh, ga)) return matchFromGame(spec, cache, setsHome + 1, setsAway, 0, 0, homeServes)
  if (setOver(ga, gh)) return matchFromGame(spec, cache, setsHome, setsAway + 1, 0, 0, homeServes)
  return matchFromGame(spec, cache, setsHome, setsAway, gh, ga, homeServes)
}

/** Completed sets won by each side and the games of the set in play. */
const score = (ctx: TennisContext): { readonly setsHome: number; readonly setsAway: number; readonly gh: number; readonly ga: number } => {
  let setsHome = 0
  let setsAway = 0
  const sets = ctx.sets
  for (let i = 0; i < sets.length - 1; i++) {
    const s = sets[i]!
    if (s.home > s.away) setsHome++
    else if (s.away > s.home) setsAway++
  }
  const last = sets[sets.length - 1]
  if (last === undefined) return { setsHome, setsAway, gh: 0, ga: 0 }
  // A finished last set means the next one has not started yet
  if (setOver(last.home, last.away)) return { setsHome: setsHome + 1, setsAway, gh: 0, ga: 0 }
  if (setOver(last.away, last.home)) return { setsHome, setsAway: setsAway + 1, gh: 0, ga: 0 }
  return { setsHome, setsAway, gh: last.home, ga: last.away }
}

/**
 * P(home wins the match) from a tennis state, given serve-point probabilities, for a known server.
 *
 * @category kernels
 */
export const matchWin = (spec: MatchSpec, ctx: TennisContext, server: Side): number => {
  const cache = new Map<string, number>()
  const { setsHome, setsAway, gh, ga } = score(ctx)
  const homeServes = server === "home"
  const a = ctx.homePoints ?? 0
  const b = ctx.awayPoints ?? 0
  if (a === 0 && b === 0) return matchFromGame(spec, cache, setsHome, setsAway, gh, ga, homeServes)
  if (gh === 6 && ga === 6) {
    const need = (spec.bestOf + 1) / 2
    const decider = setsHome === need - 1 && setsAway === need - 1
    const t = tiebreakWin(spec.home, spec.away, a, b, homeServes, decider && spec.bestOf === 5 ? 10 : 7)
    // Who served the tiebreak's first point: the serve changes after points 1, 3, 5, ...
    const n = a + b
    const firstServerIsHome = Math.floor((n + 1) / 2) % 2 === 0 ? homeServes : !homeServes
    return t * matchFromGame(spec, cache, setsHome + 1, setsAway, 0, 0, !firstServerIsHome) +
      (1 - t) * matchFromGame(spec, cache, setsHome, setsAway + 1, 0, 0, !firstServerIsHome)
  }
  const game = homeServes ? gameWin(spec.home, a, b) : 1 - gameWin(spec.away, b, a)
  return game * afterGame(spec, cache, setsHome, setsAway, gh + 1, ga, !homeServes) +
    (1 - game) * afterGame(spec, cache, setsHome, setsAway, gh, ga + 1, !homeServes)
}

const START: TennisContext = { sets: [] }

const eitherServer = (spec: MatchSpec, ctx: TennisContext, server: Side | undefined): number =>
  server !== undefined ? matchWin(spec, ctx, server) : (matchWin(spec, ctx, "home") + matchWin(spec, ctx, "away")) / 2

const specs = memo<MatchSpec>(128)

/** Serve-point probabilities that reproduce the prior's P(home) at 0-0. @category parameters */
export const servePoints = (prior: Prior, mean: number, bestOf: 3 | 5): MatchSpec => {
  const target = homeShare(prior)
  return specs(`${target}:${mean}:${bestOf}`, () => {
    const at = (gap: number): MatchSpec => ({ home: mean + gap / 2, away: mean - gap / 2, bestOf })
    const limit = 2 * Math.min(mean, 1 - mean) - 1e-6
    const gap = bisect((g) => eitherServer(at(g), START, undefined) - target, -limit, limit, 1e-10)
    return at(gap)
  })
}

/** @category models */
export const tennis = (state: GameState, prior: Prior): WinProbability => {
  const done = settled(state)
  if (done !== undefined) return done
  const ctx = state.tennis ?? START
  const bestOf = ctx.bestOf ?? 3
  const spec = servePoints(prior, state.league === "wta" ? tourServeMean.wta : tourServeMean.atp, bestOf)
  return twoWay(eitherServer(spec, ctx, ctx.server))
}
