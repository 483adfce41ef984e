/**
 * The `arbees` root command and the flags every subcommand shares.
 *
 * Subcommands read the shared flags with `yield* Root.root` and turn them into configuration
 * inputs with {@link cliInputs}; flags sit at the top of the configuration layers
 * (defaults < file < env < flags).
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import { Command, Flag, GlobalFlag } from "effect/cli"
import type { FlagValue } from "../../services/config/ConfigLoader.ts"
import type { CliInputs } from "../../services/config/AppConfig.ts"

/** @category flags */
export const sharedFlags = {
  config: Flag.String("config").pipe(
    Flag.withDescription("configuration file (YAML or JSON); also ARBEES_CONFIG"),
    Flag.withMetavar("FILE"),
    Flag.optional
  ),
  set: Flag.String("set").pipe(
    Flag.withDescription("override one key, e.g. --set risk.kellyFraction=0.1 (repeatable)"),
    Flag.withMetavar("KEY=VALUE"),
    Flag.atLeast(0)
  ),
  mode: Flag.Literals("mode", ["paper", "live"]).pipe(
    Flag.withDescription("paper (default) or live; live also needs --authorize-live"),
    Flag.optional
  ),
  authorizeLive: Flag.Boolean("authorize-live").pipe(
    Flag.withDescription("authorise live trading with real money (required for --mode live)"),
    Flag.withDefault(false)
  ),
  dataDir: Flag.String("data-dir").pipe(
    Flag.withDescription("directory for the embedded database and local state (default ./.arbees)"),
    Flag.optional
  ),
  logFormat: Flag.Literals("log-format", ["auto", "json", "pretty"]).pipe(
    Flag.withDescription("log format (default auto: pretty on a terminal, JSON otherwise)"),
    Flag.optional
  )
}

/** The parsed shared flags. @category models */
export type SharedFlags = Command.Command.Config.Infer<typeof sharedFlags>

/** @category commands */
export const root = Command.make("arbees").pipe(
  Command.withSharedFlags(sharedFlags),
  Command.withDescription("Live sports trading runtime for Kalshi and Polymarket (paper trading unless authorised)")
)

const logLevels: Record<string, string> = {
  All: "all",
  Trace: "trace",
  Debug: "debug",
  Info: "info",
  Warn: "warn",
  Error: "error",
  Fatal: "fatal",
  None: "none"
}

/**
 * The configuration inputs the command line contributes: the config file and the flag overrides.
 *
 * @category configuration
 */
export const cliInputsFrom = (flags: SharedFlags): Effect.Effect<CliInputs, never, GlobalFlag.Setting.Identifier<"log-level">> => Effect.gen(function*() {
  const logLevel = yield* GlobalFlag.LogLevel
  const values: Array<FlagValue> = []
  for (const assignment of flags.set) {
    const eq = assignment.indexOf("=")
    const key = eq === -1 ? assignment : assignment.slice(0, eq)
    values.push({ key, value: eq === -1 ? "" : assignment.slice(eq + 1), flag: `--set ${key}` })
  }
  if (Option.isSome(flags.mode)) values.push({ key: "mode", value: flags.mode.value, flag: "--mode" })
  if (flags.authorizeLive) values.push({ key: "liveTradingAuthorized", value: "true", flag: "--authorize-live" })
  if (Option.isSome(flags.dataDir)) values.push({ key: "dataDir", value: flags.dataDir.value, flag: "--data-dir" })
  if (Option.isSome(flags.logFormat)) values.push({ key: "log.format", value: flags.logFormat.value, flag: "--log-format" })
  if (Option.isSome(logLevel)) values.push({ key: "log.level", value: logLevels[logLevel.value] ?? "info", flag: "--log-level" })
  return { configFile: Option.getOrUndefined(flags.config), flags: values }
})

/** The shared flags as a subcommand sees them. @category configuration */
export const cliInputs = Effect.flatMap(root, cliInputsFrom)
