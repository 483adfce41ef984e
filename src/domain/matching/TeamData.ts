/**
 * Team reference data: the Schema of `data/teams/<league>.json` and the checks a file must pass
 * before any matcher may use it.
 *
 * A team is identified by its ESPN id; everything else (ESPN abbreviation, full name, aliases,
 * Kalshi and Polymarket codes) is a *key* that resolves to it. Within one league no key may
 * resolve to two teams: {@link validateLeague} reports every such collision, and the loader refuses
 * a file that has any. Nicknames and locations may be shared (Panthers, Cardinals, "Los Angeles"):
 * they are not keys, and the fuzzy ladder disambiguates them.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { TeamId } from "../../schema/Ids.ts"
import { League } from "../../schema/Sport.ts"
import { normalize, normalizeCode } from "./Normalize.ts"

const Text = Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(80))
const Code = Schema.String.check(Schema.isPattern(/^[A-Za-z0-9]{1,12}$/, { expected: "a venue team code (1-12 letters or digits)" }))

/**
 * Where a team's venue codes come from: `community` (public community code or captures, not a
 * first-hand venue payload) or `assumed` (no evidence found; the ESPN abbreviation is used).
 *
 * @category schemas
 */
export const CodeEvidence = Schema.Literals(["verified", "community", "assumed"])
export type CodeEvidence = typeof CodeEvidence.Type

/**
 * Where a team's ESPN id comes from: a recorded ESPN payload, a community list cross-checked
 * against ESPN payloads, or the same school's id evidenced in another college sport.
 *
 * @category schemas
 */
export const IdEvidence = Schema.Literals(["espn-payload", "community", "cross-sport"])
export type IdEvidence = typeof IdEvidence.Type

/** @category schemas */
export const TeamRecord = Schema.Struct({
  espnId: TeamId,
  /** ESPN's own abbreviation ("NY", "GS", "SA"); not necessarily a venue code */
  abbreviation: Text,
  /** ESPN `displayName` */
  name: Text,
  location: Text,
  /** The mascot or short club name; may be shared within a league */
  nickname: Text,
  shortName: Schema.optionalKey(Text),
  aliases: Schema.Array(Text),
  kalshi: Schema.Array(Code),
  polymarket: Schema.Array(Code),
  codeEvidence: CodeEvidence,
  idEvidence: IdEvidence
})
export type TeamRecord = typeof TeamRecord.Type

/** @category schemas */
export const TeamFile = Schema.Struct({
  league: League,
  version: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  season: Text,
  sources: Schema.Array(Schema.String),
  notes: Schema.optionalKey(Schema.Array(Schema.String)),
  teams: Schema.Array(TeamRecord)
})
export type TeamFile = typeof TeamFile.Type

/** One key that resolves to more than one team. @category models */
export interface KeyCollision {
  readonly league: League
  readonly kind: "phrase" | "kalshi" | "polymarket" | "espnId"
  readonly key: string
  readonly teams: ReadonlyArray<string>
}

/**
 * The phrases that identify a team in text: full name, "location nickname", short name and
 * aliases, normalised. ESPN's abbreviation is included too (lower-cased, it is how ESPN writes
 * the team in compact text).
 *
 * @category keys
 */
export const teamPhrases = (team: TeamRecord): ReadonlyArray<string> => {
  const out = new Set<string>()
  const add = (s: string) => {
    const n = normalize(s)
    if (n !== "") out.add(n)
  }
  add(team.name)
  add(`${team.location} ${team.nickname}`)
  if (team.shortName !== undefined && normalize(team.shortName) !== normalize(team.location)) add(team.shortName)
  add(team.abbreviation)
  for (const a of team.aliases) add(a)
  return [...out]
}

/**
 * Every key collision in one league file: a phrase, Kalshi code or Polymarket code shared by two
 * teams, or a duplicated ESPN id. An empty result means the file is usable.
 *
 * @category validation
 */
export const validateLeague = (file: TeamFile): ReadonlyArray<KeyCollision> => {
  const collisions: Array<KeyCollision> = []
  const check = (kind: KeyCollision["kind"], keysOf: (t: TeamRecord) => ReadonlyArray<string>) => {
    const owners = new Map<string, Set<string>>()
    for (const team of file.teams) {
      for (const key of keysOf(team)) {
        const set = owners.get(key) ?? new Set<string>()
        set.add(team.name)
        owners.set(key, set)
      }
    }
    for (const [key, set] of owners) {
      if (set.size > 1) collisions.push({ league: file.league, kind, key, teams: [...set].sort() })
    }
  }
  const ids = new Map<string, number>()
  for (const t of file.teams) ids.set(t.espnId, (ids.get(t.espnId) ?? 0) + 1)
  for (const [id, n] of ids) {
    if (n > 1) {
      collisions.push({ league: file.league, kind: "espnId", key: id, teams: file.teams.filter((t) => t.espnId === id).map((t) => t.name) })
    }
  }
  check("phrase", teamPhrases)
  check("kalshi", (t) => t.kalshi.map(normalizeCode))
  check("polymarket", (t) => t.polymarket.map(normalizeCode))
  return collisions
}
