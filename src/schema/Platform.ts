/**
 * Trading venues.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/** @category schemas */
export const Platform = Schema.Literals(["kalshi", "polymarket"])
export type Platform = typeof Platform.Type

/** Paper trades against the real books of a venue; live sends orders to it. @category schemas */
export const TradingMode = Schema.Literals(["paper", "live"])
export type TradingMode = typeof TradingMode.Type
