import { assert, describe, it } from "@effect/vitest"
import { hasPrior, homeShare } from "../../../../src/domain/winprob/prior/Prior.ts"
import { leagueBaseline, noPrior, priorFromMarket, priorFromOdds } from "../../../../src/domain/winprob/prior/Priors.ts"
import { keyNumberWin } from "../../../../src/domain/winprob/prior/Spread.ts"

describe("priorFromOdds", () => {
  it("prefers the de-vigged moneyline (the MLB fixture's consensus line, CLE -142 at PIT +121)", () => {
    const prior = priorFromOdds("mlb", { provider: "consensus", homeSpread: 1.5, total: 8.5, homeMoneyline: 121, awayMoneyline: -142 })
    const home = 100 / 221
    const away = 142 / 242
    assert.strictEqual(prior.source, "moneyline")
    assert.closeTo(prior.home, home / (home + away), 1e-12)
    assert.strictEqual(prior.total, 8.5)
    assert.strictEqual(prior.detail, "consensus ML +121/-142, multiplicative")
    assert.isTrue(hasPrior(prior))
  })

  it("falls back to the spread where it means something", () => {
    const prior = priorFromOdds("nfl", { provider: "ESPN BET", homeSpread: -3 })
    assert.strictEqual(prior.source, "spread")
    assert.closeTo(prior.home, keyNumberWin(3), 1e-12)
  })

  it("never reads a run line as a prior", () => {
    const prior = priorFromOdds("mlb", { provider: "x", homeSpread: -1.5 })
    assert.strictEqual(prior.source, "none")
    assert.isFalse(hasPrior(prior))
    assert.match(prior.detail, /no usable line/)
  })

  it("uses the three-way line for soccer, Shin by default, and ignores a two-way one", () => {
    const prior = priorFromOdds("soccer", { provider: "Bet365", homeMoneyline: 150, drawMoneyline: 230, awayMoneyline: 190 })
    assert.strictEqual(prior.source, "moneyline")
    assert.closeTo(prior.home + prior.draw + prior.away, 1, 1e-12)
    assert.isAbove(prior.draw, 0.2)
    assert.match(prior.detail, /shin$/)
    assert.strictEqual(priorFromOdds("mls", { provider: "x", homeMoneyline: -110, awayMoneyline: -110 }).source, "none")
  })
})

describe("noPrior", () => {
  it("carries the league home edge only and says it has no prior", () => {
    for (const sport of ["nba", "ncaab", "wnba", "nfl", "ncaaf", "nhl", "mlb", "soccer", "mls", "tennis", "mma"] as const) {
      const p = noPrior(sport)
      assert.strictEqual(p.source, "none")
      assert.isFalse(hasPrior(p))
      assert.closeTo(p.home + p.draw + p.away, 1, 1e-12)
      assert.isAtLeast(homeShare(p), 0.5)
    }
    assert.closeTo(noPrior("nfl").home, keyNumberWin(3), 1e-12)
    assert.strictEqual(noPrior("tennis").home, 0.5)
    assert.isAbove(leagueBaseline("soccer").draw, 0.2)
  })

  it("gives no home edge at a neutral site", () => {
    for (const sport of ["nba", "ncaab", "wnba", "nfl", "ncaaf", "nhl", "mlb", "tennis", "mma"] as const) {
      const p = noPrior(sport, true)
      assert.strictEqual(p.source, "none")
      assert.strictEqual(p.home, 0.5)
      assert.include(p.detail, "neutral site")
    }
    for (const sport of ["soccer", "mls"] as const) {
      const p = noPrior(sport, true)
      assert.closeTo(p.home, p.away, 1e-12)
      assert.strictEqual(p.rates!.home, p.rates!.away)
      assert.closeTo(p.rates!.home * 2, leagueBaseline(sport).rates!.home + leagueBaseline(sport).rates!.away, 1e-12)
      assert.closeTo(p.home + p.draw + p.away, 1, 1e-12)
    }
  })
})

describe("priorFromMarket", () => {
  it("normalises venue prices", () => {
    const p = priorFromMarket({ home: 0.62, away: 0.4 }, "kalshi mids")
    assert.strictEqual(p.source, "market")
    assert.closeTo(p.home, 0.62 / 1.02, 1e-12)
  })
})
