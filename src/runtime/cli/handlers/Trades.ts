/**
 * The implementation of `arbees orders` and `arbees positions`: reads the database (migrating it
 * first, so a fresh data directory answers with empty lists) and prints tables or JSON lines.
 * Money is printed exactly, in dollars.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { SqlClient } from "effect/sql"
import * as Arbitrage from "../../../actors/Arbitrage.ts"
import * as Bankroll from "../../../actors/Bankroll.ts"
import * as Trades from "../../../actors/Trades.ts"
import { formatScaled } from "../../../schema/Money.ts"
import { AppConfig } from "../../../services/config/AppConfig.ts"
import { Database } from "../../../services/database/Database.ts"
import { migrate } from "../../../services/database/Migrations.ts"
import { configured } from "../Configured.ts"

type Row = Record<string, unknown>

const money = (v: unknown) => (v === null || v === undefined ? "" : formatScaled(Number(v), 6, 2))
const qty = (v: unknown) => (v === null || v === undefined ? "" : formatScaled(Number(v), 6, 0))
const time = (v: unknown) => (v === null || v === undefined ? "" : new Date(Number(v)).toISOString())

const table = (rows: ReadonlyArray<Row>, columns: ReadonlyArray<readonly [string, (r: Row) => string]>): string => {
  const cells = rows.map((r) => columns.map(([, f]) => f(r)))
  const widths = columns.map(([h], i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)))
  const line = (c: ReadonlyArray<string>) => c.map((x, i) => x.padEnd(widths[i]!)).join("  ").trimEnd()
  return [line(columns.map(([h]) => h)), ...cells.map(line)].join("\n")
}

const print = (json: boolean, title: string, rows: ReadonlyArray<Row>, columns: ReadonlyArray<readonly [string, (r: Row) => string]>) =>
  json
    ? Effect.forEach(rows, (r) => Console.log(JSON.stringify({ list: title, ...r })), { discard: true })
    : Console.log(`${title} (${rows.length})\n${table(rows, columns)}\n`)

const withDatabase = <A, E>(body: Effect.Effect<A, E, SqlClient.SqlClient | AppConfig>) =>
  Effect.andThen(migrate(), body).pipe(Effect.provide(Database.layer), Effect.provide(configured({ stderr: true })))

/** `arbees orders`. @category commands */
export const showOrders = (input: { readonly json: boolean }) =>
  withDatabase(Effect.gen(function*() {
    const orders = yield* Trades.listOrders
    const fills = yield* Trades.listFills
    yield* print(input.json, "orders", orders, [
      ["created", (r) => time(r["created_ms"])],
      ["client order id", (r) => String(r["client_order_id"])],
      ["venue", (r) => String(r["platform"])],
      ["market", (r) => String(r["market_id"])],
      ["outcome", (r) => String(r["outcome_id"])],
      ["purpose", (r) => String(r["purpose"])],
      ["side", (r) => String(r["action"])],
      ["tif", (r) => `${r["time_in_force"]}${r["post_only"] === true ? "+post" : ""}`],
      ["limit", (r) => money(r["limit_price_micros"])],
      ["qty", (r) => qty(r["quantity"])],
      ["filled", (r) => qty(r["filled_quantity"])],
      ["cost", (r) => money(r["cost_micros"])],
      ["fees", (r) => money(r["fees_micros"])],
      ["status", (r) => String(r["status"])],
      ["note", (r) => String(r["last_error"] ?? "")]
    ])
    yield* print(input.json, "fills", fills, [
      ["filled", (r) => time(r["filled_ms"])],
      ["fill id", (r) => String(r["fill_id"])],
      ["order", (r) => String(r["client_order_id"])],
      ["side", (r) => String(r["action"])],
      ["price", (r) => money(r["price_micros"])],
      ["qty", (r) => qty(r["quantity"])],
      ["fee", (r) => money(r["fee_micros"])],
      ["role", (r) => (r["is_taker"] === true ? "taker" : "maker")],
      ["realism", (r) => (r["realism"] === null || r["realism"] === undefined ? "" : JSON.stringify(r["realism"]))]
    ])
  }))

/** `arbees positions`. @category commands */
export const showPositions = (input: { readonly json: boolean }) =>
  withDatabase(Effect.gen(function*() {
    const { config } = yield* AppConfig
    const positions = yield* Trades.listPositions
    yield* print(input.json, "positions", positions, [
      ["opened", (r) => time(r["opened_ms"])],
      ["position", (r) => String(r["position_id"])],
      ["game", (r) => String(r["game_id"])],
      ["venue", (r) => String(r["platform"])],
      ["market", (r) => String(r["market_id"])],
      ["held", (r) => String(r["outcome_id"])],
      ["status", (r) => String(r["status"])],
      ["qty", (r) => qty(r["quantity"])],
      ["bought", (r) => qty(r["entry_quantity"])],
      ["cost", (r) => money(r["cost_basis_micros"])],
      ["fees", (r) => money(r["fees_paid_micros"])],
      ["mark", (r) => money(r["mark_price_micros"])],
      ["settled at", (r) => money(r["settlement_price_micros"])],
      ["realised", (r) => money(r["realized_pnl_micros"])],
      ["why", (r) => String(r["settlement_reason"] ?? r["exit_reason"] ?? "")]
    ])
    const arbitrages = yield* Arbitrage.listArbitrages
    yield* print(input.json, "arbitrages", arbitrages, [
      ["opened", (r) => time(r["created_ms"])],
      ["arbitrage", (r) => String(r["arb_id"])],
      ["legs", (r) => `${String(r["leg_a"])} + ${String(r["leg_b"])}`],
      ["qty", (r) => qty(r["quantity"])],
      ["state", (r) => String(r["state"])],
      ["matched", (r) => qty(r["matched_quantity"])],
      ["locked in", (r) => money(r["locked_profit_micros"])],
      ["orders", (r) => String(r["attempts"])],
      ["why", (r) => String(r["reason"] ?? "")]
    ])
    const postings = yield* Bankroll.recentPostings(config.bankroll.account, 10_000)
    yield* print(input.json, "ledger", postings as unknown as ReadonlyArray<Row>, [
      ["kind", (r) => String(r["kind"])],
      ["bucket", (r) => String(r["bucket"])],
      ["amount", (r) => money(r["amount"])],
      ["reference", (r) => String(r["reference"])]
    ])
    const check = yield* Bankroll.ledgerCheck(config.bankroll.account).pipe(Effect.option)
    const summary = check._tag === "None"
      ? { account: config.bankroll.account, opened: false }
      : { account: check.value.account, balance: money(check.value.balance), ledgerBalance: money(check.value.ledgerBalance), piggybank: money(check.value.piggybank), reserved: money(check.value.reserved), balanced: check.value.ok }
    yield* input.json ? Console.log(JSON.stringify({ list: "bankroll", ...summary })) : Console.log(`bankroll ${JSON.stringify(summary)}`)
  }))
