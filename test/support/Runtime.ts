/**
 * Test runtimes: the real layers (config, diagnostics, database, migrations, cluster) on a fresh
 * database, for actor tests; and the whole runtime with no venues, for tests that drive game
 * actors themselves.
 */
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect, Layer } from "effect"
import { runtimeWith } from "../../src/runtime/App.ts"
import * as Cluster from "../../src/runtime/Cluster.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import { Diagnostics } from "../../src/services/Diagnostics.ts"
import { migrate } from "../../src/services/database/Migrations.ts"
import { EspnClient, optionsFrom } from "../../src/services/espn/EspnClient.ts"
import { MarketDataHub } from "../../src/services/marketdata/MarketDataHub.ts"
import * as SimulatedEspn from "./SimulatedEspn.ts"
import * as TestDatabase from "./TestDatabase.ts"

/** A database layer of the kind asked for, or the one given. */
export type DatabaseChoice = "postgres" | "embedded" | typeof TestDatabase.postgres

/** A migrated database of the given kind, with the platform services. */
export const migratedDatabase = (kind: DatabaseChoice) =>
  Layer.effectDiscard(Effect.orDie(migrate())).pipe(
    Layer.provideMerge(kind === "postgres" ? TestDatabase.postgres : kind === "embedded" ? TestDatabase.embedded : kind),
    Layer.provideMerge(NodeServices.layer)
  )

/** Config (defaults plus `overrides`), diagnostics, a migrated database and the single-process cluster. */
export const actorRuntime = (kind: DatabaseChoice, overrides: Record<string, string> = {}) =>
  Cluster.layer.pipe(
    Layer.orDie,
    Layer.provideMerge(migratedDatabase(kind)),
    Layer.provideMerge(Diagnostics.layer),
    Layer.provideMerge(Layer.orDie(AppConfig.layerTest(overrides)))
  )

/**
 * The whole runtime of `run` (`runtimeWith`) with no venue feeds (an empty market-data hub) and
 * ESPN simulated in process with no games, on a fresh Postgres, with config `overrides`: a test
 * tracks its own games and drives their actors with `Track` and `Update`.
 */
export const runtimeWithoutVenues = (overrides: Record<string, string>) => {
  const config = AppConfig.layerTest({ "espn.baseUrl": "http://espn.simulated/apis/site/v2/sports", ...overrides }).pipe(Layer.orDie)
  const external = Layer.mergeAll(
    Layer.effect(MarketDataHub, MarketDataHub.make([])),
    Layer.unwrap(Effect.map(AppConfig, ({ config: c }) => EspnClient.layerNoDeps(optionsFrom(c)).pipe(Layer.provide(SimulatedEspn.layer([])))))
  )
  return runtimeWith(external).pipe(
    Layer.provideMerge(migratedDatabase("postgres")),
    Layer.provideMerge(Diagnostics.layer),
    Layer.provideMerge(config),
    Layer.provideMerge(NodeServices.layer)
  )
}
