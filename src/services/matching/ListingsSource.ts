/**
 * Where market discovery gets its listings: the venue clients, per league, through the adapters
 * of {@link VenueListings} to the matcher's input types.
 *
 * - Kalshi: the events of each of the league's game-winner series (`KXNBAGAME`, ...; the table is
 *   `VenueLeagues.ts`), open ones only, with nested markets, every cursor page.
 * - Polymarket: the Gamma events of each of the league's tag slugs (`tag_slug=nba`), not closed,
 *   every page. An event that does not carry one of the league's tags is dropped (the tag filter
 *   is the venue's; this keeps the result right should it be ignored), and an event listed under
 *   two tags is kept once.
 *
 * A response that does not decode fails the fetch (the client dead-letters it). A decoded event or
 * market the matcher cannot use is dead-lettered here (`kalshi.listings`, `polymarket.listings`)
 * and logged; the other listings are returned.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import type { KalshiEventListing, PolymarketEventListing } from "../../domain/matching/Inputs.ts"
import { venueLeague } from "../../domain/matching/VenueLeagues.ts"
import type { VenueError } from "../../schema/errors/VenueError.ts"
import type { League } from "../../schema/Sport.ts"
import { DeadLetters } from "../DeadLetters.ts"
import { sampleOf } from "../espn/Scoreboard.ts"
import { KalshiClient } from "../kalshi/KalshiClient.ts"
import type { KalshiEvent } from "../kalshi/KalshiSchemas.ts"
import type { GammaEvent } from "../polymarket/GammaSchemas.ts"
import { PolymarketClient } from "../polymarket/PolymarketClient.ts"
import { kalshiListingsFromEvents, type ListingFailure, polymarketListingsFromEvents } from "./VenueListings.ts"
import { describeFailure } from "../Failure.ts"

const MAX_DEAD_LETTER_PAYLOAD = 64 * 1024

/** @category services */
export class ListingsSource extends Context.Service<ListingsSource, {
  readonly kalshi: (league: League) => Effect.Effect<ReadonlyArray<KalshiEventListing>, VenueError>
  readonly polymarket: (league: League) => Effect.Effect<ReadonlyArray<PolymarketEventListing>, VenueError>
}>()("arbees/services/ListingsSource") {
  /** From the venue clients in context. */
  static readonly make: Effect.Effect<ListingsSource["Service"], never, KalshiClient | PolymarketClient | DeadLetters> = Effect.gen(function*() {
    const kalshiClient = yield* KalshiClient
    const polymarketClient = yield* PolymarketClient
    const deadLetters = yield* DeadLetters

    const report = (source: string, league: League, failures: ReadonlyArray<ListingFailure>) =>
      Effect.forEach(failures, (f) =>
        deadLetters.record({
          source,
          reason: f.error.reason._tag,
          error: f.error.reason.message,
          payload: sampleOf(f.payload, MAX_DEAD_LETTER_PAYLOAD),
          context: { league, listing: f.listingId ?? null }
        }).pipe(
          Effect.andThen(
            Effect.logWarning("venue listing skipped").pipe(
              Effect.annotateLogs({ platform: f.platform, league, listing: f.listingId ?? "?", error: describeFailure(f.error).slice(0, 300) })
            )
          )
        ), { discard: true })

    const kalshi = Effect.fn("ListingsSource.kalshi")(function*(league: League) {
      const events: Array<KalshiEvent> = []
      for (const seriesTicker of venueLeague(league)?.kalshiGameSeries ?? []) {
        events.push(...(yield* kalshiClient.listEvents({ seriesTicker, status: "open", withNestedMarkets: true })))
      }
      const { failures, listings } = kalshiListingsFromEvents(events)
      yield* report("kalshi.listings", league, failures)
      return listings
    })

    const polymarket = Effect.fn("ListingsSource.polymarket")(function*(league: League) {
      const tags = new Set(venueLeague(league)?.polymarketTags ?? [])
      const byId = new Map<string, GammaEvent>()
      for (const tag of tags) {
        for (const event of yield* polymarketClient.events({ closed: false, extra: { tag_slug: tag } })) {
          if ((event.tags ?? []).some((t) => t.slug !== undefined && tags.has(t.slug))) byId.set(event.id, event)
        }
      }
      const { failures, listings } = polymarketListingsFromEvents([...byId.values()])
      yield* report("polymarket.listings", league, failures)
      return listings
    })

    return ListingsSource.of({ kalshi, polymarket })
  })

  /** The Kalshi and Polymarket clients' listings. */
  static readonly layer: Layer.Layer<ListingsSource, never, KalshiClient | PolymarketClient | DeadLetters> = Layer.effect(ListingsSource, ListingsSource.make)
}
