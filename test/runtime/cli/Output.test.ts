/**
 * CLI output for people and scripts (issue 14, item 7): `match` and `inspect kalshi-ws` print a
 * table (on a terminal, or with `--table`) or JSON lines (`--json`, or off a terminal) with the
 * same figures; a missing or unreadable input file is one line on stderr and exit 1, never the
 * help; an `inspect` of a capture that yields no book says why.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import * as Cli from "../../support/Cli.ts"
import { runCli } from "../../support/CliInProcess.ts"
import { fixturesDir } from "../../support/MatchingFixtures.ts"

const fixture = (name: string) => `/work/shared/fixtures/${name}`
const nonEmpty = (text: string) => text.split("\n").filter((l) => l.trim().length > 0)
const jsonLines = (text: string): Array<any> => nonEmpty(text).map((l) => JSON.parse(l))

describe("CLI output", () => {
  it.live("match: the table and the JSON lines show the same games, markets and confidences", () =>
    Effect.gen(function*() {
      const args = ["match", "--espn", fixture("espn-mlb-scoreboard-live-and-pregame-odds.json"), "--kalshi", join(fixturesDir, "kalshi-events.json"), "--polymarket", join(fixturesDir, "gamma-events.json")]
      const json = yield* runCli([...args, "--json"])
      const table = yield* runCli([...args, "--table"])
      assert.strictEqual(json.code, 0, json.stderr)
      assert.strictEqual(table.code, 0, table.stderr)
      const games = jsonLines(json.stdout)
      const rows = nonEmpty(table.stdout)
      assert.match(rows[0]!, /^GAME\s+LEAGUE\s+START \(UTC\)\s+AWAY @ HOME\s+KALSHI\s+POLYMARKET$/)
      // One row per game, then the summary
      assert.strictEqual(rows.length, games.length + 2)
      for (const g of games) {
        const row = rows.find((r) => r.startsWith(`${g.gameId} `))
        assert.isDefined(row, g.gameId)
        assert.include(row!, `${g.away.abbreviation} @ ${g.home.abbreviation}`)
        for (const venue of [g.kalshi, g.polymarket]) {
          assert.include(row!, venue.status === "matched" ? `${venue.eventId} ` : `unmatched: ${venue.reason}`)
          if (venue.status === "matched") assert.include(row!, `(${venue.method}, ${venue.confidence})`)
        }
      }
      const matched = (v: string) => games.filter((g) => g[v].status === "matched").length
      assert.strictEqual(rows.at(-1), `${games.length} games: ${matched("kalshi")} matched on Kalshi, ${matched("polymarket")} on Polymarket`)
      assert.isAbove(matched("kalshi") + matched("polymarket"), 0)
    }))

  it.live("inspect kalshi-ws: the table has the JSON lines' books and prices", () =>
    Effect.gen(function*() {
      const file = fixture("kalshi-ws-orderbook-fp-asyncapi-example.jsonl")
      const json = yield* runCli(["inspect", "kalshi-ws", file, "--json"])
      const table = yield* runCli(["inspect", "kalshi-ws", file, "--table"])
      assert.strictEqual(json.code, 0, json.stderr)
      const books = jsonLines(json.stdout)
      const rows = nonEmpty(table.stdout)
      assert.match(rows[0]!, /^\s*MSG\s+BOOK\s+STATUS\s+BID\s+BID SIZE\s+ASK\s+ASK SIZE\s+PROBLEM$/)
      assert.strictEqual(rows.length, books.length + 1)
      assert.isTrue(books.some((b) => b.status !== undefined))
      books.forEach((b, i) => {
        const cells = rows[i + 1]!.trim().split(/\s+/)
        assert.strictEqual(cells[0], String(b.message))
        if (b.error !== undefined) {
          assert.include(rows[i + 1]!, `${b.error}: ${b.detail}`)
          return
        }
        assert.strictEqual(cells[1], b.market)
        assert.strictEqual(cells[2], b.status)
        assert.deepStrictEqual(cells.slice(3, 7), [b.bestBid, b.bestBidSize, b.bestAsk, b.bestAskSize].map((v) => v ?? "-"))
      })
    }))

  it.live("eval winprob on summaries: the table has the JSON report's Brier scores, per game and pooled", () =>
    Effect.gen(function*() {
      const files = ["espn-nba-summary-401772994.json", "espn-mlb-summary-401472463.json"].map(fixture)
      const args = ["eval", "winprob", ...files.flatMap((f) => ["--summary", f])]
      const json = yield* runCli([...args, "--json"])
      const table = yield* runCli([...args, "--table"])
      assert.strictEqual(json.code, 0, json.stderr)
      assert.strictEqual(table.code, 0, table.stderr)
      const report = JSON.parse(json.stdout).summary
      const rows = nonEmpty(table.stdout)
      assert.match(rows[0]!, /^GAME\s+LEAGUE\s+WINNER\s+STATES\s+BRIER\s+LOG LOSS\s+ESPN BRIER\s+VS ESPN$/)
      assert.strictEqual(rows.length, report.games.length + 2)
      for (const [g, row] of [...report.games.map((g: any, i: number) => [g, rows[i + 1]]), [report.pooled, rows.at(-1)]]) {
        const cells = row.trim().split(/\s+/)
        assert.strictEqual(cells[3], String(g.states))
        assert.strictEqual(cells[4], String(g.ours.brier))
        assert.strictEqual(cells[5], String(g.ours.logLoss))
        assert.strictEqual(cells[6], String(g.vsEspn?.espn?.brier ?? "-"))
      }
      assert.match(rows.at(-1)!, /^\(pooled\)/)
    }))

  it.live("inspect espn-scoreboard: the table has the JSON lines' games, teams, scores and statuses", () =>
    Effect.gen(function*() {
      const file = fixture("espn-nhl-scoreboard-live-ot.json")
      const json = yield* runCli(["inspect", "espn-scoreboard", file, "--json"])
      const table = yield* runCli(["inspect", "espn-scoreboard", file, "--table"])
      assert.strictEqual(table.code, 0, table.stderr)
      const games = jsonLines(json.stdout)
      const rows = nonEmpty(table.stdout)
      assert.strictEqual(rows.length, games.length + 1)
      games.forEach((g, i) => {
        const row = rows[i + 1]!
        assert.isTrue(row.startsWith(`${g.gameId} `))
        assert.include(row, ` ${g.away.abbreviation} `)
        assert.include(row, ` ${g.home.abbreviation} `)
        assert.include(row, ` ${g.status}`)
        if (g.away.score !== undefined) assert.include(row, ` ${g.away.score}-${g.home.score} `)
      })
    }))

  it.live("inspect of a capture that yields no book says why on stderr", () =>
    Effect.gen(function*() {
      const result = yield* runCli(["inspect", "kalshi-ws", fixture("kalshi-ws-ticker-2026-02.jsonl")])
      assert.strictEqual(result.code, 0)
      assert.strictEqual(result.stdout, "")
      const [line, ...more] = nonEmpty(result.stderr)
      assert.deepStrictEqual(more, [])
      assert.match(line!, /^arbees: .*kalshi-ws-ticker-2026-02\.jsonl: no order book: \d+ messages \((\w+ ×\d+(, )?)+\), none a orderbook_snapshot a book starts from$/)
    }))

  it.live("a missing or unreadable file is one line on stderr and exit 1, for every command that reads one", () =>
    Effect.gen(function*() {
      const dir = Cli.tempDir()
      const missing = join(dir, "missing.json")
      const directory = join(dir, "a-directory.json")
      mkdirSync(directory)
      const cases: Array<[ReadonlyArray<string>, string]> = [
        [["inspect", "kalshi-ws", missing], "no such file"],
        [["inspect", "polymarket-ws", missing], "no such file"],
        [["inspect", "espn-scoreboard", missing], "no such file"],
        [["inspect", "espn-summary", missing], "no such file"],
        [["match", "--espn", missing], "no such file"],
        [["eval", "winprob", "--summary", missing], "no such file"],
        [["eval", "winprob", missing], "no such file"],
        [["inspect", "kalshi-ws", directory], "(is a directory, not a file|not a readable file \\(a directory\\?\\))"],
        [["match", "--espn", directory], "(is a directory, not a file|not a readable file \\(a directory\\?\\))"]
      ]
      for (const [args, why] of cases) {
        const result = yield* runCli(args)
        const name = args.join(" ")
        assert.strictEqual(result.code, 1, name)
        assert.strictEqual(result.stdout, "", name)
        const lines = nonEmpty(result.stderr)
        assert.strictEqual(lines.length, 1, `${name}: ${result.stderr}`)
        assert.match(lines[0]!, new RegExp(`^arbees: (.*: )?cannot read ${args.at(-1)!.replace(/[.]/g, "\\.")}: ${why}$`), name)
      }
    }))
})
