import { assert, describe, it } from "@effect/vitest"
import type { BaseballContext, GameState } from "../../../src/schema/GameState.ts"
import { baseball, halfInningRuns } from "../../../src/domain/winprob/Baseball.ts"
import { priorOf } from "../../../src/domain/winprob/prior/Prior.ts"
import { stateOf } from "./States.ts"

const even = priorOf("market", { home: 0.5, away: 0.5 }, "even")
const favoured = priorOf("moneyline", { home: 0.6, away: 0.4 }, "home -150")
const ctx = (inning: number, half: BaseballContext["half"], outs: number, bases = "", extra: Partial<BaseballContext> = {}): BaseballContext => ({
  inning,
  half,
  outs,
  onFirst: bases.includes("1"),
  onSecond: bases.includes("2"),
  onThird: bases.includes("3"),
  ...extra
})
const mlb = (home: number, away: number, c: BaseballContext, extra: Partial<GameState> = {}) => stateOf("mlb", home, away, { period: c.inning, baseball: c, ...extra })
const runs = (outs: number, bases: number) => halfInningRuns[outs * 8 + bases]!.reduce((s, p, r) => s + p * r, 0)

describe("half-inning run distribution", () => {
  it("is a distribution and matches the run-expectancy table", () => {
    for (const row of halfInningRuns) assert.closeTo(row.reduce((a, b) => a + b, 0), 1, 1e-9)
    // 0 out, bases empty: 0.49 runs (1984–94 RE table, WINPROB.md §1.7)
    assert.closeTo(runs(0, 0), 0.49, 0.02)
    // More runners and fewer outs are worth more
    assert.isAbove(runs(0, 7), 2.0)
    assert.isAbove(runs(0, 1), runs(1, 1))
    assert.isAbove(runs(1, 1), runs(2, 1))
    assert.isAbove(runs(1, 4), runs(1, 2))
  })
})

describe("baseball", () => {
  it("reproduces the prior at the first pitch", () => {
    assert.closeTo(baseball(mlb(0, 0, ctx(1, "top", 0)), favoured).home, 0.6, 1e-8)
    assert.closeTo(baseball(mlb(0, 0, ctx(1, "top", 0)), even).home, 0.5, 1e-8)
  })

  it("gives published-style late values for evenly matched teams", () => {
    // Bottom 9th, tied, none out, bases empty: the home side scores at least once about 26% of the
    // time, otherwise extra innings (~50/50)
    const walkOffChance = 1 - halfInningRuns[0]![0]!
    assert.closeTo(baseball(mlb(3, 3, ctx(9, "bottom", 0)), even).home, walkOffChance + (1 - walkOffChance) * 0.5, 1e-6)
    // Home up 1 going to the top of the 9th: about 0.84
    assert.closeTo(baseball(mlb(4, 3, ctx(9, "top", 0)), even).home, 0.84, 0.03)
  })

  it("ends the game on a home lead after the top of the 9th and on a walk-off", () => {
    assert.strictEqual(baseball(mlb(5, 4, ctx(9, "middle", 3)), even).home, 1)
    assert.strictEqual(baseball(mlb(2, 1, ctx(10, "bottom", 1, "2")), even).home, 1)
    assert.strictEqual(baseball(mlb(1, 2, ctx(9, "end", 3)), even).home, 0)
  })

  it("is monotone in runs, outs and runners", () => {
    let previous = 0
    for (let d = -5; d <= 5; d++) {
      const p = baseball(mlb(5 + Math.max(0, d), 5 + Math.max(0, -d), ctx(6, "top", 1)), even).home
      assert.isAbove(p, previous)
      previous = p
    }
    // Away batting: more outs help home, more runners hurt it
    assert.isAbove(baseball(mlb(2, 2, ctx(7, "top", 2, "2")), even).home, baseball(mlb(2, 2, ctx(7, "top", 0, "2")), even).home)
    assert.isBelow(baseball(mlb(2, 2, ctx(7, "top", 1, "123")), even).home, baseball(mlb(2, 2, ctx(7, "top", 1)), even).home)
    // Home batting: runners help home
    assert.isAbove(baseball(mlb(2, 2, ctx(7, "bottom", 1, "3")), even).home, baseball(mlb(2, 2, ctx(7, "bottom", 1)), even).home)
  })

  it("lets the prior fade: the favourite's edge at a tie shrinks inning by inning", () => {
    const edges = [1, 4, 7, 9].map((i) => baseball(mlb(1, 1, ctx(i, "top", 0)), favoured).home - baseball(mlb(1, 1, ctx(i, "top", 0)), even).home)
    for (let i = 1; i < edges.length; i++) assert.isBelow(edges[i]!, edges[i - 1]!)
    assert.isAbove(edges[3]!, 0)
  })

  it("returns the result once final", () => {
    assert.deepStrictEqual(baseball(mlb(7, 5, ctx(9, "end", 3), { status: "final" }), even), { home: 1, draw: 0, away: 0 })
  })
})
