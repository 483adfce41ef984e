/**
 * While a live venue reconciles, the risk singleton refuses new exposure there, and exits pass
 * (issue 15). A real reconciliation runs against the fake Kalshi, whose balance read is held
 * unanswered, so the venue stays reconciling; risk decisions made meanwhile read the flag
 * reconciliation wrote (`venue_reconciliation.reconciling`) from Postgres; the flag holds back only
 * a venue that trades live. Once the venue answers, the same entry is approved, sized on the
 * venue's own account (`live:kalshi`).
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { assert, describe, layer } from "@effect/vitest"
import { Clock, Duration, Effect, Fiber, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { generateKeyPairSync } from "node:crypto"
import { openAccount, readBalance, releaseReservation } from "../../src/actors/Bankroll.ts"
import { isReconciling, reconcile } from "../../src/actors/Reconciliation.ts"
import * as RiskActor from "../../src/actors/Risk.ts"
import type { CheckRequest, Verdict } from "../../src/actors/Risk.ts"
import type { GameId, MarketId, OutcomeId, SignalId } from "../../src/schema/Ids.ts"
import * as Money from "../../src/schema/Money.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import { DeadLetters } from "../../src/services/DeadLetters.ts"
import type { AccountBook } from "../../src/services/live/LiveAccounts.ts"
import { migrate } from "../../src/services/database/Migrations.ts"
import { until } from "../support/Eventually.ts"
import { FakeKalshi } from "../support/FakeKalshi.ts"
import { acquireFake } from "../support/FakeVenue.ts"
import { kalshiOnFake } from "../support/LiveVenues.ts"
import * as TestDatabase from "../support/TestDatabase.ts"

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
const GAME = "401000031" as GameId
const HOME = { platform: "kalshi" as const, marketId: "KXNBAGAME-26DEC03LALBOS-BOS" as MarketId, outcomeId: "yes" as OutcomeId }
const BOOKS = { account: "paper", live: new Set(["kalshi"] as const) }

const Infra = Layer.mergeAll(DeadLetters.layer, NodeHttpClient.layerUndici, NodeWS.layerWebSocketConstructor).pipe(
  Layer.provideMerge(Layer.effectDiscard(Effect.orDie(migrate()))),
  Layer.provideMerge(TestDatabase.postgres),
  Layer.provideMerge(Layer.orDie(AppConfig.layerTest({}))),
  Layer.provideMerge(NodeServices.layer)
)

let serial = 0
/** A model-edge buy of Kalshi home at 0.50 (the model at 60%), or the sale of 5 held. */
const intent = (purpose: "entry" | "exit") =>
  Effect.map(Clock.currentTimeMillis, (now): CheckRequest => {
    const legs: CheckRequest["legs"] = [{
      outcome: HOME,
      meaning: "home_win",
      action: purpose === "entry" ? "buy" : "sell",
      limit: Money.priceOf("0.55"),
      asks: [{ price: Money.priceOf("0.50"), size: Money.qtyOf("200") }],
      fees: { _tag: "KalshiFeeSchedule", feeType: "quadratic", multiplier: 1_000_000 },
      venue: { _tag: "kalshi", fractional: false, tickSize: Money.price(1) },
      bookAsOf: now - 500
    }]
    return {
      signal: {
        signalId: `live-risk-${++serial}` as SignalId,
        kind: "model_edge",
        gameId: GAME,
        legs: legs.map((l) => ({ outcome: l.outcome, action: l.action, limit: l.limit, available: Money.qtyOf("200") })) as unknown as CheckRequest["signal"]["legs"],
        edgeBps: Money.bps(500),
        strategy: "model_edge",
        createdAt: now,
        expiresAt: now + 30_000
      },
      sport: "nba",
      purpose,
      legs,
      threshold: { _tag: "edge", probability: 0.6, minEdge: Money.bpsOf("0.05"), kelly: true },
      ...(purpose === "exit" ? { desired: Money.qtyOf("5") } : {}),
      withDraw: false,
      gameStateChangedAt: now - 2_000,
      modelAt: now - 2_000
    }
  })

const decide = (purpose: "entry" | "exit", books: AccountBook = BOOKS) =>
  Effect.gen(function*() {
    const { config } = yield* AppConfig
    const verdict: Verdict = yield* RiskActor.decideAndRecord(books, yield* intent(purpose), RiskActor.limitsFrom(config), true)
    return verdict._tag === "Approved" ? `approved ${Money.formatQty(verdict.quantity)}` : verdict.denial.code
  })

describe("risk while a live venue reconciles", () => {
  layer(Infra, { excludeTestServices: true, timeout: 90_000 })((it) => {
    it.effect("refuses new exposure there, passes an exit, and approves again on the venue's account once reconciled", () =>
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        yield* sql`INSERT INTO games (game_id, league, sport, home_team_id, home_team, home_abbr, away_team_id, away_team, away_abbr, start_time, status)
                   VALUES (${GAME}, 'nba', 'nba', '1', 'Boston Celtics', 'BOS', '2', 'Los Angeles Lakers', 'LAL', now(), 'in_progress')`
        const fake = yield* acquireFake(() => new FakeKalshi({ publicKey, orders: true }))
        fake.desk!.balance = 250_000_000
        const { venue } = yield* kalshiOnFake(fake, privateKey, Duration.seconds(3))
        // The first reconciliation opens the venue's account at its balance
        yield* reconcile(venue, "live:kalshi", { lookback: Duration.hours(1) })
        assert.strictEqual((yield* readBalance("live:kalshi")).balance, 250_000_000)
        yield* openAccount("paper", Money.dollars("1000"))
        // 10 held (bought earlier), so there is something to exit
        yield* sql`INSERT INTO positions (position_id, game_id, platform, market_id, outcome_id, quantity, cost_basis_micros, status, opened_at, sport, account)
                   VALUES ('pos-held', ${GAME}, 'kalshi', ${HOME.marketId}, 'yes', 10000000, 5000000, 'open', now(), 'nba', 'live:kalshi')`
        // Sized on the venue's account: 5% of its $250 equity is $12.50, $5 of it held, so 14 at $0.50 plus fees
        assert.strictEqual(yield* decide("entry"), "approved 14")
        // (that approval never becomes an order: its reservation is released)
        for (const r of yield* sql<{ id: string }>`SELECT reservation_id AS id FROM bankroll_reservations WHERE status = 'open'`) {
          yield* releaseReservation("live:kalshi", r.id, "never ordered")
        }

        // The venue's balance read is held: the second reconciliation cannot finish
        fake.failNext(1, { status: 0, hang: true }, "/portfolio/balance")
        const running = yield* Effect.forkChild(reconcile(venue, "live:kalshi", { lookback: Duration.hours(1) }))
        yield* until(() => fake.requestsTo("/portfolio/balance").length === 2, "the held balance read", "20 seconds")
        assert.isTrue(yield* isReconciling("kalshi"))
        assert.strictEqual(yield* decide("entry"), "RECONCILING")
        assert.strictEqual(yield* decide("exit"), "approved 5")
        // The flag holds back only a venue trading live: in paper mode the same entry is paper, and passes
        assert.strictEqual(yield* decide("entry", { account: "paper" }), "approved 82")
        const [row] = yield* sql<{ reason_code: string; n: number }>`SELECT reason_code, count(*)::int AS n FROM signals WHERE reason_code = 'RECONCILING' GROUP BY reason_code`
        assert.deepStrictEqual({ ...row }, { reason_code: "RECONCILING", n: 1 })

        // The read times out and its retry answers: the venue is reconciled, new exposure passes again
        const report = yield* Fiber.join(running)
        assert.strictEqual(report.balanceAdjustment, 0)
        assert.isFalse(yield* isReconciling("kalshi"))
        assert.strictEqual(yield* decide("entry"), "approved 14")
        // Sized and reserved on the venue's account, not the paper one
        const reservations = yield* sql<{ account: string; n: number }>`SELECT account, count(*)::int AS n FROM bankroll_reservations GROUP BY account ORDER BY account`
        assert.deepStrictEqual(reservations.map((r) => ({ ...r })), [{ account: "live:kalshi", n: 2 }, { account: "paper", n: 1 }])
      }))
  })
})
