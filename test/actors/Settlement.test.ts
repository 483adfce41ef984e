/**
 * Settlement from the venue's own result, on real Postgres, with the results read from fake
 * venues over the real protocol: Kalshi's `GET /markets/{ticker}` (`status`, `result`),
 * Polymarket's `market_resolved` on the market channel and the CLOB market's `winner`. ESPN's
 * final is never a result: a game that ended on a market the venue has not settled settles nothing.
 *
 * On each venue: a win, a loss, a soccer draw and a voided market (Polymarket's void is its 50/50
 * resolution), each P&L exact to the micro-dollar against the hand calculation, the piggybank's
 * share, the close records the risk rules read, and balance = Σ ledger at the end.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { assert, layer } from "@effect/vitest"
import { Duration, Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import * as BankrollActor from "../../src/actors/Bankroll.ts"
import { ExecutionDriver } from "../../src/actors/Execution.ts"
import { applyAnnounced, checkExits, settleFromVenues } from "../../src/actors/Positions.ts"
import * as Trades from "../../src/actors/Trades.ts"
import { kalshiFeeSchedule, type KalshiFeeSchedule } from "../../src/domain/fees/KalshiFees.ts"
import { polymarketFeeSchedule, type PolymarketFeeSchedule } from "../../src/domain/fees/PolymarketFees.ts"
import type { ClientOrderId, GameId, MarketId, OutcomeId, SignalId } from "../../src/schema/Ids.ts"
import type { OutcomeRef } from "../../src/schema/Market.ts"
import { dollars, type Micros, priceOf, qtyOf } from "../../src/schema/Money.ts"
import { DeadLetters } from "../../src/services/DeadLetters.ts"
import { KalshiClient } from "../../src/services/kalshi/KalshiClient.ts"
import { KalshiRateLimiter } from "../../src/services/kalshi/KalshiRateLimiter.ts"
import { PolymarketClient } from "../../src/services/polymarket/PolymarketClient.ts"
import { PolymarketFeed } from "../../src/services/polymarket/PolymarketFeed.ts"
import { MarketResults } from "../../src/services/venue/MarketResults.ts"
import { eventually } from "../support/Eventually.ts"
import { harness, seedGame } from "../support/ExecutionHarness.ts"
import { FakeKalshi } from "../support/FakeKalshi.ts"
import { FakePolymarket } from "../support/FakePolymarket.ts"
import { acquireFake } from "../support/FakeVenue.ts"
import { testLiveness } from "../support/Liveness.ts"

const kalshiFees = kalshiFeeSchedule({ feeType: "quadratic_with_maker_fees", multiplier: 1_000_000 }) as KalshiFeeSchedule
const polyFees = polymarketFeeSchedule({ rate: 30_000, exponent: 1 }) as PolymarketFeeSchedule
const account = "paper"
const NBA = "401810101" as GameId
const EPL = "704700" as GameId

const h = harness("postgres", { "paper.takeShare": "1" })

let fakes: { kalshi: FakeKalshi; polymarket: FakePolymarket; feed: PolymarketFeed["Service"] } | undefined

/** The venues' results over fake Kalshi and Polymarket servers, through the real clients and feed. */
const results = Layer.unwrap(
  Effect.gen(function*() {
    const kalshi = yield* acquireFake(() => new FakeKalshi())
    const polymarket = yield* acquireFake(() => new FakePolymarket())
    const kalshiClient = yield* KalshiClient.make({
      restUrl: kalshi.httpUrl("/trade-api/v2"),
      timeout: Duration.seconds(2),
      retries: 0,
      requestCost: 10,
      rateLimitPause: Duration.millis(20),
      credentials: undefined
    }).pipe(Effect.provideServiceEffect(KalshiRateLimiter, KalshiRateLimiter.make({ readTokensPerSecond: 10_000, writeTokensPerSecond: 10_000, burstSeconds: 1 })))
    const polymarketClient = yield* PolymarketClient.make({ gammaUrl: polymarket.httpUrl(), clobUrl: polymarket.httpUrl(), timeout: Duration.seconds(2), retries: 0, pageSize: 100, backoff: Duration.millis(10) })
    const feed = yield* PolymarketFeed.make({ wsUrl: polymarket.wsUrl(), maxAssetsPerConnection: 200, pingInterval: Duration.millis(200), ...testLiveness }).pipe(
      Effect.provideService(PolymarketClient, polymarketClient)
    )
    fakes = { kalshi, polymarket, feed }
    return MarketResults.layer.pipe(
      Layer.provide(Layer.mergeAll(Layer.succeed(KalshiClient, kalshiClient), Layer.succeed(PolymarketClient, polymarketClient), Layer.succeed(PolymarketFeed, feed)))
    )
  })
).pipe(Layer.provide(Layer.mergeAll(DeadLetters.layerLog, NodeWS.layerWebSocketConstructor, NodeHttpClient.layerUndici)))

const lv = (p: string, s: string) => ({ price: priceOf(p), size: qtyOf(s) })
const k = (ticker: string, side: "yes" | "no"): OutcomeRef => ({ platform: "kalshi", marketId: ticker as MarketId, outcomeId: side as OutcomeId })
const condition = (n: string) => `0x${n.repeat(64)}`
const p = (n: string, token: string): OutcomeRef => ({ platform: "polymarket", marketId: condition(n) as MarketId, outcomeId: token as OutcomeId })

/** Buys 10 of `outcome` at `price` through the paper venue (the whole ask), as risk approved it. */
const buy = (id: string, gameId: GameId, outcome: OutcomeRef, price: string) =>
  Effect.gen(function*() {
    const { market } = h.handle()
    market.setFees(outcome, outcome.platform === "kalshi" ? kalshiFees : polyFees)
    yield* market.setBook(outcome, { bids: [], asks: [lv(price, "10")] })
    yield* BankrollActor.reserve(account, [{ reservationId: id, signalId: `sig-${id}`, gameId, sport: "nba", outcome, amount: dollars("20"), contracts: qtyOf("10") }])
    yield* Trades.recordOrder({
      clientOrderId: id as ClientOrderId,
      signalId: `sig-${id}` as SignalId,
      gameId,
      outcome,
      action: "buy",
      limitPrice: priceOf(price),
      quantity: qtyOf("10"),
      timeInForce: "fok",
      postOnly: false,
      purpose: "entry",
      paper: true
    })
    yield* (yield* ExecutionDriver).place(id)
    assert.strictEqual((yield* Trades.readOrder(id))!.status, "filled")
  })

const balance = Effect.map(BankrollActor.readBalance(account), (b) => ({ balance: b.balance, reserved: b.reserved, piggybank: b.piggybank }))

const realized = (positionId: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(sql<{ status: string; realized: string; reason: string | null }>`
      SELECT status, realized_pnl_micros::text AS realized, settlement_reason AS reason FROM positions WHERE position_id = ${positionId}`, (rows) => rows[0]!))

layer(Layer.mergeAll(h.layer, results), { excludeTestServices: true, timeout: 120_000 })("settlement from the venue's own result", (it) => {
  it.effect("Kalshi and Polymarket: a win, a loss, a soccer draw and a void each, to the micro-dollar; balance = Σ ledger", () =>
    Effect.gen(function*() {
      const { feed, kalshi, polymarket } = fakes!
      const sql = yield* SqlClient.SqlClient
      const books = (yield* ExecutionDriver).books
      yield* seedGame(NBA, "nba")
      yield* seedGame(EPL, "soccer")

      // Kalshi (fee = ⌈0.07 × 10 × p × (1 − p)⌉ to the cent)
      yield* buy("kwin-0000001", NBA, k("KXNBAGAME-26DEC02LALBOS-BOS", "yes"), "0.60") // fee 0.168 → 0.17
      yield* buy("kloss-000001", NBA, k("KXNBAGAME-26DEC02LALBOS-LAL", "no"), "0.45") // 0.17325 → 0.18
      yield* buy("kdraw-000001", EPL, k("KXEPLGAME-26DEC02ARSCHE-TIE", "yes"), "0.25") // 0.13125 → 0.14
      yield* buy("kdrawh-00001", EPL, k("KXEPLGAME-26DEC02ARSCHE-ARS", "yes"), "0.50") // 0.175 → 0.18
      yield* buy("kvoid-000001", NBA, k("KXNBAGAME-26DEC02NYKMIA-MIA", "yes"), "0.40") // 0.168 → 0.17
      // Polymarket (fee = 10 × 0.03 × p × (1 − p), to $0.00001)
      yield* buy("pwin-0000001", NBA, p("a", "1001"), "0.40") // 0.072
      yield* buy("ploss-000001", NBA, p("b", "2001"), "0.55") // 0.07425
      yield* buy("pdraw-000001", EPL, p("c", "3001"), "0.28") // draw market, Yes: 0.06048
      yield* buy("pdrawh-00001", EPL, p("d", "4001"), "0.45") // home-win market, Yes: 0.07425
      yield* buy("pvoid-000001", NBA, p("e", "5001"), "0.50") // 0.075
      for (const [n, yes] of [["a", "1001"], ["b", "2001"], ["c", "3001"], ["d", "4001"], ["e", "5001"]] as const) {
        polymarket.listClobMarket(condition(n), [{ tokenId: yes, outcome: "Yes" }, { tokenId: `${yes}9`, outcome: "No" }])
      }
      const before = yield* balance

      // The games end (ESPN's final: the home side wins the NBA game, the EPL game is a draw): a
      // provisional mark only. The venues have not settled: nothing moves
      for (const [game, market, outcome, meaning] of [[NBA, "KXNBAGAME-26DEC02LALBOS-BOS", "yes", "home_win"], [EPL, "KXEPLGAME-26DEC02ARSCHE-TIE", "yes", "draw"], [EPL, "KXEPLGAME-26DEC02ARSCHE-ARS", "yes", "home_win"]]) {
        yield* sql`INSERT INTO market_mappings (game_id, platform, market_id, outcome_id, meaning, method, confidence, evidence)
                   VALUES (${game}, 'kalshi', ${market}, ${outcome}, ${meaning}, 'deterministic', 1, '{}'::jsonb)`
      }
      yield* sql`UPDATE games SET status = 'final', winner = CASE WHEN game_id = ${NBA} THEN 'home' ELSE 'draw' END`
      kalshi.settle("KXNBAGAME-26DEC02LALBOS-BOS", "") // closed, no result yet
      assert.deepStrictEqual(yield* settleFromVenues(books), [])
      assert.deepStrictEqual(yield* balance, before)
      const marks = yield* sql<{ position_id: string; status: string; mark: string }>`
        SELECT position_id, status, mark_price_micros::text AS mark FROM positions WHERE position_id IN ('pos-kwin-0000001', 'pos-kdraw-000001', 'pos-kdrawh-00001') ORDER BY position_id`
      assert.deepStrictEqual(marks.map((m) => [m.position_id, m.status, Number(m.mark)]), [
        ["pos-kdraw-000001", "open", priceOf("1")],
        ["pos-kdrawh-00001", "open", priceOf("0")],
        ["pos-kwin-0000001", "open", priceOf("1")]
      ])
      // Exits hold a finished game's positions for the venue's result
      const driver = yield* ExecutionDriver
      const checks = yield* checkExits(driver.place, () => Effect.die("no exit may reach risk"))
      assert.isTrue(checks.every((c) => c.decision._tag === "Hold" && c.decision.reason === "game_over"))

      // Polymarket announces the first market on the market channel
      yield* feed.add(["1001"])
      yield* eventually("the market subscription", Effect.sync(() => [...polymarket.subscribed.values()].some((a) => a.has("1001"))), (b) => b)
      yield* applyAnnounced(books).pipe(Effect.forkScoped)
      polymarket.resolve(condition("a"), { winner: "1001" }, true)
      yield* eventually("the announced settlement", realized("pos-pwin-0000001"), (r) => r.status === "settled")

      // The venues settle the rest; the next pass reads their results
      kalshi.settle("KXNBAGAME-26DEC02LALBOS-BOS", "yes")
      kalshi.settle("KXNBAGAME-26DEC02LALBOS-LAL", "yes")
      kalshi.settle("KXEPLGAME-26DEC02ARSCHE-TIE", "yes")
      kalshi.settle("KXEPLGAME-26DEC02ARSCHE-ARS", "no")
      kalshi.settle("KXNBAGAME-26DEC02NYKMIA-MIA", "void")
      polymarket.resolve(condition("b"), { winner: "20019" })
      polymarket.resolve(condition("c"), { winner: "3001" })
      polymarket.resolve(condition("d"), { winner: "40019" })
      polymarket.resolve(condition("e"), { split: 0.5 })
      const settled = yield* settleFromVenues(books)
      assert.strictEqual(settled.length, 9)

      const expected: Array<[string, string, string]> = [
        ["pos-kwin-0000001", "3.83", "kalshi:KalshiResult"], // 10.00 − 6.00 − 0.17
        ["pos-kloss-000001", "-4.68", "kalshi:KalshiResult"], // 0 − 4.50 − 0.18 (YES won: NO pays nothing)
        ["pos-kdraw-000001", "7.36", "kalshi:KalshiResult"], // the tie market resolves YES: 10.00 − 2.50 − 0.14
        ["pos-kdrawh-00001", "-5.18", "kalshi:KalshiResult"], // the home market resolves NO on a draw: −5.00 − 0.18
        ["pos-kvoid-000001", "-0.17", "kalshi:Void"], // refunded 4.00 at cost; the fee is not refunded
        ["pos-pwin-0000001", "5.928", "polymarket:Winner"], // 10.00 − 4.00 − 0.072
        ["pos-ploss-000001", "-5.57425", "polymarket:Winner"], // 0 − 5.50 − 0.07425
        ["pos-pdraw-000001", "7.13952", "polymarket:Winner"], // the draw market's Yes wins: 10.00 − 2.80 − 0.06048
        ["pos-pdrawh-00001", "-4.57425", "polymarket:Winner"], // the home-win market's No wins: −4.50 − 0.07425
        ["pos-pvoid-000001", "-0.075", "polymarket:Split"] // 50/50: 5.00 − 5.00 − 0.075
      ]
      for (const [id, pnl, reason] of expected) assert.deepStrictEqual(yield* realized(id), { status: "settled", realized: String(dollars(pnl)), reason }, id)

      // Cash in: 10 + 0 + 10 + 0 + 4 (refund) + 10 + 0 + 10 + 0 + 5 = 49.00. The piggybank takes half
      // of each profit: (3.83 + 7.36 + 5.928 + 7.13952) / 2 = 12.12876
      const after = yield* balance
      assert.strictEqual(after.balance - before.balance, dollars("36.87124"))
      assert.strictEqual(after.piggybank - before.piggybank, dollars("12.12876"))
      assert.strictEqual(after.reserved, 0)
      const [ledger] = yield* sql<{ total: string }>`SELECT sum(amount_micros)::text AS total FROM bankroll_ledger WHERE account = ${account} AND bucket = 'available'`
      assert.strictEqual(Number(ledger!.total), after.balance)
      assert.isTrue((yield* BankrollActor.ledgerCheck(account)).ok)

      // The close records the risk rules read (daily P&L, win/loss cooldowns), one per position
      const closes = yield* sql<{ game_id: string; n: number; total: string }>`
        SELECT game_id, count(*)::int AS n, sum(realized_pnl_micros)::text AS total FROM position_closes GROUP BY game_id ORDER BY game_id`
      assert.deepStrictEqual(closes.map((c) => [c.game_id, c.n, Number(c.total) as Micros]), [
        [NBA, 6, dollars("-0.74125")], // 3.83 − 4.68 − 0.17 + 5.928 − 5.57425 − 0.075
        [EPL, 4, dollars("4.74527")] // 7.36 − 5.18 + 7.13952 − 4.57425
      ])
      // Settled once: asking again changes nothing
      assert.deepStrictEqual(yield* settleFromVenues(books), [])
    }).pipe(Effect.scoped))
})
