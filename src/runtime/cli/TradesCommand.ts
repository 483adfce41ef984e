/**
 * `arbees orders` and `arbees positions`: what execution recorded, as a table or JSON lines. The
 * declarations; the implementation (`handlers/Trades.ts`) loads when a command runs.
 *
 * @since 0.1.0
 */
import { Command, Flag } from "effect/cli"
import { lazy } from "./Lazy.ts"

const json = Flag.Boolean("json").pipe(Flag.withDescription("one JSON object per line instead of a table"), Flag.withDefault(false))

/** @category commands */
export const ordersCommand = Command.make("orders", { json }, (input) => lazy(() => import("./handlers/Trades.ts"), (m) => m.showOrders(input))).pipe(
  Command.withDescription("List every order with its status, fills and fees, then every fill (with the paper realism settings)")
)

/** @category commands */
export const positionsCommand = Command.make("positions", { json }, (input) => lazy(() => import("./handlers/Trades.ts"), (m) => m.showPositions(input))).pipe(
  Command.withDescription("List every position (outcome held, quantity, cost, fees, realised P&L), then the bankroll ledger and its check")
)
