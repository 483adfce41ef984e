/**
 * The venues' own results, which settlement applies (`domain/execution/Resolution.ts` reads them):
 *
 * - **Kalshi**: `GET /markets/{ticker}`, its `status` and `result` (polled after the game ends);
 * - **Polymarket**: `market_resolved` on the market channel, as it arrives (`announced`), and
 *   `GET /markets/{condition_id}` on the CLOB, whose tokens carry `winner` (polled).
 *
 * A venue whose client is not in this runtime answers "no result yet": nothing is ever settled from
 * anything but the venue (ESPN's final score is only a provisional mark).
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Result, Stream } from "effect"
import { clobResultOf, kalshiResultOf, type MarketResult, resolvedResultOf } from "../../domain/execution/Resolution.ts"
import type { VenueError } from "../../schema/errors/VenueError.ts"
import type { Platform } from "../../schema/Platform.ts"
import { KalshiClient } from "../kalshi/KalshiClient.ts"
import { PolymarketClient } from "../polymarket/PolymarketClient.ts"
import { PolymarketFeed } from "../polymarket/PolymarketFeed.ts"

/** A result a venue announced. @category models */
export interface Announced {
  readonly platform: Platform
  readonly marketId: string
  readonly result: MarketResult
}

/** @category services */
export class MarketResults extends Context.Service<MarketResults, {
  /** The market's result, or `undefined` while the venue has not settled it */
  readonly poll: (platform: Platform, marketId: string) => Effect.Effect<MarketResult | undefined, VenueError>
  /** Results the venues push (Polymarket `market_resolved`) */
  readonly announced: Stream.Stream<Announced>
}>()("arbees/services/venue/MarketResults") {
  /** Over whichever venue clients and feeds this runtime has. @category layers */
  static readonly layer: Layer.Layer<MarketResults> = Layer.effect(
    MarketResults,
    Effect.gen(function*() {
      const kalshi = yield* Effect.serviceOption(KalshiClient)
      const polymarket = yield* Effect.serviceOption(PolymarketClient)
      const feed = yield* Effect.serviceOption(PolymarketFeed)
      const announced: Stream.Stream<Announced> = feed._tag === "None" ? Stream.empty : feed.value.resolved.pipe(
        Stream.filterMap((message) => {
          const result = resolvedResultOf(message)
          return result === undefined ? Result.fail(undefined) : Result.succeed({ platform: "polymarket" as const, marketId: message.market, result })
        })
      )
      return MarketResults.of({
        poll: (platform, marketId) => {
          if (platform === "kalshi") return kalshi._tag === "None" ? Effect.succeed(undefined) : Effect.map(kalshi.value.getMarket(marketId), kalshiResultOf)
          return polymarket._tag === "None" ? Effect.succeed(undefined) : Effect.map(polymarket.value.market(marketId), clobResultOf)
        },
        announced
      })
    })
  )
}
