import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import * as fc from "fast-check"
import { GameId } from "../../../src/schema/Ids.ts"
import { League, leagues } from "../../../src/schema/Sport.ts"
import { EspnDate, espnDateOf, hostOf, scoreboardUrl, summaryUrl } from "../../../src/services/espn/Urls.ts"

const BASE = "https://site.api.espn.com/apis/site/v2/sports"
const day = Schema.decodeUnknownSync(EspnDate)
const gameId = Schema.decodeUnknownSync(GameId)

describe("ESPN URLs", () => {
  it("builds scoreboard URLs from the league table", () => {
    assert.strictEqual(scoreboardUrl(BASE, "nba", day("20241215")), `${BASE}/basketball/nba/scoreboard?dates=20241215`)
    assert.strictEqual(scoreboardUrl(BASE, "epl", day("20250525")), `${BASE}/soccer/eng.1/scoreboard?dates=20250525`)
    assert.strictEqual(scoreboardUrl(BASE, "ucl", day("20250525")), `${BASE}/soccer/uefa.champions/scoreboard?dates=20250525`)
    assert.strictEqual(scoreboardUrl(BASE, "atp", day("20250601")), `${BASE}/tennis/atp/scoreboard?dates=20250601`)
    assert.strictEqual(
      scoreboardUrl(BASE, "nfl", { from: day("20241214"), to: day("20241216") }),
      `${BASE}/football/nfl/scoreboard?dates=20241214-20241216`
    )
    assert.strictEqual(scoreboardUrl(BASE, "nfl", { from: day("20241214"), to: day("20241214") }), `${BASE}/football/nfl/scoreboard?dates=20241214`)
  })

  it("asks college scoreboards for the whole division", () => {
    assert.strictEqual(
      scoreboardUrl(BASE, "ncaab", day("20250301")),
      `${BASE}/basketball/mens-college-basketball/scoreboard?groups=50&limit=500&dates=20250301`
    )
    assert.strictEqual(
      scoreboardUrl(BASE, "ncaaf", day("20250830")),
      `${BASE}/football/college-football/scoreboard?groups=80&limit=500&dates=20250830`
    )
  })

  it("builds summary URLs from a validated game id", () => {
    assert.strictEqual(summaryUrl(BASE, "nfl", gameId("401547417")), `${BASE}/football/nfl/summary?event=401547417`)
    assert.strictEqual(summaryUrl("http://127.0.0.1:8080/espn/", "mlb", gameId("401472463")), "http://127.0.0.1:8080/espn/baseball/mlb/summary?event=401472463")
  })

  it("refuses anything that is not a game id or a date, so no path can be injected", () => {
    for (const bad of ["../../x", "401547417/../../admin", "1?x=2", "", "abc"]) {
      assert.throws(() => summaryUrl(BASE, "nfl", bad as GameId))
    }
    for (const bad of ["2024-12-15", "20241315", "20241200", "x", "20241215/../"]) {
      assert.throws(() => scoreboardUrl(BASE, "nfl", bad as EspnDate))
    }
  })

  it("keeps every generated URL on the base host and under the league's path", () => {
    fc.assert(
      fc.property(fc.constantFrom(...League.literals), fc.string(), (league, id) => {
        let url: string
        try {
          url = summaryUrl(BASE, league, id as GameId)
        } catch {
          return /^\d{1,20}$/.test(id) === false
        }
        const parsed = new URL(url)
        const info = leagues[league]
        return parsed.host === "site.api.espn.com" &&
          parsed.pathname === `/apis/site/v2/sports/${info.espnSport}/${info.espnLeague}/summary` &&
          parsed.searchParams.get("event") === id
      })
    )
  })

  it("uses ESPN's US Eastern day", () => {
    // A 21:30 ET tip-off on 15 Dec 2024 is 02:30 UTC on the 16th
    assert.strictEqual(espnDateOf(Date.parse("2024-12-16T02:30:00Z")), "20241215")
    assert.strictEqual(espnDateOf(Date.parse("2024-12-16T05:00:00Z")), "20241216")
    // Summer (EDT, UTC-4)
    assert.strictEqual(espnDateOf(Date.parse("2025-06-01T03:59:00Z")), "20250531")
    assert.strictEqual(espnDateOf(Date.parse("2025-06-01T04:00:00Z")), "20250601")
  })

  it("names the host for the circuit breaker", () => {
    assert.strictEqual(hostOf(summaryUrl(BASE, "nba", gameId("1"))), "site.api.espn.com")
    assert.strictEqual(hostOf("http://127.0.0.1:4321/x"), "127.0.0.1:4321")
  })
})
