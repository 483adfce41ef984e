/**
 * Test support for matching: the team index from `data/teams`, the ESPN games of the shared
 * fixtures (`test/fixtures/matching/espn-games.json`), and the venue-format listings of
 * `test/fixtures/matching`, decoded by the venue Schemas and adapted exactly as production does
 * (`src/services/matching/VenueListings.ts`).
 */
import { Result, Schema } from "effect"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import type { GameRef, KalshiEventListing, PolymarketEventListing } from "../../src/domain/matching/Inputs.ts"
import { TeamFile } from "../../src/domain/matching/TeamData.ts"
import { buildIndex, type TeamIndex } from "../../src/domain/matching/TeamIndex.ts"
import type { GameStatus } from "../../src/schema/GameState.ts"
import type { VenueError } from "../../src/schema/errors/VenueError.ts"
import type { League } from "../../src/schema/Sport.ts"
import { type Adapted, decodeKalshiListings, decodePolymarketListings } from "../../src/services/matching/VenueListings.ts"

const root = new URL("../../", import.meta.url).pathname
export const fixturesDir = join(root, "test/fixtures/matching")
const readJson = (path: string): any => JSON.parse(readFileSync(path, "utf8"))

export const teamFiles = (): ReadonlyArray<TeamFile> =>
  readdirSync(join(root, "data/teams"))
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => Schema.decodeUnknownSync(TeamFile)(readJson(join(root, "data/teams", f))))

let cached: TeamIndex | undefined
export const teamIndex = (): TeamIndex => (cached ??= buildIndex(teamFiles()))

interface FixtureGame {
  readonly gameId: string
  readonly league: League
  readonly startTime: number
  readonly status: GameStatus
  readonly home: GameRef["home"]
  readonly away: GameRef["away"]
  readonly derived?: string
  readonly replaces?: string | null
}

/** The fixture games with the derived scenarios applied (a `replaces` entry takes the real game's place). */
export const espnGames = (): ReadonlyArray<GameRef> => {
  const all: ReadonlyArray<FixtureGame> = readJson(join(fixturesDir, "espn-games.json")).games
  const replaced = new Set(all.filter((g) => g.replaces != null).map((g) => g.replaces))
  return all
    .filter((g) => g.derived !== undefined || !replaced.has(g.gameId))
    .map((g) => ({ gameId: g.gameId, league: g.league, startTime: g.startTime, status: g.status, home: g.home, away: g.away }))
}

/** Decoded by the venue Schemas and adapted as in production; any failure fails the test run. */
const adapted = <A>(platform: string, decoded: Result.Result<Adapted<A>, VenueError>): ReadonlyArray<A> => {
  const { failures, listings } = Result.getOrThrow(decoded)
  if (failures.length > 0) throw new Error(`${platform} fixture listings failed: ${failures.map((f) => f.error.reason.message).join("; ")}`)
  return listings
}

export const kalshiListings = (): ReadonlyArray<KalshiEventListing> => adapted("kalshi", decodeKalshiListings(readJson(join(fixturesDir, "kalshi-events.json"))))
export const polymarketListings = (): ReadonlyArray<PolymarketEventListing> =>
  adapted("polymarket", decodePolymarketListings(readJson(join(fixturesDir, "gamma-events.json"))))
export const labels = (): {
  readonly labels: { readonly kalshi: Record<string, string | false>; readonly polymarket: Record<string, string | false> }
  readonly notes: { readonly kalshi: Record<string, string>; readonly polymarket: Record<string, string> }
} => readJson(join(fixturesDir, "labels.json"))
