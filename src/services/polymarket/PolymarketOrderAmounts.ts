/**
 * From an order in our units (an exact `Price` and `Qty`) to the amounts a Polymarket order signs:
 * `makerAmount` (what we give) and `takerAmount` (what we get), in 6-decimal base units, with the
 * precision the CLOB accepts for the market's tick size.
 *
 * - The price is rounded to the tick in our favour, never against the limit: a buy rounds down, a
 *   sell rounds up. A price outside `[tick, 1 − tick]` is refused.
 * - Sizes have 2 decimals (rounded down). A resting (GTC) order's notional then has the price's
 *   decimals plus two, which is exact in base units.
 * - Immediate orders (FOK/FAK) are "market" orders to the CLOB and tighter: the dollar leg has 2
 *   decimals and the share leg the tick's amount precision (4 for a 0.01 tick), both rounded down.
 *
 * The precision table (price, size, amount decimals per tick) is the official client's
 * `ROUNDING_CONFIG` (`@polymarket/clob-client-v2`); the arithmetic is exact integers here.
 *
 * @since 0.1.0
 */
import { ONE, type Price, type Qty } from "../../schema/Money.ts"

/** Decimals a market order's share amount carries, per tick size in micro-dollars. */
const AMOUNT_DECIMALS: ReadonlyMap<number, number> = new Map([
  [100_000, 3],
  [10_000, 4],
  [5_000, 5],
  [2_500, 6],
  [1_000, 5],
  [100, 6]
])

const SIZE_STEP = 10_000 // 2 decimals of a share, in micro-shares

/** @category models */
export interface OrderAmounts {
  readonly side: "BUY" | "SELL"
  /** The price after tick rounding */
  readonly price: Price
  /** The shares the order is for, after rounding (for a market buy: what the dollars buy at `price`) */
  readonly size: Qty
  readonly makerAmount: bigint
  readonly takerAmount: bigint
}

const step = (decimals: number): number => 10 ** (6 - decimals)
const floorTo = (value: number, unit: number): number => Math.floor(value / unit) * unit
const ceilTo = (value: number, unit: number): number => Math.ceil(value / unit) * unit

/**
 * The signed amounts of one order, or why it cannot be placed.
 *
 * @category operations
 */
export const orderAmounts = (order: {
  readonly side: "BUY" | "SELL"
  readonly price: Price
  readonly size: Qty
  /** The market's tick in micro-dollars: 100_000, 10_000, 5_000, 2_500, 1_000 or 100 */
  readonly tick: number
  /** `market` for FOK/FAK, `limit` for GTC/GTD */
  readonly kind: "limit" | "market"
}): OrderAmounts | { readonly error: string } => {
  const amountDecimals = AMOUNT_DECIMALS.get(order.tick)
  if (amountDecimals === undefined) return { error: `unsupported tick size ${order.tick / ONE}` }
  const price = order.side === "BUY" ? floorTo(order.price, order.tick) : ceilTo(order.price, order.tick)
  if (price < order.tick || price > ONE - order.tick) {
    return { error: `price ${order.price / ONE} is outside [${order.tick / ONE}, ${(ONE - order.tick) / ONE}] after rounding to the tick` }
  }
  const size = floorTo(order.size, SIZE_STEP)
  if (size === 0) return { error: "size rounds to zero shares (sizes have 2 decimals)" }
  const p = BigInt(price)
  const s = BigInt(size)
  const million = BigInt(ONE)
  if (order.kind === "limit") {
    // size has 2 decimals and the price at most 4, so size × price / 1e6 is an exact integer
    const notional = (s * p) / million
    return order.side === "BUY"
      ? { side: "BUY", price: price as Price, size: size as Qty, makerAmount: notional, takerAmount: s }
      : { side: "SELL", price: price as Price, size: size as Qty, makerAmount: s, takerAmount: notional }
  }
  const amountUnit = BigInt(step(amountDecimals))
  const cent = BigInt(step(2))
  if (order.side === "BUY") {
    const dollars = ((s * p) / million / cent) * cent
    if (dollars === 0n) return { error: "the order's notional rounds to zero cents" }
    const shares = ((dollars * million) / p / amountUnit) * amountUnit
    return { side: "BUY", price: price as Price, size: Number(shares) as Qty, makerAmount: dollars, takerAmount: shares }
  }
  const proceeds = ((s * p) / million / amountUnit) * amountUnit
  return { side: "SELL", price: price as Price, size: size as Qty, makerAmount: s, takerAmount: proceeds }
}
