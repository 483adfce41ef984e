import { NodeServices } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { validateLeague } from "../../../src/domain/matching/TeamData.ts"
import { defaultTeamDirectory, loadTeamFiles, parseTeamFile, TeamReference } from "../../../src/services/matching/TeamReference.ts"

const load = loadTeamFiles(defaultTeamDirectory).pipe(Effect.provide(NodeServices.layer))

const file = (teams: ReadonlyArray<Record<string, unknown>>) =>
  JSON.stringify({ league: "nba", version: 1, season: "test", sources: [], teams })

const team = (espnId: string, name: string, extra: Record<string, unknown> = {}) => ({
  espnId,
  abbreviation: name.slice(0, 3).toUpperCase(),
  name,
  location: name.split(" ")[0],
  nickname: name.split(" ").slice(1).join(" "),
  aliases: [],
  kalshi: [name.slice(0, 3).toUpperCase()],
  polymarket: [name.slice(0, 3).toLowerCase()],
  codeEvidence: "community",
  idEvidence: "espn-payload",
  ...extra
})

describe("TeamReference", () => {
  it.effect("loads every league file and no key maps to two teams in one league", () =>
    Effect.gen(function*() {
      const files = yield* load
      assert.deepStrictEqual(
        files.map((f) => f.league),
        ["bundesliga", "epl", "laliga", "ligue1", "mlb", "mls", "nba", "ncaab", "ncaaf", "nfl", "nhl", "seriea", "wnba"]
      )
      for (const f of files) assert.deepStrictEqual(validateLeague(f), [], f.league)
      const count = (league: string) => files.find((f) => f.league === league)!.teams.length
      assert.strictEqual(count("nba"), 30)
      assert.strictEqual(count("nfl"), 32)
      assert.strictEqual(count("nhl"), 32)
      assert.strictEqual(count("mlb"), 30)
    }))

  it.effect("keeps ESPN's own abbreviations and the venue codes that differ from them", () =>
    Effect.gen(function*() {
      const nba = (yield* load).find((f) => f.league === "nba")!
      const knicks = nba.teams.find((t) => t.espnId === "18")!
      assert.strictEqual(knicks.abbreviation, "NY")
      assert.deepStrictEqual(knicks.kalshi, ["NYK"])
      assert.deepStrictEqual(nba.teams.find((t) => t.espnId === "9")!.kalshi, ["GSW"])
      assert.deepStrictEqual(nba.teams.find((t) => t.espnId === "24")!.kalshi, ["SAS"])
    }))

  it.effect("every ESPN team of the shared scoreboards is in the reference data", () =>
    Effect.gen(function*() {
      const files = yield* load
      const ids = (league: string) => new Set<string>(files.find((f) => f.league === league)!.teams.map((t) => t.espnId))
      // From /work/shared/fixtures: the Knicks, Warriors, Spurs, Seattle Sounders, Minnesota United, Ohio State, Duke
      assert.isTrue(ids("nba").has("18") && ids("nba").has("9") && ids("nba").has("24"))
      assert.isTrue(ids("mls").has("9726") && ids("mls").has("17362"))
      assert.isTrue(ids("ncaaf").has("194") && ids("ncaab").has("150"))
    }))

  it.effect("refuses an alias that names two teams of one league", () =>
    Effect.gen(function*() {
      const text = file([team("1", "Atlanta Hawks", { aliases: ["the birds"] }), team("2", "Boston Celtics", { aliases: ["The Birds"] })])
      const error = yield* Effect.flip(parseTeamFile("nba.json", text))
      assert.strictEqual(error.reason._tag, "Collision")
      assert.include(error.reason.message, `phrase "the birds" → Atlanta Hawks / Boston Celtics`)
    }))

  it.effect("refuses a venue code shared by two teams and a duplicated ESPN id", () =>
    Effect.gen(function*() {
      const text = file([team("1", "Atlanta Hawks", { kalshi: ["ATL"] }), team("1", "Atlanta Dream", { kalshi: ["ATL"] })])
      const error = yield* Effect.flip(parseTeamFile("nba.json", text))
      assert.strictEqual(error.reason._tag, "Collision")
      assert.include(error.reason.message, `kalshi "ATL"`)
      assert.include(error.reason.message, `espnId "1"`)
    }))

  it.effect("refuses a file that does not match the Schema", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(parseTeamFile("nba.json", file([team("x1", "Atlanta Hawks")])))
      assert.strictEqual(error.reason._tag, "Invalid")
    }))

  it.effect("builds the index as a service", () =>
    Effect.gen(function*() {
      const { index } = yield* TeamReference
      assert.strictEqual(index.leagues.get("nba")!.byKalshi.get("NYK")!.name, "New York Knicks")
      assert.strictEqual(index.leagues.get("epl")!.byKalshi.get("CFC")!.name, "Chelsea")
    }).pipe(Effect.provide(TeamReference.layer), Effect.provide(NodeServices.layer)))
})
