/**
 * `arbees trading halt|reduce|resume --reason TEXT`: set the global trading state in the database
 * (HALTED: nothing trades; REDUCING: exits only; ACTIVE), and `arbees trading` alone prints it.
 * The risk singleton reads the state on every decision, so a running instance obeys at once.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { readTradingState, setTradingState } from "../../actors/Risk.ts"
import type { TradingState } from "../../domain/risk/Rules.ts"
import { Database } from "../../services/database/Database.ts"
import { migrate } from "../../services/database/Migrations.ts"
import { configured } from "./Configured.ts"

const withDatabase = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.andThen(migrate(), effect).pipe(Effect.provide(Database.layer), Effect.provide(configured({ stderr: true })))

const print = (s: { readonly state: string; readonly reason: string; readonly changedBy: string; readonly at: number }) =>
  Console.log(JSON.stringify({ state: s.state, reason: s.reason, changedBy: s.changedBy, at: new Date(s.at).toISOString() }))

const change = (name: string, state: TradingState, description: string) =>
  Command.make(name, { reason: Flag.String("reason").pipe(Flag.withDescription("why (kept with the change)")) }, ({ reason }) =>
    withDatabase(Effect.flatMap(setTradingState(state, reason, "cli"), print))).pipe(Command.withDescription(description))

/** @category commands */
export const tradingCommand = Command.make("trading", {}, () => withDatabase(Effect.flatMap(readTradingState(), print))).pipe(
  Command.withDescription("Print or set the global trading state (ACTIVE, REDUCING: exits only, HALTED)"),
  Command.withSubcommands([
    change("halt", "HALTED", "Halt all trading"),
    change("reduce", "REDUCING", "Allow exits only"),
    change("resume", "ACTIVE", "Resume trading")
  ])
)
