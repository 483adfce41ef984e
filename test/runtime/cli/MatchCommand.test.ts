import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Cli from "../../support/Cli.ts"

const run = (args: ReadonlyArray<string>) => Effect.promise(() => Cli.run(args, { env: Cli.cleanEnv() }))
const lines = (text: string) => text.split("\n").filter((l) => l.trim().length > 0).map((l) => JSON.parse(l))
const fixture = (name: string) => `/work/shared/fixtures/${name}`

describe("arbees match", () => {
  it.live("prints one JSON line per game of a saved scoreboard", () =>
    Effect.gen(function*() {
      const result = yield* run(["match", "--espn", fixture("espn-mlb-scoreboard-live-and-pregame-odds.json")])
      assert.strictEqual(result.code, 0, result.stderr)
      const out = lines(result.stdout)
      assert.strictEqual(out.length, 15)
      const subway = out.find((l) => l.gameId === "401695596")
      assert.deepStrictEqual(subway.home, { teamId: "10", abbreviation: "NYY", name: "New York Yankees" })
      assert.deepStrictEqual(subway.away, { teamId: "21", abbreviation: "NYM", name: "New York Mets" })
      assert.strictEqual(subway.start, "2025-05-18T23:00:00.000Z")
      // No venue payload given: every game says why it has no market
      assert.deepStrictEqual(subway.kalshi, { status: "unmatched", reason: "no_listing", detail: "no listing names this game" })
      assert.deepStrictEqual(subway.arbitrage, { eligible: false, reasons: ["not matched on both venues"] })
    }))

  it.live("works on every shared scoreboard", () =>
    Effect.gen(function*() {
      const counts: Record<string, number> = {}
      for (
        const f of [
          "espn-nfl-scoreboard-2025wk1-pregame-odds.json",
          "espn-nba-scoreboard-20241215-final.json",
          "espn-nhl-scoreboard-live-ot.json",
          "espn-soccer-eng1-scoreboard-final.json",
          "espn-soccer-usa1-scoreboard-pregame-odds.json",
          "espn-cfb-scoreboard-2025wk1-sec-pregame-odds.json",
          "espn-ncaam-scoreboard-acc-final.json"
        ]
      ) {
        const result = yield* run(["match", "--espn", fixture(f)])
        assert.strictEqual(result.code, 0, `${f}: ${result.stderr}`)
        counts[f] = lines(result.stdout).length
      }
      assert.deepStrictEqual(Object.values(counts), [16, 7, 1, 10, 1, 16, 9])
    }))

  it.live("a file that is not a scoreboard fails with one line and exit code 1", () =>
    Effect.gen(function*() {
      const result = yield* run(["match", "--espn", fixture("polymarket-gamma-tags.json")])
      assert.strictEqual(result.code, 1)
      assert.include(result.stderr, "not a scoreboard of a league arbees follows")
    }))
})
