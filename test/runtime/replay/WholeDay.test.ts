/**
 * Whole-day simulations: small scripted days (test/support/Scenario.ts) written as recordings in
 * the real format and replayed through the real runtime under the test clock (`arbees replay`'s
 * driver): discovery, matching, books, game actors, strategies, risk, the paper venue, positions,
 * exits and settlement from the venues' results. Each scenario asserts the exact P&L in
 * micro-dollars, the exact event counts, and that the books reconcile (balance = Σ ledger, and
 * cash = initial + realised − cost of open positions).
 *
 * The days are short (games of eight scripted minutes, the clock running at 6x) so the file stays
 * small; the runtime's start-up (a fresh embedded database, migrated) is most of each one's cost.
 * When a change to sizing, risk, fees or the strategies moves these figures on purpose, the
 * replay's report (printed here with `renderText` when a figure differs) shows the new ones.
 *
 * Figures common to the hand calculations below, from the defaults: bankroll $1000, a position at
 * most 5% of it ($50), Kalshi's taker fee ceil₍cent₎(0.07·C·P·(1−P)) per order, Polymarket's
 * 0.03·C·P·(1−P) (to the micro-dollar, rounded down to 100 micro-dollars), the paper venue taking
 * 85% of a level (each scripted level holds 100 contracts), the NBA stop 3 cents below entry.
 */
import * as NodeServices from "@effect/platform-node/NodeServices"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, References } from "effect"
import { replay, type ReplayResult, replaySettings } from "../../../src/runtime/replay/Replay.ts"
import { renderText, type ReportData, reportData } from "../../../src/runtime/replay/Report.ts"
import { AppConfig } from "../../../src/services/config/AppConfig.ts"
import { type GameScript, type League, recordingOf, type ScenarioScript, type State } from "../../support/Scenario.ts"

const S = 1_000
const M = 60_000
const ORIGIN = Date.parse("2025-06-10T23:00:00Z")
const PERIODS: Record<League, readonly [number, number]> = { nba: [4, 720], nhl: [3, 1200], mlb: [9, 600] }

/** A state every 15 s from `from` to `to`, the game clock running evenly over the whole game. */
const ticking = (league: League, from: number, to: number, score: (f: number) => readonly [number, number]): Array<State> => {
  const [periods, periodSeconds] = PERIODS[league]
  const out: Array<State> = []
  const total = periods * periodSeconds
  for (let t = from; t < to; t += 15 * S) {
    const f = (t - from) / (to - from)
    const elapsed = Math.min(total - 1, Math.floor(f * total))
    const [home, away] = score(f)
    out.push({ at: t, period: Math.floor(elapsed / periodSeconds) + 1, clock: periodSeconds - (elapsed % periodSeconds), home, away })
  }
  return out
}

const run = (script: ScenarioScript, settings: Record<string, string> = {}) =>
  Effect.gen(function*() {
    const recording = recordingOf(script)
    const result = yield* replay(recording, { speed: "max", tailMillis: 90 * S }).pipe(
      Effect.provide(Layer.mergeAll(Layer.orDie(AppConfig.layerTest({
        ...replaySettings(recording),
        "log.level": "error",
        "discovery.activateBefore": "2m",
        "marketdata.validateEvery": "1h",
        "marketdata.validateQuiet": "1h",
        ...settings
      })), NodeServices.layer)),
      Effect.provideService(References.MinimumLogLevel, "Error")
    )
    const d = reportData(result, { synthetic: true, settings })
    return { result, d, text: `=== ${script.name}\n${renderText(d)}` }
  })

const nba = (id: string, home: string, away: string, start: number, extra: Partial<GameScript> = {}): GameScript => ({
  league: "nba", id, home, away, start, pregameHome: 0.6,
  states: ticking("nba", start, start + 8 * M, (f) => [Math.floor(100 * f) + 2, Math.floor(100 * f)]),
  finalAt: start + 8 * M + 10 * S,
  kalshi: [{ at: 0, home: [0.59, 0.61] }, { at: start + 8 * M - 10 * S, home: [0.98, 0.99] }],
  polymarket: [{ at: 0, home: [0.59, 0.61] }, { at: start + 8 * M - 10 * S, home: [0.98, 0.99] }],
  ...extra
})

const ARB_ONLY = { "strategies.enabled": "arbitrage" }
const EDGE_ONLY = { "strategies.enabled": "model_edge" }

/** What every scenario asserts: figures from the report, and the books reconciling. */
const figures = (r: ReplayResult, d: ReportData) => ({
  busySettles: r.busySettles,
  unanswered: r.counts.httpMissing,
  events: d.events,
  signals: d.signals,
  orders: d.orders,
  fills: d.trading.fills.map((f) => `${f.venue} ${f.outcome} ${f.action} ${f.quantity / 1_000_000} @ ${f.priceMicros} fee ${f.feeMicros}`),
  positions: d.trading.positions.map((p) => `${p.venue} ${p.outcome} ${p.status} ${p.realizedMicros} ${p.reason}`),
  feesMicros: d.trading.feesMicros,
  pnl: d.trading.pnl,
  ledger: { checkOk: d.trading.ledger.checkOk, reconciles: d.trading.ledger.reconciles, cashMicros: d.trading.ledger.cashMicros }
})

/** Compares, and shows the whole report when something differs. */
const expectFigures = (r: ReplayResult, d: ReportData, text: string, expected: Partial<ReturnType<typeof figures>>) => {
  const actual = figures(r, d)
  const picked = Object.fromEntries(Object.keys(expected).map((k) => [k, actual[k as keyof typeof actual]]))
  try {
    assert.deepStrictEqual(picked, expected)
  } catch (e) {
    console.log(`${text}\n${JSON.stringify(actual, null, 1)}`)
    throw e
  }
}

/** Signal decisions and fills in time order, seconds after the origin. */
const timeline = (r: ReplayResult) =>
  r.events.filter((e) => e.topic === "signals" || e.topic === "fills").map((e: any) =>
    e.topic === "fills"
      ? { at: (e.at - ORIGIN) / S, what: `fill ${e.payload.fill.outcome.platform}` }
      : { at: (e.at - ORIGIN) / S, what: `${e.payload.signal.kind} ${e.payload.verdict}${e.payload.reason === undefined || e.payload.reason === null ? "" : ` ${String(e.payload.reason).split(":")[0]}`}` }
  ).sort((a, b) => a.at - b.at)


describe("whole-day simulations", () => {
  it.live("overlapping games across sports: an arbitrage, a settled model-edge bet and a take-profit, each in its own game", () =>
    Effect.gen(function*() {
      const { result, d, text } = yield* run({
        name: "overlapping",
        origin: ORIGIN,
        games: [
          nba("401900001", "2", "1", 3 * M, {
            polymarket: [{ at: 0, home: [0.59, 0.61] }, { at: 6 * M, home: [0.59, 0.61], away: [0.30, 0.31] }, { at: 6 * M + 20 * S, home: [0.59, 0.61] }, { at: 11 * M - 10 * S, home: [0.98, 0.99] }]
          }),
          {
            league: "nhl", id: "401900002", home: "7", away: "26", start: 5 * M, pregameHome: 0.55,
            states: ticking("nhl", 5 * M, 13 * M, (f) => [f > 0.5 ? 1 : 0, f > 0.8 ? 2 : 0]),
            finalAt: 13 * M + 10 * S,
            kalshi: [{ at: 0, home: [0.54, 0.56] }, { at: 9 * M, home: [0.62, 0.64] }, { at: 11 * M, home: [0.20, 0.22] }, { at: 13 * M - 10 * S, home: [0.01, 0.02] }],
            polymarket: [{ at: 0, home: [0.54, 0.56] }, { at: 9 * M, home: [0.62, 0.64] }, { at: 11 * M, home: [0.20, 0.22] }, { at: 13 * M - 10 * S, home: [0.01, 0.02] }]
          },
          {
            league: "mlb", id: "401900003", home: "2", away: "1", start: 4 * M, pregameHome: 0.5,
            states: ticking("mlb", 4 * M, 12 * M, (f) => [f > 0.3 ? 3 : 0, f > 0.6 ? 1 : 0]),
            finalAt: 12 * M + 10 * S,
            kalshi: [{ at: 0, home: [0.49, 0.51] }, { at: 12 * M - 10 * S, home: [0.98, 0.99] }],
            polymarket: [{ at: 0, home: [0.49, 0.51] }, { at: 12 * M - 10 * S, home: [0.98, 0.99] }]
          }
        ]
      })
      // Three games at once (NBA 3-11 min, MLB 4-12, NHL 5-13), both strategies on.
      // NBA: Polymarket's away token at 0.31 for 20 s against Kalshi's home yes at 0.61 — 0.92 a
      //   pair. Size: the most pairs within the $50 position limit, 53 (53·0.92 + 0.89 + 0.3401 =
      //   $49.9901; 54 pairs cost $50.94). Fees: Kalshi ceil(0.07·53·0.61·0.39 = 0.8826) = 0.89,
      //   Polymarket 0.03·53·0.31·0.69 = 0.34010. Home wins: 53 − 49.9901 = +$3.0099.
      // MLB: the model (a 50% prior, home leads 3-0 from a third of the game on) sees an edge at
      //   0.51: 98 contracts (the most within $50: 98·0.51 = 49.98), bought 85 + 12 + 1 (85% of a
      //   level, then refills), fees 1.49 + 0.21 + 0.02. Home wins: 98 − 49.98 − 1.72 = +$46.30.
      // NHL: at 9:00 the books lift home to 0.62/0.64 on a 1-0 lead, more than the model gives
      //   it: the model buys 62 of home NO at 0.38 (fee ceil(0.07·62·0.38·0.62 = 1.0225) = 1.03);
      //   at 11:00 the books drop home to 0.20/0.22 and it takes profit selling 62 at 0.78 (fee
      //   ceil(0.7447) = 0.75): 62·0.40 − 1.78 = +$23.02. (FLA then wins 2-1.)
      // Total: 3.0099 + 46.30 + 23.02 = $72.3299, all realised.
      expectFigures(result, d, text, {
        busySettles: 0,
        unanswered: 0,
        events: { fills: 7, "game.price": 1213, "game.state": 102, orders: 15, positions: 10, signals: 36 },
        signals: { total: 36, approved: 5, deniedByReason: { BELOW_THRESHOLD: 7, CORRELATION: 13, SIZE_ZERO: 8, WIN_COOLDOWN: 3 }, byKind: { cross_venue_arb: 1, model_edge: 35 } },
        orders: { total: 7, byVenue: { kalshi: 6, polymarket: 1 } },
        fills: [
          "kalshi KXNBAGAME-25JUN10ATLBOS-BOS yes buy 53 @ 610000 fee 890000",
          "polymarket token 7401900001…1111 buy 53 @ 310000 fee 340100",
          "kalshi KXMLBGAME-25JUN10BALBOS-BOS yes buy 85 @ 510000 fee 1490000",
          "kalshi KXMLBGAME-25JUN10BALBOS-BOS yes buy 12 @ 510000 fee 210000",
          "kalshi KXMLBGAME-25JUN10BALBOS-BOS yes buy 1 @ 510000 fee 20000",
          "kalshi KXNHLGAME-25JUN10FLACAR-CAR no buy 62 @ 380000 fee 1030000",
          "kalshi KXNHLGAME-25JUN10FLACAR-CAR no sell 62 @ 780000 fee 750000"
        ],
        feesMicros: 4_730_100,
        pnl: {
          realizedMicros: 72_329_900,
          unrealizedMicros: 0,
          totalMicros: 72_329_900,
          bySport: { nba: 3_009_900, mlb: 46_300_000, nhl: 23_020_000 },
          byStrategy: { arbitrage: 3_009_900, model_edge: 69_320_000 },
          byVenue: { kalshi: 89_100_000, polymarket: -16_770_100 }
        },
        ledger: { checkOk: true, reconciles: true, cashMicros: 1_072_329_900 }
      })
      assert.deepStrictEqual(d.games.map((g) => [g.league, g.final]), [["nba", "ATL 96 - 98 BOS"], ["nhl", "FLA 2 - 1 CAR"], ["mlb", "BAL 1 - 3 BOS"]])
    }), { timeout: 600_000 })

  it.live("a venue disconnect mid-game: no trade on the venue until it is back and its books are resnapshotted", () =>
    Effect.gen(function*() {
      const { result, d, text } = yield* run({
        name: "disconnect",
        origin: ORIGIN,
        games: [nba("401900011", "2", "1", 3 * M, {
          polymarket: [{ at: 0, home: [0.59, 0.61] }, { at: 5 * M + 30 * S, home: [0.59, 0.61], away: [0.30, 0.31] }, { at: 7 * M + 30 * S, home: [0.59, 0.61] }, { at: 11 * M - 10 * S, home: [0.98, 0.99] }]
        })],
        outages: [{ venue: "kalshi", from: 5 * M, to: 6 * M + 30 * S }]
      }, ARB_ONLY)
      // Kalshi drops at 5:00 and refuses connections until 6:30; from 5:30 to 7:30 Polymarket's
      // away token sits at 0.31 against Kalshi's home yes at 0.61. While Kalshi is down its books
      // are not live: no arbitrage is even signalled. The feed retries with backoff (each attempt
      // refused: 7), connects after 6:30, resubscribes, and on the fresh snapshot the pair trades:
      // the same 53 pairs as in the first scenario, +$3.0099. The next signal, 30 s later (the
      // debounce), finds the $50 position limit used: too little left for a venue's minimum.
      expectFigures(result, d, text, {
        busySettles: 0,
        unanswered: 0,
        events: { fills: 2, "game.price": 386, "game.state": 34, orders: 4, positions: 4, signals: 2 },
        signals: { total: 2, approved: 1, deniedByReason: { VENUE_MINIMUM: 1 }, byKind: { cross_venue_arb: 2 } },
        orders: { total: 2, byVenue: { kalshi: 1, polymarket: 1 } },
        fills: ["kalshi KXNBAGAME-25JUN10ATLBOS-BOS yes buy 53 @ 610000 fee 890000", "polymarket token 7401900011…1111 buy 53 @ 310000 fee 340100"],
        feesMicros: 1_230_100,
        pnl: {
          realizedMicros: 3_009_900,
          unrealizedMicros: 0,
          totalMicros: 3_009_900,
          bySport: { nba: 3_009_900 },
          byStrategy: { arbitrage: 3_009_900 },
          byVenue: { kalshi: 19_780_000, polymarket: -16_770_100 }
        },
        ledger: { checkOk: true, reconciles: true, cashMicros: 1_003_009_900 }
      })
      assert.deepStrictEqual({ connections: result.counts.connections, disconnects: result.counts.disconnects, refused: result.counts.refused }, { connections: 3, disconnects: 1, refused: 7 })
      // Nothing signalled between the drop (300 s) and the venue's return (390 s); the trade after
      assert.deepStrictEqual(timeline(result), [
        { at: 395, what: "cross_venue_arb approved" },
        { at: 395.493, what: "fill kalshi" },
        { at: 395.562, what: "fill polymarket" },
        { at: 430, what: "cross_venue_arb denied VENUE_MINIMUM" }
      ])
    }), { timeout: 600_000 })

  it.live("a stale ESPN feed: the edge is not traded while ESPN repeats an old state, and is once it moves again", () =>
    Effect.gen(function*() {
      const base = nba("401900021", "2", "1", 3 * M)
      const { result, d, text } = yield* run({
        name: "stale-espn",
        origin: ORIGIN,
        games: [{
          ...base,
          // ESPN answers the 6:00 state until 8:00
          states: base.states.filter((s) => s.at <= 6 * M || s.at >= 8 * M),
          kalshi: [{ at: 0, home: [0.59, 0.61] }, { at: 6 * M + 40 * S, home: [0.45, 0.47] }, { at: 9 * M, home: [0.62, 0.64] }, { at: 11 * M - 10 * S, home: [0.98, 0.99] }],
          polymarket: [{ at: 0, home: [0.59, 0.61] }, { at: 6 * M + 40 * S, home: [0.45, 0.47] }, { at: 9 * M, home: [0.62, 0.64] }, { at: 11 * M - 10 * S, home: [0.98, 0.99] }]
        }]
      }, EDGE_ONLY)
      // ESPN keeps answering the 6:00 state until 8:00. From 6:40 the books price home at 0.47
      // while the model (a 60% prior, home up 2) says about 0.6: an edge, but ESPN's content is more
      // than 30 s old, so risk denies it (STALE_GAME_STATE, twice) until the feed moves at 8:00.
      // Then the model buys home yes at 0.47: 85 + 20 (fees ceil(0.07·85·0.47·0.53 = 1.4822) =
      // 1.49 and ceil(0.3487) = 0.35); at 9:00 the books catch up (0.62 bid) and it takes profit
      // selling 85 + 20 at 0.62 (fees ceil(1.4018) = 1.41 and ceil(0.3298) = 0.33).
      // P&L: 105·(0.62 − 0.47) − 1.84 − 1.74 = 15.75 − 3.58 = +$12.17.
      expectFigures(result, d, text, {
        busySettles: 0,
        unanswered: 0,
        events: { fills: 4, "game.price": 384, "game.state": 27, orders: 12, positions: 4, signals: 16 },
        signals: { total: 16, approved: 3, deniedByReason: { BELOW_THRESHOLD: 8, STALE_GAME_STATE: 2, WIN_COOLDOWN: 3 }, byKind: { model_edge: 16 } },
        orders: { total: 5, byVenue: { kalshi: 5 } },
        fills: [
          "kalshi KXNBAGAME-25JUN10ATLBOS-BOS yes buy 85 @ 470000 fee 1490000",
          "kalshi KXNBAGAME-25JUN10ATLBOS-BOS yes buy 20 @ 470000 fee 350000",
          "kalshi KXNBAGAME-25JUN10ATLBOS-BOS yes sell 85 @ 620000 fee 1410000",
          "kalshi KXNBAGAME-25JUN10ATLBOS-BOS yes sell 20 @ 620000 fee 330000"
        ],
        feesMicros: 3_580_000,
        pnl: {
          realizedMicros: 12_170_000,
          unrealizedMicros: 0,
          totalMicros: 12_170_000,
          bySport: { nba: 12_170_000 },
          byStrategy: { model_edge: 12_170_000 },
          byVenue: { kalshi: 12_170_000 }
        },
        ledger: { checkOk: true, reconciles: true, cashMicros: 1_012_170_000 }
      })
      const line = timeline(result)
      // The stale denials fall inside the freeze; every buy after it
      for (const e of line.filter((e) => e.what.endsWith("STALE_GAME_STATE"))) assert.isTrue(e.at >= 400 && e.at < 480, `${e.at}`)
      assert.isTrue(line.filter((e) => e.what.startsWith("fill")).every((e) => e.at >= 480))
      assert.isAtLeast(line.filter((e) => e.what === "model_edge approved")[0]!.at, 480)
    }), { timeout: 600_000 })

  it.live("an arbitrage that appears and vanishes: both legs or none, never one", () =>
    Effect.gen(function*() {
      const { result, d, text } = yield* run({
        name: "arbitrage",
        origin: ORIGIN,
        games: [nba("401900031", "2", "1", 3 * M, {
          polymarket: [
            { at: 0, home: [0.59, 0.61] },
            { at: 5 * M, home: [0.59, 0.61], away: [0.30, 0.31] },
            { at: 5 * M + 300, home: [0.59, 0.61] },
            { at: 8 * M, home: [0.59, 0.61], away: [0.30, 0.31] },
            { at: 8 * M + 20 * S, home: [0.59, 0.61] },
            { at: 11 * M - 10 * S, home: [0.98, 0.99] }
          ]
        })]
      }, ARB_ONLY)
      // At 5:00 Polymarket's away token shows 0.31 for 300 ms against Kalshi's home yes at 0.61.
      // The arbitrage is signalled and sent (53 pairs, as above); by the time the paper orders
      // arrive (500 ms latency) Kalshi's leg fills at 0.61 but Polymarket's is gone (its IOC at
      // 0.31 fills nothing). The runtime does not keep one leg: it hedges, completing the pair at
      // the away token's ask, 0.41 (of unwinding and hedging, whichever the book makes cheaper,
      // within $0.10 a contract), so both legs are held. The report files the hedge leg under the
      // strategy `unknown` (no signal of its own).
      // Fees: 0.89 and 0.03·53·0.41·0.59 = 0.38462. Home wins: 53 − 53·(0.61 + 0.41) − 1.27462
      // = −$2.33462. The second dislocation (8:00, 20 s) finds the game's $50 exposure used.
      expectFigures(result, d, text, {
        busySettles: 0,
        unanswered: 0,
        events: { fills: 2, "game.price": 416, "game.state": 34, orders: 6, positions: 4, signals: 2 },
        signals: { total: 2, approved: 1, deniedByReason: { GAME_EXPOSURE: 1 }, byKind: { cross_venue_arb: 2 } },
        orders: { total: 3, byVenue: { kalshi: 1, polymarket: 2 } },
        fills: ["kalshi KXNBAGAME-25JUN10ATLBOS-BOS yes buy 53 @ 610000 fee 890000", "polymarket token 7401900031…1111 buy 53 @ 410000 fee 384620"],
        feesMicros: 1_274_620,
        pnl: {
          realizedMicros: -2_334_620,
          unrealizedMicros: 0,
          totalMicros: -2_334_620,
          bySport: { nba: -2_334_620 },
          byStrategy: { arbitrage: 19_780_000, unknown: -22_114_620 },
          byVenue: { kalshi: 19_780_000, polymarket: -22_114_620 }
        },
        ledger: { checkOk: true, reconciles: true, cashMicros: 997_665_380 }
      })
      // Never one leg: every position is one of a pair, and equal quantities were bought on each venue
      const bought = (venue: string) => d.trading.fills.filter((f) => f.venue === venue && f.action === "buy").reduce((n, f) => n + f.quantity, 0)
      assert.strictEqual(bought("kalshi"), bought("polymarket"))
      assert.deepStrictEqual(d.trading.positions.map((p) => p.status), ["settled", "settled"])
    }), { timeout: 600_000 })

  it.live("a stop-loss cascade: three NBA positions stopped out as their prices fall one after another", () =>
    Effect.gen(function*() {
      const falling = (from: number) => [{ at: 0, home: [0.59, 0.61] as const }, { at: 4 * M, home: [0.50, 0.51] as const }, { at: from, home: [0.40, 0.42] as const }, { at: 13 * M - 10 * S, home: [0.98, 0.99] as const }]
      const { result, d, text } = yield* run({
        name: "stop-loss",
        origin: ORIGIN,
        games: [
          nba("401900041", "2", "1", 3 * M, { kalshi: falling(6 * M), polymarket: falling(6 * M) }),
          nba("401900042", "5", "4", 3 * M, { kalshi: falling(6 * M + 20 * S), polymarket: falling(6 * M + 20 * S) }),
          nba("401900043", "7", "6", 3 * M, { kalshi: falling(6 * M + 40 * S), polymarket: falling(6 * M + 40 * S) })
        ]
      }, EDGE_ONLY)
      // Three NBA games, each priced down to 0.50/0.51 at 4:00 while the model (60% prior, home up
      // 2) says about 0.6: each buys 98 home yes at 0.51 (the most within $50), as 85 + 12 + 1,
      // fees 1.49 + 0.21 + 0.02. Then the home prices fall to 0.40/0.42 at 6:00, 6:20 and 6:40 —
      // through the 3-cent stop — and each position is sold at 0.40, 85 + 13 (85% of the 100 at the
      // bid, the rest at the next check), fees ceil(0.07·85·0.4·0.6 = 1.428) = 1.43 and
      // ceil(0.2184) = 0.22: each 98·(0.40 − 0.51) − 1.72 − 1.65 = −$14.15.
      // The CLE game's signal at 6:30 is decided while its stop-loss exit is still under way (13
      // contracts left, no close yet, so no loss cooldown): it buys 85 at 0.42 (fee 1.45) and that
      // position is held to settlement, home winning: 85·0.58 − 1.45 = +$47.85. Every later signal
      // meets the loss cooldown. Total: 3·(−14.15) + 47.85 = +$5.40.
      expectFigures(result, d, text, {
        busySettles: 0,
        unanswered: 0,
        events: { fills: 16, "game.price": 1200, "game.state": 102, orders: 39, positions: 17, signals: 51 },
        signals: { total: 51, approved: 10, deniedByReason: { BELOW_THRESHOLD: 6, SIZE_ZERO: 6, LOSS_COOLDOWN: 28, POSITION_FRACTION: 1 }, byKind: { model_edge: 51 } },
        orders: { total: 16, byVenue: { kalshi: 16 } },
        feesMicros: 11_560_000,
        pnl: {
          realizedMicros: 5_400_000,
          unrealizedMicros: 0,
          totalMicros: 5_400_000,
          bySport: { nba: 5_400_000 },
          byStrategy: { model_edge: 5_400_000 },
          byVenue: { kalshi: 5_400_000 }
        },
        ledger: { checkOk: true, reconciles: true, cashMicros: 1_005_400_000 }
      })
      const stops = d.trading.positions.filter((p) => p.reason === "stop_loss")
      assert.deepStrictEqual(stops.map((p) => [p.status, p.realizedMicros]), [["closed", -14_150_000], ["closed", -14_150_000], ["closed", -14_150_000]])
      assert.deepStrictEqual(new Set(stops.map((p) => p.gameId)), new Set(["401900041", "401900042", "401900043"]))
      // The stops in the order the prices fell: BOS (6:00), CLE (6:20), DEN (6:40)
      const sells = d.trading.fills.filter((f) => f.action === "sell").map((f) => [(f.at - ORIGIN) / S, f.outcome, f.quantity / 1_000_000])
      assert.deepStrictEqual(sells, [
        [360.504, "KXNBAGAME-25JUN10ATLBOS-BOS yes", 85],
        [370.576, "KXNBAGAME-25JUN10ATLBOS-BOS yes", 13],
        [380.504, "KXNBAGAME-25JUN10CHICLE-CLE yes", 85],
        [390.434, "KXNBAGAME-25JUN10CHICLE-CLE yes", 13],
        [405.475, "KXNBAGAME-25JUN10DALDEN-DEN yes", 85],
        [415.461, "KXNBAGAME-25JUN10DALDEN-DEN yes", 13]
      ])
    }), { timeout: 600_000 })
})
