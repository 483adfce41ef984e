/**
 * The implementation of `arbees match --espn FILE [--kalshi FILE] [--polymarket FILE]`: reads saved payloads (an ESPN
 * scoreboard, a Kalshi `/events?with_nested_markets=true` or `/markets` response, a Gamma
 * `/events` response) and prints one JSON line per ESPN game with its matched markets per venue
 * (outcome mapping, confidence, method) or `unmatched` and why.
 *
 * Venue payloads are decoded listing by listing with the venue Schemas: a listing that does not
 * decode is reported on stderr (`arbees: FILE: ... skipped: ...`) and the others are matched. A
 * file that is not the expected response at all fails the command. A venue not given leaves every
 * game `no_listing` on that venue.
 *
 * @since 0.1.0
 */
import { Console, Effect, FileSystem, Option, Result, Schema } from "effect"
import { gameRefOf } from "../../../domain/matching/GameRefs.ts"
import { matchSlate } from "../../../domain/matching/Matcher.ts"
import { matchLine } from "../../../domain/matching/MatchOutput.ts"
import type { VenueError } from "../../../schema/errors/VenueError.ts"
import { decodeScoreboard, inferLeague } from "../../../services/espn/Scoreboard.ts"
import { TeamReference } from "../../../services/matching/TeamReference.ts"
import { type Adapted, decodeKalshiListings, decodePolymarketListings } from "../../../services/matching/VenueListings.ts"
import { nowMillis } from "../../../services/Time.ts"
import { type Column, formatRows, unreadable, wantsTable } from "../Output.ts"

/** @category errors */
export class MatchInputError extends Schema.TaggedError<MatchInputError>()("MatchInputError", {
  message: Schema.String
}) {}

const readJson = (file: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const text = yield* fs.readFileString(file).pipe(Effect.mapError((e) => new MatchInputError({ message: unreadable(file, e) })))
    return yield* Effect.try({
      try: (): unknown => JSON.parse(text),
      catch: (e) => new MatchInputError({ message: `${file} is not JSON: ${e instanceof Error ? e.message : String(e)}` })
    })
  })

/** The listings of a saved venue payload; each one that failed is reported on stderr. */
const venueListings = <A>(file: Option.Option<string>, decode: (json: unknown) => Result.Result<Adapted<A>, VenueError>) =>
  Effect.gen(function*() {
    if (Option.isNone(file)) return []
    const decoded = decode(yield* readJson(file.value))
    if (Result.isFailure(decoded)) return yield* new MatchInputError({ message: `${file.value}: ${decoded.failure.reason.message}` })
    for (const f of decoded.success.failures) {
      yield* Console.error(`arbees: ${file.value}: ${f.platform} listing ${f.listingId ?? "?"} skipped: ${f.error.reason.message}`)
    }
    return decoded.success.listings
  })

/** What `arbees match` was given. @category models */
export interface MatchInput {
  readonly espn: string
  readonly kalshi: Option.Option<string>
  readonly polymarket: Option.Option<string>
  readonly json: boolean
  readonly table: boolean
}

type Line = ReturnType<typeof matchLine>

const venueCell = (v: Line["kalshi"]): string =>
  v.status === "matched"
    ? `${v.eventId} ${(v.markets ?? []).map((m) => m.marketId).join(",")} (${v.method}, ${v.confidence})`
    : `unmatched: ${v.reason}`

const COLUMNS: ReadonlyArray<Column<Line>> = [
  { header: "GAME", cell: (l) => l.gameId },
  { header: "LEAGUE", cell: (l) => l.league },
  { header: "START (UTC)", cell: (l) => l.start.slice(0, 16).replace("T", " ") },
  { header: "AWAY @ HOME", cell: (l) => `${l.away.abbreviation} @ ${l.home.abbreviation}` },
  { header: "KALSHI", cell: (l) => venueCell(l.kalshi) },
  { header: "POLYMARKET", cell: (l) => venueCell(l.polymarket) }
]

/** The table and a summary line: the same figures as the JSON lines. @category formatting */
export const formatMatchTable = (lines: ReadonlyArray<Line>): string => {
  const matched = (v: "kalshi" | "polymarket") => lines.filter((l) => l[v].status === "matched").length
  return `${formatRows(COLUMNS, lines)}
${lines.length} games: ${matched("kalshi")} matched on Kalshi, ${matched("polymarket")} on Polymarket`
}

/** `arbees match`. @category commands */
export const match = ({ espn, json: asJson, kalshi, polymarket, table }: MatchInput) =>
    Effect.gen(function*() {
      const json = yield* readJson(espn)
      const league = inferLeague(json)
      if (league === undefined) return yield* new MatchInputError({ message: `${espn}: not a scoreboard of a league arbees follows` })
      const observedAt = yield* nowMillis
      const decoded = decodeScoreboard(json, { league, observedAt })
      for (const f of decoded.failures) {
        yield* Console.error(`arbees: ${espn}: game ${f.gameId ?? "?"} skipped: ${f.error.reason.message}`)
      }
      const listings = {
        kalshi: yield* venueListings(kalshi, decodeKalshiListings),
        polymarket: yield* venueListings(polymarket, decodePolymarketListings)
      }
      const { index } = yield* TeamReference
      const report = matchSlate(index, decoded.games.map(gameRefOf), listings)
      const lines = report.games.map(matchLine)
      if (wantsTable({ json: asJson, table })) yield* Console.log(formatMatchTable(lines))
      else for (const l of lines) yield* Console.log(JSON.stringify(l))
    }).pipe(Effect.provide(TeamReference.layer))
