/**
 * The prior a live game's model stands on, through the real runtime (issue 17, "priors
 * everywhere"): a college-football game with no line gets the shipped team-Elo prior
 * (`data/ratings/ncaaf.json`), and every recorded state says which prior it stood on; when the
 * line arrives it replaces the rating.
 */
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { SqlClient } from "effect/sql"
import { Game } from "../../src/actors/Game.ts"
import { upsertGame } from "../../src/actors/Orchestrator.ts"
import type { GameState } from "../../src/schema/GameState.ts"
import type { GameId, TeamId } from "../../src/schema/Ids.ts"
import { eventually } from "../support/Eventually.ts"
import { runtimeWithoutVenues } from "../support/Runtime.ts"

const runtime = runtimeWithoutVenues({ "discovery.leagues": "ncaaf" })

const GAME = "401999017" as GameId

/** Georgia (61) at home to Alabama (333), both rated in the shipped file; `minutesPlayed` into the game. */
const stateAt = (minutesPlayed: number, observedAt: number, odds?: GameState["odds"]): GameState => ({
  gameId: GAME,
  league: "ncaaf",
  sport: "ncaaf",
  status: "in_progress",
  startTime: Date.UTC(2026, 8, 5, 19, 30),
  period: Math.min(4, Math.floor(minutesPlayed / 15) + 1),
  secondsRemaining: 3600 - minutesPlayed * 60,
  periodSecondsRemaining: 900 - (minutesPlayed % 15) * 60,
  overtime: false,
  home: { teamId: "61" as TeamId, abbreviation: "UGA", name: "Georgia Bulldogs", score: 0 },
  away: { teamId: "333" as TeamId, abbreviation: "ALA", name: "Alabama Crimson Tide", score: 0 },
  detail: `${minutesPlayed} min played`,
  ...(odds === undefined ? {} : { odds }),
  observedAt
})

layer(runtime, { excludeTestServices: true, timeout: "120 seconds" })("game actor prior", (it) => {
  it.effect("stands on the team rating with no line, says so on every state, and takes the line when it comes", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const games = (yield* Game.client)(GAME)
      const t0 = Date.now()
      yield* sql`DELETE FROM game_states WHERE game_id = ${GAME}`
      yield* upsertGame(stateAt(1, t0))
      yield* games.Track({ state: stateAt(1, t0), revision: "r1", attempt: 0, outcomes: [] })
      yield* games.Update({ state: stateAt(2, t0 + 1000) })
      yield* games.Update({ state: stateAt(3, t0 + 2000, { provider: "test", homeMoneyline: -150, awayMoneyline: 130 }) })
      const rows = yield* eventually(
        "three recorded states",
        sql<{ source: string | null; detail: string | null; home: number }>`SELECT model_prior_source AS source, model_prior_detail AS detail, model_home_prob AS home
          FROM game_states WHERE game_id = ${GAME} ORDER BY observed_at`,
        (r) => r.length === 3,
        "60 seconds"
      )
      assert.deepStrictEqual(rows.map((r) => r.source), ["elo", "elo", "moneyline"])
      assert.include(rows[0]!.detail!, "team Elo")
      assert.include(rows[0]!.detail!, "data/ratings/ncaaf.json")
      assert.include(rows[2]!.detail!, "ML -150/+130")
      // The shipped ratings have Georgia above Alabama: at home, favoured without a line
      assert.isAbove(rows[0]!.home, 0.5)
      const view = yield* games.Inspect()
      assert.strictEqual(view.model?.priorSource, "moneyline")
    }), 100_000)
})
