/**
 * The model-edge strategy's prior rules on hand-made inputs: an edge is bought on a line or venue
 * prior; with no prior it is refused when `requirePrior` says so; on a team-rating prior (Elo) it
 * is refused unless `tradeOnRatingPrior` allows it.
 */
import { assert, describe, it } from "@effect/vitest"
import { type BuiltinSettings, modelEdge } from "../../../src/domain/strategy/Builtins.ts"
import type { StrategyInput } from "../../../src/domain/strategy/Strategy.ts"
import * as Money from "../../../src/schema/Money.ts"
import { ncaafGame } from "../../support/Games.ts"
import { polymarketBook } from "./Books.ts"

const T = 1_800_000_000_000

const state = ncaafGame({ gameId: "401999201", now: T, period: 3, secondsRemaining: 1200, periodSecondsRemaining: 300, home: 21, away: 10, detail: "5:00 - 3rd" })

const homeBook = polymarketBook("home_win", "0.60", "0.58", T)

const settings = (overrides: Partial<BuiltinSettings> = {}): BuiltinSettings => ({
  minModelEdge: 500 as Money.Bps,
  minArbProfit: Money.dollars("0.01"),
  minBuyPrice: Money.priceOf("0.05"),
  maxBuyPrice: Money.priceOf("0.95"),
  requirePrior: true,
  tradeOnRatingPrior: false,
  tradeInOvertime: false,
  ...overrides
})

/** The model at 0.85 for home against an ask of 0.60: an edge on any prior. */
const input = (priorSource: string, hasPrior = priorSource !== "none"): StrategyInput => ({
  now: T,
  gameId: "401999201",
  state,
  stateChangedAt: T,
  model: { home: 0.85, draw: 0, away: 0.15, hasPrior, priorSource, at: T },
  books: [homeBook],
  holdings: []
})

const entries = (s: BuiltinSettings, i: StrategyInput) => modelEdge(s).evaluate({}, i, undefined).intents.length

describe("model edge and the prior it stands on", () => {
  it("buys an edge on a line or venue prior", () => {
    for (const source of ["moneyline", "spread", "market"]) assert.strictEqual(entries(settings(), input(source)), 1, source)
  })

  it("refuses a team-rating prior unless tradeOnRatingPrior allows it", () => {
    assert.strictEqual(entries(settings(), input("elo")), 0)
    assert.strictEqual(entries(settings(), input("rating")), 0)
    assert.strictEqual(entries(settings({ tradeOnRatingPrior: true }), input("elo")), 1)
  })

  it("refuses no prior when requirePrior says so", () => {
    assert.strictEqual(entries(settings(), input("none")), 0)
    assert.strictEqual(entries(settings({ requirePrior: false }), input("none")), 1)
  })
})
