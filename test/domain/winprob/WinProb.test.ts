import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import type { GameState } from "../../../src/schema/GameState.ts"
import type { Sport } from "../../../src/schema/Sport.ts"
import { priorOf } from "../../../src/domain/winprob/prior/Prior.ts"
import { noPrior, priorFromOdds } from "../../../src/domain/winprob/prior/Priors.ts"
import { estimate, winProbability } from "../../../src/domain/winprob/WinProb.ts"
import { stateOf } from "./States.ts"

const clocked: ReadonlyArray<readonly [Sport, number]> = [["nba", 2880], ["ncaab", 2400], ["wnba", 2400], ["nfl", 3600], ["ncaaf", 3600], ["nhl", 3600]]

const arbitraryState: fc.Arbitrary<GameState> = fc.oneof(
  fc.tuple(fc.constantFrom(...clocked), fc.nat(140), fc.nat(140), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom("home", "away", undefined)).map(
    ([[sport, total], h, a, f, possession]) =>
      stateOf(sport, sport === "nhl" ? h % 8 : h, sport === "nhl" ? a % 8 : a, {
        period: 2,
        secondsRemaining: f * total,
        ...(possession !== undefined ? { possession } : {}),
        ...(sport === "nfl" || sport === "ncaaf" ? { football: { down: 1 + (h % 4), distance: 1 + (a % 15), yardsToEndzone: 1 + (h % 99) } } : {})
      })
  ),
  fc.tuple(fc.nat(5), fc.nat(5), fc.double({ min: 0, max: 90, noNaN: true }), fc.nat(6)).map(([h, a, minute, stoppage]) =>
    stateOf("soccer", h, a, { period: 2, soccer: { minute, stoppageMinutes: minute >= 90 ? stoppage : 0 } })
  ),
  fc.tuple(fc.nat(10), fc.nat(10), fc.integer({ min: 1, max: 12 }), fc.constantFrom("top", "middle", "bottom", "end"), fc.nat(2), fc.boolean(), fc.boolean()).map(
    ([h, a, inning, half, outs, first, third]) =>
      stateOf("mlb", h, a, { period: inning, baseball: { inning, half, outs, onFirst: first, onSecond: false, onThird: third } })
  ),
  fc.tuple(fc.nat(6), fc.nat(6), fc.nat(4), fc.nat(4), fc.constantFrom("home", "away")).map(([gh, ga, a, b, server]) =>
    stateOf("tennis", 0, 0, { tennis: { sets: [{ home: 6, away: 3 }, { home: gh, away: ga }], homePoints: a, awayPoints: b, server } })
  ),
  fc.tuple(fc.integer({ min: 1, max: 5 }), fc.nat(300)).map(([round, left]) => stateOf("mma", 0, 0, { period: round, periodSecondsRemaining: left, mma: { round, scheduledRounds: 5 } }))
)

describe("winProbability", () => {
  it("returns probabilities in [0, 1] that sum to 1, with a draw only in soccer", () => {
    fc.assert(
      fc.property(arbitraryState, fc.double({ min: 0.05, max: 0.95, noNaN: true }), (state, pHome) => {
        for (const prior of [noPrior(state.sport), priorFromOdds(state.sport, { provider: "t", homeMoneyline: pHome >= 0.5 ? -100 * pHome / (1 - pHome) : 100 * (1 - pHome) / pHome, awayMoneyline: 100, drawMoneyline: 250 })]) {
          const p = winProbability(state, prior)
          for (const v of [p.home, p.draw, p.away]) assert.isTrue(v >= 0 && v <= 1, `${state.sport}: ${JSON.stringify(p)}`)
          assert.closeTo(p.home + p.draw + p.away, 1, 1e-9)
          if (state.sport !== "soccer") assert.strictEqual(p.draw, 0)
        }
      }),
      { numRuns: 300, seed: 6 }
    )
    // 600 model calls; the baseball and hockey models solve per call, slow on a loaded machine
  }, 120_000)
})

describe("estimate", () => {
  it("clamps to the configured bound, reports the tails and says when there is no prior", () => {
    const late = stateOf("nba", 110, 90, { period: 4, secondsRemaining: 20 })
    const e = estimate(late, noPrior("nba"), 0.01)
    assert.isFalse(e.hasPrior)
    assert.strictEqual(e.priorSource, "none")
    assert.closeTo(e.probability.home, 0.99, 1e-12)
    assert.isAbove(e.raw.home, 0.99)
    assert.deepStrictEqual(e.tails.map((t) => `${t.outcome}:${t.side}`), ["home:high", "away:low"])
  })

  it("keeps soccer's three outcomes inside the bound", () => {
    const s = stateOf("soccer", 3, 0, { period: 2, soccer: { minute: 88, stoppageMinutes: 0 } })
    const e = estimate(s, priorFromOdds("soccer", { provider: "t", homeMoneyline: 120, drawMoneyline: 240, awayMoneyline: 230 }), 0.01)
    assert.isTrue(e.hasPrior)
    assert.isAtLeast(e.probability.draw, 0.01 - 1e-12)
    assert.isAtLeast(e.probability.away, 0.01 - 1e-12)
    assert.closeTo(e.probability.home + e.probability.draw + e.probability.away, 1, 1e-12)
  })
})

describe("a long-lived process", () => {
  it("prices a state the same whatever it priced before", () => {
    // A game actor lives for hours and the models memoise prior-derived parameters: what other
    // games asked before must not change this game's figures
    const states = [
      stateOf("nba", 60, 55, { period: 3, secondsRemaining: 900, possession: "home" }),
      stateOf("ncaab", 40, 44, { period: 2, secondsRemaining: 600 }),
      stateOf("nfl", 14, 10, { period: 3, secondsRemaining: 1200, possession: "away", football: { down: 2, distance: 7, yardsToEndzone: 40 } }),
      stateOf("ncaaf", 7, 7, { period: 2, secondsRemaining: 2000, possession: "home", football: { down: 1, distance: 10, yardsToEndzone: 75 } }),
      stateOf("nhl", 1, 0, { period: 2, secondsRemaining: 2000 }),
      stateOf("soccer", 1, 0, { period: 2, soccer: { minute: 60, stoppageMinutes: 0 } })
    ]
    const prior = (sport: Sport, home: number) =>
      priorOf("market", sport === "soccer" ? { home: home * 0.74, draw: 0.26, away: (1 - home) * 0.74 } : { home, away: 1 - home }, "history probe")
    const price = () => states.flatMap((s) => [0.37, 0.64].map((p) => estimate(s, prior(s.sport, p), 0.01)))
    const first = price()
    for (const s of states) for (let i = 0; i < 20; i++) estimate(s, prior(s.sport, 0.2 + i * 0.03), 0.01)
    assert.deepStrictEqual(price(), first)
  })
})
