/**
 * The implementation of `arbees eval winprob` (declared in `EvalCommand.ts`): measures the win-probability models offline and prints tables or JSON.
 *
 * - `--summary FILE` (repeatable; extra file arguments are summaries too): ESPN game summaries,
 *   decoded by the ESPN summary decoder and replayed play by play through our model, scored against
 *   ESPN's own probability on the same states (`domain/winprob/eval/SummaryEval.ts`).
 * - `--soccer DIR`: the international results and goal minutes (`intl_results.csv`,
 *   `intl_goalscorers.csv`); Brier at minutes 0/30/45/60/75/85 for the state-only Poisson and for
 *   our model with the Elo prior (`SoccerEval.ts`).
 * - `--spreads FILE` (repeatable): the NFL or NCAAB spread files; Brier and log loss of the
 *   pre-game prior (`SpreadsEval.ts`).
 * - `--corpus DIR`: a corpus built by `scripts/winprob-corpus.ts` (its `manifest*.jsonl` say where
 *   every game came from); `--season`/`--league` select games. Per league and phase: our Brier and
 *   ESPN's with bootstrap intervals over games, tail reliability, calibration error and certain
 *   states (`CorpusEval.ts`); every league on its own (college and NFL football, NBA, WNBA,
 *   college basketball, MLB by thirds of the game). A game's prior is its line; a game with no
 *   usable line gets the prior live would give it (never ESPN's predictor, which live does not read): in a sport with a shipped ratings file (`data/ratings/`), a walk-forward Elo
 *   from the earlier results of their own league in the corpus (`prior/TeamElo.ts`), standing in
 *   for that file, which is fitted on the corpus itself; elsewhere the league home edge. `--fit` instead fits the calibration layer on
 *   the selected seasons and prints its parameters (never select a reserved season).
 * - `--recorded`: the live system's own record, read from the database (`DATABASE_URL`, else the
 *   embedded one under the data directory, migrated first like `arbees bankroll`): every game in
 *   `game_states` that reached `final`, its in-play states scored with the probability our model
 *   published against ESPN's live one, per league and phase with the corpus report's figures
 *   (`RecordedEval.ts`); `--since YYYY-MM-DD` (UTC) keeps games first recorded on or after that
 *   day, `--league` selects leagues. Skipped games, left-out states and rows that did not decode
 *   are counted in the output.
 *
 * A table per evaluation on a terminal (or with `--table`), from the JSON report's own rounded
 * figures (`EvalTables.ts`); the JSON report with `--json` or when the output is not a terminal.
 *
 * Deterministic (fixed seeds, no clock in the output) and offline. The probability bound is the
 * configured `model.probabilityBound`. Any input that cannot be read or decoded fails the command
 * with a message naming the file; rows or plays that fail inside a readable file are counted and
 * listed in the output.
 *
 * @since 0.1.0
 */
import { Console, Effect, FileSystem, Option, Path, Result, Schema } from "effect"
import { calibrations, fitPlatt } from "../../../domain/winprob/Calibration.ts"
import { type CorpusGame, evaluateCorpus, trainingForecasts } from "../../../domain/winprob/eval/CorpusEval.ts"
import { evaluateRecorded } from "../../../domain/winprob/eval/RecordedEval.ts"
import { decodeCsv } from "../../../domain/winprob/eval/Csv.ts"
import { evaluateSoccer, SoccerGoal, soccerGoalColumns, SoccerResult, soccerResultColumns } from "../../../domain/winprob/eval/SoccerEval.ts"
import { decodeSpreadFile, evaluateSpreads } from "../../../domain/winprob/eval/SpreadsEval.ts"
import { evaluateSummaries, type GameReplay } from "../../../domain/winprob/eval/SummaryEval.ts"
import type { Prior } from "../../../domain/winprob/prior/Prior.ts"
import { noPrior, priorFromOdds, priorFromRating } from "../../../domain/winprob/prior/Priors.ts"
import { eloGamePrior, type TeamResult, walkForwardElo } from "../../../domain/winprob/prior/TeamElo.ts"
import { inferLeague } from "../../../services/espn/Scoreboard.ts"
import { decodeSummary, type GameSummary } from "../../../services/espn/Summary.ts"
import { defaultRatingsDirectory, loadRatingsFiles } from "../../../services/ratings/TeamRatings.ts"
import { leagues as leagueTable } from "../../../schema/Sport.ts"
import { AppConfig } from "../../../services/config/AppConfig.ts"
import { utcDate } from "../../../domain/matching/GameDate.ts"
import { Database } from "../../../services/database/Database.ts"
import { migrate } from "../../../services/database/Migrations.ts"
import { readRecordedStates } from "../../../services/database/RecordedStates.ts"
import { configured } from "../Configured.ts"
import { unreadable, wantsTable } from "../Output.ts"
import { formatReport, type PlainReport } from "./EvalTables.ts"

/** @category errors */
export class EvalInputError extends Schema.TaggedError<EvalInputError>()("EvalInputError", {
  file: Schema.String,
  message: Schema.String
}) {}

const fail = (file: string, message: string) => new EvalInputError({ file, message: `${file}: ${message}` })

const readText = Effect.fnUntraced(function*(file: string) {
  const fs = yield* FileSystem.FileSystem
  return yield* fs.readFileString(file).pipe(Effect.mapError((e) => new EvalInputError({ file, message: unreadable(file, e) })))
})

const parseJson = (file: string, text: string) =>
  Effect.try({ try: () => JSON.parse(text) as unknown, catch: (e) => fail(file, `not JSON: ${e instanceof Error ? e.message : String(e)}`) })

/**
 * The prior a summary carries: its pre-game odds, else ESPN's predictor (unless `predictor` is
 * false), else none (flagged).
 *
 * @category priors
 */
export const summaryPrior = (summary: GameSummary, options: { readonly predictor?: boolean } = {}): Prior => {
  const sport = summary.game.sport
  if (summary.pregameOdds !== undefined) {
    const prior = priorFromOdds(sport, summary.pregameOdds)
    if (prior.source !== "none") return prior
  }
  if (summary.predictor !== undefined && options.predictor !== false) return priorFromRating(summary.predictor.homeWinProbability, "ESPN matchup predictor")
  return noPrior(sport, summary.game.neutralSite === true)
}

const loadSummary = (file: string) =>
  Effect.gen(function*() {
    const json = yield* parseJson(file, yield* readText(file))
    const league = inferLeague(json)
    if (league === undefined) return yield* fail(file, "cannot tell the league: header.league.slug is missing or not a league arbees follows")
    const decoded = decodeSummary(json, { league, observedAt: 0 })
    if (Result.isFailure(decoded)) return yield* fail(file, `not a decodable ESPN summary: ${decoded.failure.message}`)
    const summary = decoded.success
    if (summary.game.result === undefined) return yield* fail(file, `game ${summary.game.gameId} has no final result to score against (status ${summary.game.status})`)
    const replay: GameReplay = { label: file, plays: summary.plays, result: summary.game.result, prior: summaryPrior(summary) }
    return {
      replay,
      decoding: {
        file,
        plays: summary.plays.length,
        playFailures: summary.failures.length,
        espnProbabilities: summary.winProbability
      }
    }
  })

const loadSoccer = (dir: string) =>
  Effect.gen(function*() {
    const path = yield* Path.Path
    const resultsFile = path.join(dir, "intl_results.csv")
    const goalsFile = path.join(dir, "intl_goalscorers.csv")
    const results = decodeCsv(yield* readText(resultsFile), soccerResultColumns, SoccerResult)
    if (Result.isFailure(results)) return yield* fail(resultsFile, results.failure)
    const goals = decodeCsv(yield* readText(goalsFile), soccerGoalColumns, SoccerGoal)
    if (Result.isFailure(goals)) return yield* fail(goalsFile, goals.failure)
    return {
      rejectedRows: { [resultsFile]: results.success.rejected, [goalsFile]: goals.success.rejected },
      ...evaluateSoccer(results.success.rows, goals.success.rows)
    }
  })

const loadSpreads = (file: string) =>
  Effect.gen(function*() {
    const decoded = decodeSpreadFile(yield* readText(file))
    if (Result.isFailure(decoded)) return yield* fail(file, decoded.failure)
    return { file, ...evaluateSpreads(decoded.success) }
  })

/** One line of a corpus manifest (`scripts/winprob-corpus.ts`). */
const ManifestLine = Schema.Struct({
  league: Schema.String,
  season: Schema.Int,
  eventId: Schema.String,
  repository: Schema.String,
  path: Schema.String,
  commit: Schema.String,
  file: Schema.String
})
type ManifestLine = typeof ManifestLine.Type
const decodeManifestLine = Schema.decodeUnknownResult(Schema.fromJsonString(ManifestLine))

/** A finished game's teams and score, read from the summary header for the Elo prior. */
const teamResult = (line: ManifestLine, json: unknown): TeamResult | undefined => {
  const competition = (json as { header?: { competitions?: Array<{ date?: string; neutralSite?: boolean; competitors?: Array<{ id?: string; homeAway?: string; score?: unknown }> }> } })
    .header?.competitions?.[0]
  const home = competition?.competitors?.find((c) => c.homeAway === "home")
  const away = competition?.competitors?.find((c) => c.homeAway === "away")
  const startTime = Date.parse(competition?.date ?? "")
  const homeScore = Number(home?.score)
  const awayScore = Number(away?.score)
  if (home?.id === undefined || away?.id === undefined || !Number.isFinite(startTime) || !Number.isFinite(homeScore) || !Number.isFinite(awayScore)) return undefined
  return { eventId: line.eventId, season: line.season, startTime, home: home.id, away: away.id, homeScore, awayScore, ...(competition?.neutralSite === true ? { neutral: true } : {}) }
}

const loadCorpus = (dir: string, seasons: ReadonlyArray<number>, leagues: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const names = (yield* fs.readDirectory(dir).pipe(Effect.mapError((e) => new EvalInputError({ file: dir, message: unreadable(dir, e) }))))
      .filter((n) => n.startsWith("manifest") && n.endsWith(".jsonl"))
      .sort()
    if (names.length === 0) return yield* fail(dir, "no manifest*.jsonl: build the corpus with scripts/winprob-corpus.ts")
    const lines: Array<ManifestLine> = []
    const rejected: Array<string> = []
    for (const name of names) {
      for (const raw of (yield* readText(path.join(dir, name))).split("\n")) {
        if (raw.trim() === "") continue
        const decoded = decodeManifestLine(raw)
        if (Result.isSuccess(decoded)) lines.push(decoded.success)
        else rejected.push(`${name}: ${decoded.failure.message}`)
      }
    }
    // Every game's result feeds the walk-forward Elo of its league (team ids repeat across leagues);
    // only the selected games are evaluated
    const results = new Map<string, Array<TeamResult>>()
    const selected: Array<{ line: ManifestLine; json: unknown }> = []
    for (const line of lines) {
      const file = path.join(dir, line.file)
      const json = yield* parseJson(file, yield* readText(file))
      const result = teamResult(line, json)
      if (result !== undefined) results.set(line.league, [...(results.get(line.league) ?? []), result])
      if ((seasons.length === 0 || seasons.includes(line.season)) && (leagues.length === 0 || leagues.includes(line.league))) selected.push({ line, json })
    }
    const elo = new Map([...results].flatMap(([league, r]) => [...walkForwardElo(r)].map(([eventId, rated]) => [`${league}:${eventId}`, rated] as const)))
    // Live, a game with no line takes a team rating only in a sport with a shipped ratings file
    // (`data/ratings/`); the walk-forward Elo stands in for that file here (the file is fitted on the
    // corpus itself), and a game of any other sport keeps the league home edge, as live
    const shipped = new Set(
      (yield* loadRatingsFiles(defaultRatingsDirectory).pipe(
        Effect.mapError((e) => new EvalInputError({ file: e.reason.file, message: `${e.reason.file}: ${e.reason.message}` }))
      )).map((f) => f.sport)
    )
    const games: Array<CorpusGame> = []
    const skipped: Record<string, number> = {}
    // Drive plays ESPN filed out of game order, put back in order by the decoder
    const misfiled = { games: 0, plays: 0 }
    const skip = (why: string) => {
      skipped[why] = (skipped[why] ?? 0) + 1
    }
    for (const { line, json } of selected) {
      const league = inferLeague(json)
      if (league === undefined) {
        skip("league unknown")
        continue
      }
      const decoded = decodeSummary(json, { league, observedAt: 0 })
      if (Result.isFailure(decoded)) {
        skip("not a decodable summary")
        continue
      }
      const summary = decoded.success
      if (summary.misfiledPlays > 0) {
        misfiled.games++
        misfiled.plays += summary.misfiledPlays
      }
      if (summary.game.result === undefined) {
        skip("no final result")
        continue
      }
      if (summary.plays.length === 0) {
        skip("no plays")
        continue
      }
      // Live reads no ESPN predictor: a game with no line has a rating only from a shipped file
      const fromSummary = summaryPrior(summary, { predictor: false })
      const rated = shipped.has(leagueTable[league].sport) ? elo.get(`${line.league}:${line.eventId}`) : undefined
      const prior = fromSummary.source === "none" && rated !== undefined && rated.ratedResults > 0 ? eloGamePrior(rated) : fromSummary
      games.push({ league: line.league, season: line.season, eventId: line.eventId, plays: summary.plays, result: summary.game.result, prior })
    }
    return { games, manifests: names, manifestRejected: rejected, skipped, misfiledPlays: misfiled, ratedResults: [...results.values()].reduce((n, r) => n + r.length, 0) }
  })

/** `YYYY-MM-DD` → midnight UTC, epoch milliseconds. */
const startOfDay = (day: string) =>
  Effect.gen(function*() {
    const millis = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN
    // Date.parse rolls 2026-02-30 over to March: a real day prints back as itself
    if (!Number.isFinite(millis) || utcDate(millis) !== day) {
      return yield* new EvalInputError({ file: "", message: `--since must be a day, YYYY-MM-DD, was ${day}` })
    }
    return millis
  })

const loadRecorded = (since: Option.Option<string>, leagues: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const sinceMillis = since._tag === "Some" ? yield* startOfDay(since.value) : undefined
    yield* migrate()
    const { rows, rejected } = yield* readRecordedStates({ leagues, ...(sinceMillis === undefined ? {} : { since: sinceMillis }) })
    const { target } = yield* Database
    return {
      database: target,
      selection: { since: Option.getOrNull(since), leagues },
      rejectedRows: rejected,
      ...evaluateRecorded(rows)
    }
  }).pipe(Effect.provide(Database.layer))

/** Floats to 6 decimals, so the JSON is readable and stable. */
const rounded = (_key: string, value: unknown): unknown =>
  typeof value === "number" && Number.isFinite(value) && !Number.isInteger(value) ? Math.round(value * 1e6) / 1e6 : value

/** What `arbees eval winprob` was given. @category models */
export interface WinprobInput {
  readonly summary: ReadonlyArray<string>
  readonly soccer: Option.Option<string>
  readonly spreads: ReadonlyArray<string>
  readonly corpus: Option.Option<string>
  readonly recorded: boolean
  readonly since: Option.Option<string>
  readonly season: ReadonlyArray<number>
  readonly league: ReadonlyArray<string>
  readonly fit: boolean
  readonly json: boolean
  readonly table: boolean
  readonly files: ReadonlyArray<string>
}

/** `arbees eval winprob`. @category commands */
export const winprob = ({ summary, soccer, spreads, corpus, recorded, since, season, league, fit, json, table: tableFlag, files }: WinprobInput) =>
  Effect.gen(function*() {
    const summaries = [...summary, ...files]
    if (summaries.length === 0 && soccer._tag === "None" && spreads.length === 0 && corpus._tag === "None" && !recorded) {
      return yield* new EvalInputError({ file: "", message: "nothing to evaluate: give --summary FILE, --soccer DIR, --spreads FILE, --corpus DIR or --recorded" })
    }
    if (since._tag === "Some" && !recorded) return yield* new EvalInputError({ file: "", message: "--since selects games of the record: give --recorded" })
    const table = wantsTable({ json, table: tableFlag })
    const { config } = yield* AppConfig
    const bound = config.model.probabilityBound / 10_000
    const report: Record<string, unknown> = { probabilityBound: bound }
    if (summaries.length > 0) {
      const loaded = yield* Effect.forEach(summaries, loadSummary)
      report["summary"] = {
        decoding: loaded.map((l) => l.decoding),
        ...evaluateSummaries(loaded.map((l) => l.replay), bound)
      }
    }
    if (soccer._tag === "Some") report["soccer"] = yield* loadSoccer(soccer.value)
    if (spreads.length > 0) report["spreads"] = yield* Effect.forEach(spreads, loadSpreads)
    if (corpus._tag === "Some") {
      const loaded = yield* loadCorpus(corpus.value, season, league)
      const { games, ...provenance } = loaded
      if (fit) {
        const fitted: Record<string, unknown> = {}
        for (const [key, forecasts] of trainingForecasts(games)) fitted[key] = { states: forecasts.length, ...fitPlatt(forecasts) }
        report["fit"] = { seasons: [...new Set(games.map((g) => g.season))].sort(), games: games.length, platt: fitted, ...provenance }
      } else {
        const leagues = evaluateCorpus(games)
        // Which seasons the calibration layer was fitted on, so a report never scores its own fit unnoticed
        const calibration = Object.fromEntries(Object.entries(calibrations).map(([sport, t]) => [sport, t!.fit]))
        report["corpus"] = { leagues, calibration, ...provenance }
      }
    }
    if (recorded) report["recorded"] = yield* loadRecorded(since, league)
    // The table is rendered from the JSON's own rounded figures, so both show the same numbers
    if (table) yield* Console.log(formatReport(JSON.parse(JSON.stringify(report, rounded)) as PlainReport))
    else yield* Console.log(JSON.stringify(report, rounded, 2))
  }).pipe(Effect.provide(configured({ stderr: true })))
