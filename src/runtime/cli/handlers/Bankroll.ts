/**
 * The implementation of `arbees bankroll`: a summary and the postings' table on a terminal (or
 * with `--table`), one JSON document with `--json` (or off a terminal). Both are rendered from the
 * same report, money exact in dollars.
 *
 * @since 0.1.0
 */
import { Console, Effect, Option } from "effect"
import { ledgerCheck, listAccounts, openAccount, readBalance, recentPostings } from "../../../actors/Bankroll.ts"
import { AppConfig } from "../../../services/config/AppConfig.ts"
import { Database } from "../../../services/database/Database.ts"
import { migrate } from "../../../services/database/Migrations.ts"
import * as Money from "../../../schema/Money.ts"
import { configured } from "../Configured.ts"
import { type Column, formatRows, type OutputChoice, wantsTable } from "../Output.ts"

interface Posting {
  readonly id: number
  readonly at: string
  readonly kind: string
  readonly bucket: string
  readonly amount: string
  readonly reference: string
}

/** What `arbees bankroll` reports. @category models */
export interface BankrollReport {
  readonly account: string
  readonly balance: string
  readonly reserved: string
  readonly available: string
  readonly piggybank: string
  readonly equity: string
  readonly peak: string
  readonly trough: string
  readonly dailyPnl: string
  readonly ledgerCheck: "ok" | "FAILED"
  readonly ledgerBalance: string
  readonly postings: ReadonlyArray<Posting>
  /** Every other account, in one line each */
  readonly others: ReadonlyArray<OtherAccount>
}

/** Another account's balances in brief. @category models */
export interface OtherAccount {
  readonly account: string
  readonly balance: string
  readonly available: string
  readonly ledgerCheck: "ok" | "FAILED"
}

const POSTING_COLUMNS: ReadonlyArray<Column<Posting>> = [
  { header: "ID", cell: (p) => p.id, right: true },
  { header: "AT (UTC)", cell: (p) => p.at.slice(0, 19).replace("T", " ") },
  { header: "KIND", cell: (p) => p.kind },
  { header: "BUCKET", cell: (p) => p.bucket },
  { header: "AMOUNT", cell: (p) => p.amount, right: true },
  { header: "REFERENCE", cell: (p) => p.reference }
]

/** The report for a person: the balances, the ledger check, then the postings. @category formatting */
export const formatBankroll = (r: BankrollReport): string =>
  [
    `account ${r.account}: balance ${r.balance}, reserved ${r.reserved}, available ${r.available}, piggybank ${r.piggybank}`,
    `equity ${r.equity} (peak ${r.peak}, trough ${r.trough}), today's P&L ${r.dailyPnl}`,
    `ledger check: ${r.ledgerCheck} (ledger balance ${r.ledgerBalance})`,
    ...r.others.map((o) => `other account ${o.account}: balance ${o.balance}, available ${o.available}, ledger check ${o.ledgerCheck}`),
    "",
    `last ${r.postings.length} postings`,
    formatRows(POSTING_COLUMNS, r.postings)
  ].join("\n")

/** `arbees bankroll --last N`. @category commands */
export const show = ({ account: chosen, last, ...choice }: { readonly account: Option.Option<string>; readonly last: number } & OutputChoice) =>
  Effect.gen(function*() {
    const { config } = yield* AppConfig
    const account = Option.getOrElse(chosen, () => config.bankroll.account)
    yield* migrate()
    // Only the configured paper account is opened here; a live account exists once a live run opened it
    yield* openAccount(config.bankroll.account, config.bankroll.initial)
    const accounts = yield* listAccounts()
    if (!accounts.includes(account)) return yield* Effect.fail(new Error(`no account ${account}; the accounts are ${accounts.join(", ")}`))
    const b = yield* readBalance(account)
    const check = yield* ledgerCheck(account)
    const postings = yield* recentPostings(account, last)
    const $ = (m: number) => Money.formatDollars(m as Money.Micros)
    const others: Array<OtherAccount> = []
    for (const other of accounts.filter((a) => a !== account)) {
      const [ob, oc] = [yield* readBalance(other), yield* ledgerCheck(other)]
      others.push({ account: other, balance: $(ob.balance), available: $(ob.available), ledgerCheck: oc.ok ? "ok" : "FAILED" })
    }
    const report: BankrollReport = {
      account,
      balance: $(b.balance),
      reserved: $(b.reserved),
      available: $(b.available),
      piggybank: $(b.piggybank),
      equity: $(b.equity),
      peak: $(b.peak),
      trough: $(b.trough),
      dailyPnl: $(b.dailyPnl),
      ledgerCheck: check.ok ? "ok" : "FAILED",
      ledgerBalance: $(check.ledgerBalance),
      postings: postings.map((p) => ({ id: p.id, at: new Date(p.at).toISOString(), kind: p.kind, bucket: p.bucket, amount: $(p.amount), reference: p.reference })),
      others
    }
    yield* Console.log(wantsTable(choice) ? formatBankroll(report) : JSON.stringify(report, null, 2))
    if (!check.ok) return yield* Effect.fail(new Error(`ledger check failed for ${account}: balance ${$(check.balance)} vs ledger ${$(check.ledgerBalance)}`))
  }).pipe(Effect.provide(Database.layer), Effect.provide(configured({ stderr: true })))
