/**
 * The write-behind queue: writes run in order; one that fails for the database is retried until it
 * goes through, and one that hangs (a connection that never answers, even where it cannot be
 * interrupted) is abandoned after its attempt timeout and run again, so it never stalls the writes
 * behind it.
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { ConnectionError, SqlError } from "effect/sql/SqlError"
import * as WriteBehind from "../../../src/services/database/WriteBehind.ts"

const options = { name: "test", capacity: 100, retryBase: Duration.millis(10), retryMax: Duration.millis(20), drainTimeout: Duration.seconds(1), attemptTimeout: Duration.millis(200) }

const waitFor = (done: () => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 200 && !done(); i++) yield* Effect.sleep("20 millis")
  })

describe("WriteBehind", () => {
  it.live("runs a hanging write again after its attempt timeout, and keeps the order", () =>
    Effect.scoped(Effect.gen(function*() {
      const writes = yield* WriteBehind.make(options)
      const done: Array<string> = []
      let attempts = 0
      yield* writes.enqueue("first", Effect.suspend(() => ++attempts === 1 ? Effect.never : Effect.sync(() => void done.push("first"))))
      yield* writes.enqueue("second", Effect.sync(() => void done.push("second")))
      yield* waitFor(() => done.length === 2)
      assert.deepStrictEqual(done, ["first", "second"])
      assert.strictEqual(attempts, 2)
      assert.isFalse(writes.failing())
    })))

  it.live("abandons an attempt stuck where it cannot be interrupted, and goes on", () =>
    Effect.scoped(Effect.gen(function*() {
      const writes = yield* WriteBehind.make(options)
      const done: Array<string> = []
      let attempts = 0
      yield* writes.enqueue("first", Effect.suspend(() => ++attempts === 1 ? Effect.uninterruptible(Effect.sleep("1 hour")) : Effect.sync(() => void done.push("first"))))
      yield* writes.enqueue("second", Effect.sync(() => void done.push("second")))
      yield* waitFor(() => done.length === 2)
      assert.deepStrictEqual(done, ["first", "second"])
    })).pipe(Effect.timeout("10 seconds")))

  it.live("retries a write the database refused until it goes through", () =>
    Effect.scoped(Effect.gen(function*() {
      const writes = yield* WriteBehind.make(options)
      const done: Array<string> = []
      let attempts = 0
      yield* writes.enqueue("flaky", Effect.suspend(() => ++attempts < 4 ? Effect.fail(new SqlError({ reason: new ConnectionError({ cause: new Error("connection refused"), message: "refused" }) })) : Effect.sync(() => void done.push("flaky"))))
      yield* waitFor(() => done.length === 1)
      assert.deepStrictEqual(done, ["flaky"])
      assert.strictEqual(attempts, 4)
    })))

  it.live("retries a write that dies with a SqlError (a transaction cut by a crash), and goes on past any other defect", () =>
    Effect.scoped(Effect.gen(function*() {
      const writes = yield* WriteBehind.make(options)
      const done: Array<string> = []
      let attempts = 0
      const lost = new SqlError({ reason: new ConnectionError({ cause: new Error("Connection closed"), message: "Connection closed" }) })
      yield* writes.enqueue("cut", Effect.suspend(() => ++attempts < 3 ? Effect.die(lost) : Effect.sync(() => void done.push("cut"))))
      yield* writes.enqueue("broken", Effect.die(new Error("a bug")))
      yield* writes.enqueue("after", Effect.sync(() => void done.push("after")))
      yield* waitFor(() => done.length === 2)
      assert.deepStrictEqual(done, ["cut", "after"])
      assert.strictEqual(attempts, 3)
      assert.strictEqual(writes.pending(), 0)
    })))
})
