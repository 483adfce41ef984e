/**
 * Checks that the calibration layer (`src/domain/winprob/Calibration.ts`) generalises across the
 * training seasons before it is refitted on all of them: fits the per-phase Platt maps on one
 * season and scores the other, both ways, against ESPN on the same states. With `--sigma`, the
 * in-game model's margin deviation σ (`Football.ts`) is fitted the same way: for each σ of a grid
 * the Platt maps are refitted on one season, and the σ with the lower log loss there is scored on
 * the other, so σ and the layer are chosen on training seasons only.
 *
 *   node_modules/.bin/node scripts/winprob-fit.ts [--corpus .arbees/corpus] [--season 2019 --season 2020] [--sigma]
 *
 * Only training seasons may be given: 2022 (college football) is reserved for evaluation and is
 * refused. Priors as the evaluation builds them from the summary (line, else ESPN's predictor, else
 * none; the walk-forward Elo of `arbees eval winprob` is left out here, a handful of games). The
 * production table is then fitted on every training season with
 * `arbees eval winprob --corpus DIR --season 2019 --season 2020 --fit`.
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { Result } from "effect"
import type { GameState } from "../src/schema/GameState.ts"
import { applyPlatt, fitPlatt, type Phase, phaseOf, type Platt } from "../src/domain/winprob/Calibration.ts"
import { withSecondHalfKickoff } from "../src/domain/winprob/eval/SummaryEval.ts"
import { football, footballParameters } from "../src/domain/winprob/Football.ts"
import { calibration, type Forecast, logLoss } from "../src/domain/winprob/Metrics.ts"
import type { Prior } from "../src/domain/winprob/prior/Prior.ts"
import { noPrior, priorFromOdds, priorFromRating } from "../src/domain/winprob/prior/Priors.ts"
import { enrich } from "../src/domain/winprob/Sequence.ts"
import { inferLeague } from "../src/services/espn/Scoreboard.ts"
import { decodeSummary } from "../src/services/espn/Summary.ts"

const RESERVED = new Set([2022])
const args = process.argv.slice(2)
const corpus = args.includes("--corpus") ? args[args.indexOf("--corpus") + 1]! : ".arbees/corpus"
const seasons = args.flatMap((a, i) => (a === "--season" ? [Number(args[i + 1])] : []))
const training = seasons.length > 0 ? seasons : [2019, 2020]
if (training.some((s) => RESERVED.has(s))) throw new Error("2022 is reserved for evaluation: never fit or tune on it")
if (training.length < 2) throw new Error("give at least two training seasons")

interface Row {
  readonly phase: Phase
  readonly p: number
  readonly espn: number | undefined
  readonly y: number
}

interface Replayed {
  readonly phase: Phase
  readonly state: GameState
  readonly prior: Prior
  readonly espn: number | undefined
  readonly y: number
}

/** The rows of a season's states under the model with margin deviation `sigma`. */
const rowsAt = (states: ReadonlyArray<Replayed>, sigma: number): Array<Row> =>
  states.map((s) => ({ phase: s.phase, p: football(s.state, s.prior, { ...footballParameters.ncaaf, sigma }).home, espn: s.espn, y: s.y }))

const statesOf = (season: number): Array<Replayed> => {
  const rows: Array<Replayed> = []
  for (const name of readdirSync(corpus).filter((n) => n.startsWith("manifest") && n.endsWith(".jsonl"))) {
    for (const raw of readFileSync(join(corpus, name), "utf8").split("\n")) {
      if (raw.trim() === "") continue
      const line = JSON.parse(raw) as { season: number; league: string; file: string }
      if (line.season !== season || line.league !== "ncaaf") continue
      const json = JSON.parse(readFileSync(join(corpus, line.file), "utf8")) as unknown
      const league = inferLeague(json)
      if (league === undefined) continue
      const decoded = decodeSummary(json, { league, observedAt: 0 })
      if (Result.isFailure(decoded)) continue
      const summary = decoded.success
      if (summary.game.result === undefined || summary.plays.length === 0) continue
      const fromOdds = summary.pregameOdds === undefined ? undefined : priorFromOdds(summary.game.sport, summary.pregameOdds)
      const prior = fromOdds !== undefined && fromOdds.source !== "none"
        ? fromOdds
        : summary.predictor !== undefined
        ? priorFromRating(summary.predictor.homeWinProbability, "ESPN matchup predictor")
        : noPrior(summary.game.sport)
      const y = summary.game.result.winner === "home" ? 1 : 0
      const plays = withSecondHalfKickoff(summary.plays)
      const states = enrich(plays.map((p) => p.state))
      states.forEach((state, i) => {
        const phase = phaseOf(state)
        if (state.status === "final" || phase === undefined) return
        rows.push({ phase, state, prior, espn: plays[i]!.espnHomeWinProbability, y })
      })
    }
  }
  return rows
}

const fit = (rows: ReadonlyArray<Row>): Partial<Record<Phase, Platt>> => {
  const out: Partial<Record<Phase, Platt>> = {}
  for (const phase of ["first-half", "third-quarter", "fourth-quarter"] as const) out[phase] = fitPlatt(rows.filter((r) => r.phase === phase))
  return out
}

const score = (rows: ReadonlyArray<Row>, maps: Partial<Record<Phase, Platt>>) => {
  let raw = 0
  let calibrated = 0
  let espn = 0
  const forecasts: Array<Forecast> = []
  for (const r of rows) {
    if (r.espn === undefined) continue
    const map = maps[r.phase]
    const q = map === undefined ? r.p : applyPlatt(map, r.p)
    raw += (r.p - r.y) ** 2
    calibrated += (q - r.y) ** 2
    espn += (r.espn - r.y) ** 2
    forecasts.push({ p: q, y: r.y })
  }
  return { rawRatio: raw / espn, calibratedRatio: calibrated / espn, calibrationError: calibration(forecasts).error }
}

const replayed = new Map(training.map((s) => [s, statesOf(s)] as const))
const bySeason = new Map(training.map((s) => [s, rowsAt(replayed.get(s)!, footballParameters.ncaaf.sigma)] as const))
for (const fitted of training) {
  const maps = fit(bySeason.get(fitted)!)
  for (const scored of training) {
    if (scored === fitted) continue
    const s = score(bySeason.get(scored)!, maps)
    console.log(`fit ${fitted} -> score ${scored}: Brier/ESPN raw ${s.rawRatio.toFixed(4)}, calibrated ${s.calibratedRatio.toFixed(4)}; calibration error ${s.calibrationError.toFixed(4)}`)
  }
}
const pooled = fit([...bySeason.values()].flat())
console.log(`pooled fit on ${training.join("+")}: ${JSON.stringify(pooled)}`)

if (args.includes("--sigma")) {
  const grid = [14, 14.5, 15, 15.5, 16, 16.5, 17, 17.5, 18]
  const calibrated = (rows: ReadonlyArray<Row>, maps: Partial<Record<Phase, Platt>>): Array<Forecast> =>
    rows.map((r) => ({ p: maps[r.phase] === undefined ? r.p : applyPlatt(maps[r.phase]!, r.p), y: r.y }))
  const rowsBy = new Map(training.map((s) => [s, new Map(grid.map((sigma) => [sigma, rowsAt(replayed.get(s)!, sigma)] as const))] as const))
  for (const fitted of training) {
    const losses = grid.map((sigma) => {
      const rows = rowsBy.get(fitted)!.get(sigma)!
      return { sigma, loss: logLoss(calibrated(rows, fit(rows))) }
    })
    console.log(`sigma on ${fitted} (log loss after its own Platt maps): ${losses.map((l) => `${l.sigma}: ${l.loss.toFixed(5)}`).join("  ")}`)
    const best = losses.reduce((a, b) => (b.loss < a.loss ? b : a))
    for (const scored of training) {
      if (scored === fitted) continue
      const maps = fit(rowsBy.get(fitted)!.get(best.sigma)!)
      const at = (sigma: number) => score(rowsBy.get(scored)!.get(sigma)!, sigma === best.sigma ? maps : fit(rowsBy.get(fitted)!.get(sigma)!))
      const chosen = at(best.sigma)
      const current = at(footballParameters.ncaaf.sigma)
      console.log(`  sigma ${best.sigma} fitted on ${fitted} -> score ${scored}: Brier/ESPN ${chosen.calibratedRatio.toFixed(4)} (sigma ${footballParameters.ncaaf.sigma}: ${current.calibratedRatio.toFixed(4)}); calibration error ${chosen.calibrationError.toFixed(4)} (${current.calibrationError.toFixed(4)})`)
    }
  }
}
