/**
 * `arbees eval winprob --recorded`: the live record in `game_states` (a fresh Postgres database,
 * written as the game actor writes it) scored per league, with the figures checked against values
 * worked out by hand below, and the table against the JSON.
 */
import { assert, describe, it } from "@effect/vitest"
import { PgClient } from "@effect/sql-pg"
import { Effect, Redacted } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import { join } from "node:path"
import type { GameState } from "../../../src/schema/GameState.ts"
import type { GameId } from "../../../src/schema/Ids.ts"
import type { Sport } from "../../../src/schema/Sport.ts"
import * as Cli from "../../support/Cli.ts"
import { runCli } from "../../support/CliInProcess.ts"
import { createDatabase } from "../../support/TestDatabase.ts"
import { stateOf } from "../../domain/winprob/States.ts"

interface Row {
  readonly status?: GameState["status"]
  readonly period: number
  readonly overtime?: boolean
  readonly model: number | null
  readonly espn?: number
  readonly prior?: string
  readonly result?: GameState["result"]
}

const DAY = Date.parse("2026-11-02T00:00:00Z")

/** One game's rows, a minute apart from `start`, each with its whole state as the actor stores it. */
const gameRows = (gameId: string, sport: Sport, start: number, rows: ReadonlyArray<Row>) =>
  rows.map((r, i) => {
    const observedAt = start + i * 60_000
    const state = stateOf(sport, r.result?.homeScore ?? 0, r.result?.awayScore ?? 0, {
      gameId: gameId as GameId,
      status: r.status ?? "in_progress",
      period: r.period,
      overtime: r.overtime ?? false,
      observedAt,
      ...(r.result === undefined ? {} : { result: r.result }),
      ...(r.espn === undefined ? {} : { espnHomeProbability: r.espn as never })
    })
    return { gameId, observedAt, state, model: r.model, espn: r.espn ?? null, prior: r.prior ?? "moneyline" }
  })

const final = (winner: "home" | "away" | "draw", period: number): Row => ({
  status: "final",
  period,
  model: winner === "home" ? 0.99 : 0.01,
  result: { winner, homeScore: winner === "away" ? 90 : 100, awayScore: winner === "home" ? 90 : 100 }
})

const record = [
  // NBA, home wins: a pre-game row and an in-play row without our probability are left out
  ...gameRows("nba-1", "nba", DAY, [
    { status: "scheduled", period: 0, model: 0.55 },
    { period: 1, model: 0.6, espn: 0.5 },
    { period: 2, model: 0.7, espn: 0.8 },
    { status: "halftime", period: 2, model: 0.7 },
    { period: 4, model: 0.99, espn: 0.999, prior: "market" },
    { period: 4, model: null, espn: 0.999 },
    final("home", 4)
  ]),
  // NBA, away wins
  ...gameRows("nba-2", "nba", DAY + 3_600_000, [
    { period: 1, model: 0.4, espn: 0.45, prior: "spread" },
    { period: 3, model: 0.2, espn: 0.1, prior: "spread" },
    { period: 4, model: 0.01, espn: 0.02, prior: "spread" },
    final("away", 4)
  ]),
  // NBA, never finished: skipped
  ...gameRows("nba-3", "nba", DAY + 7_200_000, [{ period: 1, model: 0.5, espn: 0.5 }, { period: 2, model: 0.6, espn: 0.6 }]),
  // NHL, home wins in overtime; ESPN's probability on one state only
  ...gameRows("nhl-1", "nhl", DAY, [
    { period: 1, model: 0.5, prior: "elo" },
    { period: 3, model: 0.6, espn: 0.65, prior: "elo" },
    { period: 4, overtime: true, model: 0.55, prior: "elo" },
    final("home", 4)
  ]),
  // Premier League, a draw: not a home win
  ...gameRows("epl-1", "soccer", DAY, [
    { period: 1, model: 0.45, espn: 0.4 },
    { period: 2, model: 0.3, espn: 0.35 },
    final("draw", 2)
  ]),
  // NBA, finished before --since
  ...gameRows("nba-0", "nba", DAY - 3 * 86_400_000, [{ period: 1, model: 0.5, espn: 0.5 }, final("home", 4)]),
  // A state of a league arbees does not know: it does not decode, and is counted
  ...gameRows("xfl-1", "nfl", DAY, [{ period: 1, model: 0.5 }]).map((r) => ({ ...r, state: { ...r.state, league: "xfl" as never } }))
]

const insert = (url: string) =>
  Effect.gen(function*() {
    const sql = yield* PgClient.PgClient
    for (const r of record) {
      const s = r.state
      yield* sql`INSERT INTO game_states (game_id, observed_at, status, period, seconds_remaining, home_score, away_score, possession, model_home_prob, model_draw_prob,
                                          model_prior_source, model_prior_detail, espn_home_prob, state)
                 VALUES (${r.gameId}, to_timestamp(${r.observedAt / 1000}), ${s.status}, ${s.period}, ${null}, ${s.home.score}, ${s.away.score}, ${null}, ${r.model}, ${null},
                         ${r.model === null ? null : r.prior}, ${null}, ${r.espn}, ${JSON.stringify(s)}::jsonb)`
    }
  }).pipe(Effect.provide(PgClient.layer({ url: Redacted.make(url), maxConnections: 1 })))

const brier = (pairs: ReadonlyArray<readonly [number, number]>) => pairs.reduce((a, [p, y]) => a + (p - y) ** 2, 0) / pairs.length
/** As the JSON prints it: 6 decimals */
const six = (x: number) => Math.round(x * 1e6) / 1e6
const nonEmpty = (text: string) => text.split("\n").filter((l) => l.trim().length > 0)

describe("eval winprob --recorded", () => {
  it.live("scores every finished game of the record per league against ESPN, and skips the unfinished one", () =>
    Effect.gen(function*() {
      const url = yield* createDatabase
      const env = { DATABASE_URL: url }
      assert.strictEqual((yield* runCli(["migrate"], env)).code, 0)
      yield* insert(url)
      const json = yield* runCli(["eval", "winprob", "--recorded", "--since", "2026-11-02", "--json"], env)
      assert.strictEqual(json.code, 0, json.stderr)
      const { recorded } = JSON.parse(json.stdout)

      assert.deepStrictEqual(recorded.selection, { since: "2026-11-02", leagues: [] })
      assert.strictEqual(recorded.rejectedRows.rows, 1)
      assert.match(recorded.rejectedRows.examples[0], /^game xfl-1 at 1793577600000: Expected "nfl" \| .* at \["league"\]$/)
      assert.strictEqual(recorded.games, 4)
      assert.deepStrictEqual(recorded.skipped, [{ reason: "no final state", league: "nba", games: 1 }])
      // nba-1's pre-game row; its in-play row without our probability
      assert.deepStrictEqual(recorded.leftOut, { notInPlay: 1, withoutModel: 1 })
      assert.deepStrictEqual(recorded.leagues.map((l: any) => l.league), ["epl", "nba", "nhl"])
      const [epl, nba, nhl] = recorded.leagues

      // NBA: 7 scored states (4 + 3), 6 with ESPN (the halftime row has none)
      assert.deepStrictEqual([nba.games, nba.states, nba.statesWithEspn], [2, 7, 6])
      assert.deepStrictEqual(nba.priors, { moneyline: 1, spread: 1 })
      assert.strictEqual(nba.priorChanged, 1)
      assert.deepStrictEqual([nba.from, nba.to], ["2026-11-02T00:01:00.000Z", "2026-11-02T01:02:00.000Z"])
      // Ours: home won nba-1 (0.6, 0.7, 0.99), away nba-2 (0.4, 0.2, 0.01):
      // 0.16 + 0.09 + 0.0001 + 0.16 + 0.04 + 0.0001 = 0.4502 over 6
      // ESPN: 0.25 + 0.04 + 0.000001 + 0.2025 + 0.01 + 0.0004 = 0.502901 over 6
      assert.deepStrictEqual([nba.pooled.games, nba.pooled.states], [2, 6])
      assert.strictEqual(nba.pooled.ours.value, six(0.4502 / 6))
      assert.strictEqual(nba.pooled.espn.value, six(0.502901 / 6))
      assert.strictEqual(nba.pooled.ratio.value, six(0.4502 / 0.502901))
      assert.strictEqual(nba.pooled.ours.value, six(brier([[0.6, 1], [0.7, 1], [0.99, 1], [0.4, 0], [0.2, 0], [0.01, 0]])))
      assert.isAtMost(nba.pooled.ratio.lower, nba.pooled.ratio.value)
      assert.isAtLeast(nba.pooled.ratio.upper, nba.pooled.ratio.value)
      assert.deepStrictEqual(nba.phases.map((p: any) => [p.phase, p.games, p.states]), [["Q1", 2, 2], ["Q2", 1, 1], ["Q3", 1, 1], ["Q4", 2, 2]])
      assert.strictEqual(nba.phases[0].ours.value, six((0.16 + 0.16) / 2))
      assert.strictEqual(nba.phases[0].espn.value, six((0.25 + 0.2025) / 2))
      // Tails: ours put nba-2's last state at 0.01 (home lost) and nba-1's at 0.99 (home won);
      // ESPN's 0.02 is not in its low tail, its 0.999 is in its high one
      assert.deepStrictEqual([nba.tails.ours.low.count, nba.tails.ours.low.unlikelyWon, nba.tails.ours.low.games], [1, 0, 1])
      assert.deepStrictEqual([nba.tails.ours.high.count, nba.tails.ours.high.unlikelyWon, nba.tails.ours.high.games], [1, 0, 1])
      assert.deepStrictEqual([nba.tails.espn.low.count, nba.tails.espn.high.count], [0, 1])
      assert.deepStrictEqual(nba.certainStates, { ours: 0, espn: 0 })
      assert.isUndefined(nba.inGame)
      assert.isTrue(nba.calibrationError.ours > 0 && nba.calibrationError.noiseFloor > 0)

      // NHL: three states, ESPN's on one (0.65 against our 0.6, home won)
      assert.deepStrictEqual([nhl.games, nhl.states, nhl.statesWithEspn, nhl.pooled.states], [1, 3, 1, 1])
      assert.deepStrictEqual(nhl.phases.map((p: any) => [p.phase, p.states]), [["P1", 0], ["P3", 1], ["OT", 0]])
      assert.deepStrictEqual([nhl.pooled.ours.value, nhl.pooled.espn.value, nhl.pooled.ratio.value], [six(0.16), six(0.1225), six(0.16 / 0.1225)])
      assert.deepStrictEqual(nhl.priors, { elo: 1 })
      // Ours alone on all three in-play states, ESPN's or not: 0.25 + 0.16 + 0.2025
      assert.deepStrictEqual([nhl.everyState.games, nhl.everyState.states, nhl.everyState.brier.value], [1, 3, six(0.6125 / 3)])

      // Premier League: a draw is not a home win (y = 0); phases are halves
      assert.deepStrictEqual(epl.phases.map((p: any) => p.phase), ["H1", "H2"])
      assert.deepStrictEqual([epl.pooled.ours.value, epl.pooled.espn.value, epl.pooled.ratio.value], [six((0.2025 + 0.09) / 2), six((0.16 + 0.1225) / 2), six(0.2925 / 0.2825)])

      const table = yield* runCli(["eval", "winprob", "--recorded", "--since", "2026-11-02", "--table"], env)
      assert.strictEqual(table.code, 0, table.stderr)
      const rows = nonEmpty(table.stdout)
      assert.match(rows[0]!, /^recorded game states in 127\.0\.0\.1:5432\/arbees_test_\w+, games first recorded since 2026-11-02; 1 rows did not decode \(game xfl-1 at 1793577600000: .*\)$/)
      assert.strictEqual(rows[1], "4 finished games evaluated; skipped 1 game: no final state (nba 1); states left out: 1 not in play, 1 without a model probability")
      assert.include(rows, "nba  2026-11-02 00:01 to 2026-11-02 01:02 UTC  games 2  states 7 (6 with ESPN)  priors moneyline:1 spread:1  (1 game changed prior)")
      const four = (x: number, d = 4) => x.toFixed(d)
      const all = rows.filter((r) => r.trim().startsWith("all "))
      assert.strictEqual(all.length, 3)
      const nbaAll = all[1]!.trim().split(/\s+/)
      assert.deepStrictEqual(nbaAll.slice(0, 4), ["all", "2", "6", four(nba.pooled.ours.value)])
      assert.strictEqual(nbaAll[6], four(nba.pooled.espn.value))
      assert.strictEqual(nbaAll[9], four(nba.pooled.ratio.value, 3))
      assert.include(rows, "  tails ≤1%: ours 0/1 in 1 games (0.00% [0.00, 0.00])  ESPN 0/0")
      // Phases with no state ESPN scored have no row, and there is no in-game-model-alone line
      assert.isFalse(rows.some((r) => /^\s+(P1|OT)\s/.test(r)), table.stdout)
      assert.notInclude(table.stdout, "in-game model alone")
      assert.notInclude(table.stdout, "NaN")

      // --league keeps that league only
      const hockey = JSON.parse((yield* runCli(["eval", "winprob", "--recorded", "--league", "nhl", "--json"], env)).stdout).recorded
      assert.deepStrictEqual([hockey.games, hockey.leagues.map((l: any) => l.league), hockey.skipped], [1, ["nhl"], []])
      // Without --since the game finished before it counts too
      const everything = JSON.parse((yield* runCli(["eval", "winprob", "--recorded", "--json"], env)).stdout).recorded
      assert.deepStrictEqual([everything.games, everything.leagues[1].games], [5, 3])
      const bad = yield* runCli(["eval", "winprob", "--recorded", "--since", "2026-02-30"], env)
      assert.strictEqual(bad.code, 1)
      assert.include(bad.stderr, "--since must be a day, YYYY-MM-DD, was 2026-02-30")
    }).pipe(Effect.scoped, Effect.provide(Reactivity.layer)), 120_000)

  it.live("with no DATABASE_URL it reads the embedded database: a fresh one has no game", () =>
    Effect.gen(function*() {
      const dataDir = join(Cli.tempDir(), ".arbees")
      const json = yield* runCli(["--data-dir", dataDir, "eval", "winprob", "--recorded", "--json"])
      assert.strictEqual(json.code, 0, json.stderr)
      const { recorded } = JSON.parse(json.stdout)
      assert.deepStrictEqual([recorded.database, recorded.games, recorded.leagues, recorded.skipped], [dataDir, 0, [], []])
      const table = yield* runCli(["--data-dir", dataDir, "eval", "winprob", "--recorded", "--table"])
      assert.deepStrictEqual(nonEmpty(table.stdout), [
        `recorded game states in ${dataDir}; 0 rows did not decode`,
        "0 finished games evaluated; skipped 0 games; states left out: 0 not in play, 0 without a model probability"
      ])
    }), 120_000)
})
