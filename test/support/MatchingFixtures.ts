/**
 * Test support for matching: the team index from `data/teams`, the ESPN games of the shared
 * fixtures (`test/fixtures/matching/espn-games.json`), and a minimal bridge from the venues' wire
 * JSON to the matcher's input types.
 *
 * The bridge only picks fields; it validates nothing. Production code reaches the same inputs
 * through the venue Schemas (`src/services/kalshi`, `src/services/polymarket`) and the adapters in
 * `src/services/matching`.
 */
import { Schema } from "effect"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import type { GameRef, KalshiEventListing, PolymarketEventListing } from "../../src/domain/matching/Inputs.ts"
import { TeamFile } from "../../src/domain/matching/TeamData.ts"
import { buildIndex, type TeamIndex } from "../../src/domain/matching/TeamIndex.ts"
import type { GameStatus } from "../../src/schema/GameState.ts"
import type { League } from "../../src/schema/Sport.ts"

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

const ms = (s: unknown): number | undefined => (typeof s === "string" && s !== "" ? Date.parse(s.replace(" ", "T").replace(/\+00$/, "Z")) : undefined)
const opt = <K extends string, V>(key: K, value: V | undefined): { [k in K]?: V } => (value === undefined ? {} : ({ [key]: value } as { [k in K]?: V }))

export const kalshiFromWire = (json: any): ReadonlyArray<KalshiEventListing> =>
  (json.events as Array<any>).map((e) => ({
    eventTicker: e.event_ticker,
    ...opt("seriesTicker", e.series_ticker),
    ...opt("title", e.title),
    ...opt("subTitle", e.sub_title),
    markets: (e.markets as Array<any>).map((m) => ({
      ticker: m.ticker,
      ...opt("title", m.title),
      ...opt("yesSubTitle", m.yes_sub_title),
      ...opt("noSubTitle", m.no_sub_title),
      ...opt("status", m.status),
      ...opt("openTime", ms(m.open_time)),
      ...opt("closeTime", ms(m.close_time)),
      ...opt("expectedExpirationTime", ms(m.expected_expiration_time)),
      ...opt("rulesPrimary", m.rules_primary),
      ...opt("rulesSecondary", m.rules_secondary)
    }))
  }))

export const polymarketFromWire = (json: any): ReadonlyArray<PolymarketEventListing> =>
  (json as Array<any>).map((e) => ({
    id: e.id,
    slug: e.slug,
    title: e.title,
    ...opt("seriesSlug", e.seriesSlug),
    tagSlugs: (e.tags ?? []).map((t: any) => t.slug),
    ...opt("sportOrdering", e.sport?.ordering),
    teams: (e.teams ?? []).map((t: any) => ({ name: t.name, ...opt("abbreviation", t.abbreviation), ...opt("ordering", t.ordering) })),
    ...opt("gameId", e.gameId === undefined ? undefined : String(e.gameId)),
    ...opt("eventDate", e.eventDate),
    ...opt("startTime", ms(e.startTime)),
    negRisk: e.negRisk === true,
    negRiskAugmented: e.negRiskAugmented === true,
    ...opt("description", e.description),
    markets: (e.markets as Array<any>).map((m) => ({
      id: m.id,
      conditionId: m.conditionId,
      ...opt("slug", m.slug),
      question: m.question,
      ...opt("groupItemTitle", m.groupItemTitle),
      outcomes: JSON.parse(m.outcomes),
      tokenIds: JSON.parse(m.clobTokenIds),
      ...opt("sportsMarketType", m.sportsMarketType),
      ...opt("gameStartTime", ms(m.gameStartTime)),
      ...opt("negRisk", m.negRisk),
      ...opt("negRiskOther", m.negRiskOther),
      ...opt("description", m.description),
    }))
  }))

export const kalshiListings = () => kalshiFromWire(readJson(join(fixturesDir, "kalshi-events.json")))
export const polymarketListings = () => polymarketFromWire(readJson(join(fixturesDir, "gamma-events.json")))
export const labels = (): {
  readonly labels: { readonly kalshi: Record<string, string | false>; readonly polymarket: Record<string, string | false> }
  readonly notes: { readonly kalshi: Record<string, string>; readonly polymarket: Record<string, string> }
} => readJson(join(fixturesDir, "labels.json"))
