/**
 * `arbees inspect espn-summary FILE`: decode a saved ESPN game summary and print, as JSON lines,
 * first the game (`"kind":"game"`, with ESPN's predictor, pre-game odds and how many win
 * probabilities joined a play), then one line per play (`"kind":"play"`) with the period, the
 * seconds remaining, the score, the sport's context and ESPN's home win probability after it.
 * `--full` prints each play's whole normalised state instead.
 *
 * @since 0.1.0
 */
import { Console, Effect, type Option, Result } from "effect"
import type { League } from "../../../schema/Sport.ts"
import { DeadLetters } from "../../../services/DeadLetters.ts"
import { decodeSummary, type GameSummary, type PlayState } from "../../../services/espn/Summary.ts"
import { configured } from "../Configured.ts"
import { leagueOf } from "./Espn.ts"
import { InspectError, readJson } from "./Payload.ts"
import { nowMillis } from "../../../services/Time.ts"

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

/** `arbees inspect espn-summary`. @category commands */
export const inspectSummary = ({ file, full, league }: { readonly file: string; readonly full: boolean; readonly league: Option.Option<League> }) =>
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
    yield* Console.log(JSON.stringify(gameLine(summary)))
    for (const play of summary.plays) {
      yield* Console.log(JSON.stringify(full ? { kind: "play", ...play } : playLine(play)))
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
