/**
 * The built-in strategies: model edge, cross-venue arbitrage and the lagging market.
 *
 * - **model_edge**: buy an outcome the model prices above its ask, by at least `minEdge` (bps of
 *   $1, on the traded outcome's own price) after fees at the final size; Kelly-sized by risk.
 * - **arbitrage**: two outcomes on different venues that together pay exactly $1 in every result
 *   and together cost less than $1 − `minProfitPerSet` after both venues' fees; equal shares.
 * - **lagging_market** (the original system's `win_prob_shift` / `scoring_play` /
 *   `lagging_market` signals): when a play moves the model by at least `minJump` and a venue has not
 *   repriced within `window`, buy the side the play favoured; exit when the venue catches up (its
 *   bid reaches the model's fair price less `catchUpTolerance`) or after `maxHold`.
 *
 * The built-ins' thresholds come from `signals.*` (model edge and arbitrage), or from their own
 * Schema-validated `strategies.params.lagging_market`.
 *
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import * as Money from "../../schema/Money.ts"
import { priceFromProbability, probability } from "../../schema/Probability.ts"
import { partitions, probabilityOf } from "../signals/Outcomes.ts"
import { defineStrategy, type Intent, type OutcomeBook, type StrategyInput } from "./Strategy.ts"

/** What the built-ins read from the `signals.*` and `risk.*` keys. @category models */
export interface BuiltinSettings {
  readonly minModelEdge: Money.Bps
  readonly minArbProfit: Money.Micros
  readonly minBuyPrice: Money.Price
  readonly maxBuyPrice: Money.Price
  readonly requirePrior: boolean
  /** Whether a team-rating prior (Elo, another model's rating) is enough to trade model edges on */
  readonly tradeOnRatingPrior: boolean
  readonly tradeInOvertime: boolean
}

const bestAsk = (b: OutcomeBook) => (b.live ? b.asks[0] : undefined)
const isLive = (input: StrategyInput) => input.state.status === "in_progress" || input.state.status === "halftime" || input.state.status === "end_period"

/** @category strategies */
export const modelEdge = (settings: BuiltinSettings) =>
  defineStrategy({
    name: "model_edge",
    description: "buy what the model prices above the ask after fees, Kelly-sized",
    params: Schema.Struct({}),
    initial: undefined,
    evaluate: (_params, input, state) => {
      const model = input.model
      if (model === undefined || !isLive(input) || (input.state.overtime && !settings.tradeInOvertime)) return { intents: [], state }
      if (settings.requirePrior && !model.hasPrior) return { intents: [], state }
      // A rating stands in for a line in the model, but trades on it only when configured
      if (!settings.tradeOnRatingPrior && (model.priorSource === "elo" || model.priorSource === "rating")) return { intents: [], state }
      const intents: Array<Intent> = []
      for (const book of input.books) {
        const ask = bestAsk(book)
        if (ask === undefined || ask.price < settings.minBuyPrice || ask.price > settings.maxBuyPrice) continue
        const p = probabilityOf(book.meaning, model)
        if (p === undefined || !(p >= 0 && p <= 1)) continue
        const fair = priceFromProbability(probability(p), "floor")
        // A cheap pre-filter; risk re-checks at the final size with exact fees
        if (fair - ask.price < settings.minModelEdge * 100) continue
        intents.push({
          strategy: "model_edge",
          purpose: "entry",
          legs: [{ book, action: "buy", limit: Math.min(settings.maxBuyPrice, fair) as Money.Price }],
          threshold: { _tag: "edge", probability: p, minEdge: settings.minModelEdge, kelly: true },
          reasons: [`model ${Math.round(p * 1000) / 10}% vs ask ${Money.formatDollars(ask.price)} on ${book.meaning}`],
          key: `edge|${book.outcome.platform}|${book.outcome.marketId}|${book.outcome.outcomeId}`
        })
      }
      return { intents: intents.slice(0, 1), state }
    }
  })

/** @category strategies */
export const arbitrage = (settings: BuiltinSettings) =>
  defineStrategy({
    name: "arbitrage",
    description: "buy outcomes on two venues that together pay $1 for less than $1 after fees",
    params: Schema.Struct({}),
    initial: undefined,
    evaluate: (_params, input, state) => {
      const withDraw = input.state.sport === "mls" || input.state.sport === "soccer"
      const live = input.books.filter((b) => b.arbEligible && bestAsk(b) !== undefined)
      let best: { intent: Intent; top: number } | undefined
      for (let i = 0; i < live.length; i++) {
        for (let j = i + 1; j < live.length; j++) {
          const a = live[i]!
          const b = live[j]!
          if (a.outcome.platform === b.outcome.platform || !partitions([a.meaning, b.meaning], withDraw)) continue
          const top = bestAsk(a)!.price + bestAsk(b)!.price
          if (top >= Money.ONE - settings.minArbProfit) continue
          if (best !== undefined && best.top <= top) continue
          const ceiling = Money.ONE - settings.minArbProfit
          best = {
            top,
            intent: {
              strategy: "arbitrage",
              purpose: "entry",
              // Each leg may walk up to what leaves the other leg's best ask inside the ceiling
              legs: [
                { book: a, action: "buy", limit: Math.max(0, ceiling - bestAsk(b)!.price) as Money.Price },
                { book: b, action: "buy", limit: Math.max(0, ceiling - bestAsk(a)!.price) as Money.Price }
              ],
              threshold: { _tag: "sets", minProfitPerSet: settings.minArbProfit },
              reasons: [`${a.meaning} ${Money.formatDollars(bestAsk(a)!.price)} on ${a.outcome.platform} + ${b.meaning} ${Money.formatDollars(bestAsk(b)!.price)} on ${b.outcome.platform}`],
              key: `arb|${[a, b].map((x) => `${x.outcome.platform}|${x.outcome.marketId}|${x.outcome.outcomeId}`).join("+")}`
            }
          }
        }
      }
      return { intents: best === undefined ? [] : [best.intent], state }
    }
  })

/** @category schemas */
export const LaggingMarketParams = Schema.Struct({
  /** Model move, in probability points, that counts as a play that matters */
  minJump: Schema.Finite.check(Schema.isBetween({ minimum: 0.001, maximum: 1 })).pipe(Schema.withDecodingDefaultKey(Effect.succeed(0.08))),
  /** How long after the play a venue that has not repriced still counts as lagging (ms) */
  windowMillis: Schema.Int.check(Schema.isBetween({ minimum: 100, maximum: 600_000 })).pipe(Schema.withDecodingDefaultKey(Effect.succeed(15_000))),
  /** Exit after this long whatever happens (ms) */
  maxHoldMillis: Schema.Int.check(Schema.isBetween({ minimum: 1_000, maximum: 3_600_000 })).pipe(Schema.withDecodingDefaultKey(Effect.succeed(120_000))),
  /** The venue has caught up once its bid is within this of the model's fair price (dollars) */
  catchUpTolerance: Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 0.5 })).pipe(Schema.withDecodingDefaultKey(Effect.succeed(0.02))),
  /** Edge still required at the final size, in probability points */
  minEdge: Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 })).pipe(Schema.withDecodingDefaultKey(Effect.succeed(0.03)))
})
export type LaggingMarketParams = typeof LaggingMarketParams.Type

/** What the lagging market remembers: the last model and the play it is acting on. @category models */
export interface LaggingMarketMemory {
  readonly lastModel?: { readonly home: number; readonly away: number } | undefined
  /** The play: when the model jumped, which way, and each outcome's ask at that moment */
  readonly jump?: { readonly at: number; readonly favoured: "home" | "away"; readonly asks: ReadonlyMap<string, number> } | undefined
}

const key = (b: OutcomeBook) => `${b.outcome.platform}|${b.outcome.marketId}|${b.outcome.outcomeId}`

/** @category strategies */
export const laggingMarket = defineStrategy<LaggingMarketParams, LaggingMarketMemory>({
  name: "lagging_market",
  description: "after a play moves the model, buy the favoured side on a venue that has not repriced; exit on catch-up or after a maximum hold",
  params: LaggingMarketParams,
  initial: {},
  evaluate: (params, input, memory) => {
    const intents: Array<Intent> = []
    const model = input.model
    // Exits first: the venue caught up, or the hold is over
    for (const h of input.holdings) {
      const book = input.books.find((b) => key(b) === `${h.outcome.platform}|${h.outcome.marketId}|${h.outcome.outcomeId}`)
      const bid = book?.live === true ? book.bids[0] : undefined
      if (book === undefined || bid === undefined) continue
      const p = model === undefined ? undefined : probabilityOf(book.meaning, model)
      const fair = p === undefined ? 0 : priceFromProbability(probability(Math.min(1, Math.max(0, p))), "floor")
      const caughtUp = bid.price >= fair - Math.round(params.catchUpTolerance * Money.ONE)
      const expired = input.now - h.enteredAt >= params.maxHoldMillis
      if (!caughtUp && !expired) continue
      intents.push({
        strategy: "lagging_market",
        purpose: "exit",
        legs: [{ book, action: "sell", limit: bid.price }],
        threshold: { _tag: "edge", probability: 0, minEdge: 0 as Money.Bps, kelly: false },
        desired: h.quantity,
        reasons: [caughtUp ? `venue caught up: bid ${Money.formatDollars(bid.price)} vs fair ${Money.formatDollars(fair as Money.Price)}` : `held ${Math.round((input.now - h.enteredAt) / 1000)} s`],
        key: `lag-exit|${key(book)}`
      })
    }
    if (model === undefined) return { intents, state: memory }
    let jump = memory.jump
    const last = memory.lastModel
    const moved = last === undefined ? 0 : model.home - last.home
    if (Math.abs(moved) >= params.minJump) {
      jump = {
        at: input.now,
        favoured: moved > 0 ? "home" : "away",
        asks: new Map(input.books.flatMap((b) => (bestAsk(b) === undefined ? [] : [[key(b), bestAsk(b)!.price] as const])))
      }
    }
    if (jump !== undefined && input.now - jump.at > params.windowMillis) jump = undefined
    if (jump !== undefined && input.holdings.length === 0) {
      const favoured = jump.favoured === "home" ? "home_win" : "away_win"
      for (const book of input.books) {
        if (book.meaning !== favoured) continue
        const ask = bestAsk(book)
        const before = jump.asks.get(key(book))
        // Not repriced: the ask has not moved toward the model since the play
        if (ask === undefined || before === undefined || ask.price > before) continue
        const p = probabilityOf(book.meaning, model)!
        intents.push({
          strategy: "lagging_market",
          purpose: "entry",
          legs: [{ book, action: "buy", limit: priceFromProbability(probability(p), "floor") }],
          threshold: { _tag: "edge", probability: p, minEdge: Math.round(params.minEdge * 10_000) as Money.Bps, kelly: true },
          reasons: [`play moved the model ${Math.round(moved * 1000) / 10} points toward ${jump.favoured}; ${book.outcome.platform} still asks ${Money.formatDollars(ask.price)}`],
          key: `lag|${key(book)}`
        })
        break
      }
    }
    return { intents, state: { lastModel: { home: model.home, away: model.away }, jump } }
  }
})
