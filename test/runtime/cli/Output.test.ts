/**
 * CLI output for people and scripts (issue 14, item 7): `match`, every `inspect`, every
 * `eval winprob` evaluation, `bankroll` and `trading` print a table or summary (on a terminal, or
 * with `--table`) or JSON (`--json`, or off a terminal) with the same figures; a missing or unreadable input file is one line on stderr
 * and exit 1, never the help; an `inspect` of a capture that yields no book says why.
 */
import { assert, describe, it } from "@effect/vitest"
import { PgClient } from "@effect/sql-pg"
import { Effect, Redacted } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { openAccount } from "../../../src/actors/Bankroll.ts"
import type { Micros } from "../../../src/schema/Money.ts"
import * as Cli from "../../support/Cli.ts"
import { runCli } from "../../support/CliInProcess.ts"
import { fixturesDir } from "../../support/MatchingFixtures.ts"
import { createDatabase } from "../../support/TestDatabase.ts"

const fixture = (name: string) => `/work/shared/fixtures/${name}`
const nonEmpty = (text: string) => text.split("\n").filter((l) => l.trim().length > 0)
const jsonLines = (text: string): Array<any> => nonEmpty(text).map((l) => JSON.parse(l))
const cellsOf = (row: string) => row.trim().split(/\s+/)
/** A figure as a table shows it: `-` when the JSON has none */
const shown = (v: unknown) => (v === undefined || v === null ? "-" : String(v))

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

  it.live("inspect espn-summary: the game lines and the play table have the JSON lines' teams, scores, clocks and ESPN probabilities", () =>
    Effect.gen(function*() {
      for (const name of ["espn-nfl-summary-401547417.json", "espn-mlb-summary-401472463.json", "espn-nba-summary-pregame-predictor.json"]) {
        const file = fixture(name)
        const json = yield* runCli(["inspect", "espn-summary", file, "--json"])
        const table = yield* runCli(["inspect", "espn-summary", file, "--table"])
        assert.strictEqual(json.code, 0, json.stderr)
        assert.strictEqual(table.code, 0, table.stderr)
        const [game, ...plays] = jsonLines(json.stdout)
        assert.strictEqual(game.kind, "game")
        const rows = nonEmpty(table.stdout)
        const tie = plays.some((p) => p.espnTieProbability !== undefined)
        assert.strictEqual(rows[0], `${game.gameId}  ${game.league}  ${game.away.abbreviation} @ ${game.home.abbreviation}  ${game.away.score}-${game.home.score}  ${game.status} (${game.detail}${game.result === undefined ? "" : `, ${game.result.winner} win`})  start ${new Date(game.startTime).toISOString().slice(0, 16).replace("T", " ")} UTC`, name)
        assert.isTrue(rows[1]!.startsWith(`${game.plays} plays; ESPN win probability joined ${game.winProbability.matched} of ${game.winProbability.entries} entries`), name)
        if (game.predictor !== undefined) assert.include(rows[1]!, `predictor home ${game.predictor.homeWinProbability}`)
        if (game.pregameOdds?.homeMoneyline !== undefined) assert.include(rows[1]!, `moneyline home ${game.pregameOdds.homeMoneyline}`)
        assert.match(rows[2]!, new RegExp(`^SEQ\\s+PERIOD\\s+CLOCK\\s+AWAY-HOME\\s+POSS\\s+ESPN HOME\\s+${tie ? "ESPN TIE\\s+" : ""}SITUATION\\s+TEXT$`), name)
        assert.strictEqual(rows.length, plays.length + 3, name)
        plays.forEach((p, i) => {
          const clock = p.periodSecondsRemaining === undefined ? "-" : `${Math.floor(p.periodSecondsRemaining / 60)}:${String(p.periodSecondsRemaining % 60).padStart(2, "0")}`
          const expected = [String(p.sequence), `${p.period}${p.overtime ? "OT" : ""}`, clock, `${p.awayScore}-${p.homeScore}`, shown(p.possession), shown(p.espnHomeWinProbability), ...(tie ? [shown(p.espnTieProbability)] : [])]
          assert.deepStrictEqual(cellsOf(rows[i + 3]!).slice(0, expected.length), expected, `${name} play ${i}`)
          assert.isTrue(rows[i + 3]!.endsWith(p.text.trim() === "" ? "-" : p.text.trimEnd()), `${name} play ${i}`)
        })
      }
      // ESPN's probability joined to 186 of the NFL game's plays: 186 rows show one
      const nfl = nonEmpty((yield* runCli(["inspect", "espn-summary", fixture("espn-nfl-summary-401547417.json"), "--table"])).stdout)
      assert.strictEqual(nfl.slice(3).filter((r) => cellsOf(r)[5] !== "-").length, 186)
    }))

  it.live("eval winprob --soccer and --spreads: each table has the JSON report's figures", () =>
    Effect.gen(function*() {
      const data = "/work/shared/data"
      const args = ["eval", "winprob", "--soccer", `${data}/soccer`, "--spreads", `${data}/pregame/profb_nfl_1989_1991_spreads.csv`, "--spreads", `${data}/pregame/pntsprd_ncaab_1994_95_spreads.csv`]
      // Each in its own process: in one process the second run's minute-0 Elo row is now and then
      // 0.167601 against 0.167413 (about 1 run in 20 under vitest, never in a plain node script), a
      // cause not found yet; the figures are pinned below so a fresh process is checked too
      const json = yield* Effect.promise(() => Cli.run([...args, "--json"]))
      const table = yield* Effect.promise(() => Cli.run([...args, "--table"]))
      assert.strictEqual(json.code, 0, json.stderr)
      assert.strictEqual(table.code, 0, table.stderr)
      const report = JSON.parse(json.stdout)
      const [soccer, spreads] = table.stdout.trimEnd().split("\n\n").map(nonEmpty)
      const d = report.soccer.data
      assert.strictEqual(soccer![0], `soccer: ${d.evaluated} matches evaluated of ${d.completeMatches} complete (${d.results} results, ${d.goals} goals, 0 rows rejected); goal model max coefficient difference ${report.soccer.goalModel.maxCoefficientDifference}`)
      assert.strictEqual(d.evaluated, 9483)
      assert.deepStrictEqual(report.soccer.minutes.map((m: any) => m.elo.brier), [0.167413, 0.143733, 0.12568, 0.102841, 0.075831, 0.048067])
      assert.match(soccer![1]!, /^MINUTE\s+PUBLISHED\s+STATE-ONLY BRIER\s+ELO BRIER\s+ELO LOG LOSS\s+ELO\|GOAL BRIER\s+ELO-STATE\s+LOWER 95%\s+UPPER 95%\s+ELO BETTER$/)
      assert.strictEqual(soccer!.length, report.soccer.minutes.length + 2)
      report.soccer.minutes.forEach((m: any, i: number) => {
        assert.deepStrictEqual(cellsOf(soccer![i + 2]!), [m.minute, m.publishedBaselineBrier, m.stateOnly.brier, m.elo.brier, m.elo.logLoss, m.eloGivenAGoal.brier, m.brierDifference.mean, m.brierDifference.lower, m.brierDifference.upper, m.eloBeatsStateOnly ? "yes" : "no"].map(shown))
      })
      assert.match(spreads![0]!, /^FILE\s+SPORT\s+GAMES\s+REJECTED\s+BRIER\s+LOG LOSS\s+CAL ERROR\s+CV BRIER\s+CV LOG LOSS\s+TARGET\s+RESIDUAL SD$/)
      assert.strictEqual(spreads!.length, 3)
      report.spreads.forEach((f: any, i: number) => {
        const p = f.production.scores
        const cv = f.crossValidated.scores
        assert.deepStrictEqual(cellsOf(spreads![i + 1]!), [f.file.split("/").at(-1), f.sport, f.games, f.rejected.length, p.brier, p.logLoss, p.calibrationError, cv.brier, cv.logLoss, f.targetBrier, f.residualSd].map(shown))
      })
      assert.deepStrictEqual(report.spreads.map((f: any) => [f.sport, f.games, f.production.scores.brier]), [["nfl", 672, 0.209408], ["ncaab", 553, 0.158807]])
    }), 120_000)

  it.live("eval winprob --corpus and --fit: the tables have the JSON report's figures", () =>
    Effect.gen(function*() {
      const dir = Cli.tempDir()
      mkdirSync(join(dir, "nfl", "2023"), { recursive: true })
      copyFileSync(fixture("espn-nfl-summary-401547417.json"), join(dir, "nfl", "2023", "401547417.json"))
      const line = { league: "nfl", season: 2023, eventId: "401547417", repository: "fixture", path: "espn-nfl-summary-401547417.json", commit: "0".repeat(40), blob: "0", file: "nfl/2023/401547417.json" }
      writeFileSync(join(dir, "manifest-fixture.jsonl"), JSON.stringify(line) + "\n")
      const corpusJson = yield* runCli(["eval", "winprob", "--corpus", dir, "--json"])
      const corpusTable = yield* runCli(["eval", "winprob", "--corpus", dir, "--table"])
      assert.strictEqual(corpusTable.code, 0, corpusTable.stderr)
      const { corpus } = JSON.parse(corpusJson.stdout)
      const rows = nonEmpty(corpusTable.stdout)
      const [nfl] = corpus.leagues
      assert.strictEqual(rows[0], `nfl  seasons 2023  games ${nfl.games}  states ${nfl.states}  priors none:1`)
      const four = (x: number, d = 4) => x.toFixed(d)
      for (const p of [...nfl.phases, { phase: "all", ...nfl.pooled }]) {
        const row = rows.find((r) => r.trim().startsWith(`${p.phase} `))
        assert.isDefined(row, p.phase)
        assert.deepStrictEqual(cellsOf(row!), [p.phase, String(p.games), String(p.states), four(p.ours.value), `[${four(p.ours.lower)},`, `${four(p.ours.upper)}]`, four(p.espn.value), `[${four(p.espn.lower)},`, `${four(p.espn.upper)}]`, four(p.ratio.value, 3), `[${four(p.ratio.lower, 3)},`, `${four(p.ratio.upper, 3)}]`])
      }
      assert.include(corpusTable.stdout, `calibration error: ours ${four(nfl.calibrationError.ours)}  ESPN ${four(nfl.calibrationError.espn)}`)
      for (const [sport, fit] of Object.entries(corpus.calibration)) assert.include(rows, `calibration ${sport}: ${fit}`)

      const fitJson = yield* runCli(["eval", "winprob", "--corpus", dir, "--season", "2023", "--fit", "--json"])
      const fitTable = yield* runCli(["eval", "winprob", "--corpus", dir, "--season", "2023", "--fit", "--table"])
      assert.strictEqual(fitTable.code, 0, fitTable.stderr)
      const { fit } = JSON.parse(fitJson.stdout)
      const fitRows = nonEmpty(fitTable.stdout)
      assert.strictEqual(fitRows[0], `fit on seasons 2023: ${fit.games} games from 1 manifests (0 manifest lines rejected)`)
      assert.match(fitRows[1]!, /^SPORT:PHASE\s+STATES\s+A\s+B$/)
      const platt = Object.entries(fit.platt) as Array<[string, { states: number; a: number; b: number }]>
      assert.strictEqual(fitRows.length, platt.length + 2)
      assert.strictEqual(platt.length, 3)
      platt.forEach(([key, p], i) => assert.deepStrictEqual(cellsOf(fitRows[i + 2]!), [key, p.states, p.a, p.b].map(shown)))
    }), 120_000)

  it.live("bankroll and trading: the summary and the postings' table have the JSON's balances, state and reason", () =>
    Effect.gen(function*() {
      const data = ["--data-dir", join(Cli.tempDir(), ".arbees")]
      const halt = yield* runCli([...data, "trading", "halt", "--reason", "drill", "--json"])
      assert.strictEqual(halt.code, 0, halt.stderr)
      const state = JSON.parse(halt.stdout)
      const printed = yield* runCli([...data, "trading", "--table"])
      assert.strictEqual(nonEmpty(printed.stdout).join("\n"), `HALTED since ${state.at.slice(0, 19).replace("T", " ")} UTC, set by cli: drill`)
      assert.deepStrictEqual(JSON.parse((yield* runCli([...data, "trading", "--json"])).stdout), state)

      const json = yield* runCli([...data, "bankroll", "--json"])
      const table = yield* runCli([...data, "bankroll", "--table"])
      assert.strictEqual(json.code, 0, json.stderr)
      assert.strictEqual(table.code, 0, table.stderr)
      const r = JSON.parse(json.stdout)
      const rows = nonEmpty(table.stdout)
      assert.deepStrictEqual(rows.slice(0, 3), [
        `account ${r.account}: balance ${r.balance}, reserved ${r.reserved}, available ${r.available}, piggybank ${r.piggybank}`,
        `equity ${r.equity} (peak ${r.peak}, trough ${r.trough}), today's P&L ${r.dailyPnl}`,
        `ledger check: ${r.ledgerCheck} (ledger balance ${r.ledgerBalance})`
      ])
      assert.deepStrictEqual([r.balance, r.ledgerCheck], ["1000.00", "ok"])
      assert.match(rows[4]!, /^ID\s+AT \(UTC\)\s+KIND\s+BUCKET\s+AMOUNT\s+REFERENCE$/)
      assert.strictEqual(rows.length, 5 + r.postings.length)
      r.postings.forEach((p: any, i: number) => {
        assert.deepStrictEqual(cellsOf(rows[5 + i]!).slice(0, 6), [String(p.id), ...p.at.slice(0, 19).split("T"), p.kind, p.bucket, p.amount])
      })
    }), 120_000)

  it.live("bankroll: each other account in one line, and --account shows a live account in full", () =>
    Effect.gen(function*() {
      const url = yield* createDatabase
      const env = { DATABASE_URL: url }
      yield* runCli(["migrate"], env)
      // A live run opens live:<platform> with the venue's balance; open one as it would
      yield* openAccount("live:kalshi", 250_500_000 as Micros).pipe(Effect.provide(PgClient.layer({ url: Redacted.make(url), maxConnections: 1 })))
      const paper = JSON.parse((yield* runCli(["bankroll", "--json"], env)).stdout)
      assert.strictEqual(paper.account, "paper")
      assert.deepStrictEqual(paper.others, [{ account: "live:kalshi", balance: "250.50", available: "250.50", ledgerCheck: "ok" }])
      const table = nonEmpty((yield* runCli(["bankroll", "--table"], env)).stdout)
      assert.strictEqual(table[3], "other account live:kalshi: balance 250.50, available 250.50, ledger check ok")
      const live = yield* runCli(["bankroll", "--account", "live:kalshi", "--json"], env)
      assert.strictEqual(live.code, 0, live.stderr)
      const l = JSON.parse(live.stdout)
      assert.deepStrictEqual([l.account, l.balance, l.ledgerCheck, l.postings.length], ["live:kalshi", "250.50", "ok", 1])
      assert.deepStrictEqual(l.others.map((o: any) => o.account), ["paper"])
      const missing = yield* runCli(["bankroll", "--account", "live:polymarket"], env)
      assert.strictEqual(missing.code, 1)
      assert.include(missing.stderr, "no account live:polymarket; the accounts are live:kalshi, paper")
    }).pipe(Effect.scoped, Effect.provide(Reactivity.layer)), 120_000)

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
