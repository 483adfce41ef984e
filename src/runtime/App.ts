/**
 * `arbees run`: the long-running process.
 *
 * Start-up is a layer graph: configuration → logging → database (migrated) → the rest. Readiness
 * is logged once everything is up; then the process runs until SIGINT/SIGTERM, when the layers
 * close in reverse order, each step bounded, under an overall deadline (`Shutdown.ts`).
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import { Database } from "../services/database/Database.ts"
import { migrate } from "../services/database/Migrations.ts"
import * as Partitions from "../services/database/Partitions.ts"
import { AppConfig } from "./config/AppConfig.ts"
import { armDeadline } from "./Shutdown.ts"

/** The database, migrated and with its partitions in place before anything else may use it. @category layers */
export const MigratedDatabase = Partitions.layer.pipe(
  Layer.provideMerge(Layer.effectDiscard(Effect.asVoid(migrate()))),
  Layer.provideMerge(Database.layer)
)

/**
 * Runs until interrupted. Requires the configuration (and the platform services).
 *
 * @category running
 */
export const run = Effect.gen(function*() {
  const { config } = yield* AppConfig
  yield* armDeadline(config.shutdown.deadline)
  const database = yield* Database
  yield* Effect.logInfo("arbees ready").pipe(
    Effect.annotateLogs({
      mode: config.mode,
      database: database.kind,
      databaseTarget: database.target,
      leagues: config.discovery.leagues.join(",")
    })
  )
  return yield* Effect.never
}).pipe(
  Effect.onInterrupt(() => Effect.logInfo("shutdown requested; draining")),
  Effect.provide(MigratedDatabase),
  Effect.ensuring(Effect.logInfo("shutdown complete")),
  Effect.scoped
)
