/**
 * `--spreads`: the pre-game prior scored on closing point spreads with final scores.
 *
 * Two files are supported, recognised by their columns (`shared/data/SOURCES.md`):
 * - NFL 1989–91 (Stern & Lock "profb"): 672 games;
 * - NCAAB 1994–95 (Wooldridge "pntsprd"): 553 games.
 *
 * Each game is forecast from the favourite's side (the spread already holds home advantage, so
 * which side is at home does not matter): P(favourite wins) from the production spread model
 * (`prior/Spread.ts`). Its parameters were not fitted to these files: the NFL key-number model is
 * fitted to nflfastR's published kickoff values (1999–2019 data) and the NCAAB σ = 10.5 comes from
 * the literature. As a check on σ, a Gaussian whose σ is fitted on held-in folds is also scored on
 * the held-out ones: leave one season out for the NFL; first half vs second half of the file for
 * NCAAB (one season only). An NFL tie counts as half a win.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import type { Sport } from "../../../schema/Sport.ts"
import { type Forecast, score, type Scores } from "../Metrics.ts"
import { gaussianWin, homeWinFromSpread, nflKeyNumbers, spreadSigma, tieAwareWin } from "../prior/Spread.ts"
import { CountText, decodeCsv, DecimalText, type Rejected } from "./Csv.ts"

/** A row of the NFL profb file. @category schemas */
export const NflSpreadRow = Schema.Struct({
  "Home/Away": Schema.Literals(["at_home", "away"]),
  Favorite_Points: CountText,
  Underdog_Points: CountText,
  Pointspread: DecimalText,
  Year: CountText
})
const nflColumns = ["Home/Away", "Favorite_Points", "Underdog_Points", "Pointspread", "Year"] as const

/** A row of the NCAAB pntsprd file. @category schemas */
export const NcaabSpreadRow = Schema.Struct({
  rownames: CountText,
  favscr: CountText,
  undscr: CountText,
  spread: DecimalText,
  favhome: Schema.Literals(["0", "1"]),
  neutral: Schema.Literals(["0", "1"])
})
const ncaabColumns = ["rownames", "favscr", "undscr", "spread", "favhome", "neutral"] as const

/** One game from the favourite's side. @category models */
export interface SpreadGame {
  readonly favouredBy: number
  /** Favourite's score minus the underdog's */
  readonly margin: number
  /** The cross-validation fold */
  readonly fold: string
}

/** A decoded spread file. @category models */
export interface SpreadFile {
  readonly sport: Extract<Sport, "nfl" | "ncaab">
  readonly games: ReadonlyArray<SpreadGame>
  readonly rejected: ReadonlyArray<Rejected>
}

/**
 * Recognises and decodes a spread file, or says why it is not one.
 *
 * @category parsing
 */
export const decodeSpreadFile = (text: string): Result.Result<SpreadFile, string> => {
  const nfl = decodeCsv(text, nflColumns, NflSpreadRow)
  if (Result.isSuccess(nfl)) {
    return Result.succeed({
      sport: "nfl",
      games: nfl.success.rows.map((r) => ({ favouredBy: r.Pointspread, margin: r.Favorite_Points - r.Underdog_Points, fold: `19${r.Year}` })),
      rejected: nfl.success.rejected
    })
  }
  const ncaab = decodeCsv(text, ncaabColumns, NcaabSpreadRow)
  if (Result.isSuccess(ncaab)) {
    const half = Math.ceil(ncaab.success.rows.length / 2)
    return Result.succeed({
      sport: "ncaab",
      games: ncaab.success.rows.map((r, i) => ({ favouredBy: r.spread, margin: r.favscr - r.undscr, fold: i < half ? "first half" : "second half" })),
      rejected: ncaab.success.rejected
    })
  }
  return Result.fail(`not a known spread file (NFL profb needs ${nflColumns.join(", ")}: ${nfl.failure}; NCAAB pntsprd needs ${ncaabColumns.join(", ")}: ${ncaab.failure})`)
}

/** @category models */
export interface SpreadReport {
  readonly sport: "nfl" | "ncaab"
  readonly games: number
  readonly rejected: ReadonlyArray<Rejected>
  readonly production: { readonly model: string; readonly scores: Scores }
  readonly crossValidated: {
    readonly model: string
    readonly folds: ReadonlyArray<{ readonly heldOut: string; readonly games: number; readonly sigma: number }>
    readonly scores: Scores
  }
  /** The spread-only baseline of WINPROB.md §2, computed on the same file */
  readonly targetBrier: number
  readonly residualSd: number
}

const outcome = (margin: number): number => (margin > 0 ? 1 : margin === 0 ? 0.5 : 0)

/** @category parameters */
export const spreadTargets = { nfl: 0.21, ncaab: 0.159 } as const

/**
 * Scores the production prior and the cross-validated Gaussian on a spread file.
 *
 * @category evaluation
 */
export const evaluateSpreads = (file: SpreadFile): SpreadReport => {
  const { sport, games } = file
  const production: Array<Forecast> = games.map((g) => ({ p: homeWinFromSpread(sport, -g.favouredBy)!, y: outcome(g.margin) }))
  const gaussian = (favouredBy: number, sigma: number) => (sport === "nfl" ? tieAwareWin(favouredBy, sigma) : gaussianWin(favouredBy, sigma))
  const folds = [...new Set(games.map((g) => g.fold))]
  const crossValidated: Array<Forecast> = []
  const foldReports = folds.map((heldOut) => {
    const training = games.filter((g) => g.fold !== heldOut)
    const sigma = Math.sqrt(training.reduce((s, g) => s + (g.margin - g.favouredBy) ** 2, 0) / training.length)
    const test = games.filter((g) => g.fold === heldOut)
    for (const g of test) crossValidated.push({ p: gaussian(g.favouredBy, sigma), y: outcome(g.margin) })
    return { heldOut, games: test.length, sigma }
  })
  const residualSd = Math.sqrt(games.reduce((s, g) => s + (g.margin - g.favouredBy) ** 2, 0) / games.length)
  return {
    sport,
    games: games.length,
    rejected: file.rejected,
    production: {
      model: sport === "nfl"
        ? `key-number margins, sigma ${nflKeyNumbers.sigma}, weights ${JSON.stringify(nflKeyNumbers.weights)} (fitted to nflfastR kickoff vegas_wp, not to this file)`
        : `Gaussian, sigma ${spreadSigma.ncaab} (literature, not fitted to this file)`,
      scores: score(production)
    },
    crossValidated: {
      model: sport === "nfl" ? "tie-aware Gaussian, sigma = RMS residual of the other seasons" : "Gaussian, sigma = RMS residual of the other half",
      folds: foldReports,
      scores: score(crossValidated)
    },
    targetBrier: spreadTargets[sport],
    residualSd
  }
}
