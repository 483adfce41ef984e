import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { espnFixtures, fixturePath, scoreboardGames } from "../../services/espn/Fixtures.ts"
import * as Cli from "../../support/Cli.ts"
import { runCli } from "../../support/CliInProcess.ts"

const run = (args: ReadonlyArray<string>) => runCli(args)

const jsonLines = (text: string): Array<Record<string, any>> =>
  text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, any>)

describe("arbees inspect (built CLI)", () => {
  it.live("espn-scoreboard prints one game state per line for every scoreboard fixture", () =>
    Effect.gen(function*() {
      const expected = scoreboardGames
      const names = espnFixtures().filter((f) => f.includes("scoreboard"))
      assert.deepStrictEqual(names, Object.keys(expected).sort())
      const results = yield* Effect.forEach(names, (name) => run(["inspect", "espn-scoreboard", fixturePath(name)]), { concurrency: 4 })
      names.forEach((name, i) => {
        const result = results[i]!
        assert.strictEqual(result.code, 0, `${name}: ${result.stderr}`)
        const games = jsonLines(result.stdout)
        assert.strictEqual(games.length, expected[name], name)
        for (const g of games) {
          assert.match(g["gameId"], /^\d+$/)
          assert.isNumber(g["home"]["score"])
          assert.isNumber(g["period"])
        }
      })
      const nhl = jsonLines(results[names.indexOf("espn-nhl-scoreboard-live-ot.json")]!.stdout)[0]!
      assert.deepStrictEqual(
        [nhl["status"], nhl["period"], nhl["overtime"], nhl["secondsRemaining"], nhl["periodSecondsRemaining"], nhl["home"]["abbreviation"], nhl["away"]["abbreviation"]],
        ["in_progress", 4, true, 0, 1029, "EDM", "FLA"]
      )
    }))

  it.live("espn-scoreboard reads tennis, and --league picks the draw", () =>
    Effect.gen(function*() {
      const file = fixturePath("espn-tennis-atp-scoreboard-rg2025-trimmed.json")
      const atp = yield* run(["inspect", "espn-scoreboard", file])
      assert.strictEqual(atp.code, 0, atp.stderr)
      assert.deepStrictEqual(jsonLines(atp.stdout).map((g) => g["gameId"]), ["158610", "158635", "158636", "156736", "156738"])
      const wta = yield* run(["inspect", "espn-scoreboard", "--league", "wta", file])
      assert.strictEqual(wta.code, 0, wta.stderr)
      assert.deepStrictEqual(jsonLines(wta.stdout).map((g) => g["gameId"]), ["158695", "158706"])
    }))

  it.live("espn-summary prints the game, then one line per play with the clock, score and ESPN's win probability", () =>
    Effect.gen(function*() {
      const expected: Record<string, { plays: number; withProbability: number }> = {
        "espn-mlb-summary-401472463.json": { plays: 569, withProbability: 75 },
        "espn-nba-summary-401772994.json": { plays: 472, withProbability: 472 },
        "espn-nba-summary-pregame-predictor.json": { plays: 0, withProbability: 0 },
        "espn-nfl-summary-401547417.json": { plays: 186, withProbability: 186 },
        "espn-nhl-summary-401774292.json": { plays: 367, withProbability: 0 }
      }
      const names = espnFixtures().filter((f) => f.includes("summary"))
      assert.deepStrictEqual(names, Object.keys(expected).sort())
      const results = yield* Effect.forEach(names, (name) => run(["inspect", "espn-summary", fixturePath(name)]), { concurrency: 3 })
      const byName: Record<string, Array<Record<string, any>>> = {}
      names.forEach((name, i) => {
        const result = results[i]!
        assert.strictEqual(result.code, 0, `${name}: ${result.stderr}`)
        const lines = jsonLines(result.stdout)
        assert.strictEqual(lines[0]!["kind"], "game", name)
        const plays = lines.slice(1)
        assert.strictEqual(plays.length, expected[name]!.plays, name)
        assert.isTrue(plays.every((p) => p["kind"] === "play" && typeof p["period"] === "number" && typeof p["homeScore"] === "number" && typeof p["awayScore"] === "number"), name)
        assert.strictEqual(plays.filter((p) => typeof p["espnHomeWinProbability"] === "number").length, expected[name]!.withProbability, name)
        byName[name] = lines
      })
      const nfl = byName["espn-nfl-summary-401547417.json"]!
      assert.deepStrictEqual(nfl[0]!["winProbability"], { entries: 187, matched: 186 })
      assert.deepStrictEqual(nfl[3]!, {
        kind: "play",
        playId: "40154741789",
        sequence: 2,
        status: "in_progress",
        period: 1,
        secondsRemaining: 3593,
        periodSecondsRemaining: 893,
        overtime: false,
        homeScore: 0,
        awayScore: 0,
        possession: "away",
        football: { down: 2, distance: 12, yardsToEndzone: 28 },
        espnHomeWinProbability: 0.4782,
        text: "(Shotgun) A.Dillon right guard to ATL 28 for 3 yards (D.Onyemata; G.Jarrett)."
      })
      const nba = byName["espn-nba-summary-401772994.json"]!
      assert.deepStrictEqual(
        [nba[1]!["secondsRemaining"], nba[1]!["espnHomeWinProbability"], nba[1]!["espnTieProbability"], nba.at(-1)!["status"], nba.at(-1)!["homeScore"], nba.at(-1)!["awayScore"]],
        [2880, 0.57, 0, "final", 125, 108]
      )
      assert.deepStrictEqual(byName["espn-nba-summary-pregame-predictor.json"]![0]!["predictor"], { homeWinProbability: 0.58 })
    }))

  it.live("--full prints each play's whole normalised state", () =>
    Effect.gen(function*() {
      const result = yield* run(["inspect", "espn-summary", "--full", fixturePath("espn-nhl-summary-401774292.json")])
      assert.strictEqual(result.code, 0, result.stderr)
      const plays = jsonLines(result.stdout).slice(1)
      assert.strictEqual(plays.length, 367)
      assert.deepStrictEqual([plays[0]!["state"]["home"]["abbreviation"], plays[0]!["state"]["away"]["abbreviation"], plays[0]!["state"]["periodSecondsRemaining"]], ["CAR", "FLA", 1200])
    }))

  it.live("fails with one line for a missing file, a non-JSON file, an unknown league and the wrong kind of payload", () =>
    Effect.gen(function*() {
      const dir = Cli.tempDir()
      writeFileSync(join(dir, "garbage.json"), "<html>Service Unavailable</html>")
      writeFileSync(join(dir, "golf.json"), JSON.stringify({ leagues: [{ slug: "pga" }], events: [] }))
      const cases: Array<[ReadonlyArray<string>, RegExp]> = [
        [["inspect", "espn-scoreboard", join(dir, "missing.json")], /^arbees: cannot read .*missing\.json/],
        [["inspect", "espn-scoreboard", join(dir, "garbage.json")], /^arbees: .*garbage\.json is not JSON/],
        [["inspect", "espn-summary", join(dir, "golf.json")], /^arbees: cannot tell which league .*golf\.json is for; pass --league/],
        [["inspect", "espn-summary", "--league", "nfl", fixturePath("espn-nfl-scoreboard-20241215-final.json")], /^arbees: .*not a summary/]
      ]
      for (const [args, message] of cases) {
        const result = yield* run(args)
        assert.strictEqual(result.code, 1, args.join(" "))
        assert.strictEqual(result.stdout, "", args.join(" "))
        assert.match(result.stderr.trim().split("\n").at(-1)!, message)
      }
    }))

  it.live("a game that does not decode is reported on stderr; the others are still printed", () =>
    Effect.gen(function*() {
      const dir = Cli.tempDir()
      const json = JSON.parse(readFileSync(fixturePath("espn-nba-scoreboard-20241215-final.json"), "utf8"))
      json.events[1].competitions[0].competitors[0].score = "lots"
      writeFileSync(join(dir, "nba.json"), JSON.stringify(json))
      const result = yield* run(["inspect", "espn-scoreboard", join(dir, "nba.json")])
      assert.strictEqual(result.code, 0, result.stderr)
      assert.strictEqual(jsonLines(result.stdout).length, 6)
      assert.include(result.stderr, "401736811")
      assert.include(result.stderr, "dead letter")
    }))
})
