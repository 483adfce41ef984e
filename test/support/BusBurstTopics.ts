/**
 * The topics of the lossless-shutdown child program (`BusBurst.ts`), shared with its test.
 */
import { Schema } from "effect"
import { topic } from "../../src/services/bus/EventBus.ts"

/** A money event: a position changed (written through the outbox). */
export const PositionChanged = topic("positions", Schema.Struct({ positionId: Schema.String, version: Schema.Int, n: Schema.Int }))

/** A fan-out event: published straight to the bus. */
export const GameTicked = topic("games", Schema.Struct({ gameId: Schema.String, n: Schema.Int }))
