/**
 * Small scripted days, written as recordings in the real format (`SegmentWriter`, read back with
 * `readRecording`), for whole-day simulations through the replayer.
 *
 * A scenario is a few games, each with scripted ESPN scoreboard states (period, clock, score),
 * scripted venue books (the home outcome's bid and ask per venue, the away outcome the complement
 * unless scripted), the venues' results a minute after each final, and optional venue outages
 * (a recorded `close` of the venue's connection and its next `open`). Listings, books and results
 * are built as the demo generator's (`scripts/demo/make-demo.ts`), by `scripts/demo/SyntheticWire.ts`:
 * a Kalshi event with a market per team, a Polymarket moneyline market with a token per team, rule
 * texts that settle the same way on both.
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
import { clobMarketEntries, day, espnOdds, espnStatus, feedsOpen, gammaEvent, gammaMarket, gammaMarketEntries, KALSHI_WS, kalshiBookEntry, kalshiDate, kalshiEvent, kalshiEventEntries, kalshiMarket, kalshiPings, kalshiSettledEntry, listingEntries, POLY_WS, polymarketBookEntry, scoreboardEntry, writeSyntheticRecording } from "../../scripts/demo/SyntheticWire.ts"

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
  const emit = (...es: Array<Entry>) => entries.push(...es)
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
    const date = new Date(start).toISOString().replace(/:\d\d\.\d+Z$/, "Z")
    const odds = espnOdds("SYNTHETIC (scripted pre-game line)", g.pregameHome)
    const event = (s: State | undefined, final: boolean) => {
      const st = espnStatus(s, final)
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
    const market = (team: Team, ticker: string) =>
      kalshiMarket({ ticker, eventTicker: l.kalshiEvent, title, location: team.location, sport, day: day(start), openTime: O + open - 86_400_000, closeTime: O + end + 14 * 86_400_000, expectedExpirationTime: O + g.finalAt + 3_600_000 })
    const kEvent = kalshiEvent(l.kalshiEvent, series, title, day(start), [market(l.home, l.kalshiHome), market(l.away, l.kalshiAway)])
    ;(kalshiEvents[series] ??= []).push(kEvent)
    emit(...kalshiEventEntries(O + open, kEvent, g.league))

    // Polymarket: a moneyline market, tokens [away, home]
    const slug = `${g.league}-${l.away.polymarket[0]}-${l.home.polymarket[0]}-${day(start)}`
    const moneyline = gammaMarket({ id: `59${g.id}`, league: g.league, away: l.away, home: l.home, day: day(start), condition: l.condition, slug, tokens: l.tokens, start })
    const gEvent = gammaEvent({
      id: `99${g.id}`,
      market: moneyline,
      league: g.league,
      day: day(start),
      startDate: O + open - 86_400_000,
      endDate: O + end + 7 * 86_400_000,
      home: { id: Number(`88${l.home.espnId}`), name: l.home.name, abbreviation: l.home.polymarket[0]! },
      away: { id: Number(`89${l.away.espnId}`), name: l.away.name, abbreviation: l.away.polymarket[0]! }
    })
    ;(gammaEvents[g.league] ??= []).push(gEvent)
    emit(...gammaMarketEntries(O + open, l.condition, gEvent.markets))

    // The venues' results after the final
    const homeWon = last.home > last.away
    const settledAt = g.finalAt + SETTLE_AFTER
    emit(kalshiSettledEntry(O + settledAt, kEvent.markets[0]!, homeWon), kalshiSettledEntry(O + settledAt, kEvent.markets[1]!, !homeWon))
    emit(...clobMarketEntries(O + open, O + settledAt, moneyline, homeWon))

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
          emit(venue === "kalshi" ? kalshiBookEntry(O + t, ticker, bids, asks) : polymarketBookEntry(O + t, token, l.condition, bids, asks))
        }
      }
    }
  }

  // Listings, answered from the first moment on
  emit(...listingEntries(O + open, kalshiEvents, gammaEvents))
  // Scoreboards: each league's board at each change of any of its games
  for (const [league, changes] of boards) {
    const current = new Map<string, unknown>()
    changes.sort((a, b) => a.t - b.t)
    for (const change of changes) {
      current.set(change.id, change.event)
      emit(scoreboardEntry(O + change.t, SPORTS[league].sport, league, [...current.values()]))
    }
  }
  // The feeds: opened at the start, Kalshi pinging every 10 s; an outage closes the venue's
  // connection and the venue is back (a new connection opens) at its end
  emit(...feedsOpen(O + open))
  let c = 2
  for (const o of script.outages ?? []) {
    entries.push({ k: "ws", t: O + o.from, c: o.venue === "kalshi" ? 1 : 2, e: "close" })
    entries.push({ k: "ws", t: O + o.to, c: ++c, e: "open", url: o.venue === "kalshi" ? KALSHI_WS : POLY_WS })
  }
  emit(...kalshiPings(O + open, O + end))
  // Stable: entries at one time keep the order above
  return entries.sort((a, b) => a.t - b.t)
}

/** Writes the scenario as a recording into a fresh temporary directory and reads it back. */
export const recordingOf = (script: ScenarioScript): Recording => {
  const dir = mkdtempSync(join(tmpdir(), `arbees-scenario-${script.name}-`))
  rmSync(dir, { recursive: true })
  writeSyntheticRecording(dir, `SYNTHETIC scripted scenario: ${script.name}`, entriesOf(script))
  const recording = readRecording(dir)
  rmSync(dir, { recursive: true, force: true })
  return recording
}
