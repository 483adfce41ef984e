/**
 * A fake ESPN site API for tests: a real HTTP server on 127.0.0.1 that answers the routes the
 * client calls (`/apis/site/v2/sports/{sport}/{league}/scoreboard` and `/summary?event=`) with the
 * real recorded payloads, or with a scripted sequence of replies per route:
 *
 * - `json` / `fixture`: a document (optionally after a delay);
 * - `status`: an HTTP error status with a body;
 * - `raw`: any text with status 200 (malformed JSON, an HTML error page);
 * - `truncated`: the first part of a document, either cut by resetting the connection after
 *   promising the full `content-length` (`reset`), or ended cleanly mid-document (`clean`);
 * - `hang`: accept the request and never answer.
 *
 * A script's replies are used in order; the last one repeats. `Progression` builds a game's
 * pre-game, live and final scoreboards from a real fixture.
 */
import { Effect, type Scope } from "effect"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { fixture } from "../services/espn/Fixtures.ts"

export type Reply =
  | { readonly _tag: "json"; readonly body: unknown; readonly delayMs?: number }
  | { readonly _tag: "status"; readonly status: number; readonly body: string; readonly delayMs?: number }
  | { readonly _tag: "raw"; readonly text: string; readonly delayMs?: number }
  | { readonly _tag: "truncated"; readonly body: unknown; readonly mode: "reset" | "clean" }
  | { readonly _tag: "hang" }

export const Reply = {
  json: (body: unknown, options: { readonly delayMs?: number } = {}): Reply => ({ _tag: "json", body, ...options }),
  fixture: (name: string, options: { readonly delayMs?: number } = {}): Reply => ({ _tag: "json", body: fixture(name), ...options }),
  status: (status: number, body = `{"code":${status}}`, options: { readonly delayMs?: number } = {}): Reply => ({ _tag: "status", status, body, ...options }),
  raw: (text: string, options: { readonly delayMs?: number } = {}): Reply => ({ _tag: "raw", text, ...options }),
  truncated: (body: unknown, mode: "reset" | "clean"): Reply => ({ _tag: "truncated", body, mode }),
  hang: { _tag: "hang" } as Reply
}

/** The shared fixture each route serves when no script is set. */
const defaults: Record<string, string> = {
  "basketball/nba/scoreboard": "espn-nba-scoreboard-20241215-final.json",
  "basketball/mens-college-basketball/scoreboard": "espn-ncaam-scoreboard-acc-final.json",
  "football/nfl/scoreboard": "espn-nfl-scoreboard-20241215-final.json",
  "football/college-football/scoreboard": "espn-cfb-scoreboard-2025wk1-sec-pregame-odds.json",
  "baseball/mlb/scoreboard": "espn-mlb-scoreboard-live-and-pregame-odds.json",
  "hockey/nhl/scoreboard": "espn-nhl-scoreboard-live-ot.json",
  "soccer/eng.1/scoreboard": "espn-soccer-eng1-scoreboard-final.json",
  "soccer/usa.1/scoreboard": "espn-soccer-usa1-scoreboard-pregame-odds.json",
  "football/nfl/summary/401547417": "espn-nfl-summary-401547417.json",
  "basketball/nba/summary/401772994": "espn-nba-summary-401772994.json",
  "baseball/mlb/summary/401472463": "espn-mlb-summary-401472463.json",
  "hockey/nhl/summary/401774292": "espn-nhl-summary-401774292.json"
}

export interface Request {
  /** `{sport}/{league}/scoreboard` or `{sport}/{league}/summary/{event}` */
  readonly route: string
  readonly query: Readonly<Record<string, string>>
}

export interface FakeEspn {
  /** Point the client here: `http://127.0.0.1:{port}/apis/site/v2/sports` */
  readonly baseUrl: string
  readonly host: string
  /** Replies for a route, used in order; the last repeats. */
  readonly script: (route: string, replies: ReadonlyArray<Reply>) => void
  /** Every request received, in order */
  readonly requests: () => ReadonlyArray<Request>
  /** How many requests a route received */
  readonly count: (route: string) => number
  /** The most requests that were open at the same time */
  readonly peakConcurrency: () => number
}

const PREFIX = "/apis/site/v2/sports/"

/** Starts a fake ESPN server for the scope. */
export const make: Effect.Effect<FakeEspn, never, Scope.Scope> = Effect.gen(function*() {
  const scripts = new Map<string, { replies: ReadonlyArray<Reply>; next: number }>()
  const received: Array<Request> = []
  const timers = new Set<NodeJS.Timeout>()
  let open = 0
  let peak = 0

  const later = (ms: number | undefined, f: () => void) => {
    if (ms === undefined || ms <= 0) return f()
    const timer = setTimeout(() => {
      timers.delete(timer)
      f()
    }, ms)
    timers.add(timer)
  }

  const replyFor = (route: string): Reply => {
    const script = scripts.get(route)
    if (script !== undefined && script.replies.length > 0) {
      const reply = script.replies[Math.min(script.next, script.replies.length - 1)]!
      script.next++
      return reply
    }
    const name = defaults[route]
    return name === undefined ? Reply.status(404, `{"code":404,"message":"no such route ${route}"}`) : Reply.fixture(name)
  }

  const send = (res: ServerResponse, reply: Reply) => {
    switch (reply._tag) {
      case "json":
        return later(reply.delayMs, () => {
          res.writeHead(200, { "content-type": "application/json" })
          res.end(JSON.stringify(reply.body))
        })
      case "status":
        return later(reply.delayMs, () => {
          res.writeHead(reply.status, { "content-type": "application/json" })
          res.end(reply.body)
        })
      case "raw":
        return later(reply.delayMs, () => {
          res.writeHead(200, { "content-type": "application/json" })
          res.end(reply.text)
        })
      case "truncated": {
        const full = Buffer.from(JSON.stringify(reply.body))
        const part = full.subarray(0, Math.floor(full.length / 2))
        if (reply.mode === "reset") {
          res.writeHead(200, { "content-type": "application/json", "content-length": String(full.length) })
          res.write(part, () => res.socket?.destroy())
        } else {
          res.writeHead(200, { "content-type": "application/json" })
          res.end(part)
        }
        return
      }
      case "hang":
        return
    }
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost")
    const query = Object.fromEntries(url.searchParams)
    const path = url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) : url.pathname
    const route = path.endsWith("/summary") && query["event"] !== undefined ? `${path}/${query["event"]}` : path
    received.push({ route, query })
    open++
    peak = Math.max(peak, open)
    res.once("close", () => open--)
    send(res, replyFor(route))
  }

  const server = yield* Effect.acquireRelease(
    Effect.callback<Server>((resume) => {
      const s = createServer(handler)
      s.listen(0, "127.0.0.1", () => resume(Effect.succeed(s)))
    }),
    (s) =>
      Effect.callback<void>((resume) => {
        for (const timer of timers) clearTimeout(timer)
        s.closeAllConnections()
        s.close(() => resume(Effect.void))
      })
  )
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}/apis/site/v2/sports`,
    host: `127.0.0.1:${port}`,
    script: (route, replies) => scripts.set(route, { replies, next: 0 }),
    requests: () => [...received],
    count: (route) => received.filter((r) => r.route === route).length,
    peakConcurrency: () => peak
  }
})

/** A stage of a game, applied to a copy of a real scoreboard. */
export interface Stage {
  readonly state: "pre" | "in" | "post"
  readonly name: string
  readonly period: number
  readonly clock: number
  readonly displayClock: string
  readonly detail: string
  readonly home: number
  readonly away: number
  readonly date?: string
}

/** A copy of `scoreboard` with one event moved to `stage` (status on the event and its competition). */
export const withStage = (scoreboard: unknown, eventId: string, stage: Stage): unknown => {
  const copy = structuredClone(scoreboard) as { events: Array<any> }
  const event = copy.events.find((e) => e.id === eventId)
  if (event === undefined) throw new Error(`no event ${eventId}`)
  const status = {
    clock: stage.clock,
    displayClock: stage.displayClock,
    period: stage.period,
    type: {
      id: "0",
      name: stage.name,
      state: stage.state,
      completed: stage.state === "post",
      description: stage.detail,
      detail: stage.detail,
      shortDetail: stage.detail
    }
  }
  event.status = status
  const competition = event.competitions[0]
  competition.status = status
  if (stage.date !== undefined) {
    event.date = stage.date
    competition.date = stage.date
  }
  for (const c of competition.competitors) {
    c.score = String(c.homeAway === "home" ? stage.home : stage.away)
    if (stage.state === "post") c.winner = c.homeAway === "home" ? stage.home > stage.away : stage.away > stage.home
    else delete c.winner
  }
  if (stage.state !== "in") delete competition.situation
  return copy
}

/** Pre-game, live and final scoreboards of the real NHL game 401777455 (FLA @ EDM), starting at `date`. */
export const nhlProgression = (date: string) => {
  const base = fixture("espn-nhl-scoreboard-live-ot.json")
  const id = "401777455"
  return {
    id,
    pre: withStage(base, id, { state: "pre", name: "STATUS_SCHEDULED", period: 0, clock: 0, displayClock: "0:00", detail: "Scheduled", home: 0, away: 0, date }),
    live: withStage(base, id, { state: "in", name: "STATUS_IN_PROGRESS", period: 1, clock: 1140, displayClock: "19:00", detail: "19:00 - 1st", home: 0, away: 1, date }),
    final: withStage(base, id, { state: "post", name: "STATUS_FINAL", period: 3, clock: 0, displayClock: "0:00", detail: "Final", home: 2, away: 3, date })
  }
}
