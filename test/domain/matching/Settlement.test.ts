import { assert, describe, it } from "@effect/vitest"
import { equivalent, readRules } from "../../../src/domain/matching/Settlement.ts"

const kalshiText = "If the game is canceled, the market resolves at a fair price determined by Kalshi."
const polyText = "If the game is canceled entirely, with no make-up game, this market will resolve 50-50."

describe("settlement rules", () => {
  it("reads void, overtime and draw rules", () => {
    assert.deepStrictEqual(readRules("kalshi", "nba", kalshiText, { hasDrawOutcome: false, implicitOther: false }), {
      platform: "kalshi",
      void: "fair_price",
      overtime: "included",
      draw: "impossible",
      implicitOther: false
    })
    assert.deepStrictEqual(readRules("polymarket", "epl", `${polyText} after 90 minutes plus stoppage time`, { hasDrawOutcome: true, implicitOther: false }), {
      platform: "polymarket",
      void: "fifty_fifty",
      overtime: "regulation_only",
      draw: "own_outcome",
      implicitOther: false
    })
  })

  it("a void rule that differs makes the pair ineligible", () => {
    const k = readRules("kalshi", "nba", kalshiText, { hasDrawOutcome: false, implicitOther: false })
    const p = readRules("polymarket", "nba", polyText, { hasDrawOutcome: false, implicitOther: false })
    assert.deepStrictEqual(equivalent(k, p), { eligible: false, reasons: ["void differs: fair_price vs fifty_fifty"] })
  })

  it("the same known rules are eligible", () => {
    const k = readRules("kalshi", "nba", polyText, { hasDrawOutcome: false, implicitOther: false })
    const p = readRules("polymarket", "nba", polyText, { hasDrawOutcome: false, implicitOther: false })
    assert.deepStrictEqual(equivalent(k, p), { eligible: true, reasons: [] })
  })

  it("unknown rules and an implicit Other are never eligible", () => {
    const k = readRules("kalshi", "nfl", "If Dallas wins, Yes.", { hasDrawOutcome: false, implicitOther: false })
    const p = readRules("polymarket", "nfl", polyText, { hasDrawOutcome: false, implicitOther: true })
    const e = equivalent(k, p)
    assert.isFalse(e.eligible)
    assert.deepStrictEqual(e.reasons, [
      "kalshi: cancel/void rule unknown",
      "kalshi: overtime rule unknown",
      "kalshi: draw rule unknown",
      `polymarket: negRisk event with an implicit "Other" outcome`,
      "polymarket: overtime rule unknown",
      "polymarket: draw rule unknown"
    ])
  })
})
