import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { slimSummary } from "../../../src/domain/winprob/eval/CorpusSlim.ts"
import { sharedDir as fixtures } from "../../services/espn/Fixtures.ts"
import * as Cli from "../../support/Cli.ts"
import { runCli } from "../../support/CliInProcess.ts"

const data = join(fixtures, "..", "data")
const summaries = ["nba-summary-401772994", "nfl-summary-401547417", "mlb-summary-401472463", "nhl-summary-401774292"].map((f) => join(fixtures, `espn-${f}.json`))

const run = (args: ReadonlyArray<string>) => runCli(["eval", "winprob", ...args])

interface Scores {
  readonly n: number
  readonly brier: number
  readonly logLoss: number
}

describe("arbees eval winprob", () => {
  it.live("scores the spread files: the prior meets the spread-only baselines", () =>
    Effect.gen(function*() {
      const result = yield* run(["--spreads", join(data, "pregame/profb_nfl_1989_1991_spreads.csv"), "--spreads", join(data, "pregame/pntsprd_ncaab_1994_95_spreads.csv")])
      assert.strictEqual(result.code, 0, result.stderr)
      const out = JSON.parse(result.stdout) as { spreads: ReadonlyArray<{ sport: string; games: number; production: { scores: Scores }; targetBrier: number }> }
      const [nfl, ncaab] = out.spreads
      assert.strictEqual(nfl!.sport, "nfl")
      assert.strictEqual(nfl!.games, 672)
      assert.closeTo(nfl!.production.scores.brier, 0.2094, 5e-5)
      assert.isAtMost(nfl!.production.scores.brier, nfl!.targetBrier)
      assert.strictEqual(ncaab!.games, 553)
      assert.closeTo(ncaab!.production.scores.brier, 0.1588, 5e-5)
      assert.isAtMost(ncaab!.production.scores.brier, ncaab!.targetBrier)
    }))

  it.live("scores the soccer timelines: reproduces the state-only baseline and beats it with Elo at every minute", () =>
    Effect.gen(function*() {
      const result = yield* run(["--soccer", join(data, "soccer")])
      assert.strictEqual(result.code, 0, result.stderr)
      const out = JSON.parse(result.stdout) as {
        soccer: { data: { evaluated: number }; goalModel: { maxCoefficientDifference: number }; minutes: ReadonlyArray<{ minute: number; publishedBaselineBrier: number; stateOnly: Scores; elo: Scores; eloBeatsStateOnly: boolean; brierDifference: { upper: number } }> }
      }
      assert.strictEqual(out.soccer.data.evaluated, 9483)
      // The production goal maps are the walk-forward fit the tool reproduces
      assert.isBelow(out.soccer.goalModel.maxCoefficientDifference, 1e-3)
      for (const m of out.soccer.minutes) {
        assert.closeTo(m.stateOnly.brier, m.publishedBaselineBrier, 0.0006, `minute ${m.minute}`)
        assert.isTrue(m.eloBeatsStateOnly, `minute ${m.minute}`)
        assert.isBelow(m.brierDifference.upper, 0, `minute ${m.minute}: the improvement is beyond resampling noise`)
      }
    }))

  it.live("replays ESPN summaries and compares with ESPN on the same states, deterministically", () =>
    Effect.gen(function*() {
      const first = yield* run(["--summary", summaries[0]!, ...summaries.slice(1)])
      assert.strictEqual(first.code, 0, first.stderr)
      const out = JSON.parse(first.stdout) as {
        probabilityBound: number
        summary: {
          decoding: ReadonlyArray<{ plays: number }>
          games: ReadonlyArray<{ league: string; states: number; prior: { source: string }; vsEspn?: { states: number; espn: Scores; ours: Scores } }>
          pooled: { states: number }
        }
      }
      assert.strictEqual(out.probabilityBound, 0.01)
      assert.deepStrictEqual(out.summary.games.map((g) => g.league), ["nba", "nfl", "mlb", "nhl"])
      assert.deepStrictEqual(out.summary.decoding.map((d) => d.plays), [472, 186, 569, 367])
      assert.deepStrictEqual(out.summary.games.map((g) => g.prior.source), ["none", "none", "moneyline", "none"])
      assert.deepStrictEqual(out.summary.games.map((g) => g.vsEspn?.states), [471, 185, 75, undefined])
      assert.strictEqual(out.summary.pooled.states, 471 + 185 + 568 + 366)
      const again = yield* run(["--summary", summaries[0]!, ...summaries.slice(1)])
      assert.strictEqual(again.stdout, first.stdout)
    }))

  it.live("honours the configured probability bound", () =>
    Effect.gen(function*() {
      const result = yield* runCli(["eval", "winprob", "--set", "model.probabilityBound=0.02", "--summary", summaries[0]!])
      assert.strictEqual(result.code, 0, result.stderr)
      assert.strictEqual((JSON.parse(result.stdout) as { probabilityBound: number }).probabilityBound, 0.02)
    }))

  it.live("fails with a message naming the file when the input is not what it claims", () =>
    Effect.gen(function*() {
      const none = yield* run([])
      assert.notStrictEqual(none.code, 0)
      assert.include(none.stderr, "nothing to evaluate")
      const dir = Cli.tempDir()
      const bogus = join(dir, "bogus.csv")
      writeFileSync(bogus, "a,b\n1,2\n")
      const bad = yield* run(["--spreads", bogus])
      assert.notStrictEqual(bad.code, 0)
      assert.include(bad.stderr, `${bogus}: not a known spread file`)
      const notSummary = join(dir, "x.json")
      writeFileSync(notSummary, "{\"header\":{\"league\":{\"slug\":\"cricket\"}}}")
      const unknown = yield* run(["--summary", notSummary])
      assert.notStrictEqual(unknown.code, 0)
      assert.include(unknown.stderr, `${notSummary}: cannot tell the league`)
    }))

  it.live("scores a corpus per league and phase, with its provenance, and fits the calibration layer", () =>
    Effect.gen(function*() {
      // A one-game corpus laid out as scripts/winprob-corpus.ts writes it
      const dir = Cli.tempDir()
      mkdirSync(join(dir, "nfl", "2023"), { recursive: true })
      copyFileSync(summaries[1]!, join(dir, "nfl", "2023", "401547417.json"))
      const line = { league: "nfl", season: 2023, eventId: "401547417", repository: "fixture", path: "espn-nfl-summary-401547417.json", commit: "0".repeat(40), blob: "0", file: "nfl/2023/401547417.json" }
      writeFileSync(join(dir, "manifest-fixture.jsonl"), JSON.stringify(line) + "\n")
      const result = yield* run(["--corpus", dir, "--json"])
      assert.strictEqual(result.code, 0, result.stderr)
      const out = JSON.parse(result.stdout) as {
        corpus: {
          manifests: ReadonlyArray<string>
          calibration: Record<string, string>
          leagues: ReadonlyArray<{ league: string; games: number; states: number; priors: Record<string, number>; pooled: { states: number; ratio: { value: number } }; phases: ReadonlyArray<{ phase: string }>; certainStates: { ours: number } }>
        }
      }
      assert.deepStrictEqual(out.corpus.manifests, ["manifest-fixture.jsonl"])
      assert.include(out.corpus.calibration["ncaaf"]!, "--season 2019 --season 2020 --fit")
      const [nfl] = out.corpus.leagues
      assert.strictEqual(nfl!.league, "nfl")
      assert.strictEqual(nfl!.games, 1)
      assert.strictEqual(nfl!.pooled.states, 185)
      assert.deepStrictEqual(nfl!.priors, { none: 1 })
      assert.deepStrictEqual(nfl!.phases.map((p) => p.phase), ["Q1", "Q2", "Q3", "Q4"])
      assert.strictEqual(nfl!.certainStates.ours, 0)
      assert.isTrue(Number.isFinite(nfl!.pooled.ratio.value))
      const fit = yield* run(["--corpus", dir, "--season", "2023", "--fit"])
      assert.strictEqual(fit.code, 0, fit.stderr)
      const fitted = JSON.parse(fit.stdout) as { fit: { seasons: ReadonlyArray<number>; platt: Record<string, { states: number }> } }
      assert.deepStrictEqual(fitted.fit.seasons, [2023])
      assert.deepStrictEqual(Object.keys(fitted.fit.platt).sort(), ["nfl:first-half", "nfl:fourth-quarter", "nfl:third-quarter"])
    }), 120_000)
  it.live("scores a corpus of several leagues each on its own: phases, priors and a walk-forward Elo per league", () =>
    Effect.gen(function*() {
      // Slimmed as scripts/winprob-corpus.ts slims them; NBA's and NFL's team ids overlap MLB's
      const dir = Cli.tempDir()
      const games = [
        { league: "mlb", season: 2023, eventId: "401472463", source: summaries[2]! },
        { league: "nba", season: 2025, eventId: "401772994", source: summaries[0]! },
        { league: "nfl", season: 2023, eventId: "401547417", source: summaries[1]! }
      ]
      const write = (g: { league: string; season: number; eventId: string; source: string }, summary: Record<string, unknown>) => {
        const file = join(g.league, String(g.season), `${g.eventId}.json`)
        mkdirSync(join(dir, g.league, String(g.season)), { recursive: true })
        writeFileSync(join(dir, file), JSON.stringify(slimSummary(summary)))
        return JSON.stringify({ league: g.league, season: g.season, eventId: g.eventId, repository: "fixture", path: g.source, commit: "0".repeat(40), blob: "0", file })
      }
      const lines = games.map((g) => write(g, JSON.parse(readFileSync(g.source, "utf8"))))
      // The NBA game again a day later: a second game with no line, in a sport with no shipped
      // ratings file, so it keeps the home edge as it would live (no walk-forward Elo, and not
      // ESPN's matchup predictor, which live does not read)
      const again = JSON.parse(readFileSync(summaries[0]!, "utf8"))
      again.predictor = { homeTeam: { gameProjection: "70.0" }, awayTeam: { gameProjection: "30.0" } }
      const competition = again.header.competitions[0]
      again.header.id = competition.id = "401772995"
      competition.date = new Date(Date.parse(competition.date) + 86_400_000).toISOString()
      lines.push(write({ league: "nba", season: 2025, eventId: "401772995", source: summaries[0]! }, again))
      writeFileSync(join(dir, "manifest-fixture.jsonl"), lines.join("\n") + "\n")
      const result = yield* run(["--corpus", dir, "--json"])
      assert.strictEqual(result.code, 0, result.stderr)
      const out = JSON.parse(result.stdout) as {
        corpus: { ratedResults: number; leagues: ReadonlyArray<{ league: string; games: number; priors: Record<string, number>; pooled: { states: number }; phases: ReadonlyArray<{ phase: string }> }> }
      }
      assert.strictEqual(out.corpus.ratedResults, 4)
      const byLeague = Object.fromEntries(out.corpus.leagues.map((l) => [l.league, l]))
      assert.deepStrictEqual(Object.keys(byLeague), ["mlb", "nba", "nfl"])
      assert.deepStrictEqual(byLeague["mlb"]!.phases.map((p) => p.phase), ["I1-3", "I4-6", "I7-9"])
      assert.deepStrictEqual(byLeague["nba"]!.phases.map((p) => p.phase), ["Q1", "Q2", "Q3", "Q4"])
      assert.deepStrictEqual(byLeague["nfl"]!.phases.map((p) => p.phase), ["Q1", "Q2", "Q3", "Q4"])
      assert.deepStrictEqual([byLeague["mlb"]!.pooled.states, byLeague["nba"]!.pooled.states, byLeague["nfl"]!.pooled.states], [75, 942, 185])
      // The MLB game has a moneyline; the first game of a league has no earlier result to rate it
      assert.deepStrictEqual(byLeague["mlb"]!.priors, { moneyline: 1 })
      assert.deepStrictEqual(byLeague["nba"]!.priors, { none: 2 })
      assert.deepStrictEqual(byLeague["nfl"]!.priors, { none: 1 })
      const nba = yield* run(["--corpus", dir, "--league", "nba", "--table"])
      assert.strictEqual(nba.code, 0, nba.stderr)
      assert.include(nba.stdout, "nba  seasons 2025  games 2")
      assert.notInclude(nba.stdout, "mlb  seasons")
    }), 120_000)
})
