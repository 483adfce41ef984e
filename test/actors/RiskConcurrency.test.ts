/**
 * Risk and the bankroll under concurrency, on the real Postgres server: 1,000 random concurrent
 * reserve / release / fill / sale / settle / close operations on one account while 200 risk checks
 * from 50 games decide and reserve on another. Afterwards: balance = Σ ledger, no negative
 * available balance, no lost update (the balance equals what the applied operations say it must
 * be), and no exposure or contract cap exceeded (game, sport, market, total).
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import * as Bankroll from "../../src/actors/Bankroll.ts"
import { type CheckRequest, decideAndRecord, limitsFrom, type Verdict } from "../../src/actors/Risk.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import type { GameId, MarketId, OutcomeId, SignalId } from "../../src/schema/Ids.ts"
import * as Money from "../../src/schema/Money.ts"
import { migratedDatabase } from "../support/Runtime.ts"

const runtime = migratedDatabase("postgres").pipe(Layer.provideMerge(Layer.orDie(AppConfig.layerTest({}))))

/** A deterministic generator: the test replays exactly. */
const lcg = (seed: number) => {
  let s = seed >>> 0
  return (n: number) => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0
    return s % n
  }
}

const GAMES = 50
const gameId = (i: number) => String(401_000_000 + i)
const sportOf = (i: number) => (i % 2 === 0 ? "nba" : "nhl")

const check = (i: number, now: number): CheckRequest => {
  const g = gameId(i % GAMES)
  const kalshi = { platform: "kalshi" as const, marketId: `KXNBAGAME-${g}` as MarketId, outcomeId: "yes" as OutcomeId }
  const poly = { platform: "polymarket" as const, marketId: `0x${g}` as MarketId, outcomeId: `${g}1` as OutcomeId }
  return {
    signal: {
      signalId: `s${g}-${i}` as SignalId,
      kind: "cross_venue_arb",
      gameId: g as GameId,
      legs: [{ outcome: kalshi, action: "buy", limit: Money.priceOf("0.45"), available: Money.qtyOf("400") }, { outcome: poly, action: "buy", limit: Money.priceOf("0.55"), available: Money.qtyOf("400") }],
      edgeBps: Money.bps(800),
      createdAt: now,
      expiresAt: now + 60_000
    },
    sport: sportOf(i % GAMES),
    purpose: "entry",
    legs: [
      { outcome: kalshi, meaning: "home_win", action: "buy", limit: Money.priceOf("0.45"), asks: [{ price: Money.priceOf("0.40"), size: Money.qtyOf("400") }], fees: { _tag: "KalshiFeeSchedule", feeType: "quadratic", multiplier: 1_000_000 }, venue: { _tag: "kalshi", fractional: false, tickSize: Money.price(1) }, bookAsOf: now },
      { outcome: poly, meaning: "away_win", action: "buy", limit: Money.priceOf("0.55"), asks: [{ price: Money.priceOf("0.50"), size: Money.qtyOf("400") }], fees: { _tag: "PolymarketFeeSchedule", rate: 30_000, exponent: 1, takerOnly: true }, venue: { _tag: "polymarket", tickSize: Money.price(1), minOrderSize: Money.qtyOf("5"), minNotional: Money.dollars("1") }, bookAsOf: now }
    ],
    threshold: { _tag: "sets", minProfitPerSet: Money.dollars("0.01") },
    withDraw: false,
    gameStateChangedAt: now
  }
}

layer(runtime, { excludeTestServices: true, timeout: "300 seconds" })("risk and bankroll under concurrency", (it) => {
  it.effect("1,000 money operations and 200 risk checks from 50 games keep every invariant", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const { config } = yield* AppConfig
      const limits = limitsFrom(config)
      const now = Date.now()
      for (let i = 0; i < GAMES; i++) {
        yield* sql`INSERT INTO games (game_id, league, sport, home_team_id, home_team, home_abbr, away_team_id, away_team, away_abbr, start_time, status)
                   VALUES (${gameId(i)}, ${sportOf(i)}, ${sportOf(i)}, '1', 'Home', 'HOM', '2', 'Away', 'AWY', now(), 'in_progress')`
      }
      yield* Bankroll.openAccount("paper", config.bankroll.initial)
      yield* Bankroll.openAccount("ops", Money.dollars("500"))

      // The money operations, on their own account, tracked here to catch a lost update
      const rand = lcg(42)
      let expectedBalance = Money.dollars("500") as number
      let expectedPiggy = 0
      const outcome = { platform: "kalshi" as const, marketId: "KXOPS" as MarketId, outcomeId: "yes" as OutcomeId }
      const ops = Array.from({ length: 1_000 }, (_, i) => {
        const target = rand(Math.max(1, i))
        const kind = rand(6)
        return Effect.gen(function*() {
          switch (kind) {
            case 0:
            case 1: {
              const amount = Money.micros((1 + rand(300)) * 10_000)
              yield* Bankroll.reserve("ops", [{ reservationId: `r${i}`, signalId: `ops${i}`, gameId: gameId(0), sport: "nba", outcome, amount, contracts: Money.qtyOf("3") }]).pipe(
                Effect.catchTag("InsufficientFunds", () => Effect.void)
              )
              return
            }
            case 2: {
              yield* Bankroll.releaseReservation("ops", `r${target}`, "dead")
              return
            }
            case 3: {
              const fill = { reservationId: `r${target}`, fillId: `f${i}`, price: Money.priceOf("0.41"), quantity: Money.qtyOf("2"), fee: Money.dollars("0.02") }
              if (yield* Bankroll.postFill("ops", fill)) expectedBalance -= 820_000 + 20_000
              return
            }
            case 4: {
              if (yield* Bankroll.postSettlement("ops", { positionId: `p${i}`, payout: Money.dollars("1") })) expectedBalance += 1_000_000
              return
            }
            default: {
              const pnl = Money.micros((rand(200) - 100) * 10_000)
              if (yield* Bankroll.recordPositionClose("ops", { positionId: `c${i}`, gameId: gameId(1), sport: "nhl", outcome, realizedPnl: pnl }, config.bankroll.piggybankShare)) {
                if (pnl > 0) {
                  const share = Money.applyBps(pnl, config.bankroll.piggybankShare, "floor")
                  expectedBalance -= share
                  expectedPiggy += share
                }
              }
              return
            }
          }
        })
      })
      const checks = Array.from({ length: 200 }, (_, i) => decideAndRecord("paper", check(i, now), limits, true))
      const interleaved = ops.flatMap((op, i) => (i % 5 === 0 ? [op, checks[i / 5]!] : [op]))
      const results: ReadonlyArray<unknown> = yield* Effect.all(interleaved, { concurrency: 24 })
      const verdicts = results.filter((v): v is Verdict => v !== undefined)

      // Balance = Σ ledger on both accounts; reserved = Σ open reservations; available ≥ 0
      for (const account of ["ops", "paper"]) {
        const ledger = yield* Bankroll.ledgerCheck(account)
        assert.isTrue(ledger.ok, `${account}: ${JSON.stringify(ledger)}`)
        const b = yield* Bankroll.readBalance(account)
        assert.isAtLeast(b.available, 0, `${account} available`)
      }
      // No lost update: the balance is exactly what the applied operations imply
      const ops_ = yield* Bankroll.readBalance("ops")
      assert.strictEqual(ops_.balance, expectedBalance)
      assert.strictEqual(ops_.piggybank, expectedPiggy)

      // No cap exceeded by what risk approved
      const approved = verdicts.filter((v) => v._tag === "Approved")
      assert.isAbove(approved.length, 0)
      assert.isAbove(verdicts.length - approved.length, 0, "the caps bind: some checks are denied")
      const games = yield* sql<{ game_id: string; sport: string; amount: string; contracts: string }>`
        SELECT game_id, sport, sum(amount_micros)::text AS amount, sum(contracts)::text AS contracts
          FROM bankroll_reservations WHERE account = 'paper' GROUP BY game_id, sport`
      const bySport = new Map<string, number>()
      const contractsBySport = new Map<string, number>()
      let total = 0
      let contracts = 0
      for (const g of games) {
        assert.isAtMost(Number(g.amount), config.risk.maxGameExposure, `game ${g.game_id}`)
        assert.isAtMost(Number(g.contracts), config.execution.maxContractsPerGame * Money.ONE, `game ${g.game_id} contracts`)
        bySport.set(g.sport, (bySport.get(g.sport) ?? 0) + Number(g.amount))
        contractsBySport.set(g.sport, (contractsBySport.get(g.sport) ?? 0) + Number(g.contracts))
        total += Number(g.amount)
        contracts += Number(g.contracts)
      }
      for (const [sport, amount] of bySport) assert.isAtMost(amount, config.risk.maxSportExposure, sport)
      for (const [sport, n] of contractsBySport) assert.isAtMost(n, config.execution.maxContractsPerSport * Money.ONE, `${sport} contracts`)
      const markets = yield* sql<{ market: string; amount: string; contracts: string }>`
        SELECT platform || '|' || market_id AS market, sum(amount_micros)::text AS amount, sum(contracts)::text AS contracts
          FROM bankroll_reservations WHERE account = 'paper' GROUP BY platform, market_id`
      for (const m of markets) {
        assert.isAtMost(Number(m.amount), config.risk.maxMarketExposure, m.market)
        assert.isAtMost(Number(m.contracts), config.execution.maxContractsPerMarket * Money.ONE, `${m.market} contracts`)
      }
      assert.isAtMost(total, config.risk.maxTotalExposure)
      assert.isAtMost(contracts, config.execution.maxContractsTotal * Money.ONE)
      const [rows] = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM signals`
      assert.strictEqual(rows!.n, 200, "every decision recorded once")
    }), 280_000)
})
