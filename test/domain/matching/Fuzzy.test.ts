import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { isNonMoneyline, matchTeamInText } from "../../../src/domain/matching/Fuzzy.ts"
import { jaroWinkler } from "../../../src/domain/matching/JaroWinkler.ts"
import { normalize } from "../../../src/domain/matching/Normalize.ts"
import { teamPhrases } from "../../../src/domain/matching/TeamData.ts"
import { mentionedTeams } from "../../../src/domain/matching/TeamIndex.ts"
import { teamIndex } from "../../support/MatchingFixtures.ts"

const league = (l: string) => teamIndex().leagues.get(l as never)!
const rung = (l: string, espnId: string, text: string) => {
  const li = league(l)
  const team = li.byEspnId.get(espnId)!
  return matchTeamInText(li, team, teamPhrases(team), normalize(text))
}

describe("normalize", () => {
  it("strips accents, punctuation and case", () => {
    assert.strictEqual(normalize("Atlético Madrid"), "atletico madrid")
    assert.strictEqual(normalize("Brighton & Hove Albion"), "brighton and hove albion")
    assert.strictEqual(normalize("St. John's  Red-Storm"), "st johns red storm")
  })
})

describe("the fuzzy ladder", () => {
  it("exact phrase, then alias", () => {
    assert.deepStrictEqual(rung("nba", "13", "Grizzlies at Los Angeles Lakers"), { rung: "exact", score: 1, matched: "los angeles lakers" })
    assert.strictEqual(rung("nba", "13", "LA Lakers tonight").rung, "alias")
  })

  it("a unique nickname is enough; a shared one needs its location", () => {
    assert.strictEqual(rung("nfl", "29", "Cowboys vs Panthers").rung, "nickname")
    // Tigers: Auburn, LSU, Clemson, Missouri, Memphis
    assert.strictEqual(rung("ncaaf", "99", "Tigers vs Tigers").rung, "none")
    assert.strictEqual(rung("ncaaf", "99", "LSU Tigers at Clemson").rung, "exact")
    assert.strictEqual(rung("ncaaf", "99", "Louisiana State at Clemson").rung, "alias")
    assert.strictEqual(rung("ncaab", "221", "Panthers vs Cardinals").rung, "none")
  })

  it("a location names a team only when no other team can start with it", () => {
    assert.strictEqual(rung("ncaab", "59", "NC State at Georgia Tech").rung, "location")
    // "Los Angeles" starts both the Lakers and the Clippers
    assert.strictEqual(rung("nba", "13", "Memphis at Los Angeles").rung, "none")
  })

  it("Jaro-Winkler only rescues long one-word names", () => {
    assert.isAbove(jaroWinkler("arsenal", "arsenall"), 0.95)
    assert.strictEqual(rung("epl", "359", "Arsenall v Southampton").rung, "jaro-winkler")
    assert.isBelow(jaroWinkler("giants", "saints"), 0.95)
  })

  it("Jaro-Winkler is symmetric and in [0, 1]", () => {
    fc.assert(fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
      const x = jaroWinkler(a, b)
      return x >= 0 && x <= 1 + 1e-12 && Math.abs(x - jaroWinkler(b, a)) < 1e-12
    }))
  })
})

describe("mentionedTeams", () => {
  it("prefers the longest phrase (Mississippi State is not Ole Miss)", () => {
    const named = [...mentionedTeams(league("ncaaf"), normalize("Mississippi State at Southern Miss"))].map((t) => t.name).sort()
    assert.deepStrictEqual(named, ["Mississippi State Bulldogs", "Southern Miss Golden Eagles"])
  })

  it("does not read everyday words as teams", () => {
    assert.deepStrictEqual([...mentionedTeams(league("nfl"), normalize("Who was the winner? Yes or no"))], [])
  })
})

describe("isNonMoneyline", () => {
  it("rejects spreads, totals, props and periods", () => {
    for (
      const t of [
        "Spread: Pacers (-4.5)",
        "Knicks vs. Pacers: O/U 220.5",
        "Lakers +5.5",
        "1H Moneyline",
        "First 5 innings winner",
        "Jalen Brunson: 33+ points",
        "Both teams to score",
        "NBA Champion 2025",
        "Team to Advance"
      ]
    ) assert.isTrue(isNonMoneyline(t), t)
  })

  it("keeps the plain game markets", () => {
    for (const t of ["Knicks vs. Pacers", "New York at Houston Winner?", "Will Arsenal win on 2025-05-25?", "Draw (Arsenal vs. Chelsea)"]) {
      assert.isFalse(isNonMoneyline(t), t)
    }
  })
})
