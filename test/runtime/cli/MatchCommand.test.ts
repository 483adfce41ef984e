import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import * as Cli from "../../support/Cli.ts"
import { runCli } from "../../support/CliInProcess.ts"
import { fixturesDir, labels } from "../../support/MatchingFixtures.ts"

const run = (args: ReadonlyArray<string>) => runCli(args)
const lines = (text: string) => text.split("\n").filter((l) => l.trim().length > 0).map((l) => JSON.parse(l))
const fixture = (name: string) => `/work/shared/fixtures/${name}`
const kalshiFile = join(fixturesDir, "kalshi-events.json")
const gammaFile = join(fixturesDir, "gamma-events.json")
const readJson = (path: string): any => JSON.parse(readFileSync(path, "utf8"))
const writeJson = (value: unknown): string => {
  const file = join(Cli.tempDir(), "payload.json")
  writeFileSync(file, JSON.stringify(value))
  return file
}
const status = (venue: { status: string; reason?: string }) => (venue.status === "matched" ? "matched" : venue.reason!)

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

  it.live("matches a scoreboard against saved Kalshi /events and Gamma /events payloads", () =>
    Effect.gen(function*() {
      const result = yield* run(["match", "--espn", fixture("espn-nba-scoreboard-20241215-final.json"), "--kalshi", kalshiFile, "--polymarket", gammaFile])
      assert.strictEqual(result.code, 0, result.stderr)
      assert.strictEqual(result.stderr, "")
      const out = lines(result.stdout)
      assert.strictEqual(out.length, 7)
      const knicks = out.find((l) => l.gameId === "401737902")
      assert.strictEqual(knicks.kalshi.status, "matched")
      assert.strictEqual(knicks.kalshi.method, "deterministic")
      assert.strictEqual(knicks.kalshi.confidence, 1)
      assert.strictEqual(knicks.kalshi.eventId, "KXNBAGAME-24DEC15NYKORL")
      assert.deepStrictEqual(
        knicks.kalshi.markets.map((m: any) => [m.marketId, m.outcomes.map((o: any) => `${o.outcomeId}:${o.meaning}`)]),
        [
          ["KXNBAGAME-24DEC15NYKORL-NYK", ["yes:away_win", "no:not_away_win"]],
          ["KXNBAGAME-24DEC15NYKORL-ORL", ["yes:home_win", "no:not_home_win"]]
        ]
      )
      assert.strictEqual(knicks.polymarket.eventId, "900031")
      assert.deepStrictEqual(knicks.polymarket.markets.map((m: any) => m.outcomes.map((o: any) => `${o.label}:${o.meaning}`)), [["Knicks:away_win", "Magic:home_win"]])
      assert.strictEqual(knicks.polymarket.markets[0].outcomes[0].outcomeId, "89330320579641536813555913739515671365894771772293077060468321851096678959826")
      // The venues' void rules differ (fair price vs 50-50): never an arbitrage pair
      assert.deepStrictEqual(knicks.arbitrage, { eligible: false, reasons: ["void differs: fair_price vs fifty_fifty"] })
      // Two Gamma listings (the real one and a fuzzy-scenario twin) name Grizzlies at Lakers: neither is used
      const lakers = out.find((l) => l.gameId === "401736814")
      assert.deepStrictEqual(lakers.polymarket, { status: "unmatched", reason: "conflicting_listings", detail: "2 listings match: 900035, 990021" })
      assert.strictEqual(lakers.kalshi.eventId, "KXNBAGAME-24DEC15MEMLAL")
    }))

  it.live("matches every shared scoreboard against the venue-format listings of its games", () =>
    Effect.gen(function*() {
      // The evaluation set without its fuzzy scenarios (twins of real listings, meant to be matched alone)
      const { notes } = labels()
      const fuzzy = (platform: "kalshi" | "polymarket", id: string) => notes[platform][id]?.startsWith("fuzzy") === true
      const kalshi = readJson(kalshiFile)
      kalshi.events = kalshi.events.filter((e: any) => !fuzzy("kalshi", e.event_ticker))
      const gamma = readJson(gammaFile).filter((e: any) => !fuzzy("polymarket", e.id))
      const kalshiPath = writeJson(kalshi)
      const gammaPath = writeJson(gamma)
      const table: Record<string, Record<string, number>> = {}
      for (
        const f of [
          "espn-nfl-scoreboard-2025wk1-pregame-odds.json",
          "espn-nfl-scoreboard-20241215-final.json",
          "espn-nba-scoreboard-20241215-final.json",
          "espn-nba-scoreboard-single-final.json",
          "espn-mlb-scoreboard-live-and-pregame-odds.json",
          "espn-nhl-scoreboard-live-ot.json",
          "espn-nhl-scoreboard-final.json",
          "espn-soccer-eng1-scoreboard-final.json",
          "espn-soccer-usa1-scoreboard-pregame-odds.json",
          "espn-cfb-scoreboard-2025wk1-sec-pregame-odds.json",
          "espn-ncaam-scoreboard-acc-final.json"
        ]
      ) {
        const result = yield* run(["match", "--espn", fixture(f), "--kalshi", kalshiPath, "--polymarket", gammaPath])
        assert.strictEqual(result.code, 0, `${f}: ${result.stderr}`)
        assert.strictEqual(result.stderr, "", f)
        const counts: Record<string, number> = {}
        for (const l of lines(result.stdout)) {
          for (const key of [`kalshi ${status(l.kalshi)}`, `polymarket ${status(l.polymarket)}`]) counts[key] = (counts[key] ?? 0) + 1
        }
        table[f.replace(/^espn-|\.json$/g, "")] = counts
      }
      const both = (n: number) => ({ "kalshi matched": n, "polymarket matched": n })
      assert.deepStrictEqual(table, {
        "nfl-scoreboard-2025wk1-pregame-odds": both(16),
        "nfl-scoreboard-20241215-final": both(13),
        "nba-scoreboard-20241215-final": both(7),
        "nba-scoreboard-single-final": both(1),
        // The evaluation set's Mets–Yankees doubleheader has a dateless listing too; on the real
        // scoreboard (one game) it and the timed listing both fit, so neither is used
        "mlb-scoreboard-live-and-pregame-odds": {
          "kalshi matched": 14,
          "kalshi conflicting_listings": 1,
          "polymarket matched": 14,
          "polymarket conflicting_listings": 1
        },
        "nhl-scoreboard-live-ot": both(1),
        "nhl-scoreboard-final": both(1),
        "soccer-eng1-scoreboard-final": both(10),
        "soccer-usa1-scoreboard-pregame-odds": both(1),
        "cfb-scoreboard-2025wk1-sec-pregame-odds": both(16),
        "ncaam-scoreboard-acc-final": both(9)
      })
    }))

  it.live("reads a Kalshi /markets response as well", () =>
    Effect.gen(function*() {
      const markets = { markets: readJson(kalshiFile).events.flatMap((e: any) => e.markets), cursor: "" }
      const result = yield* run(["match", "--espn", fixture("espn-nfl-scoreboard-20241215-final.json"), "--kalshi", writeJson(markets)])
      assert.strictEqual(result.code, 0, result.stderr)
      const out = lines(result.stdout)
      assert.deepStrictEqual(out.map((l) => status(l.kalshi)), new Array(13).fill("matched"))
      const chiefs = out.find((l) => l.kalshi.eventId === "KXNFLGAME-24DEC15KCCLE")
      assert.deepStrictEqual(chiefs.kalshi.markets.map((m: any) => [m.marketId, m.outcomes[0].meaning]), [
        ["KXNFLGAME-24DEC15KCCLE-KC", "away_win"],
        ["KXNFLGAME-24DEC15KCCLE-CLE", "home_win"]
      ])
      assert.strictEqual(chiefs.polymarket.reason, "no_listing")
    }))

  it.live("a listing that does not decode is reported on stderr and the others are matched", () =>
    Effect.gen(function*() {
      const kalshi = readJson(kalshiFile)
      const knicks = kalshi.events.find((e: any) => e.event_ticker === "KXNBAGAME-24DEC15NYKORL")
      knicks.markets[0].yes_ask_dollars = "forty-seven cents"
      const gamma = readJson(gammaFile)
      delete gamma.find((e: any) => e.id === "900029").markets[0].clobTokenIds
      const kalshiPath = writeJson(kalshi)
      const gammaPath = writeJson(gamma)
      const result = yield* run(["match", "--espn", fixture("espn-nba-scoreboard-20241215-final.json"), "--kalshi", kalshiPath, "--polymarket", gammaPath])
      assert.strictEqual(result.code, 0, result.stderr)
      const errors = result.stderr.trim().split("\n")
      assert.strictEqual(errors.length, 2, result.stderr)
      assert.match(errors[0]!, new RegExp(`^arbees: ${kalshiPath}: kalshi listing KXNBAGAME-24DEC15NYKORL-NYK skipped: event KXNBAGAME-24DEC15NYKORL market KXNBAGAME-24DEC15NYKORL-NYK: .*yes_ask_dollars`))
      assert.match(errors[1]!, new RegExp(`^arbees: ${gammaPath}: polymarket listing 0x[0-9a-f]{64} skipped: event 900029 market \\d+: no clobTokenIds`))
      const out = lines(result.stdout)
      const knicksGame = out.find((l) => l.gameId === "401737902")
      // Only the bad market is dropped: the event's other market still matches the game
      assert.strictEqual(knicksGame.kalshi.status, "matched")
      assert.strictEqual(knicksGame.polymarket.status, "matched")
      // Pelicans at Pacers lost its only moneyline market: the event is rejected, the game says why
      const pelicans = out.find((l) => l.gameId === "401736810")
      assert.strictEqual(pelicans.kalshi.status, "matched")
      assert.strictEqual(pelicans.polymarket.status, "unmatched")
      assert.deepStrictEqual(out.filter((l) => l.kalshi.status === "matched").length, 7)
    }))

  it.live("reads the recorded Gamma events and fails on a payload of the wrong venue", () =>
    Effect.gen(function*() {
      const recorded = yield* run([
        "match",
        "--espn",
        fixture("espn-nba-scoreboard-single-final.json"),
        "--polymarket",
        fixture("polymarket-gamma-events-sports-mlp-2026-08.json")
      ])
      assert.strictEqual(recorded.code, 0, recorded.stderr)
      assert.strictEqual(recorded.stderr, "")
      assert.deepStrictEqual(lines(recorded.stdout).map((l) => l.polymarket.reason), ["no_listing"])
      const wrong = yield* run(["match", "--espn", fixture("espn-nba-scoreboard-single-final.json"), "--kalshi", gammaFile])
      assert.strictEqual(wrong.code, 1)
      assert.include(wrong.stderr, `${gammaFile}: not a Kalshi /events or /markets response`)
      const notJson = yield* run(["match", "--espn", fixture("espn-nba-scoreboard-single-final.json"), "--polymarket", fixture("kalshi-ws-trade-2026-02.jsonl")])
      assert.strictEqual(notJson.code, 1)
      assert.include(notJson.stderr, "is not JSON")
    }))
})
