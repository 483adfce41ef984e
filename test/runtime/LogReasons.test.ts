/**
 * Every warning has a non-empty reason (issue 14, build item 4): the lint rule that checks each
 * warning and error call site in `src/`, the rule each logged line is held to (its reason is not
 * empty), and the audit that holds every test's lines to it (`test/setup.ts`).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, References } from "effect"
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { lint } from "../../scripts/lint.ts"
import * as Logging from "../../src/runtime/Logging.ts"
import { check, takeUnreasoned } from "../support/LogReasons.ts"

const line = (logLevel: "Info" | "Warn" | "Error", message: unknown, annotations: Record<string, unknown> = {}) =>
  Logging.emptyReason({ logLevel, message: [message].flat(), annotations })

describe("every warning has a reason", () => {
  it("npm run lint refuses a warning or error call that names no reason, and accepts each way of naming one", () => {
    const root = mkdtempSync(join(tmpdir(), "arbees-lint-"))
    mkdirSync(join(root, "src"))
    writeFileSync(
      join(root, "src/Bad.ts"),
      [
        'const a = Effect.logWarning("market not routable")',
        'const b = Effect.logError("write dropped").pipe(Effect.annotateLogs({ queue: "q" }))',
        'const c = (stale ? Effect.logWarning : Effect.logInfo)("feed state")',
        "const d = Effect.logWarning(message)",
        'const e = Effect.logFatal("gone").pipe(Effect.annotateLogs({ ...check }))',
        'const ok1 = Effect.logWarning("market not routable").pipe(Effect.annotateLogs({ gameId, reason: t.reason }))',
        'const ok2 = Effect.logError("order placement failed", cause)',
        "const ok3 = Effect.logWarning(`${name} unreachable: ${why}`)",
        'const ok4 = Effect.logWarning("ack failed").pipe(Effect.annotateLogs({ error: e.message }), Effect.asVoid)',
        'const ok5 = Effect.logWarning("ack failed").pipe(Effect.annotateLogs("cause", text))',
        'const ok6 = Effect.logInfo("game tracked")'
      ].join("\n")
    )
    assert.deepStrictEqual(
      lint(root).map((v) => `${v.file}:${v.line}:${v.rule}`),
      [1, 2, 3, 4, 5].map((n) => `src/Bad.ts:${n}:warning-without-reason`)
    )
  })

  it("a logged warning or error whose reason is empty breaks the rule", () => {
    // The line: a reason whose text is missing after its label
    assert.match(line("Warn", "market not routable", { reason: "fee terms unavailable: " })!, /its reason is empty/)
    assert.match(line("Warn", "write dropped", { error: "" })!, /its error is empty/)
    assert.match(line("Error", "x", { cause: "   " })!, /its cause is empty/)
    assert.match(line("Warn", "")!, /the message is empty/)
    assert.match(line("Warn", "ESPN unreachable: ")!, /ends before its reason/)
    assert.match(line("Error", "ESPN unreachable: refused", { reason: "" })!, /its reason is empty/)
    assert.isUndefined(line("Warn", "market not routable", { reason: "fee terms unavailable: HTTP 503" }))
    assert.isUndefined(line("Warn", "ESPN unreachable: connection refused"))
    assert.isUndefined(line("Error", "order placement failed", { error: "boom" }))
    // Below warning, and a library's line that names no reason at all (the lint checks our call sites)
    assert.isUndefined(line("Info", "", { reason: "" }))
    assert.isUndefined(line("Warn", "No healthy runners available"))
  })

  it.effect("the suite's audit catches a warning without a reason, from Effect's default logger and from the app's logging", () =>
    Effect.gen(function*() {
      takeUnreasoned()
      yield* Effect.logWarning("market not routable").pipe(Effect.annotateLogs({ reason: "fee terms unavailable: " }))
      const logging = Logging.layer({ level: "info", format: "json" }, { stderr: true })
      yield* Effect.logError("write dropped").pipe(Effect.annotateLogs({ error: "" }), Effect.provide(logging))
      yield* Effect.logWarning("fine: it says why").pipe(Effect.provide(logging))
      const found = takeUnreasoned()
      assert.strictEqual(found.length, 2, found.join("\n"))
      assert.match(found[0]!, /its reason is empty: "market not routable"/)
      assert.match(found[1]!, /its error is empty: "write dropped"/)
      // What afterEach runs: a test that logs such a line fails
      yield* Effect.logWarning("")
      assert.throws(check, /with an empty reason[\s\S]*the message is empty/)
      assert.deepStrictEqual(takeUnreasoned(), [])
      assert.isTrue((yield* References.CurrentLoggers).size >= 2)
    }))
})
