/**
 * The cluster the actors run on (`effect/cluster`).
 *
 * One process runs on `SingleRunner` with SQL message storage in the same database (embedded or
 * real). With `cluster.runnerHost` set, the process is one of several socket runners sharing a
 * real Postgres, and games are spread over the runners by shard; scale-out is configuration.
 *
 * A single runner keeps its shard locks in memory, never in Postgres: with SQL runner storage,
 * `effect/cluster` force-releases every shard after one failed lock refresh (about 250 ms), so a
 * database outage passivated every actor and dropped the game states it had not written yet
 * (issue 16, finding 4). What keeps a second process off the same database instead is the runner
 * lock of `DatabaseGate` (a session advisory lock); if another process takes it while this one is
 * cut off, this process stops (SIGTERM to itself: the ordinary graceful shutdown). Socket runners
 * need shard locks in Postgres to share the shards, so an outage still passivates their actors
 * (README, "Database outages").
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
import { DatabaseGate, make as makeGate } from "../services/database/DatabaseGate.ts"
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

/** Who can reach a runner port bound to `host`. @category checks */
export type RunnerExposure = "loopback" | "private" | "all interfaces" | "public" | "unknown"

/**
 * Who can reach a runner port bound to `host`, judged from the address literal (a host name is
 * `unknown`): the runner port speaks unauthenticated cluster messages, so only a loopback or
 * private address keeps it off the internet by itself.
 *
 * @category checks
 */
export const runnerExposure = (host: string): RunnerExposure => {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, "")
  if (h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h)) return "loopback"
  if (h === "0.0.0.0" || h === "::") return "all interfaces"
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h)
  if (v4 !== null) {
    const [a, b] = [Number(v4[1]), Number(v4[2])]
    const isPrivate = a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    return isPrivate ? "private" : "public"
  }
  if (h.includes(":")) return /^(fc|fd|fe8|fe9|fea|feb)/.test(h) ? "private" : "public"
  return "unknown"
}

/** Keeps `ShardingConfig.layerFromEnv` from reading bare `HOST`/`PORT`/... from the environment. */
const noEnvironment = ConfigProvider.layer(ConfigProvider.fromUnknown({}))

/**
 * The trading gate on the database, holding the runner lock (exclusive for a single runner, shared
 * between socket runners); always open on the embedded database.
 *
 * @category layers
 */
export const gateLayer = Layer.unwrap(
  Effect.gen(function*() {
    const { config } = yield* AppConfig
    const database = yield* Database
    const url = config.database.url
    if (database.kind === "embedded" || url === undefined) return DatabaseGate.layerOpen
    return Layer.effect(
      DatabaseGate,
      makeGate({
        url,
        target: database.target,
        mode: config.cluster.runnerHost === undefined ? "exclusive" : "shared",
        connectTimeout: config.database.connectTimeout,
        // The ordinary graceful shutdown: actors drain, the deadline bounds it
        onLost: Effect.sync(() => void process.kill(process.pid, "SIGTERM"))
      })
    )
  })
)

/**
 * The cluster for this process, chosen by configuration, with its database gate.
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
        // In memory: a database outage must not release the shards (the gate's lock keeps others off)
        runnerStorage: "memory",
        shardingConfig: sharding
      }).pipe(Layer.provide(NodeCrypto.layerDigest))
    }
    if (database.kind !== "postgres") {
      return yield* new StorageError({
        reason: new Unavailable({ message: "cluster.runnerHost needs a real Postgres (DATABASE_URL): runners coordinate through it" })
      })
    }
    const exposure = runnerExposure(config.cluster.runnerHost)
    if (exposure === "public" || exposure === "all interfaces") {
      yield* Effect.logWarning("the cluster runner port accepts unauthenticated cluster messages from anyone who can reach it").pipe(
        Effect.annotateLogs({
          reason: `cluster.runnerHost ${config.cluster.runnerHost} binds ${exposure === "public" ? "a public address" : "all interfaces"}`,
          port: config.cluster.runnerPort,
          fix: "bind it to a private network address, or firewall the port to the other runners"
        })
      )
    }
    return NodeClusterSocket.layer({ storage: "sql", shardingConfig: sharding })
  })
).pipe(Layer.provide(noEnvironment), Layer.provideMerge(gateLayer))
