/**
 * `arbees match --espn FILE`: reads a saved ESPN scoreboard and prints one JSON line per game with
 * its matched markets per venue (outcome mapping, confidence, method) or `unmatched` and why.
 *
 * Reading saved venue payloads (`--kalshi`, `--polymarket`) joins this command once the venue
 * wire Schemas are on main; until then every game is reported unmatched with `no_listing`.
 *
 * @since 0.1.0
 */
import { Clock, Console, Effect, FileSystem, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { gameRefOf } from "../../domain/matching/GameRefs.ts"
import { matchSlate } from "../../domain/matching/Matcher.ts"
import { matchLine } from "../../domain/matching/MatchOutput.ts"
import { decodeScoreboard, inferLeague } from "../../services/espn/Scoreboard.ts"
import { TeamReference } from "../../services/matching/TeamReference.ts"

/** @category errors */
export class MatchInputError extends Schema.TaggedError<MatchInputError>()("MatchInputError", {
  message: Schema.String
}) {}

const readJson = (file: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const text = yield* fs.readFileString(file).pipe(Effect.mapError((e) => new MatchInputError({ message: `cannot read ${file}: ${e.message}` })))
    return yield* Effect.try({
      try: (): unknown => JSON.parse(text),
      catch: (e) => new MatchInputError({ message: `${file} is not JSON: ${e instanceof Error ? e.message : String(e)}` })
    })
  })

/** @category commands */
export const matchCommand = Command.make(
  "match",
  {
    espn: Flag.String("espn").pipe(Flag.withDescription("a saved ESPN scoreboard response"))
  },
  ({ espn }) =>
    Effect.gen(function*() {
      const json = yield* readJson(espn)
      const league = inferLeague(json)
      if (league === undefined) return yield* new MatchInputError({ message: `${espn}: not a scoreboard of a league arbees follows` })
      const observedAt = yield* Clock.currentTimeMillis
      const decoded = decodeScoreboard(json, { league, observedAt })
      for (const f of decoded.failures) {
        yield* Console.error(`arbees: ${espn}: game ${f.gameId ?? "?"} skipped: ${f.error.reason.message}`)
      }
      const { index } = yield* TeamReference
      const report = matchSlate(index, decoded.games.map(gameRefOf), { kalshi: [], polymarket: [] })
      for (const g of report.games) yield* Console.log(JSON.stringify(matchLine(g)))
    }).pipe(Effect.provide(TeamReference.layer))
).pipe(Command.withDescription("Match the games of a saved ESPN scoreboard to their Kalshi and Polymarket moneyline markets"))
