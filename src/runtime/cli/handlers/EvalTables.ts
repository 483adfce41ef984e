/**
 * The tables `arbees eval winprob` prints on a terminal (or with `--table`): one section per
 * evaluation asked for (summaries, soccer, spread files, corpus, calibration fit, the live record). Each is rendered
 * from the report exactly as `--json` prints it (floats rounded to 6 decimals), so a figure in a
 * table is the figure in the JSON; the corpus and record tables show the same figures to 4 decimals.
 *
 * @since 0.1.0
 */
import { formatTable, type LeagueReport } from "../../../domain/winprob/eval/CorpusEval.ts"
import { formatRecordedTable, type RecordedReport } from "../../../domain/winprob/eval/RecordedEval.ts"
import { type Column, formatRows } from "../Output.ts"

/** A figure as the JSON shows it; `-` when absent or not a number (JSON's `null` for NaN). */
type Figure = number | null | undefined

interface Scores {
  readonly n?: number
  readonly brier?: Figure
  readonly logLoss?: Figure
  readonly calibrationError?: Figure
}

interface SummaryRow {
  readonly label: string
  readonly league?: string
  readonly winner?: string
  readonly states?: number
  readonly ours?: Scores
  readonly vsEspn?: { readonly espn?: Scores; readonly relativeBrier?: Figure }
}

/** The summaries section of the JSON report. @category models */
export interface SummarySection {
  readonly games: ReadonlyArray<SummaryRow>
  readonly pooled?: Omit<SummaryRow, "label">
}

const SUMMARY_COLUMNS: ReadonlyArray<Column<SummaryRow>> = [
  { header: "GAME", cell: (r) => r.label.split("/").at(-1) },
  { header: "LEAGUE", cell: (r) => r.league },
  { header: "WINNER", cell: (r) => r.winner },
  { header: "STATES", cell: (r) => r.states, right: true },
  { header: "BRIER", cell: (r) => r.ours?.brier, right: true },
  { header: "LOG LOSS", cell: (r) => r.ours?.logLoss, right: true },
  { header: "ESPN BRIER", cell: (r) => r.vsEspn?.espn?.brier, right: true },
  { header: "VS ESPN", cell: (r) => r.vsEspn?.relativeBrier, right: true }
]

/** The summaries' table: one row per game, then the pooled row. @category formatting */
export const formatSummaryTable = (summary: SummarySection): string =>
  formatRows(SUMMARY_COLUMNS, [...summary.games, ...(summary.pooled === undefined ? [] : [{ ...summary.pooled, label: "(pooled)" }])])

interface Interval {
  readonly mean: Figure
  readonly lower: Figure
  readonly upper: Figure
}

interface MinuteRow {
  readonly minute: number
  readonly publishedBaselineBrier?: Figure
  readonly stateOnly: Scores
  readonly elo: Scores
  readonly eloGivenAGoal: Scores
  readonly brierDifference: Interval
  readonly eloBeatsStateOnly: boolean
}

/** The soccer section of the JSON report. @category models */
export interface SoccerSection {
  readonly rejectedRows: Record<string, ReadonlyArray<unknown>>
  readonly data: { readonly results: number; readonly goals: number; readonly completeMatches: number; readonly evaluated: number }
  readonly goalModel: { readonly maxCoefficientDifference: Figure }
  readonly minutes: ReadonlyArray<MinuteRow>
}

const MINUTE_COLUMNS: ReadonlyArray<Column<MinuteRow>> = [
  { header: "MINUTE", cell: (m) => m.minute, right: true },
  { header: "PUBLISHED", cell: (m) => m.publishedBaselineBrier, right: true },
  { header: "STATE-ONLY BRIER", cell: (m) => m.stateOnly.brier, right: true },
  { header: "ELO BRIER", cell: (m) => m.elo.brier, right: true },
  { header: "ELO LOG LOSS", cell: (m) => m.elo.logLoss, right: true },
  { header: "ELO|GOAL BRIER", cell: (m) => m.eloGivenAGoal.brier, right: true },
  { header: "ELO-STATE", cell: (m) => m.brierDifference.mean, right: true },
  { header: "LOWER 95%", cell: (m) => m.brierDifference.lower, right: true },
  { header: "UPPER 95%", cell: (m) => m.brierDifference.upper, right: true },
  { header: "ELO BETTER", cell: (m) => (m.eloBeatsStateOnly ? "yes" : "no") }
]

/**
 * The soccer evaluation: what was evaluated, then the Brier scores at each minute (state-only
 * Poisson, our model with the Elo prior, and their paired difference with its 95% interval).
 *
 * @category formatting
 */
export const formatSoccerTable = (soccer: SoccerSection): string => {
  const rejected = Object.values(soccer.rejectedRows).reduce((n, rows) => n + rows.length, 0)
  const d = soccer.data
  return [
    `soccer: ${d.evaluated} matches evaluated of ${d.completeMatches} complete (${d.results} results, ${d.goals} goals, ${rejected} rows rejected); goal model max coefficient difference ${soccer.goalModel.maxCoefficientDifference}`,
    formatRows(MINUTE_COLUMNS, soccer.minutes)
  ].join("\n")
}

/** One spread file's part of the JSON report. @category models */
export interface SpreadRow {
  readonly file: string
  readonly sport: string
  readonly games: number
  readonly rejected: ReadonlyArray<unknown>
  readonly production: { readonly scores: Scores }
  readonly crossValidated: { readonly scores: Scores }
  readonly targetBrier: Figure
  readonly residualSd: Figure
}

const SPREAD_COLUMNS: ReadonlyArray<Column<SpreadRow>> = [
  { header: "FILE", cell: (r) => r.file.split("/").at(-1) },
  { header: "SPORT", cell: (r) => r.sport },
  { header: "GAMES", cell: (r) => r.games, right: true },
  { header: "REJECTED", cell: (r) => r.rejected.length, right: true },
  { header: "BRIER", cell: (r) => r.production.scores.brier, right: true },
  { header: "LOG LOSS", cell: (r) => r.production.scores.logLoss, right: true },
  { header: "CAL ERROR", cell: (r) => r.production.scores.calibrationError, right: true },
  { header: "CV BRIER", cell: (r) => r.crossValidated.scores.brier, right: true },
  { header: "CV LOG LOSS", cell: (r) => r.crossValidated.scores.logLoss, right: true },
  { header: "TARGET", cell: (r) => r.targetBrier, right: true },
  { header: "RESIDUAL SD", cell: (r) => r.residualSd, right: true }
]

/**
 * The spread files: per file, the production prior's scores, the cross-validated Gaussian's and
 * the spread-only target Brier.
 *
 * @category formatting
 */
export const formatSpreadsTable = (spreads: ReadonlyArray<SpreadRow>): string => formatRows(SPREAD_COLUMNS, spreads)

/** The corpus section of the JSON report. @category models */
export interface CorpusSection {
  readonly leagues: ReadonlyArray<LeagueReport>
  readonly calibration: Record<string, string>
  /** Games whose drive plays ESPN filed out of game order, and how many plays the decoder moved back */
  readonly misfiledPlays: { readonly games: number; readonly plays: number }
}

/** The corpus: per league and phase (4 decimals), where the calibration layer was fitted, and what the decoder reordered. @category formatting */
export const formatCorpusTable = (corpus: CorpusSection): string =>
  [
    formatTable(corpus.leagues),
    ...Object.entries(corpus.calibration).map(([sport, fit]) => `calibration ${sport}: ${fit}`),
    `plays filed out of game order, put back by sequence number: ${corpus.misfiledPlays.plays} in ${corpus.misfiledPlays.games} games`
  ].join("\n")

interface FitRow {
  readonly key: string
  readonly states: number
  readonly a: Figure
  readonly b: Figure
}

/** The calibration fit section of the JSON report. @category models */
export interface FitSection {
  readonly seasons: ReadonlyArray<number>
  readonly games: number
  readonly platt: Record<string, { readonly states: number; readonly a: Figure; readonly b: Figure }>
  readonly manifests: ReadonlyArray<string>
  readonly manifestRejected: ReadonlyArray<string>
  readonly skipped: Record<string, number>
  readonly ratedResults: number
}

const FIT_COLUMNS: ReadonlyArray<Column<FitRow>> = [
  { header: "SPORT:PHASE", cell: (r) => r.key },
  { header: "STATES", cell: (r) => r.states, right: true },
  { header: "A", cell: (r) => r.a, right: true },
  { header: "B", cell: (r) => r.b, right: true }
]

/**
 * The fitted calibration layer: which games it was fitted on, then the Platt parameters (`a`, `b`)
 * per sport and phase.
 *
 * @category formatting
 */
export const formatFitTable = (fit: FitSection): string => {
  const skipped = Object.entries(fit.skipped).map(([why, n]) => `${why} ${n}`).join(", ")
  return [
    `fit on seasons ${fit.seasons.join(",")}: ${fit.games} games from ${fit.manifests.length} manifests (${fit.manifestRejected.length} manifest lines rejected${skipped === "" ? "" : `; skipped: ${skipped}`})`,
    formatRows(FIT_COLUMNS, Object.entries(fit.platt).map(([key, p]) => ({ key, ...p })))
  ].join("\n")
}

/** The record section of the JSON report. @category models */
export interface RecordedSection extends RecordedReport {
  /** Where it was read, without credentials */
  readonly database: string
  readonly selection: { readonly since: string | null; readonly leagues: ReadonlyArray<string> }
  readonly rejectedRows: { readonly rows: number; readonly examples: ReadonlyArray<string> }
}

/** The live record: what was read and selected, then per league and phase (4 decimals). @category formatting */
export const formatRecordedSection = (recorded: RecordedSection): string => {
  const { since, leagues } = recorded.selection
  const rejected = recorded.rejectedRows
  return [
    `recorded game states in ${recorded.database}${since === null ? "" : `, games first recorded since ${since}`}${leagues.length === 0 ? "" : `, leagues ${leagues.join(",")}`}; ${rejected.rows} rows did not decode${rejected.examples.length === 0 ? "" : ` (${rejected.examples.join("; ")})`}`,
    formatRecordedTable(recorded)
  ].join("\n")
}

/** The JSON report, rounded as printed. @category models */
export interface PlainReport {
  readonly summary?: SummarySection
  readonly soccer?: SoccerSection
  readonly spreads?: ReadonlyArray<SpreadRow>
  readonly corpus?: CorpusSection
  readonly fit?: FitSection
  readonly recorded?: RecordedSection
}

/** Every section of the report, a blank line between them. @category formatting */
export const formatReport = (report: PlainReport): string =>
  [
    report.summary === undefined ? undefined : formatSummaryTable(report.summary),
    report.soccer === undefined ? undefined : formatSoccerTable(report.soccer),
    report.spreads === undefined ? undefined : formatSpreadsTable(report.spreads),
    report.corpus === undefined ? undefined : formatCorpusTable(report.corpus),
    report.fit === undefined ? undefined : formatFitTable(report.fit),
    report.recorded === undefined ? undefined : formatRecordedSection(report.recorded)
  ].filter((s) => s !== undefined).join("\n\n")
