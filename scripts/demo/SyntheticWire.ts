/**
 * Synthetic responses in the real wire formats, as recording entries: ESPN scoreboards, Kalshi
 * events, markets and order-book snapshots, Polymarket (Gamma) events and markets, CLOB markets and
 * book frames. The demo generator (`make-demo.ts`) and the scripted test days
 * (`test/support/Scenario.ts`) both write recordings from them, so the two list and settle their
 * games in one shape: a Kalshi event with a market per team, a Polymarket moneyline market with a
 * token per team ([away, home]), rule texts that settle overtime and a canceled game the same way on
 * both venues.
 *
 * In a recording, connection 1 is Kalshi's market feed and connection 2 Polymarket's
 * (`feedsOpen`). All times are epoch ms.
 */
import type { Entry } from "../../src/services/recording/Format.ts"
import { SegmentWriter } from "../../src/services/recording/SegmentWriter.ts"

export const ESPN = "https://site.api.espn.com/apis/site/v2/sports"
export const KALSHI = "https://external-api.kalshi.com/trade-api/v2"
export const GAMMA = "https://gamma-api.polymarket.com"
export const CLOB = "https://clob.polymarket.com"
export const KALSHI_WS = "wss://external-api-ws.kalshi.com/trade-api/ws/v2"
export const POLY_WS = "wss://ws-subscriptions-clob.polymarket.com/ws/market"

/** `2025-06-01` */
export const day = (t: number) => new Date(t).toISOString().slice(0, 10)
/** `20250601`, ESPN's scoreboard date */
export const ymd = (t: number) => day(t).replaceAll("-", "")
/** `25JUN01`, the date in a Kalshi event ticker */
export const kalshiDate = (t: number) => {
  const d = new Date(t)
  return `${String(d.getUTCFullYear()).slice(2)}${["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"][d.getUTCMonth()]}${String(d.getUTCDate()).padStart(2, "0")}`
}
export const mmss = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`
export const ordinal = (n: number) => (n === 1 ? "1st" : n === 2 ? "2nd" : n === 3 ? "3rd" : `${n}th`)
/** American moneyline odds for a probability (no vig): 0.6 -> -150, 0.4 -> +150. */
export const american = (p: number): number => (p >= 0.5 ? -Math.round(100 * p / (1 - p)) : Math.round(100 * (1 - p) / p))

/** A GET answered 200 with `body` as JSON at `t`. */
export const httpEntry = (t: number, url: string, body: unknown): Entry => ({ k: "http", t, method: "GET", url, status: 200, body: JSON.stringify(body) })

// ESPN

/** A scoreboard event's status: scheduled (no state yet), in progress at `clock` seconds left in `period`, or final. */
export const espnStatus = (s: { readonly period: number; readonly clock: number } | undefined, final: boolean) => {
  if (final) return { clock: 0, displayClock: "0:00", period: s!.period, type: { id: "3", name: "STATUS_FINAL", state: "post", completed: true, description: "Final", detail: "Final", shortDetail: "Final" } }
  if (s === undefined) return { clock: 0, displayClock: "0:00", period: 0, type: { id: "1", name: "STATUS_SCHEDULED", state: "pre", completed: false, description: "Scheduled", detail: "Scheduled", shortDetail: "Scheduled" } }
  const detail = `${mmss(s.clock)} - ${ordinal(s.period)}`
  return { clock: s.clock, displayClock: mmss(s.clock), period: s.period, type: { id: "2", name: "STATUS_IN_PROGRESS", state: "in", completed: false, description: "In Progress", detail, shortDetail: detail } }
}

/** A scoreboard event's pre-game line for a home-win probability, under a provider name that says it is synthetic. */
export const espnOdds = (provider: string, pregameHome: number) => [{
  provider: { id: "0", name: provider, priority: 1 },
  homeTeamOdds: { moneyLine: american(pregameHome) },
  awayTeamOdds: { moneyLine: american(1 - pregameHome) }
}]

/** A league's scoreboard (`sport`: ESPN's path segment, e.g. `basketball`) with `events`, at `t`. */
export const scoreboardEntry = (t: number, sport: string, league: string, events: ReadonlyArray<unknown>): Entry =>
  httpEntry(t, `${ESPN}/${sport}/${league}/scoreboard?dates=${ymd(t)}`, { leagues: [{ abbreviation: league.toUpperCase() }], events })

// Kalshi

/** One team's market of a game event. */
export const kalshiMarket = (m: {
  readonly ticker: string
  readonly eventTicker: string
  /** The event's title, "Away at Home" */
  readonly title: string
  /** The team's location, Kalshi's sub-title */
  readonly location: string
  /** ESPN's sport, e.g. `basketball` */
  readonly sport: string
  readonly day: string
  readonly openTime: number
  readonly closeTime: number
  readonly expectedExpirationTime: number
}) => ({
  ticker: m.ticker,
  event_ticker: m.eventTicker,
  market_type: "binary",
  title: `${m.title} Winner?`,
  yes_sub_title: m.location,
  no_sub_title: m.location,
  status: "active",
  open_time: new Date(m.openTime).toISOString(),
  close_time: new Date(m.closeTime).toISOString(),
  expected_expiration_time: new Date(m.expectedExpirationTime).toISOString(),
  rules_primary: `If ${m.location} wins the ${m.title} ${m.sport} game scheduled for ${m.day}, including any overtime, then the market resolves to Yes.`,
  // Synthetic rule text, worded like Polymarket's so the two venues settle identically
  rules_secondary: "If the game is canceled or not completed, the market resolves 50-50.",
  price_level_structure: "linear_cent",
  price_ranges: [{ start: "0.0000", end: "1.0000", step: "0.0100" }],
  result: ""
})

type KalshiMarket = ReturnType<typeof kalshiMarket>

/** A game event with its markets ([home, away]). */
export const kalshiEvent = (eventTicker: string, series: string, title: string, day: string, markets: ReadonlyArray<KalshiMarket>) =>
  ({ event_ticker: eventTicker, series_ticker: series, title, sub_title: day, category: "Sports", mutually_exclusive: true, markets })

/** What Kalshi answers about an event from `t`: the event with its markets, each market, and its series. */
export const kalshiEventEntries = (t: number, event: ReturnType<typeof kalshiEvent>, league: string): Array<Entry> => [
  httpEntry(t, `${KALSHI}/events/${event.event_ticker}`, { event: { ...event, markets: undefined }, markets: event.markets }),
  ...event.markets.map((m) => httpEntry(t, `${KALSHI}/markets/${m.ticker}`, { market: m })),
  httpEntry(t, `${KALSHI}/series/${event.series_ticker}`, { series: { ticker: event.series_ticker, title: `${league.toUpperCase()} Game`, category: "Sports", frequency: "custom", fee_type: "quadratic", fee_multiplier: 1 } })
]

/** A market finalized at `t` with its result: what settlement reads. */
export const kalshiSettledEntry = (t: number, market: KalshiMarket, won: boolean): Entry =>
  httpEntry(t, `${KALSHI}/markets/${market.ticker}`, { market: { ...market, status: "finalized", result: won ? "yes" : "no" } })

/** An order-book snapshot on connection 1: `bids` and `asks` of the yes side, best first, [price, contracts]. */
export const kalshiBookEntry = (t: number, ticker: string, bids: ReadonlyArray<readonly [number, number]>, asks: ReadonlyArray<readonly [number, number]>): Entry => ({
  k: "ws", t, c: 1, e: "in",
  // Kalshi books are yes bids and no bids; a no bid at q is a yes ask at 1 - q
  data: JSON.stringify({ type: "orderbook_snapshot", sid: 1, seq: 0, msg: { market_ticker: ticker, yes_dollars_fp: bids.map(([px, n]) => [dollars(px), fp(n)]).reverse(), no_dollars_fp: asks.map(([px, n]) => [dollars(1 - px), fp(n)]).reverse() } })
})

const dollars = (p: number) => (Math.round(p * 100) / 100).toFixed(4)
const fp = (n: number) => n.toFixed(2)

// Polymarket

interface Side {
  /** Full name, e.g. "New York Knicks" */
  readonly name: string
  /** Nickname, e.g. "Knicks": the market's outcome */
  readonly nickname: string
}

/** A game's moneyline market on Gamma, outcomes and tokens [away, home]. */
export const gammaMarket = (m: {
  readonly id: string
  readonly league: string
  readonly away: Side
  readonly home: Side
  readonly day: string
  readonly condition: string
  readonly slug: string
  readonly tokens: readonly [string, string]
  readonly start: number
}) => ({
  id: m.id,
  question: `${m.away.nickname} vs. ${m.home.nickname}`,
  description: `This market refers to the ${m.league.toUpperCase()} game between the ${m.away.name} and the ${m.home.name} scheduled for ${m.day}, including any overtime. If the game is canceled or not completed, this market will resolve 50-50. (SYNTHETIC listing)`,
  conditionId: m.condition,
  slug: m.slug,
  outcomes: JSON.stringify([m.away.nickname, m.home.nickname]),
  outcomePrices: JSON.stringify(["0.5", "0.5"]),
  clobTokenIds: JSON.stringify([...m.tokens]),
  sportsMarketType: "moneyline",
  gameStartTime: new Date(m.start).toISOString().replace("T", " ").replace(/\.\d+Z$/, "+00"),
  active: true,
  closed: false,
  enableOrderBook: true,
  feesEnabled: true,
  feeSchedule: { rate: 0.03, exponent: 1, takerOnly: true }
})

type GammaMarket = ReturnType<typeof gammaMarket>

interface GammaTeam {
  readonly id: number
  readonly name: string
  readonly abbreviation: string
}

/** A Gamma event holding `market`, with its `teams[]`. */
export const gammaEvent = (e: {
  readonly id: string
  readonly market: GammaMarket
  readonly league: string
  readonly day: string
  readonly startDate: number
  readonly endDate: number
  readonly home: GammaTeam
  readonly away: GammaTeam
}) => ({
  id: e.id,
  ticker: e.market.slug,
  slug: e.market.slug,
  title: e.market.question,
  startDate: new Date(e.startDate).toISOString(),
  endDate: new Date(e.endDate).toISOString(),
  active: true,
  closed: false,
  eventDate: e.day,
  tags: [{ id: "1", label: "Sports", slug: "sports" }, { id: "2", label: e.league.toUpperCase(), slug: e.league }],
  teams: [
    { id: e.home.id, name: e.home.name, abbreviation: e.home.abbreviation, league: e.league, ordering: "home" },
    { id: e.away.id, name: e.away.name, abbreviation: e.away.abbreviation, league: e.league, ordering: "away" }
  ],
  markets: [e.market]
})

/** Gamma's markets of a condition from `t`; Gamma pages by offset until an empty page. */
export const gammaMarketEntries = (t: number, condition: string, markets: ReadonlyArray<GammaMarket>): Array<Entry> => [
  httpEntry(t, `${GAMMA}/markets?limit=100&offset=0&condition_ids=${condition}`, markets),
  httpEntry(t, `${GAMMA}/markets?limit=100&offset=${markets.length}&condition_ids=${condition}`, [])
]

/** The CLOB's market from `open`, and closed with its winning token from `settledAt`: what settlement reads. */
export const clobMarketEntries = (open: number, settledAt: number, market: GammaMarket, homeWon: boolean): Array<Entry> => {
  const [awayToken, homeToken] = JSON.parse(market.clobTokenIds) as [string, string]
  const [awayOutcome, homeOutcome] = JSON.parse(market.outcomes) as [string, string]
  const clob = (settled: boolean) => ({
    condition_id: market.conditionId,
    question: market.question,
    market_slug: market.slug,
    active: true,
    closed: settled,
    accepting_orders: !settled,
    enable_order_book: true,
    minimum_tick_size: 0.01,
    minimum_order_size: 5,
    neg_risk: false,
    tokens: [
      { token_id: awayToken, outcome: awayOutcome, price: settled ? (homeWon ? 0 : 1) : 0.5, winner: settled && !homeWon },
      { token_id: homeToken, outcome: homeOutcome, price: settled ? (homeWon ? 1 : 0) : 0.5, winner: settled && homeWon }
    ]
  })
  return [httpEntry(open, `${CLOB}/markets/${market.conditionId}`, clob(false)), httpEntry(settledAt, `${CLOB}/markets/${market.conditionId}`, clob(true))]
}

/** A book frame on connection 2: `bids` and `asks` of `token`, best first, [price, size]. */
export const polymarketBookEntry = (t: number, token: string, condition: string, bids: ReadonlyArray<readonly [number, number]>, asks: ReadonlyArray<readonly [number, number]>): Entry => ({
  k: "ws", t, c: 2, e: "in",
  data: JSON.stringify({ event_type: "book", asset_id: token, market: condition, bids: bids.map(([px, n]) => ({ price: String(px), size: String(n) })).reverse(), asks: asks.map(([px, n]) => ({ price: String(px), size: String(n) })).reverse(), timestamp: String(t), hash: "synthetic" })
})

// Both venues

/** The open listings from `t`: each Kalshi series' events and each league's Gamma events (then an empty page). */
export const listingEntries = (t: number, kalshiEvents: Readonly<Record<string, ReadonlyArray<unknown>>>, gammaEvents: Readonly<Record<string, ReadonlyArray<unknown>>>): Array<Entry> => [
  ...Object.entries(kalshiEvents).map(([series, events]) =>
    httpEntry(t, `${KALSHI}/events?limit=200&series_ticker=${series}&status=open&with_nested_markets=true`, { events, cursor: "" })),
  ...Object.entries(gammaEvents).flatMap(([league, events]) => [
    httpEntry(t, `${GAMMA}/events?closed=false&tag_slug=${league}&limit=100&offset=0`, events),
    httpEntry(t, `${GAMMA}/events?closed=false&tag_slug=${league}&limit=100&offset=${events.length}`, [])
  ])
]

/** Both market feeds opened at `t`: Kalshi's as connection 1, Polymarket's as 2. */
export const feedsOpen = (t: number): Array<Entry> => [{ k: "ws", t, c: 1, e: "open", url: KALSHI_WS }, { k: "ws", t, c: 2, e: "open", url: POLY_WS }]

/** Kalshi's pings on connection 1 every 10 s from `from` to `to`. */
export const kalshiPings = (from: number, to: number): Array<Entry> => {
  const out: Array<Entry> = []
  for (let t = from; t <= to; t += 10_000) out.push({ k: "ws", t, c: 1, e: "ping" })
  return out
}

/** Writes `entries`, in receive order, into `dir` as one recording labelled synthetic; returns its manifest. */
export const writeSyntheticRecording = (dir: string, description: string, entries: Iterable<Entry>) => {
  const writer = new SegmentWriter({
    dir,
    segmentBytes: 4 * 1024 * 1024,
    segmentMillis: 3_600_000,
    maxBytes: 64 * 1024 * 1024,
    flushEntries: 4_096,
    flushMillis: 600_000,
    synthetic: true,
    description
  })
  for (const e of entries) writer.append(e)
  return writer.close()
}
