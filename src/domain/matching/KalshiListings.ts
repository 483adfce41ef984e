/**
 * Kalshi listings from a flat `/markets` response: markets grouped into events by their
 * `event_ticker`, in first-seen order (an `/events?with_nested_markets=true` response is already
 * grouped). A market without an event ticker cannot be placed and is returned apart.
 *
 * @since 0.1.0
 */
import type { KalshiEventListing, KalshiMarketListing } from "./Inputs.ts"

/** A `/markets` entry: a market and the event it belongs to. @category models */
export interface KalshiFlatMarket extends KalshiMarketListing {
  readonly eventTicker?: string
}

/** @category adapters */
export const groupKalshiMarkets = (
  markets: ReadonlyArray<KalshiFlatMarket>
): { readonly events: ReadonlyArray<KalshiEventListing>; readonly orphans: ReadonlyArray<KalshiFlatMarket> } => {
  const byEvent = new Map<string, Array<KalshiMarketListing>>()
  const orphans: Array<KalshiFlatMarket> = []
  for (const m of markets) {
    if (m.eventTicker === undefined || m.eventTicker === "") {
      orphans.push(m)
      continue
    }
    const { eventTicker, ...market } = m
    byEvent.set(eventTicker, [...(byEvent.get(eventTicker) ?? []), market])
  }
  const events = [...byEvent].map(([eventTicker, ms]) => ({
    eventTicker,
    // `/markets` has no event title; the markets' own title ("X at Y Winner?") stands in for it
    ...(ms[0]?.title !== undefined ? { title: ms[0].title } : {}),
    markets: ms
  }))
  return { events, orphans }
}
