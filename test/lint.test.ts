import { assert, describe, it } from "@effect/vitest"
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { lint } from "../scripts/lint.ts"

describe("project lint", () => {
  it("finds no banned clock, randomness, console or float-money calls in src/ and migrations/", () => {
    assert.deepStrictEqual(lint(process.cwd()), [])
  })

  it("catches each banned call, and allows the clock only in WallClock.ts", () => {
    const root = mkdtempSync(join(tmpdir(), "arbees-lint-"))
    mkdirSync(join(root, "src/runtime"), { recursive: true })
    writeFileSync(
      join(root, "src/bad.ts"),
      ["const a = Date.now()", "const b = new Date()", "const c = Math.random()", "console.log(a)", "const d = (1.5).toFixed(2)", "const e = new Date(0) // fine", "const f = Clock.currentTimeMillis"].join("\n")
    )
    writeFileSync(join(root, "src/runtime/WallClock.ts"), "export const now = () => Date.now()\n")
    const rules = lint(root).map((v) => `${v.file}:${v.line}:${v.rule}`)
    assert.deepStrictEqual(rules, [
      "src/bad.ts:1:no-date-now",
      "src/bad.ts:2:no-new-date-without-argument",
      "src/bad.ts:3:no-math-random",
      "src/bad.ts:4:no-console",
      "src/bad.ts:5:no-float-money",
      "src/bad.ts:7:no-raw-clock-millis"
    ])
  })

  it("catches an import from a higher layer and allows one from a lower layer", () => {
    const root = mkdtempSync(join(tmpdir(), "arbees-lint-"))
    mkdirSync(join(root, "src/services/bus"), { recursive: true })
    writeFileSync(
      join(root, "src/services/bus/Thing.ts"),
      ['import { a } from "../../runtime/App.ts"', 'import { b } from "../../schema/Money.ts"', 'export { c } from "../../actors/Risk.ts"', 'import { d } from "../Time.ts"'].join("\n")
    )
    const rules = lint(root).map((v) => `${v.file}:${v.line}:${v.rule}`)
    assert.deepStrictEqual(rules, ["src/services/bus/Thing.ts:1:no-upward-import", "src/services/bus/Thing.ts:3:no-upward-import"])
  })
})
