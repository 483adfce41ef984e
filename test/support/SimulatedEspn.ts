/**
 * A simulated ESPN for test-clock simulations: an `HttpClient` that answers the real scoreboard
 * routes with real recorded scoreboards, each game moved to the stage the simulated clock says it
 * is at (pre-game, live with a running clock and score, final).
 *
 * It sits where the network would be, so the real `EspnClient` (decoding, retries, breaker) and
 * `Discovery` (adaptive polling) run unchanged, and everything is deterministic under `TestClock`.
 */
import { Clock, Effect, Layer } from "effect"
import { HttpClient, HttpClientResponse } from "effect/http"
import { fixture } from "../services/espn/Fixtures.ts"
import { type Stage, withStage } from "./FakeEspn.ts"

export interface SimulatedGame {
  readonly league: "nba" | "nhl" | "epl"
  /** A shared ESPN scoreboard fixture holding the event */
  readonly fixture: string
  readonly eventId: string
  /** Epoch ms */
  readonly start: number
  /** Wall-clock length of the game */
  readonly minutes: number
  readonly final: { readonly home: number; readonly away: number }
}

const routes: Record<SimulatedGame["league"], string> = {
  nba: "basketball/nba/scoreboard",
  nhl: "hockey/nhl/scoreboard",
  epl: "soccer/eng.1/scoreboard"
}

const clockText = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`

/** The stage of `game` at `now`: the game's periods run evenly over its length. */
export const stageAt = (game: SimulatedGame, now: number): Stage => {
  const date = new Date(game.start).toISOString()
  const progress = (now - game.start) / (game.minutes * 60_000)
  if (progress < 0) return { state: "pre", name: "STATUS_SCHEDULED", period: 0, clock: 0, displayClock: "0:00", detail: "Scheduled", home: 0, away: 0, date }
  if (progress >= 1) return { state: "post", name: "STATUS_FINAL", period: game.league === "epl" ? 2 : game.league === "nhl" ? 3 : 4, clock: 0, displayClock: "0:00", detail: "Final", home: game.final.home, away: game.final.away, date }
  const home = Math.floor(game.final.home * progress)
  const away = Math.floor(game.final.away * progress)
  if (game.league === "epl") {
    const minute = Math.min(89, Math.floor(progress * 90))
    return { state: "in", name: "STATUS_IN_PROGRESS", period: minute < 45 ? 1 : 2, clock: minute * 60, displayClock: `${minute}'`, detail: `${minute}'`, home, away, date }
  }
  const periods = game.league === "nhl" ? 3 : 4
  const periodSeconds = game.league === "nhl" ? 1200 : 720
  const played = progress * periods
  const period = Math.min(periods, Math.floor(played) + 1)
  const remaining = Math.max(0, Math.round((period - played) * periodSeconds))
  return { state: "in", name: "STATUS_IN_PROGRESS", period, clock: remaining, displayClock: clockText(remaining), detail: `${clockText(remaining)} - ${period}`, home, away, date }
}

/** The scoreboard of `league` at `now`, holding only the simulated games. */
export const scoreboardAt = (games: ReadonlyArray<SimulatedGame>, league: SimulatedGame["league"], now: number): unknown => {
  const mine = games.filter((g) => g.league === league)
  if (mine.length === 0) return { events: [] }
  const base = structuredClone(fixture(mine[0]!.fixture)) as { events: Array<{ id: string }> }
  base.events = base.events.filter((e) => mine.some((g) => g.eventId === e.id))
  return mine.reduce<unknown>((board, g) => withStage(board, g.eventId, stageAt(g, now)), base)
}

/** An `HttpClient` serving the simulated games; anything else is a 404. */
export const layer = (games: ReadonlyArray<SimulatedGame>): Layer.Layer<HttpClient.HttpClient> =>
  Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request, url) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const route = url.pathname.replace(/^\/apis\/site\/v2\/sports\//, "")
        const league = (Object.keys(routes) as Array<SimulatedGame["league"]>).find((l) => routes[l] === route)
        const response = league === undefined
          ? new Response(JSON.stringify({ code: 404 }), { status: 404, headers: { "content-type": "application/json" } })
          : new Response(JSON.stringify(scoreboardAt(games, league, now)), { status: 200, headers: { "content-type": "application/json" } })
        return HttpClientResponse.fromWeb(request, response)
      })
    )
  )
