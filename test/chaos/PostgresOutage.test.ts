/**
 * A Postgres outage under a running `arbees run` (issue 16, finding 4 and build item 2): a real
 * child process (`dist/main.js`) on a private PostgreSQL that this test starts on a free port and
 * stops mid-game, with a fake ESPN whose live NBA games move every poll.
 *
 * Before, the single runner's shard locks were in Postgres: once a lock refresh failed (16 s into
 * the outage here), every game actor passivated, the states of the outage still queued in the
 * actors were dropped, and the actors came back only after Postgres did. Now, across the outage:
 *
 * - no game actor is passivated or activated again (each game's `activations` stays 1);
 * - each actor keeps taking ESPN states in memory (its ESPN age stays small);
 * - trading is blocked with the reason (the `database` node of the diagnostics tree is degraded,
 *   "trading blocked: ..."), and resumes once Postgres answers again;
 * - every game state the actors accepted during the outage is in `game_states` afterwards (the
 *   design promises all of them, in order: the actor's write-behind queue keeps them), and no
 *   write was dropped;
 * - the outage is told in warnings, never errors.
 *
 * The figures (when the first game passivated, if one did; the ESPN age during the outage; how
 * long after Postgres returned trading resumed; rows written for the outage) go to
 * `.arbees/chaos/pg-outage-<seconds>s.json` (the process's log beside it, `.log`). `npm test` stops Postgres for 10 s; `npm run chaos`
 * (CHAOS=all) also for 25 s.
 */
import { PgClient } from "@effect/sql-pg"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Redacted, Scope } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as fs from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { TreeNode } from "../../src/services/Diagnostics.ts"
import { fixture } from "../services/espn/Fixtures.ts"
import * as Cli from "../support/Cli.ts"
import * as FakeEspn from "../support/FakeEspn.ts"
import * as Private from "../support/PrivateServers.ts"

const root = fileURLToPath(new URL("../../", import.meta.url))
const all = process.env["CHAOS"] === "all"
const BOARD = "espn-nba-scoreboard-20241215-final.json"
const LIVE_GAMES = 3

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Scoreboard replies in which `LIVE_GAMES` games are live and move on every poll: 1 s of clock, a point every 4 polls. */
const movingBoard = (replies: number): { readonly ids: ReadonlyArray<string>; readonly replies: ReadonlyArray<FakeEspn.Reply> } => {
  const board = fixture(BOARD) as { events: Array<{ id: string }> }
  const ids = board.events.slice(0, LIVE_GAMES).map((e) => e.id)
  const startedAt = new Date(Date.now() - 60 * 60_000).toISOString()
  const out: Array<FakeEspn.Reply> = []
  for (let i = 0; i < replies; i++) {
    const clock = 700 - i
    const displayClock = `${Math.floor(clock / 60)}:${String(clock % 60).padStart(2, "0")}`
    let b: unknown = { ...board, events: board.events.slice(0, LIVE_GAMES) }
    for (const id of ids) {
      b = FakeEspn.withStage(b, id, {
        state: "in",
        name: "STATUS_IN_PROGRESS",
        period: 3,
        clock,
        displayClock,
        detail: `${displayClock} - 3rd`,
        home: 60 + Math.floor(i / 4),
        away: 58,
        date: startedAt
      })
    }
    out.push(FakeEspn.Reply.json(b))
  }
  return { ids, replies: out }
}

const getJson = async <A>(dataDir: string, path: string): Promise<A> => {
  const { url } = JSON.parse(fs.readFileSync(join(dataDir, "admin.json"), "utf8")) as { url: string }
  const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(3_000) })
  return (await response.json()) as A
}

const metric = async (dataDir: string, name: string): Promise<number> => {
  const { url } = JSON.parse(fs.readFileSync(join(dataDir, "admin.json"), "utf8")) as { url: string }
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(3_000) })).text()
  return text.split("\n").filter((l) => l.startsWith(name)).reduce((n, l) => n + Number(l.split(" ").at(-1)), 0)
}

const nodes = (tree: TreeNode): Array<TreeNode> => [tree, ...tree.children.flatMap(nodes)]

interface Sample {
  readonly at: number
  readonly games: ReadonlyArray<{ readonly id: string; readonly status: string; readonly activations: number; readonly espnAgeMs: number | undefined }>
  readonly database: TreeNode | undefined
}

const sample = async (dataDir: string): Promise<Sample> => {
  const tree = await getJson<TreeNode>(dataDir, "/diagnostics")
  const all = nodes(tree)
  return {
    at: Date.now(),
    games: all.filter((n) => n.kind === "game").map((n) => ({
      id: n.id,
      status: n.status,
      activations: Number(n.details?.["activations"] ?? 0),
      espnAgeMs: n.espnAgeMs
    })),
    database: all.find((n) => n.id === "database")
  }
}

const until = async <A>(what: string, f: () => Promise<A>, ok: (a: A) => boolean, timeoutMs: number): Promise<A> => {
  const started = Date.now()
  let last: A | undefined
  let error: unknown
  while (Date.now() - started < timeoutMs) {
    try {
      last = await f()
      if (ok(last)) return last
    } catch (e) {
      error = e
    }
    await sleep(200)
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)} ${error === undefined ? "" : String(error)}`)
}

/** Rows of `game_states` per game, in the window and in all. */
const rows = (url: string, from: number, to: number) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.flatMap(PgClient.make({ url: Redacted.make(url), maxConnections: 1 }), (sql) =>
        sql<{ game_id: string; during: number; total: number; latest: number }>`
          SELECT game_id,
                 count(*) FILTER (WHERE observed_at >= to_timestamp(${from / 1000}) AND observed_at <= to_timestamp(${to / 1000}))::int AS during,
                 count(*)::int AS total,
                 (extract(epoch FROM max(observed_at)) * 1000)::bigint::float8 AS latest
            FROM game_states GROUP BY game_id ORDER BY game_id`)
    ).pipe(Effect.provide(Reactivity.layer))
  )

const run = async (outageSeconds: number) => {
  const pg = await Private.postgres()
  const dataDir = Cli.tempDir()
  const espnScope = await Effect.runPromise(Scope.make())
  const fake = { f: await Effect.runPromise(FakeEspn.make.pipe(Scope.provide(espnScope))), close: () => Effect.runPromise(Scope.close(espnScope, Exit.void)) }
  const board = movingBoard(2_000)
  fake.f.script("basketball/nba/scoreboard", board.replies)
  const closed = await Private.freePort()
  const child = Cli.start(["run"], {
    cwd: dataDir,
    env: Cli.cleanEnv({
      DATABASE_URL: pg.url(),
      // The venues are unreachable here; no game has a market
      ...Cli.fakeEspnRunSettings(fake.f.baseUrl, closed),
      ARBEES_LOG_LEVEL: "info"
    })
  })
  const admin = join(dataDir, ".arbees")
  try {
    await child.waitFor(/arbees ready/, 60_000)
    // Every live game has its actor, taking states
    await until("the live games tracked", () => sample(admin), (s) => s.games.filter((g) => g.status === "running" && (g.espnAgeMs ?? 1e9) < 5_000).length === LIVE_GAMES, 40_000)
    await sleep(2_000)
    const before = await sample(admin)

    const stoppedAt = Date.now()
    await pg.stop("fast")
    const during: Array<Sample> = []
    while (Date.now() - stoppedAt < outageSeconds * 1_000) {
      during.push(await sample(admin).catch(() => ({ at: Date.now(), games: [], database: undefined })))
      await sleep(250)
    }
    await pg.start()
    const startedAt = Date.now()
    // Trading resumes once the gate's session is back; the games are watched through the recovery too
    const recovery: Array<Sample> = []
    while (Date.now() - startedAt < 8_000) {
      recovery.push(await sample(admin).catch(() => ({ at: Date.now(), games: [], database: undefined })))
      await sleep(250)
    }
    const resumedSample = recovery.find((s) => s.database?.status === "running")
    const resumed = resumedSample === undefined ? undefined : resumedSample.at - startedAt
    const after = await sample(admin)
    const written = await until("the outage's states written", () => rows(pg.url(), stoppedAt + 1_000, startedAt - 1_000), (r) => r.length === LIVE_GAMES, 20_000).catch(() => [])
    const dropped = await metric(admin, "arbees_writes_dropped_total").catch(() => -1)

    // When a log line first appeared after the stop, from its own timestamp
    const since = (pattern: RegExp) => {
      const stamp = (l: string) => {
        try {
          return Date.parse((JSON.parse(l) as { timestamp: string }).timestamp)
        } catch {
          return Number.NaN
        }
      }
      const at = child.output().stdout.split("\n").filter((l) => pattern.test(l)).map(stamp).find((t) => t >= stoppedAt)
      return at === undefined ? null : at - stoppedAt
    }
    const errors = child.output().stdout.split("\n").filter((l) => l.includes('"level":"ERROR"')).map((l) => {
      try {
        const j = JSON.parse(l) as { timestamp: string; message: string }
        return Date.parse(j.timestamp) >= stoppedAt ? [j.message] : []
      } catch {
        return []
      }
    }).flat()
    const reactivated = recovery.find((s) => s.games.some((g) => g.activations > 1))
    const passivations = [...during, ...recovery].flatMap((s) => s.games.filter((g) => g.status !== "running" || g.activations !== 1).map((g) => ({ at: s.at - stoppedAt, ...g })))
    const firstPassivation = passivations[0]
    const ages = during.flatMap((s) => s.games.map((g) => g.espnAgeMs ?? Number.POSITIVE_INFINITY))
    const blocked = during.filter((s) => s.database?.status === "degraded")
    const figures = {
      outageSeconds,
      games: before.games.length,
      firstPassivationMs: firstPassivation?.at ?? null,
      nonRunningSamples: passivations.length,
      shardLocksUnhealthyMs: since(/Shard lock storage is unhealthy/),
      reactivatedAfterPostgresMs: reactivated === undefined ? null : reactivated.at - startedAt,
      activationsAfter: Object.fromEntries(after.games.map((g) => [g.id, g.activations])),
      maxEspnAgeDuringOutageMs: ages.length === 0 ? null : Math.max(...ages),
      tradingBlockedAfterMs: blocked[0] === undefined ? null : blocked[0].at - stoppedAt,
      blockedReason: blocked[0]?.database?.lastError?.message ?? null,
      tradingResumedAfterPostgresMs: resumed ?? null,
      statesWrittenForOutage: Object.fromEntries(written.map((r) => [r.game_id, r.during])),
      writesDropped: dropped,
      errorsLogged: errors
    }
    fs.mkdirSync(`${root}.arbees/chaos`, { recursive: true })
    fs.writeFileSync(`${root}.arbees/chaos/pg-outage-${outageSeconds}s.json`, JSON.stringify(figures, null, 2) + "\n")
    fs.writeFileSync(`${root}.arbees/chaos/pg-outage-${outageSeconds}s.log`, child.output().stdout)
    process.stdout.write(`pg-outage ${JSON.stringify(figures)}\n`)
    return { figures, before, after, during, stoppedAt, startedAt, written, output: () => child.output() }
  } finally {
    child.child.kill("SIGTERM")
    await Promise.race([child.exited, sleep(30_000)])
    if (child.child.exitCode === null) child.child.kill("SIGKILL")
    await fake.close()
    await pg.dispose()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

const scenario = (outageSeconds: number) =>
  it.live(`Postgres stopped for ${outageSeconds} s: no actor passivates, states go on and are written afterwards, trading is blocked then resumes`, () =>
    Effect.promise(async () => {
      const { figures, before, after, during, written, output } = await run(outageSeconds)
      const context = () => JSON.stringify(figures) + "\n" + output().stdout.split("\n").filter((l) => /WARN|ERROR|passivat|database|Shard/.test(l)).slice(-30).join("\n")
      assert.strictEqual(before.games.length, LIVE_GAMES)
      // No passivation, no re-activation, at any sample of the outage or after it
      assert.strictEqual(figures.firstPassivationMs, null, context())
      assert.deepStrictEqual(after.games.map((g) => [g.status, g.activations]), before.games.map(() => ["running", 1]), context())
      // The actors kept taking states in memory (ESPN polled every second; 8 s allows a loaded machine)
      assert.isBelow(figures.maxEspnAgeDuringOutageMs ?? Infinity, 8_000, context())
      // Trading blocked with the reason, within a few seconds, and resumed after Postgres returned
      assert.isAbove(during.filter((s) => s.database?.status === "degraded").length, 0, context())
      assert.match(figures.blockedReason ?? "", /trading blocked: .*does not answer/, context())
      assert.isNotNull(figures.tradingResumedAfterPostgresMs, context())
      assert.strictEqual(after.database?.status, "running")
      // The outage's states were written once Postgres was back: a state a second for each game
      // (allow for a loaded machine: half of them), none dropped
      assert.strictEqual(written.length, LIVE_GAMES, context())
      for (const r of written) assert.isAtLeast(r.during, Math.floor((outageSeconds - 2) / 2), `${r.game_id}: ${context()}`)
      assert.strictEqual(figures.writesDropped, 0, context())
      // Nothing failed that an outage should not fail: warnings, not errors
      assert.deepStrictEqual(figures.errorsLogged, [], context())
    }), 150_000)

describe("a Postgres outage under arbees run", () => {
  scenario(10)
  if (all) scenario(25)
})
