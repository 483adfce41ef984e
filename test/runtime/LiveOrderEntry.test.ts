/**
 * The execution driver over the venues `arbees run` builds in live mode (`LiveTrading.layer`), on a
 * real database: Kalshi has credentials and trades live against the fake Kalshi; Polymarket has
 * none and stays paper. An order placed on Kalshi goes to the venue once, its fill is booked on
 * `live:kalshi` (opened at the venue's balance by the start-up reconciliation), and that account
 * equals the venue's balance; the paper account is untouched.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeWS from "@effect/platform-node/NodeWS"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { generateKeyPairSync } from "node:crypto"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { openAccount, readBalance } from "../../src/actors/Bankroll.ts"
import { ExecutionDriver } from "../../src/actors/Execution.ts"
import * as Trades from "../../src/actors/Trades.ts"
import * as LiveTrading from "../../src/runtime/LiveTrading.ts"
import type { ClientOrderId, GameId, MarketId, OutcomeId, SignalId } from "../../src/schema/Ids.ts"
import { dollars, priceOf, qtyOf } from "../../src/schema/Money.ts"
import { EventBus } from "../../src/services/bus/EventBus.ts"
import { Outbox } from "../../src/services/bus/Outbox.ts"
import { DeadLetters } from "../../src/services/DeadLetters.ts"
import { PaperMarket } from "../../src/services/venue/PaperVenue.ts"
import { Venues } from "../../src/services/venue/Venue.ts"
import { until } from "../support/Eventually.ts"
import { FakeKalshi } from "../support/FakeKalshi.ts"
import { makeScriptedMarket } from "../support/ScriptedMarket.ts"
import { actorRuntime } from "../support/Runtime.ts"

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
const TICKER = "KXNBAGAME-26DEC03LALBOS-LAL"
const GAME = "401810555" as GameId

describe("live order entry through the execution driver", () => {
  it.live("Kalshi live on its own account, Polymarket paper-only: the order goes to the venue once and the ledger equals the venue's balance", () =>
    Effect.gen(function*() {
      const fake = new FakeKalshi({ publicKey, orders: true })
      yield* Effect.acquireRelease(Effect.promise(() => fake.start()), () => Effect.promise(() => fake.close()))
      const desk = fake.desk!
      desk.balance = 300_000_000
      const keyFile = join(mkdtempSync(join(tmpdir(), "arbees-live-entry-")), "kalshi.pem")
      writeFileSync(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }).toString(), { mode: 0o600 })
      const overrides = {
        mode: "live",
        liveTradingAuthorized: "true",
        "kalshi.restUrl": fake.httpUrl("/trade-api/v2"),
        "kalshi.wsUrl": fake.wsUrl(),
        "kalshi.keyId": "test-key",
        "kalshi.privateKeyFile": keyFile,
        "bankroll.initial": "1000"
      }
      const market = Layer.effect(PaperMarket, Effect.map(makeScriptedMarket, (m) => m.service))
      const layer = ExecutionDriver.layer.pipe(
        Layer.provideMerge(LiveTrading.layer),
        Layer.provideMerge(market),
        Layer.provideMerge(Layer.mergeAll(NodeHttpClient.layerUndici, NodeWS.layerWebSocketConstructor)),
        Layer.provideMerge(Outbox.layerNoRelay),
        Layer.provideMerge(EventBus.layerMemory),
        Layer.provideMerge(DeadLetters.layer),
        Layer.provideMerge(actorRuntime("postgres", overrides))
      )
      yield* Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const venues = yield* Venues
        const driver = yield* ExecutionDriver
        assert.deepStrictEqual([venues.get("kalshi").paper, venues.get("polymarket").paper], [false, true])
        // Opened at the venue's balance by the start-up reconciliation
        assert.strictEqual((yield* readBalance("live:kalshi")).balance, 300_000_000)
        yield* openAccount("paper", dollars("1000"))
        yield* sql`INSERT INTO games (game_id, league, sport, home_team_id, home_team, home_abbr, away_team_id, away_team, away_abbr, start_time, status)
                   VALUES (${GAME}, 'nba', 'nba', '1', 'Boston Celtics', 'BOS', '2', 'Los Angeles Lakers', 'LAL', now(), 'in_progress')`
        const id = "sig-entry-live-0" as ClientOrderId
        yield* Trades.recordOrder({
          clientOrderId: id,
          signalId: "sig-entry-live" as SignalId,
          gameId: GAME,
          outcome: { platform: "kalshi", marketId: TICKER as MarketId, outcomeId: "no" as OutcomeId },
          action: "buy",
          limitPrice: priceOf("0.40"),
          quantity: qtyOf("5"),
          timeInForce: "ioc",
          postOnly: false,
          purpose: "entry",
          paper: driver.books.live?.has("kalshi") !== true
        })
        yield* driver.place(id)
        yield* until(() => desk.creates === 1, "the order at the venue")
        const [order] = yield* sql<{ status: string; paper: boolean }>`SELECT status, paper FROM orders WHERE client_order_id = ${id}`
        assert.deepStrictEqual({ ...order }, { status: "filled", paper: false })
        const [position] = yield* sql<{ account: string; quantity: string }>`SELECT account, quantity::text FROM positions`
        assert.deepStrictEqual({ ...position }, { account: "live:kalshi", quantity: "5000000" })
        // 5 NO at 0.40 plus Kalshi's fee, on the venue's account to the micro-dollar; paper untouched
        assert.strictEqual((yield* readBalance("live:kalshi")).balance, desk.balance)
        assert.isBelow(desk.balance, 300_000_000 - 2_000_000)
        assert.strictEqual((yield* readBalance("paper")).balance, 1_000_000_000)
        assert.strictEqual(desk.creates, 1)
      }).pipe(Effect.provide(layer))
    }).pipe(Effect.scoped), 90_000)
})
