/**
 * Test runtimes: the real layers (config, diagnostics, database, migrations, cluster) on a fresh
 * database, for actor tests.
 */
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect, Layer } from "effect"
import * as Cluster from "../../src/runtime/Cluster.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import { Diagnostics } from "../../src/services/Diagnostics.ts"
import { migrate } from "../../src/services/database/Migrations.ts"
import * as TestDatabase from "./TestDatabase.ts"

/** A migrated database of the given kind, with the platform services. */
export const migratedDatabase = (kind: "postgres" | "embedded") =>
  Layer.effectDiscard(Effect.orDie(migrate())).pipe(
    Layer.provideMerge(kind === "postgres" ? TestDatabase.postgres : TestDatabase.embedded),
    Layer.provideMerge(NodeServices.layer)
  )

/** Config (defaults plus `overrides`), diagnostics, a migrated database and the single-process cluster. */
export const actorRuntime = (kind: "postgres" | "embedded", overrides: Record<string, string> = {}) =>
  Cluster.layer.pipe(
    Layer.orDie,
    Layer.provideMerge(migratedDatabase(kind)),
    Layer.provideMerge(Diagnostics.layer),
    Layer.provideMerge(Layer.orDie(AppConfig.layerTest(overrides)))
  )
