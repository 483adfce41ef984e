/**
 * The real runtime (cluster, actors, market data) over the fake Polymarket's real HTTP and
 * WebSocket, a simulated ESPN with no games (tests track their own) and a fresh real Postgres,
 * with configuration `overrides`. `around` adds layers that need the runtime (a strategy registry,
 * an API server) between the runtime and its foundations; `expose` hands the test the fake venue
 * (to script its book) once it is listening.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { Effect, Layer } from "effect"
import type { TrackedOutcome } from "../../src/actors/Game.ts"
import { runtimeWith } from "../../src/runtime/App.ts"
import type { ConditionId, MarketId, OutcomeId } from "../../src/schema/Ids.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import { Diagnostics } from "../../src/services/Diagnostics.ts"
import { EspnClient, optionsFrom } from "../../src/services/espn/EspnClient.ts"
import { MarketDataHub } from "../../src/services/marketdata/MarketDataHub.ts"
import { FakePolymarket, STREAM_ASSET } from "./FakePolymarket.ts"
import { acquireFake } from "./FakeVenue.ts"
import { migratedDatabase } from "./Runtime.ts"
import * as SimulatedEspn from "./SimulatedEspn.ts"

/** The market of the fake's recorded stream (`STREAM_ASSET`). */
export const STREAM_CONDITION = "0x285746de0e4f751fd4dc8f9dc2cecd0101ba9ad0096a43145ed9643b09514f01"

/** The fake's recorded stream asset as a game's tracked outcome, with Polymarket's sports taker fee. */
export const streamOutcome = (meaning: TrackedOutcome["meaning"]): TrackedOutcome => ({
  outcome: { platform: "polymarket", marketId: STREAM_CONDITION as ConditionId as unknown as MarketId, outcomeId: STREAM_ASSET as OutcomeId },
  meaning,
  fees: { _tag: "PolymarketFeeSchedule", rate: 30_000, exponent: 1, takerOnly: true },
  arbEligible: false
})

/** The runtime's external systems: the fake Polymarket's feeds and a simulated ESPN. */
const externals = Layer.mergeAll(
  MarketDataHub.layerFromConfig,
  Layer.unwrap(Effect.map(AppConfig, ({ config: c }) => EspnClient.layerNoDeps(optionsFrom(c)).pipe(Layer.provide(SimulatedEspn.layer([])))))
).pipe(Layer.provide(Layer.mergeAll(NodeHttpClient.layerUndici, NodeWS.layerWebSocketConstructor)))

export const overFakePolymarket = <A, E>(
  overrides: Record<string, string>,
  around: (runtime: Layer.Layer<any, any, any>) => Layer.Layer<A, E, any> = (r) => r,
  expose: (fake: FakePolymarket) => void = () => {}
): Layer.Layer<A, unknown> =>
  // The foundations below provide what the runtime and `around` need (a missing one fails the
  // test at start-up, as it would the process)
  Layer.unwrap(
    Effect.gen(function*() {
      const fake = yield* acquireFake(() => new FakePolymarket())
      expose(fake)
      const config = AppConfig.layerTest({
        "polymarket.wsUrl": fake.wsUrl(),
        "polymarket.clobUrl": fake.httpUrl(),
        "polymarket.gammaUrl": fake.gammaUrl(),
        "discovery.leagues": "nba",
        "espn.baseUrl": "http://espn.simulated/apis/site/v2/sports",
        ...overrides
      }).pipe(Layer.orDie)
      return around(runtimeWith(externals)).pipe(
        Layer.provideMerge(migratedDatabase("postgres")),
        Layer.provideMerge(Diagnostics.layer),
        Layer.provideMerge(config),
        Layer.provideMerge(NodeServices.layer)
      ) as Layer.Layer<A, unknown>
    })
  )
