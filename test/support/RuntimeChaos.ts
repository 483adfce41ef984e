/**
 * A world for chaos scenarios on the full runtime (issue 16, item 7): the built `arbees run`
 * (`node dist/main.js run`, a real child process) against a private PostgreSQL and a private Redis
 * (`PrivateServers.ts`, free ports, never the machine's shared ones), an ESPN that plays one live
 * NBA game in real time (Pelicans at Pacers, the real recorded scoreboard moved to a running clock
 * and score), and the fake Kalshi (signed REST and WebSocket) listing that game, re-dated to
 * today, with books that tick every second. The fake Polymarket lists nothing for the game.
 *
 * The game's ESPN can be frozen (the same response again and again), made to interleave older
 * responses, or skewed; the Kalshi sockets can be dropped. The child is observed through its JSON
 * log lines, its admin API (`/diagnostics`), its database (read with `psql`) and the Redis streams.
 *
 * Paper mode: orders fill on the fake Kalshi's books through the paper venue.
 */
import { execFile } from "node:child_process"
import { generateKeyPairSync } from "node:crypto"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { Redis } from "ioredis"
import { fixture } from "../services/espn/Fixtures.ts"
import * as Cli from "./Cli.ts"
import { type Stage, withStage } from "./FakeEspn.ts"
import { FakeKalshi } from "./FakeKalshi.ts"
import { FakePolymarket } from "./FakePolymarket.ts"
import { fixturesDir } from "./MatchingFixtures.ts"
import * as Private from "./PrivateServers.ts"

/** New Orleans Pelicans at Indiana Pacers (ESPN's recorded scoreboard) */
export const GAME = "401736810"
export const PREFIX = "chaos:"
const ROUTE = "/apis/site/v2/sports/basketball/nba/scoreboard"
const keys = generateKeyPairSync("rsa", { modulusLength: 2048 })

/** `26DEC02`: the Eastern date of an instant, as Kalshi writes it in tickers. */
const tickerDate = (ms: number): string => {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", year: "2-digit", month: "short", day: "2-digit" }).formatToParts(new Date(ms))
  const part = (type: string) => parts.find((p) => p.type === type)!.value
  return `${part("year")}${part("month").toUpperCase()}${part("day")}`
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export const until = async <A>(what: string, probe: () => A | Promise<A>, holds: (a: A) => boolean, timeoutMs: number, everyMs = 250): Promise<A> => {
  const started = Date.now()
  let last: A | undefined
  for (;;) {
    try {
      last = await probe()
      if (holds(last)) return last
    } catch {
      // not there yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 2_000)}`)
    await sleep(everyMs)
  }
}

export const percentile = (values: ReadonlyArray<number>, p: number): number | null => {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

/**
 * The game on ESPN: the second quarter from 12:00, one second of game clock per real second, two
 * points to a side every 20 s. `frozen` serves the last response again; `staleEvery` k serves,
 * every k-th request, the state `staleByMs` earlier; `skewMs` moves every response's game clock as
 * if ESPN's view of the time were that far off.
 */
export class LiveGame {
  readonly startedAt = Date.now()
  frozen = false
  staleEvery = 0
  staleByMs = 20_000
  /** Responses served, and the stale ones among them */
  served = 0
  staleServed = 0
  private last: unknown
  private readonly board: unknown
  private readonly tipOff = new Date(Date.now() - 30 * 60_000).toISOString()

  constructor() {
    const base = fixture("espn-nba-scoreboard-20241215-final.json") as { events: Array<{ id: string }> }
    this.board = { ...base, events: base.events.filter((e) => e.id === GAME) }
  }

  /** The stage `elapsedMs` into the scenario. */
  stageAt(elapsedMs: number): Stage {
    const s = Math.max(0, Math.floor(elapsedMs / 1_000))
    const period = Math.min(4, 2 + Math.floor(s / 720))
    const clock = period === 4 && s >= 3 * 720 ? 0 : 720 - (s % 720)
    const clockText = `${Math.floor(clock / 60)}:${String(clock % 60).padStart(2, "0")}`
    return {
      state: "in",
      name: "STATUS_IN_PROGRESS",
      period,
      clock,
      displayClock: clockText,
      detail: `${clockText} - ${period === 2 ? "2nd" : period === 3 ? "3rd" : "4th"}`,
      home: 50 + 2 * Math.floor(s / 20),
      away: 48 + 2 * Math.floor((s + 10) / 20),
      date: this.tipOff
    }
  }

  /** The response to the next scoreboard request. */
  respond(): unknown {
    this.served++
    if (this.frozen && this.last !== undefined) return this.last
    const elapsed = Date.now() - this.startedAt
    if (this.staleEvery > 0 && this.served % this.staleEvery === 0) {
      this.staleServed++
      return withStage(this.board, GAME, this.stageAt(elapsed - this.staleByMs))
    }
    this.last = withStage(this.board, GAME, this.stageAt(elapsed))
    return this.last
  }
}

/** An ESPN site API serving `game` on the NBA scoreboard route; any other route is a 404. */
const espnServer = (game: LiveGame): Promise<{ readonly baseUrl: string; readonly close: () => Promise<void> }> =>
  new Promise((resolve) => {
    const server: Server = createServer((req, res) => {
      const path = new URL(req.url ?? "/", "http://localhost").pathname
      if (path !== ROUTE) {
        res.writeHead(404, { "content-type": "application/json" })
        res.end(`{"code":404}`)
        return
      }
      res.writeHead(200, { "content-type": "application/json" })
      res.end(JSON.stringify(game.respond()))
    })
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resolve({
        baseUrl: `http://127.0.0.1:${port}/apis/site/v2/sports`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections()
            server.close(() => done())
          })
      })
    })
  })

export interface LogLine {
  /** When this process read it */
  readonly at: number
  /** The child's own timestamp on it (its clock) */
  readonly time: number
  readonly message: string
  readonly level: string
  readonly annotations: Record<string, unknown>
}

export interface Arbees {
  readonly child: ReturnType<typeof Cli.start>["child"]
  readonly lines: Array<LogLine>
  readonly exited: Promise<Cli.CliResult>
  readonly output: () => { stdout: string; stderr: string }
  /** SIGTERM; resolves with the exit and how long it took */
  readonly terminate: (timeoutMs?: number) => Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly millis: number }>
}

export interface World {
  readonly game: LiveGame
  readonly kalshi: FakeKalshi
  readonly pg: Private.PostgresServer
  readonly redis: Private.RedisServer
  readonly dir: string
  readonly env: NodeJS.ProcessEnv
  readonly tickers: { readonly home: string; readonly away: string }
  /** How far the child's clock is ahead of this machine's */
  readonly clockOffsetMs: number
  /** Starts `arbees run`; resolves once it says it is ready */
  readonly start: () => Promise<Arbees>
  readonly sql: (query: string) => Promise<Array<Array<string>>>
  readonly diagnostics: () => Promise<TreeNode>
  /** Every entry of a topic's stream, in order */
  readonly stream: (topic: string) => Promise<Array<StreamEntry>>
  readonly dispose: () => Promise<void>
}

export interface StreamEntry {
  /** The entry id, and the time in it (Redis's clock, this machine's) */
  readonly entry: string
  readonly at: number
  /** The event id */
  readonly id: string
  readonly fields: Readonly<Record<string, string>>
}

export interface TreeNode {
  readonly id: string
  readonly kind: string
  readonly status: string
  readonly details: Record<string, unknown>
  readonly children: ReadonlyArray<TreeNode>
}

export const nodes = (root: TreeNode): Array<TreeNode> => [root, ...root.children.flatMap(nodes)]

/** Settings of the world's child beyond the defaults (ARBEES_* names). */
export interface Options {
  readonly redisPersistence?: "aof" | "none"
  /**
   * The child's wall clock this far ahead of the machine's (negative: behind), and so of ESPN's,
   * the venues', Postgres's and Redis's: a preload moves `Date` (which Effect's `Clock` reads)
   */
  readonly clockOffsetMs?: number
  /** Live trading on Kalshi (`--authorize-live`): orders go to the fake Kalshi's order desk */
  readonly live?: boolean
  readonly env?: Record<string, string>
}

export const world = async (options: Options = {}): Promise<World> => {
  const pg = await Private.postgres()
  const redis = await Private.redis({ persistence: options.redisPersistence ?? "none" })
  const game = new LiveGame()
  const espn = await espnServer(game)
  const kalshi = new FakeKalshi({ publicKey: keys.publicKey, pingMillis: 5_000, orders: options.live === true })
  await kalshi.start()
  // $100,000 at the venue: a live account opens at the venue's balance
  if (kalshi.desk !== undefined) kalshi.desk.balance = 100_000_000_000
  const polymarket = new FakePolymarket()
  await polymarket.start()

  // Kalshi lists the game today (the recorded event, re-dated), its markets open
  const recorded = (JSON.parse(readFileSync(join(fixturesDir, "kalshi-events.json"), "utf8")) as { events: Array<Record<string, unknown>> }).events
    .find((e) => e["event_ticker"] === "KXNBAGAME-24DEC15NOPIND")!
  const event = JSON.parse(JSON.stringify(recorded).replaceAll("24DEC15", tickerDate(Date.now() - 30 * 60_000))) as { markets: Array<Record<string, unknown>> }
  for (const m of event.markets) Object.assign(m, { status: "active", result: "" })
  kalshi.events.push(event)
  kalshi.markets.push(...event.markets)
  const [away, home] = event.markets.map((m) => m["ticker"] as string) as [string, string]
  // Indiana (home) YES bids 0.15, NO bids 0.25 (YES asks 0.75); New Orleans YES 0.24, NO 0.74 (YES asks 0.26)
  kalshi.setBook(home, [["0.1500", "200.00"]], [["0.2500", "200.00"]])
  kalshi.setBook(away, [["0.2400", "500.00"]], [["0.7400", "500.00"]])
  // The books keep talking: the size at the best bids changes every second (each change a new
  // top of book, so the game actor evaluates on books even while ESPN stands still)
  let flip = 1
  const ticker = setInterval(() => {
    flip = -flip
    kalshi.delta(home, "yes", "0.1500", flip > 0 ? "10" : "-10")
    kalshi.delta(away, "yes", "0.2400", flip > 0 ? "10" : "-10")
  }, 1_000)

  const dir = Cli.tempDir()
  const keyFile = join(dir, "kalshi.pem")
  writeFileSync(keyFile, keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), { mode: 0o600 })
  const offset = options.clockOffsetMs ?? 0
  const clock: Record<string, string> = {}
  if (offset !== 0) {
    const shim = join(dir, "clock-offset.mjs")
    writeFileSync(shim, [
      "// The chaos suite's clock skew: this process's wall clock runs CHAOS_CLOCK_OFFSET_MS ahead",
      "const offset = Number(process.env.CHAOS_CLOCK_OFFSET_MS)",
      "const RealDate = Date",
      "const realNow = RealDate.now",
      "class SkewedDate extends RealDate {",
      "  constructor(...args) { if (args.length === 0) super(realNow() + offset); else super(...args) }",
      "  static now() { return realNow() + offset }",
      "}",
      "globalThis.Date = SkewedDate",
      ""
    ].join("\n"))
    clock["CHAOS_CLOCK_OFFSET_MS"] = String(offset)
    clock["NODE_OPTIONS"] = `${process.env["NODE_OPTIONS"] ?? ""} --import=${shim}`.trim()
  }
  const env = Cli.cleanEnv({
    ...clock,
    ...(options.live === true ? { ARBEES_MODE: "live" } : {}),
    DATABASE_URL: pg.url(),
    REDIS_URL: redis.url,
    ARBEES_DATA_DIR: join(dir, "data"),
    ARBEES_LOG_FORMAT: "json",
    ARBEES_BUS_STREAM_PREFIX: PREFIX,
    ARBEES_ESPN_BASE_URL: espn.baseUrl,
    ARBEES_ESPN_POLL_LIVE: "1s",
    ARBEES_ESPN_RETRIES: "0",
    ARBEES_DISCOVERY_LEAGUES: "nba",
    ARBEES_DISCOVERY_INTERVAL: "2s",
    ARBEES_KALSHI_REST_URL: kalshi.httpUrl("/trade-api/v2"),
    ARBEES_KALSHI_WS_URL: kalshi.wsUrl(),
    ARBEES_KALSHI_KEY_ID: "chaos-key",
    ARBEES_KALSHI_PRIVATE_KEY_FILE: keyFile,
    ARBEES_POLYMARKET_GAMMA_URL: polymarket.gammaUrl(),
    ARBEES_POLYMARKET_CLOB_URL: polymarket.httpUrl(),
    ARBEES_POLYMARKET_WS_URL: polymarket.wsUrl(),
    ARBEES_STRATEGIES_ENABLED: "model_edge",
    ARBEES_SIGNALS_REQUIRE_PRIOR: "false",
    ARBEES_SIGNALS_DEBOUNCE: "1s",
    ARBEES_SHUTDOWN_DEADLINE: "30s",
    // Room to keep trading through a scenario: orders go on being approved, filled and posted while
    // the faults happen (each order is still capped at 100 contracts and $100; 20 submissions a minute)
    ARBEES_BANKROLL_INITIAL: "100000",
    ARBEES_RISK_MAX_POSITION_FRACTION: "1",
    ARBEES_RISK_MAX_GAME_EXPOSURE: "50000",
    ARBEES_RISK_MAX_MARKET_EXPOSURE: "50000",
    ARBEES_RISK_MAX_SPORT_EXPOSURE: "50000",
    ARBEES_RISK_MAX_TOTAL_EXPOSURE: "50000",
    ARBEES_RISK_MAX_DAILY_LOSS: "50000",
    ARBEES_RISK_MAX_DRAWDOWN: "0.9",
    ARBEES_EXECUTION_KILL_SWITCH_DAILY_LOSS: "50000",
    ARBEES_EXECUTION_MAX_CONTRACTS_PER_MARKET: "1000000",
    ARBEES_EXECUTION_MAX_CONTRACTS_PER_GAME: "1000000",
    ARBEES_EXECUTION_MAX_CONTRACTS_PER_SPORT: "1000000",
    ARBEES_EXECUTION_MAX_CONTRACTS_TOTAL: "1000000",
    ...options.env
  })

  const start = async (): Promise<Arbees> => {
    const proc = Cli.start(options.live === true ? ["run", "--authorize-live"] : ["run"], { env, cwd: dir })
    const lines: Array<LogLine> = []
    let partial = ""
    proc.child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n")
      partial = parts.pop()!
      const at = Date.now()
      for (const line of parts) {
        try {
          const o = JSON.parse(line) as { message?: unknown; level?: string; timestamp?: string; annotations?: Record<string, unknown> }
          lines.push({ at, time: Date.parse(o.timestamp ?? ""), message: [o.message].flat().map(String).join(" "), level: o.level ?? "", annotations: o.annotations ?? {} })
        } catch {
          // not a log line
        }
      }
    })
    await proc.waitFor(/arbees ready/, 120_000)
    const terminate = async (timeoutMs = 45_000) => {
      const sent = Date.now()
      proc.child.kill("SIGTERM")
      const result = await Promise.race([proc.exited, sleep(timeoutMs).then(() => undefined)])
      if (result === undefined) {
        proc.child.kill("SIGKILL")
        return { code: null, signal: null, millis: Date.now() - sent }
      }
      return { code: result.code, signal: result.signal, millis: Date.now() - sent }
    }
    return { child: proc.child, lines, exited: proc.exited, output: proc.output, terminate }
  }

  const sql = (query: string) =>
    new Promise<Array<Array<string>>>((resolve, reject) =>
      execFile(join(Private.PG_BIN, "psql"), ["-X", "-A", "-t", "-F", "\t", "-h", "127.0.0.1", "-p", String(pg.port), "-U", "postgres", "-d", "postgres", "-c", query], (error, stdout, stderr) =>
        error === null ? resolve(stdout.split("\n").filter((l) => l !== "").map((l) => l.split("\t"))) : reject(new Error(`${error.message}: ${stderr}`))
      )
    )

  const diagnostics = async (): Promise<TreeNode> => {
    const { url } = JSON.parse(readFileSync(join(dir, "data", "admin.json"), "utf8")) as { url: string }
    const response = await fetch(`${url}/diagnostics`)
    return (await response.json()) as TreeNode
  }

  const stream = async (topic: string): Promise<Array<StreamEntry>> => {
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 })
    try {
      await client.connect()
      const entries = await client.xrange(`${PREFIX}${topic}`, "-", "+")
      return entries.map(([entry, list]) => {
        const fields: Record<string, string> = {}
        for (let i = 0; i + 1 < list.length; i += 2) fields[list[i]!] = list[i + 1]!
        return { entry, at: Number(entry.split("-")[0]), id: fields["id"] ?? "", fields }
      })
    } finally {
      client.disconnect()
    }
  }

  return {
    game,
    kalshi,
    pg,
    redis,
    dir,
    env,
    tickers: { home, away },
    clockOffsetMs: offset,
    start,
    sql,
    diagnostics,
    stream,
    dispose: async () => {
      clearInterval(ticker)
      await kalshi.close()
      await polymarket.close()
      await espn.close()
      await redis.dispose()
      await pg.dispose()
    }
  }
}

/** Writes a scenario's figures to `.arbees/chaos/<scenario>.json` and prints them. */
export const report = (scenario: string, figures: Record<string, unknown>): void => {
  const root = new URL("../../", import.meta.url).pathname
  mkdirSync(`${root}.arbees/chaos`, { recursive: true })
  writeFileSync(`${root}.arbees/chaos/${scenario}.json`, JSON.stringify({ scenario, ...figures }, null, 2) + "\n")
  process.stdout.write(`chaos ${JSON.stringify({ scenario, ...figures })}\n`)
}

/**
 * What the child wrote against what reached the bus, after it exited: every outbox event is on
 * its topic's stream (lost: those that are not), and each stream holds each event once
 * (duplicated: the extra entries). The money: each order's fills add up to its filled quantity,
 * each fill has its trade posting in the ledger once, each open position holds what its fills
 * bought, and no order created before `inFlightBefore` (this machine's time) is left in flight.
 */
export const accounting = async (w: World, inFlightBefore = Number.POSITIVE_INFINITY) => {
  const rows = await w.sql("SELECT event_id, topic, published_at IS NOT NULL FROM outbox")
  const topics = [...new Set(rows.map((r) => r[1]!))]
  const onBus = new Map<string, number>()
  let entries = 0
  for (const topic of topics) {
    for (const e of await w.stream(topic)) {
      onBus.set(e.id, (onBus.get(e.id) ?? 0) + 1)
      entries++
    }
  }
  const lost = rows.filter((r) => !onBus.has(r[0]!)).map((r) => `${r[1]} ${r[0]}`)
  const unpublished = rows.filter((r) => r[2] !== "t").length
  const [[orders, fills, postings]] = (await w.sql(
    "SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM fills), (SELECT count(*) FROM bankroll_ledger)"
  )) as [[string, string, string]]
  const money = await w.sql(`
    SELECT 'order fills != filled ' || o.client_order_id FROM orders o
      WHERE o.filled_quantity <> (SELECT coalesce(sum(quantity), 0) FROM fills f WHERE f.client_order_id = o.client_order_id)
    UNION ALL
    SELECT 'order in flight ' || client_order_id || ' ' || status FROM orders WHERE status IN ('pending_submit', 'submitted', 'unknown')
      AND created_at < to_timestamp(${Number.isFinite(inFlightBefore) ? (inFlightBefore + w.clockOffsetMs) / 1000 : "'infinity'"})
    UNION ALL
    SELECT 'fill without exactly one trade posting ' || f.fill_id FROM fills f
      WHERE (SELECT count(*) FROM bankroll_ledger l WHERE l.kind = 'trade' AND l.reference LIKE '%' || f.fill_id || '%') <> 1
    UNION ALL
    SELECT 'position != fills ' || p.position_id FROM positions p WHERE p.status = 'open' AND p.quantity <>
      (SELECT coalesce(sum(CASE WHEN f.action = 'buy' THEN f.quantity ELSE -f.quantity END), 0) FROM fills f
        WHERE f.platform = p.platform AND f.market_id = p.market_id AND f.outcome_id = p.outcome_id)
    UNION ALL
    SELECT 'bankroll != ledger ' || b.account FROM bankroll b
      WHERE b.balance_micros <> (SELECT coalesce(sum(amount_micros), 0) FROM bankroll_ledger l WHERE l.account = b.account AND l.bucket = 'available')`)
  return {
    written: rows.length,
    unpublished,
    lost,
    streamEntries: entries,
    duplicated: entries - onBus.size,
    orders: Number(orders),
    fills: Number(fills),
    ledgerPostings: Number(postings),
    moneyProblems: money.map((r) => r[0]!)
  }
}

/** Game states in the database, in observation order (`at`: this machine's time). */
export const stateRows = async (w: World) =>
  (await w.sql(`SELECT (extract(epoch FROM observed_at) * 1000)::bigint, status, period, coalesce(seconds_remaining, 0), home_score + away_score FROM game_states WHERE game_id = '${GAME}' ORDER BY observed_at`))
    .map(([at, status, period, left, score]) => ({ at: Number(at) - w.clockOffsetMs, status: status!, period: Number(period), left: Number(left), score: Number(score) }))

/** Pairs of consecutive states where the later one is an earlier moment of the game. */
export const backwards = (states: ReadonlyArray<{ readonly period: number; readonly left: number; readonly score: number }>) => {
  const key = (s: { period: number; left: number; score: number }) => [s.period, -s.left, s.score]
  const out: Array<string> = []
  for (let i = 1; i < states.length; i++) {
    const [a, b] = [key(states[i - 1]!), key(states[i]!)]
    const d = a.map((x, k) => b[k]! - x).find((x) => x !== 0) ?? 0
    if (d < 0) out.push(`${JSON.stringify(states[i - 1])} -> ${JSON.stringify(states[i])}`)
  }
  return out
}

/** The longest gap (ms) between consecutive game states observed within [from, to]. */
export const maxStateGap = (states: ReadonlyArray<{ readonly at: number }>, from: number, to: number): number => {
  const inside = states.filter((s) => s.at >= from && s.at <= to).map((s) => s.at)
  const points = [from, ...inside, to]
  let gap = 0
  for (let i = 1; i < points.length; i++) gap = Math.max(gap, points[i]! - points[i - 1]!)
  return gap
}

/** Signals decided (the `signals` stream): when (this machine's time), verdict and reason. */
export const decisions = async (w: World) =>
  (await w.stream("signals")).map((e) => {
    const payload = JSON.parse(e.fields["p"] ?? "{}") as { verdict?: string; reason?: string; signal?: { createdAt?: number; legs?: Array<{ outcome: { marketId: string; outcomeId: string } }> } }
    return {
      at: payload.signal?.createdAt === undefined ? e.at : payload.signal.createdAt - w.clockOffsetMs,
      verdict: payload.verdict ?? "",
      reason: payload.reason ?? "",
      outcomes: (payload.signal?.legs ?? []).map((l) => `${l.outcome.marketId}/${l.outcome.outcomeId}`)
    }
  })
