/**
 * `arbees inspect espn-summary FILE`: decode a saved ESPN game summary and print first the game
 * (teams, score, status, ESPN's predictor, pre-game odds and how many win probabilities joined a
 * play), then one line per play with the period, the clock, the score, the sport's context and
 * ESPN's home win probability after it.
 *
 * On a terminal (or with `--table`) the game is a two-line summary and the plays a table; with
 * `--json` (or off a terminal) the game is a `"kind":"game"` JSON line and each play a
 * `"kind":"play"` line. Both are rendered from the same objects. `--full` prints each play's whole
 * normalised state as JSON lines instead.
 *
 * @since 0.1.0
 */
import { Console, Effect, type Option, Result } from "effect"
import type { PregameOdds } from "../../../schema/GameState.ts"
import type { League } from "../../../schema/Sport.ts"
import { DeadLetters } from "../../../services/DeadLetters.ts"
import { decodeSummary, type GameSummary, type PlayState } from "../../../services/espn/Summary.ts"
import { configured } from "../Configured.ts"
import { leagueOf } from "./Espn.ts"
import { InspectError, readJson } from "./Payload.ts"
import { nowMillis } from "../../../services/Time.ts"
import { type Column, formatRows, type OutputChoice, wantsTable } from "../Output.ts"

/** The line printed for a play: what a model reads, flat. @category formatting */
export const playLine = (play: PlayState) => {
  const s = play.state
  return {
    kind: "play" as const,
    playId: play.playId,
    sequence: play.sequence,
    status: s.status,
    period: s.period,
    ...(s.secondsRemaining === undefined ? {} : { secondsRemaining: s.secondsRemaining }),
    ...(s.periodSecondsRemaining === undefined ? {} : { periodSecondsRemaining: s.periodSecondsRemaining }),
    overtime: s.overtime,
    homeScore: s.home.score,
    awayScore: s.away.score,
    ...(s.possession === undefined ? {} : { possession: s.possession }),
    ...(s.football === undefined ? {} : { football: s.football }),
    ...(s.baseball === undefined ? {} : { baseball: s.baseball }),
    ...(s.soccer === undefined ? {} : { soccer: s.soccer }),
    ...(play.espnHomeWinProbability === undefined ? {} : { espnHomeWinProbability: play.espnHomeWinProbability }),
    ...(play.espnTieProbability === undefined ? {} : { espnTieProbability: play.espnTieProbability }),
    text: play.text
  }
}

/** The line printed for the game. @category formatting */
export const gameLine = (summary: GameSummary) => ({
  kind: "game" as const,
  ...summary.game,
  plays: summary.plays.length,
  winProbability: summary.winProbability,
  ...(summary.predictor === undefined ? {} : { predictor: summary.predictor }),
  ...(summary.pregameOdds === undefined ? {} : { pregameOdds: summary.pregameOdds })
})

type PlayLine = ReturnType<typeof playLine>
type GameLine = ReturnType<typeof gameLine>

const clock = (seconds: number | undefined): string | undefined =>
  seconds === undefined ? undefined : `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`

const ordinal = (n: number): string => `${n}${n === 1 ? "st" : n === 2 ? "nd" : n === 3 ? "rd" : "th"}`

/** Where the game stands in the sport's own terms: down and distance, inning and count, minute. */
const situation = (p: PlayLine): string | undefined => {
  if (p.football !== undefined) {
    const f = p.football
    const down = f.down === undefined ? undefined : `${ordinal(f.down)} & ${f.distance ?? "?"}`
    return [down, f.yardsToEndzone === undefined ? undefined : `${f.yardsToEndzone} yds to goal`].filter((x) => x !== undefined).join(", ") || undefined
  }
  if (p.baseball !== undefined) {
    const b = p.baseball
    const bases = [b.onFirst ? "1st" : undefined, b.onSecond ? "2nd" : undefined, b.onThird ? "3rd" : undefined].filter((x) => x !== undefined)
    const count = b.balls === undefined || b.strikes === undefined ? [] : [`count ${b.balls}-${b.strikes}`]
    return [`${b.half} ${b.inning}`, `${b.outs} out`, ...count, bases.length === 0 ? "bases empty" : `on ${bases.join(",")}`].join(", ")
  }
  if (p.soccer !== undefined) {
    const s = p.soccer
    const reds = (s.homeRedCards ?? 0) + (s.awayRedCards ?? 0) > 0 ? `, red cards ${s.awayRedCards ?? 0}-${s.homeRedCards ?? 0}` : ""
    return `${s.minute}'${s.stoppageMinutes > 0 ? `+${s.stoppageMinutes}` : ""}${reds}`
  }
  return undefined
}

const PLAY_COLUMNS: ReadonlyArray<Column<PlayLine>> = [
  { header: "SEQ", cell: (p) => p.sequence, right: true },
  { header: "PERIOD", cell: (p) => `${p.period}${p.overtime ? "OT" : ""}`, right: true },
  { header: "CLOCK", cell: (p) => clock(p.periodSecondsRemaining), right: true },
  { header: "AWAY-HOME", cell: (p) => `${p.awayScore}-${p.homeScore}`, right: true },
  { header: "POSS", cell: (p) => p.possession },
  { header: "ESPN HOME", cell: (p) => p.espnHomeWinProbability, right: true }
]
const TIE_COLUMN: Column<PlayLine> = { header: "ESPN TIE", cell: (p) => p.espnTieProbability, right: true }
const TEXT_COLUMNS: ReadonlyArray<Column<PlayLine>> = [
  { header: "SITUATION", cell: situation },
  { header: "TEXT", cell: (p) => p.text }
]

const oddsText = (o: PregameOdds): string =>
  [
    o.homeSpread === undefined ? undefined : `home spread ${o.homeSpread}`,
    o.total === undefined ? undefined : `total ${o.total}`,
    o.homeMoneyline === undefined ? undefined : `moneyline home ${o.homeMoneyline}`,
    o.awayMoneyline === undefined ? undefined : `away ${o.awayMoneyline}`,
    o.drawMoneyline === undefined ? undefined : `draw ${o.drawMoneyline}`
  ].filter((x) => x !== undefined).join(", ")

/**
 * The game in two lines: who, the score and status; then the plays, ESPN's win-probability join,
 * its predictor and the pre-game odds.
 *
 * @category formatting
 */
export const formatGame = (g: GameLine): string => {
  const start = new Date(g.startTime).toISOString().slice(0, 16).replace("T", " ")
  const winner = g.result === undefined ? "" : `, ${g.result.winner === "draw" ? "draw" : `${g.result.winner} win`}`
  return [
    `${g.gameId}  ${g.league}  ${g.away.abbreviation} @ ${g.home.abbreviation}  ${g.away.score}-${g.home.score}  ${g.status}${g.detail === undefined ? "" : ` (${g.detail}${winner})`}  start ${start} UTC`,
    [
      `${g.plays} plays`,
      `ESPN win probability joined ${g.winProbability.matched} of ${g.winProbability.entries} entries`,
      ...(g.predictor === undefined ? [] : [`predictor home ${g.predictor.homeWinProbability}`]),
      ...(g.pregameOdds === undefined ? [] : [`pre-game odds (${g.pregameOdds.provider}): ${oddsText(g.pregameOdds)}`])
    ].join("; ")
  ].join("\n")
}

/** The plays' table; an ESPN TIE column when ESPN gives a draw probability. @category formatting */
export const formatPlays = (plays: ReadonlyArray<PlayLine>): string =>
  formatRows([...PLAY_COLUMNS, ...(plays.some((p) => p.espnTieProbability !== undefined) ? [TIE_COLUMN] : []), ...TEXT_COLUMNS], plays)

/** `arbees inspect espn-summary`. @category commands */
export const inspectSummary = ({ file, full, league, ...choice }: { readonly file: string; readonly full: boolean; readonly league: Option.Option<League> } & OutputChoice) =>
  Effect.gen(function*() {
    const json = yield* readJson(file)
    const which = yield* leagueOf(file, json, league)
    const observedAt = yield* nowMillis
    const decoded = decodeSummary(json, { league: which, observedAt })
    if (Result.isFailure(decoded)) {
      const reason = decoded.failure.reason
      return yield* new InspectError({ message: `${file}: ${reason._tag === "Decode" ? reason.message : reason._tag}` })
    }
    const summary = decoded.success
    const game = gameLine(summary)
    if (full) {
      yield* Console.log(JSON.stringify(game))
      for (const play of summary.plays) yield* Console.log(JSON.stringify({ kind: "play", ...play }))
    } else if (wantsTable(choice)) {
      yield* Console.log(`${formatGame(game)}\n\n${formatPlays(summary.plays.map(playLine))}`)
    } else {
      for (const line of [game, ...summary.plays.map(playLine)]) yield* Console.log(JSON.stringify(line))
    }
    const deadLetters = yield* DeadLetters
    for (const failure of summary.failures) {
      const reason = failure.error.reason
      yield* deadLetters.record({
        source: "espn.summary",
        reason: reason._tag,
        error: reason._tag === "Decode" ? reason.message : reason._tag,
        context: { file, gameId: summary.game.gameId, ...(failure.playId === undefined ? {} : { playId: failure.playId }) }
      })
    }
    yield* Effect.logInfo("summary decoded").pipe(
      Effect.annotateLogs({ file, league: which, plays: summary.plays.length, failures: summary.failures.length, ...summary.winProbability })
    )
  }).pipe(Effect.provide(DeadLetters.layerLog), Effect.provide(configured({ stderr: true })))
