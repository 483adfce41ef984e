/**
 * `arbees bankroll`: the account's balances (balance, reserved, available, piggybank, equity,
 * peak, trough, the day's P&L), the ledger check (balance = Σ ledger) and the last postings: a
 * summary on a terminal, JSON with `--json`. The declaration only; the implementation
 * (`handlers/Bankroll.ts`) loads when the command runs.
 *
 * @since 0.1.0
 */
import { Command, Flag } from "effect/cli"
import { lazy } from "./Lazy.ts"
import { outputFlags } from "./Output.ts"

/** @category commands */
export const bankrollCommand = Command.make(
  "bankroll",
  { last: Flag.Int("last").pipe(Flag.withDescription("how many postings to show"), Flag.withDefault(20)), ...outputFlags },
  (input) => lazy(() => import("./handlers/Bankroll.ts"), (m) => m.show(input))
).pipe(Command.withDescription("Print the bankroll's balances, the ledger check and the last postings"))
