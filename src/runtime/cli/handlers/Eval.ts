/**
 * The implementation of `arbees eval winprob` (declared in `EvalCommand.ts`): measures the win-probability models offline and prints JSON.
 *
 * - `--summary FILE` (repeatable; extra file arguments are summaries too): ESPN game summaries,
 *   decoded by the ESPN summary decoder and replayed play by play through our model, scored against
 *   ESPN's own probability on the same states (`domain/winprob/eval/SummaryEval.ts`).
 * - `--soccer DIR`: the international results and goal minutes (`intl_results.csv`,
 *   `intl_goalscorers.csv`); Brier at minutes 0/30/45/60/75/85 for the state-only Poisson and for
 *   our model with the Elo prior (`SoccerEval.ts`).
 * - `--spreads FILE` (repeatable): the NFL or NCAAB spread files; Brier and log loss of the
 *   pre-game prior (`SpreadsEval.ts`).
 *
 * Deterministic (fixed seeds, no clock in the output) and offline. The probability bound is the
 * configured `model.probabilityBound`. Any input that cannot be read or decoded fails the command
 * with a message naming the file; rows or plays that fail inside a readable file are counted and
 * listed in the output.
 *
 * @since 0.1.0
 */
import { Console, Effect, FileSystem, Option, Path, Result, Schema } from "effect"
import { decodeCsv } from "../../../domain/winprob/eval/Csv.ts"
import { evaluateSoccer, SoccerGoal, soccerGoalColumns, SoccerResult, soccerResultColumns } from "../../../domain/winprob/eval/SoccerEval.ts"
import { decodeSpreadFile, evaluateSpreads } from "../../../domain/winprob/eval/SpreadsEval.ts"
import { evaluateSummaries, type GameReplay } from "../../../domain/winprob/eval/SummaryEval.ts"
import type { Prior } from "../../../domain/winprob/prior/Prior.ts"
import { noPrior, priorFromOdds, priorFromRating } from "../../../domain/winprob/prior/Priors.ts"
import { inferLeague } from "../../../services/espn/Scoreboard.ts"
import { decodeSummary, type GameSummary } from "../../../services/espn/Summary.ts"
import { AppConfig } from "../../../services/config/AppConfig.ts"
import { configured } from "../Configured.ts"

/** @category errors */
export class EvalInputError extends Schema.TaggedError<EvalInputError>()("EvalInputError", {
  file: Schema.String,
  message: Schema.String
}) {}

const fail = (file: string, message: string) => new EvalInputError({ file, message: `${file}: ${message}` })

const readText = Effect.fnUntraced(function*(file: string) {
  const fs = yield* FileSystem.FileSystem
  return yield* fs.readFileString(file).pipe(Effect.mapError((e) => fail(file, `cannot read: ${e.message}`)))
})

const parseJson = (file: string, text: string) =>
  Effect.try({ try: () => JSON.parse(text) as unknown, catch: (e) => fail(file, `not JSON: ${e instanceof Error ? e.message : String(e)}`) })

/** The prior a summary carries: its pre-game odds, else ESPN's predictor, else none (flagged). @category priors */
export const summaryPrior = (summary: GameSummary): Prior => {
  const sport = summary.game.sport
  if (summary.pregameOdds !== undefined) {
    const prior = priorFromOdds(sport, summary.pregameOdds)
    if (prior.source !== "none") return prior
  }
  if (summary.predictor !== undefined) return priorFromRating(summary.predictor.homeWinProbability, "ESPN matchup predictor")
  return noPrior(sport)
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

/** Floats to 6 decimals, so the JSON is readable and stable. */
const rounded = (_key: string, value: unknown): unknown =>
  typeof value === "number" && Number.isFinite(value) && !Number.isInteger(value) ? Math.round(value * 1e6) / 1e6 : value

/** What `arbees eval winprob` was given. @category models */
export interface WinprobInput {
  readonly summary: ReadonlyArray<string>
  readonly soccer: Option.Option<string>
  readonly spreads: ReadonlyArray<string>
  readonly files: ReadonlyArray<string>
}

/** `arbees eval winprob`. @category commands */
export const winprob = ({ summary, soccer, spreads, files }: WinprobInput) =>
  Effect.gen(function*() {
    const summaries = [...summary, ...files]
    if (summaries.length === 0 && soccer._tag === "None" && spreads.length === 0) {
      return yield* new EvalInputError({ file: "", message: "nothing to evaluate: give --summary FILE, --soccer DIR or --spreads FILE" })
    }
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
    yield* Console.log(JSON.stringify(report, rounded, 2))
  }).pipe(Effect.provide(configured({ stderr: true })))
