/**
 * The fuzzy fallback: the original system's matching ladder, used only when a venue listing has
 * no deterministic data (codes, teams[]) to match on.
 *
 * | rung | rule | score |
 * | --- | --- | --- |
 * | exact | the team's full name appears as a phrase | 1.0 |
 * | alias | an alias, short name or "location nickname" appears | 0.95 |
 * | nickname | the nickname appears and is unique in the league, or is shared and another word of the team's location appears too | 0.85 |
 * | location | the location appears and no other team of the league has it ("Georgia Tech", not "Los Angeles") | 0.85 |
 * | overlap | at least 2 of the team's significant words appear, ratio ≥ 0.5 | the ratio |
 * | jaro-winkler | a one-word name of ≥ 6 letters is within Jaro-Winkler > 0.95 of a text word of ≥ 5 letters | 0.75 |
 *
 * @since 0.1.0
 */
import { jaroWinkler } from "./JaroWinkler.ts"
import { normalize, tokens } from "./Normalize.ts"
import type { LeagueIndex, Team } from "./TeamIndex.ts"

/** @category models */
export type Rung = "exact" | "alias" | "nickname" | "location" | "overlap" | "jaro-winkler" | "none"

/** @category models */
export interface TeamTextMatch {
  readonly rung: Rung
  readonly score: number
  /** What matched, for the evidence record */
  readonly matched: string
}

/** The per-team score below which a team does not count as named. @category constants */
export const TEAM_MATCH_MIN_SCORE = 0.7

const NONE: TeamTextMatch = { rung: "none", score: 0, matched: "" }

const containsPhrase = (text: string, phrase: string): boolean => {
  if (phrase === "") return false
  const padded = ` ${text} `
  return padded.includes(` ${phrase} `)
}

/**
 * How well a normalised text names `team` of `league`; `phrases` are the team's text phrases
 * (precomputed by the index).
 *
 * @category matching
 */
export const matchTeamInText = (
  league: LeagueIndex,
  team: Team,
  phrases: ReadonlyArray<string>,
  text: string
): TeamTextMatch => {
  if (containsPhrase(text, team.nameKey)) return { rung: "exact", score: 1, matched: team.nameKey }
  for (const p of phrases) {
    if (p !== team.nameKey && containsPhrase(text, p)) return { rung: "alias", score: 0.95, matched: p }
  }
  const words = new Set(tokens(text))
  if (team.nicknameKey !== "" && containsPhrase(text, team.nicknameKey)) {
    const shared = (league.byNickname.get(team.nicknameKey)?.length ?? 0) > 1
    const located = team.locationWords.some((w) => words.has(w) && !team.nicknameKey.split(" ").includes(w))
    if (!shared || located) return { rung: "nickname", score: 0.85, matched: team.nicknameKey }
  }
  const location = normalize(team.location)
  if (location !== "" && league.byLeadingWords.get(location)?.length === 1 && league.byEspnId.get(team.espnId) === team && containsPhrase(text, location)) {
    return { rung: "location", score: 0.85, matched: location }
  }
  const hits = team.words.filter((w) => words.has(w))
  if (hits.length >= 2 && hits.length / team.words.length >= 0.5) {
    return { rung: "overlap", score: Math.min(0.9, hits.length / team.words.length), matched: hits.join(" ") }
  }
  if (team.words.length === 1 && team.words[0]!.length >= 6) {
    const name = team.words[0]!
    for (const w of words) {
      if (w.length >= 5 && jaroWinkler(name, w) > 0.95) return { rung: "jaro-winkler", score: 0.75, matched: w }
    }
  }
  return NONE
}

const NON_MONEYLINE = [
  /\b(over|under|total|totals|spread|spreads|handicap|points|goals|corners|cards|assists|rebounds|strikeouts|hits|runs|yards|touchdowns?|scorer|mvp|props?|btts)\b/,
  /\b(quarter|half|halftime|period|inning|innings|set|map|round|first|1st|2nd|3rd|4th|q[1-4]|[12]h|f5)\b/,
  /\b(both teams|to score|exact score|correct score|winning margin|double chance|draw no bet|to advance|to qualify|series|championship|champion|playoffs|season)\b/,
  /(^|\s)[+-]\d+(\.\d+)?(\s|$)/,
  /\b\d+\.5\b/
]

/**
 * Whether a market's text says it is not the plain "who wins this game" market: spreads, totals,
 * props, periods, futures, or a line like "+5.5". Works on raw text (signs and decimals matter).
 *
 * @category matching
 */
export const isNonMoneyline = (rawText: string): boolean => {
  const text = rawText.toLowerCase().replace(/[’']/g, "")
  return NON_MONEYLINE.some((re) => re.test(text))
}
