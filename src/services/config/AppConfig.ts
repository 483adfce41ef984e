/**
 * The effective configuration, as a service.
 *
 * Built once at start-up from the layered sources (see `ConfigLoader.ts`), validated by Schema,
 * and then read by every layer that needs a knob. A bad value stops start-up with one line that
 * names the key, its source and what was expected.
 *
 * @since 0.1.0
 */
import { Context, Effect, FileSystem, Layer, Result, Schema } from "effect"
import * as YAML from "yaml"
import { type Entry, type FlagValue, formatProblem, type Inputs, resolve, type Resolved } from "./ConfigLoader.ts"
import { spec, type Spec } from "./ConfigSpec.ts"

/** @category errors */
export class ConfigInvalid extends Schema.TaggedError<ConfigInvalid>()("ConfigInvalid", {
  message: Schema.String
}) {}
/** @category errors */
export class ConfigFileUnreadable extends Schema.TaggedError<ConfigFileUnreadable>()("ConfigFileUnreadable", {
  path: Schema.String,
  message: Schema.String
}) {}
/** @category errors */
export class LiveNotAuthorized extends Schema.TaggedError<LiveNotAuthorized>()("LiveNotAuthorized", {
  message: Schema.String
}) {}

/** @category errors */
export class AppConfigError extends Schema.TaggedError<AppConfigError>()("AppConfigError", {
  reason: Schema.Union([ConfigInvalid, ConfigFileUnreadable, LiveNotAuthorized])
}) {
  override get message(): string {
    return this.reason.message
  }
}

/** The decoded configuration. @category models */
export type Config = Resolved<Spec>

/** What the command line contributes: a config file path and value overrides. @category models */
export interface CliInputs {
  readonly configFile?: string | undefined
  readonly flags: ReadonlyArray<FlagValue>
}

/** Cross-key rules that a single setting's type cannot express. */
const checkConsistency = (config: Config): string | undefined => {
  if (config.mode === "live" && !config.liveTradingAuthorized) {
    return "mode=live needs live trading to be authorised separately: pass --authorize-live (or ARBEES_LIVE_TRADING_AUTHORIZED=true)"
  }
  const api = [config.polymarket.apiKey, config.polymarket.apiSecret, config.polymarket.apiPassphrase].filter((v) => v !== undefined).length
  if (api !== 0 && api !== 3) {
    return "invalid configuration: polymarket.apiKey, polymarket.apiSecret and polymarket.apiPassphrase go together; set all three or none (then the key is derived from the wallet)"
  }
  if (config.kalshi.privateKey !== undefined && config.kalshi.privateKeyFile !== undefined) {
    return "invalid configuration: kalshi.privateKey and kalshi.privateKeyFile are both set; set one"
  }
  if (config.risk.minBuyPrice >= config.risk.maxBuyPrice) {
    return "invalid configuration: risk.minBuyPrice must be below risk.maxBuyPrice"
  }
  return undefined
}

const parseFile = (path: string, text: string): unknown =>
  path.endsWith(".json") ? JSON.parse(text) : YAML.parse(text)

/**
 * Reads the config file (if any) and resolves the configuration from file, `env` and flags.
 *
 * @category constructors
 */
export const load = Effect.fn("AppConfig.load")(function*(cli: CliInputs, env: Readonly<Record<string, string | undefined>>) {
  const path = cli.configFile ?? env["ARBEES_CONFIG"]
  let file: Inputs["file"]
  if (path !== undefined && path !== "") {
    const fs = yield* FileSystem.FileSystem
    const text = yield* fs.readFileString(path).pipe(
      Effect.mapError((e) => new AppConfigError({ reason: new ConfigFileUnreadable({ path, message: `cannot read config file ${path}: ${e.message}` }) }))
    )
    const contents = yield* Effect.try({
      try: () => parseFile(path, text),
      catch: (e) =>
        new AppConfigError({ reason: new ConfigFileUnreadable({ path, message: `cannot parse config file ${path}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}` }) })
    })
    file = { path, contents }
  }
  const result = resolve(spec, { file, env, flags: cli.flags })
  if (Result.isFailure(result)) {
    return yield* new AppConfigError({ reason: new ConfigInvalid({ message: formatProblem(result.failure) }) })
  }
  const inconsistency = checkConsistency(result.success.values)
  if (inconsistency !== undefined) {
    const reason = inconsistency.startsWith("mode=live") ? new LiveNotAuthorized({ message: inconsistency }) : new ConfigInvalid({ message: inconsistency })
    return yield* new AppConfigError({ reason })
  }
  return AppConfig.of({ config: result.success.values, entries: result.success.entries })
})

/**
 * @category services
 */
export class AppConfig extends Context.Service<AppConfig, {
  readonly config: Config
  /** Every key with its display value and source, for `arbees config` */
  readonly entries: ReadonlyArray<Entry>
}>()("arbees/runtime/AppConfig") {
  /** From the command line and the environment (the process's unless given). */
  static readonly layer = (
    cli: CliInputs,
    env: Readonly<Record<string, string | undefined>> = process.env
  ): Layer.Layer<AppConfig, AppConfigError, FileSystem.FileSystem> => Layer.effect(AppConfig, load(cli, env))

  /** Defaults plus `overrides` (`{ "risk.kellyFraction": "0.1" }`), as if passed with `--set`. */
  static readonly layerTest = (overrides: Record<string, string> = {}): Layer.Layer<AppConfig, AppConfigError> => {
    const result = resolve(spec, {
      env: {},
      flags: Object.entries(overrides).map(([key, value]) => ({ key, value, flag: `--set ${key}` }))
    })
    return Result.isFailure(result)
      ? Layer.effect(AppConfig, Effect.fail(new AppConfigError({ reason: new ConfigInvalid({ message: formatProblem(result.failure) }) })))
      : Layer.succeed(AppConfig, AppConfig.of({ config: result.success.values, entries: result.success.entries }))
  }
}
