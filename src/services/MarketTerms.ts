/**
 * The fee terms of a mapped market, read from the venue at run time (never assumed):
 *
 * - Kalshi: the market's event, its series' `fee_type` / `fee_multiplier`, and the event's
 *   overrides, which win;
 * - Polymarket: the market's Gamma `feeSchedule` (or `/fee-rate`).
 *
 * A fee we cannot compute (an unknown fee type, a failed lookup) makes the outcome non-routable:
 * it is followed and shown, never traded. Answers are cached per market for `discovery.listingsTtl`
 * and concurrent lookups of one market share one request.
 *
 * @since 0.1.0
 */
import { Cache, Context, Effect, Exit, Layer } from "effect"
import type { FeeSchedule } from "../domain/fees/Fee.ts"
import { kalshiFeeSchedule } from "../domain/fees/KalshiFees.ts"
import { AppConfig } from "./config/AppConfig.ts"
import type { Platform } from "../schema/Platform.ts"
import { KalshiClient } from "./kalshi/KalshiClient.ts"
import { PolymarketClient } from "./polymarket/PolymarketClient.ts"

/** @category models */
export type Terms =
  | { readonly _tag: "Routable"; readonly fees: FeeSchedule }
  /** `transient`: the venue could not be asked (a failed request), not a market we cannot trade */
  | { readonly _tag: "NonRoutable"; readonly reason: string; readonly transient?: boolean }

/** @category services */
export class MarketTerms extends Context.Service<MarketTerms, {
  readonly termsOf: (platform: Platform, marketId: string) => Effect.Effect<Terms>
}>()("arbees/services/MarketTerms") {
  static readonly layer: Layer.Layer<MarketTerms, never, KalshiClient | PolymarketClient | AppConfig> = Layer.effect(
    MarketTerms,
    Effect.gen(function*() {
      const { config } = yield* AppConfig
      const kalshi = yield* KalshiClient
      const polymarket = yield* PolymarketClient

      const kalshiTerms = Effect.fn("MarketTerms.kalshi")(function*(ticker: string) {
        const market = yield* kalshi.getMarket(ticker)
        const { event } = yield* kalshi.getEvent(market.event_ticker, false)
        const series = yield* kalshi.getSeries(event.series_ticker)
        const schedule = kalshiFeeSchedule({
          feeType: series.fee_type,
          multiplier: series.fee_multiplier,
          feeTypeOverride: event.fee_type_override,
          multiplierOverride: event.fee_multiplier_override
        })
        return schedule._tag === "KalshiFeeSchedule"
          ? ({ _tag: "Routable", fees: schedule } as const)
          : ({ _tag: "NonRoutable", reason: schedule.reason } as const)
      })

      const polymarketTerms = Effect.fn("MarketTerms.polymarket")(function*(conditionId: string) {
        const [market] = yield* polymarket.markets({ conditionIds: [conditionId] })
        if (market === undefined) return { _tag: "NonRoutable", reason: `no Gamma market for ${conditionId}` } as const
        const schedule = yield* polymarket.feeSchedule(market)
        return schedule._tag === "PolymarketFeeSchedule"
          ? ({ _tag: "Routable", fees: schedule } as const)
          : ({ _tag: "NonRoutable", reason: schedule.reason } as const)
      })

      // A tagged error's message may be empty: fall back to its tag and reason, never to ""
      const whyFailed = (e: unknown): string => {
        if (e instanceof Error && e.message !== "") return e.message
        const t = e as { _tag?: unknown; reason?: { _tag?: unknown; message?: unknown } } | undefined
        const parts = [t?._tag, t?.reason?._tag, t?.reason?.message].filter((x): x is string => typeof x === "string" && x !== "")
        return parts.length > 0 ? parts.join(": ") : "unknown error"
      }

      // A failed request is remembered only as long as a failed listings fetch, then asked again
      const cache = yield* Cache.makeWith(
        (key: string): Effect.Effect<Terms> => {
          const [platform, marketId] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)]
          const lookup: Effect.Effect<Terms, unknown> = platform === "kalshi" ? kalshiTerms(marketId) : polymarketTerms(marketId)
          return lookup.pipe(
            Effect.catch((e) =>
              Effect.succeed<Terms>({ _tag: "NonRoutable", reason: `fee terms unavailable: ${whyFailed(e)}`, transient: true })
            )
          )
        },
        {
          capacity: 4096,
          timeToLive: (exit: Exit.Exit<Terms>) =>
            Exit.isSuccess(exit) && exit.value._tag === "NonRoutable" && exit.value.transient === true
              ? config.discovery.listingsFailureTtl
              : config.discovery.listingsTtl
        }
      )

      return MarketTerms.of({ termsOf: (platform, marketId) => Cache.get(cache, `${platform}:${marketId}`) })
    })
  )
}
