import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { BEGIN, END, referenceTable } from "../scripts/config-reference.ts"

describe("README", () => {
  it("documents every configuration key with its current default", () => {
    const readme = readFileSync("README.md", "utf8")
    const embedded = readme.slice(readme.indexOf(BEGIN) + BEGIN.length, readme.indexOf(END)).trim()
    assert.strictEqual(embedded, referenceTable(), "run `node_modules/.bin/node scripts/config-reference.ts --write`")
  })

  it("gives the two set-up commands, and the forms that run arbees on the pinned Node", () => {
    const readme = readFileSync("README.md", "utf8")
    assert.include(readme, "npm ci && npm start")
    assert.include(readme, "npm test")
    // `node dist/main.js` runs on whatever `node` the shell finds (issue 14): these use node_modules/.bin
    assert.include(readme, "npm start -- config")
    assert.include(readme, "npx arbees inspect")
  })
})
