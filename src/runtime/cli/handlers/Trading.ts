/**
 * The implementation of `arbees trading`: read or set the global trading state in the database.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { readTradingState, setTradingState } from "../../../actors/Risk.ts"
import type { TradingState } from "../../../domain/risk/Rules.ts"
import { Database } from "../../../services/database/Database.ts"
import { migrate } from "../../../services/database/Migrations.ts"
import { configured } from "../Configured.ts"

const withDatabase = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.andThen(migrate(), effect).pipe(Effect.provide(Database.layer), Effect.provide(configured({ stderr: true })))

const print = (s: { readonly state: string; readonly reason: string; readonly changedBy: string; readonly at: number }) =>
  Console.log(JSON.stringify({ state: s.state, reason: s.reason, changedBy: s.changedBy, at: new Date(s.at).toISOString() }))

/** `arbees trading`. @category commands */
export const show = withDatabase(Effect.flatMap(readTradingState(), print))

/** `arbees trading halt|reduce|resume --reason`. @category commands */
export const change = (state: TradingState, reason: string) => withDatabase(Effect.flatMap(setTradingState(state, reason, "cli"), print))
