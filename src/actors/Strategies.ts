/**
 * The strategy registry: every strategy the runtime can run, by name, and the ones the
 * configuration enables, each with its parameters decoded by its own Schema.
 *
 * The built-ins (`model_edge`, `arbitrage`, `lagging_market`) are always registered. A user
 * strategy is one file exporting a `StrategyDefinition` (see `src/domain/strategy/Strategy.ts`);
 * provide `Strategies.layerWith([myStrategy])` and enable it by name:
 *
 * ```yaml
 * strategies:
 *   enabled: [arbitrage, my_strategy]
 *   params:
 *     my_strategy: { minMove: 0.1 }
 * ```
 *
 * An enabled name that is not registered, or parameters its Schema refuses, stop start-up with
 * one line naming the strategy.
 *
 * @since 0.1.0
 */
import { Context, Duration, Effect, Layer, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { arbitrage, type BuiltinSettings, laggingMarket, modelEdge } from "../domain/strategy/Builtins.ts"
import type { AnyStrategy } from "../domain/strategy/Strategy.ts"
import { AppConfig, type Config } from "../services/config/AppConfig.ts"
import { nowMillis } from "../services/Time.ts"

/** @category errors */
export class StrategyConfigInvalid extends Schema.TaggedError<StrategyConfigInvalid>()("StrategyConfigInvalid", {
  message: Schema.String
}) {}

/** A strategy ready to run: its definition and decoded parameters. @category models */
export interface EnabledStrategy {
  readonly definition: AnyStrategy
  readonly params: unknown
}

/** What the built-ins read from the configuration. @category config */
export const builtinSettings = (config: Config): BuiltinSettings => ({
  minModelEdge: config.signals.minModelEdge,
  minArbProfit: config.signals.minArbProfit,
  minBuyPrice: config.risk.minBuyPrice,
  maxBuyPrice: config.risk.maxBuyPrice,
  requirePrior: config.signals.requirePrior,
  tradeOnRatingPrior: config.signals.tradeOnRatingPrior,
  tradeInOvertime: config.signals.tradeInOvertime
})

/** The built-in strategies. @category constructors */
export const builtins = (config: Config): ReadonlyArray<AnyStrategy> => [modelEdge(builtinSettings(config)), arbitrage(builtinSettings(config)), laggingMarket]

/**
 * The enabled strategies, in configuration order, from the registered ones.
 *
 * @category constructors
 */
export const enable = (registered: ReadonlyArray<AnyStrategy>, config: Config): Effect.Effect<ReadonlyArray<EnabledStrategy>, StrategyConfigInvalid> =>
  Effect.gen(function*() {
    const byName = new Map(registered.map((s) => [s.name, s]))
    const params = config.strategies.params as Readonly<Record<string, unknown>>
    for (const name of Object.keys(params)) {
      if (!config.strategies.enabled.includes(name)) {
        return yield* new StrategyConfigInvalid({ message: `invalid configuration: strategies.params.${name}: strategy ${name} is not enabled` })
      }
    }
    const enabled: Array<EnabledStrategy> = []
    for (const name of config.strategies.enabled) {
      const definition = byName.get(name)
      if (definition === undefined) {
        return yield* new StrategyConfigInvalid({ message: `invalid configuration: strategies.enabled: no strategy named ${name} (registered: ${[...byName.keys()].join(", ")})` })
      }
      const decoded = yield* Schema.decodeUnknownEffect(definition.params)(params[name] ?? {}).pipe(
        Effect.mapError((e) => new StrategyConfigInvalid({ message: `invalid configuration: strategies.params.${name}: ${e.message.split("\n")[0]}` }))
      )
      enabled.push({ definition, params: decoded })
    }
    return enabled
  })

/** @category services */
export class Strategies extends Context.Service<Strategies, {
  readonly registered: ReadonlyArray<AnyStrategy>
  readonly enabled: ReadonlyArray<EnabledStrategy>
}>()("arbees/actors/Strategies") {
  /** The built-ins plus `extra` (user strategies), enabled per the configuration. */
  static readonly layerWith = (extra: ReadonlyArray<AnyStrategy>): Layer.Layer<Strategies, StrategyConfigInvalid, AppConfig> =>
    Layer.effect(
      Strategies,
      Effect.gen(function*() {
        const { config } = yield* AppConfig
        const registered = [...builtins(config), ...extra]
        return Strategies.of({ registered, enabled: yield* enable(registered, config) })
      })
    )

  /** The built-ins only. */
  static readonly layer = Strategies.layerWith([])
}

/** An operator's switch on a configured strategy. @category models */
export const StrategySwitch = Schema.Struct({
  name: Schema.String,
  /** In the configuration's `strategies.enabled` */
  configured: Schema.Boolean,
  /** Paused by an operator: no new entries (exits still run) */
  paused: Schema.Boolean,
  reason: Schema.String,
  changedBy: Schema.String,
  at: Schema.NullOr(Schema.Finite)
})
export type StrategySwitch = typeof StrategySwitch.Type

/** @category errors */
export class UnknownStrategy extends Schema.TaggedError<UnknownStrategy>()("UnknownStrategy", {
  message: Schema.String
}) {}

/** How often each process re-reads the switches (another runner, or the CLI, may have changed them). @category constants */
export const SWITCH_REFRESH = Duration.seconds(1)

/** The switches of the configured strategies, with who set each and why. @category switches */
export const readStrategySwitches = Effect.fn("Strategies.readSwitches")(function*(configured: ReadonlyArray<string>) {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<{ name: string; paused: boolean; reason: string; changed_by: string; at: string }>`
    SELECT name, paused, reason, changed_by, (extract(epoch FROM changed_at) * 1000)::bigint::text AS at FROM strategy_switches`
  const byName = new Map(rows.map((r) => [r.name, r]))
  const names = [...configured, ...rows.map((r) => r.name).filter((n) => !configured.includes(n))]
  return names.map((name): StrategySwitch => {
    const row = byName.get(name)
    return {
      name,
      configured: configured.includes(name),
      paused: row?.paused === true,
      reason: row?.reason ?? "",
      changedBy: row?.changed_by ?? "",
      at: row === undefined ? null : Number(row.at)
    }
  })
})

/**
 * Pauses or resumes a configured strategy, recorded with who and why. Only a strategy the
 * configuration enables can be switched: the switch never turns on what the configuration left off.
 *
 * @category switches
 */
export const setStrategySwitch = Effect.fn("Strategies.setSwitch")(function*(configured: ReadonlyArray<string>, name: string, paused: boolean, reason: string, changedBy: string) {
  if (!configured.includes(name)) {
    return yield* new UnknownStrategy({ message: `no configured strategy named ${name} (configured: ${configured.join(", ")})` })
  }
  const sql = yield* SqlClient.SqlClient
  const at = new Date(yield* nowMillis).toISOString()
  yield* sql.withTransaction(Effect.gen(function*() {
    yield* sql`INSERT INTO strategy_switches (name, paused, reason, changed_by, changed_at) VALUES (${name}, ${paused}, ${reason}, ${changedBy}, ${at}::timestamptz)
               ON CONFLICT (name) DO UPDATE SET paused = excluded.paused, reason = excluded.reason, changed_by = excluded.changed_by, changed_at = excluded.changed_at`
    yield* sql`INSERT INTO strategy_switch_changes (name, paused, reason, changed_by, changed_at) VALUES (${name}, ${paused}, ${reason}, ${changedBy}, ${at}::timestamptz)`
  }))
  const switches = yield* readStrategySwitches(configured)
  return switches.find((s) => s.name === name)!
})

/**
 * The paused strategies as this process knows them: read at start and every
 * {@link SWITCH_REFRESH}, so a game actor asks without touching the database on every tick.
 *
 * @category services
 */
export class StrategyPauses extends Context.Service<StrategyPauses, {
  readonly isPaused: (name: string) => boolean
  /** Re-reads now (after a local change) */
  readonly refresh: Effect.Effect<void>
}>()("arbees/actors/StrategyPauses") {
  static readonly layer: Layer.Layer<StrategyPauses, never, SqlClient.SqlClient> = Layer.effect(
    StrategyPauses,
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      let paused: ReadonlySet<string> = new Set()
      const refresh = sql<{ name: string }>`SELECT name FROM strategy_switches WHERE paused`.pipe(
        Effect.tap((rows) => Effect.sync(() => void (paused = new Set(rows.map((r) => r.name))))),
        Effect.catchCause((cause) => Effect.logDebug("strategy switches not read; keeping the last known", cause)),
        Effect.asVoid
      )
      yield* refresh
      yield* refresh.pipe(Effect.delay(SWITCH_REFRESH), Effect.forever, Effect.forkScoped)
      return StrategyPauses.of({ isPaused: (name) => paused.has(name), refresh })
    })
  )
}
