/**
 * Trading across a Postgres outage (issue 16, build item 2), in the real runtime on a private
 * PostgreSQL that the test stops and starts, with a fake Polymarket and the lagging-market strategy:
 *
 * - while Postgres is down, a play the venue has not priced in gives a signal that is denied at
 *   once by the game actor with `DATABASE_UNREACHABLE` and the gate's reason (risk's check is a
 *   persisted message: nothing could record it), counted in `arbees_signals_total`; the actor
 *   stays the same activation and keeps the state;
 * - its decision event and the game states of the outage are written once Postgres is back;
 * - the next play is approved by risk and ordered as usual;
 * - a risk check that cannot be stored before the gate has noticed anything (here the cluster's
 *   message table refuses inserts while the gate's session answers) is the same denial.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Layer, Metric } from "effect"
import { SqlClient } from "effect/sql"
import { Game } from "../../src/actors/Game.ts"
import { DATABASE_UNREACHABLE } from "../../src/actors/GameActor.ts"
import { upsertGame } from "../../src/actors/Orchestrator.ts"
import { signalsTotal } from "../../src/actors/Risk.ts"
import { MigratedDatabase } from "../../src/runtime/App.ts"
import { DatabaseGate } from "../../src/services/database/DatabaseGate.ts"
import { eventually } from "../support/Eventually.ts"
import { GAME, laggingMarketRuntime, lateGame as game, streamOutcome } from "../support/LaggingMarketRuntime.ts"
import * as Private from "../support/PrivateServers.ts"

const pg = await Private.postgres()

// The private server goes last, after the runtime and its pool
const database = Layer.orDie(MigratedDatabase).pipe(Layer.provideMerge(Layer.effectDiscard(Effect.addFinalizer(() => Effect.promise(() => pg.dispose())))))
const runtime = laggingMarketRuntime(database, { "database.url": pg.url(), "signals.debounce": "1 millis" })

const denied = Effect.map(Metric.value(Metric.withAttributes(signalsTotal, { decision: "denied", reason: DATABASE_UNREACHABLE })), (s) => s.count)

layer(runtime, { excludeTestServices: true, timeout: "120 seconds" })("trading across a Postgres outage", (it) => {
  it.effect("denies signals with the reason while Postgres is down, writes what waited, and trades again after", () =>
    Effect.gen(function*() {
      const client = (yield* Game.client)(GAME)
      const gate = yield* DatabaseGate
      const sql = yield* SqlClient.SqlClient
      const t0 = Date.now()
      yield* upsertGame(game(t0, 100, 100, 240))
      yield* client.Track({
        state: game(t0, 100, 100, 240),
        revision: "r1",
        attempt: 0,
        outcomes: [streamOutcome("away_win")]
      })
      yield* eventually("the live book", client.Inspect(), (v) => v.tops.some((t) => t.ask !== undefined), "30 seconds")
      assert.strictEqual(gate.state()._tag, "Open")

      // Postgres goes away; the gate closes within its probe interval
      yield* Effect.promise(() => pg.stop("fast"))
      const closed = yield* eventually("the gate to close", Effect.sync(() => gate.state()), (s) => s._tag === "Closed", "10 seconds")
      const before = yield* denied
      // The away side scores seven: the model jumps toward away, the venue still asks 0.397
      yield* client.Update({ state: game(Date.now(), 100, 107, 230) })
      yield* eventually("the signal denied for the outage", denied, (n) => n === before + 1, "10 seconds")
      const view = yield* client.Inspect()
      assert.strictEqual(view.activations, 1)
      assert.strictEqual(view.state?.away.score, 107, "the state was taken in memory")
      assert.match(closed._tag === "Closed" ? closed.reason : "", /does not answer/)
      // An outage of some seconds: the actor stays, trading stays blocked
      yield* Effect.sleep("5 seconds")
      assert.strictEqual(gate.state()._tag, "Closed")
      assert.strictEqual((yield* client.Inspect()).activations, 1)

      // Postgres returns: the gate opens, what waited is written
      yield* Effect.promise(() => pg.start())
      yield* eventually("the gate to open", Effect.sync(() => gate.state()._tag), (t) => t === "Open", "15 seconds")
      const decided = yield* eventually(
        "the denial's event written",
        sql<{ payload: string }>`SELECT payload FROM outbox WHERE topic = 'signals'`,
        (rows) => rows.length > 0,
        "20 seconds"
      )
      const payload = JSON.parse(decided[0]!.payload) as { verdict: string; reason?: string }
      assert.strictEqual(payload.verdict, "denied")
      assert.match(payload.reason ?? "", new RegExp(`^${DATABASE_UNREACHABLE}: trading blocked: the database at .* does not answer`))
      const states = yield* eventually(
        "the outage's game state written",
        sql<{ away_score: number }>`SELECT away_score FROM game_states WHERE game_id = ${GAME} ORDER BY observed_at`,
        (rows) => rows.some((r) => r.away_score === 107),
        "20 seconds"
      )
      assert.deepStrictEqual(states.map((r) => r.away_score), [100, 107])

      // The next play trades as usual: approved by risk, ordered
      yield* client.Update({ state: game(Date.now(), 100, 114, 220) })
      const signals = yield* eventually(
        "the signal approved after the outage",
        sql<{ status: string; reason_code: string }>`SELECT status, reason_code FROM signals`,
        (rows) => rows.length > 0,
        "30 seconds"
      )
      assert.deepStrictEqual(signals.map((s) => [s.status, s.reason_code]), [["accepted", "APPROVED"]])
      yield* eventually("its order", sql<{ action: string }>`SELECT action FROM orders`, (rows) => rows.length > 0, "30 seconds")
      assert.strictEqual((yield* client.Inspect()).activations, 1)
    }))

  it.effect("denies a signal whose risk check cannot be stored before the gate has seen anything", () =>
    Effect.gen(function*() {
      const other = "401736812"
      const client = (yield* Game.client)(other)
      const gate = yield* DatabaseGate
      const sql = yield* SqlClient.SqlClient
      const t0 = Date.now()
      yield* upsertGame(game(t0, 100, 100, 240, other))
      yield* client.Track({ state: game(t0, 100, 100, 240, other), revision: "r1", attempt: 0, outcomes: [streamOutcome("away_win")] })
      yield* eventually("the live book", client.Inspect(), (v) => v.tops.some((t) => t.ask !== undefined), "30 seconds")
      // The cluster's message storage refuses every new message; the gate's own session still answers
      yield* sql.unsafe(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'storage refused by the test'; END $$`)
      yield* sql.unsafe(`CREATE TRIGGER refuse BEFORE INSERT ON cluster_messages FOR EACH ROW EXECUTE FUNCTION refuse()`)
      const before = yield* denied
      yield* client.Update({ state: game(Date.now(), 100, 107, 230, other) })
      yield* eventually("the signal denied", denied, (n) => n === before + 1, "15 seconds")
      assert.strictEqual(gate.state()._tag, "Open")
      yield* sql.unsafe(`DROP TRIGGER refuse ON cluster_messages`)
      const decided = yield* eventually(
        "the denial's event written",
        sql<{ payload: string }>`SELECT payload FROM outbox WHERE topic = 'signals' AND aggregate = ${other}`,
        (rows) => rows.length > 0,
        "20 seconds"
      )
      const payload = JSON.parse(decided[0]!.payload) as { verdict: string; reason?: string }
      assert.deepStrictEqual([payload.verdict, payload.reason?.replace(/\(.*\)/, "(...)")], ["denied", `${DATABASE_UNREACHABLE}: trading blocked: the risk check could not be stored (...)`])
      assert.include(payload.reason, "storage refused by the test")
    }))
})
