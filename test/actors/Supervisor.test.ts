import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Ref } from "effect"
import { TestClock } from "effect/testing"
import { type RestartPolicy, supervise } from "../../src/actors/Supervisor.ts"
import { Diagnostics } from "../../src/services/Diagnostics.ts"

const policy: RestartPolicy = {
  initialBackoff: Duration.millis(200),
  maxBackoff: Duration.seconds(30),
  crashLoopRestarts: 3,
  crashLoopWindow: Duration.seconds(60)
}

describe("supervise", () => {
  it.effect("restarts a defect with backoff, records it, and escalates a crash loop once", () =>
    Effect.gen(function*() {
      const runs = yield* Ref.make(0)
      const escalations = yield* Ref.make(0)
      const actor = Effect.gen(function*() {
        const n = yield* Ref.updateAndGet(runs, (x) => x + 1)
        if (n <= 4) return yield* Effect.die(new Error(`boom ${n}`))
        return "done"
      })
      const diagnostics = yield* Diagnostics
      const fiber = yield* supervise({ id: "game:1", kind: "game", policy, onCrashLoop: Ref.update(escalations, (n) => n + 1) }, actor).pipe(Effect.forkChild)

      // First run fails at once; the restart waits for the backoff (160..240 ms)
      yield* TestClock.adjust("100 millis")
      assert.strictEqual(yield* Ref.get(runs), 1)
      assert.strictEqual(diagnostics.get("game:1")!.status, "backing_off")
      yield* TestClock.adjust("200 millis")
      assert.strictEqual(yield* Ref.get(runs), 2)
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(yield* Fiber.join(fiber), "done")

      const report = diagnostics.get("game:1")!
      assert.strictEqual(yield* Ref.get(runs), 5)
      assert.strictEqual(report.restarts, 4)
      assert.strictEqual(report.lastError?.message, "boom 4")
      assert.strictEqual(yield* Ref.get(escalations), 1)
      assert.strictEqual(report.status, "stopped")
    }).pipe(Effect.provide(Diagnostics.layer)))

  it.effect("catches a thrown exception like a typed failure", () =>
    Effect.gen(function*() {
      const runs = yield* Ref.make(0)
      const actor = Effect.flatMap(Ref.updateAndGet(runs, (x) => x + 1), (n) =>
        Effect.sync(() => {
          if (n === 1) throw new TypeError("cannot read properties of undefined")
          return n
        }))
      const fiber = yield* supervise({ id: "singleton:risk", kind: "singleton", policy }, actor).pipe(Effect.forkChild)
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* Fiber.join(fiber), 2)
    }).pipe(Effect.provide(Diagnostics.layer)))

  it.effect("stops on interruption without restarting", () =>
    Effect.gen(function*() {
      const runs = yield* Ref.make(0)
      const fiber = yield* supervise({ id: "game:2", kind: "game", policy }, Effect.andThen(Ref.update(runs, (n) => n + 1), Effect.never)).pipe(Effect.forkChild)
      yield* TestClock.adjust("1 second")
      yield* Fiber.interrupt(fiber)
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(yield* Ref.get(runs), 1)
      const diagnostics = yield* Diagnostics
      assert.strictEqual(diagnostics.get("game:2")!.status, "stopped")
      assert.strictEqual(diagnostics.get("game:2")!.restarts, 0)
    }).pipe(Effect.provide(Diagnostics.layer)))
})
