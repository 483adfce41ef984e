import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { Diagnostics, formatTree } from "../../src/services/Diagnostics.ts"

describe("Diagnostics", () => {
  it.effect("builds the tree with ages from the Clock and counts unclean re-registrations as restarts", () =>
    Effect.gen(function*() {
      const diagnostics = yield* Diagnostics
      yield* diagnostics.register({ id: "runner", kind: "runner" })
      const orchestrator = yield* diagnostics.register({ id: "orchestrator", kind: "orchestrator", parent: "runner" })
      orchestrator.status = "running"
      const game = yield* diagnostics.register({ id: "game:401", kind: "game", parent: "orchestrator" })
      game.status = "running"
      game.mailboxDepth = 2
      game.lastMessageAt = 1_000
      game.espnUpdatedAt = 500
      yield* TestClock.adjust("3 seconds")
      // Re-registered while running: a restart
      yield* diagnostics.register({ id: "game:401", kind: "game", parent: "orchestrator" })
      game.status = "running"
      const tree = yield* diagnostics.snapshot
      const runner = tree.children[0]!
      const node = runner.children[0]!.children[0]!
      assert.strictEqual(node.id, "game:401")
      assert.strictEqual(node.restarts, 1)
      assert.strictEqual(node.mailboxDepth, 2)
      assert.strictEqual(node.lastMessageAgeMs, 2_000)
      assert.strictEqual(node.espnAgeMs, 2_500)
      assert.strictEqual(node.uptimeMs, 0)
      // A passivated node that comes back is not a restart
      game.status = "passivated"
      yield* diagnostics.register({ id: "game:401", kind: "game", parent: "orchestrator" })
      assert.strictEqual(diagnostics.get("game:401")!.restarts, 1)

      const text = formatTree(yield* diagnostics.snapshot)
      assert.deepStrictEqual(text.split("\n").map((l) => l.split(" [")[0]), ["runtime", "└─ runner", "   └─ orchestrator", "      └─ game:401"])
      assert.include(text, "restarts 1")
    }).pipe(Effect.provide(Diagnostics.layer)))
})
