/**
 * In-progress games for tests and benchmarks that need a live state of a real pairing but not a
 * particular play: Pelicans at Pacers (NBA) and Alabama at Georgia (college football), with ESPN's
 * team ids, started an hour before they are observed. The moment is the caller's.
 */
import type { GameState } from "../../src/schema/GameState.ts"
import type { GameId, TeamId } from "../../src/schema/Ids.ts"

/** Where a live game stands when it is observed at `now`. */
export interface Moment {
  readonly gameId: string
  readonly now: number
  readonly period: number
  readonly secondsRemaining: number
  readonly periodSecondsRemaining: number
  readonly home: number
  readonly away: number
  /** ESPN's short status, e.g. "5:00 - 3rd" */
  readonly detail: string
}

type Team = Omit<GameState["home"], "score">

const liveGame = (sport: "nba" | "ncaaf", home: Team, away: Team) => (m: Moment): GameState => ({
  gameId: m.gameId as GameId,
  league: sport,
  sport,
  status: "in_progress",
  startTime: m.now - 3_600_000,
  period: m.period,
  secondsRemaining: m.secondsRemaining,
  periodSecondsRemaining: m.periodSecondsRemaining,
  overtime: false,
  home: { ...home, score: m.home },
  away: { ...away, score: m.away },
  detail: m.detail,
  observedAt: m.now
})

/** New Orleans Pelicans at Indiana Pacers. */
export const nbaGame = liveGame(
  "nba",
  { teamId: "11" as TeamId, abbreviation: "IND", name: "Indiana Pacers" },
  { teamId: "3" as TeamId, abbreviation: "NO", name: "New Orleans Pelicans" }
)

/** Alabama Crimson Tide at Georgia Bulldogs. */
export const ncaafGame = liveGame(
  "ncaaf",
  { teamId: "61" as TeamId, abbreviation: "UGA", name: "Georgia Bulldogs" },
  { teamId: "333" as TeamId, abbreviation: "ALA", name: "Alabama Crimson Tide" }
)
