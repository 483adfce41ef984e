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

      // A game's teams and markets under its node; another node's detail objects are not listed
      game.details["game"] = "Boston Celtics at New York Knicks (nba)"
      game.details["markets"] = ["kalshi KXNBAGAME-X-NYK/yes = home", "polymarket 0xab…/Knicks = home"]
      const feed = yield* diagnostics.register({ id: "feed:kalshi", kind: "service" })
      feed.details["markets"] = [{ ticker: "KXNBAGAME-X-NYK", live: true }]
      const lines = formatTree(yield* diagnostics.snapshot).split("\n")
      const at = lines.findIndex((l) => l.includes("game:401 ["))
      assert.deepStrictEqual(lines.slice(at + 1, at + 4).map((l) => l.trim()), [
        "game Boston Celtics at New York Knicks (nba)",
        "market kalshi KXNBAGAME-X-NYK/yes = home",
        "market polymarket 0xab…/Knicks = home"
      ])
      assert.notInclude(lines.join("\n"), "[object Object]")
    }).pipe(Effect.provide(Diagnostics.layer)))
})
