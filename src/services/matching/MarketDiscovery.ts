/**
 * Incremental market discovery: fetch each venue's listings per league, match them against the
 * current slate, and persist the mappings.
 *
 * Listings are cached per `(venue, league)` for a TTL. Concurrent discoveries that need the same
 * key share one fetch (single flight), so a slate refresh across many game actors never becomes a
 * thundering herd against the venue; when the TTL lapses the next caller refetches. A failed fetch
 * is cached for a short time only, and the other keys keep working: a venue outage leaves that
 * venue's games unmatched (and their old mappings are kept, not deactivated), never the others.
 *
 * @since 0.1.0
 */
import { Cache, Context, Duration, Effect, Exit, Layer } from "effect"
import type { GameRef, KalshiEventListing, PolymarketEventListing } from "../../domain/matching/Inputs.ts"
import { matchSlate, type MatchReport } from "../../domain/matching/Matcher.ts"
import type { StorageError } from "../../schema/errors/StorageError.ts"
import type { VenueError } from "../../schema/errors/VenueError.ts"
import type { Platform } from "../../schema/Platform.ts"
import type { League } from "../../schema/Sport.ts"
import { AppConfig } from "../config/AppConfig.ts"
import { ListingsSource } from "./ListingsSource.ts"
import { MappingStore } from "./MappingStore.ts"
import { TeamReference } from "./TeamReference.ts"

/** @category models */
export interface DiscoveryOptions {
  /** How long a venue's listings of a league are reused */
  readonly ttl: Duration.Input
  /** How long a failed fetch is remembered before it is retried */
  readonly failureTtl: Duration.Input
}

type Key = `${Platform}:${League}`
type Fetched = { readonly kalshi: ReadonlyArray<KalshiEventListing> } | { readonly polymarket: ReadonlyArray<PolymarketEventListing> }

/** @category services */
export class MarketDiscovery extends Context.Service<MarketDiscovery, {
  /**
   * Matches `games` against fresh-enough listings and persists the result. `unavailable` names the
   * venues whose listings could not be fetched: their games read unmatched in the report, but their
   * last mappings stand (callers keep what they track there)
   */
  readonly discover: (games: ReadonlyArray<GameRef>) => Effect.Effect<MatchReport & { readonly unavailable: ReadonlyArray<Platform> }, StorageError>
}>()("arbees/services/MarketDiscovery") {
  static readonly layerWith = (
    options: DiscoveryOptions
  ): Layer.Layer<MarketDiscovery, never, ListingsSource | MappingStore | TeamReference> =>
    Layer.effect(
      MarketDiscovery,
      Effect.gen(function*() {
        const source = yield* ListingsSource
        const store = yield* MappingStore
        const { index } = yield* TeamReference
        const ttl = Duration.fromInputUnsafe(options.ttl)
        const failureTtl = Duration.fromInputUnsafe(options.failureTtl)
        const cache = yield* Cache.makeWith(
          (key: Key): Effect.Effect<Fetched, VenueError> => {
            const [platform, league] = key.split(":") as [Platform, League]
            return platform === "kalshi"
              ? Effect.map(source.kalshi(league), (kalshi) => ({ kalshi }))
              : Effect.map(source.polymarket(league), (polymarket) => ({ polymarket }))
          },
          { capacity: 256, timeToLive: (exit) => (Exit.isSuccess(exit) ? ttl : failureTtl) }
        )

        const discover = Effect.fn("MarketDiscovery.discover")(function*(games: ReadonlyArray<GameRef>) {
          const leaguesOfSlate = [...new Set(games.map((g) => g.league))]
          const keys: ReadonlyArray<Key> = leaguesOfSlate.flatMap((l) => [`kalshi:${l}` as const, `polymarket:${l}` as const])
          const fetched = yield* Effect.forEach(keys, (key) => Effect.result(Cache.get(cache, key)), { concurrency: "unbounded" })
          // By id: an event listed under two leagues (two tags) must not count as two listings
          const kalshi = new Map<string, KalshiEventListing>()
          const polymarket = new Map<string, PolymarketEventListing>()
          const failedPlatforms = new Set<Platform>()
          fetched.forEach((r, i) => {
            if (r._tag === "Failure") {
              failedPlatforms.add(keys[i]!.startsWith("kalshi") ? "kalshi" : "polymarket")
              return
            }
            if ("kalshi" in r.success) for (const e of r.success.kalshi) kalshi.set(e.eventTicker, e)
            else for (const e of r.success.polymarket) polymarket.set(e.id, e)
          })
          for (const [i, r] of fetched.entries()) {
            if (r._tag === "Failure") yield* Effect.logWarning(`listings of ${keys[i]} unavailable: ${r.failure.reason._tag}`)
          }
          const report = matchSlate(index, games, { kalshi: [...kalshi.values()], polymarket: [...polymarket.values()] })
          // A venue whose fetch failed is not reconciled: its games keep their last mappings
          const platforms = (["kalshi", "polymarket"] as const).filter((p) => !failedPlatforms.has(p))
          yield* store.save(report.games, platforms)
          return { ...report, unavailable: [...failedPlatforms] }
        })

        return MarketDiscovery.of({ discover })
      })
    )

  /** With the TTLs of `discovery.listingsTtl` and `discovery.listingsFailureTtl`. */
  static readonly layer: Layer.Layer<MarketDiscovery, never, ListingsSource | MappingStore | TeamReference | AppConfig> = Layer.unwrap(
    Effect.map(AppConfig, ({ config }) =>
      MarketDiscovery.layerWith({ ttl: config.discovery.listingsTtl, failureTtl: config.discovery.listingsFailureTtl }))
  )
}
