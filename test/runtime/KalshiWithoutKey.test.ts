/**
 * A newcomer without a Kalshi API key: the real built process (`node dist/main.js run`, what
 * `npm start` runs) over a fake ESPN with a live NBA game, a fake Kalshi listing that game and a
 * fake Polymarket, with no Kalshi credentials anywhere. Discovery matches the game on Kalshi, the
 * orchestrator tracks both legs, and `arbees diagnostics` (the real CLI, against the instance's
 * admin API) shows the tracked markets' Kalshi books live and polled from the public REST order
 * books, following the venue; nothing ever opened Kalshi's (signed) WebSocket.
 */
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import type { TreeNode } from "../../src/services/Diagnostics.ts"
import { fixture } from "../services/espn/Fixtures.ts"
import * as Cli from "../support/Cli.ts"
import * as FakeEspn from "../support/FakeEspn.ts"
import { FakeKalshi } from "../support/FakeKalshi.ts"
import { FakePolymarket } from "../support/FakePolymarket.ts"
import { acquireFake } from "../support/FakeVenue.ts"
import { fixturesDir } from "../support/MatchingFixtures.ts"
import { createDatabase } from "../support/TestDatabase.ts"

const GAME = "401736810" // New Orleans Pelicans at Indiana Pacers
const POLL_MS = 500

/** `26DEC02`: the Eastern date of an instant, as Kalshi writes it in tickers. */
const tickerDate = (ms: number): string => {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", year: "2-digit", month: "short", day: "2-digit" }).formatToParts(new Date(ms))
  const part = (type: string) => parts.find((p) => p.type === type)!.value
  return `${part("year")}${part("month").toUpperCase()}${part("day")}`
}

/** Every node of the tree, flattened. */
const nodes = (root: TreeNode): Array<TreeNode> => [root, ...root.children.flatMap(nodes)]
/** A node's details (none when it is missing). */
const details = (tree: TreeNode | undefined, id: string): Record<string, unknown> => (tree === undefined ? undefined : nodes(tree).find((n) => n.id === id))?.details ?? {}

interface PolledBook {
  readonly ticker: string
  readonly live: boolean
  readonly polled: boolean
  readonly polledAt: number
  readonly yesBid?: string
  readonly yesAsk?: string
}

layer(Reactivity.layer, { excludeTestServices: true, timeout: "180 seconds" })("Kalshi without an API key, in the running process", (it) => {
  it.effect("arbees diagnostics shows the tracked markets' Kalshi books live and polled", () =>
    Effect.gen(function*() {
      const url = yield* createDatabase
      // The Pelicans at the Pacers, tipped off 30 minutes ago and live now
      const start = Date.now() - 30 * 60_000
      const board = fixture("espn-nba-scoreboard-20241215-final.json") as { events: Array<{ id: string }> }
      const one = { ...board, events: board.events.filter((e) => e.id === GAME) }
      const espn = yield* FakeEspn.make
      espn.script("basketball/nba/scoreboard", [
        FakeEspn.Reply.json(FakeEspn.withStage(one, GAME, { state: "in", name: "STATUS_IN_PROGRESS", period: 2, clock: 300, displayClock: "5:00", detail: "5:00 - 2nd", home: 50, away: 48, date: new Date(start).toISOString() }))
      ])
      // Kalshi lists it today (the recorded event, re-dated) and the markets are open
      const kalshi = yield* acquireFake(() => new FakeKalshi())
      const recorded = (JSON.parse(readFileSync(join(fixturesDir, "kalshi-events.json"), "utf8")) as { events: Array<Record<string, unknown>> }).events
        .find((e) => e["event_ticker"] === "KXNBAGAME-24DEC15NOPIND")!
      const event = JSON.parse(JSON.stringify(recorded).replaceAll("24DEC15", tickerDate(start))) as { event_ticker: string; markets: Array<Record<string, unknown>> }
      for (const m of event.markets) Object.assign(m, { status: "active", result: "" })
      kalshi.events.push(event)
      kalshi.markets.push(...event.markets)
      const [NOP, IND] = event.markets.map((m) => m["ticker"] as string) as [string, string]
      // Indiana YES bids 0.15 and NO bids 0.25 (YES asks 0.75); New Orleans YES 0.24, NO 0.74 (YES asks 0.26)
      kalshi.setBook(IND, [["0.1500", "200.00"]], [["0.2500", "200.00"]])
      kalshi.setBook(NOP, [["0.2400", "100.00"]], [["0.7400", "100.00"]])
      const polymarket = yield* acquireFake(() => new FakePolymarket())

      yield* Effect.promise(async () => {
        const dir = Cli.tempDir()
        // Cli.cleanEnv drops every ARBEES_* variable: no Kalshi key id, key or key file
        const env = Cli.cleanEnv({
          DATABASE_URL: url,
          ARBEES_ESPN_BASE_URL: espn.baseUrl,
          ARBEES_ESPN_POLL_LIVE: "1s",
          ARBEES_DISCOVERY_LEAGUES: "nba",
          ARBEES_DISCOVERY_INTERVAL: "2s",
          ARBEES_KALSHI_REST_URL: kalshi.httpUrl("/trade-api/v2"),
          ARBEES_KALSHI_WS_URL: kalshi.wsUrl(),
          ARBEES_KALSHI_POLL_INTERVAL: `${POLL_MS}ms`,
          ARBEES_POLYMARKET_GAMMA_URL: polymarket.gammaUrl(),
          ARBEES_POLYMARKET_CLOB_URL: polymarket.httpUrl(),
          ARBEES_POLYMARKET_WS_URL: polymarket.wsUrl(),
          ARBEES_LOG_FORMAT: "json"
        })
        const proc = Cli.start(["run"], { env, cwd: dir })
        /** `arbees diagnostics` against the running instance (found through its data directory). */
        const diagnostics = async (): Promise<TreeNode> => {
          const result = await Cli.run(["diagnostics"], { env, cwd: dir })
          if (result.code !== 0) throw new Error(`arbees diagnostics exited ${result.code}: ${result.stderr}`)
          return JSON.parse(result.stdout) as TreeNode
        }
        const polledBooks = (tree: TreeNode | undefined): Array<PolledBook> => (details(tree, "feed:kalshi")["markets"] as Array<PolledBook> | undefined) ?? []
        let tree: TreeNode | undefined
        try {
          await proc.waitFor(/arbees ready/, 90_000)
          const started = Date.now()
          // Until the game's actor tracks both Kalshi legs and their polled books are live
          for (;;) {
            tree = await diagnostics().catch(() => undefined)
            const tracked = (details(tree, `game:${GAME}`)["markets"] as Array<string> | undefined) ?? []
            const books = polledBooks(tree)
            if (tracked.some((m) => m.startsWith(`kalshi ${IND}/`)) && books.length === 2 && books.every((b) => b.live)) break
            if (Date.now() - started > 90_000) throw new Error(`not tracked and live within 90 s: ${JSON.stringify(tracked)} ${JSON.stringify(books)}`)
            await new Promise((r) => setTimeout(r, 500))
          }
          assert.strictEqual(nodes(tree!).find((n) => n.id === "feed:kalshi")!.status, "running")
          const feed = details(tree, "feed:kalshi")
          console.log(`arbees diagnostics, feed:kalshi: ${JSON.stringify(feed)}`)
          assert.deepStrictEqual([feed["system"], feed["mode"], feed["pollIntervalMs"]], ["Kalshi", "polled", POLL_MS])
          assert.includeMembers(details(tree, `game:${GAME}`)["markets"] as Array<string>, [`kalshi ${IND}/yes = home_win`, `kalshi ${NOP}/yes = away_win`])
          const books = polledBooks(tree).map((b) => [b.ticker, b.live, b.polled, b.yesBid, b.yesAsk]).sort()
          assert.deepStrictEqual(books, [[IND, true, true, "0.15", "0.75"], [NOP, true, true, "0.24", "0.26"]].sort())

          // The venue's book moves: a later poll shows it, so the books are live, not a first fetch
          kalshi.setBook(IND, [["0.3300", "200.00"]], [["0.6500", "200.00"]])
          const moved = Date.now()
          for (;;) {
            tree = await diagnostics()
            const ind = polledBooks(tree).find((b) => b.ticker === IND)
            if (ind?.yesBid === "0.33") {
              assert.deepStrictEqual([ind.live, ind.polled, ind.yesAsk], [true, true, "0.35"])
              assert.isAtLeast(ind.polledAt, moved - POLL_MS)
              break
            }
            if (Date.now() - moved > 30_000) throw new Error(`the polled book did not follow the venue: ${JSON.stringify(polledBooks(tree))}`)
            await new Promise((r) => setTimeout(r, 250))
          }
          // No key: no WebSocket, and every order-book request went unsigned to the public route
          assert.strictEqual(kalshi.connections, 0)
          const books2 = kalshi.requestsTo("/orderbook")
          assert.isAbove(books2.length, 2)
          assert.isTrue(books2.every((r) => r.headers["kalshi-access-signature"] === undefined && /\/markets\/[^/]+\/orderbook$/.test(r.path)))
        } catch (e) {
          throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- process output ---\n${proc.output().stdout.slice(-6_000)}${proc.output().stderr.slice(-3_000)}`)
        } finally {
          proc.child.kill("SIGTERM")
          await proc.exited
        }
      })
    }))
})
