/**
 * What a live venue offers beyond the execution interface: its account, as reconciliation reads
 * it. The `Venue` half places, cancels and resolves our orders; the `account` half lists what the
 * venue holds for us whether or not we remember placing it (open orders, recent fills, positions,
 * cash), and says when its private channel reconnected (a moment to reconcile).
 *
 * @since 0.1.0
 */
import type { Effect, Stream } from "effect"
import type { OrderError } from "../../schema/errors/OrderError.ts"
import type { ClientOrderId, VenueOrderId } from "../../schema/Ids.ts"
import type { OutcomeRef } from "../../schema/Market.ts"
import type { Micros, Price, Qty } from "../../schema/Money.ts"
import type { Venue } from "../venue/Venue.ts"

/** An order the venue shows as open. @category models */
export interface AccountOrder {
  readonly venueOrderId: VenueOrderId
  /** Ours when the venue echoes it (Kalshi); absent otherwise */
  readonly clientOrderId?: ClientOrderId | undefined
  readonly marketId: string
}

/** A fill the venue shows, before we know whose order it was. @category models */
export interface AccountFill {
  /** The dedupe key, in the same form as `VenueFill.fillId` */
  readonly fillId: string
  readonly venueOrderId: VenueOrderId
  readonly marketId: string
  readonly filledAt: number
}

/** A holding at the venue, in one outcome. @category models */
export interface AccountPosition {
  readonly outcome: OutcomeRef
  readonly quantity: Qty
  /** What it would fetch at the last price the venue shows, when it shows one */
  readonly mark?: Price | undefined
}

/** @category models */
export interface VenueAccount {
  readonly openOrders: Effect.Effect<ReadonlyArray<AccountOrder>, OrderError>
  /** Fills at or after `sinceMillis` */
  readonly fills: (sinceMillis: number) => Effect.Effect<ReadonlyArray<AccountFill>, OrderError>
  readonly positions: Effect.Effect<ReadonlyArray<AccountPosition>, OrderError>
  /** Cash available to trade */
  readonly balance: Effect.Effect<Micros, OrderError>
  /** Emits the epoch ms whenever the venue should be reconciled: every reconnect of the private channel (not the first connect), a failed settlement */
  readonly reconnects: Stream.Stream<number>
}

/** A live venue: order entry plus its account. @category models */
export interface LiveVenue extends Venue {
  readonly account: VenueAccount
}
