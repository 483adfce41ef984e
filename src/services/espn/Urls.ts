/**
 * ESPN site API URLs, built only from the closed league table and validated inputs.
 *
 * No raw string from a caller or a payload ever reaches a path: the sport and league segments come
 * from `leagues` in `Sport.ts` (checked against a strict pattern), the game id is a `GameId` (digits)
 * and dates are `EspnDate`s (`YYYYMMDD`). Query values are encoded by `URLSearchParams`.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { GameId } from "../../schema/Ids.ts"
import { type League, leagues } from "../../schema/Sport.ts"

/** A calendar day as ESPN's `dates=` parameter takes it: `YYYYMMDD`. @category schemas */
export const EspnDate = Schema.String.check(
  Schema.isPattern(/^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/, { expected: "a date as YYYYMMDD" })
).pipe(Schema.brand("EspnDate"))
export type EspnDate = typeof EspnDate.Type

/** One day or an inclusive range of days (`dates=YYYYMMDD-YYYYMMDD`). @category models */
export type ScoreboardDates = EspnDate | { readonly from: EspnDate; readonly to: EspnDate }

/** Which ESPN endpoint a request is for (metric and dead-letter label). @category models */
export type Endpoint = "scoreboard" | "summary"

// ESPN's scoreboard days are US Eastern calendar days: a 21:30 ET tip-off on the 15th is listed
// under `dates=…15` although it is the 16th in UTC.
const easternDay = new Intl.DateTimeFormat("en-CA", {
  timeZone: "America/New_York",
  year: "numeric",
  month: "2-digit",
  day: "2-digit"
})

/** The ESPN day (US Eastern) containing an instant. @category constructors */
export const espnDateOf = (epochMillis: number): EspnDate => {
  const parts = easternDay.formatToParts(epochMillis)
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? ""
  return Schema.decodeUnknownSync(EspnDate)(`${part("year")}${part("month")}${part("day")}`)
}

/**
 * Query parameters a league always needs. College scoreboards default to a small, curated page:
 * `groups` selects the whole division (community usage: 80 = FBS, 50 = Division I) and `limit`
 * lifts the page size.
 */
const leagueQuery: Partial<Record<League, Readonly<Record<string, string>>>> = {
  ncaaf: { groups: "80", limit: "500" },
  ncaab: { groups: "50", limit: "500" }
}

const SEGMENT = /^[a-z0-9][a-z0-9.-]{0,63}$/

/** The path segments of a league, re-checked so a bad table entry can never become a path. */
const segments = (league: League): readonly [string, string] => {
  const info = leagues[league]
  if (!SEGMENT.test(info.espnSport) || !SEGMENT.test(info.espnLeague)) {
    throw new Error(`league table entry ${league} has an unsafe ESPN slug`)
  }
  return [info.espnSport, info.espnLeague]
}

const build = (baseUrl: string, league: League, endpoint: Endpoint, query: Record<string, string>): string => {
  const base = new URL(baseUrl)
  const [sport, slug] = segments(league)
  base.pathname = `${base.pathname.replace(/\/+$/, "")}/${sport}/${slug}/${endpoint}`
  base.search = new URLSearchParams(query).toString()
  base.hash = ""
  return base.toString()
}

const datesParam = (dates: ScoreboardDates): string => {
  if (typeof dates === "string") return Schema.decodeUnknownSync(EspnDate)(dates)
  const from = Schema.decodeUnknownSync(EspnDate)(dates.from)
  const to = Schema.decodeUnknownSync(EspnDate)(dates.to)
  return from === to ? from : `${from}-${to}`
}

/** `…/{sport}/{league}/scoreboard?dates=…` for a day or a range. @category urls */
export const scoreboardUrl = (baseUrl: string, league: League, dates: ScoreboardDates): string =>
  build(baseUrl, league, "scoreboard", { ...leagueQuery[league], dates: datesParam(dates) })

/** `…/{sport}/{league}/summary?event={gameId}`. @category urls */
export const summaryUrl = (baseUrl: string, league: League, gameId: GameId): string =>
  build(baseUrl, league, "summary", { event: Schema.decodeUnknownSync(GameId)(gameId) })

/** The host a URL points at: the circuit breaker's key. @category urls */
export const hostOf = (url: string): string => new URL(url).host
