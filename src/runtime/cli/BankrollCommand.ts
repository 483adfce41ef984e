/**
 * `arbees bankroll`: the account's balances (balance, reserved, available, piggybank, equity,
 * peak, trough, the day's P&L), the ledger check (balance = Σ ledger) and the last postings, with
 * one line for each other account (the live venues' `live:<platform>` in live mode): a summary on
 * a terminal, JSON with `--json`. `--account` shows another account in full. The declaration only; the implementation
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
  {
    last: Flag.Int("last").pipe(Flag.withDescription("how many postings to show"), Flag.withDefault(20)),
    account: Flag.String("account").pipe(Flag.withDescription("the account to show (default: bankroll.account; live mode books on live:<platform>)"), Flag.optional),
    ...outputFlags
  },
  (input) => lazy(() => import("./handlers/Bankroll.ts"), (m) => m.show(input))
).pipe(Command.withDescription("Print the bankroll's balances, the ledger check and the last postings"))
