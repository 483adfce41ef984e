/**
 * The game entity's protocol: one entity per live game, keyed by ESPN game id.
 *
 * - `Track` (persisted): start following the game with these market mappings. Sent by the
 *   orchestrator shortly before the start, whenever the mappings change, and whenever an `Update`
 *   reveals an activation that has not been tracked (after a passivation, a rebuild or a shard
 *   move); its primary key is the game, the mapping revision and that attempt, so a redelivery is a
 *   no-op.
 * - `Update` (volatile): the game's newest state from ESPN, re-sent every discovery interval, which
 *   also keeps the actor resident. Losing one is harmless: the next carries a newer one. The reply
 *   says which mapping revision the actor trades on.
 * - `Release` (persisted): the game is over and settled; stop trading, unsubscribe, passivate.
 * - `Inspect` (volatile, runs beside other messages): the actor's view, for diagnostics and tests.
 * - `InjectDefect` (volatile): an operator drill that crashes the actor, honoured only when
 *   `supervision.faultInjection` is on.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { ClusterSchema, Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import { GameState } from "../schema/GameState.ts"
import { OutcomeMeaning, OutcomeRef } from "../schema/Market.ts"
import { Micros, Price, Qty } from "../schema/Money.ts"
import { ModelView } from "./Events.ts"

/** A fee schedule as a message carries it (see `src/domain/fees`). @category schemas */
export const FeeTerms = Schema.Union([
  Schema.Struct({
    _tag: Schema.Literal("KalshiFeeSchedule"),
    feeType: Schema.Literals(["quadratic", "quadratic_with_maker_fees", "quadratic_with_combo_maker_fees"]),
    multiplier: Schema.Int
  }),
  Schema.Struct({
    _tag: Schema.Literal("PolymarketFeeSchedule"),
    rate: Schema.Int,
    exponent: Schema.Int,
    takerOnly: Schema.Boolean
  })
])
export type FeeTerms = typeof FeeTerms.Type

/** What a venue accepts for an outcome: ticks, minimum sizes (see `src/domain/risk/Sizing.ts`). @category schemas */
export const VenueTerms = Schema.Union([
  Schema.Struct({ _tag: Schema.Literal("kalshi"), fractional: Schema.Boolean, tickSize: Price }),
  Schema.Struct({ _tag: Schema.Literal("polymarket"), tickSize: Price, minOrderSize: Qty, minNotional: Micros })
])
export type VenueTerms = typeof VenueTerms.Type

/** One tradeable outcome of the game. @category schemas */
export const TrackedOutcome = Schema.Struct({
  outcome: OutcomeRef,
  meaning: OutcomeMeaning,
  fees: FeeTerms,
  /** The venue's order rules; absent: whole Kalshi contracts, $1 and 5 shares on Polymarket, the tick the book shows */
  venue: Schema.optionalKey(VenueTerms),
  /** Settlement rules match the other venue's: usable for arbitrage */
  arbEligible: Schema.Boolean
})
export type TrackedOutcome = typeof TrackedOutcome.Type

/** @category messages */
export const Track = Rpc.make("Track", {
  payload: {
    state: GameState,
    outcomes: Schema.Array(TrackedOutcome),
    /** Changes whenever the mapped outcomes change */
    revision: Schema.String,
    /** Increases each time the same revision must be delivered to a new activation */
    attempt: Schema.Int
  },
  primaryKey: (p) => `${p.state.gameId}:track:${p.revision}:${p.attempt}`
}).annotate(ClusterSchema.Persisted, true)

/** @category messages */
export const Update = Rpc.make("Update", {
  payload: { state: GameState },
  /** The mapping revision this activation trades on; absent until it is tracked */
  success: Schema.Struct({ revision: Schema.optionalKey(Schema.String) })
})

/** @category messages */
export const Release = Rpc.make("Release", {
  payload: { gameId: Schema.String, reason: Schema.String },
  primaryKey: (p) => `${p.gameId}:release`
}).annotate(ClusterSchema.Persisted, true)

/** What the actor knows, for diagnostics and tests. @category schemas */
export const GameView = Schema.Struct({
  gameId: Schema.String,
  status: Schema.String,
  state: Schema.optionalKey(GameState),
  model: Schema.optionalKey(ModelView),
  outcomes: Schema.Int,
  tops: Schema.Array(Schema.Struct({ outcome: OutcomeRef, bid: Schema.optionalKey(Price), ask: Schema.optionalKey(Price), asOf: Schema.Int })),
  signals: Schema.Int,
  halted: Schema.Boolean,
  activations: Schema.Int
})
export type GameView = typeof GameView.Type

/** @category messages */
export const Inspect = Rpc.make("Inspect", { success: GameView })

/** @category errors */
export class FaultInjectionDisabled extends Schema.TaggedError<FaultInjectionDisabled>()("FaultInjectionDisabled", {}) {}

/** @category messages */
export const InjectDefect = Rpc.make("InjectDefect", { payload: { message: Schema.String }, error: FaultInjectionDisabled })

/** @category entities */
export const Game = Entity.make("Game", [Track, Update, Release, Inspect, InjectDefect])
