/**
 * The pre-trade risk gate: every signal passes here before an order exists.
 *
 * Pure: it takes the signal, the account's current exposure and the limits, and returns either
 * the quantity to trade or a typed denial with a stable code (`TRADING_HALTED`, `STALE_DATA`,
 * `DAILY_LOSS`, `GAME_EXPOSURE`, ...). Sizing:
 *
 * - **Arbitrage** is sized in equal contracts for both legs: the smallest of the visible size times
 *   `maxBookShare`, the order caps and the exposure left. It is never gated by the model-edge
 *   threshold.
 * - **Model edge** is sized by fractional Kelly: for a contract bought at cost `c` (price plus fee
 *   per contract) with win probability `p`, the Kelly fraction is `(p − c) / (1 − c)`; the stake is
 *   `bankroll × kellyFraction × f*`, capped by `maxPositionFraction × bankroll`, the per-order
 *   notional and the exposure left.
 *
 * The float Kelly fraction crosses into integers once, floored to basis points.
 *
 * @since 0.1.0
 */
import * as Money from "../../schema/Money.ts"

/** The account's state, read by the risk actor before each decision. @category models */
export interface Exposure {
  readonly bankroll: Money.Micros
  /** Money at risk (cost of open positions and unfilled open orders) */
  readonly game: Money.Micros
  readonly sport: Money.Micros
  readonly total: Money.Micros
  readonly openPositionsInGame: number
  /** Realised P&L since the start of the (UTC) day; negative is a loss */
  readonly dailyPnl: Money.Micros
  readonly submitsLastMinute: number
  readonly submitsLastHour: number
  readonly gameHalted: boolean
}

/** @category models */
export interface Limits {
  readonly kellyFraction: Money.Bps
  readonly maxPositionFraction: Money.Bps
  readonly maxDailyLoss: Money.Micros
  readonly maxGameExposure: Money.Micros
  readonly maxSportExposure: Money.Micros
  readonly maxTotalExposure: Money.Micros
  readonly maxPositionsPerGame: number
  readonly maxBookShare: Money.Bps
  readonly maxOrderNotional: Money.Micros
  readonly maxOrderContracts: number
  readonly submitsPerMinute: number
  readonly submitsPerHour: number
  readonly minLiquidity: Money.Micros
  readonly maxBookAgeMillis: number
  readonly maxGameStateAgeMillis: number
}

/** One leg to trade: the price limit and what the book showed there. @category models */
export interface LegRequest {
  readonly limit: Money.Price
  /** Contract cost including the fee per contract, for sizing */
  readonly costPerContract: Money.Micros
  readonly available: Money.Qty
}

/** @category models */
export type SignalRequest =
  | { readonly kind: "cross_venue_arb"; readonly legs: ReadonlyArray<LegRequest>; readonly bookAgeMillis: number }
  | {
    readonly kind: "model_edge"
    readonly leg: LegRequest
    readonly probability: number
    readonly bookAgeMillis: number
    readonly gameStateAgeMillis: number
  }

/** A stable denial code and a sentence. @category models */
export interface Denial {
  readonly code:
    | "TRADING_HALTED"
    | "STALE_DATA"
    | "DAILY_LOSS"
    | "SUBMIT_RATE"
    | "POSITIONS_PER_GAME"
    | "GAME_EXPOSURE"
    | "SPORT_EXPOSURE"
    | "TOTAL_EXPOSURE"
    | "INSUFFICIENT_LIQUIDITY"
    | "SIZE_ZERO"
  readonly message: string
}

/** @category models */
export type Verdict = { readonly _tag: "Approved"; readonly quantity: Money.Qty } | { readonly _tag: "Denied"; readonly denial: Denial }

const deny = (code: Denial["code"], message: string): Verdict => ({ _tag: "Denied", denial: { code, message } })

/** The Kelly fraction of a binary contract, floored to bps; 0 when there is no edge. @category sizing */
export const kellyBps = (probability: number, cost: Money.Micros): Money.Bps => {
  const c = cost / Money.ONE
  if (!(probability > c) || c >= 1 || c <= 0) return 0 as Money.Bps
  return Math.floor(((probability - c) / (1 - c)) * 10_000) as Money.Bps
}

const min = (...values: ReadonlyArray<number>): number => Math.min(...values)
const contractsFor = (money: number, costPerContract: number): number =>
  costPerContract <= 0 ? 0 : Math.floor(Math.max(0, money) / costPerContract) * Money.ONE

/**
 * The gate. Checks are ordered from the cheapest and most absolute (halted, stale) to sizing.
 *
 * @category gate
 */
export const decide = (request: SignalRequest, exposure: Exposure, limits: Limits): Verdict => {
  if (exposure.gameHalted) return deny("TRADING_HALTED", "trading is halted for this game")
  if (request.bookAgeMillis > limits.maxBookAgeMillis) {
    return deny("STALE_DATA", `book is ${request.bookAgeMillis} ms old (limit ${limits.maxBookAgeMillis} ms)`)
  }
  if (request.kind === "model_edge" && request.gameStateAgeMillis > limits.maxGameStateAgeMillis) {
    return deny("STALE_DATA", `game state is ${request.gameStateAgeMillis} ms old (limit ${limits.maxGameStateAgeMillis} ms)`)
  }
  if (-exposure.dailyPnl >= limits.maxDailyLoss) return deny("DAILY_LOSS", `daily loss limit of ${Money.formatDollars(limits.maxDailyLoss)} reached`)
  if (exposure.submitsLastMinute >= limits.submitsPerMinute || exposure.submitsLastHour >= limits.submitsPerHour) {
    return deny("SUBMIT_RATE", "order submission rate limit reached")
  }
  if (exposure.openPositionsInGame >= limits.maxPositionsPerGame) {
    return deny("POSITIONS_PER_GAME", `${exposure.openPositionsInGame} positions already open in this game`)
  }
  const gameRoom = limits.maxGameExposure - exposure.game
  const sportRoom = limits.maxSportExposure - exposure.sport
  const totalRoom = limits.maxTotalExposure - exposure.total
  if (gameRoom <= 0) return deny("GAME_EXPOSURE", "game exposure limit reached")
  if (sportRoom <= 0) return deny("SPORT_EXPOSURE", "sport exposure limit reached")
  if (totalRoom <= 0) return deny("TOTAL_EXPOSURE", "total exposure limit reached")
  const room = min(gameRoom, sportRoom, totalRoom, limits.maxOrderNotional)

  const legs = request.kind === "model_edge" ? [request.leg] : request.legs
  for (const leg of legs) {
    if (Money.notional(leg.limit, leg.available, "floor") < limits.minLiquidity) {
      return deny("INSUFFICIENT_LIQUIDITY", `only ${Money.formatQty(leg.available)} contracts at ${Money.formatDollars(leg.limit)}`)
    }
  }
  const visible = min(...legs.map((l) => Money.mulDiv(l.available, limits.maxBookShare, 10_000, "floor")))
  const costPerSet = Money.sum(legs.map((l) => l.costPerContract))

  let quantity: number
  if (request.kind === "cross_venue_arb") {
    quantity = min(visible, contractsFor(room, costPerSet), limits.maxOrderContracts * Money.ONE)
  } else {
    const f = kellyBps(request.probability, request.leg.costPerContract)
    const kellyStake = Money.mulDiv(Money.mulDiv(exposure.bankroll, limits.kellyFraction, 10_000, "floor"), f, 10_000, "floor")
    const positionCap = Money.mulDiv(exposure.bankroll, limits.maxPositionFraction, 10_000, "floor")
    quantity = min(visible, contractsFor(min(kellyStake, positionCap, room), costPerSet), limits.maxOrderContracts * Money.ONE)
  }
  // Whole contracts only
  quantity = Math.floor(quantity / Money.ONE) * Money.ONE
  if (quantity <= 0) return deny("SIZE_ZERO", "the limits leave no whole contract to trade")
  return { _tag: "Approved", quantity: quantity as Money.Qty }
}
