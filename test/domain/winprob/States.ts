/**
 * Game-state builders for the win-probability tests: a minimal valid `GameState` per sport, and the
 * home/away mirror of a state and of a prior (for symmetry checks).
 */
import type { GameState } from "../../../src/schema/GameState.ts"
import type { GameId, TeamId } from "../../../src/schema/Ids.ts"
import type { League, Sport } from "../../../src/schema/Sport.ts"
import type { Prior } from "../../../src/domain/winprob/prior/Prior.ts"

const leagueOf: Record<Sport, League> = {
  nfl: "nfl",
  ncaaf: "ncaaf",
  nba: "nba",
  ncaab: "ncaab",
  wnba: "wnba",
  nhl: "nhl",
  mlb: "mlb",
  mls: "mls",
  soccer: "epl",
  tennis: "atp",
  mma: "ufc"
}

/** A live state of `sport` with the given scores and overrides. */
export const stateOf = (sport: Sport, homeScore: number, awayScore: number, overrides: Partial<GameState> = {}): GameState => ({
  gameId: "401" as GameId,
  league: leagueOf[sport],
  sport,
  status: "in_progress",
  startTime: 0,
  period: 1,
  overtime: false,
  home: { teamId: "1" as TeamId, abbreviation: "HOM", name: "Home", score: homeScore },
  away: { teamId: "2" as TeamId, abbreviation: "AWY", name: "Away", score: awayScore },
  detail: "",
  observedAt: 0,
  ...overrides
})

const other = (side: "home" | "away"): "home" | "away" => (side === "home" ? "away" : "home")

/** The same game seen with the sides swapped. */
export const mirror = (s: GameState): GameState => {
  const out: Record<string, unknown> = { ...s, home: { ...s.away }, away: { ...s.home } }
  if (s.possession !== undefined) out["possession"] = other(s.possession)
  if (s.football !== undefined) {
    const f = s.football
    out["football"] = {
      ...f,
      ...(f.homeTimeouts !== undefined ? { awayTimeouts: f.homeTimeouts } : {}),
      ...(f.awayTimeouts !== undefined ? { homeTimeouts: f.awayTimeouts } : {}),
      ...(f.secondHalfKickoff !== undefined ? { secondHalfKickoff: other(f.secondHalfKickoff) } : {})
    }
    if (f.homeTimeouts === undefined) delete (out["football"] as Record<string, unknown>)["awayTimeouts"]
    if (f.awayTimeouts === undefined) delete (out["football"] as Record<string, unknown>)["homeTimeouts"]
  }
  if (s.soccer !== undefined) {
    out["soccer"] = { ...s.soccer, homeRedCards: s.soccer.awayRedCards ?? 0, awayRedCards: s.soccer.homeRedCards ?? 0 }
  }
  if (s.tennis !== undefined) {
    const t = s.tennis
    out["tennis"] = {
      ...t,
      sets: t.sets.map((x) => ({ home: x.away, away: x.home })),
      ...(t.awayPoints !== undefined ? { homePoints: t.awayPoints } : {}),
      ...(t.homePoints !== undefined ? { awayPoints: t.homePoints } : {}),
      ...(t.server !== undefined ? { server: other(t.server) } : {})
    }
  }
  return out as unknown as GameState
}

/** The prior with the sides swapped. */
export const mirrorPrior = (p: Prior): Prior => ({
  ...p,
  home: p.away,
  away: p.home,
  ...(p.rates !== undefined ? { rates: { home: p.rates.away, away: p.rates.home } } : {})
})
