/**
 * The pre-trade risk rules: every intent passes here before an order exists.
 *
 * Pure: the intent (legs with depth, fees and venue rules; the threshold; when its data was
 * observed), the account's state as read from Postgres in the decision's transaction, the limits
 * and the time of decision. The answer is a size (from `Sizing.ts`) or a denial with a stable
 * reason code, the same code in `arbees_signals_total{decision,reason}` and on the signal row.
 *
 * Rules, in order (cheapest and most absolute first): ledger check, trading state (HALTED,
 * REDUCING: exits only), kill switch, signal expiry, game halt, reconciliation (entries only) and
 * the error pause per venue, in live mode legs across a live and a paper-only venue (refused),
 * staleness at decision time (book by the feed's liveness, game state by when ESPN's content last
 * changed, model), price sanity, daily loss, drawdown from peak, consecutive losses,
 * loss and win cooldowns, order rate per venue, positions per game, correlation, exposure in
 * money (game, sport, total, market) and in contracts (game, sport, total, market), the position's room under
 * `maxPositionFraction`; then sizing (balance − reserved, Kelly, depth, fees, venue minimums).
 *
 * @since 0.1.0
 */
import type { OutcomeMeaning, OutcomeRef } from "../../schema/Market.ts"
import * as Money from "../../schema/Money.ts"
import type { Platform } from "../../schema/Platform.ts"
import { paysOn } from "../signals/Outcomes.ts"
import { type Sizing, type SizingLeg, size, type Threshold } from "./Sizing.ts"

/** Every reason a decision can give, stable across versions. @category models */
export const reasonCodes = [
  "APPROVED",
  "LEDGER_MISMATCH",
  "TRADING_HALTED",
  "TRADING_REDUCING",
  "KILL_SWITCH",
  "SIGNAL_EXPIRED",
  "GAME_HALTED",
  "RECONCILING",
  "VENUE_PAPER_ONLY",
  "VENUE_ERROR_PAUSE",
  "STALE_BOOK",
  "STALE_GAME_STATE",
  "STALE_MODEL",
  "PRICE_SANITY",
  "DAILY_LOSS",
  "DRAWDOWN",
  "CONSECUTIVE_LOSSES",
  "LOSS_COOLDOWN",
  "WIN_COOLDOWN",
  "ORDER_RATE",
  "POSITIONS_PER_GAME",
  "CORRELATION",
  "GAME_EXPOSURE",
  "SPORT_EXPOSURE",
  "TOTAL_EXPOSURE",
  "MARKET_EXPOSURE",
  "MARKET_CONTRACTS",
  "GAME_CONTRACTS",
  "SPORT_CONTRACTS",
  "TOTAL_CONTRACTS",
  "POSITION_FRACTION",
  "INSUFFICIENT_FUNDS",
  "INSUFFICIENT_LIQUIDITY",
  "BELOW_THRESHOLD",
  "VENUE_MINIMUM",
  "PRICE_TICK",
  "SIZE_ZERO",
  "NO_HOLDING"
] as const satisfies ReadonlyArray<string>
export type ReasonCode = typeof reasonCodes[number]

/** @category models */
export type TradingState = "ACTIVE" | "REDUCING" | "HALTED"

/** @category models */
export interface RiskLimits {
  readonly kellyFraction: Money.Bps
  readonly maxPositionFraction: Money.Bps
  readonly maxDailyLoss: Money.Micros
  readonly killSwitchDailyLoss: Money.Micros
  readonly maxDrawdown: Money.Bps
  readonly consecutiveLossesHalt: number
  readonly winCooldownMillis: number
  readonly lossCooldownMillis: number
  readonly maxGameExposure: Money.Micros
  readonly maxSportExposure: Money.Micros
  readonly maxTotalExposure: Money.Micros
  readonly maxMarketExposure: Money.Micros
  readonly maxPositionsPerGame: number
  readonly maxContractsPerMarket: Money.Qty
  readonly maxContractsPerGame: Money.Qty
  readonly maxContractsPerSport: Money.Qty
  readonly maxContractsTotal: Money.Qty
  readonly maxOrderNotional: Money.Micros
  readonly maxOrderContracts: Money.Qty
  readonly submitsPerMinute: number
  readonly submitsPerHour: number
  readonly maxBookShare: Money.Bps
  readonly minLiquidity: Money.Micros
  readonly minBuyPrice: Money.Price
  readonly maxBuyPrice: Money.Price
  readonly allowHedging: boolean
  readonly maxBookAgeMillis: number
  readonly maxGameStateAgeMillis: number
  readonly maxModelAgeMillis: number
}

/** One venue's state. @category models */
export interface VenueState {
  readonly submitsLastMinute: number
  readonly submitsLastHour: number
  /** Until when the error pause lasts (epoch ms); absent when not paused */
  readonly pausedUntil?: number | undefined
  readonly reconciling: boolean
}

/** What risk reads from Postgres before deciding. @category models */
export interface RiskState {
  readonly tradingState: TradingState
  readonly ledgerOk: boolean
  readonly gameHalted: boolean
  /** Balance − reserved */
  readonly available: Money.Micros
  readonly equity: Money.Micros
  readonly peak: Money.Micros
  readonly dailyPnl: Money.Micros
  /** Money at risk: open positions at cost plus open reservations */
  readonly gameExposure: Money.Micros
  readonly sportExposure: Money.Micros
  readonly totalExposure: Money.Micros
  /** Money at risk per market key (`platform|marketId`) */
  readonly marketExposure: ReadonlyMap<string, number>
  /** Contracts held or reserved, per market key (`platform|marketId`), in this game, in its sport and overall */
  readonly marketContracts: ReadonlyMap<string, number>
  readonly gameContracts: number
  readonly sportContracts: number
  readonly totalContracts: number
  /** Money at risk per outcome key (`platform|marketId|outcomeId`) */
  readonly outcomeExposure: ReadonlyMap<string, number>
  /** Outcomes of this game held or reserved, with what they mean */
  readonly heldInGame: ReadonlyArray<{ readonly key: string; readonly meaning: OutcomeMeaning }>
  /** The game's most recent position close */
  readonly lastClose?: { readonly pnl: Money.Micros; readonly at: number } | undefined
  /** Losing closes in a row, most recent first, in this game */
  readonly consecutiveLosses: number
  readonly venues: ReadonlyMap<Platform, VenueState>
  /** In live mode, the venues that trade live (the others are paper-only); absent in paper mode */
  readonly liveVenues?: ReadonlySet<Platform> | undefined
  /** Quantity held per outcome key (exits sell at most this) */
  readonly held: ReadonlyMap<string, number>
}

/** One leg of a request. @category models */
export interface RequestLeg extends SizingLeg {
  readonly outcome: OutcomeRef
  readonly meaning: OutcomeMeaning
  readonly action: "buy" | "sell"
  /** When the book was last known correct (the feed's liveness) */
  readonly bookAsOf: number
}

/** @category models */
export interface RiskRequest {
  /** `hedge`: completing the short leg of a mismatched arbitrage, which reduces its exposure */
  readonly purpose: "entry" | "exit" | "hedge"
  readonly legs: ReadonlyArray<RequestLeg>
  readonly threshold: Threshold
  readonly desired?: Money.Qty | undefined
  readonly withDraw: boolean
  readonly expiresAt: number
  /** When ESPN's content last changed */
  readonly gameStateChangedAt: number
  /** When the model was computed; absent when the intent does not use it */
  readonly modelAt?: number | undefined
}

/** @category models */
export type Decision =
  | { readonly _tag: "Approved"; readonly sizing: Extract<Sizing, { _tag: "Sized" }> }
  | { readonly _tag: "Denied"; readonly code: Exclude<ReasonCode, "APPROVED">; readonly message: string }

const deny = (code: Exclude<ReasonCode, "APPROVED">, message: string): Decision => ({ _tag: "Denied", code, message })

/** `platform|marketId|outcomeId`. @category keys */
export const outcomeKeyOf = (o: OutcomeRef): string => `${o.platform}|${o.marketId}|${o.outcomeId}`
/** `platform|marketId`. @category keys */
export const marketKeyOf = (o: OutcomeRef): string => `${o.platform}|${o.marketId}`

/**
 * The approval of an order that closes exposure (an exit, a hedge): one leg at its limit, sized by
 * what it remedies, with no cost, fee or edge of its own to weigh.
 */
const approvedClosing = (leg: RiskRequest["legs"][number], quantity: number, rounding: "floor" | "ceil"): Decision => ({
  _tag: "Approved",
  sizing: {
    _tag: "Sized",
    quantity: quantity as Money.Qty,
    legs: [{ limit: leg.limit, quantity: quantity as Money.Qty, notional: Money.notional(leg.limit, quantity as Money.Qty, rounding), fee: 0 as Money.Micros, amount: 0 as Money.Micros }],
    cost: 0 as Money.Micros,
    edge: 0 as Money.Micros,
    edgeBps: 0 as Money.Bps,
    raisedToMinimum: false
  }
})

/** Whether two outcomes of one game can both pay: false means they are opposite sides. */
const overlaps = (a: OutcomeMeaning, b: OutcomeMeaning, withDraw: boolean): boolean => {
  const x = paysOn(a, withDraw)
  const y = paysOn(b, withDraw)
  if (x === undefined || y === undefined) return true
  for (const r of x) if (y.has(r)) return true
  return false
}

const exitDecision = (request: RiskRequest, state: RiskState): Decision => {
  const leg = request.legs[0]!
  const held = state.held.get(outcomeKeyOf(leg.outcome)) ?? 0
  const quantity = Math.min(held, request.desired ?? held)
  if (quantity <= 0) return deny("NO_HOLDING", "nothing held to exit")
  return approvedClosing(leg, quantity, "floor")
}

/**
 * A hedge buys the short leg of a mismatched arbitrage up to its long leg (the arbitrage driver
 * sizes and prices it within `execution.unwindMaxLoss`): it closes exposure rather than opening
 * it, so, like an exit, it passes while REDUCING and is sized by what it remedies, not by Kelly.
 */
const hedgeDecision = (request: RiskRequest): Decision => {
  const leg = request.legs[0]!
  const quantity = request.desired ?? 0
  if (quantity <= 0) return deny("NO_HOLDING", "nothing to hedge")
  return approvedClosing(leg, quantity, "ceil")
}

/**
 * The decision.
 *
 * @category rules
 */
export const decide = (request: RiskRequest, state: RiskState, limits: RiskLimits, now: number): Decision => {
  if (!state.ledgerOk) return deny("LEDGER_MISMATCH", "the bankroll does not equal its ledger; trading refused until it does")
  if (state.tradingState === "HALTED") return deny("TRADING_HALTED", "trading is halted")
  if (-state.dailyPnl >= limits.killSwitchDailyLoss) return deny("KILL_SWITCH", `daily loss of ${Money.formatDollars(-state.dailyPnl as Money.Micros)} reached the kill switch`)
  if (now > request.expiresAt) return deny("SIGNAL_EXPIRED", `the signal expired ${now - request.expiresAt} ms ago`)
  for (const leg of request.legs) {
    const venue = state.venues.get(leg.outcome.platform)
    // New exposure waits for the venue's books to be reconciled; exits (and cancels, which never reach risk) pass
    if (venue?.reconciling === true && request.purpose === "entry") return deny("RECONCILING", `${leg.outcome.platform} is reconciling`)
    if (venue?.pausedUntil !== undefined && venue.pausedUntil > now) return deny("VENUE_ERROR_PAUSE", `${leg.outcome.platform} is paused after errors until ${new Date(venue.pausedUntil).toISOString()}`)
    const age = now - leg.bookAsOf
    if (age > limits.maxBookAgeMillis) return deny("STALE_BOOK", `the ${leg.outcome.platform} book is ${age} ms old (limit ${limits.maxBookAgeMillis} ms)`)
  }
  if (request.purpose === "exit") return exitDecision(request, state)
  if (request.purpose === "hedge") return hedgeDecision(request)
  // In live mode, legs on a live venue and on a paper-only one would hedge real money with none
  const live = state.liveVenues
  if (live !== undefined && request.legs.some((l) => live.has(l.outcome.platform))) {
    const paper = request.legs.find((l) => !live.has(l.outcome.platform))
    if (paper !== undefined) return deny("VENUE_PAPER_ONLY", `${paper.outcome.platform} is paper-only in live mode (no credentials): a trade across it and a live venue is refused`)
  }

  if (state.tradingState === "REDUCING") return deny("TRADING_REDUCING", "trading is reducing: exits only")
  if (state.gameHalted) return deny("GAME_HALTED", "trading is halted for this game")
  if (request.threshold._tag === "edge") {
    const stateAge = now - request.gameStateChangedAt
    if (stateAge > limits.maxGameStateAgeMillis) return deny("STALE_GAME_STATE", `ESPN's content last changed ${stateAge} ms ago (limit ${limits.maxGameStateAgeMillis} ms)`)
    if (request.modelAt === undefined || now - request.modelAt > limits.maxModelAgeMillis) {
      return deny("STALE_MODEL", `the model is ${request.modelAt === undefined ? "missing" : `${now - request.modelAt} ms old`} (limit ${limits.maxModelAgeMillis} ms)`)
    }
  }
  for (const leg of request.legs) {
    const best = leg.asks[0]?.price
    if (best === undefined || best < limits.minBuyPrice || best > limits.maxBuyPrice) {
      return deny("PRICE_SANITY", `ask ${best === undefined ? "none" : Money.formatDollars(best)} is outside [${Money.formatDollars(limits.minBuyPrice)}, ${Money.formatDollars(limits.maxBuyPrice)}]`)
    }
  }
  if (-state.dailyPnl >= limits.maxDailyLoss) return deny("DAILY_LOSS", `daily loss limit of ${Money.formatDollars(limits.maxDailyLoss)} reached`)
  if (state.peak > 0 && Money.mulDiv(state.peak - state.equity, 10_000, state.peak, "floor") >= limits.maxDrawdown) {
    return deny("DRAWDOWN", `equity ${Money.formatDollars(state.equity)} is down ${Money.formatScaled(Money.mulDiv(state.peak - state.equity, 10_000, state.peak, "floor"), 2)}% from the peak ${Money.formatDollars(state.peak)}`)
  }
  if (state.consecutiveLosses >= limits.consecutiveLossesHalt) return deny("CONSECUTIVE_LOSSES", `${state.consecutiveLosses} losing exits in a row in this game`)
  if (state.lastClose !== undefined) {
    const since = now - state.lastClose.at
    if (state.lastClose.pnl < 0 && since < limits.lossCooldownMillis) return deny("LOSS_COOLDOWN", `a losing exit ${since} ms ago (cooldown ${limits.lossCooldownMillis} ms)`)
    if (state.lastClose.pnl >= 0 && since < limits.winCooldownMillis) return deny("WIN_COOLDOWN", `a winning exit ${since} ms ago (cooldown ${limits.winCooldownMillis} ms)`)
  }
  for (const leg of request.legs) {
    const venue = state.venues.get(leg.outcome.platform)
    if (venue !== undefined && (venue.submitsLastMinute >= limits.submitsPerMinute || venue.submitsLastHour >= limits.submitsPerHour)) {
      return deny("ORDER_RATE", `${leg.outcome.platform}: ${venue.submitsLastMinute} orders in the last minute, ${venue.submitsLastHour} in the hour`)
    }
  }
  const heldKeys = new Set(state.heldInGame.map((h) => h.key))
  const newOutcomes = new Set(request.legs.map((l) => outcomeKeyOf(l.outcome)).filter((k) => !heldKeys.has(k)))
  if (heldKeys.size + newOutcomes.size > limits.maxPositionsPerGame) {
    return deny("POSITIONS_PER_GAME", `${heldKeys.size} positions in this game; ${newOutcomes.size} more would pass ${limits.maxPositionsPerGame}`)
  }
  // An arbitrage holds both sides by design; anything else never stacks opposite sides of a game
  if (request.threshold._tag !== "sets" && !limits.allowHedging) {
    for (const leg of request.legs) {
      const opposite = state.heldInGame.find((h) => h.key !== outcomeKeyOf(leg.outcome) && !overlaps(h.meaning, leg.meaning, request.withDraw))
      if (opposite !== undefined) return deny("CORRELATION", `already holding ${opposite.meaning} in this game; buying ${leg.meaning} would hold both sides`)
    }
  }
  const gameRoom = limits.maxGameExposure - state.gameExposure
  const sportRoom = limits.maxSportExposure - state.sportExposure
  const totalRoom = limits.maxTotalExposure - state.totalExposure
  if (gameRoom <= 0) return deny("GAME_EXPOSURE", `game exposure ${Money.formatDollars(state.gameExposure)} of ${Money.formatDollars(limits.maxGameExposure)}`)
  if (sportRoom <= 0) return deny("SPORT_EXPOSURE", `sport exposure ${Money.formatDollars(state.sportExposure)} of ${Money.formatDollars(limits.maxSportExposure)}`)
  if (totalRoom <= 0) return deny("TOTAL_EXPOSURE", `total exposure ${Money.formatDollars(state.totalExposure)} of ${Money.formatDollars(limits.maxTotalExposure)}`)
  const gameContractRoom = limits.maxContractsPerGame - state.gameContracts
  if (gameContractRoom <= 0) return deny("GAME_CONTRACTS", `${Money.formatQty(state.gameContracts as Money.Qty)} contracts held or reserved in this game`)
  const sportContractRoom = limits.maxContractsPerSport - state.sportContracts
  if (sportContractRoom <= 0) return deny("SPORT_CONTRACTS", `${Money.formatQty(state.sportContracts as Money.Qty)} contracts held or reserved in this sport`)
  const totalContractRoom = limits.maxContractsTotal - state.totalContracts
  if (totalContractRoom <= 0) return deny("TOTAL_CONTRACTS", `${Money.formatQty(state.totalContracts as Money.Qty)} contracts held or reserved overall`)
  const positionCap = Money.applyBps(Math.max(0, state.equity) as Money.Micros, limits.maxPositionFraction, "floor")
  const legs: Array<SizingLeg> = []
  for (const leg of request.legs) {
    const marketRoom = limits.maxContractsPerMarket - (state.marketContracts.get(marketKeyOf(leg.outcome)) ?? 0)
    if (marketRoom <= 0) return deny("MARKET_CONTRACTS", `${marketKeyOf(leg.outcome)} is at its contract cap`)
    const marketMoneyRoom = limits.maxMarketExposure - (state.marketExposure.get(marketKeyOf(leg.outcome)) ?? 0)
    if (marketMoneyRoom <= 0) return deny("MARKET_EXPOSURE", `${marketKeyOf(leg.outcome)} is at its exposure cap of ${Money.formatDollars(limits.maxMarketExposure)}`)
    const positionRoom = positionCap - (state.outcomeExposure.get(outcomeKeyOf(leg.outcome)) ?? 0)
    if (positionRoom <= 0) return deny("POSITION_FRACTION", `the ${leg.meaning} position is at ${Money.formatScaled(limits.maxPositionFraction, 2)}% of equity`)
    legs.push({ ...leg, positionRoom: Math.min(leg.positionRoom, positionRoom, marketMoneyRoom) as Money.Micros, contractRoom: Math.min(leg.contractRoom, marketRoom) as Money.Qty })
  }
  const sized = size(legs, request.threshold, {
    available: state.available,
    exposureRoom: Math.min(gameRoom, sportRoom, totalRoom) as Money.Micros,
    maxOrderNotional: limits.maxOrderNotional,
    maxOrderContracts: limits.maxOrderContracts,
    totalContractRoom: Math.min(totalContractRoom, gameContractRoom, sportContractRoom) as Money.Qty,
    maxBookShare: limits.maxBookShare,
    minLiquidity: limits.minLiquidity,
    kellyFraction: limits.kellyFraction,
    desired: request.desired
  })
  return sized._tag === "Dropped" ? deny(sized.code, sized.message) : { _tag: "Approved", sizing: sized }
}
