/**
 * `arbees inspect espn-scoreboard FILE`: decode a saved ESPN scoreboard and print one normalised
 * game state per line. Games that do not decode are reported on stderr (with their id) and the rest
 * are still printed; the command exits 0 unless the file is not a scoreboard at all.
 *
 * @since 0.1.0
 */
import { Console, Effect, type Option } from "effect"
import type { League } from "../../../schema/Sport.ts"
import { DeadLetters } from "../../../services/DeadLetters.ts"
import { decodeScoreboard } from "../../../services/espn/Scoreboard.ts"
import { configured } from "../Configured.ts"
import { leagueOf } from "./Espn.ts"
import { InspectError, readJson } from "./Payload.ts"
import { nowMillis } from "../../../services/Time.ts"
import { type Column, formatRows, type OutputChoice, wantsTable } from "../Output.ts"

interface Side {
  readonly abbreviation: string
  readonly score?: number | undefined
}
interface GameRow {
  readonly gameId: string
  readonly league: string
  readonly status: string
  readonly startTime: number
  readonly period?: number | undefined
  readonly detail?: string | undefined
  readonly away: Side
  readonly home: Side
}

const COLUMNS: ReadonlyArray<Column<GameRow>> = [
  { header: "GAME", cell: (g) => g.gameId },
  { header: "LEAGUE", cell: (g) => g.league },
  { header: "START (UTC)", cell: (g) => new Date(g.startTime).toISOString().slice(0, 16).replace("T", " ") },
  { header: "AWAY", cell: (g) => g.away.abbreviation },
  { header: "SCORE", cell: (g) => (g.away.score === undefined || g.home.score === undefined ? undefined : `${g.away.score}-${g.home.score}`), right: true },
  { header: "HOME", cell: (g) => g.home.abbreviation },
  { header: "STATUS", cell: (g) => g.status },
  { header: "DETAIL", cell: (g) => g.detail }
]

/** `arbees inspect espn-scoreboard`. @category commands */
export const inspectScoreboard = ({ file, league, ...choice }: { readonly file: string; readonly league: Option.Option<League> } & OutputChoice) =>
  Effect.gen(function*() {
    const json = yield* readJson(file)
    const which = yield* leagueOf(file, json, league)
    const observedAt = yield* nowMillis
    const { failures, games } = decodeScoreboard(json, { league: which, observedAt })
    if (games.length === 0 && failures.length === 1 && failures[0]!.gameId === undefined) {
      const reason = failures[0]!.error.reason
      return yield* new InspectError({ message: `${file}: ${reason._tag === "Decode" ? reason.message : reason._tag}` })
    }
    if (wantsTable(choice)) yield* Console.log(formatRows(COLUMNS, games as ReadonlyArray<GameRow>))
    else for (const game of games) yield* Console.log(JSON.stringify(game))
    const deadLetters = yield* DeadLetters
    for (const failure of failures) {
      const reason = failure.error.reason
      yield* deadLetters.record({
        source: "espn.scoreboard",
        reason: reason._tag,
        error: reason._tag === "Decode" ? reason.message : reason._tag,
        context: { file, ...(failure.gameId === undefined ? {} : { gameId: failure.gameId }) }
      })
    }
    yield* Effect.logInfo("scoreboard decoded").pipe(Effect.annotateLogs({ file, league: which, games: games.length, failures: failures.length }))
  }).pipe(Effect.provide(DeadLetters.layerLog), Effect.provide(configured({ stderr: true })))
