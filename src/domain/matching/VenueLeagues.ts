/**
 * How each venue names our leagues: the Kalshi series tickers of "who wins" game markets and the
 * Polymarket slug prefixes and tag slugs.
 *
 * Sources (community, verify against the live venues): LESSONS.md §1.6 and §2.1 (the original
 * system's and the reference bot's league tables). The college prefixes are the least certain.
 *
 * @since 0.1.0
 */
import type { League } from "../../schema/Sport.ts"

/** @category models */
export interface VenueLeague {
  readonly league: League
  /** Kalshi series of the game-winner markets */
  readonly kalshiGameSeries: ReadonlyArray<string>
  /** Polymarket event slug prefixes (`{prefix}-{team}-{team}-{date}`) */
  readonly polymarketPrefixes: ReadonlyArray<string>
  /** Polymarket tag slugs that put an event in this league */
  readonly polymarketTags: ReadonlyArray<string>
  /** Whether a game can end in a draw (soccer: three-way markets) */
  readonly draws: boolean
}

const v = (
  league: League,
  kalshiGameSeries: ReadonlyArray<string>,
  polymarketPrefixes: ReadonlyArray<string>,
  polymarketTags: ReadonlyArray<string>,
  draws = false
): VenueLeague => ({ league, kalshiGameSeries, polymarketPrefixes, polymarketTags, draws })

/** @category constants */
export const venueLeagues: ReadonlyArray<VenueLeague> = [
  v("nfl", ["KXNFLGAME"], ["nfl"], ["nfl"]),
  v("ncaaf", ["KXNCAAFGAME"], ["cfb", "ncaaf"], ["cfb", "ncaaf", "college-football"]),
  v("nba", ["KXNBAGAME"], ["nba"], ["nba"]),
  v("ncaab", ["KXNCAAMBGAME"], ["cbb", "ncaab"], ["cbb", "ncaab", "college-basketball"]),
  v("wnba", ["KXWNBAGAME"], ["wnba"], ["wnba"]),
  v("nhl", ["KXNHLGAME"], ["nhl"], ["nhl"]),
  v("mlb", ["KXMLBGAME"], ["mlb"], ["mlb"]),
  v("mls", ["KXMLSGAME"], ["mls"], ["mls"], true),
  v("epl", ["KXEPLGAME"], ["epl"], ["epl", "premier-league"], true),
  v("laliga", ["KXLALIGAGAME"], ["lal"], ["la-liga", "laliga"], true),
  v("bundesliga", ["KXBUNDESLIGAGAME"], ["bun"], ["bundesliga"], true),
  v("seriea", ["KXSERIEAGAME"], ["sea"], ["serie-a", "seriea"], true),
  v("ligue1", ["KXLIGUE1GAME"], ["fl1"], ["ligue-1", "ligue1"], true),
  v("ucl", ["KXUCLGAME"], ["ucl"], ["ucl", "champions-league"], true)
]

const bySeries = new Map(venueLeagues.flatMap((l) => l.kalshiGameSeries.map((s) => [s, l] as const)))
const byPrefix = new Map(venueLeagues.flatMap((l) => l.polymarketPrefixes.map((p) => [p, l] as const)))
const byTag = new Map(venueLeagues.flatMap((l) => l.polymarketTags.map((t) => [t, l] as const)))
const byLeague = new Map(venueLeagues.map((l) => [l.league, l] as const))

/** The league of a Kalshi game-winner series, if it is one. @category lookups */
export const leagueOfKalshiSeries = (series: string): VenueLeague | undefined => bySeries.get(series.toUpperCase())

/** The league of a Polymarket slug prefix. @category lookups */
export const leagueOfPolymarketPrefix = (prefix: string): VenueLeague | undefined => byPrefix.get(prefix.toLowerCase())

/** The league of a Polymarket tag slug. @category lookups */
export const leagueOfPolymarketTag = (tag: string): VenueLeague | undefined => byTag.get(tag.toLowerCase())

/** @category lookups */
export const venueLeague = (league: League): VenueLeague | undefined => byLeague.get(league)

/**
 * Whether a Kalshi series belongs to a known league but is not its game-winner series
 * (`KXNBASPREAD`, `KXNBATOTAL`, `KXEPLBTTS`, `KXMLBF5`...).
 *
 * @category lookups
 */
export const isOtherKalshiSeriesOfLeague = (series: string): boolean => {
  const s = series.toUpperCase()
  if (bySeries.has(s)) return false
  return venueLeagues.some((l) => l.kalshiGameSeries.some((g) => s.startsWith(g.replace(/GAME$/, ""))))
}
