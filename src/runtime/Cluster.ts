/**
 * The cluster the actors run on (`effect/cluster`).
 *
 * One process runs on `SingleRunner` with SQL message storage in the same database (embedded or
 * real). With `cluster.runnerHost` set, the process is one of several socket runners sharing a
 * real Postgres, and games are spread over the runners by shard; scale-out is configuration.
 *
 * The sharding settings are passed explicitly and the library's own environment lookup sees an
 * empty provider, so a generic `HOST`/`PORT` in the environment can never become the runner
 * address (EFFECT4.md §3.7).
 *
 * @since 0.1.0
 */
import * as NodeClusterSocket from "@effect/platform-node/NodeClusterSocket"
import * as NodeCrypto from "@effect/platform-node/NodeCrypto"
import { ConfigProvider, Duration, Effect, Layer, Option } from "effect"
import { RunnerAddress, type ShardingConfig, SingleRunner } from "effect/cluster"
import { Database } from "../services/database/Database.ts"
import { StorageError, Unavailable } from "../schema/errors/StorageError.ts"
import { AppConfig, type Config } from "../services/config/AppConfig.ts"

/** The sharding settings we rely on, from our own configuration. @category config */
export const shardingConfig = (config: Config): Partial<ShardingConfig.ShardingConfig["Service"]> => ({
  shardsPerGroup: config.cluster.shardsPerGroup,
  // A single runner keeps the library's default address; it is never dialled
  ...(config.cluster.runnerHost === undefined ? {} : {
    runnerAddress: Option.some(RunnerAddress.make(config.cluster.runnerHost, config.cluster.runnerPort)),
    runnerListenAddress: Option.some(RunnerAddress.make(config.cluster.runnerHost, config.cluster.runnerPort))
  }),
  // Actors outlive idle periods on purpose; they passivate when the orchestrator releases them
  entityMaxIdleTime: Duration.minutes(10),
  entityTerminationTimeout: config.shutdown.stepTimeout,
  preemptiveShutdown: true
})

/** Keeps `ShardingConfig.layerFromEnv` from reading bare `HOST`/`PORT`/... from the environment. */
const noEnvironment = ConfigProvider.layer(ConfigProvider.fromUnknown({}))

/**
 * The cluster for this process, chosen by configuration.
 *
 * @category layers
 */
export const layer = Layer.unwrap(
  Effect.gen(function*() {
    const { config } = yield* AppConfig
    const database = yield* Database
    const sharding = shardingConfig(config)
    if (config.cluster.runnerHost === undefined) {
      return SingleRunner.layer({
        // PGlite has one connection, so runner locks stay in memory there (one process anyway)
        runnerStorage: database.kind === "embedded" ? "memory" : "sql",
        shardingConfig: sharding
      }).pipe(Layer.provide(NodeCrypto.layerDigest))
    }
    if (database.kind !== "postgres") {
      return yield* new StorageError({
        reason: new Unavailable({ message: "cluster.runnerHost needs a real Postgres (DATABASE_URL): runners coordinate through it" })
      })
    }
    return NodeClusterSocket.layer({ storage: "sql", shardingConfig: sharding })
  })
).pipe(Layer.provide(noEnvironment))
