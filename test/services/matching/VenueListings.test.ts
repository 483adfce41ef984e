import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import {
  type Adapted,
  decodeKalshiListings,
  decodePolymarketListings,
  type ListingFailure
} from "../../../src/services/matching/VenueListings.ts"
import { fixturesDir } from "../../support/MatchingFixtures.ts"

const read = (path: string): any => JSON.parse(readFileSync(path, "utf8"))
const kalshiEvents = () => read(join(fixturesDir, "kalshi-events.json"))
const gammaEvents = (): Array<any> => read(join(fixturesDir, "gamma-events.json"))
const ok = <A>(r: Result.Result<Adapted<A>, unknown>): Adapted<A> => {
  assert.isTrue(Result.isSuccess(r))
  return Result.getOrThrow(r as Result.Result<Adapted<A>, never>)
}
const summary = (fs: ReadonlyArray<ListingFailure>) =>
  fs.map((f) => ({ platform: f.platform, id: f.listingId, operation: (f.error.reason as { operation: string }).operation }))

describe("Kalshi listings", () => {
  it("decodes every event of the evaluation set with the venue Schema, fields as the matcher reads them", () => {
    const { failures, listings } = ok(decodeKalshiListings(kalshiEvents()))
    assert.deepStrictEqual(failures, [])
    assert.strictEqual(listings.length, 103)
    const knicks = listings.find((l) => l.eventTicker === "KXNBAGAME-24DEC15NYKORL")!
    assert.deepStrictEqual({ ...knicks, markets: knicks.markets.length }, {
      eventTicker: "KXNBAGAME-24DEC15NYKORL",
      seriesTicker: "KXNBAGAME",
      title: "New York at Orlando",
      subTitle: "2024-12-15",
      markets: 2
    })
    assert.deepStrictEqual(knicks.markets[1], {
      ticker: "KXNBAGAME-24DEC15NYKORL-ORL",
      title: "New York at Orlando Winner?",
      yesSubTitle: "Orlando",
      noSubTitle: "Orlando",
      status: "finalized",
      openTime: Date.parse("2024-12-09T23:00:00Z"),
      closeTime: Date.parse("2024-12-29T23:00:00Z"),
      expectedExpirationTime: Date.parse("2024-12-16T02:00:00Z"),
      rulesPrimary: "If Orlando wins the New York at Orlando basketball game scheduled for 2024-12-15, then the market resolves to Yes.",
      rulesSecondary:
        "If the game is postponed, the market will remain open until the game is played or canceled. If the game is canceled, the market resolves at a fair price determined by Kalshi."
    })
  })

  it("a /markets response groups into the same events and markets", () => {
    const events: Array<any> = kalshiEvents().events
    const flat = { markets: events.flatMap((e) => e.markets), cursor: "" }
    const fromMarkets = ok(decodeKalshiListings(flat))
    const fromEvents = ok(decodeKalshiListings(kalshiEvents()))
    assert.deepStrictEqual(fromMarkets.failures, [])
    assert.deepStrictEqual(
      fromMarkets.listings.map((l) => [l.eventTicker, l.markets]),
      fromEvents.listings.map((l) => [l.eventTicker, l.markets])
    )
    // `/markets` has no series or event title: the market title stands in for the event's
    assert.strictEqual(fromMarkets.listings[0]!.seriesTicker, undefined)
    assert.strictEqual(fromMarkets.listings[0]!.title, "Kansas City at Cleveland Winner?")
  })

  it("one malformed event is one failure, one malformed market is one failure; the others still decode", () => {
    const json = kalshiEvents()
    json.events[0].markets[0].yes_bid_dollars = "0.45x" // not a price: that market alone is left out
    delete json.events[1].series_ticker
    json.events[2].markets = null // fetched without nested markets
    json.events[3].markets[1].event_ticker = "KXNFLGAME-24DEC15OTHER" // filed under another event
    const { failures, listings } = ok(decodeKalshiListings(json))
    assert.deepStrictEqual(summary(failures), [
      { platform: "kalshi", id: "KXNFLGAME-24DEC15CINTEN", operation: "kalshiEvent" },
      { platform: "kalshi", id: "KXNFLGAME-24DEC15KCCLE-KC", operation: "kalshiMarket" },
      { platform: "kalshi", id: "KXNFLGAME-24DEC15WASNO", operation: "kalshiEvent" },
      { platform: "kalshi", id: "KXNFLGAME-24DEC15BALNYG-NYG", operation: "kalshiMarket" }
    ])
    assert.include(failures[1]!.error.reason.message, "yes_bid_dollars")
    assert.include(failures[2]!.error.reason.message, "with_nested_markets=true")
    assert.strictEqual(listings.length, 101)
    assert.deepStrictEqual(listings[0]!.markets.map((m) => m.ticker), ["KXNFLGAME-24DEC15KCCLE-CLE"])
    // The event whose market was misfiled keeps its own market only
    assert.deepStrictEqual(listings.find((l) => l.eventTicker === "KXNFLGAME-24DEC15BALNYG")!.markets.map((m) => m.ticker), ["KXNFLGAME-24DEC15BALNYG-BAL"])
    assert.deepStrictEqual(failures[1]!.payload, json.events[0].markets[0])
  })

  it("a payload that is neither /events nor /markets is refused as a whole", () => {
    const r = decodeKalshiListings([{ event_ticker: "X" }])
    assert.isTrue(Result.isFailure(r))
    assert.strictEqual(Result.isFailure(r) && r.failure.reason._tag, "Decode")
  })
})

describe("Polymarket listings", () => {
  it("decodes every event of the evaluation set with the Gamma Schema", () => {
    const { failures, listings } = ok(decodePolymarketListings(gammaEvents()))
    assert.deepStrictEqual(failures, [])
    assert.strictEqual(listings.length, 111)
    const chiefs = listings.find((l) => l.id === "900000")!
    assert.deepStrictEqual({ ...chiefs, markets: chiefs.markets.length, description: undefined }, {
      id: "900000",
      slug: "nfl-kc-cle-2024-12-15",
      title: "Chiefs vs. Browns",
      seriesSlug: "nfl",
      tagSlugs: ["sports", "games", "nfl"],
      teams: [
        { name: "Cleveland Browns", abbreviation: "cle", ordering: "home" },
        { name: "Kansas City Chiefs", abbreviation: "kc", ordering: "away" }
      ],
      gameId: "1671854",
      eventDate: "2024-12-15",
      startTime: Date.parse("2024-12-15T18:00:00Z"),
      negRisk: false,
      negRiskAugmented: false,
      description: undefined,
      markets: 3
    })
    const moneyline = chiefs.markets[0]!
    assert.deepStrictEqual([moneyline.outcomes, moneyline.tokenIds.map((t) => t.slice(0, 8)), moneyline.sportsMarketType, moneyline.gameStartTime], [
      ["Chiefs", "Browns"],
      ["26782139", "11044492"],
      "moneyline",
      Date.parse("2024-12-15T18:00:00Z")
    ])
  })

  it("decodes the recorded Gamma sports event", () => {
    const { failures, listings } = ok(decodePolymarketListings(read("/work/shared/fixtures/polymarket-gamma-events-sports-mlp-2026-08.json")))
    assert.deepStrictEqual(failures, [])
    const [e] = listings
    assert.deepStrictEqual([e!.id, e!.seriesSlug, e!.gameId, e!.eventDate, e!.startTime], ["835109", "mlp", "287011684", "2026-08-14", Date.parse("2026-08-14T21:00:00Z")])
    assert.deepStrictEqual(e!.teams, [
      { name: "St. Louis Shock", abbreviation: "stl", ordering: "home" },
      { name: "Texas Ranchers", abbreviation: "tex", ordering: "away" }
    ])
    assert.deepStrictEqual(e!.markets.map((m) => [m.id, m.sportsMarketType, m.gameStartTime, m.tokenIds.length]), [
      ["3524358", "moneyline", Date.parse("2026-08-14T21:00:00Z"), 2],
      ["3554041", "soccer_team_to_advance", Date.parse("2026-08-16T00:30:00Z"), 2]
    ])
  })

  it("reports what it cannot use and keeps the rest", () => {
    const json = gammaEvents()
    delete json[0].markets[1].clobTokenIds // a spread without token ids: left out
    json[1].markets[0].clobTokenIds = JSON.stringify([JSON.parse(json[1].markets[0].clobTokenIds)[0]]) // one token for two outcomes
    json[2].eventDate = "Dec 15" // not a date
    delete json[3].slug
    json[4].markets[0].outcomePrices = "[\"0.5\", \"abc\"]" // fails the Schema
    json[5].markets = []
    json[6].markets[0].positionIds = json[6].markets[0].clobTokenIds // protocol V2 spelling is read too
    delete json[6].markets[0].clobTokenIds
    json[7].markets[0].outcomes = ["Bears", "Lions"] // a real array, as Gamma sometimes sends
    const { failures, listings } = ok(decodePolymarketListings(json))
    assert.deepStrictEqual(summary(failures), [
      { platform: "polymarket", id: json[4].markets[0].conditionId, operation: "gammaMarket" }, // the Schema rejects that market alone
      { platform: "polymarket", id: json[0].markets[1].conditionId, operation: "gammaMarket" },
      { platform: "polymarket", id: json[1].markets[0].conditionId, operation: "gammaMarket" },
      { platform: "polymarket", id: json[2].id, operation: "gammaEvent" },
      { platform: "polymarket", id: json[3].id, operation: "gammaEvent" },
      { platform: "polymarket", id: json[5].id, operation: "gammaEvent" }
    ])
    assert.match(failures[2]!.error.reason.message, /2 outcomes but 1 token ids/)
    assert.strictEqual(listings.length, 108) // the event whose one market failed keeps the others
    assert.deepStrictEqual(listings[0]!.markets.map((m) => m.sportsMarketType), ["moneyline", "totals"])
    assert.deepStrictEqual(listings[1]!.markets.map((m) => m.sportsMarketType), ["spreads", "totals"])
    const v2 = listings.find((l) => l.id === json[6].id)!
    assert.strictEqual(v2.markets[0]!.tokenIds.length, 2)
    assert.deepStrictEqual(listings.find((l) => l.id === json[7].id)!.markets[0]!.outcomes, ["Bears", "Lions"])
  })

  it("a payload that is not an array of events is refused as a whole", () => {
    const r = decodePolymarketListings({ events: [] })
    assert.isTrue(Result.isFailure(r))
  })
})
