/**
 * ESPN site API wire schemas: the parts of the scoreboard and summary payloads arbees reads.
 *
 * Unknown keys are ignored and everything arbees can live without is optional and nullable, so a
 * payload that grows or drops a peripheral field still decodes. Numbers ESPN sometimes sends as
 * strings (`score`, odds) are `NumLike`. Each event is decoded on its own (`ScoreboardEnvelope`
 * keeps events as `unknown`), so one bad event never poisons a slate.
 *
 * Facts: `../shared/docs/PROTOCOLS.md` §1 and the fixtures in `../shared/fixtures/espn-*`.
 *
 * @since 0.1.0
 */
import { Schema, SchemaTransformation } from "effect"

const opt = <S extends Schema.Constraint>(schema: S) => Schema.optionalKey(Schema.NullOr(schema))

/** A number ESPN may send as a number or as a numeric string (`"25"`, `"-110"`). @category schemas */
export const NumLike = Schema.Union([Schema.Number, Schema.String])
export type NumLike = typeof NumLike.Type

/** An id ESPN sends as a string (`"401547417"`), read as a string even if it arrives as a number. @category schemas */
export const Id = Schema.Union([Schema.String, Schema.Int]).pipe(
  Schema.decodeTo(
    Schema.String,
    SchemaTransformation.transform<string, string | number>({ decode: (id) => String(id), encode: (id) => id })
  )
)

/** `status.type`. @category schemas */
export const StatusType = Schema.Struct({
  id: opt(Schema.String),
  name: opt(Schema.String),
  state: opt(Schema.String),
  completed: opt(Schema.Boolean),
  description: opt(Schema.String),
  detail: opt(Schema.String),
  shortDetail: opt(Schema.String)
})

/** `events[].status` / `competitions[0].status` / `header.competitions[0].status`. @category schemas */
export const Status = Schema.Struct({
  clock: opt(NumLike),
  displayClock: opt(Schema.String),
  period: opt(NumLike),
  type: StatusType
})
export type Status = typeof Status.Type

/** @category schemas */
export const Team = Schema.Struct({
  id: Id,
  abbreviation: opt(Schema.String),
  displayName: opt(Schema.String),
  shortDisplayName: opt(Schema.String),
  location: opt(Schema.String),
  name: opt(Schema.String)
})

/** A tennis player or fighter. @category schemas */
export const Athlete = Schema.Struct({
  displayName: opt(Schema.String),
  shortName: opt(Schema.String),
  fullName: opt(Schema.String)
})

/** A period's (or set's) score. @category schemas */
export const LineScore = Schema.Struct({
  value: opt(NumLike),
  displayValue: opt(Schema.String),
  winner: opt(Schema.Boolean),
  tiebreak: opt(NumLike)
})

/** @category schemas */
export const Competitor = Schema.Struct({
  id: Id,
  type: opt(Schema.String),
  order: opt(NumLike),
  homeAway: opt(Schema.String),
  winner: opt(Schema.Boolean),
  possession: opt(Schema.Boolean),
  score: opt(Schema.Union([NumLike, Schema.Struct({ value: opt(NumLike), displayValue: opt(Schema.String) })])),
  linescores: opt(Schema.Array(LineScore)),
  team: opt(Team),
  athlete: opt(Athlete)
})
export type Competitor = typeof Competitor.Type

/** One side's odds in a provider entry (shapes differ by provider and endpoint). @category schemas */
export const SideOdds = Schema.Struct({
  moneyLine: opt(NumLike),
  /** Decimal odds (Bet365 on soccer) */
  value: opt(NumLike),
  favorite: opt(Schema.Boolean),
  teamId: opt(Id)
})

const Quote = Schema.Struct({ odds: opt(Schema.String), line: opt(Schema.String) })
const OpenClose = Schema.Struct({ open: opt(Quote), close: opt(Quote) })

/** A scoreboard `odds[]` or summary `pickcenter[]` entry. @category schemas */
export const Odds = Schema.Struct({
  provider: opt(Schema.Struct({ id: opt(Schema.String), name: opt(Schema.String), priority: opt(NumLike) })),
  details: opt(Schema.String),
  overUnder: opt(NumLike),
  spread: opt(NumLike),
  homeTeamOdds: opt(SideOdds),
  awayTeamOdds: opt(SideOdds),
  drawOdds: opt(SideOdds),
  /** The newer ESPN BET block: `{ home: { open, close: { odds: "-110" } }, away, draw }` */
  moneyline: opt(Schema.Struct({ home: opt(OpenClose), away: opt(OpenClose), draw: opt(OpenClose) })),
  pointSpread: opt(Schema.Struct({ home: opt(OpenClose), away: opt(OpenClose) }))
})
export type Odds = typeof Odds.Type

/** `competitions[0].situation` (live football, baseball). @category schemas */
export const Situation = Schema.Struct({
  down: opt(NumLike),
  distance: opt(NumLike),
  yardsToEndzone: opt(NumLike),
  possession: opt(Id),
  possessionText: opt(Schema.String),
  homeTimeouts: opt(NumLike),
  awayTimeouts: opt(NumLike),
  balls: opt(NumLike),
  strikes: opt(NumLike),
  outs: opt(NumLike),
  onFirst: opt(Schema.Boolean),
  onSecond: opt(Schema.Boolean),
  onThird: opt(Schema.Boolean)
})
export type Situation = typeof Situation.Type

/** A key event in a soccer match (`competitions[0].details[]`). @category schemas */
export const Detail = Schema.Struct({
  redCard: opt(Schema.Boolean),
  team: opt(Schema.Struct({ id: opt(Id) }))
})

/** @category schemas */
export const Competition = Schema.Struct({
  id: Id,
  date: opt(Schema.String),
  startDate: opt(Schema.String),
  status: opt(Status),
  competitors: Schema.Array(Competitor),
  format: opt(Schema.Struct({ regulation: opt(Schema.Struct({ periods: opt(NumLike) })) })),
  /** Played at neither team's ground (bowls, tournaments, some openers) */
  neutralSite: opt(Schema.Boolean),
  situation: opt(Situation),
  // Peripheral arrays stay raw: their entries are decoded one by one, and a bad entry only loses itself
  odds: opt(Schema.Array(Schema.Unknown)),
  details: opt(Schema.Array(Schema.Unknown)),
  /** Tennis: `{ slug: "mens-singles" }` */
  type: opt(Schema.Struct({ slug: opt(Schema.String), text: opt(Schema.String) }))
})
export type Competition = typeof Competition.Type

/** A team-sport event: one game, the first competition. @category schemas */
export const Event = Schema.Struct({
  id: Id,
  date: opt(Schema.String),
  status: opt(Status),
  season: opt(Schema.Struct({ type: opt(NumLike) })),
  competitions: Schema.Array(Competition)
})
export type Event = typeof Event.Type

/** A tennis tournament: matches are nested in `groupings[].competitions[]`. @category schemas */
export const TennisEvent = Schema.Struct({
  id: Id,
  groupings: opt(Schema.Array(Schema.Struct({
    grouping: opt(Schema.Struct({ slug: opt(Schema.String) })),
    competitions: Schema.Array(Schema.Unknown)
  }))),
  competitions: opt(Schema.Array(Schema.Unknown))
})

/** `leagues[0]` / `header.league`: used to infer the league of a saved payload. @category schemas */
export const LeagueRef = Schema.Struct({
  slug: opt(Schema.String),
  uid: opt(Schema.String),
  abbreviation: opt(Schema.String)
})

/** The scoreboard document; events are decoded one by one. @category schemas */
export const ScoreboardEnvelope = Schema.Struct({
  leagues: opt(Schema.Array(LeagueRef)),
  events: Schema.Array(Schema.Unknown)
})

/** A play's clock. @category schemas */
export const PlayClock = Schema.Struct({ displayValue: opt(Schema.String), value: opt(NumLike) })

/** A drive play's down-and-distance at its start or end. @category schemas */
export const DownDistance = Schema.Struct({
  down: opt(NumLike),
  distance: opt(NumLike),
  yardLine: opt(NumLike),
  yardsToEndzone: opt(NumLike),
  team: opt(Schema.Struct({ id: opt(Id) }))
})

/** A play, top-level (NBA, NHL, MLB) or in a drive (NFL, NCAAF). @category schemas */
export const Play = Schema.Struct({
  id: Id,
  sequenceNumber: opt(NumLike),
  type: opt(Schema.Struct({ id: opt(Schema.String), text: opt(Schema.String), type: opt(Schema.String) })),
  text: opt(Schema.String),
  awayScore: opt(NumLike),
  homeScore: opt(NumLike),
  period: opt(Schema.Struct({ number: opt(NumLike), type: opt(Schema.String), displayValue: opt(Schema.String) })),
  clock: opt(PlayClock),
  team: opt(Schema.Struct({ id: opt(Id) })),
  scoringPlay: opt(Schema.Boolean),
  start: opt(DownDistance),
  end: opt(DownDistance),
  // Baseball: outs and runners; the `on*` keys are present only while a runner is on that base
  outs: opt(NumLike),
  resultCount: opt(Schema.Struct({ balls: opt(NumLike), strikes: opt(NumLike) })),
  onFirst: opt(Schema.Unknown),
  onSecond: opt(Schema.Unknown),
  onThird: opt(Schema.Unknown),
  atBatId: opt(Schema.String)
})
export type Play = typeof Play.Type

/** A `winprobability[]` entry (fractions in 0..1). @category schemas */
export const WinProbability = Schema.Struct({
  playId: Id,
  homeWinPercentage: NumLike,
  tiePercentage: opt(NumLike)
})
export type WinProbability = typeof WinProbability.Type

/** `predictor` (pre-game): percentages as strings, often only for one side. @category schemas */
export const Predictor = Schema.Struct({
  homeTeam: opt(Schema.Struct({ gameProjection: opt(NumLike), teamChanceLoss: opt(NumLike) })),
  awayTeam: opt(Schema.Struct({ gameProjection: opt(NumLike), teamChanceLoss: opt(NumLike) }))
})

/** The summary document. Plays are kept raw and decoded one by one. @category schemas */
export const SummaryEnvelope = Schema.Struct({
  header: Schema.Struct({
    id: opt(Schema.String),
    league: opt(LeagueRef),
    season: opt(Schema.Struct({ type: opt(NumLike) })),
    competitions: Schema.Array(Competition)
  }),
  plays: opt(Schema.Array(Schema.Unknown)),
  drives: opt(Schema.Struct({
    previous: opt(Schema.Array(Schema.Struct({ plays: opt(Schema.Array(Schema.Unknown)) }))),
    current: opt(Schema.Struct({ plays: opt(Schema.Array(Schema.Unknown)) }))
  })),
  winprobability: opt(Schema.Array(Schema.Unknown)),
  pickcenter: opt(Schema.Array(Schema.Unknown)),
  odds: opt(Schema.Array(Schema.Unknown)),
  predictor: opt(Predictor)
})
export type SummaryEnvelope = typeof SummaryEnvelope.Type
