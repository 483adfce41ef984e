/**
 * Matching 10,000 venue markets against a full day's slate across every league with team data.
 *
 * The slate pairs up every team of every league into one game on the same day (≈230 games). The
 * listings hold 10,000 markets: a Kalshi game event (two or three markets) and a Gamma event
 * (moneyline, spread, total; or three Yes/No markets for soccer) per game, then filler until
 * 10,000: spread and total series, the same games on other dates, and events with codes and
 * titles that name no game (which take the fuzzy path and are rejected). The headline figure is the
 * time of `matchSlate` alone; building the team index is a start-up cost and is reported separately.
 *
 * The same listings are also written as venue wire JSON (a Kalshi `/events?with_nested_markets=true`
 * response and a Gamma `/events` array) and timed through the production path: decoding every event
 * with the venue Schemas and adapting it (`VenueListings.ts`), then matching.
 */
import { Schema } from "effect"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import type { GameRef, KalshiEventListing, PolymarketEventListing } from "../src/domain/matching/Inputs.ts"
import { matchSlate } from "../src/domain/matching/Matcher.ts"
import { TeamFile } from "../src/domain/matching/TeamData.ts"
import { buildIndex } from "../src/domain/matching/TeamIndex.ts"
import { venueLeague } from "../src/domain/matching/VenueLeagues.ts"
import { decodeKalshiListings, decodePolymarketListings } from "../src/services/matching/VenueListings.ts"
import type { Benchmark } from "./run.ts"

const root = new URL("../", import.meta.url).pathname
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
const DAY = Date.parse("2025-11-22T00:00:00Z")
const TARGET = 10_000

const kalshiDate = (ms: number) => {
  const d = new Date(ms - 5 * 3600_000) // US Eastern (EST) date
  return `${String(d.getUTCFullYear() % 100).padStart(2, "0")}${MONTHS[d.getUTCMonth()]}${String(d.getUTCDate()).padStart(2, "0")}`
}
const isoDate = (ms: number) => new Date(ms - 5 * 3600_000).toISOString().slice(0, 10)

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString())

/** The listings as the venues send them. */
const kalshiWire = (events: ReadonlyArray<KalshiEventListing>) => ({
  events: events.map((e) => ({
    event_ticker: e.eventTicker,
    series_ticker: e.seriesTicker ?? e.eventTicker.split("-")[0],
    title: e.title,
    markets: e.markets.map((m) => ({ ticker: m.ticker, event_ticker: e.eventTicker, status: "active", yes_sub_title: m.yesSubTitle, yes_bid_dollars: "0.4500" }))
  })),
  cursor: ""
})

const gammaWire = (events: ReadonlyArray<PolymarketEventListing>) =>
  events.map((e) => ({
    id: e.id,
    slug: e.slug,
    title: e.title,
    tags: e.tagSlugs.map((slug, i) => ({ id: String(i + 1), slug })),
    teams: e.teams,
    eventDate: e.eventDate,
    startTime: iso(e.startTime),
    negRisk: e.negRisk,
    negRiskAugmented: e.negRiskAugmented,
    markets: e.markets.map((m) => ({
      id: m.id,
      conditionId: m.conditionId,
      slug: m.slug,
      question: m.question,
      groupItemTitle: m.groupItemTitle,
      outcomes: JSON.stringify(m.outcomes),
      outcomePrices: JSON.stringify(m.outcomes.map(() => "0.5")),
      clobTokenIds: JSON.stringify(m.tokenIds),
      sportsMarketType: m.sportsMarketType
    }))
  }))

const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const round = (ms: number) => Math.round(ms * 10) / 10

const bench: Benchmark = {
  name: "matching",
  run: async () => {
    const files = readdirSync(join(root, "data/teams"))
      .filter((f) => f.endsWith(".json"))
      .map((f) => Schema.decodeUnknownSync(TeamFile)(JSON.parse(readFileSync(join(root, "data/teams", f), "utf8"))))
    let t = process.hrtime.bigint()
    const index = buildIndex(files)
    const indexMs = Number(process.hrtime.bigint() - t) / 1e6

    const games: Array<GameRef> = []
    const kalshi: Array<KalshiEventListing> = []
    const polymarket: Array<PolymarketEventListing> = []
    let markets = 0
    let n = 0
    const addGame = (file: TeamFile, i: number, start: number, withListings: boolean, record: boolean) => {
      const vl = venueLeague(file.league)!
      const home = file.teams[i]!
      const away = file.teams[i + 1]!
      const id = String(700000000 + n++)
      if (record) {
        games.push({
          gameId: id,
          league: file.league,
          startTime: start,
          status: "scheduled",
          home: { teamId: home.espnId, abbreviation: home.abbreviation, name: home.name },
          away: { teamId: away.espnId, abbreviation: away.abbreviation, name: away.name }
        })
      }
      if (!withListings) return
      const series = vl.kalshiGameSeries[0]!
      const ticker = `${series}-${kalshiDate(start)}${away.kalshi[0]}${home.kalshi[0]}`
      const sides = [away.kalshi[0]!, home.kalshi[0]!, ...(vl.draws ? ["TIE"] : [])]
      kalshi.push({
        eventTicker: ticker,
        seriesTicker: series,
        title: `${away.location} at ${home.location}`,
        markets: sides.map((c) => ({ ticker: `${ticker}-${c}`, yesSubTitle: c }))
      })
      markets += sides.length
      const slug = `${vl.polymarketPrefixes[0]}-${away.polymarket[0]}-${home.polymarket[0]}-${isoDate(start)}`
      const token = (k: string) => String(BigInt(n) * 1_000_003n + BigInt(k.length))
      const cond = (k: string) => `0x${(n * 7919 + k.length).toString(16).padStart(64, "0")}`
      polymarket.push({
        id: `e${n}`,
        slug,
        title: `${away.nickname} vs. ${home.nickname}`,
        tagSlugs: ["sports", vl.polymarketTags[0]!],
        teams: [
          { name: home.name, abbreviation: home.polymarket[0]!, ordering: "home" },
          { name: away.name, abbreviation: away.polymarket[0]!, ordering: "away" }
        ],
        eventDate: isoDate(start),
        startTime: start,
        negRisk: vl.draws,
        negRiskAugmented: false,
        markets: vl.draws
          ? [home, undefined, away].map((t) => ({
            id: `m${n}${t?.espnId ?? "d"}`,
            conditionId: cond(`x${t?.espnId ?? "draw"}`),
            slug: `${slug}-${t?.polymarket[0] ?? "draw"}`,
            question: t === undefined ? "Draw?" : `Will ${t.name} win?`,
            groupItemTitle: t?.name ?? `Draw (${home.name} vs. ${away.name})`,
            outcomes: ["Yes", "No"],
            tokenIds: [token(`y${t?.espnId}`), token(`n${t?.espnId}`)],
            sportsMarketType: "moneyline"
          }))
          : [
            { type: "moneyline", q: `${away.nickname} vs. ${home.nickname}`, o: [away.nickname, home.nickname] },
            { type: "spreads", q: `Spread: ${home.nickname} (-4.5)`, o: [home.nickname, away.nickname] },
            { type: "totals", q: "O/U 220.5", o: ["Over", "Under"] }
          ].map((m) => ({
            id: `m${n}${m.type}`,
            conditionId: cond(m.type),
            question: m.q,
            outcomes: m.o,
            tokenIds: [token(`${m.type}0`), token(`${m.type}1`)],
            sportsMarketType: m.type
          }))
      })
      markets += 3
    }
    // The slate: every league's teams paired up, kicking off through the day
    for (const file of files) {
      for (let i = 0; i + 1 < file.teams.length; i += 2) addGame(file, i, DAY + 17 * 3600_000 + (i % 12) * 1800_000, true, true)
    }
    const slateListings = markets
    // Filler until 10,000 markets: the same pairs on other days (no game), spreads, and noise
    let day = 1
    while (markets < TARGET) {
      for (const file of files) {
        for (let i = 0; i + 1 < file.teams.length && markets < TARGET; i += 2) {
          addGame(file, i, DAY + day * 86_400_000 + 17 * 3600_000, true, false)
        }
      }
      kalshi.push({ eventTicker: `KXNBASPREAD-${kalshiDate(DAY)}XXXYYY`, seriesTicker: "KXNBASPREAD", markets: [{ ticker: "KXNBASPREAD-X-1" }] })
      kalshi.push({
        eventTicker: `KXNBAGAME-${kalshiDate(DAY)}QQQZZZ${day}`,
        seriesTicker: "KXNBAGAME",
        title: "Gotham at Metropolis",
        markets: [{ ticker: `KXNBAGAME-${kalshiDate(DAY)}QQQZZZ${day}-QQQ`, yesSubTitle: "Gotham" }]
      })
      markets += 2
      day++
    }

    const run = () => matchSlate(index, games, { kalshi, polymarket })
    for (let i = 0; i < 3; i++) run() // warm-up
    const samples: Array<number> = []
    let matched = 0
    for (let i = 0; i < 15; i++) {
      t = process.hrtime.bigint()
      const report = run()
      samples.push(Number(process.hrtime.bigint() - t) / 1e6)
      matched = report.games.filter((g) => g.kalshi._tag === "Matched").length + report.games.filter((g) => g.polymarket._tag === "Matched").length
    }
    const last = run()
    const unmatched = last.games.flatMap((g) =>
      (["kalshi", "polymarket"] as const).flatMap((p) => {
        const m = g[p]
        return m._tag === "Unmatched" ? [`${p} ${g.game.league} ${g.game.away.name} at ${g.game.home.name}: ${m.reason} ${m.detail}`] : []
      })
    )
    for (const u of unmatched) process.stdout.write(`unmatched: ${u}\n`)
    samples.sort((a, b) => a - b)
    const matchMedian = median(samples)
    const max = samples[samples.length - 1]!

    // The production path: wire JSON (already parsed) → Schemas → listings → matchSlate
    // Through JSON text once, as a parsed response would be (no undefined-valued keys)
    const wire = JSON.parse(JSON.stringify({ kalshi: kalshiWire(kalshi), polymarket: gammaWire(polymarket) })) as unknown as {
      readonly kalshi: unknown
      readonly polymarket: unknown
    }
    const adapt = () => {
      const k = decodeKalshiListings(wire.kalshi)
      const p = decodePolymarketListings(wire.polymarket)
      if (k._tag === "Failure" || p._tag === "Failure" || k.success.failures.length + p.success.failures.length > 0) {
        throw new Error("the benchmark's wire listings must decode")
      }
      if (k.success.listings.length !== kalshi.length || p.success.listings.length !== polymarket.length) throw new Error("listings lost in decoding")
      return { kalshi: k.success.listings, polymarket: p.success.listings }
    }
    for (let i = 0; i < 3; i++) matchSlate(index, games, adapt())
    const decodeSamples: Array<number> = []
    const wireSamples: Array<number> = []
    let wireMatched = 0
    for (let i = 0; i < 10; i++) {
      t = process.hrtime.bigint()
      const listings = adapt()
      decodeSamples.push(Number(process.hrtime.bigint() - t) / 1e6)
      const report = matchSlate(index, games, listings)
      wireSamples.push(Number(process.hrtime.bigint() - t) / 1e6)
      wireMatched = report.games.filter((g) => g.kalshi._tag === "Matched").length + report.games.filter((g) => g.polymarket._tag === "Matched").length
    }
    if (wireMatched !== matched) throw new Error(`wire path matched ${wireMatched}, direct ${matched}`)
    const figures = {
      games: games.length,
      markets,
      kalshiEvents: kalshi.length,
      polymarketEvents: polymarket.length,
      slateListingMarkets: slateListings,
      venueMatches: matched,
      medianMs: round(matchMedian),
      maxMs: round(max),
      indexBuildMs: round(indexMs),
      decodeAdaptMedianMs: round(median(decodeSamples)),
      wireToMatchMedianMs: round(median(wireSamples))
    }
    process.stdout.write(
      `${markets} markets (${kalshi.length} Kalshi + ${polymarket.length} Gamma events) vs ${games.length} games: ` +
        `median ${figures.medianMs} ms, max ${figures.maxMs} ms over 15 runs; ${matched} venue matches; index built in ${figures.indexBuildMs} ms\n` +
        `from wire JSON: decode + adapt median ${figures.decodeAdaptMedianMs} ms, decode + adapt + match median ${figures.wireToMatchMedianMs} ms over 10 runs\n`
    )
    return figures
  }
}
export default bench
