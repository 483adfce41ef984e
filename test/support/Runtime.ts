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
