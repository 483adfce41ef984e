/**
 * Builds the bundled demo recording, `demo/recording/` (labelled synthetic in its manifest).
 *
 * Real part: two real ESPN game summaries from the shared fixtures (NBA 401772994, IND v NY,
 * 2025-06-01; NHL 401774292, CAR v FLA, 2025-05-29, moved three days later so the games overlap).
 * Each play's wall-clock time, period, clock and score become a scoreboard response at that time,
 * so the game-state timeline is the real one.
 *
 * Synthetic part: the venues. Each game has a Kalshi event (one market per team) and a Polymarket
 * moneyline market (one token per team). Their books come from a seeded generator that follows a
 * reference home-win probability — ESPN's own (NBA), or a logistic of the goal difference and the
 * time left (NHL, whose summary has none) — with per-venue lag, noise, half-spread and depth:
 *
 *   fair_v(t) = clamp(ref(t - lag_v) + noise_v(t)),   noise an AR(1) (phi 0.9, sd sigma_v)
 *   bid/ask   = fair -/+ halfSpread_v, `depth` levels a cent apart, sizes 40 + 20 k contracts
 *
 * A scripted dislocation in each game (Polymarket's away price drops 8 cents for 40 s) opens a
 * cross-venue arbitrage, and a scripted slide (the home price falls 10 cents over 2 minutes on
 * both venues, then recovers) is what a stop-loss is for. Everything is reproducible from SEED.
 *
 * The listings are synthetic too, shaped like the venues' own: tickers and slugs use the venues'
 * team codes from `data/teams` (Kalshi `NYK`, Polymarket `nyk`), Gamma events carry `teams[]`,
 * Gamma pages end with an empty page, and both venues' rule text settles overtime and a canceled
 * game the same way, so the matcher pairs them deterministically and allows arbitrage. Neither
 * summary carries bookmaker odds, so the scoreboard's pre-game line (the model's prior) is derived
 * from the reference probability before the first play and its provider is named SYNTHETIC.
 * Five minutes after each final, both venues report the real result (Kalshi `finalized` with
 * `result`, the CLOB market `closed` with its winning token), which is what settlement reads.
 *
 * Usage: `node scripts/demo/make-demo.ts [OUT_DIR]` (default `demo/recording`).
 */
import { readFileSync, rmSync } from "node:fs"
import type { Entry } from "../../src/services/recording/Format.ts"
import { clobMarketEntries, day, espnOdds, espnStatus, feedsOpen, gammaEvent, gammaMarket, gammaMarketEntries, kalshiBookEntry, kalshiDate, kalshiEvent, kalshiEventEntries, kalshiMarket, kalshiPings, kalshiSettledEntry, listingEntries, polymarketBookEntry, scoreboardEntry, writeSyntheticRecording } from "./SyntheticWire.ts"

const FIXTURES = "/work/shared/fixtures"
const OUT = process.argv[2] ?? "demo/recording"
const SEED = 20250601

/** The generator's knobs, per venue. */
export const VENUES = {
  kalshi: { lagMillis: 4_000, sigma: 0.006, halfSpread: 0.01, depth: 5, everyMillis: 5_000 },
  polymarket: { lagMillis: 20_000, sigma: 0.01, halfSpread: 0.015, depth: 5, everyMillis: 7_000 }
} as const

/** mulberry32: a small seeded PRNG. */
const rng = (seed: number) => () => {
  seed |= 0
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const random = rng(SEED)
const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())

interface GameSpec {
  readonly fixture: string
  readonly league: "nba" | "nhl"
  readonly sport: "basketball" | "hockey"
  readonly shiftMillis: number
  readonly periods: number
  readonly periodSeconds: number
  readonly kalshiSeries: string
  readonly dislocationAt: number
  readonly slideAt: number
}

const GAMES: ReadonlyArray<GameSpec> = [
  { fixture: "espn-nba-summary-401772994.json", league: "nba", sport: "basketball", shiftMillis: 0, periods: 4, periodSeconds: 720, kalshiSeries: "KXNBAGAME", dislocationAt: 0.3, slideAt: 0.55 },
  { fixture: "espn-nhl-summary-401774292.json", league: "nhl", sport: "hockey", shiftMillis: 3 * 86_400_000, periods: 3, periodSeconds: 1200, kalshiSeries: "KXNHLGAME", dislocationAt: 0.45, slideAt: 0.7 }
]

interface Moment {
  readonly t: number
  readonly period: number
  readonly clockSeconds: number
  readonly home: number
  readonly away: number
  readonly espnHomeProb: number | undefined
}

const clockSeconds = (text: string | undefined): number => {
  if (text === undefined) return 0
  const [m, s] = text.split(":")
  return Number(m) * 60 + Number(s ?? 0)
}

/** The real game-state timeline: one moment per play, at the play's wall-clock time. */
const timeline = (spec: GameSpec, summary: any): Array<Moment> => {
  const wp = new Map<string, number>((summary.winprobability ?? []).map((w: any) => [String(w.playId), Number(w.homeWinPercentage)]))
  const moments: Array<Moment> = []
  for (const play of summary.plays ?? []) {
    if (typeof play.wallclock !== "string") continue
    const t = Date.parse(play.wallclock) + spec.shiftMillis
    const period = Number(play.period?.number ?? 1)
    let clock = clockSeconds(play.clock?.displayValue)
    // NHL clocks count up (time elapsed in the period); ESPN's scoreboard shows time left
    if (spec.league === "nhl") clock = Math.max(0, spec.periodSeconds - clock)
    moments.push({ t, period, clockSeconds: clock, home: Number(play.homeScore ?? 0), away: Number(play.awayScore ?? 0), espnHomeProb: wp.get(String(play.id)) })
  }
  moments.sort((a, b) => a.t - b.t)
  return moments
}

/** Reference home-win probability: ESPN's where it has one, else a logistic of lead and time left. */
const reference = (spec: GameSpec, m: Moment): number => {
  if (m.espnHomeProb !== undefined) return m.espnHomeProb
  const left = Math.max(0, (spec.periods - m.period) * spec.periodSeconds + m.clockSeconds) / (spec.periods * spec.periodSeconds)
  const lead = m.home - m.away
  return 1 / (1 + Math.exp(-(0.15 + 1.6 * lead / Math.sqrt(0.05 + left))))
}

const competitorsOf = (summary: any, m: Moment | undefined, final: boolean): Array<unknown> =>
  summary.header.competitions[0].competitors.map((c: any) => ({
    id: c.id,
    uid: c.uid,
    type: "team",
    order: c.order,
    homeAway: c.homeAway,
    ...(final ? { winner: c.homeAway === "home" ? m!.home > m!.away : m!.away > m!.home } : {}),
    team: {
      id: c.team.id,
      uid: c.team.uid,
      location: c.team.location,
      name: c.team.name,
      abbreviation: c.team.abbreviation,
      displayName: c.team.displayName,
      shortDisplayName: c.team.shortDisplayName
    },
    score: String(m === undefined ? 0 : c.homeAway === "home" ? m.home : m.away)
  }))

/**
 * The pre-game line on the scoreboard: neither summary carries bookmaker odds, so it is derived
 * from the reference probability before the first play (ESPN's own pre-game win probability for
 * the NBA game) and labelled as such in its provider name.
 */
const oddsOf = (pregameHome: number) => espnOdds("SYNTHETIC (from the reference pre-game probability)", pregameHome)

const scoreboardEvent = (spec: GameSpec, summary: any, m: Moment | undefined, final: boolean, pregameHome: number) => {
  const comp = summary.header.competitions[0]
  const date = new Date(Date.parse(comp.date) + spec.shiftMillis).toISOString().replace(/:\d\d\.\d+Z$/, "Z")
  const home = comp.competitors.find((c: any) => c.homeAway === "home").team
  const away = comp.competitors.find((c: any) => c.homeAway === "away").team
  const status = espnStatus(m && { period: m.period, clock: m.clockSeconds }, final)
  return {
    id: summary.header.id,
    uid: summary.header.uid,
    date,
    name: `${away.displayName} at ${home.displayName}`,
    shortName: `${away.abbreviation} @ ${home.abbreviation}`,
    competitions: [{ id: comp.id, uid: comp.uid, date, competitors: competitorsOf(summary, m, final), status, odds: oddsOf(pregameHome) }],
    status
  }
}

const cents = (p: number) => Math.min(0.99, Math.max(0.01, Math.round(p * 100) / 100))

/** A venue book for one outcome: bids and asks around `fair`. */
const ladder = (fair: number, halfSpread: number, depth: number) => {
  const bid = cents(fair - halfSpread)
  const ask = Math.max(cents(fair + halfSpread), cents(bid + 0.01))
  const bids: Array<[number, number]> = []
  const asks: Array<[number, number]> = []
  for (let k = 0; k < depth; k++) {
    if (bid - k * 0.01 >= 0.01) bids.push([cents(bid - k * 0.01), 40 + 20 * k])
    if (ask + k * 0.01 <= 0.99) asks.push([cents(ask + k * 0.01), 40 + 20 * k])
  }
  return { bids, asks }
}

/** The venues' own team codes (Kalshi `NYK`, Polymarket `nyk`), from the bundled team reference. */
const venueCodes = (league: string, espnId: string): { readonly kalshi: string; readonly polymarket: string } => {
  const teams = JSON.parse(readFileSync(`data/teams/${league}.json`, "utf8"))
  const team = (Array.isArray(teams) ? teams : teams.teams).find((t: any) => t.espnId === espnId)
  if (team === undefined) throw new Error(`no ${league} team ${espnId} in data/teams`)
  return { kalshi: team.kalshi[0], polymarket: team.polymarket[0] }
}

const main = () => {
  rmSync(OUT, { recursive: true, force: true })
  const entries: Array<Entry> = []
  const emit = (...es: Array<Entry>) => entries.push(...es)
  const boards = new Map<string, Array<{ t: number; events: Map<string, unknown> }>>()
  const kalshiEvents: Record<string, Array<unknown>> = {}
  const gammaEvents: Record<string, Array<unknown>> = {}
  let kalshiConn: Array<Entry> = []
  let polyConn: Array<Entry> = []
  let first = Number.POSITIVE_INFINITY
  let last = 0

  GAMES.forEach((spec, gi) => {
    const summary = JSON.parse(readFileSync(`${FIXTURES}/${spec.fixture}`, "utf8"))
    const moments = timeline(spec, summary)
    const comp = summary.header.competitions[0]
    const start = Date.parse(comp.date) + spec.shiftMillis
    const home = comp.competitors.find((c: any) => c.homeAway === "home").team
    const away = comp.competitors.find((c: any) => c.homeAway === "away").team
    const open = Math.min(start, moments[0]!.t) - 30 * 60_000
    const end = moments[moments.length - 1]!.t + 2 * 60_000
    first = Math.min(first, open)
    last = Math.max(last, end + 15 * 60_000)

    const pregameHome = reference(spec, { ...moments[0]!, home: 0, away: 0, period: 1, clockSeconds: spec.periodSeconds })

    // ESPN: the league's scoreboard whenever the game moves
    const board = boards.get(spec.league) ?? []
    boards.set(spec.league, board)
    board.push({ t: open, events: new Map([[summary.header.id, scoreboardEvent(spec, summary, undefined, false, pregameHome)]]) })
    let previous = ""
    for (const m of moments) {
      const key = `${m.period}|${m.clockSeconds}|${m.home}|${m.away}`
      if (key === previous) continue
      previous = key
      board.push({ t: m.t, events: new Map([[summary.header.id, scoreboardEvent(spec, summary, m, false, pregameHome)]]) })
    }
    board.push({ t: end, events: new Map([[summary.header.id, scoreboardEvent(spec, summary, moments[moments.length - 1], true, pregameHome)]]) })

    // Kalshi: an event with one market per team
    const code = (team: any) => venueCodes(spec.league, team.id)
    const eventTicker = `${spec.kalshiSeries}-${kalshiDate(start)}${code(away).kalshi}${code(home).kalshi}`
    const title = `${away.location} at ${home.location}`
    const market = (team: any) =>
      kalshiMarket({ ticker: `${eventTicker}-${code(team).kalshi}`, eventTicker, title, location: team.location, sport: spec.sport, day: day(start), openTime: open - 86_400_000, closeTime: end + 14 * 86_400_000, expectedExpirationTime: end + 3_600_000 })
    const kEvent = kalshiEvent(eventTicker, spec.kalshiSeries, title, day(start), [market(home), market(away)])
    ;(kalshiEvents[spec.kalshiSeries] ??= []).push(kEvent)
    emit(...kalshiEventEntries(open, kEvent, spec.league))

    // Polymarket: a moneyline market, tokens [away, home]
    const token = (side: number) => `${SEED}${gi}${side}`.padEnd(77, String(gi + 3))
    const condition = `0x${(SEED * 7919 + gi).toString(16).padStart(64, "d")}`
    const slug = `${spec.league}-${code(away).polymarket}-${code(home).polymarket}-${day(start)}`
    const moneyline = gammaMarket({
      id: String(5990000 + gi),
      league: spec.league,
      away: { name: away.displayName, nickname: away.name },
      home: { name: home.displayName, nickname: home.name },
      day: day(start),
      condition,
      slug,
      tokens: [token(0), token(1)],
      start
    })
    const gEvent = gammaEvent({
      id: String(990000 + gi),
      market: moneyline,
      league: spec.league,
      day: day(start),
      startDate: open - 86_400_000,
      endDate: end + 7 * 86_400_000,
      home: { id: 880000 + 2 * gi, name: home.displayName, abbreviation: code(home).polymarket },
      away: { id: 880001 + 2 * gi, name: away.displayName, abbreviation: code(away).polymarket }
    })
    gammaEvents[spec.league] = [...(gammaEvents[spec.league] ?? []), gEvent]
    emit(...gammaMarketEntries(open, condition, gEvent.markets))

    // The venues' results, five minutes after the final: what settlement reads (Kalshi's market
    // status and result, the CLOB market's winning token); before that, unsettled
    const final = moments[moments.length - 1]!
    const homeWon = final.home > final.away
    const settledAt = end + 5 * 60_000
    emit(kalshiSettledEntry(settledAt, kEvent.markets[0]!, homeWon), kalshiSettledEntry(settledAt, kEvent.markets[1]!, !homeWon))
    emit(...clobMarketEntries(open, settledAt, moneyline, homeWon))

    // The books: seeded, following the reference with lag, noise, spread and depth
    const refAt = (t: number): number => {
      let p = 0.5
      for (const m of moments) {
        if (m.t > t) break
        p = reference(spec, m)
      }
      const span = end - moments[0]!.t
      const slideStart = moments[0]!.t + spec.slideAt * span
      const x = (t - slideStart) / 120_000
      // The scripted slide: home falls 10 cents over 2 minutes, holds 3, recovers over 5
      const slide = x < 0 ? 0 : x < 1 ? 0.1 * x : x < 2.5 ? 0.1 : x < 5 ? 0.1 * (1 - (x - 2.5) / 2.5) : 0
      return Math.min(0.97, Math.max(0.03, p - slide))
    }
    const finalHome = moments[moments.length - 1]!.home > moments[moments.length - 1]!.away
    const dislocation = moments[0]!.t + spec.dislocationAt * (end - moments[0]!.t)
    for (const venue of ["kalshi", "polymarket"] as const) {
      const knobs = VENUES[venue]
      let noise = 0
      for (let t = open + knobs.everyMillis * (gi + 1) / 3; t <= end + 10 * 60_000; t += knobs.everyMillis + Math.floor(random() * 1_000)) {
        noise = 0.9 * noise + knobs.sigma * gauss()
        const settled = t > end
        let fair = settled ? (finalHome ? 0.99 : 0.01) : Math.min(0.98, Math.max(0.02, refAt(t - knobs.lagMillis) + noise))
        const tt = Math.floor(t)
        if (venue === "kalshi") {
          for (const [team, p] of [[home, fair], [away, 1 - fair]] as const) {
            const { bids, asks } = ladder(p, knobs.halfSpread, knobs.depth)
            kalshiConn.push(kalshiBookEntry(tt, `${eventTicker}-${code(team).kalshi}`, bids, asks))
          }
        } else {
          // The scripted dislocation: Polymarket's away price 8 cents low for 40 s
          const away8 = tt >= dislocation && tt < dislocation + 40_000 ? 0.08 : 0
          for (const [side, p] of [[1, fair], [0, 1 - fair - away8]] as const) {
            const { bids, asks } = ladder(p, knobs.halfSpread, knobs.depth)
            polyConn.push(polymarketBookEntry(tt, token(side), condition, bids, asks))
          }
        }
        fair = 0
      }
    }
  })

  // Listings, answered from the first moment on
  emit(...listingEntries(first, kalshiEvents, gammaEvents))
  // Scoreboards: each league's board at each change of any of its games
  for (const [league, changes] of boards) {
    const sport = GAMES.find((g) => g.league === league)!.sport
    const current = new Map<string, unknown>()
    changes.sort((a, b) => a.t - b.t)
    for (const change of changes) {
      for (const [id, e] of change.events) current.set(id, e)
      emit(scoreboardEntry(change.t, sport, league, [...current.values()]))
    }
  }
  entries.push(...feedsOpen(first))
  kalshiConn.push(...kalshiPings(first, last))
  entries.push(...kalshiConn, ...polyConn)
  kalshiConn = []
  polyConn = []
  entries.sort((a, b) => a.t - b.t)

  const manifest = writeSyntheticRecording(OUT, "SYNTHETIC venue books (seeded generator, scripts/demo/make-demo.ts) around two real ESPN games: NBA 401772994 and NHL 401774292 (moved 3 days later)", entries)
  console.log(`demo recording: ${manifest.entries} entries, ${manifest.segments.reduce((n, s) => n + s.bytes, 0)} bytes, ${new Date(manifest.start!).toISOString()} .. ${new Date(manifest.end!).toISOString()}`)
}

main()
