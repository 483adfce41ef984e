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
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as BankrollActor from "../actors/Bankroll.ts"
import * as Events from "../actors/Events.ts"
import * as ArbitrageActor from "../actors/Arbitrage.ts"
import * as ExecutionActor from "../actors/Execution.ts"
import * as GameActor from "../actors/GameActor.ts"
import { StrategyPauses } from "../actors/Strategies.ts"
import * as Activity from "../actors/Activity.ts"
import * as Notifications from "../actors/Notifications.ts"
import * as PriceHistory from "../actors/PriceHistory.ts"
import * as Orchestrator from "../actors/Orchestrator.ts"
import * as RiskActor from "../actors/Risk.ts"
import { EventBus } from "../services/bus/EventBus.ts"
import { Fanout } from "../services/bus/Fanout.ts"
import { Outbox } from "../services/bus/Outbox.ts"
import { DeadLetters } from "../services/DeadLetters.ts"
import { EspnClient, optionsFrom } from "../services/espn/EspnClient.ts"
import { HttpClient } from "effect/http"
import * as Socket from "effect/socket/Socket"
import { Recorder, recordingTransport, writerOptions } from "../services/recording/Recorder.ts"
import { KalshiClient } from "../services/kalshi/KalshiClient.ts"
import { KalshiFeed } from "../services/kalshi/KalshiFeed.ts"
import { KalshiRateLimiter } from "../services/kalshi/KalshiRateLimiter.ts"
import { MarketDataHub } from "../services/marketdata/MarketDataHub.ts"
import { EventFeed } from "../services/console/EventFeed.ts"
import { ReadModel } from "../services/console/ReadModel.ts"
import { MarketTerms } from "../services/MarketTerms.ts"
import { Notifier } from "../services/notify/Notifier.ts"
import { ListingsSource } from "../services/matching/ListingsSource.ts"
import { MappingStore } from "../services/matching/MappingStore.ts"
import { MarketDiscovery } from "../services/matching/MarketDiscovery.ts"
import { TeamReference } from "../services/matching/TeamReference.ts"
import { TeamRatings } from "../services/ratings/TeamRatings.ts"
import { PolymarketClient } from "../services/polymarket/PolymarketClient.ts"
import { PolymarketFeed } from "../services/polymarket/PolymarketFeed.ts"
import * as HubPaperMarket from "../services/venue/HubPaperMarket.ts"
import { MarketResults } from "../services/venue/MarketResults.ts"
import { Database } from "../services/database/Database.ts"
import { migrate } from "../services/database/Migrations.ts"
import * as Partitions from "../services/database/Partitions.ts"
import * as AdminServer from "./AdminServer.ts"
import * as Cluster from "./Cluster.ts"
import * as LiveTrading from "./LiveTrading.ts"
import { AppConfig } from "../services/config/AppConfig.ts"
import { accountBookOf, liveAccount } from "../services/live/LiveAccounts.ts"
import { Diagnostics } from "../services/Diagnostics.ts"
import { armDeadline } from "./Shutdown.ts"
import * as Telemetry from "./Telemetry.ts"
import { formatDollars } from "../schema/Money.ts"

/** The database, migrated and with its partitions in place before anything else may use it. @category layers */
export const MigratedDatabase = Partitions.layer.pipe(
  Layer.provideMerge(Layer.effectDiscard(Effect.asVoid(migrate()))),
  Layer.provideMerge(Database.layer)
)

/**
 * The bus: the outbox relay publishes events written in transactions, the fan-out publishes
 * observation events (prices) without holding their publisher; everything closes
 * after the actors (they are built later), so their last events still go out.
 *
 * @category layers
 */
export const busWith = <E, R>(eventBus: Layer.Layer<EventBus, E, R>) =>
  Layer.mergeAll(Outbox.layer, Fanout.layer).pipe(Layer.provideMerge(eventBus), Layer.provideMerge(DeadLetters.layer))

/** The bus chosen by configuration (Redis or in-process). @category layers */
export const Bus = busWith(EventBus.layer)

/** Game↔market matching on the venues' listings, persisted to `market_mappings`. @category layers */
export const Matching = MarketDiscovery.layer.pipe(
  Layer.provide(Layer.mergeAll(ListingsSource.layer, MappingStore.layer, TeamReference.layer))
)

/** The ESPN client from the `espn.*` configuration, over the transport below it. @category layers */
export const Espn = Layer.unwrap(Effect.map(AppConfig, ({ config }) => EspnClient.layerNoDeps(optionsFrom(config))))

/** The machine's HTTP client and WebSocket constructor. @category layers */
export const LiveTransport = Layer.mergeAll(
  NodeHttpClient.layerUndici,
  // The `ws` package, not Node's global WebSocket: Kalshi's ping frames must be visible to the watchdog
  NodeWS.layerWebSocketConstructor
)

/**
 * ESPN, Kalshi and Polymarket: clients, live book feeds, the market-data hub and matching, over a
 * transport (the machine's, a recording one, or a recording being replayed).
 *
 * @category layers
 */
export const externalSystemsWith = <E, R>(transport: Layer.Layer<HttpClient.HttpClient | Socket.WebSocketConstructor, E, R>) =>
  Layer.mergeAll(MarketDataHub.layer, MarketTerms.layer, Espn, Matching).pipe(
    Layer.provideMerge(Layer.mergeAll(KalshiFeed.layer, PolymarketFeed.layer)),
    Layer.provideMerge(Layer.mergeAll(KalshiClient.layer, PolymarketClient.layer)),
    // Visible above: Kalshi's live order entry shares the key's buckets (`LiveTrading.ts`)
    Layer.provideMerge(KalshiRateLimiter.layer),
    Layer.provide(transport)
  )

/** ESPN, Kalshi and Polymarket over the machine's transport. @category layers */
export const ExternalSystems = externalSystemsWith(LiveTransport)

/**
 * Order entry: the execution driver over the venues (paper venues reading the hub's live books;
 * in live mode, each venue with credentials live, reconciled before anything trades:
 * `LiveTrading.ts`), and the venues' results that settle positions. Live order entry always uses
 * the machine's transport, never a recording. @category layers
 */
export const OrderEntry = ArbitrageActor.ArbitrageDriver.layer.pipe(
  // Unwinds and hedges pass the risk singleton on the cluster
  Layer.provide(RiskActor.RiskGate.layer),
  Layer.provideMerge(ExecutionActor.ExecutionDriver.layer),
  Layer.provideMerge(LiveTrading.layer.pipe(Layer.provide(LiveTransport))),
  Layer.provideMerge(HubPaperMarket.layer),
  Layer.provideMerge(MarketResults.layer)
)

/** Every actor this process hosts: game entities, the singletons and the orchestrator. @category layers */
export const Actors = Layer.mergeAll(
  BankrollActor.layer,
  RiskActor.layer,
  ExecutionActor.layer,
  ExecutionActor.upkeep,
  ArbitrageActor.layer,
  ArbitrageActor.resumer,
  GameActor.layer.pipe(Layer.provide(Layer.mergeAll(StrategyPauses.layer, TeamRatings.layer))),
  Orchestrator.layer,
  Activity.layer,
  PriceHistory.layer,
  Notifications.layer.pipe(Layer.provide(Notifier.layer))
).pipe(Layer.provide(OrderEntry))

/** This process's node in the supervision tree: the parent of its actors. @category layers */
export const RunnerNode = Layer.effectDiscard(
  Effect.gen(function*() {
    const { config } = yield* AppConfig
    const diagnostics = yield* Diagnostics
    const runner = yield* diagnostics.register({ id: "runner", kind: "runner" })
    runner.details["address"] = config.cluster.runnerHost === undefined ? "single" : `${config.cluster.runnerHost}:${config.cluster.runnerPort}`
    runner.status = "running"
    yield* Effect.addFinalizer(() => Effect.sync(() => void (runner.status = "stopped")))
  })
)

/** The actors on the cluster, over the given external systems. */
const actorsOn = <A extends MarketDataHub | EspnClient, E, R>(external: Layer.Layer<A, E, R>) =>
  Actors.pipe(Layer.provideMerge(Cluster.layer), Layer.provideMerge(RunnerNode), Layer.provideMerge(external))

/**
 * The actors on the cluster, over the given external systems (the real ones in `run`, simulated
 * ones in tests), with the bus.
 *
 * @category layers
 */
export const runtimeWith = <A extends MarketDataHub | EspnClient, E, R>(external: Layer.Layer<A, E, R>) =>
  actorsOn(external).pipe(Layer.provideMerge(Bus))

/** What the operator's console reads: the record, and the live events of these topics. @category layers */
export const ConsoleServices = Layer.mergeAll(
  ReadModel.layer,
  EventFeed.layer([Events.GameStateChanged, Events.PriceChanged, Events.SignalDecided, Events.OrderRecorded, Events.Alert])
)

/**
 * The whole runtime over the given external systems. The admin server (with the console API)
 * sits above the bus, so its live stream closes before the bus does, and below the actors, so it
 * answers while they drain.
 *
 * @category layers
 */
export const runtimeLayerWith = <A extends MarketDataHub | EspnClient, E, R>(external: Layer.Layer<A, E, R>) =>
  actorsOn(external).pipe(
    Layer.provideMerge(AdminServer.layer),
    Layer.provideMerge(ConsoleServices),
    Layer.provideMerge(Bus),
    Layer.provideMerge(Telemetry.layer),
    Layer.provideMerge(Diagnostics.layer),
    Layer.provideMerge(MigratedDatabase)
  )

/** The whole runtime. @category layers */
export const RuntimeLayer = runtimeLayerWith(ExternalSystems)

/** The whole runtime, recording every external response and frame into `dir`. @category layers */
export const recordingRuntime = (dir: string): Runtime =>
  Layer.unwrap(Effect.map(AppConfig, ({ config }) =>
    runtimeLayerWith(externalSystemsWith(recordingTransport.pipe(Layer.provide(Layer.merge(LiveTransport, Recorder.layer(writerOptions(config, dir))))))))
  )

/** Files holding secrets or configuration that other users can read: one warning each. */
const warnReadableSecrets = Effect.gen(function*() {
  const { config, entries } = yield* AppConfig
  const files = new Set<string>()
  if (config.kalshi.privateKeyFile !== undefined) files.add(config.kalshi.privateKeyFile)
  for (const e of entries) if (e.source.kind === "file") files.add(e.source.path)
  for (const file of files) {
    const mode = yield* Effect.try(() => fs.statSync(file).mode).pipe(Effect.orElseSucceed(() => undefined))
    if (mode !== undefined && (mode & 0o077) !== 0) {
      yield* Effect.logWarning("a configuration or key file is readable by other users").pipe(
        Effect.annotateLogs({ file, mode: (mode & 0o777).toString(8), reason: "its group or others may read it", fix: `chmod 600 ${file}` })
      )
    }
  }
})

/**
 * Runs until interrupted. Requires the configuration (and the platform services).
 *
 * @category running
 */
export const runWith = (options: { readonly record?: string | undefined } = {}) => Effect.gen(function*() {
  // mode=live without --authorize-live was refused when the configuration loaded; live venues are
  // built, and reconciled, with the actors' order entry (`LiveTrading.ts`)
  // Refused before the database opens: an admin port beyond loopback needs a token
  yield* AdminServer.checkExposure
  yield* warnReadableSecrets
}).pipe(Effect.andThen(Effect.suspend(() => serve(options.record === undefined ? RuntimeLayer : recordingRuntime(options.record)))))

/** Runs until interrupted. @category running */
export const run = runWith()

type Runtime = Layer.Layer<Layer.Success<typeof RuntimeLayer>, Layer.Error<typeof RuntimeLayer>, Layer.Services<typeof RuntimeLayer>>

const serve = (runtime: Runtime) => Effect.gen(function*() {
  const { config } = yield* AppConfig
  yield* armDeadline(config.shutdown.deadline)
  const database = yield* Database
  // Opens the account on first start, and proves the cluster delivers messages before we say ready
  const client = yield* BankrollActor.Bankroll.client
  const bankroll = yield* client(config.bankroll.account).GetBalance()
  const live = [...(accountBookOf(config).live ?? [])]
  const liveBalances = yield* Effect.forEach(live, (p) => Effect.map(client(liveAccount(p)).GetBalance(), (b) => `${liveAccount(p)} $${formatDollars(b.balance)}`))
  yield* Effect.logInfo("arbees ready").pipe(
    Effect.annotateLogs({
      mode: config.mode,
      database: database.kind,
      databaseTarget: database.target,
      leagues: config.discovery.leagues.join(","),
      bankroll: [`${config.bankroll.account} $${formatDollars(bankroll.balance)}`, ...liveBalances].join(", "),
      ...(config.mode === "live" ? { live: live.length === 0 ? "none (no venue credentials)" : live.join(",") } : {}),
      // What to look at next: the console, a one-screen status, or (offline) the demo replay
      console: `http://${config.admin.host}:${config.admin.port}/ (arbees status; offline: npm run demo)`
    })
  )
  return yield* Effect.never
}).pipe(
  Effect.onInterrupt(() => Effect.logInfo("shutdown requested; draining")),
  Effect.provide(runtime),
  // Our trace ids stay ours: no traceparent/b3 headers on requests to ESPN and the venues
  Effect.provideService(HttpClient.TracerPropagationEnabled, false),
  Effect.ensuring(Effect.logInfo("shutdown complete")),
  Effect.scoped
)
