/**
 * `arbees inspect`: offline tools that run captured venue payloads through the live code and print
 * what it makes of them, one JSON line at a time.
 *
 * @since 0.1.0
 */
import { Command } from "effect/cli"
import { kalshiWsCommand } from "./inspect/KalshiWs.ts"
import { polymarketWsCommand } from "./inspect/PolymarketWs.ts"

/** @category commands */
export const inspectCommand = Command.make("inspect").pipe(
  Command.withDescription("Replay captured venue payloads through the live decoding and book code"),
  Command.withSubcommands([kalshiWsCommand, polymarketWsCommand])
)
