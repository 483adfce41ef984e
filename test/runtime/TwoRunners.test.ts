/**
 * Scale-out: two real `arbees run` processes as socket runners over one Postgres. Games spread
 * across both; SIGTERM to one moves its games to the other, and no persisted message is lost.
 */
import { assert, layer } from "@effect/vitest"
import { PgClient } from "@effect/sql-pg"
import { Effect, Redacted } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import { readFileSync } from "node:fs"
import { createServer } from "node:net"
import { join } from "node:path"
import type { TreeNode } from "../../src/services/Diagnostics.ts"
import { fixture } from "../services/espn/Fixtures.ts"
import * as Cli from "../support/Cli.ts"
import * as FakeEspn from "../support/FakeEspn.ts"
import { createDatabase } from "../support/TestDatabase.ts"

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer()
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })

/** Every event of a real scoreboard, moved to a live stage. */
const allLive = (name: string, detail: string) => {
  const board = fixture(name) as { events: Array<{ id: string }> }
  const now = new Date(Date.now() - 30 * 60_000).toISOString()
  return board.events.reduce<unknown>(
    (b, e) => FakeEspn.withStage(b, e.id, { state: "in", name: "STATUS_IN_PROGRESS", period: 2, clock: 300, displayClock: "5:00", detail, home: 1, away: 0, date: now }),
    board
  )
}

const diagnostics = async (dataDir: string): Promise<TreeNode> => {
  const { url } = JSON.parse(readFileSync(join(dataDir, "admin.json"), "utf8")) as { url: string }
  const response = await fetch(`${url}/diagnostics`)
  return (await response.json()) as TreeNode
}

/** The ids of the running game actors in a runner's tree. */
const gamesOf = (tree: TreeNode): Array<string> => {
  const out: Array<string> = []
  const visit = (n: TreeNode) => {
    if (n.kind === "game" && n.status === "running") out.push(n.id)
    n.children.forEach(visit)
  }
  visit(tree)
  return out.sort()
}

const waitFor = async <A>(what: string, f: () => Promise<A>, ok: (a: A) => boolean, timeoutMs = 60_000): Promise<A> => {
  const started = Date.now()
  let last: A | undefined
  while (Date.now() - started < timeoutMs) {
    try {
      last = await f()
      if (ok(last)) return last
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`)
}

layer(Reactivity.layer, { excludeTestServices: true })("two runners", (it) => {
  it.effect("spread games across both and move them when one is stopped, losing no persisted message", () =>
    Effect.gen(function*() {
      const url = yield* createDatabase
      const espn = yield* FakeEspn.make
      espn.script("basketball/nba/scoreboard", [FakeEspn.Reply.json(allLive("espn-nba-scoreboard-20241215-final.json", "5:00 - 2nd"))])
      espn.script("soccer/eng.1/scoreboard", [FakeEspn.Reply.json(allLive("espn-soccer-eng1-scoreboard-final.json", "40'"))])

      yield* Effect.promise(async () => {
        const closed = await freePort()
        const env = (port: number) =>
          Cli.cleanEnv({
            DATABASE_URL: url,
            ARBEES_CLUSTER_RUNNER_HOST: "127.0.0.1",
            ARBEES_CLUSTER_RUNNER_PORT: String(port),
            ARBEES_CLUSTER_SHARDS_PER_GROUP: "30",
            // The venues are unreachable here; no game has a market anyway
            ...Cli.fakeEspnRunSettings(espn.baseUrl, closed, "nba,epl"),
            ARBEES_LOG_LEVEL: process.env["TWO_RUNNERS_LOG_LEVEL"] ?? "info"
          })
        const dirA = Cli.tempDir()
        const dirB = Cli.tempDir()
        const a = Cli.start(["run"], { env: env(await freePort()), cwd: dirA })
        const b = Cli.start(["run"], { env: env(await freePort()), cwd: dirB })
        try {
          await a.waitFor(/arbees ready/, 60_000)
          await b.waitFor(/arbees ready/, 60_000)
          const total = 7 + 10 // every NBA and EPL game of the two scoreboards

          // Both runners host game actors, and together they host every game exactly once
          const spread = await waitFor(
            "games on both runners",
            async () => ({ a: gamesOf(await diagnostics(join(dirA, ".arbees"))), b: gamesOf(await diagnostics(join(dirB, ".arbees"))) }),
            (s) => s.a.length > 0 && s.b.length > 0 && new Set([...s.a, ...s.b]).size === total
          )
          assert.strictEqual(spread.a.length + spread.b.length, total, "no game runs twice")

          // Stopping A hands its shards to B, and the orchestrator re-activates its games there
          a.child.kill("SIGTERM")
          const exitA = await a.exited
          assert.strictEqual(exitA.code, 0)
          const moved = await waitFor("every game on B", async () => gamesOf(await diagnostics(join(dirB, ".arbees"))), (g) => g.length === total)
          assert.includeMembers(moved, spread.a)

          // Every persisted Track message is processed (the ones addressed to A's shards, by B); none is left behind
          const tracks = () =>
            Effect.runPromise(
              Effect.scoped(
                Effect.flatMap(PgClient.make({ url: Redacted.make(url), maxConnections: 1 }), (sql) =>
                  sql<{ total: number; unprocessed: number }>`
                    SELECT count(*)::int AS total, count(*) FILTER (WHERE NOT processed)::int AS unprocessed
                      FROM cluster_messages WHERE entity_type = 'Game' AND tag = 'Track'`)
              ).pipe(Effect.provide(Reactivity.layer))
            ).then((rows) => rows[0]!)
          const track = await waitFor("every Track processed", tracks, (t) => t.unprocessed === 0, 30_000)
          assert.isAtLeast(track.total, total)
        } catch (e) {
          const nodes = async (dir: string) => {
            const out: Array<string> = []
            const visit = (n: TreeNode) => {
              if (n.kind !== "runtime") out.push(`${n.id}=${n.status}/r${n.restarts}${n.lastError ? "/" + n.lastError.message : ""}`)
              n.children.forEach(visit)
            }
            visit(await diagnostics(dir))
            return out.join(" ")
          }
          process.stderr.write(`TREE A ${await nodes(join(dirA, ".arbees")).catch(() => "-")}\nTREE B ${await nodes(join(dirB, ".arbees")).catch(() => "-")}\n`)
          process.stderr.write(`--- A ---\n${a.output().stdout.split("\n").filter((l) => /could not|ERROR|Defect|shard|Shard|runner|Runner|game actor/.test(l) && !l.includes("partition")).map((l) => l.slice(0, 300)).slice(-25).join("\n")}\n--- B ---\n${b.output().stdout.split("\n").filter((l) => /could not|ERROR|Defect|shard|Shard|runner|Runner|game actor/.test(l) && !l.includes("partition")).map((l) => l.slice(0, 300)).slice(-25).join("\n")}\n`)
          throw e
        } finally {
          a.child.kill("SIGKILL")
          b.child.kill("SIGTERM")
          await b.exited
        }
      })
    }), { timeout: 180_000 })
})
