/**
 * Sports and leagues: the closed set arbees knows about.
 *
 * A `Sport` decides the model family and the risk defaults; a `League` decides where data comes
 * from (ESPN slugs) and which venue series list it. Every URL and market lookup is built from this
 * table, never from raw strings.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/** The original ten sports, plus the WNBA. @category schemas */
export const Sport = Schema.Literals(["nfl", "ncaaf", "nba", "ncaab", "wnba", "nhl", "mlb", "mls", "soccer", "tennis", "mma"])
export type Sport = typeof Sport.Type

/** How a sport's game is modelled. @category models */
export type SportFamily = "football" | "basketball" | "hockey" | "baseball" | "soccer" | "tennis" | "mma"

/** @category models */
export const sportFamily: Record<Sport, SportFamily> = {
  nfl: "football",
  ncaaf: "football",
  nba: "basketball",
  ncaab: "basketball",
  wnba: "basketball",
  nhl: "hockey",
  mlb: "baseball",
  mls: "soccer",
  soccer: "soccer",
  tennis: "tennis",
  mma: "mma"
}

/** Whether a game in this sport can end in a draw (three-way markets). @category models */
export const hasDraw = (sport: Sport): boolean => sportFamily[sport] === "soccer"

/** Every league arbees can follow. @category schemas */
export const League = Schema.Literals([
  "nfl",
  "ncaaf",
  "nba",
  "ncaab",
  "wnba",
  "nhl",
  "mlb",
  "mls",
  "epl",
  "laliga",
  "bundesliga",
  "seriea",
  "ligue1",
  "ucl",
  "atp",
  "wta",
  "ufc"
])
export type League = typeof League.Type

/** Static facts about a league. @category models */
export interface LeagueInfo {
  readonly league: League
  readonly sport: Sport
  readonly name: string
  /** ESPN site API path segments: `/sports/{espnSport}/{espnLeague}/scoreboard` */
  readonly espnSport: string
  readonly espnLeague: string
}

const info = (league: League, sport: Sport, name: string, espnSport: string, espnLeague: string): LeagueInfo => ({
  league,
  sport,
  name,
  espnSport,
  espnLeague
})

/** The closed league table. @category models */
export const leagues: Record<League, LeagueInfo> = {
  nfl: info("nfl", "nfl", "NFL", "football", "nfl"),
  ncaaf: info("ncaaf", "ncaaf", "NCAA Football", "football", "college-football"),
  nba: info("nba", "nba", "NBA", "basketball", "nba"),
  ncaab: info("ncaab", "ncaab", "NCAA Men's Basketball", "basketball", "mens-college-basketball"),
  wnba: info("wnba", "wnba", "WNBA", "basketball", "wnba"),
  nhl: info("nhl", "nhl", "NHL", "hockey", "nhl"),
  mlb: info("mlb", "mlb", "MLB", "baseball", "mlb"),
  mls: info("mls", "mls", "MLS", "soccer", "usa.1"),
  epl: info("epl", "soccer", "Premier League", "soccer", "eng.1"),
  laliga: info("laliga", "soccer", "LaLiga", "soccer", "esp.1"),
  bundesliga: info("bundesliga", "soccer", "Bundesliga", "soccer", "ger.1"),
  seriea: info("seriea", "soccer", "Serie A", "soccer", "ita.1"),
  ligue1: info("ligue1", "soccer", "Ligue 1", "soccer", "fra.1"),
  ucl: info("ucl", "soccer", "UEFA Champions League", "soccer", "uefa.champions"),
  atp: info("atp", "tennis", "ATP", "tennis", "atp"),
  wta: info("wta", "tennis", "WTA", "tennis", "wta"),
  ufc: info("ufc", "mma", "UFC", "mma", "ufc")
}

/** The league for an ESPN `{sport}/{league}` slug pair, if arbees knows it. @category lookups */
export const leagueFromEspnSlug = (espnSport: string, espnLeague: string): League | undefined => {
  for (const l of Object.values(leagues)) {
    if (l.espnSport === espnSport && l.espnLeague === espnLeague) return l.league
  }
  return undefined
}
