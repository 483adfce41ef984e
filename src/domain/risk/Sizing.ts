/**
 * Size first, then price exactly: the final quantity of an intent, from the books' depth, exact
 * fees, the strategy's threshold, the account and every limit.
 *
 * 1. **Walk the depth.** Levels at or under each leg's limit are walked together while the marginal
 *    contract (or set) still clears its fees and the threshold; `minLiquidity` applies to the
 *    notional walked; `maxBookShare` caps the share of the depth taken.
 * 2. **Bound.** Contract caps (order, market, total), money caps (balance − reserved, exposure
 *    room, per-order notional, the position's room under `maxPositionFraction`) and, for a model
 *    edge, fractional Kelly at the cost of the size itself (a binary search, then downward).
 * 3. **Re-check exactly.** At the bounded size every leg's fee is computed exactly (Kalshi: one
 *    ceiling to the cent per order; Polymarket: per level fill) and the threshold is re-checked;
 *    the size steps down until it clears.
 * 4. **Venue minimums.** Polymarket's marketable minimum notional and `orderMinSize`, its size
 *    step (0.01) and tick grid; Kalshi's whole or fractional contracts. A size under a minimum is
 *    raised to it when that stays within every limit and clears the threshold; otherwise the intent
 *    is dropped, never half-approved.
 *
 * One unit for edge everywhere: basis points of the $1 a contract (or a set) pays.
 *
 * @since 0.1.0
 */
import { type FeeSchedule, takerFeeAcross } from "../fees/Fee.ts"
import type { BookLevel } from "../../schema/Book.ts"
import * as Money from "../../schema/Money.ts"
import { priceFromProbability, probability } from "../../schema/Probability.ts"

/** What a venue accepts. @category models */
export type VenueRules =
  | { readonly _tag: "kalshi"; readonly fractional: boolean; readonly tickSize: Money.Price }
  | { readonly _tag: "polymarket"; readonly tickSize: Money.Price; readonly minOrderSize: Money.Qty; readonly minNotional: Money.Micros }

/** A tick size that is not known: any micro-dollar price (a taker's limit is a price the book showed). @category constants */
export const ANY_TICK = 1 as Money.Price

/** Kalshi's default: whole contracts. @category constructors */
export const kalshiRules = (fractional = false, tickSize: Money.Price = ANY_TICK): VenueRules => ({ _tag: "kalshi", fractional, tickSize })

/** Polymarket's defaults: $1 marketable minimum, 5 shares. @category constructors */
export const polymarketRules = (
  tickSize: Money.Price = ANY_TICK,
  minOrderSize: Money.Qty = (5 * Money.ONE) as Money.Qty,
  minNotional: Money.Micros = Money.ONE as Money.Micros
): VenueRules => ({ _tag: "polymarket", tickSize, minOrderSize, minNotional })

/** The quantity step a venue accepts: Kalshi 1 contract (0.01 when fractional), Polymarket 0.01 shares. @category venue */
export const sizeStep = (rules: VenueRules): number => (rules._tag === "kalshi" && !rules.fractional ? Money.ONE : Money.ONE / 100)

/** One leg to size. @category models */
export interface SizingLeg {
  /** Asks, best first */
  readonly asks: ReadonlyArray<BookLevel>
  readonly fees: FeeSchedule
  readonly venue: VenueRules
  /** The worst price the strategy accepts */
  readonly limit: Money.Price
  /** Money left for this leg: its position's room under `maxPositionFraction` and its market's under `maxMarketExposure` */
  readonly positionRoom: Money.Micros
  /** Contracts left for this market under its contract cap */
  readonly contractRoom: Money.Qty
}

/** What the intent must clear at its final size. @category models */
export type Threshold =
  /** The legs partition the result: each set pays $1; profit per set after fees */
  | { readonly _tag: "sets"; readonly minProfitPerSet: Money.Micros }
  /** One leg: the model's probability of the traded outcome, an edge in bps of $1 after fees */
  | { readonly _tag: "edge"; readonly probability: number; readonly minEdge: Money.Bps; readonly kelly: boolean }

/** @category models */
export interface SizingLimits {
  /** Balance − reserved; also the Kelly bankroll */
  readonly available: Money.Micros
  /** The least room left under the game, sport and total exposure caps */
  readonly exposureRoom: Money.Micros
  readonly maxOrderNotional: Money.Micros
  readonly maxOrderContracts: Money.Qty
  /** Contracts left under the game, sport and total contract caps, all legs together */
  readonly totalContractRoom: Money.Qty
  readonly maxBookShare: Money.Bps
  readonly minLiquidity: Money.Micros
  readonly kellyFraction: Money.Bps
  /** The strategy's own cap, if any */
  readonly desired?: Money.Qty | undefined
}

/** A leg at its final size. @category models */
export interface SizedLeg {
  /** The worst level walked: the order's limit */
  readonly limit: Money.Price
  readonly quantity: Money.Qty
  readonly notional: Money.Micros
  readonly fee: Money.Micros
  /** notional + fee: what is reserved */
  readonly amount: Money.Micros
}

/** Stable codes of a sizing drop. @category models */
export type SizingCode =
  | "INSUFFICIENT_FUNDS"
  | "INSUFFICIENT_LIQUIDITY"
  | "BELOW_THRESHOLD"
  | "VENUE_MINIMUM"
  | "PRICE_TICK"
  | "SIZE_ZERO"

/** @category models */
export type Sizing =
  | {
    readonly _tag: "Sized"
    readonly quantity: Money.Qty
    readonly legs: ReadonlyArray<SizedLeg>
    readonly cost: Money.Micros
    /** Sets: payout − cost. Edge: fair value − cost */
    readonly edge: Money.Micros
    /** Edge per contract (or set) in bps of $1 */
    readonly edgeBps: Money.Bps
    readonly raisedToMinimum: boolean
  }
  | { readonly _tag: "Dropped"; readonly code: SizingCode; readonly message: string }

const drop = (code: SizingCode, message: string): Sizing => ({ _tag: "Dropped", code, message })

/** The fills of `q` against `asks` up to `limit`, or undefined when the depth is short. @category walking */
export const walk = (asks: ReadonlyArray<BookLevel>, limit: Money.Price, q: number): Array<{ price: Money.Price; count: Money.Qty }> | undefined => {
  const fills: Array<{ price: Money.Price; count: Money.Qty }> = []
  let left = q
  for (const level of asks) {
    if (left <= 0) break
    if (level.price > limit) break
    const take = Math.min(left, level.size)
    if (take > 0) fills.push({ price: level.price, count: take as Money.Qty })
    left -= take
  }
  return left > 0 ? undefined : fills
}

/** A leg's exact cost at `q`. @category walking */
export const legAt = (leg: Pick<SizingLeg, "asks" | "limit" | "fees">, q: number): SizedLeg | undefined => {
  const fills = walk(leg.asks, leg.limit, q)
  if (fills === undefined || fills.length === 0) return undefined
  const notional = Money.sum(fills.map((f) => Money.notional(f.price, f.count, "ceil"))) as Money.Micros
  const fee = takerFeeAcross(leg.fees, fills)
  return { limit: fills[fills.length - 1]!.price, quantity: q as Money.Qty, notional, fee, amount: Money.add(notional, fee) as Money.Micros }
}

/** The fee of one more contract at `price`, ceiled to the micro-dollar (from 1,000 contracts, so cent rounding does not hide it). */
const marginalFee = (fees: FeeSchedule, price: Money.Price): number =>
  Math.ceil(takerFeeAcross(fees, [{ price, count: (1_000 * Money.ONE) as Money.Qty }]) / 1_000)

/** The least size (a step multiple) whose walked notional reaches `minNotional`. */
const minimumForNotional = (asks: ReadonlyArray<BookLevel>, limit: Money.Price, minNotional: number, step: number): number => {
  let q = 0
  let notional = 0
  for (const level of asks) {
    if (level.price > limit || level.price === 0) break
    const need = Money.mulDiv(minNotional - notional, Money.ONE, level.price, "ceil")
    if (need <= level.size) return alignUp(q + need, step)
    q += level.size
    notional += Money.notional(level.price, level.size, "ceil")
  }
  return Infinity
}

const alignDown = (q: number, step: number) => Math.floor(q / step) * step
const alignUp = (q: number, step: number) => Math.ceil(q / step) * step

/** The threshold's exact test at a size, and the edge it leaves. */
const evaluate = (threshold: Threshold, q: number, legs: ReadonlyArray<SizedLeg>) => {
  const cost = Money.sum(legs.map((l) => l.amount))
  if (threshold._tag === "sets") {
    const edge = Money.sub(q, cost) // $1 per set: q micro-sets pay q micros
    return { cost, edge, clears: edge >= Money.mulDiv(threshold.minProfitPerSet, q, Money.ONE, "ceil") }
  }
  const fair = priceFromProbability(probability(Math.min(1, Math.max(0, threshold.probability))), "floor")
  const edge = Money.sub(Money.notional(fair, q as Money.Qty, "floor"), cost)
  return { cost, edge, clears: edge >= Money.mulDiv(threshold.minEdge * 100, q, Money.ONE, "ceil") && edge > 0 }
}

/** The Kelly fraction of a binary contract bought at `cost` per contract, as a float in [0, 1). @category sizing */
export const kelly = (p: number, costPerContract: number): number => {
  const c = costPerContract / Money.ONE
  if (!(p > c) || c >= 1 || c <= 0) return 0
  return (p - c) / (1 - c)
}

/**
 * Sizes an intent. Pure and total: every path ends in a size or a coded drop.
 *
 * @category sizing
 */
export const size = (legs: ReadonlyArray<SizingLeg>, threshold: Threshold, limits: SizingLimits): Sizing => {
  if (legs.length === 0) return drop("SIZE_ZERO", "no legs")
  if (limits.available <= 0) return drop("INSUFFICIENT_FUNDS", `available balance is ${Money.formatDollars(limits.available)}`)
  const step = Math.max(...legs.map((l) => sizeStep(l.venue)))

  // Prices off the venue's tick grid are bad data: never trade on them
  for (const leg of legs) {
    const bad = leg.asks.find((l) => l.price <= leg.limit && l.price % leg.venue.tickSize !== 0)
    if (bad !== undefined) return drop("PRICE_TICK", `ask ${Money.formatDollars(bad.price)} is off the ${Money.formatDollars(leg.venue.tickSize)} tick`)
  }

  // 1. Walk the depth while the marginal contract (set) clears fees and the threshold
  const cursors = legs.map(() => ({ level: 0, used: 0 }))
  let walked = 0
  const fair = threshold._tag === "edge" ? priceFromProbability(probability(Math.min(1, Math.max(0, threshold.probability))), "floor") : 0
  const ceiling = threshold._tag === "sets" ? Money.ONE - threshold.minProfitPerSet : fair - threshold.minEdge * 100
  for (;;) {
    let marginal = 0
    let segment = Infinity
    let exhausted = false
    for (let i = 0; i < legs.length; i++) {
      const leg = legs[i]!
      const c = cursors[i]!
      while (c.level < leg.asks.length && c.used >= leg.asks[c.level]!.size) {
        c.level++
        c.used = 0
      }
      const level = leg.asks[c.level]
      if (level === undefined || level.price > leg.limit) {
        exhausted = true
        break
      }
      marginal += level.price + marginalFee(leg.fees, level.price)
      segment = Math.min(segment, level.size - c.used)
    }
    if (exhausted || marginal > ceiling) break
    walked += segment
    for (const c of cursors) c.used += segment
  }
  walked = alignDown(walked, step)
  if (walked <= 0) return drop("BELOW_THRESHOLD", "not one contract clears the fees and the threshold")
  for (const leg of legs) {
    const notional = legAt(leg, walked)?.notional ?? 0
    if (notional < limits.minLiquidity) {
      return drop("INSUFFICIENT_LIQUIDITY", `only ${Money.formatDollars(notional as Money.Micros)} of depth clears the threshold (minimum ${Money.formatDollars(limits.minLiquidity)})`)
    }
  }

  // 2. Contract bounds
  let upper = walked
  for (const leg of legs) {
    const depth = Money.sum(leg.asks.filter((l) => l.price <= leg.limit).map((l) => l.size))
    upper = Math.min(upper, Money.mulDiv(depth, limits.maxBookShare, 10_000, "floor"), leg.contractRoom)
  }
  upper = Math.min(upper, limits.maxOrderContracts, Math.floor(limits.totalContractRoom / legs.length), limits.desired ?? Infinity)
  upper = alignDown(upper, step)

  const at = (q: number): ReadonlyArray<SizedLeg> | undefined => {
    const out: Array<SizedLeg> = []
    for (const leg of legs) {
      const l = legAt(leg, q)
      if (l === undefined) return undefined
      out.push(l)
    }
    return out
  }
  const moneyRoom = Math.min(limits.available, limits.exposureRoom)
  const withinMoney = (sized: ReadonlyArray<SizedLeg>) =>
    Money.sum(sized.map((l) => l.amount)) <= moneyRoom &&
    sized.every((l, i) => l.amount <= limits.maxOrderNotional && l.amount <= legs[i]!.positionRoom)
  const withinKelly = (q: number, sized: ReadonlyArray<SizedLeg>) => {
    if (threshold._tag !== "edge" || !threshold.kelly) return true
    const cost = sized[0]!.amount
    const f = kelly(threshold.probability, Money.mulDiv(cost, Money.ONE, q, "ceil"))
    const stake = Math.floor(Money.applyBps(limits.available, limits.kellyFraction, "floor") * f)
    return cost <= stake
  }
  const fits = (q: number) => {
    const sized = at(q)
    return sized !== undefined && withinMoney(sized) && withinKelly(q, sized)
  }

  // The largest step multiple that fits: binary search (cost rises with q), then step down past fee jitter
  let lo = 0
  let hi = upper / step
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (fits(mid * step)) lo = mid
    else hi = mid - 1
  }
  let q = lo * step
  // 3. The exact threshold at the final size
  let guard = 0
  while (q > 0 && guard++ < 100_000) {
    const sized = at(q)
    if (sized !== undefined && withinMoney(sized) && withinKelly(q, sized) && evaluate(threshold, q, sized).clears) break
    q -= step
  }

  // 4. Venue minimums
  let minimum = step
  for (const leg of legs) {
    if (leg.venue._tag !== "polymarket") continue
    minimum = Math.max(minimum, alignUp(leg.venue.minOrderSize, step), minimumForNotional(leg.asks, leg.limit, leg.venue.minNotional, step))
  }
  let raised = false
  if (!Number.isFinite(minimum)) return drop("VENUE_MINIMUM", "the book cannot fill the venue's minimum order notional")
  if (q < minimum) {
    const sized = at(minimum)
    const ok = sized !== undefined && minimum <= walked && minimum <= Math.min(limits.maxOrderContracts, Math.floor(limits.totalContractRoom / legs.length)) &&
      legs.every((l) => minimum <= l.contractRoom) && withinMoney(sized) && evaluate(threshold, minimum, sized).clears
    if (!ok) {
      if (q > 0) return drop("VENUE_MINIMUM", `${Money.formatQty(q as Money.Qty)} is under the venue minimum of ${Money.formatQty(minimum as Money.Qty)}, which is outside a limit or the threshold`)
      if (!(step <= upper && fits(step))) return drop("SIZE_ZERO", "the balance and limits leave no contract to trade")
      return drop("BELOW_THRESHOLD", "no size within the limits clears the threshold after exact fees")
    }
    q = minimum
    raised = true
  }
  const sized = at(q)!
  const { cost, edge } = evaluate(threshold, q, sized)
  return {
    _tag: "Sized",
    quantity: q as Money.Qty,
    legs: sized,
    cost: cost as Money.Micros,
    edge: edge as Money.Micros,
    edgeBps: Money.mulDiv(edge, 10_000, q, "floor") as Money.Bps,
    raisedToMinimum: raised
  }
}
