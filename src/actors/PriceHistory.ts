/**
 * The venue price history: every top of book the game actors publish (`game.price`) becomes a
 * `market_prices` row, which the console's game view, `arbees status` and the dashboard read.
 * Prices are observations: the fan-out conflates them while the bus is slow, so the history
 * keeps what was published, one row per outcome and moment (a repeat is ignored). One consumer
 * group, `price-history`, so that with several runners each price is written once.
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { EventBus } from "../services/bus/EventBus.ts"
import { PriceChanged } from "./Events.ts"

/** The consumer group of the price history. @category constants */
export const GROUP = "price-history"

/** @category layers */
export const layer = Layer.effectDiscard(
  Effect.gen(function*() {
    const bus = yield* EventBus
    const sql = yield* SqlClient.SqlClient
    yield* bus.subscribe(PriceChanged, {
      group: GROUP,
      handler: ({ payload: { gameId, top } }) =>
        sql`INSERT INTO market_prices (platform, market_id, outcome_id, observed_at, game_id, bid_micros, ask_micros, bid_size, ask_size, book_epoch)
            VALUES (${top.outcome.platform}, ${top.outcome.marketId}, ${top.outcome.outcomeId}, to_timestamp(${top.asOf / 1000}), ${gameId},
                    ${top.bid?.price ?? null}, ${top.ask?.price ?? null}, ${top.bid?.size ?? null}, ${top.ask?.size ?? null}, ${top.epoch})
            ON CONFLICT DO NOTHING`.pipe(Effect.asVoid)
    })
  })
)
