/**
 * The implementation of `arbees bankroll`.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { ledgerCheck, openAccount, readBalance, recentPostings } from "../../../actors/Bankroll.ts"
import { AppConfig } from "../../../services/config/AppConfig.ts"
import { Database } from "../../../services/database/Database.ts"
import { migrate } from "../../../services/database/Migrations.ts"
import * as Money from "../../../schema/Money.ts"
import { configured } from "../Configured.ts"

/** `arbees bankroll --last N`. @category commands */
export const show = (last: number) =>
  Effect.gen(function*() {
    const { config } = yield* AppConfig
    const account = config.bankroll.account
    yield* migrate()
    yield* openAccount(account, config.bankroll.initial)
    const b = yield* readBalance(account)
    const check = yield* ledgerCheck(account)
    const postings = yield* recentPostings(account, last)
    const $ = (m: number) => Money.formatDollars(m as Money.Micros)
    yield* Console.log(JSON.stringify({
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
      postings: postings.map((p) => ({ id: p.id, at: new Date(p.at).toISOString(), kind: p.kind, bucket: p.bucket, amount: $(p.amount), reference: p.reference }))
    }, null, 2))
    if (!check.ok) return yield* Effect.fail(new Error(`ledger check failed for ${account}: balance ${$(check.balance)} vs ledger ${$(check.ledgerBalance)}`))
  }).pipe(Effect.provide(Database.layer), Effect.provide(configured({ stderr: true })))
