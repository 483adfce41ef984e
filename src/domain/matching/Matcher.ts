/**
 * Game ↔ market matching: every ESPN game of a slate against the Kalshi and Polymarket listings.
 *
 * **Deterministic first.** A Kalshi event ticker gives the date and both team codes; a Gamma
 * sports event gives `teams[]` (with home/away), `startTime`/`eventDate` and a slug
 * `{prefix}-{team}-{team}-{date}` that is cross-checked. Codes resolve to ESPN team ids through the
 * team index, and a listing matches a game only when both teams are that game's teams, the league
 * is the game's league (the series or slug prefix decides it, so NBA never meets NCAAB) and the
 * date or start time agrees.
 *
 * **Fuzzy only as a fallback**, when a listing has no usable codes or teams: the ladder of
 * `Fuzzy.ts` must name both teams of exactly one game of that league on that date, no other team
 * may be named, and the market must be a moneyline. Below {@link FUZZY_MIN_CONFIDENCE} nothing is
 * matched.
 *
 * Every match carries a confidence, its method and the evidence used; every listing that matches
 * nothing is returned with the reason, and every game without a market says why.
 *
 * @since 0.1.0
 */
import type { OutcomeMeaning } from "../../schema/Market.ts"
import type { Platform } from "../../schema/Platform.ts"
import type { League } from "../../schema/Sport.ts"
import { isNonMoneyline, matchTeamInText, TEAM_MATCH_MIN_SCORE, type TeamTextMatch } from "./Fuzzy.ts"
import { easternHHMM, isGameDate, minutesBetween } from "./GameDate.ts"
import type { GameRef, GameTeam, KalshiEventListing, PolymarketEventListing, PolymarketMarketListing } from "./Inputs.ts"
import { marketSuffix, parseEventTicker, splitTeamCodes } from "./KalshiTicker.ts"
import { normalize, normalizeCode, significantTokens } from "./Normalize.ts"
import { equivalent, readRules, type Equivalence, type SettlementRules } from "./Settlement.ts"
import { teamPhrases } from "./TeamData.ts"
import { isTextPhrase, type LeagueIndex, mentionedTeams, type Team, type TeamIndex } from "./TeamIndex.ts"
import {
  isOtherKalshiSeriesOfLeague,
  leagueOfKalshiSeries,
  leagueOfPolymarketPrefix,
  leagueOfPolymarketTag,
  type VenueLeague
} from "./VenueLeagues.ts"

/** A fuzzy match needs at least this confidence. @category constants */
export const FUZZY_MIN_CONFIDENCE = 0.7

/** A venue start time may differ from ESPN's by this much and still be the same game. @category constants */
export const START_TOLERANCE_MS = 2 * 60 * 60 * 1000

/** A ticker's `HHMM` start (Eastern) may differ from ESPN's by this many minutes. @category constants */
export const TICKER_TIME_TOLERANCE_MINUTES = 90

/** @category models */
export type Method = "deterministic" | "fuzzy"

/** @category models */
export interface MappedOutcome {
  /** `yes`/`no` on Kalshi, the token id on Polymarket */
  readonly outcomeId: string
  readonly label: string
  readonly meaning: OutcomeMeaning
}

/** @category models */
export interface MarketMatch {
  /** Kalshi market ticker or Polymarket condition id */
  readonly marketId: string
  readonly outcomes: ReadonlyArray<MappedOutcome>
  readonly rules: SettlementRules
}

/** @category models */
export interface VenueMatch {
  readonly _tag: "Matched"
  readonly platform: Platform
  /** Kalshi event ticker or Polymarket event id */
  readonly eventId: string
  readonly method: Method
  readonly confidence: number
  readonly evidence: ReadonlyArray<string>
  readonly markets: ReadonlyArray<MarketMatch>
}

/** Why a game has no market on a venue. @category models */
export type UnmatchedReason =
  | "no_listing"
  | "listing_rejected"
  | "game_not_tradeable"
  | "ambiguous"
  | "below_threshold"
  | "conflicting_listings"

/** @category models */
export interface Unmatched {
  readonly _tag: "Unmatched"
  readonly platform: Platform
  readonly reason: UnmatchedReason
  readonly detail: string
}

/** @category models */
export interface GameMatch {
  readonly game: GameRef
  readonly kalshi: VenueMatch | Unmatched
  readonly polymarket: VenueMatch | Unmatched
  /** Whether the pair may be used for cross-venue arbitrage (both matched, rules equivalent) */
  readonly arbitrage: Equivalence
}

/** Why a listing matched no game. @category models */
export type RejectionReason =
  | "unknown_league"
  | "non_moneyline"
  | "no_team_data"
  | "ambiguous_codes"
  | "no_game"
  | "ambiguous_game"
  | "inconsistent"
  | "no_date"
  | "below_threshold"
  | "no_outcome_mapping"

/** @category models */
export interface Rejection {
  readonly platform: Platform
  readonly eventId: string
  readonly reason: RejectionReason
  readonly detail: string
}

/** @category models */
export interface MatchReport {
  readonly games: ReadonlyArray<GameMatch>
  readonly rejected: ReadonlyArray<Rejection>
}

// ---------------------------------------------------------------------------------------------
// The slate

interface Slate {
  readonly byPair: ReadonlyMap<string, ReadonlyArray<GameRef>>
  readonly byLeague: ReadonlyMap<League, ReadonlyArray<GameRef>>
}

const pairKey = (league: League, a: string, b: string) => (a < b ? `${league}|${a}|${b}` : `${league}|${b}|${a}`)

const buildSlate = (games: ReadonlyArray<GameRef>): Slate => {
  const byPair = new Map<string, Array<GameRef>>()
  const byLeague = new Map<League, Array<GameRef>>()
  for (const g of games) {
    const k = pairKey(g.league, g.home.teamId, g.away.teamId)
    byPair.set(k, [...(byPair.get(k) ?? []), g])
    byLeague.set(g.league, [...(byLeague.get(g.league) ?? []), g])
  }
  return { byPair, byLeague }
}

type Resolution =
  | { readonly _tag: "Match"; readonly game: GameRef; readonly match: VenueMatch }
  | { readonly _tag: "Reject"; readonly reason: RejectionReason; readonly detail: string; readonly games?: ReadonlyArray<GameRef> }

const reject = (reason: RejectionReason, detail: string, games?: ReadonlyArray<GameRef>): Resolution => ({
  _tag: "Reject",
  reason,
  detail,
  ...(games !== undefined ? { games } : {})
})

// ---------------------------------------------------------------------------------------------
// Teams of a game, as index teams (or ad-hoc teams for clubs the reference data lacks)

const phraseCache = new WeakMap<Team, ReadonlyArray<string>>()
const phrasesOf = (team: Team): ReadonlyArray<string> => {
  let p = phraseCache.get(team)
  if (p === undefined) {
    p = teamPhrases(team).filter(isTextPhrase)
    phraseCache.set(team, p)
  }
  return p
}

const labelKeyCache = new WeakMap<Team, ReadonlySet<string>>()
const labelKeys = (team: Team): ReadonlySet<string> => {
  let keys = labelKeyCache.get(team)
  if (keys === undefined) {
    keys = new Set([team.nameKey, team.nicknameKey, normalize(team.location), ...phrasesOf(team)].filter((k) => k !== ""))
    labelKeyCache.set(team, keys)
  }
  return keys
}

const adHocTeam = (league: League, t: GameTeam): Team => {
  const name = t.name
  const nickname = t.nickname ?? name
  const location = t.location ?? name
  const words = new Set([...significantTokens(normalize(name)), ...significantTokens(normalize(nickname))])
  return {
    espnId: t.teamId as Team["espnId"],
    abbreviation: t.abbreviation,
    name,
    location,
    nickname,
    aliases: [],
    kalshi: [],
    polymarket: [],
    codeEvidence: "assumed",
    idEvidence: "espn-payload",
    league,
    nameKey: normalize(name),
    nicknameKey: normalize(nickname),
    locationWords: significantTokens(normalize(location)),
    words: [...words]
  }
}

const teamOf = (li: LeagueIndex | undefined, league: League, t: GameTeam): Team =>
  li?.byEspnId.get(t.teamId) ?? adHocTeam(league, t)

const sideOf = (game: GameRef, team: Team): "home" | "away" | undefined =>
  team.espnId === game.home.teamId ? "home" : team.espnId === game.away.teamId ? "away" : undefined

const winMeaning = (side: "home" | "away" | "draw"): OutcomeMeaning =>
  side === "home" ? "home_win" : side === "away" ? "away_win" : "draw"

const loseMeaning = (side: "home" | "away" | "draw"): OutcomeMeaning =>
  side === "home" ? "not_home_win" : side === "away" ? "not_away_win" : "other"

const DRAW_WORDS = /\b(draw|tie|tied)\b/

/**
 * Which side of `game` a label (an outcome name, a Yes/No market's group title, a Kalshi
 * sub-title) means: by venue code, by an unambiguous phrase, or by the ladder against the game's
 * two teams only. `undefined` when it names neither or both.
 */
const sideOfLabel = (
  li: LeagueIndex | undefined,
  game: GameRef,
  label: string,
  codeIndex: ReadonlyMap<string, Team> | undefined,
  draws: boolean
): "home" | "away" | "draw" | undefined => {
  const n = normalize(label)
  if (draws && DRAW_WORDS.test(n)) return "draw"
  const byCode = codeIndex?.get(normalizeCode(label))
  if (byCode !== undefined && label.length <= 6) return sideOf(game, byCode)
  const home = teamOf(li, game.league, game.home)
  const away = teamOf(li, game.league, game.away)
  // Within one game a bare nickname or school name is enough, unless both teams share it
  const inHome = labelKeys(home).has(n)
  const inAway = labelKeys(away).has(n)
  if (inHome !== inAway) return inHome ? "home" : "away"
  if (inHome && inAway) return undefined
  if (li !== undefined) {
    const named = mentionedTeams(li, n)
    const sides = new Set([...named].map((t) => sideOf(game, t)))
    if (sides.has(undefined)) return undefined
    if (sides.size === 1) return [...sides][0]
    if (sides.size > 1) return undefined
  }
  const h = matchTeamInText(li ?? emptyLeague(game.league), home, phrasesOf(home), n)
  const a = matchTeamInText(li ?? emptyLeague(game.league), away, phrasesOf(away), n)
  const hOk = h.score >= 0.85
  const aOk = a.score >= 0.85
  if (hOk === aOk) return undefined
  return hOk ? "home" : "away"
}

const emptyLeagues = new Map<League, LeagueIndex>()
const emptyLeague = (league: League): LeagueIndex => {
  let li = emptyLeagues.get(league)
  if (li === undefined) {
    li = {
      league,
      teams: [],
      byEspnId: new Map(),
      byKalshi: new Map(),
      byPolymarket: new Map(),
      byPhrase: new Map(),
      byNickname: new Map(),
      byLeadingWords: new Map(),
      maxPhraseWords: 1,
      kalshiCodeLengths: []
    }
    emptyLeagues.set(league, li)
  }
  return li
}

// ---------------------------------------------------------------------------------------------
// Fuzzy fallback

interface FuzzyPick {
  readonly game: GameRef
  readonly confidence: number
  readonly home: TeamTextMatch
  readonly away: TeamTextMatch
}

const fuzzyPick = (
  li: LeagueIndex | undefined,
  candidates: ReadonlyArray<GameRef>,
  rawText: string
): { readonly pick?: FuzzyPick; readonly reason?: RejectionReason; readonly detail: string; readonly near?: ReadonlyArray<GameRef> } => {
  const text = normalize(rawText)
  const named = li === undefined ? new Set<Team>() : mentionedTeams(li, text)
  const passing: Array<FuzzyPick> = []
  let best = 0
  let bestGame: GameRef | undefined
  for (const game of candidates) {
    const home = teamOf(li, game.league, game.home)
    const away = teamOf(li, game.league, game.away)
    const others = [...named].filter((t) => t.espnId !== home.espnId && t.espnId !== away.espnId)
    if (others.length > 0) continue
    const lx = li ?? emptyLeague(game.league)
    const h = matchTeamInText(lx, home, phrasesOf(home), text)
    const a = matchTeamInText(lx, away, phrasesOf(away), text)
    // The same words must not stand for both teams (Tigers vs Tigers)
    if (h.matched !== "" && h.matched === a.matched) continue
    const confidence = Math.min(h.score, a.score) * 0.95
    if (confidence > best) {
      best = confidence
      bestGame = game
    }
    if (h.score >= TEAM_MATCH_MIN_SCORE && a.score >= TEAM_MATCH_MIN_SCORE && confidence >= FUZZY_MIN_CONFIDENCE) {
      passing.push({ game, confidence, home: h, away: a })
    }
  }
  if (passing.length === 0) {
    return {
      reason: "below_threshold",
      detail: bestGame === undefined ? "no candidate game names both teams" : `best candidate ${bestGame.gameId} scored ${Math.round(best * 100) / 100}`,
      ...(bestGame !== undefined ? { near: [bestGame] } : {})
    }
  }
  passing.sort((x, y) => y.confidence - x.confidence)
  if (passing.length > 1 && passing[1]!.confidence === passing[0]!.confidence) {
    return { reason: "ambiguous_game", detail: `games ${passing.map((p) => p.game.gameId).join(", ")} fit equally`, near: passing.map((p) => p.game) }
  }
  return { pick: passing[0]!, detail: "" }
}

const finish = (
  platform: Platform,
  eventId: string,
  game: GameRef,
  method: Method,
  confidence: number,
  evidence: ReadonlyArray<string>,
  mapped: { readonly markets: ReadonlyArray<MarketMatch>; readonly problem?: string }
): Resolution => {
  if (mapped.problem !== undefined) return reject("inconsistent", mapped.problem, [game])
  if (mapped.markets.length === 0) return reject("no_outcome_mapping", "no market names a team of the game", [game])
  return { _tag: "Match", game, match: { _tag: "Matched", platform, eventId, method, confidence, evidence, markets: mapped.markets } }
}

const fuzzyEvidence = (evidence: ReadonlyArray<string>, pick: FuzzyPick): ReadonlyArray<string> => [
  ...evidence,
  `title home ${pick.home.rung} "${pick.home.matched}"`,
  `title away ${pick.away.rung} "${pick.away.matched}"`
]

// ---------------------------------------------------------------------------------------------
// Kalshi

const kalshiMarkets = (
  li: LeagueIndex | undefined,
  vl: VenueLeague,
  event: KalshiEventListing,
  game: GameRef,
  method: Method
): { readonly markets: ReadonlyArray<MarketMatch>; readonly problem?: string } => {
  const markets: Array<MarketMatch> = []
  for (const m of event.markets) {
    const suffix = marketSuffix(m.ticker, event.eventTicker)
    let side: "home" | "away" | "draw" | undefined
    if (suffix === "TIE" && vl.draws) side = "draw"
    else if (suffix !== undefined && li?.byKalshi.has(suffix)) {
      side = sideOf(game, li.byKalshi.get(suffix)!)
      if (side === undefined) return { markets: [], problem: `market ${m.ticker} is for a team not in game ${game.gameId}` }
    } else if (method === "fuzzy" && m.yesSubTitle !== undefined) {
      side = sideOfLabel(li, game, m.yesSubTitle, li?.byKalshi, vl.draws)
    }
    if (side === undefined) continue
    if (m.yesSubTitle !== undefined && li !== undefined && side !== "draw") {
      const named = mentionedTeams(li, normalize(m.yesSubTitle))
      const sides = new Set([...named].map((t) => sideOf(game, t)))
      if (sides.size > 0 && !(sides.size === 1 && sides.has(side))) {
        return { markets: [], problem: `market ${m.ticker} sub-title "${m.yesSubTitle}" contradicts its code` }
      }
    }
    const rules = readRules("kalshi", game.league, `${m.rulesPrimary ?? ""} ${m.rulesSecondary ?? ""}`, {
      hasDrawOutcome: vl.draws && event.markets.some((x) => marketSuffix(x.ticker, event.eventTicker) === "TIE"),
      implicitOther: false
    })
    markets.push({
      marketId: m.ticker,
      outcomes: [
        { outcomeId: "yes", label: m.yesSubTitle ?? suffix ?? "Yes", meaning: winMeaning(side) },
        { outcomeId: "no", label: m.noSubTitle ?? "No", meaning: loseMeaning(side) }
      ],
      rules
    })
  }
  return { markets }
}

const resolveKalshi = (index: TeamIndex, slate: Slate, event: KalshiEventListing): Resolution => {
  const series = (event.seriesTicker ?? event.eventTicker.split("-")[0] ?? "").toUpperCase()
  const vl = leagueOfKalshiSeries(series)
  if (vl === undefined) {
    return isOtherKalshiSeriesOfLeague(series)
      ? reject("non_moneyline", `series ${series} is not a game-winner series`)
      : reject("unknown_league", `series ${series} is not a known league`)
  }
  const li = index.leagues.get(vl.league)
  const parsed = parseEventTicker(event.eventTicker)
  const title = `${event.title ?? ""} ${event.subTitle ?? ""}`
  const evidence: Array<string> = [`series ${series} → ${vl.league}`]
  if (parsed === undefined) return fuzzyKalshi(li, vl, slate, event, undefined, [...evidence, "ticker has no known shape"])
  evidence.push(`ticker date ${parsed.date}${parsed.time !== undefined ? ` time ${parsed.time} ET` : ""}`)
  const split = li === undefined ? ({ _tag: "NoSplit" } as const) : splitTeamCodes(li, parsed.codes)
  if (split._tag === "Ambiguous") return reject("ambiguous_codes", `codes ${parsed.codes} split several ways: ${split.splits.join(", ")}`)
  if (split._tag === "NoSplit") {
    return fuzzyKalshi(li, vl, slate, event, parsed.date, [...evidence, `codes ${parsed.codes} are not two known ${vl.league} codes`])
  }
  evidence.push(`codes ${split.firstCode}+${split.secondCode} → ${split.first.name} / ${split.second.name}`)
  let games = (slate.byPair.get(pairKey(vl.league, split.first.espnId, split.second.espnId)) ?? []).filter((g) =>
    isGameDate(g.startTime, parsed.date)
  )
  if (parsed.time !== undefined) {
    games = games.filter((g) => minutesBetween(easternHHMM(g.startTime), parsed.time!) <= TICKER_TIME_TOLERANCE_MINUTES)
  }
  if (games.length === 0) return reject("no_game", `no ${vl.league} game of ${split.first.name} and ${split.second.name} on ${parsed.date}`)
  if (games.length > 1) {
    return reject("ambiguous_game", `${games.length} games of the pair on ${parsed.date} (doubleheader) and no start time to tell them apart`, games)
  }
  const game = games[0]!
  let confidence = 1
  if (li !== undefined && title.trim() !== "") {
    const named = mentionedTeams(li, normalize(title))
    const stray = [...named].filter((t) => sideOf(game, t) === undefined)
    if (stray.length > 0) return reject("inconsistent", `title "${title.trim()}" names ${stray.map((t) => t.name).join(", ")}`, [game])
    evidence.push(`title names ${named.size} of 2 teams`)
  } else {
    confidence = 0.98
    evidence.push("no title to cross-check")
  }
  evidence.push(split.first.espnId === game.away.teamId ? "code order away-home" : "code order home-away")
  return finish("kalshi", event.eventTicker, game, "deterministic", confidence, evidence, kalshiMarkets(li, vl, event, game, "deterministic"))
}

const fuzzyKalshi = (
  li: LeagueIndex | undefined,
  vl: VenueLeague,
  slate: Slate,
  event: KalshiEventListing,
  date: string | undefined,
  evidence: ReadonlyArray<string>
): Resolution => {
  if (date === undefined) return reject("no_date", "no game date in the ticker")
  const text = [event.title ?? "", event.subTitle ?? ""].join(" ")
  if (text.trim() === "") return reject("below_threshold", "no codes and no title to match on")
  if (isNonMoneyline(text)) return reject("non_moneyline", `title "${text.trim()}" is not a moneyline`)
  const candidates = (slate.byLeague.get(vl.league) ?? []).filter((g) => isGameDate(g.startTime, date))
  const r = fuzzyPick(li, candidates, text)
  if (r.pick === undefined) return reject(r.reason!, r.detail, r.near)
  const game = r.pick.game
  return finish("kalshi", event.eventTicker, game, "fuzzy", r.pick.confidence, fuzzyEvidence(evidence, r.pick), kalshiMarkets(li, vl, event, game, "fuzzy"))
}

// ---------------------------------------------------------------------------------------------
// Polymarket

const SLUG = /^([a-z0-9]+)-([a-z0-9]+)-([a-z0-9]+)-(\d{4}-\d{2}-\d{2})(?:-|$)/

const polymarketLeague = (event: PolymarketEventListing): { readonly vl?: VenueLeague; readonly detail: string } => {
  const found = new Map<League, VenueLeague>()
  const prefix = event.slug.split("-")[0] ?? ""
  for (const vl of [
    leagueOfPolymarketPrefix(prefix),
    event.seriesSlug !== undefined ? leagueOfPolymarketPrefix(event.seriesSlug) ?? leagueOfPolymarketTag(event.seriesSlug) : undefined,
    ...event.tagSlugs.map(leagueOfPolymarketTag)
  ]) {
    if (vl !== undefined) found.set(vl.league, vl)
  }
  if (found.size === 0) return { detail: `slug prefix "${prefix}" and tags name no known league` }
  if (found.size > 1) return { detail: `slug and tags name several leagues: ${[...found.keys()].join(", ")}` }
  return { vl: [...found.values()][0]!, detail: "" }
}

// The market type must say moneyline (when present) and the text must not name a period or line
const isMoneylineMarket = (m: PolymarketMarketListing): boolean =>
  (m.sportsMarketType === undefined || m.sportsMarketType === "moneyline") && !isNonMoneyline(`${m.question} ${m.groupItemTitle ?? ""}`)

const polymarketMarkets = (
  li: LeagueIndex | undefined,
  vl: VenueLeague,
  event: PolymarketEventListing,
  game: GameRef,
  moneylines: ReadonlyArray<PolymarketMarketListing>
): { readonly markets: ReadonlyArray<MarketMatch>; readonly problem?: string } => {
  const markets: Array<MarketMatch> = []
  const hasDraw = vl.draws && moneylines.some((m) => DRAW_WORDS.test(normalize(`${m.groupItemTitle ?? ""} ${m.slug ?? ""}`)))
  for (const m of moneylines) {
    if (m.outcomes.length !== m.tokenIds.length || m.outcomes.length !== 2) continue
    const rules = readRules("polymarket", game.league, `${m.description ?? event.description ?? ""}`, {
      hasDrawOutcome: hasDraw,
      implicitOther: event.negRiskAugmented || m.negRiskOther === true
    })
    const [o0, o1] = m.outcomes as [string, string]
    const yesNo = normalize(o0) === "yes" && normalize(o1) === "no"
    if (yesNo) {
      // One market per outcome (soccer three-way): the group title or slug suffix names it
      const suffix = m.slug !== undefined && m.slug.startsWith(`${event.slug}-`) ? m.slug.slice(event.slug.length + 1) : undefined
      const label = m.groupItemTitle ?? suffix ?? m.question
      let side = sideOfLabel(li, game, label, li?.byPolymarket, vl.draws)
      if (side === undefined && suffix !== undefined) side = sideOfLabel(li, game, suffix, li?.byPolymarket, vl.draws)
      if (side === undefined) continue
      markets.push({
        marketId: m.conditionId,
        outcomes: [
          { outcomeId: m.tokenIds[0]!, label: `Yes (${label})`, meaning: winMeaning(side) },
          { outcomeId: m.tokenIds[1]!, label: `No (${label})`, meaning: loseMeaning(side) }
        ],
        rules
      })
      continue
    }
    const s0 = sideOfLabel(li, game, o0, li?.byPolymarket, vl.draws)
    const s1 = sideOfLabel(li, game, o1, li?.byPolymarket, vl.draws)
    if (s0 === undefined || s1 === undefined || s0 === s1 || s0 === "draw" || s1 === "draw") {
      return { markets: [], problem: `market ${m.conditionId} outcomes ${JSON.stringify(m.outcomes)} do not name the game's two teams` }
    }
    markets.push({
      marketId: m.conditionId,
      outcomes: [
        { outcomeId: m.tokenIds[0]!, label: o0, meaning: winMeaning(s0) },
        { outcomeId: m.tokenIds[1]!, label: o1, meaning: winMeaning(s1) }
      ],
      rules
    })
  }
  return { markets }
}

const resolvePolymarketTeam = (li: LeagueIndex, t: { readonly name: string; readonly abbreviation?: string }) => {
  const byCode = t.abbreviation !== undefined ? li.byPolymarket.get(normalizeCode(t.abbreviation)) : undefined
  const byName = li.byPhrase.get(normalize(t.name))
  return { byCode, byName, team: byCode ?? byName }
}

const resolvePolymarket = (index: TeamIndex, slate: Slate, event: PolymarketEventListing): Resolution => {
  const { vl, detail } = polymarketLeague(event)
  if (vl === undefined) return reject("unknown_league", detail)
  const li = index.leagues.get(vl.league)
  const moneylines = event.markets.filter(isMoneylineMarket)
  if (moneylines.length === 0) return reject("non_moneyline", "the event has no open moneyline market")
  const evidence: Array<string> = [`league ${vl.league} from slug/tags`]
  const slug = SLUG.exec(event.slug)
  const date = event.eventDate ?? slug?.[4]
  if (event.eventDate !== undefined && slug !== null && slug[4] !== event.eventDate) {
    return reject("inconsistent", `slug date ${slug[4]} differs from eventDate ${event.eventDate}`)
  }
  if (li === undefined || event.teams.length !== 2) {
    return fuzzyPolymarket(li, vl, slate, event, moneylines, date, [...evidence, li === undefined ? "no team data" : "no teams[]"])
  }
  const [t0, t1] = event.teams as [PolymarketEventListing["teams"][number], PolymarketEventListing["teams"][number]]
  const r0 = resolvePolymarketTeam(li, t0)
  const r1 = resolvePolymarketTeam(li, t1)
  for (const r of [r0, r1]) {
    if (r.byCode !== undefined && r.byName !== undefined && r.byCode !== r.byName) {
      return reject("inconsistent", `teams[] code names ${r.byCode.name} but name names ${r.byName.name}`)
    }
  }
  if (r0.team === undefined || r1.team === undefined || r0.team === r1.team) {
    return fuzzyPolymarket(li, vl, slate, event, moneylines, date, [...evidence, "teams[] do not resolve to two known teams"])
  }
  const a = r0.team
  const b = r1.team
  evidence.push(`teams[] → ${a.name} (${t0.ordering ?? "?"}) / ${b.name} (${t1.ordering ?? "?"})`)
  let confidence = 1
  if (slug !== null) {
    const c1 = li.byPolymarket.get(normalizeCode(slug[2]!))
    const c2 = li.byPolymarket.get(normalizeCode(slug[3]!))
    if (c1 !== undefined && c2 !== undefined) {
      const same = (c1 === a && c2 === b) || (c1 === b && c2 === a)
      if (!same) return reject("inconsistent", `slug ${event.slug} names ${c1.name} / ${c2.name}, teams[] ${a.name} / ${b.name}`)
      evidence.push(`slug ${slug[2]}-${slug[3]} agrees`)
    } else {
      confidence = Math.min(confidence, 0.97)
      evidence.push(`slug codes ${slug[2]}-${slug[3]} not known`)
    }
  } else {
    confidence = Math.min(confidence, 0.97)
    evidence.push("slug has no team-date shape")
  }
  let games = slate.byPair.get(pairKey(vl.league, a.espnId, b.espnId)) ?? []
  const start = event.startTime ?? moneylines.find((m) => m.gameStartTime !== undefined)?.gameStartTime
  if (start !== undefined) {
    games = games.filter((g) => Math.abs(g.startTime - start) <= START_TOLERANCE_MS)
    evidence.push(`start ${new Date(start).toISOString()} within ${START_TOLERANCE_MS / 60000} min`)
  } else if (date !== undefined) {
    games = games.filter((g) => isGameDate(g.startTime, date))
    confidence = Math.min(confidence, 0.98)
    evidence.push(`date ${date}`)
  } else {
    return reject("no_date", "no startTime, eventDate or dated slug")
  }
  if (games.length === 0) return reject("no_game", `no ${vl.league} game of ${a.name} and ${b.name} at that time`)
  if (games.length > 1) {
    if (start === undefined) return reject("ambiguous_game", `${games.length} games of the pair on ${date}`, games)
    games = [...games].sort((x, y) => Math.abs(x.startTime - start) - Math.abs(y.startTime - start))
    const margin = Math.abs(games[1]!.startTime - start) - Math.abs(games[0]!.startTime - start)
    if (margin < 30 * 60 * 1000) return reject("ambiguous_game", `${games.length} games of the pair near ${new Date(start).toISOString()}`, games)
    evidence.push(`nearest of ${games.length} games of the pair (doubleheader)`)
  }
  const game = games[0]!
  const homeTeam = [[t0, a], [t1, b]].find(([t]) => (t as typeof t0).ordering === "home")?.[1] as Team | undefined
  if (homeTeam !== undefined && homeTeam.espnId !== game.home.teamId) {
    confidence = Math.min(confidence, 0.95)
    evidence.push("teams[] home/away differ from ESPN's (neutral site?)")
  }
  return finish("polymarket", event.id, game, "deterministic", confidence, evidence, polymarketMarkets(li, vl, event, game, moneylines))
}

const fuzzyPolymarket = (
  li: LeagueIndex | undefined,
  vl: VenueLeague,
  slate: Slate,
  event: PolymarketEventListing,
  moneylines: ReadonlyArray<PolymarketMarketListing>,
  date: string | undefined,
  evidence: ReadonlyArray<string>
): Resolution => {
  const start = event.startTime ?? moneylines.find((m) => m.gameStartTime !== undefined)?.gameStartTime
  if (date === undefined && start === undefined) return reject("no_date", "no startTime, eventDate or dated slug")
  const text = `${event.title} ${moneylines.map((m) => m.question).join(" ")}`
  const candidates = (slate.byLeague.get(vl.league) ?? []).filter((g) =>
    start !== undefined ? Math.abs(g.startTime - start) <= START_TOLERANCE_MS : isGameDate(g.startTime, date!)
  )
  const r = fuzzyPick(li, candidates, text)
  if (r.pick === undefined) return reject(r.reason!, r.detail, r.near)
  const game = r.pick.game
  return finish("polymarket", event.id, game, "fuzzy", r.pick.confidence, fuzzyEvidence(evidence, r.pick), polymarketMarkets(li, vl, event, game, moneylines))
}

// ---------------------------------------------------------------------------------------------
// The slate against the listings

/** @category models */
export interface Listings {
  readonly kalshi: ReadonlyArray<KalshiEventListing>
  readonly polymarket: ReadonlyArray<PolymarketEventListing>
}

const assign = (
  platform: Platform,
  games: ReadonlyArray<GameRef>,
  resolutions: ReadonlyArray<readonly [string, Resolution]>,
  rejected: Array<Rejection>
): Map<string, VenueMatch | Unmatched> => {
  const matches = new Map<string, Array<VenueMatch>>()
  const hints = new Map<string, Unmatched>()
  for (const [eventId, r] of resolutions) {
    if (r._tag === "Match") {
      matches.set(r.game.gameId, [...(matches.get(r.game.gameId) ?? []), r.match])
      continue
    }
    rejected.push({ platform, eventId, reason: r.reason, detail: r.detail })
    for (const g of r.games ?? []) {
      const reason: UnmatchedReason = r.reason === "ambiguous_game"
        ? "ambiguous"
        : r.reason === "below_threshold"
        ? "below_threshold"
        : "listing_rejected"
      // The first rejection that names the game explains it
      if (!hints.has(g.gameId)) {
        hints.set(g.gameId, { _tag: "Unmatched", platform, reason, detail: `${eventId}: ${r.reason}: ${r.detail}` })
      }
    }
  }
  const out = new Map<string, VenueMatch | Unmatched>()
  for (const game of games) {
    const ms = matches.get(game.gameId) ?? []
    if (ms.length > 1) {
      for (const m of ms) rejected.push({ platform, eventId: m.eventId, reason: "ambiguous_game", detail: `one of ${ms.length} listings for game ${game.gameId}` })
      out.set(game.gameId, {
        _tag: "Unmatched",
        platform,
        reason: "conflicting_listings",
        detail: `${ms.length} listings match: ${ms.map((m) => m.eventId).join(", ")}`
      })
    } else if (ms.length === 1) {
      out.set(game.gameId, ms[0]!)
    } else {
      out.set(game.gameId, hints.get(game.gameId) ?? { _tag: "Unmatched", platform, reason: "no_listing", detail: "no listing names this game" })
    }
  }
  return out
}

const primaryRules = (m: VenueMatch): SettlementRules | undefined => m.markets[0]?.rules

/**
 * Matches every game of the slate to its Kalshi and Polymarket moneyline markets.
 *
 * Games that are postponed or canceled are not matched (`game_not_tradeable`): their markets'
 * fate depends on a reschedule the venues may treat differently.
 *
 * @category matching
 */
export const matchSlate = (index: TeamIndex, games: ReadonlyArray<GameRef>, listings: Listings): MatchReport => {
  const tradeable = games.filter((g) => g.status !== "postponed" && g.status !== "canceled")
  const slate = buildSlate(tradeable)
  const rejected: Array<Rejection> = []
  const kalshi = assign(
    "kalshi",
    tradeable,
    listings.kalshi.map((e) => [e.eventTicker, resolveKalshi(index, slate, e)] as const),
    rejected
  )
  const polymarket = assign(
    "polymarket",
    tradeable,
    listings.polymarket.map((e) => [e.id, resolvePolymarket(index, slate, e)] as const),
    rejected
  )
  const out: Array<GameMatch> = games.map((game) => {
    const notTradeable = (platform: Platform): Unmatched => ({
      _tag: "Unmatched",
      platform,
      reason: "game_not_tradeable",
      detail: `game is ${game.status}`
    })
    const k = kalshi.get(game.gameId) ?? notTradeable("kalshi")
    const p = polymarket.get(game.gameId) ?? notTradeable("polymarket")
    let arbitrage: Equivalence = { eligible: false, reasons: ["not matched on both venues"] }
    if (k._tag === "Matched" && p._tag === "Matched") {
      const kr = primaryRules(k)
      const pr = primaryRules(p)
      arbitrage = kr !== undefined && pr !== undefined ? equivalent(kr, pr) : { eligible: false, reasons: ["no rules"] }
      if (k.method === "fuzzy" || p.method === "fuzzy") {
        arbitrage = { eligible: false, reasons: [...arbitrage.reasons, "a fuzzy match is never used for arbitrage"] }
      }
    }
    return { game, kalshi: k, polymarket: p, arbitrage }
  })
  return { games: out, rejected }
}
