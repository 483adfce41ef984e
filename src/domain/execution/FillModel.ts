/**
 * The paper fill model: what a venue would have done with one order, given the book as it stood
 * when the order arrived and the trades printed while it rested. Pure, exact, no randomness here
 * (latency and its jitter are applied by the paper venue before it reads the book).
 *
 * Anchors: NautilusTrader's L2 book walk and its trade-driven fills for resting orders, and
 * hftbacktest's queue-position models.
 *
 * - **Takers walk the depth** level by level from the touch, up to the limit: every level touched
 *   is one fill at that level's price. Fees are the venue's per order, charged fill by fill
 *   (`nextFillFee`): on Kalshi the fills of one order sum to its total ceiled to the cent once,
 *   never a cent per fill. Of each level only
 *   `takeShare` of the visible size is ours to take (others race for the same liquidity). FOK fills
 *   completely or not at all; IOC fills what it can and cancels the remainder; a GTC order's
 *   remainder rests; a post-only order that would take is rejected.
 * - **Makers rest** behind the size that was visible at their price when they joined (the queue
 *   ahead; it only shrinks: when the visible size at the price drops below it, cancellations ahead
 *   of us are assumed, hftbacktest's risk-averse model). A resting order fills only when the market
 *   trades through its price, when a trade at its price has consumed the queue ahead, or when the
 *   opposite side of the book crosses its price (those sellers would have hit us). Fills are
 *   capped by the size that traded or crossed, never the whole order by assumption.
 *
 * Prices are the ordered outcome's own prices: a buy rests on that outcome's bids and takes its
 * asks; a sell the reverse.
 *
 * @since 0.1.0
 */
import type { BookLevel } from "../../schema/Book.ts"
import { type Bps, mulDiv, type Micros, type Price, type Qty } from "../../schema/Money.ts"
import type { Action, TimeInForce } from "../../schema/Trading.ts"
import { type FeeLevel, type FeeSchedule, nextFillFee } from "../fees/Fee.ts"

/** One simulated execution. @category models */
export interface SimFill {
  readonly price: Price
  readonly quantity: Qty
  readonly fee: Micros
  readonly isTaker: boolean
}

/** An order resting on the book in the simulation. @category models */
export interface Resting {
  readonly action: Action
  readonly limit: Price
  readonly remaining: Qty
  /** Visible size ahead of us at our price */
  readonly queueAhead: Qty
  /** Crossing size (opposite side at or through our price) already credited to us, so a cross that persists fills once */
  readonly crossTaken: Qty
  /** Filled so far while resting (at `limit`): the order's maker fee accrues over all its fills */
  readonly makerFilled: Qty
}

/** What an order's arrival did. @category models */
export interface Arrival {
  readonly fills: ReadonlyArray<SimFill>
  readonly filled: Qty
  /**
   * `filled`; `resting` (GTC remainder on the book, `resting` set, maybe after some fills);
   * `canceled` (IOC remainder or an unfillable FOK, maybe after some fills); `rejected` (post-only
   * that would take, or a zero quantity)
   */
  readonly status: "filled" | "resting" | "canceled" | "rejected"
  readonly resting?: Resting | undefined
  readonly reason?: string | undefined
}

/** A submitted order as the model sees it. @category models */
export interface OrderSpec {
  readonly action: Action
  readonly limit: Price
  readonly quantity: Qty
  readonly timeInForce: TimeInForce
  readonly postOnly: boolean
}

/** The book of the ordered outcome at arrival, best level first on each side. @category models */
export interface BookSides {
  readonly bids: ReadonlyArray<BookLevel>
  readonly asks: ReadonlyArray<BookLevel>
}

/** The model's knobs. @category models */
export interface ModelSettings {
  readonly fees: FeeSchedule
  /** Share of each visible level a taker may take, in basis points (10_000 = all of it) */
  readonly takeShare: Bps
  /** Smallest quantity increment the venue accepts (micro-contracts); fills are whole lots */
  readonly lot: Qty
}

/** A public trade of the ordered outcome, in its own price; `aggressor` is the taker's action when known. @category models */
export interface TradePrint {
  readonly price: Price
  readonly size: Qty
  readonly aggressor?: Action | undefined
}

const FULL = 10_000

/** Whether `price` is at or better than `limit` for a taker of `action`. */
const marketable = (action: Action, price: Price, limit: Price): boolean => action === "buy" ? price <= limit : price >= limit

const toLots = (q: number, lot: Qty): Qty => (lot <= 1 ? q : q - (q % lot)) as Qty

/** One fill of an order that already filled `before` in the same role. */
const fill = (settings: ModelSettings, role: "taker" | "maker", quantity: Qty, price: Price, before: ReadonlyArray<FeeLevel>): SimFill => ({
  price,
  quantity,
  fee: nextFillFee(settings.fees, role, before, { price, count: quantity }),
  isTaker: role === "taker"
})

/** The visible size at exactly `price` on one side. */
const sizeAt = (levels: ReadonlyArray<BookLevel>, price: Price): Qty => {
  for (const level of levels) if (level.price === price) return level.size
  return 0 as Qty
}

/**
 * What the taker part of an order can take from `levels` (the opposite side, best first), level by
 * level, at most `want`.
 *
 * @category model
 */
export const walk = (action: Action, limit: Price, want: Qty, levels: ReadonlyArray<BookLevel>, settings: ModelSettings): ReadonlyArray<SimFill> => {
  const fills: Array<SimFill> = []
  let left: number = want
  for (const level of levels) {
    if (left <= 0 || !marketable(action, level.price, limit)) break
    const ours = settings.takeShare >= FULL ? level.size : mulDiv(level.size, settings.takeShare, FULL, "floor")
    const take = toLots(Math.min(left, ours), settings.lot)
    if (take <= 0) continue
    fills.push(fill(settings, "taker", take, level.price, fills.map((f) => ({ price: f.price, count: f.quantity }))))
    left -= take
  }
  return fills
}

const total = (fills: ReadonlyArray<SimFill>): Qty => fills.reduce((n, f) => n + f.quantity, 0) as Qty

/**
 * The order arrives at the venue and meets `book`.
 *
 * @category model
 */
export const arrive = (order: OrderSpec, book: BookSides, settings: ModelSettings): Arrival => {
  if (order.quantity <= 0) return { fills: [], filled: 0 as Qty, status: "rejected", reason: "zero quantity" }
  const opposite = order.action === "buy" ? book.asks : book.bids
  const same = order.action === "buy" ? book.bids : book.asks
  const crosses = opposite.length > 0 && marketable(order.action, opposite[0]!.price, order.limit)
  if (order.postOnly) {
    if (order.timeInForce !== "gtc") return { fills: [], filled: 0 as Qty, status: "rejected", reason: "post-only needs gtc" }
    if (crosses) return { fills: [], filled: 0 as Qty, status: "rejected", reason: "post-only order would take liquidity" }
  }
  const fills = walk(order.action, order.limit, order.quantity, opposite, settings)
  const filled = total(fills)
  if (filled === order.quantity) return { fills, filled, status: "filled" }
  switch (order.timeInForce) {
    case "fok":
      return { fills: [], filled: 0 as Qty, status: "canceled", reason: "fill-or-kill: not enough size within the limit" }
    case "ioc":
      return { fills, filled, status: "canceled", reason: filled === 0 ? "immediate-or-cancel: nothing within the limit" : "immediate-or-cancel: remainder cancelled" }
    case "gtc":
      return {
        fills,
        filled,
        status: "resting",
        resting: { action: order.action, limit: order.limit, remaining: (order.quantity - filled) as Qty, queueAhead: sizeAt(same, order.limit), crossTaken: 0 as Qty, makerFilled: 0 as Qty }
      }
  }
}

/** A resting order after an event: the fill it got, if any, and what is left (`undefined` once filled). @category models */
export interface MakerStep {
  readonly fill?: SimFill | undefined
  readonly resting: Resting | undefined
}

const after = (resting: Resting, settings: ModelSettings, quantity: number, queueAhead: number, crossTaken: number = resting.crossTaken): MakerStep => {
  const q = toLots(Math.min(quantity, resting.remaining), settings.lot)
  const next = { ...resting, queueAhead: queueAhead as Qty, crossTaken: crossTaken as Qty }
  if (q <= 0) return { resting: next }
  const remaining = resting.remaining - q
  return {
    fill: fill(settings, "maker", q, resting.limit, [{ price: resting.limit, count: resting.makerFilled }]),
    resting: remaining > 0 ? { ...next, remaining: remaining as Qty, makerFilled: (resting.makerFilled + q) as Qty } : undefined
  }
}

/**
 * A public trade printed while the order rests. Through our price: we fill up to the traded size.
 * At our price (by a taker on the other side, or of unknown side): it eats the queue ahead first,
 * and what is left of it fills us.
 *
 * @category model
 */
export const onTrade = (resting: Resting, trade: TradePrint, settings: ModelSettings): MakerStep => {
  const through = resting.action === "buy" ? trade.price < resting.limit : trade.price > resting.limit
  if (through) return after(resting, settings, trade.size, resting.queueAhead)
  if (trade.price !== resting.limit || trade.aggressor === resting.action) return { resting }
  const eaten = Math.min(resting.queueAhead, trade.size)
  return after(resting, settings, trade.size - eaten, resting.queueAhead - eaten)
}

/**
 * The book changed while the order rests. The queue ahead shrinks to the visible size at our
 * price if that fell; an opposite side at or through our price (sellers at or below our bid) fills
 * us up to its size there.
 *
 * @category model
 */
export const onBook = (resting: Resting, book: BookSides, settings: ModelSettings): MakerStep => {
  const same = resting.action === "buy" ? book.bids : book.asks
  const opposite = resting.action === "buy" ? book.asks : book.bids
  const queueAhead = Math.min(resting.queueAhead, sizeAt(same, resting.limit))
  let crossing = 0
  for (const level of opposite) {
    if (!marketable(resting.action, level.price, resting.limit)) break
    crossing += level.size
  }
  // Only crossing size we have not been credited with yet fills us; a cleared cross resets
  const fresh = Math.max(0, crossing - resting.crossTaken)
  const step = after(resting, settings, fresh, queueAhead, crossing === 0 ? 0 : resting.crossTaken)
  if (step.fill === undefined || step.resting === undefined) return step
  return { ...step, resting: { ...step.resting, crossTaken: (resting.crossTaken + step.fill.quantity) as Qty } }
}
