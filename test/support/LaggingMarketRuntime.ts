/**
 * The real runtime with the lagging-market strategy over a fake Polymarket (the venue's market
 * WebSocket and REST), ESPN simulated in process with no games: a test drives its game actor with
 * `Track` and `Update` itself.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { Effect, Layer } from "effect"
import type { TrackedOutcome } from "../../src/actors/Game.ts"
import { runtimeWith } from "../../src/runtime/App.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import { Diagnostics } from "../../src/services/Diagnostics.ts"
import type { GameState } from "../../src/schema/GameState.ts"
import type { ConditionId, GameId, MarketId, OutcomeId, TeamId } from "../../src/schema/Ids.ts"
import type { OutcomeMeaning } from "../../src/schema/Market.ts"
import { EspnClient, optionsFrom } from "../../src/services/espn/EspnClient.ts"
import { MarketDataHub } from "../../src/services/marketdata/MarketDataHub.ts"
import { FakePolymarket, STREAM_ASSET } from "./FakePolymarket.ts"
import { acquireFake } from "./FakeVenue.ts"
import * as SimulatedEspn from "./SimulatedEspn.ts"

/** The ESPN game of the fake's market. */
export const GAME = "401736811"

/** The fake's market: its streamed token is `STREAM_ASSET`. */
export const CONDITION = "0x285746de0e4f751fd4dc8f9dc2cecd0101ba9ad0096a43145ed9643b09514f01"

/** The fake's streamed outcome as a game tracks it, with Polymarket's taker fee. */
export const streamOutcome = (meaning: OutcomeMeaning): TrackedOutcome => ({
  outcome: { platform: "polymarket", marketId: CONDITION as ConditionId as unknown as MarketId, outcomeId: STREAM_ASSET as OutcomeId },
  meaning,
  fees: { _tag: "PolymarketFeeSchedule", rate: 30_000, exponent: 1, takerOnly: true },
  arbEligible: false
})

/** Pelicans at Pacers late in the fourth, `secondsRemaining` left (the game the fake's market is for). */
export const lateGame = (now: number, home: number, away: number, secondsRemaining = 240, gameId = GAME): GameState => ({
  gameId: gameId as GameId,
  league: "nba",
  sport: "nba",
  status: "in_progress",
  startTime: now - 3_600_000,
  period: 4,
  secondsRemaining,
  periodSecondsRemaining: secondsRemaining,
  overtime: false,
  home: { teamId: "11" as TeamId, abbreviation: "IND", name: "Indiana Pacers", score: home },
  away: { teamId: "3" as TeamId, abbreviation: "NO", name: "New Orleans Pelicans", score: away },
  detail: `${Math.floor(secondsRemaining / 60)}:${String(secondsRemaining % 60).padStart(2, "0")} - 4th`,
  observedAt: now
})

/** The runtime on `database`, with `settings` over the lagging-market ones. */
export const laggingMarketRuntime = <A, E, R>(database: Layer.Layer<A, E, R>, settings: Record<string, string> = {}) =>
  Layer.unwrap(
    Effect.gen(function*() {
      const fake = yield* acquireFake(() => new FakePolymarket())
      const config = AppConfig.layerTest({
        "polymarket.wsUrl": fake.wsUrl(),
        "polymarket.clobUrl": fake.httpUrl(),
        "polymarket.gammaUrl": fake.httpUrl(),
        "discovery.leagues": "nba",
        "espn.baseUrl": "http://espn.simulated/apis/site/v2/sports",
        "strategies.enabled": "lagging_market",
        "strategies.params": JSON.stringify({ lagging_market: { minJump: 0.05, windowMillis: 60_000 } }),
        ...settings
      }).pipe(Layer.orDie)
      const external = Layer.mergeAll(
        MarketDataHub.layerFromConfig,
        Layer.unwrap(Effect.map(AppConfig, ({ config: c }) => EspnClient.layerNoDeps(optionsFrom(c)).pipe(Layer.provide(SimulatedEspn.layer([])))))
      ).pipe(Layer.provide(Layer.mergeAll(NodeHttpClient.layerUndici, NodeWS.layerWebSocketConstructor)))
      return runtimeWith(external).pipe(
        Layer.provideMerge(database),
        Layer.provideMerge(Diagnostics.layer),
        Layer.provideMerge(config),
        Layer.provideMerge(NodeServices.layer)
      )
    })
  )
