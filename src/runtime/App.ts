/**
 * `arbees run`: the long-running process.
 *
 * Start-up is a layer graph, built in this order and closed in reverse:
 *
 * 1. the database, migrated, with its partitions in place;
 * 2. the diagnostics registry, telemetry export and the admin endpoint;
 * 3. the cluster (one runner, or one of several);
 * 4. the actors.
 *
 * Readiness is logged once everything is up. On SIGINT/SIGTERM the actors stop intake and drain,
 * the cluster lets entities finish (`shutdown.stepTimeout`), telemetry flushes, the database
 * closes — all under the overall `shutdown.deadline` (`Shutdown.ts`).
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import * as BankrollActor from "../actors/Bankroll.ts"
import { Database } from "../services/database/Database.ts"
import { migrate } from "../services/database/Migrations.ts"
import * as Partitions from "../services/database/Partitions.ts"
import * as AdminServer from "./AdminServer.ts"
import * as Cluster from "./Cluster.ts"
import { AppConfig } from "./config/AppConfig.ts"
import { Diagnostics } from "./Diagnostics.ts"
import { armDeadline } from "./Shutdown.ts"
import * as Telemetry from "./Telemetry.ts"

/** The database, migrated and with its partitions in place before anything else may use it. @category layers */
export const MigratedDatabase = Partitions.layer.pipe(
  Layer.provideMerge(Layer.effectDiscard(Effect.asVoid(migrate()))),
  Layer.provideMerge(Database.layer)
)

/** Every actor this process hosts. @category layers */
export const Actors = Layer.mergeAll(BankrollActor.layer)

/** The whole runtime. @category layers */
export const RuntimeLayer = Actors.pipe(
  Layer.provideMerge(Cluster.layer),
  Layer.provideMerge(AdminServer.layer),
  Layer.provideMerge(Telemetry.layer),
  Layer.provideMerge(Diagnostics.layer),
  Layer.provideMerge(MigratedDatabase)
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
  const diagnostics = yield* Diagnostics
  const runner = yield* diagnostics.register({ id: "runner", kind: "runner" })
  runner.details["address"] = config.cluster.runnerHost === undefined ? "single" : `${config.cluster.runnerHost}:${config.cluster.runnerPort}`
  runner.status = "running"
  // Opens the account on first start, and proves the cluster delivers messages before we say ready
  const bankroll = yield* (yield* BankrollActor.Bankroll.client)(config.bankroll.account).GetBalance()
  yield* Effect.logInfo("arbees ready").pipe(
    Effect.annotateLogs({
      mode: config.mode,
      database: database.kind,
      databaseTarget: database.target,
      leagues: config.discovery.leagues.join(","),
      bankroll: bankroll.balance
    })
  )
  return yield* Effect.never
}).pipe(
  Effect.onInterrupt(() => Effect.logInfo("shutdown requested; draining")),
  Effect.provide(RuntimeLayer),
  Effect.ensuring(Effect.logInfo("shutdown complete")),
  Effect.scoped
)
