/**
 * Chaos on the full runtime (issue 16, item 7): the built `arbees run` as a real child process,
 * against a private PostgreSQL and Redis, an ESPN playing a live NBA game in real time and the
 * fake Kalshi (signed WebSocket books), trading on paper (`test/support/RuntimeChaos.ts`). Each
 * scenario scripts one fault while the game and the trading go on, then asserts:
 *
 * - nothing lost: every event the child wrote to its outbox is on its Redis stream after a clean
 *   exit, each once or within one relay batch; each order's fills add up to its filled quantity,
 *   each fill has exactly one trade posting, positions equal their fills, bankroll = Σ ledger;
 * - no game state moves backwards, in the database or on the stream;
 * - decisions go on where they can, and stop where they must (no trading on a dropped book or a
 *   frozen game);
 * - recovery within its bound;
 * - a clean exit (code 0) on SIGTERM afterwards, within the shutdown deadline.
 *
 * Figures go to `.arbees/chaos/runtime-<scenario>.json`. `npm test` runs the short scenarios;
 * `npm run chaos` (CHAOS=all) adds the child's clock behind, and Redis down for 90 s.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { writeFileSync } from "node:fs"
import {
  accounting,
  type Arbees,
  backwards,
  decisions,
  maxStateGap,
  nodes,
  type Options,
  percentile,
  report,
  sleep,
  stateRows,
  until,
  type World,
  world
} from "../support/RuntimeChaos.ts"

const all = process.env["CHAOS"] === "all"
/** The relay publishes at most this many outbox rows per transaction (bus.outbox.batchSize) */
const RELAY_BATCH = 200

interface Figures {
  readonly [key: string]: unknown
}

/** The running child; a fault that restarts it puts the new one here. */
interface Child {
  arbees: Arbees
}

/**
 * Starts the world and the child, waits until it trades (a signal decided and a game state
 * recorded), runs the fault, stops the child with SIGTERM and checks and reports what every
 * scenario must hold.
 */
const chaos = async (
  name: string,
  options: Options,
  fault: (w: World, child: Child) => Promise<Figures>,
  after?: (w: World) => Promise<Figures>
) => {
  const w = await world(options)
  let arbees: Arbees | undefined
  try {
    arbees = await w.start()
    const child: Child = { arbees }
    await until("the first decisions and game states", () => w.sql("SELECT (SELECT count(*) FROM signals), (SELECT count(*) FROM fills), (SELECT count(*) FROM game_states)"), (r) => r[0]!.every((n) => Number(n) > 0), 90_000)
    const figures = await fault(w, child)
    // The fault may have replaced the child (a restart after kill -9)
    arbees = child.arbees
    // How far the child's clock was from this machine's (its log lines' timestamps against when they arrived)
    const childClockOffsetMs = percentile(arbees.lines.filter((l) => Number.isFinite(l.time)).map((l) => l.time - l.at), 50)
    // What it said about the fault: its warnings and errors, the most frequent first
    const said = new Map<string, number>()
    for (const l of arbees.lines) if (l.level === "WARN" || l.level === "ERROR") said.set(`${l.level} ${l.message}`, (said.get(`${l.level} ${l.message}`) ?? 0) + 1)
    const warnings = [...said].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([m, n]) => `${n}× ${m.slice(0, 120)}`)
    const exit = await arbees.terminate()
    // An order SIGTERM caught in flight (a paper order in its simulated latency) is journalled, not
    // lost: the restart's reconciliation resolves it. Restart, wait for that, and stop again
    const inFlight = (await w.sql("SELECT client_order_id FROM orders WHERE status IN ('pending_submit', 'submitted', 'unknown')")).map((r) => r[0]!)
    let restart: { readonly resolvedMs: number; readonly exit: Awaited<ReturnType<Arbees["terminate"]>> } | undefined
    const restartedAt = Date.now()
    if (inFlight.length > 0) {
      arbees = await w.start()
      const list = inFlight.map((id) => `'${id}'`).join(",")
      await until("the restart to resolve the orders left in flight", () => w.sql(`SELECT count(*) FROM orders WHERE client_order_id IN (${list}) AND status IN ('pending_submit', 'submitted', 'unknown')`), (r) => Number(r[0]![0]) === 0, 60_000)
      const resolvedMs = Date.now() - restartedAt
      restart = { resolvedMs, exit: await arbees.terminate() }
      assert.deepStrictEqual([restart.exit.code, restart.exit.signal], [0, null], "the restart exits cleanly too")
    }
    const money = await accounting(w, restartedAt)
    const afterFigures = after === undefined ? {} : await after(w)
    const states = await stateRows(w)
    const streamStates = (await w.stream("game.state")).map((e) => {
      const s = (JSON.parse(e.fields["p"] ?? "{}") as { state: { period: number; secondsRemaining?: number; home: { score: number }; away: { score: number } } }).state
      return { period: s.period, left: s.secondsRemaining ?? 0, score: s.home.score + s.away.score }
    })
    const reported = {
      eventsWritten: money.written,
      eventsLost: money.lost.length,
      eventsDuplicated: money.duplicated,
      orders: money.orders,
      fills: money.fills,
      ledgerPostings: money.ledgerPostings,
      gameStates: states.length,
      childClockOffsetMs,
      warnings,
      ...figures,
      ...afterFigures,
      exit,
      leftInFlightAtSigterm: inFlight.length,
      ...(restart === undefined ? {} : { restart })
    }
    report(`runtime-${name}`, reported)
    assert.isAtMost(Math.abs((childClockOffsetMs ?? 0) - w.clockOffsetMs), 5_000, "the child ran on the clock the scenario set")
    assert.deepStrictEqual([exit.code, exit.signal], [0, null], `a clean exit on SIGTERM: ${arbees.output().stderr.slice(-3_000)}`)
    assert.isBelow(exit.millis, 30_000, "within the shutdown deadline")
    assert.deepStrictEqual(money.lost, [], "every event written reached its stream")
    assert.strictEqual(money.unpublished, 0, "the outbox drained at shutdown")
    assert.isAtMost(money.duplicated, RELAY_BATCH, "duplicates within one relay batch")
    assert.deepStrictEqual(money.moneyProblems, [], `no order, fill or posting lost or doubled: ${money.moneyProblems.join("; ")}`)
    assert.isAbove(money.fills, 0)
    assert.deepStrictEqual(backwards(states), [], "no game state moves backwards in the database")
    assert.deepStrictEqual(backwards(streamStates), [], "nor on the stream")
    return reported
  } catch (e) {
    const out = arbees?.output()
    // The whole of the child's output, for the diagnosis
    if (out !== undefined) writeFileSync(`${w.dir}/child.log`, out.stdout + out.stderr)
    throw new Error(`child output in ${w.dir}/child.log\n` + `${e instanceof Error ? e.stack : String(e)}\n--- child output (tail) ---\n${out?.stdout.slice(-5_000) ?? ""}${out?.stderr.slice(-3_000) ?? ""}`)
  } finally {
    if (arbees !== undefined && arbees.child.exitCode === null && arbees.child.signalCode === null) arbees.child.kill("SIGKILL")
    await w.dispose()
  }
}

/**
 * ESPN stands still for 20 s (the same response again and again) with the game-state staleness
 * limit at 5 s: once past it, every signal on the game is denied STALE_GAME_STATE and nothing is
 * approved; when ESPN moves again, trading resumes.
 */
const frozenEspn = async (w: World): Promise<Figures> => {
  await sleep(5_000)
  const frozeAt = Date.now()
  w.game.frozen = true
  await sleep(20_000)
  w.game.frozen = false
  const thawedAt = Date.now()
  await sleep(15_000)
  const decided = await decisions(w)
  // The limit is 5 s from ESPN's last change; a margin for the poll interval and the machine
  const blocked = decided.filter((d) => d.at > frozeAt + 8_000 && d.at < thawedAt)
  const stale = blocked.filter((d) => d.reason.startsWith("STALE_GAME_STATE"))
  const resumed = decided.filter((d) => d.at > thawedAt && !d.reason.startsWith("STALE_GAME_STATE"))
  const states = await stateRows(w)
  const figures = {
    approvedBefore: decided.filter((d) => d.at < frozeAt && d.verdict === "approved").length,
    frozenMs: thawedAt - frozeAt,
    decisionsWhileFrozen: blocked.length,
    deniedStale: stale.length,
    approvedWhileFrozen: blocked.filter((d) => d.verdict === "approved").length,
    decisionsAfter: resumed.length,
    approvedAfter: resumed.filter((d) => d.verdict === "approved").length,
    decisionsContinued: resumed.length > 0,
    recoveryMs: resumed.length === 0 ? null : resumed[0]!.at - thawedAt,
    maxGameStateLagMs: maxStateGap(states, frozeAt - 5_000, thawedAt + 15_000)
  }
  assert.isAbove(figures.approvedBefore, 0, "it traded before the freeze")
  assert.isAbove(stale.length, 0, "signals were denied as stale while ESPN stood still")
  assert.strictEqual(figures.approvedWhileFrozen, 0, "nothing traded on the frozen game")
  assert.isAbove(figures.approvedAfter, 0, "trading resumed once ESPN moved")
  assert.isAtMost(figures.recoveryMs!, 10_000)
  return figures
}

const scenario = (name: string, timeoutMs: number, body: () => Promise<unknown>) => it.live(name, () => Effect.promise(body), timeoutMs)

describe("chaos on the full runtime: arbees run against private Redis and Postgres, a live ESPN game and the fake Kalshi", () => {
  scenario("the venue's sockets flap for 30 s: books go not-live, nothing trades on them, they resync, decisions resume", 240_000, () =>
    chaos("venue-flap", {}, async (w) => {
      const outcomes = [`${w.tickers.home}/yes`, `${w.tickers.home}/no`, `${w.tickers.away}/yes`, `${w.tickers.away}/no`]
      // When each new connection came (the fake's side)
      const connects: Array<number> = []
      let seen = w.kalshi.connections
      const watch = setInterval(() => {
        while (seen < w.kalshi.connections) {
          seen++
          connects.push(Date.now())
        }
      }, 10)
      const drops: Array<number> = []
      const from = Date.now()
      try {
        // For 30 s, each connection the child makes is dropped 1.5 s after it opens (its books
        // have had their snapshots); the child's backoff grows, as a session this short is not healthy
        let connected = w.kalshi.connections
        while (Date.now() - from < 30_000) {
          if (drops.length > 0) await until("the child to reconnect", () => w.kalshi.connections, (n) => n > connected, 45_000, 10)
          connected = w.kalshi.connections
          await sleep(1_500)
          w.kalshi.dropAll()
          drops.push(Date.now())
        }
        // Back for good: reconnected, and a while for the books and decisions after
        await until("the child to reconnect", () => w.kalshi.connections, (n) => n > connected, 45_000, 10)
        await sleep(8_000)
      } finally {
        clearInterval(watch)
      }
      const healed = Date.now()
      const flapEnd = drops[drops.length - 1]!

      // The child's own view of each book (its `game.price` events): live while it has a bid or an ask
      const prices = (await w.stream("game.price")).map((e) => {
        const top = (JSON.parse(e.fields["p"] ?? "{}") as { top: { outcome: { marketId: string; outcomeId: string }; bid?: unknown; ask?: unknown; asOf: number } }).top
        return { at: e.at, asOf: top.asOf, outcome: `${top.outcome.marketId}/${top.outcome.outcomeId}`, live: top.bid !== undefined || top.ask !== undefined }
      })
      // Windows in which each book was not live, in the child's own time: from a not-live event
      // (when it reached the stream; the child knew a little earlier) to the next live one's book
      // time (when the child had the fresh snapshot)
      const windows: Array<{ outcome: string; from: number; to: number }> = []
      for (const o of outcomes) {
        let down: number | undefined
        for (const p of prices.filter((x) => x.outcome === o)) {
          if (!p.live && down === undefined) down = p.at
          else if (p.live && down !== undefined) {
            windows.push({ outcome: o, from: down, to: p.asOf })
            down = undefined
          }
        }
        if (down !== undefined) windows.push({ outcome: o, from: down, to: Number.POSITIVE_INFINITY })
      }
      // Recovery: from each reconnection (after a drop) to each book live again
      const recoveries: Array<number> = []
      for (const c of connects.filter((t) => t > from)) {
        for (const o of outcomes) {
          const next = prices.find((p) => p.outcome === o && p.at >= c)
          if (next?.live === true) recoveries.push(next.at - c)
          else {
            const live = prices.find((p) => p.outcome === o && p.at >= c && p.live)
            if (live !== undefined) recoveries.push(live.at - c)
          }
        }
      }
      const decided = await decisions(w)
      const onDroppedBook = decided.filter((d) => d.outcomes.some((o) => windows.some((win) => win.outcome === o && d.at > win.from && d.at < win.to)))
      const after = decided.filter((d) => d.at > flapEnd + 3_000)
      const during = decided.filter((d) => d.at >= from && d.at <= flapEnd + 3_000)
      const states = await stateRows(w)
      // From each drop to every book live again
      const booksDown = drops.map((d) => Math.max(...outcomes.map((o) => (prices.find((p) => p.outcome === o && p.at > d && p.live)?.at ?? Number.POSITIVE_INFINITY) - d)))
      const figures = {
        drops: drops.length,
        booksDownP50Ms: percentile(booksDown, 50),
        booksDownMaxMs: Math.max(...booksDown),
        reconnects: connects.filter((t) => t > from).length,
        notLiveWindows: windows.length,
        recoveryP50Ms: percentile(recoveries, 50),
        recoveryP99Ms: percentile(recoveries, 99),
        recoveries: recoveries.length,
        maxGameStateLagMs: maxStateGap(states, from, healed),
        decisionsDuring: during.length,
        approvedDuring: during.filter((d) => d.verdict === "approved").length,
        decisionsAfter: after.length,
        decisionsContinued: after.length > 0,
        decisionsOnDroppedBooks: onDroppedBook.length
      }
      assert.isAtLeast(figures.reconnects, drops.length, "every drop was followed by a reconnection")
      assert.isAtLeast(windows.filter((x) => x.from >= from).length, drops.length, "each drop took the books out of trading")
      assert.isTrue(windows.every((x) => Number.isFinite(x.to)), "every book live again")
      assert.deepStrictEqual(onDroppedBook, [], `no decision on a book that was not live: ${JSON.stringify(onDroppedBook.map((d) => ({ ...d, windows: windows.filter((x) => d.outcomes.includes(x.outcome) && d.at > x.from && d.at < x.to).map((x) => [d.at - x.from, x.to - d.at]) })))} ${JSON.stringify(prices.slice(0, 60))}`)
      assert.isTrue(figures.decisionsContinued, "decisions resumed after the flapping")
      assert.isAtMost(figures.recoveryP99Ms ?? Number.POSITIVE_INFINITY, 10_000, "books live again within 10 s of their socket")
      return figures
    }))

  scenario("ESPN frozen past the staleness limit: the game's trading is blocked as STALE_GAME_STATE, and resumes when ESPN moves", 240_000, () =>
    chaos("espn-frozen", { env: { ARBEES_STALENESS_GAME_STATE: "5s" } }, frozenEspn))

  // Every age arbees judges is its own clock against its own clock (when it received a message, when
  // ESPN's content changed): a clock two minutes off the venues', ESPN's, Postgres's and Redis's
  // neither blocks trading nor makes frozen data look fresh
  scenario("the child's clock 2 min ahead of everything else: it trades, a frozen ESPN still blocks the game, and trading resumes", 240_000, () =>
    chaos("clock-ahead", { env: { ARBEES_STALENESS_GAME_STATE: "5s" }, clockOffsetMs: 120_000 }, frozenEspn))

  scenario("ESPN serving older responses between newer ones: no game state moves backwards, the stale ones are counted", 240_000, () =>
    chaos("espn-stale", {}, async (w, { arbees }) => {
      await sleep(3_000)
      const from = Date.now()
      w.game.staleEvery = 2
      await sleep(20_000)
      w.game.staleEvery = 0
      const to = Date.now()
      await sleep(5_000)
      const tree = await w.diagnostics()
      const node = nodes(tree).find((n) => n.id === "game:401736810")
      const dropped = Number(node?.details["staleStatesDropped"] ?? 0)
      const decided = await decisions(w)
      const states = await stateRows(w)
      const figures = {
        staleServed: w.game.staleServed,
        served: w.game.served,
        staleDroppedByActor: dropped,
        gameStatesDuring: states.filter((s) => s.at >= from && s.at <= to).length,
        maxGameStateLagMs: maxStateGap(states, from, to),
        decisionsDuring: decided.filter((d) => d.at >= from && d.at <= to).length,
        decisionsContinued: decided.some((d) => d.at >= from && d.at <= to && d.verdict === "approved"),
        staleLogged: arbees.lines.filter((l) => l.message === "stale game state dropped").length
      }
      assert.isAbove(w.game.staleServed, 5, "ESPN served stale responses")
      assert.isAbove(dropped, 0, "the actor dropped and counted them")
      assert.isAbove(figures.gameStatesDuring, 5, "the game kept moving forward")
      assert.isTrue(figures.decisionsContinued, "trading went on")
      return figures
    }))

  // Live on Kalshi (the fake venue's order desk): the venue takes an order and fills it, and its
  // answer never comes; the child is killed while it waits. The restart's reconciliation finds the
  // order at the venue and books its fill once; nothing is sent twice; the ledger equals the venue
  scenario("kill -9 while a live order is in flight at the venue: the restart reconciles it; no order, fill or posting lost or doubled", 240_000, () => {
    let hung = ""
    return chaos("kill9-mid-order", { live: true, redisPersistence: "aof" }, async (w, child) => {
      const desk = w.kalshi.desk!
      const before = desk.creates
      desk.hangAfterAccept = true
      await until("an order the venue takes and never answers", () => desk.creates, (n) => n > before, 60_000, 5)
      hung = [...desk.orders.values()].at(-1)!.client_order_id
      const killedAt = Date.now()
      child.arbees.child.kill("SIGKILL")
      const killed = await child.arbees.exited
      assert.deepStrictEqual([killed.code, killed.signal], [null, "SIGKILL"])
      const [[left]] = (await w.sql(`SELECT status FROM orders WHERE client_order_id = '${hung}'`)) as [[string]]
      const creates = desk.creates
      child.arbees = await w.start()
      const readyAt = Date.now()
      const [[status, filled]] = (await until(
        "the restart to resolve the order",
        () => w.sql(`SELECT status, filled_quantity FROM orders WHERE client_order_id = '${hung}'`),
        (r) => !["pending_submit", "submitted", "unknown"].includes(r[0]![0]!),
        60_000,
        50
      )) as [[string, string]]
      const resolvedAt = Date.now()
      // Trading goes on after the restart
      const [[approvedBefore]] = (await w.sql("SELECT count(*) FROM signals WHERE status <> 'denied'")) as [[string]]
      const [[after]] = (await until("decisions after the restart", () => w.sql("SELECT count(*) FROM signals WHERE status <> 'denied'"), (r) => Number(r[0]![0]) > Number(approvedBefore), 60_000)) as [[string]]
      const deskOrder = [...desk.orders.values()].filter((o) => o.client_order_id === hung)
      const figures = {
        hungOrder: hung,
        statusAtKill: left,
        statusAfterRestart: status,
        filledQuantity: Number(filled),
        venueFilled: deskOrder[0]!.filled,
        sentTwice: deskOrder.length > 1,
        venueCreatesSinceKill: desk.creates - creates,
        restartReadyMs: readyAt - killedAt,
        recoveryMs: resolvedAt - killedAt,
        reconcileAfterReadyMs: resolvedAt - readyAt,
        decisionsContinued: Number(after) > Number(approvedBefore)
      }
      assert.strictEqual(left, "pending_submit", "the dead process never heard the venue's answer")
      assert.strictEqual(deskOrder.length, 1, "the order was not sent again")
      assert.strictEqual(status, "filled")
      assert.strictEqual(Number(filled), deskOrder[0]!.filled, "its fill booked as the venue has it")
      return figures
    }, async (w) => {
      // After the clean exit: every fill the venue made is booked once, and the ledger is the venue's balance
      const desk = w.kalshi.desk!
      const [[fills, hungFills, balance]] = (await w.sql(
        `SELECT (SELECT count(*) FROM fills), (SELECT count(*) FROM fills WHERE client_order_id = '${hung}'),
                (SELECT balance_micros FROM bankroll WHERE account = 'live:kalshi')`
      )) as [[string, string, string]]
      const figures = { venueFills: desk.fills.length, bookedFills: Number(fills), hungOrderFills: Number(hungFills), venueBalance: desk.balance, ledgerBalance: Number(balance) }
      assert.strictEqual(figures.bookedFills, figures.venueFills, "every venue fill booked once")
      assert.strictEqual(figures.hungOrderFills, 1)
      assert.strictEqual(figures.ledgerBalance, figures.venueBalance, "the ledger equals the venue's balance")
      return figures
    })
  })

  if (all) {
    scenario("the child's clock 2 min behind everything else: the same", 240_000, () =>
      chaos("clock-behind", { env: { ARBEES_STALENESS_GAME_STATE: "5s" }, clockOffsetMs: -120_000 }, frozenEspn))

    for (const mode of ["fast", "immediate", "crashloop"] as const) {
      const what = mode === "crashloop" ? "crashed 5 times in a row (1 s down, 2 s up)" : `stopped (${mode}) for 10 s`
      scenario(`Postgres ${what}: the child lives on, and game states and decisions resume when it is back`, 300_000, () =>
        chaos(`pg-${mode}`, {}, async (w, { arbees }) => {
          await sleep(3_000)
          const downAt = Date.now()
          if (mode === "crashloop") {
            for (let n = 0; n < 5; n++) {
              await w.pg.stop("immediate")
              await sleep(1_000)
              await w.pg.start()
              if (n < 4) await sleep(2_000)
            }
          } else {
            await w.pg.stop(mode)
            await sleep(10_000)
            await w.pg.start()
          }
          const upAt = Date.now()
          const since = `to_timestamp(${(upAt + w.clockOffsetMs) / 1000})`
          // Recovery: from Postgres back to the next game state and the next decision recorded
          const [[state]] = (await until("a game state after Postgres returned", () => w.sql(`SELECT (extract(epoch FROM min(observed_at)) * 1000)::bigint FROM game_states WHERE observed_at > ${since}`), (r) => r[0]![0] !== "", 60_000)) as [[string]]
          const [[signal]] = (await until("a decision after Postgres returned", () => w.sql(`SELECT (extract(epoch FROM min(created_at)) * 1000)::bigint FROM signals WHERE created_at > ${since}`), (r) => r[0]![0] !== "", 60_000)) as [[string]]
          await sleep(5_000)
          const decided = await decisions(w)
          const states = await stateRows(w)
          const figures = {
            downMs: upAt - downAt,
            decisionsWhileDown: decided.filter((d) => d.at > downAt && d.at < upAt).length,
            gameStateRecoveryMs: Number(state) - w.clockOffsetMs - upAt,
            decisionRecoveryMs: Number(signal) - w.clockOffsetMs - upAt,
            decisionsContinued: decided.some((d) => d.at > upAt),
            maxGameStateLagMs: maxStateGap(states, downAt, upAt + 5_000)
          }
          assert.isNull(arbees.child.exitCode, "the child lived through it")
          // An unreachable database is told once per loop and summarised, not an ERROR every
          // period (it was: `exit check failed` each second with positions open)
          const upkeep = ["exit check failed", "settlement failed", "order reconciliation failed", "venue event not applied"]
          assert.deepStrictEqual(arbees.lines.filter((l) => l.level === "ERROR" && upkeep.includes(l.message)).map((l) => l.message), [])
          if (mode !== "crashloop") {
            assert.isAtMost(arbees.lines.filter((l) => l.message.startsWith("outbox notifications (LISTEN) unreachable")).length, 1)
            // Each consumer tells it once (it was 40 warnings, one per redelivery, in 10 s)
            assert.isAtMost(arbees.lines.filter((l) => l.message === "event handler failed; it will be redelivered").length, 5)
          }
          assert.isAtMost(figures.gameStateRecoveryMs, 15_000)
          assert.isAtMost(figures.decisionRecoveryMs, 15_000)
          return figures
        }))
    }

    // Redis keeps an append-only file (fsync always), so every entry it acknowledged survives the
    // kill and "lost" is exact. Without persistence the new, empty server gets only what consumers
    // had not acknowledged (by design, `Outbox.reconcile`): 21 of 358 events were not on the new
    // streams in one run, so that variant cannot be judged by comparing the outbox with the streams
    scenario("Redis (AOF) killed and down for 90 s: decisions go on, nothing is lost, the backlog drains within 5 s of its return", 420_000, () =>
      chaos("redis-90s", { redisPersistence: "aof" }, async (w) => {
        await sleep(3_000)
        const streamsBefore = await w.stream("game.state")
        await w.redis.kill()
        const downAt = Date.now()
        await sleep(90_000)
        const [[statesDown, signalsDown, fillsDown]] = (await w.sql(
          `SELECT (SELECT count(*) FROM game_states WHERE observed_at > to_timestamp(${downAt / 1000})),
                  (SELECT count(*) FROM signals WHERE created_at > to_timestamp(${downAt / 1000})),
                  (SELECT count(*) FROM fills WHERE filled_at > to_timestamp(${downAt / 1000}))`
        )) as [[string, string, string]]
        await w.redis.start()
        const upAt = Date.now()
        // The backlog: everything the outbox holds unpublished, until it is gone
          await until("the outbox backlog to drain", () => w.sql("SELECT count(*) FROM outbox WHERE published_at IS NULL"), (r) => Number(r[0]![0]) === 0, 60_000, 50)
        const drainedAt = Date.now()
        // Each event written while Redis was down: from Redis's return to its entry on the stream
        const written = await w.sql(`SELECT event_id, topic FROM outbox WHERE created_at > to_timestamp(${downAt / 1000}) AND created_at < to_timestamp(${upAt / 1000})`)
        const entries = new Map<string, number>()
        for (const topic of new Set(written.map((r) => r[1]!))) for (const e of await w.stream(topic)) if (!entries.has(e.id)) entries.set(e.id, e.at)
        const latencies = written.map((r) => entries.get(r[0]!)).filter((t): t is number => t !== undefined).map((t) => Math.max(0, t - upAt))
        await sleep(5_000)
        const states = await stateRows(w)
        const figures = {
          downMs: upAt - downAt,
          streamEntriesBefore: streamsBefore.length,
          gameStatesWhileDown: Number(statesDown),
          signalsWhileDown: Number(signalsDown),
          fillsWhileDown: Number(fillsDown),
          decisionsContinued: Number(signalsDown) > 0,
          eventsWrittenWhileDown: written.length,
          backlogDrainedMs: drainedAt - upAt,
          recoveryP50Ms: percentile(latencies, 50),
          recoveryP99Ms: percentile(latencies, 99),
          maxGameStateLagMs: maxStateGap(states, downAt, upAt)
        }
        assert.isAbove(figures.gameStatesWhileDown, 30, "the game kept advancing in the database")
        assert.isTrue(figures.decisionsContinued, "signals were still decided")
        assert.strictEqual(latencies.length, written.length, "every event written while Redis was down reached it")
        assert.isAtMost(figures.recoveryP99Ms!, 5_000, "the backlog drained within 5 s (p99)")
        return figures
      }))
  }
})
