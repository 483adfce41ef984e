/**
 * The write-behind queue across a real Postgres crash (a private server on a free port, stopped
 * with `pg_ctl stop -m immediate` while a queued transaction is in flight, then started again).
 *
 * The transaction's connection dies midway, and `withTransaction` reports that as a defect, not a
 * failure: its `ROLLBACK` fails on the dead connection and is made a defect (`Effect.orDie` in
 * effect's `SqlClient.makeWithTransaction`). The queue used to judge a write by its failures only,
 * so that defect ended the queue's fiber: the write and every one behind it stayed pending for
 * good, with nothing logged, which looked like a write that "neither failed nor finished". Now the
 * queue retries it, and the writes behind it land once Postgres is back; and `Database`'s client
 * (`failLostConnections`) turns that defect back into the `SqlError` failure it was.
 */
import { PgClient } from "@effect/sql-pg"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Duration, Effect, Exit, Fiber, Redacted } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import { isSqlError } from "effect/sql/SqlError"
import { failLostConnections } from "../../../src/services/database/Database.ts"
import * as WriteBehind from "../../../src/services/database/WriteBehind.ts"
import * as Private from "../../support/PrivateServers.ts"

describe("WriteBehind across a Postgres crash", () => {
  it.live("retries a transaction cut by the crash, and writes the ones behind it", () =>
    Effect.gen(function*() {
      const pg = yield* Effect.acquireRelease(Effect.promise(() => Private.postgres()), (pg) => Effect.promise(() => pg.dispose()))
      // The pool as `Database.layer` builds it (default pool size and connect timeout)
      const sql = yield* PgClient.make({ url: Redacted.make(pg.url()), maxConnections: 10, connectTimeout: Duration.seconds(10), applicationName: "arbees" })
      yield* sql`CREATE TABLE written (id int PRIMARY KEY)`
      const writes = yield* WriteBehind.make({ name: "crash", capacity: 100, retryBase: Duration.millis(100), retryMax: Duration.millis(500), drainTimeout: Duration.seconds(5) })
      const write = (id: number, seconds: number) =>
        sql.withTransaction(Effect.andThen(sql`INSERT INTO written VALUES (${id}) ON CONFLICT DO NOTHING`, sql`SELECT pg_sleep(${seconds})`)).pipe(Effect.asVoid)

      // What the queue sees: the transaction cut by the crash dies with the driver's SqlError
      const cut = yield* Effect.forkChild(Effect.exit(write(0, 3)))
      yield* Effect.sleep("500 millis")
      yield* writes.enqueue("first", write(1, 3))
      yield* Effect.sleep("500 millis")
      yield* Effect.promise(() => pg.stop("immediate"))
      const exit = yield* Fiber.join(cut)
      assert.isTrue(Exit.isFailure(exit) && exit.cause.reasons.every((r) => r._tag === "Die"), `the cut transaction died: ${String(Exit.isFailure(exit) ? exit.cause : exit)}`)

      yield* Effect.promise(() => pg.start())
      yield* writes.enqueue("second", write(2, 0))
      let ids: ReadonlyArray<number> = []
      for (let i = 0; i < 100 && ids.length < 2; i++) {
        yield* Effect.sleep("100 millis")
        ids = (yield* sql<{ id: number }>`SELECT id FROM written ORDER BY id`.pipe(Effect.orElseSucceed(() => []))).map((r) => r.id)
      }
      assert.deepStrictEqual(ids, [1, 2], `written within 10 s of the restart (pending ${writes.pending()})`)
      assert.strictEqual(writes.pending(), 0)
    }).pipe(Effect.scoped, Effect.provide(Reactivity.layer)), 60_000)

  it.live("a transaction cut by the crash fails with the SqlError through Database's client", () =>
    Effect.gen(function*() {
      const pg = yield* Effect.acquireRelease(Effect.promise(() => Private.postgres()), (pg) => Effect.promise(() => pg.dispose()))
      const sql = failLostConnections(yield* PgClient.make({ url: Redacted.make(pg.url()), maxConnections: 10, connectTimeout: Duration.seconds(10), applicationName: "arbees" }))
      const cut = yield* Effect.forkChild(Effect.exit(sql.withTransaction(Effect.andThen(sql`SELECT 1`, sql`SELECT pg_sleep(3)`))))
      yield* Effect.sleep("500 millis")
      yield* Effect.promise(() => pg.stop("immediate"))
      const exit = yield* Fiber.join(cut)
      assert.isTrue(Exit.isFailure(exit), "the transaction did not commit")
      if (Exit.isFailure(exit)) {
        assert.deepStrictEqual(exit.cause.reasons.map((r) => r._tag), ["Fail"], String(exit.cause))
        assert.isTrue(isSqlError(Cause.squash(exit.cause)))
      }
      // A savepoint's failure, mapped by its caller, stays that failure
      yield* Effect.promise(() => pg.start())
      const nested = yield* Effect.forkChild(Effect.exit(sql.withTransaction(
        sql.withTransaction(sql`SELECT pg_sleep(3)`).pipe(Effect.mapError(() => "mapped" as const))
      )))
      yield* Effect.sleep("500 millis")
      yield* Effect.promise(() => pg.stop("immediate"))
      const nestedExit = yield* Fiber.join(nested)
      assert.isTrue(Exit.isFailure(nestedExit) && nestedExit.cause.reasons.every((r) => r._tag === "Fail"), String(nestedExit))
      assert.strictEqual(Exit.isFailure(nestedExit) ? Cause.squash(nestedExit.cause) : undefined, "mapped")
      // Any other defect stays a defect
      yield* Effect.promise(() => pg.start())
      const bug = yield* Effect.exit(sql.withTransaction(Effect.die(new Error("a bug"))))
      assert.isTrue(Exit.isFailure(bug) && Cause.hasDies(bug.cause) && !Cause.hasFails(bug.cause), String(bug))
    }).pipe(Effect.scoped, Effect.provide(Reactivity.layer)), 60_000)
})
