/**
 * Small scripted days, written as recordings in the real format (`SegmentWriter`, read back with
 * `readRecording`), for whole-day simulations through the replayer.
 *
 * A scenario is a few games, each with scripted ESPN scoreboard states (period, clock, score),
 * scripted venue books (the home outcome's bid and ask per venue, the away outcome the complement
 * unless scripted), the venues' results a minute after each final, and optional venue outages
 * (a recorded `close` of the venue's connection and its next `open`). Listings are shaped as the
 * demo generator's (`scripts/demo/make-demo.ts`): a Kalshi event with a market per team, a
 * Polymarket moneyline market with a token per team, rule texts that settle the same way on both.
 *
 * Books are sent at each scripted change and re-sent every `BOOK_EVERY` ms as full snapshots (a venue that stays quiet still has a
 * live book, as the real ones keep talking); each level holds `size` contracts (default 100), with
 * `depth` levels a cent apart. Kalshi pings every 10 s. All times are scenario offsets in ms.
 * Everything here is synthetic and the manifest says so.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Entry } from "../../src/services/recording/Format.ts"
import { type Recording, readRecording } from "../../src/services/recording/RecordingReader.ts"
import { SegmentWriter } from "../../src/services/recording/SegmentWriter.ts"

const ESPN = "https://site.api.espn.com/apis/site/v2/sports"
const KALSHI = "https://external-api.kalshi.com/trade-api/v2"
const GAMMA = "https://gamma-api.polymarket.com"
const CLOB = "https://clob.polymarket.com"
const KALSHI_WS = "wss://external-api-ws.kalshi.com/trade-api/ws/v2"
const POLY_WS = "wss://ws-subscriptions-clob.polymarket.com/ws/market"

/** How often each venue re-sends every book (ms). */
export const BOOK_EVERY = 10_000
/** The venues' results come this long after each final (ms). */
export const SETTLE_AFTER = 60_000
/** Listings and the pre-game scoreboard appear this long before the first start (ms). */
export const LEAD = 3 * 60_000

const SPORTS = {
  nba: { sport: "basketball", series: "KXNBAGAME" },
  nhl: { sport: "hockey", series: "KXNHLGAME" },
  mlb: { sport: "baseball", series: "KXMLBGAME" }
} as const

/** @category models */
export type League = keyof typeof SPORTS

/** A scoreboard state from `at` on. `clock`: seconds left in the period. */
export interface State {
  readonly at: number
  readonly period: number
  readonly clock: number
  readonly home: number
  readonly away: number
}

/** A venue's books from `at` on: the home outcome's [bid, ask], the away outcome's (default: the complement). */
export interface Quote {
  readonly at: number
  readonly home: readonly [number, number]
  readonly away?: readonly [number, number] | undefined
  /** Contracts per level (default 100) */
  readonly size?: number | undefined
}

export interface GameScript {
  readonly league: League
  /** ESPN event id */
  readonly id: string
  /** ESPN team ids */
  readonly home: string
  readonly away: string
  /** Scheduled start (offset) */
  readonly start: number
  /** The pre-game line's home-win probability (the model's prior) */
  readonly pregameHome: number
  /** In-progress states, in time order; the last one is the final score at `finalAt` */
  readonly states: ReadonlyArray<State>
  readonly finalAt: number
  readonly kalshi: ReadonlyArray<Quote>
  readonly polymarket: ReadonlyArray<Quote>
}

export interface ScenarioScript {
  readonly name: string
  /** Epoch ms of offset 0 */
  readonly origin: number
  readonly games: ReadonlyArray<GameScript>
  /** Venue outages: the venue's socket closes at `from` and it accepts connections again at `to` */
  readonly outages?: ReadonlyArray<{ readonly venue: "kalshi" | "polymarket"; readonly from: number; readonly to: number }> | undefined
  /** Book depth, levels a cent apart (default 3) */
  readonly depth?: number | undefined
}

interface Team {
  readonly espnId: string
  readonly abbreviation: string
  readonly name: string
  readonly location: string
  readonly nickname: string
  readonly kalshi: ReadonlyArray<string>
  readonly polymarket: ReadonlyArray<string>
}

const teamOf = (league: League, espnId: string): Team => {
  const data = JSON.parse(readFileSync(`data/teams/${league}.json`, "utf8")) as { teams: ReadonlyArray<Team> }
  const team = data.teams.find((t) => t.espnId === espnId)
  if (team === undefined) throw new Error(`no ${league} team ${espnId} in data/teams`)
  return team
}

const day = (t: number) => new Date(t).toISOString().slice(0, 10)
const ymd = (t: number) => day(t).replaceAll("-", "")
const kalshiDate = (t: number) => {
  const d = new Date(t)
  return `${String(d.getUTCFullYear()).slice(2)}${["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"][d.getUTCMonth()]}${String(d.getUTCDate()).padStart(2, "0")}`
}
const mmss = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`
const ordinal = (n: number) => (n === 1 ? "1st" : n === 2 ? "2nd" : n === 3 ? "3rd" : `${n}th`)
const american = (p: number): number => (p >= 0.5 ? -Math.round(100 * p / (1 - p)) : Math.round(100 * (1 - p) / p))
const cents = (p: number) => Math.round(p * 100) / 100

/** Levels best first: `depth` prices a cent apart from `top`, `step` -0.01 (bids) or +0.01 (asks). */
const levels = (top: number, step: number, depth: number, size: number): Array<[number, number]> => {
  const out: Array<[number, number]> = []
  for (let k = 0; k < depth; k++) {
    const px = cents(top + k * step)
    if (px >= 0.01 && px <= 0.99) out.push([px, size])
  }
  return out
}

/** The ids a game's listings use, for the tests' assertions. */
export const listingOf = (origin: number, g: GameScript) => {
  const home = teamOf(g.league, g.home)
  const away = teamOf(g.league, g.away)
  const event = `${SPORTS[g.league].series}-${kalshiDate(origin + g.start)}${away.kalshi[0]}${home.kalshi[0]}`
  return {
    home,
    away,
    kalshiEvent: event,
    kalshiHome: `${event}-${home.kalshi[0]}`,
    kalshiAway: `${event}-${away.kalshi[0]}`,
    condition: `0x${g.id.padStart(64, "e")}`,
    /** Tokens: [away, home] */
    tokens: [`7${g.id}0`.padEnd(77, "1"), `7${g.id}1`.padEnd(77, "2")] as const
  }
}

/** The scenario's entries, in receive order. */
export const entriesOf = (script: ScenarioScript): Array<Entry> => {
  const O = script.origin
  const depth = script.depth ?? 3
  const entries: Array<Entry> = []
  const http = (t: number, url: string, body: unknown) => entries.push({ k: "http", t: O + t, method: "GET", url, status: 200, body: JSON.stringify(body) })
  const boards = new Map<League, Array<{ t: number; id: string; event: unknown }>>()
  const kalshiEvents: Record<string, Array<unknown>> = {}
  const gammaEvents: Partial<Record<League, Array<unknown>>> = {}
  const open = Math.min(...script.games.map((g) => g.start)) - LEAD
  const end = Math.max(...script.games.map((g) => g.finalAt)) + SETTLE_AFTER + 60_000

  for (const g of script.games) {
    const { sport, series } = SPORTS[g.league]
    const l = listingOf(O, g)
    const start = O + g.start
    const competitors = (s: State | undefined, final: boolean) =>
      ([[l.home, "home", 0], [l.away, "away", 1]] as const).map(([team, side, order]) => ({
        id: team.espnId,
        uid: `s:0~l:0~t:${team.espnId}`,
        type: "team",
        order,
        homeAway: side,
        ...(final ? { winner: side === "home" ? s!.home > s!.away : s!.away > s!.home } : {}),
        team: { id: team.espnId, location: team.location, name: team.nickname, abbreviation: team.abbreviation, displayName: team.name, shortDisplayName: team.nickname },
        score: String(s === undefined ? 0 : side === "home" ? s.home : s.away)
      }))
    const status = (s: State | undefined, final: boolean) => {
      if (final) return { clock: 0, displayClock: "0:00", period: s!.period, type: { id: "3", name: "STATUS_FINAL", state: "post", completed: true, description: "Final", detail: "Final", shortDetail: "Final" } }
      if (s === undefined) return { clock: 0, displayClock: "0:00", period: 0, type: { id: "1", name: "STATUS_SCHEDULED", state: "pre", completed: false, description: "Scheduled", detail: "Scheduled", shortDetail: "Scheduled" } }
      const detail = `${mmss(s.clock)} - ${ordinal(s.period)}`
      return { clock: s.clock, displayClock: mmss(s.clock), period: s.period, type: { id: "2", name: "STATUS_IN_PROGRESS", state: "in", completed: false, description: "In Progress", detail, shortDetail: detail } }
    }
    const date = new Date(start).toISOString().replace(/:\d\d\.\d+Z$/, "Z")
    const odds = [{
      provider: { id: "0", name: "SYNTHETIC (scripted pre-game line)", priority: 1 },
      homeTeamOdds: { moneyLine: american(g.pregameHome) },
      awayTeamOdds: { moneyLine: american(1 - g.pregameHome) }
    }]
    const event = (s: State | undefined, final: boolean) => {
      const st = status(s, final)
      return {
        id: g.id,
        uid: `s:0~l:0~e:${g.id}`,
        date,
        name: `${l.away.name} at ${l.home.name}`,
        shortName: `${l.away.abbreviation} @ ${l.home.abbreviation}`,
        competitions: [{ id: g.id, uid: `s:0~l:0~e:${g.id}~c:${g.id}`, date, competitors: competitors(s, final), status: st, odds }],
        status: st
      }
    }
    const board = boards.get(g.league) ?? []
    boards.set(g.league, board)
    board.push({ t: open, id: g.id, event: event(undefined, false) })
    for (const s of g.states) board.push({ t: s.at, id: g.id, event: event(s, false) })
    const last = g.states[g.states.length - 1]!
    board.push({ t: g.finalAt, id: g.id, event: event(last, true) })

    // Kalshi: an event with one market per team
    const title = `${l.away.location} at ${l.home.location}`
    const market = (team: Team, ticker: string) => ({
      ticker,
      event_ticker: l.kalshiEvent,
      market_type: "binary",
      title: `${title} Winner?`,
      yes_sub_title: team.location,
      no_sub_title: team.location,
      status: "active",
      open_time: new Date(O + open - 86_400_000).toISOString(),
      close_time: new Date(O + end + 14 * 86_400_000).toISOString(),
      expected_expiration_time: new Date(O + g.finalAt + 3_600_000).toISOString(),
      rules_primary: `If ${team.location} wins the ${title} ${sport} game scheduled for ${day(start)}, including any overtime, then the market resolves to Yes.`,
      rules_secondary: "If the game is canceled or not completed, the market resolves 50-50.",
      price_level_structure: "linear_cent",
      price_ranges: [{ start: "0.0000", end: "1.0000", step: "0.0100" }],
      result: ""
    })
    const markets = [market(l.home, l.kalshiHome), market(l.away, l.kalshiAway)]
    const kEvent = { event_ticker: l.kalshiEvent, series_ticker: series, title, sub_title: day(start), category: "Sports", mutually_exclusive: true, markets }
    ;(kalshiEvents[series] ??= []).push(kEvent)
    http(open, `${KALSHI}/events/${l.kalshiEvent}`, { event: { ...kEvent, markets: undefined }, markets })
    for (const m of markets) http(open, `${KALSHI}/markets/${m.ticker}`, { market: m })
    http(open, `${KALSHI}/series/${series}`, { series: { ticker: series, title: `${g.league.toUpperCase()} Game`, category: "Sports", frequency: "custom", fee_type: "quadratic", fee_multiplier: 1 } })

    // Polymarket: a moneyline market, tokens [away, home]
    const slug = `${g.league}-${l.away.polymarket[0]}-${l.home.polymarket[0]}-${day(start)}`
    const gammaMarket = {
      id: `59${g.id}`,
      question: `${l.away.nickname} vs. ${l.home.nickname}`,
      description: `This market refers to the ${g.league.toUpperCase()} game between the ${l.away.name} and the ${l.home.name} scheduled for ${day(start)}, including any overtime. If the game is canceled or not completed, this market will resolve 50-50. (SYNTHETIC listing)`,
      conditionId: l.condition,
      slug,
      outcomes: JSON.stringify([l.away.nickname, l.home.nickname]),
      outcomePrices: JSON.stringify(["0.5", "0.5"]),
      clobTokenIds: JSON.stringify([...l.tokens]),
      sportsMarketType: "moneyline",
      gameStartTime: new Date(start).toISOString().replace("T", " ").replace(/\.\d+Z$/, "+00"),
      active: true,
      closed: false,
      enableOrderBook: true,
      feesEnabled: true,
      feeSchedule: { rate: 0.03, exponent: 1, takerOnly: true }
    }
    const gammaEvent = {
      id: `99${g.id}`,
      ticker: slug,
      slug,
      title: gammaMarket.question,
      startDate: new Date(O + open - 86_400_000).toISOString(),
      endDate: new Date(O + end + 7 * 86_400_000).toISOString(),
      active: true,
      closed: false,
      eventDate: day(start),
      tags: [{ id: "1", label: "Sports", slug: "sports" }, { id: "2", label: g.league.toUpperCase(), slug: g.league }],
      teams: [
        { id: Number(`88${l.home.espnId}`), name: l.home.name, abbreviation: l.home.polymarket[0], league: g.league, ordering: "home" },
        { id: Number(`89${l.away.espnId}`), name: l.away.name, abbreviation: l.away.polymarket[0], league: g.league, ordering: "away" }
      ],
      markets: [gammaMarket]
    }
    ;(gammaEvents[g.league] ??= []).push(gammaEvent)
    http(open, `${GAMMA}/markets?limit=100&offset=0&condition_ids=${l.condition}`, [gammaMarket])
    http(open, `${GAMMA}/markets?limit=100&offset=1&condition_ids=${l.condition}`, [])

    // The venues' results after the final
    const homeWon = last.home > last.away
    const settledAt = g.finalAt + SETTLE_AFTER
    http(settledAt, `${KALSHI}/markets/${l.kalshiHome}`, { market: { ...markets[0], status: "finalized", result: homeWon ? "yes" : "no" } })
    http(settledAt, `${KALSHI}/markets/${l.kalshiAway}`, { market: { ...markets[1], status: "finalized", result: homeWon ? "no" : "yes" } })
    const clobMarket = (settled: boolean) => ({
      condition_id: l.condition,
      question: gammaMarket.question,
      market_slug: slug,
      active: true,
      closed: settled,
      accepting_orders: !settled,
      enable_order_book: true,
      minimum_tick_size: 0.01,
      minimum_order_size: 5,
      neg_risk: false,
      tokens: [
        { token_id: l.tokens[0], outcome: l.away.nickname, price: settled ? (homeWon ? 0 : 1) : 0.5, winner: settled && !homeWon },
        { token_id: l.tokens[1], outcome: l.home.nickname, price: settled ? (homeWon ? 1 : 0) : 0.5, winner: settled && homeWon }
      ]
    })
    http(open, `${CLOB}/markets/${l.condition}`, clobMarket(false))
    http(settledAt, `${CLOB}/markets/${l.condition}`, clobMarket(true))

    // The books: the scripted quote in force, re-sent every BOOK_EVERY
    for (const venue of ["kalshi", "polymarket"] as const) {
      const quotes = g[venue]
      if (quotes.length === 0) continue
      // Every BOOK_EVERY, and at each scripted change
      const times = new Set<number>(quotes.map((q) => q.at))
      for (let t = quotes[0]!.at; t <= settledAt; t += BOOK_EVERY) times.add(t)
      for (const t of [...times].sort((a, b) => a - b)) {
        let q = quotes[0]!
        for (const x of quotes) if (x.at <= t) q = x
        const size = q.size ?? 100
        const away = q.away ?? [cents(1 - q.home[1]), cents(1 - q.home[0])] as const
        const sides = [[l.kalshiHome, l.tokens[1], q.home], [l.kalshiAway, l.tokens[0], away]] as const
        for (const [ticker, token, [bid, ask]] of sides) {
          const bids = levels(bid, -0.01, depth, size)
          const asks = levels(ask, 0.01, depth, size)
          if (venue === "kalshi") {
            entries.push({
              k: "ws", t: O + t, c: 1, e: "in",
              data: JSON.stringify({ type: "orderbook_snapshot", sid: 1, seq: 0, msg: { market_ticker: ticker, yes_dollars_fp: bids.map(([px, n]) => [px.toFixed(4), n.toFixed(2)]).reverse(), no_dollars_fp: asks.map(([px, n]) => [cents(1 - px).toFixed(4), n.toFixed(2)]).reverse() } })
            })
          } else {
            entries.push({
              k: "ws", t: O + t, c: 2, e: "in",
              data: JSON.stringify({ event_type: "book", asset_id: token, market: l.condition, bids: bids.map(([px, n]) => ({ price: String(px), size: String(n) })).reverse(), asks: asks.map(([px, n]) => ({ price: String(px), size: String(n) })).reverse(), timestamp: String(O + t), hash: "synthetic" })
            })
          }
        }
      }
    }
  }

  // Listings, answered from the first moment on
  for (const [series, events] of Object.entries(kalshiEvents)) {
    http(open, `${KALSHI}/events?limit=200&series_ticker=${series}&status=open&with_nested_markets=true`, { events, cursor: "" })
  }
  for (const [league, events] of Object.entries(gammaEvents)) {
    http(open, `${GAMMA}/events?closed=false&tag_slug=${league}&limit=100&offset=0`, events)
    http(open, `${GAMMA}/events?closed=false&tag_slug=${league}&limit=100&offset=${events.length}`, [])
  }
  // Scoreboards: each league's board at each change of any of its games
  for (const [league, changes] of boards) {
    const current = new Map<string, unknown>()
    changes.sort((a, b) => a.t - b.t)
    for (const change of changes) {
      current.set(change.id, change.event)
      http(change.t, `${ESPN}/${SPORTS[league].sport}/${league}/scoreboard?dates=${ymd(O + change.t)}`, { leagues: [{ abbreviation: league.toUpperCase() }], events: [...current.values()] })
    }
  }
  // The feeds: opened at the start, Kalshi pinging every 10 s; an outage closes the venue's
  // connection and the venue is back (a new connection opens) at its end
  entries.push({ k: "ws", t: O + open, c: 1, e: "open", url: KALSHI_WS }, { k: "ws", t: O + open, c: 2, e: "open", url: POLY_WS })
  let c = 2
  for (const o of script.outages ?? []) {
    entries.push({ k: "ws", t: O + o.from, c: o.venue === "kalshi" ? 1 : 2, e: "close" })
    entries.push({ k: "ws", t: O + o.to, c: ++c, e: "open", url: o.venue === "kalshi" ? KALSHI_WS : POLY_WS })
  }
  for (let t = open; t <= end; t += 10_000) entries.push({ k: "ws", t: O + t, c: 1, e: "ping" })
  // Stable: entries at one time keep the order above
  return entries.sort((a, b) => a.t - b.t)
}

/** Writes the scenario as a recording into a fresh temporary directory and reads it back. */
export const recordingOf = (script: ScenarioScript): Recording => {
  const dir = mkdtempSync(join(tmpdir(), `arbees-scenario-${script.name}-`))
  rmSync(dir, { recursive: true })
  const writer = new SegmentWriter({
    dir,
    segmentBytes: 4 * 1024 * 1024,
    segmentMillis: 3_600_000,
    maxBytes: 64 * 1024 * 1024,
    flushEntries: 4_096,
    flushMillis: 600_000,
    synthetic: true,
    description: `SYNTHETIC scripted scenario: ${script.name}`
  })
  for (const e of entriesOf(script)) writer.append(e)
  writer.close()
  const recording = readRecording(dir)
  rmSync(dir, { recursive: true, force: true })
  return recording
}
