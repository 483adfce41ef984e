/**
 * The group writer: concurrent callers share statements, each resumes only after its own group
 * ran, a failed group fails exactly its callers, groups never exceed their size, and closing the
 * scope writes what is still queued.
 */
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, Scope } from "effect"
import * as GroupWriter from "../../../src/services/database/GroupWriter.ts"

/** A statement recorder: each group written, in order; fails a group holding a "bad" row. */
const recorder = () => {
  const groups: Array<ReadonlyArray<string>> = []
  const writeRows = (rows: ReadonlyArray<string>) =>
    rows.includes("bad") ? Effect.fail(`group of ${rows.length} refused`) : Effect.sync(() => void groups.push([...rows]))
  return { groups, writeRows }
}

describe("GroupWriter", () => {
  it.effect("writes concurrently handed-over rows in few statements, each caller resumed after its write", () =>
    Effect.gen(function*() {
      const { groups, writeRows } = recorder()
      const writer = yield* GroupWriter.make({ name: "test", maxRows: 1_000, writeRows })
      const rows = Array.from({ length: 200 }, (_, i) => `r${i}`)
      yield* Effect.forEach(rows, (r) => writer.write(r), { concurrency: "unbounded", discard: true })
      // every row written exactly once, in far fewer statements than rows
      assert.deepStrictEqual(groups.flat().sort(), [...rows].sort())
      assert.isAtMost(groups.length, 10)
    }).pipe(Effect.scoped))

  it.effect("an idle writer writes a lone row at once", () =>
    Effect.gen(function*() {
      const { groups, writeRows } = recorder()
      const writer = yield* GroupWriter.make({ name: "test", maxRows: 1_000, writeRows })
      yield* writer.write("a")
      assert.deepStrictEqual(groups, [["a"]])
      yield* writer.write("b")
      assert.deepStrictEqual(groups, [["a"], ["b"]])
    }).pipe(Effect.scoped))

  it.effect("never writes more than maxRows in one statement", () =>
    Effect.gen(function*() {
      const { groups, writeRows } = recorder()
      const writer = yield* GroupWriter.make({ name: "test", maxRows: 7, writeRows })
      yield* Effect.forEach(Array.from({ length: 50 }, (_, i) => `r${i}`), (r) => writer.write(r), { concurrency: "unbounded", discard: true })
      assert.strictEqual(groups.flat().length, 50)
      assert.isTrue(groups.every((g) => g.length <= 7))
    }).pipe(Effect.scoped))

  it.effect("a failed statement fails exactly the callers whose rows it held", () =>
    Effect.gen(function*() {
      const { groups, writeRows } = recorder()
      const writer = yield* GroupWriter.make({ name: "test", maxRows: 3, writeRows })
      const exits = yield* Effect.forEach(["a", "b", "bad", "c", "d", "e"], (r) => Effect.exit(writer.write(r)), { concurrency: "unbounded" })
      const failed = exits.flatMap((e, i) => (Exit.isFailure(e) ? [i] : []))
      // the rows sharing a statement with "bad" fail with its error; the others are written
      assert.isTrue(failed.includes(2))
      assert.deepStrictEqual(groups.flat().length + failed.length, 6)
      for (const i of failed) assert.notInclude(groups.flat(), ["a", "b", "bad", "c", "d", "e"][i])
      // and the writer goes on
      yield* writer.write("after")
      assert.include(groups.flat(), "after")
    }).pipe(Effect.scoped))

  it.effect("closing the scope writes what is still queued before the callers are let go", () =>
    Effect.gen(function*() {
      const { groups, writeRows } = recorder()
      const gate = yield* Deferred.make<void>()
      const scope = yield* Scope.make()
      // the first statement waits on the gate, so the next rows queue up behind it
      const writer = yield* GroupWriter.make<string, string>({
        name: "test",
        maxRows: 1,
        writeRows: (rows) => (rows[0] === "first" ? Deferred.await(gate) : Effect.void).pipe(Effect.andThen(writeRows(rows)))
      }).pipe(Scope.provide(scope))
      const callers = yield* Effect.forEach(["first", "second", "third"], (r) => Effect.forkChild(writer.write(r)))
      yield* Effect.yieldNow
      const closing = yield* Effect.forkChild(Scope.close(scope, Exit.void))
      yield* Effect.yieldNow
      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.join(closing)
      for (const c of callers) yield* Fiber.join(c)
      assert.deepStrictEqual(groups.flat(), ["first", "second", "third"])
    }))
})
