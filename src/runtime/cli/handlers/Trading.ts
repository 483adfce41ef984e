/**
 * The implementation of `arbees trading`: read or set the global trading state in the database,
 * and print it: one line for a person on a terminal (or with `--table`), a JSON line with `--json`
 * (or off a terminal), with the same state, reason, author and time.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { readTradingState, setTradingState } from "../../../actors/Risk.ts"
import type { TradingState } from "../../../domain/risk/Rules.ts"
import { Database } from "../../../services/database/Database.ts"
import { migrate } from "../../../services/database/Migrations.ts"
import { configured } from "../Configured.ts"
import { type OutputChoice, wantsTable } from "../Output.ts"

const withDatabase = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.andThen(migrate(), effect).pipe(Effect.provide(Database.layer), Effect.provide(configured({ stderr: true })))

/** The state as printed. @category models */
export interface TradingLine {
  readonly state: string
  readonly reason: string
  readonly changedBy: string
  readonly at: string
}

/** `HALTED since 2026-12-03 04:00:00 UTC, set by cli: drill`. @category formatting */
export const formatTrading = (t: TradingLine): string => `${t.state} since ${t.at.slice(0, 19).replace("T", " ")} UTC, set by ${t.changedBy}: ${t.reason}`

const print = (choice: OutputChoice) => (s: { readonly state: string; readonly reason: string; readonly changedBy: string; readonly at: number }) => {
  const line: TradingLine = { state: s.state, reason: s.reason, changedBy: s.changedBy, at: new Date(s.at).toISOString() }
  return Console.log(wantsTable(choice) ? formatTrading(line) : JSON.stringify(line))
}

/** `arbees trading`. @category commands */
export const show = (choice: OutputChoice) => withDatabase(Effect.flatMap(readTradingState(), print(choice)))

/** `arbees trading halt|reduce|resume --reason`. @category commands */
export const change = (state: TradingState, reason: string, choice: OutputChoice) =>
  withDatabase(Effect.flatMap(setTradingState(state, reason, "cli"), print(choice)))
