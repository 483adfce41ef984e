/**
 * The events the actors publish on the bus.
 *
 * Game states, signals and alerts go through the outbox, in the transaction of the row they
 * describe, so a slow or absent Redis delays them and never the actor, and none is lost. Price
 * events are observations: they go through the conflating fan-out (`Fanout.ts`), where a newer
 * top of book of an outcome replaces one still waiting for the bus. Orders go through the outbox.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { topic } from "../services/bus/EventBus.ts"
import { TopOfBook } from "../schema/Book.ts"
import { GameState } from "../schema/GameState.ts"
import { Fill, Order, Signal } from "../schema/Trading.ts"

/** The model's view of a game. @category schemas */
export const ModelView = Schema.Struct({
  home: Schema.Finite,
  draw: Schema.Finite,
  away: Schema.Finite,
  hasPrior: Schema.Boolean,
  priorSource: Schema.String,
  /** Where the prior came from, in words ("consensus ML -142/+121, Shin", "team Elo 1612 v 1498 …") */
  priorDetail: Schema.optionalKey(Schema.String)
})
export type ModelView = typeof ModelView.Type

/** A game moved on (score, clock, status), with the model's new estimate. @category topics */
export const GameStateChanged = topic("game.state", Schema.Struct({ state: GameState, model: Schema.optionalKey(ModelView) }))

/** The best bid/ask of a mapped outcome changed. @category topics */
export const PriceChanged = topic("game.price", Schema.Struct({ gameId: Schema.String, top: TopOfBook }))

/** Something an operator must look at: a crash-looping actor, a halted game. @category topics */
export const Alert = topic(
  "alerts",
  Schema.Struct({ source: Schema.String, gameId: Schema.optionalKey(Schema.String), message: Schema.String, at: Schema.Int })
)

/** A signal a game actor produced, with the risk gate's verdict. @category topics */
export const SignalDecided = topic(
  "signals",
  Schema.Struct({ signal: Signal, verdict: Schema.Literals(["approved", "denied"]), reason: Schema.optionalKey(Schema.String) })
)

/** An order recorded by execution (written through the outbox). @category topics */
export const OrderRecorded = topic("orders", Schema.Struct({ order: Order }))

/** A fill execution recorded, once per venue fill id (written through the outbox). @category topics */
export const FillRecorded = topic("fills", Schema.Struct({ fill: Fill, platform: Schema.String }))

/** A position opened, changed, closed or settled (written through the outbox). @category topics */
export const PositionChanged = topic(
  "positions",
  Schema.Struct({
    positionId: Schema.String,
    gameId: Schema.String,
    status: Schema.String,
    quantity: Schema.Number,
    costMicros: Schema.Number,
    feesMicros: Schema.Number,
    realizedPnlMicros: Schema.Number,
    reason: Schema.optionalKey(Schema.String)
  })
)
