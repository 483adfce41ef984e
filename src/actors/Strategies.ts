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
import { Context, Effect, Layer, Schema } from "effect"
import { arbitrage, type BuiltinSettings, laggingMarket, modelEdge } from "../domain/strategy/Builtins.ts"
import type { AnyStrategy } from "../domain/strategy/Strategy.ts"
import { AppConfig, type Config } from "../services/config/AppConfig.ts"

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
