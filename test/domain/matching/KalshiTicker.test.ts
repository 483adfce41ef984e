import { assert, describe, it } from "@effect/vitest"
import { marketSuffix, parseEventTicker, splitTeamCodes } from "../../../src/domain/matching/KalshiTicker.ts"
import { teamIndex } from "../../support/MatchingFixtures.ts"

const league = (l: string) => teamIndex().leagues.get(l as never)!

describe("parseEventTicker", () => {
  it("reads the joined format", () => {
    assert.deepStrictEqual(parseEventTicker("KXEPLGAME-25DEC27CFCAVL"), { series: "KXEPLGAME", date: "2025-12-27", codes: "CFCAVL" })
  })

  it("reads the format with the codes in their own segment", () => {
    assert.deepStrictEqual(parseEventTicker("KXNCAAFGAME-25DEC27M-OHFRES"), {
      series: "KXNCAAFGAME",
      date: "2025-12-27",
      dateSuffix: "M",
      codes: "OHFRES"
    })
  })

  it("reads a start time after the date (doubleheaders)", () => {
    assert.deepStrictEqual(parseEventTicker("KXMLBGAME-26APR291840COLCIN"), {
      series: "KXMLBGAME",
      date: "2026-04-29",
      time: "1840",
      codes: "COLCIN"
    })
  })

  it("refuses impossible dates, times and shapes", () => {
    assert.isUndefined(parseEventTicker("KXNBAGAME-25FEB30BOSNYK"))
    assert.isUndefined(parseEventTicker("KXMLBGAME-26APR292575COLCIN"))
    assert.isUndefined(parseEventTicker("KXNBAGAME-BOSNYK"))
    assert.isUndefined(parseEventTicker("KXNBAGAME"))
    assert.isUndefined(parseEventTicker("KXNBAGAME-25DEC27-BOS-NYK"))
  })
})

describe("splitTeamCodes", () => {
  it("splits on known codes of the league only", () => {
    const r = splitTeamCodes(league("nba"), "NYKHOU")
    assert.strictEqual(r._tag, "Split")
    if (r._tag === "Split") assert.deepStrictEqual([r.first.name, r.second.name], ["New York Knicks", "Houston Rockets"])
    const epl = splitTeamCodes(league("epl"), "CFCAVL")
    assert.strictEqual(epl._tag === "Split" && `${epl.first.name}/${epl.second.name}`, "Chelsea/Aston Villa")
  })

  it("handles codes of different lengths (SF + LAR, SD + SF)", () => {
    const r = splitTeamCodes(league("nfl"), "SFLAR")
    assert.strictEqual(r._tag === "Split" && `${r.first.name}/${r.second.name}`, "San Francisco 49ers/Los Angeles Rams")
    const m = splitTeamCodes(league("mlb"), "SDSF")
    assert.strictEqual(m._tag === "Split" && `${m.first.name}/${m.second.name}`, "San Diego Padres/San Francisco Giants")
  })

  it("never guesses: unknown codes do not split", () => {
    assert.deepStrictEqual(splitTeamCodes(league("nba"), "XYZABC"), { _tag: "NoSplit" })
    // NBA codes do not exist in the NCAAB table and vice versa
    assert.deepStrictEqual(splitTeamCodes(league("nba"), "MIAUNC"), { _tag: "NoSplit" })
  })
})

describe("every pair of teams of a league", () => {
  it("round-trips through the joined ticker format, in both orders", () => {
    let pairs = 0
    for (const li of teamIndex().leagues.values()) {
      for (const a of li.teams) {
        for (const b of li.teams) {
          if (a === b) continue
          const r = splitTeamCodes(li, `${a.kalshi[0]}${b.kalshi[0]}`)
          assert.isTrue(r._tag === "Split" && r.first === a && r.second === b, `${li.league} ${a.kalshi[0]}${b.kalshi[0]}`)
          pairs++
        }
      }
    }
    assert.strictEqual(pairs, 26_910)
  })
})

describe("marketSuffix", () => {
  it("is the code after the event ticker", () => {
    assert.strictEqual(marketSuffix("KXNBAGAME-26MAR31NYKHOU-NYK", "KXNBAGAME-26MAR31NYKHOU"), "NYK")
    assert.strictEqual(marketSuffix("KXEPLGAME-25DEC27CFCAVL-TIE", "KXEPLGAME-25DEC27CFCAVL"), "TIE")
    assert.isUndefined(marketSuffix("KXNBAGAME-26MAR31NYKHOU-NYK", "KXNBAGAME-26MAR31BOSHOU"))
  })
})

describe("groupKalshiMarkets", () => {
  it("groups a /markets response into events and keeps unplaceable markets apart", async () => {
    const { groupKalshiMarkets } = await import("../../../src/domain/matching/KalshiListings.ts")
    const { events, orphans } = groupKalshiMarkets([
      { ticker: "KXNBAGAME-26MAR31NYKHOU-NYK", eventTicker: "KXNBAGAME-26MAR31NYKHOU", title: "New York at Houston Winner?", yesSubTitle: "New York" },
      { ticker: "KXNBAGAME-26MAR31NYKHOU-HOU", eventTicker: "KXNBAGAME-26MAR31NYKHOU", title: "New York at Houston Winner?", yesSubTitle: "Houston" },
      { ticker: "KXNBAGAME-26MAR31BOSMIA-BOS", eventTicker: "KXNBAGAME-26MAR31BOSMIA" },
      { ticker: "ORPHAN-1" }
    ])
    assert.deepStrictEqual(events.map((e) => [e.eventTicker, e.title, e.markets.map((m) => m.ticker)]), [
      ["KXNBAGAME-26MAR31NYKHOU", "New York at Houston Winner?", ["KXNBAGAME-26MAR31NYKHOU-NYK", "KXNBAGAME-26MAR31NYKHOU-HOU"]],
      ["KXNBAGAME-26MAR31BOSMIA", undefined, ["KXNBAGAME-26MAR31BOSMIA-BOS"]]
    ])
    assert.deepStrictEqual(orphans.map((m) => m.ticker), ["ORPHAN-1"])
  })
})
