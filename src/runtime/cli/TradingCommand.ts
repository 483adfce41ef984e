/**
 * `arbees trading halt|reduce|resume --reason TEXT`: set the global trading state in the database
 * (HALTED: nothing trades; REDUCING: exits only; ACTIVE), and `arbees trading` alone prints it.
 * The risk singleton reads the state on every decision, so a running instance obeys at once. One
 * line on a terminal, a JSON line with `--json`. The declaration only; the implementation
 * (`handlers/Trading.ts`) loads when the command runs.
 *
 * @since 0.1.0
 */
import { Command, Flag } from "effect/cli"
import type { TradingState } from "../../domain/risk/Rules.ts"
import { lazy } from "./Lazy.ts"
import { outputFlags } from "./Output.ts"

const change = (name: string, state: TradingState, description: string) =>
  Command.make(name, { reason: Flag.String("reason").pipe(Flag.withDescription("why (kept with the change)")), ...outputFlags }, ({ reason, ...choice }) =>
    lazy(() => import("./handlers/Trading.ts"), (m) => m.change(state, reason, choice))).pipe(Command.withDescription(description))

/** @category commands */
export const tradingCommand = Command.make("trading", outputFlags, (choice) => lazy(() => import("./handlers/Trading.ts"), (m) => m.show(choice))).pipe(
  Command.withDescription("Print or set the global trading state (ACTIVE, REDUCING: exits only, HALTED)"),
  Command.withSubcommands([
    change("halt", "HALTED", "Halt all trading"),
    change("reduce", "REDUCING", "Allow exits only"),
    change("resume", "ACTIVE", "Resume trading")
  ])
)
