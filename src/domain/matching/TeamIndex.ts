/**
 * Precomputed, normalised lookups over the team reference data, built once at start-up.
 *
 * Matching a market never scans aliases: a Kalshi or Polymarket code is one map lookup, and the
 * teams named in a title are found by looking up each of its word n-grams in one phrase map.
 *
 * @since 0.1.0
 */
import type { League } from "../../schema/Sport.ts"
import { normalize, normalizeCode, significantTokens, tokens } from "./Normalize.ts"
import { teamPhrases, type TeamFile, type TeamRecord } from "./TeamData.ts"

/** A team with its league and precomputed normalised forms. @category models */
export interface Team extends TeamRecord {
  readonly league: League
  /** Normalised full name */
  readonly nameKey: string
  /** Normalised nickname (mascot) */
  readonly nicknameKey: string
  /** Significant words of the location */
  readonly locationWords: ReadonlyArray<string>
  /** Significant words of name, location, nickname and short name, de-duplicated */
  readonly words: ReadonlyArray<string>
}

/** Lookups for one league. @category models */
export interface LeagueIndex {
  readonly league: League
  readonly teams: ReadonlyArray<Team>
  readonly byEspnId: ReadonlyMap<string, Team>
  readonly byKalshi: ReadonlyMap<string, Team>
  readonly byPolymarket: ReadonlyMap<string, Team>
  /** Unique text phrases (names, aliases) → team */
  readonly byPhrase: ReadonlyMap<string, Team>
  /** Nickname → every team with it (shared nicknames have several) */
  readonly byNickname: ReadonlyMap<string, ReadonlyArray<Team>>
  /**
   * The first words of every name, alias and location → every team they can start
   * ("los angeles" starts the Lakers and, through an alias, the Clippers)
   */
  readonly byLeadingWords: ReadonlyMap<string, ReadonlyArray<Team>>
  readonly maxPhraseWords: number
  /** Distinct lengths of the league's Kalshi codes, for splitting ticker team parts */
  readonly kalshiCodeLengths: ReadonlyArray<number>
}

/** @category models */
export interface TeamIndex {
  readonly leagues: ReadonlyMap<League, LeagueIndex>
}

// Single words that are also everyday English or too short to mean a team in free text
const TEXT_STOP = new Set(["was", "nor", "no", "os", "as", "at", "in", "on", "or", "it", "is", "be", "an", "us", "win", "will", "a s"])

/** Whether a phrase may be looked for in free text (titles, questions). @category keys */
export const isTextPhrase = (phrase: string): boolean => {
  if (TEXT_STOP.has(phrase)) return false
  return phrase.includes(" ") || phrase.length >= 3
}

const toTeam = (league: League, record: TeamRecord): Team => {
  const words = new Set<string>()
  for (const s of [record.name, record.location, record.nickname, record.shortName ?? ""]) {
    for (const w of significantTokens(normalize(s))) words.add(w)
  }
  return {
    ...record,
    league,
    nameKey: normalize(record.name),
    nicknameKey: normalize(record.nickname),
    locationWords: significantTokens(normalize(record.location)),
    words: [...words]
  }
}

/** Builds one league's lookups. Collisions must have been rejected by `validateLeague` first. @category constructors */
export const buildLeagueIndex = (file: TeamFile): LeagueIndex => {
  const teams = file.teams.map((t) => toTeam(file.league, t))
  const byEspnId = new Map<string, Team>()
  const byKalshi = new Map<string, Team>()
  const byPolymarket = new Map<string, Team>()
  const byPhrase = new Map<string, Team>()
  const byNickname = new Map<string, Array<Team>>()
  const byLeadingWords = new Map<string, Array<Team>>()
  const lengths = new Set<number>()
  let maxPhraseWords = 1
  for (const team of teams) {
    byEspnId.set(team.espnId, team)
    for (const c of team.kalshi) {
      const code = normalizeCode(c)
      byKalshi.set(code, team)
      lengths.add(code.length)
    }
    for (const c of team.polymarket) byPolymarket.set(normalizeCode(c), team)
    for (const p of teamPhrases(team)) {
      if (p === normalize(team.abbreviation) && !team.aliases.some((a) => normalize(a) === p)) continue
      if (!isTextPhrase(p)) continue
      byPhrase.set(p, team)
      maxPhraseWords = Math.max(maxPhraseWords, tokens(p).length)
    }
    const list = byNickname.get(team.nicknameKey) ?? []
    list.push(team)
    byNickname.set(team.nicknameKey, list)
    const leading = new Set<string>()
    for (const p of [...teamPhrases(team), normalize(team.location)]) {
      const words = tokens(p)
      for (let k = 1; k <= words.length; k++) leading.add(words.slice(0, k).join(" "))
    }
    for (const key of leading) byLeadingWords.set(key, [...(byLeadingWords.get(key) ?? []), team])
  }
  // A location names its team in text when no other team's name or alias starts with it
  for (const team of teams) {
    const location = normalize(team.location)
    if (byLeadingWords.get(location)?.length === 1 && isTextPhrase(location) && !byPhrase.has(location)) {
      byPhrase.set(location, team)
      maxPhraseWords = Math.max(maxPhraseWords, tokens(location).length)
    }
  }
  return {
    league: file.league,
    teams,
    byEspnId,
    byKalshi,
    byPolymarket,
    byPhrase,
    byNickname,
    byLeadingWords,
    maxPhraseWords,
    kalshiCodeLengths: [...lengths].sort((a, b) => a - b)
  }
}

/** @category constructors */
export const buildIndex = (files: ReadonlyArray<TeamFile>): TeamIndex =>
  ({ leagues: new Map(files.map((f) => [f.league, buildLeagueIndex(f)] as const)) })

/**
 * The teams a normalised text names unambiguously (by full name or alias), found by n-gram
 * lookups; longest phrases win and consumed words are not reused.
 *
 * @category lookups
 */
export const mentionedTeams = (index: LeagueIndex, normalized: string): ReadonlySet<Team> => {
  const words = tokens(normalized)
  const found = new Set<Team>()
  let i = 0
  while (i < words.length) {
    let matched = 0
    for (let n = Math.min(index.maxPhraseWords, words.length - i); n >= 1; n--) {
      const team = index.byPhrase.get(words.slice(i, i + n).join(" "))
      if (team !== undefined) {
        found.add(team)
        matched = n
        break
      }
    }
    i += matched === 0 ? 1 : matched
  }
  return found
}
