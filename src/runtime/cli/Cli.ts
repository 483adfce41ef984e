/**
 * The command tree. Each subcommand lives in its own module; this one only assembles them.
 *
 * @since 0.1.0
 */
import { Command } from "effect/cli"
import { bankrollCommand } from "./BankrollCommand.ts"
import { configCommand } from "./ConfigCommand.ts"
import { diagnosticsCommand } from "./DiagnosticsCommand.ts"
import { statusCommand } from "./StatusCommand.ts"
import { evalCommand } from "./EvalCommand.ts"
import { inspectCommand } from "./InspectCommand.ts"
import { matchCommand } from "./MatchCommand.ts"
import { migrateCommand } from "./MigrateCommand.ts"
import { cliInputsFrom, root } from "./Root.ts"
import { recordCommand, runCommand, runProgram } from "./RunCommand.ts"
import { replayCommand } from "./ReplayCommand.ts"
import { ordersCommand, positionsCommand } from "./TradesCommand.ts"
import { tradingCommand } from "./TradingCommand.ts"

/** @category commands */
export const cli = root.pipe(
  // `arbees` with no subcommand runs, like `arbees run`
  Command.withHandler((flags) => runProgram(cliInputsFrom(flags))),
  Command.withSubcommands([
    runCommand, recordCommand, replayCommand, migrateCommand, configCommand, diagnosticsCommand, statusCommand, matchCommand, inspectCommand, evalCommand, tradingCommand, bankrollCommand,
    ordersCommand, positionsCommand
  ])
)

/** @category commands */
export const VERSION = "0.1.0"
