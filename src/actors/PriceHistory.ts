/**
 * The venue price history: every top of book the game actors publish (`game.price`) becomes a
 * `market_prices` row, which the console's game view, `arbees status` and the dashboard read.
 * Prices are observations: the fan-out conflates them while the bus is slow, so the history
 * keeps what was published, one row per outcome and moment (a repeat is ignored). One consumer
 * group, `price-history`, so that with several runners each price is written once.
 *
 * The deliveries of one read batch are handled together and their rows written by a group writer,
 * one multi-row statement per group; each is acked only when its row has committed.
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { EventBus } from "../services/bus/EventBus.ts"
import type { StartFrom } from "../services/bus/StreamLog.ts"
import * as GroupWriter from "../services/database/GroupWriter.ts"
import type { TopOfBook } from "../schema/Book.ts"
import { PriceChanged } from "./Events.ts"

/** The consumer group of the price history. @category constants */
export const GROUP = "price-history"

/** The most price rows one statement writes. @category constants */
export const MAX_ROWS = 1_000

/** One published price, as its `market_prices` row. @category models */
export interface PriceRow {
  readonly gameId: string
  readonly top: TopOfBook
}

const columns = ({ gameId, top }: PriceRow) => ({
  platform: top.outcome.platform,
  market_id: top.outcome.marketId,
  outcome_id: top.outcome.outcomeId,
  observed_at: new Date(top.asOf),
  game_id: gameId,
  bid_micros: top.bid?.price ?? null,
  ask_micros: top.ask?.price ?? null,
  bid_size: top.bid?.size ?? null,
  ask_size: top.ask?.size ?? null,
  book_epoch: top.epoch
})

/**
 * The writer of `market_prices`: rows handed over concurrently are written in one statement.
 *
 * @category constructors
 */
export const writer = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  return yield* GroupWriter.make({
    name: "market_prices",
    maxRows: MAX_ROWS,
    writeRows: ([first, ...rest]: readonly [PriceRow, ...Array<PriceRow>]) =>
      sql`INSERT INTO market_prices ${sql.insert([columns(first), ...rest.map(columns)])} ON CONFLICT DO NOTHING`.pipe(Effect.asVoid)
  })
})

/**
 * Subscribes the price history's consumer group, from `startFrom` when the group is new.
 *
 * @category constructors
 */
export const consume = (startFrom: StartFrom) =>
  Effect.gen(function*() {
    const bus = yield* EventBus
    const prices = yield* writer
    return yield* bus.subscribe(PriceChanged, {
      group: GROUP,
      startFrom,
      // a read batch as large as a statement, handled at once, so one round trip writes it
      batchSize: MAX_ROWS,
      concurrency: MAX_ROWS,
      handler: ({ payload }) => prices.write(payload)
    })
  })

/** @category layers */
export const layer = Layer.effectDiscard(consume("new"))
