/**
 * Fuzzing the venue decoders with mutated real payloads (fixed seed): each mutation edits one
 * field of a recorded message (delete, type flip, huge or negative number, `NaN`/`Infinity`
 * strings, 20-decimal sizes, deep nesting, unicode) or truncates its text. Nothing may throw, and
 * no invalid value may enter a book: every live book has levels strictly inside (0, 1) with
 * positive safe-integer sizes, and is not crossed. Prints the counts per family.
 */
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { readFileSync } from "node:fs"
import { KalshiBookStream } from "../../../src/services/kalshi/KalshiBookStream.ts"
import { KalshiEventsResponse, KalshiMarketResponse, KalshiOrderbookResponse } from "../../../src/services/kalshi/KalshiSchemas.ts"
import { ClobBooksResponse } from "../../../src/services/polymarket/ClobSchemas.ts"
import { GammaEventsResponse } from "../../../src/services/polymarket/GammaSchemas.ts"
import { PolymarketBookStream } from "../../../src/services/polymarket/PolymarketBookStream.ts"
import { ONE } from "../../../src/schema/Money.ts"
import { Rejected } from "../../../src/services/marketdata/Wire.ts"
import { checkState } from "../../../src/domain/game/Plausibility.ts"
import type { GameState } from "../../../src/schema/GameState.ts"
import { PlausibilityGate } from "../../../src/services/espn/PlausibilityGate.ts"
import { decodeScoreboard } from "../../../src/services/espn/Scoreboard.ts"
import { decodeSummary } from "../../../src/services/espn/Summary.ts"
import { seededRandom } from "../../support/Seeded.ts"

const PER_FAMILY = 10_000
/** Under 30 s for all seven families on an idle 2-core machine; the bound leaves room for a busy one */
const TIMEOUT = 60_000
const raw = (name: string) => readFileSync(`/work/shared/fixtures/${name}`, "utf8")
const json = (name: string): any => JSON.parse(raw(name))
const lines = (name: string): Array<any> => raw(name).trim().split("\n").map((l) => JSON.parse(l))

const rng = seededRandom

const nested = (v: unknown, depth: number): unknown => (depth === 0 ? v : [nested(v, depth - 1)])
const replacements: ReadonlyArray<(v: unknown) => unknown> = [
  () => undefined, () => null, () => "", (v) => (typeof v === "string" ? Number(v) : String(v)), () => 1e308, () => -1, () => -54.5,
  () => "NaN", () => "Infinity", () => "-Infinity", () => "0.12345678901234567890", () => "123456789012345678901234567890",
  () => nested("0.5", 200), () => "\u{1F600}\u0000\uFFFF", () => [], () => ({}), () => true, (v) => (typeof v === "number" ? -v : v),
  () => "-0.01", () => "1.0000001", () => 2 ** 60
]

/** Every path (array of keys) into `o`, up to `max`. */
const pathsOf = (o: unknown, max = 400): Array<Array<string | number>> => {
  const out: Array<Array<string | number>> = []
  const walk = (node: unknown, path: Array<string | number>) => {
    if (out.length >= max || typeof node !== "object" || node === null) return
    for (const k of Array.isArray(node) ? node.keys() : Object.keys(node)) {
      out.push([...path, k])
      walk((node as any)[k], [...path, k])
    }
  }
  walk(o, [])
  return out
}

/** A mutated copy of `base` as text: one to three field edits, sometimes truncated. */
const mutator = (seed: number) => {
  const next = rng(seed)
  const pick = <A>(xs: ReadonlyArray<A>): A => xs[Math.floor(next() * xs.length)]!
  return (base: unknown, paths: ReadonlyArray<Array<string | number>>): string => {
    const o = structuredClone(base) as any
    const edits = 1 + Math.floor(next() * 3)
    for (let e = 0; e < edits && paths.length > 0; e++) {
      const path = pick(paths)
      let node = o
      for (const k of path.slice(0, -1)) node = node?.[k]
      if (typeof node !== "object" || node === null) continue
      const key = path.at(-1)!
      const value = pick(replacements)(node[key])
      if (value === undefined) delete node[key]
      else node[key] = value
      if (next() < 0.05) node["extra_field"] = "x"
    }
    const text = JSON.stringify(o) ?? "null"
    return next() < 0.05 ? text.slice(0, Math.floor(next() * text.length)) : text
  }
}

type Levels = { walk: (n: number, f: (p: number, s: number) => boolean | void) => void; bestPrice: () => number }
const checkSide = (side: Levels, where: string) =>
  side.walk(Number.MAX_SAFE_INTEGER, (p, s) => {
    assert.isTrue(p > 0 && p < ONE && Number.isSafeInteger(p), `${where}: price ${p}`)
    assert.isTrue(s > 0 && Number.isSafeInteger(s), `${where}: size ${s}`)
  })

/** Per family: payloads run, and what became of them (reported at the end) */
const counts: Record<string, { readonly runs: number; readonly outcome: string }> = {}

describe("fuzzing the venue decoders", () => {
  it("Polymarket WS: mutated frames never throw and never leave an invalid live book", () => {
    const mutate = mutator(13)
    const head = json("polymarket-ws-market-stream-2026-head.json")
    const bases = [...head, json("polymarket-ws-book.json"), json("polymarket-ws-tick-size-change-2025.json"), json("polymarket-ws-last-trade-price-2024.json"), json("polymarket-ws-best-bid-ask.json"), json("polymarket-ws-market-resolved.json"), json("polymarket-ws-price-change-legacy-2024.json")]
    const paths = bases.map((b) => pathsOf(b))
    let problems = 0
    let checked = 0
    const stream = new PolymarketBookStream({ onBook: () => {}, onProblem: () => void problems++ }, { passive: true })
    for (let i = 0; i < PER_FAMILY; i++) {
      if (i % 50 === 0) stream.onFrame(JSON.stringify(head[0]), i)
      const b = i % bases.length
      stream.onFrame(mutate(bases[b], paths[b]!), i)
      for (const book of stream.books.values()) {
        if (book.status !== "live") continue
        checked++
        checkSide(book.bids, book.assetId)
        checkSide(book.asks, book.assetId)
        const bid = book.bids.bestPrice()
        const ask = book.asks.bestPrice()
        assert.isFalse(bid >= 0 && ask >= 0 && bid >= ask, "crossed")
      }
    }
    counts["polymarket.ws"] = { runs: PER_FAMILY, outcome: `${problems} problems reported, ${checked} live books checked` }
  }, TIMEOUT)

  it("Kalshi WS: mutated frames never throw and never leave an invalid live book", () => {
    const mutate = mutator(17)
    const snapshot = { type: "orderbook_snapshot", sid: 1, seq: 1, msg: { market_ticker: "KXA-1", yes_dollars_fp: [["0.4200", "13.00"], ["0.4300", "2.50"]], no_dollars_fp: [["0.5500", "7.00"]] } }
    const bases = [...lines("kalshi-ws-orderbook-fp-asyncapi-example.jsonl"), json("kalshi-ws-orderbook-delta-legacy-2025-08-KXMLBGAME.json"), snapshot, ...lines("kalshi-ws-trade-2026-02.jsonl").slice(0, 2), ...lines("kalshi-ws-ticker-2026-02.jsonl").slice(0, 2)]
    const paths = bases.map((b) => pathsOf(b))
    let problems = 0
    let checked = 0
    const stream = new KalshiBookStream({ onBook: () => {}, onProblem: () => void problems++ }, { passive: true })
    for (let i = 0; i < PER_FAMILY; i++) {
      if (i % 50 === 0) stream.onFrame(JSON.stringify({ ...snapshot, sid: 1 + i, seq: 1 }), i)
      const b = i % bases.length
      stream.onFrame(mutate(bases[b], paths[b]!), i)
      for (const book of stream.books.values()) {
        if (book.status !== "live") continue
        checked++
        checkSide(book.yes, book.ticker)
        checkSide(book.no, book.ticker)
        const yes = book.yes.bestPrice()
        const no = book.no.bestPrice()
        assert.isFalse(yes >= 0 && no >= 0 && yes + no >= ONE, "crossed")
      }
    }
    counts["kalshi.ws"] = { runs: PER_FAMILY, outcome: `${problems} problems reported, ${checked} live books checked` }
  }, TIMEOUT)

  const restFamily = (family: string, seed: number, cases: ReadonlyArray<readonly [unknown, Schema.Codec<any, any, never, never>]>, check: (value: unknown) => number) =>
    it(`${family}: mutated responses never throw; what decodes is valid`, () => {
      const mutate = mutator(seed)
      const decoders = cases.map(([, s]) => Schema.decodeUnknownResult(s))
      const paths = cases.map(([b]) => pathsOf(b))
      let truncated = 0
      let decoded = 0
      let rejected = 0
      let elements = 0
      for (let i = 0; i < PER_FAMILY; i++) {
        const c = i % cases.length
        let parsed: unknown
        try {
          parsed = JSON.parse(mutate(cases[c]![0], paths[c]!))
        } catch {
          truncated++
          continue // a truncated body: VenueHttp reports it as malformed JSON before any Schema runs
        }
        const r = decoders[c]!(parsed)
        if (r._tag === "Success") {
          decoded++
          elements += check(r.success)
        } else rejected++
      }
      counts[family] = { runs: PER_FAMILY, outcome: `${truncated} not JSON, ${rejected} rejected, ${decoded} decoded and valid (${elements} bad list elements set aside)` }
    }, TIMEOUT)

  /** Every decoded price in [0, 1] and every size a non-negative safe integer, wherever they sit; counts the rejected list elements. */
  const pricesAndSizes = (value: unknown): number => {
    let set = 0
    const walk = (v: unknown, key: string) => {
      if (typeof v === "number") {
        assert.isTrue(Number.isFinite(v), `${key}: ${v}`)
        if (/price|bid|ask|dollars/.test(key) && !/size|_fp|count|liquidity/.test(key)) assert.isTrue(v >= 0 && v <= ONE, `${key}: ${v}`)
      } else if (Array.isArray(v)) {
        if (v.length === 2 && typeof v[0] === "number" && typeof v[1] === "number") {
          assert.isTrue(v[0] >= 0 && v[0] <= ONE && v[1] >= 0 && Number.isSafeInteger(v[1]), `level ${v}`)
        } else v.forEach((x) => walk(x, key))
      } else if (v instanceof Rejected) {
        set++
        assert.isTrue(v.error.length > 0) // a rejected element keeps the raw payload for its dead letter
      } else if (typeof v === "object" && v !== null) {
        for (const [k, x] of Object.entries(v)) walk(x, k)
      }
    }
    walk(value, "")
    return set
  }

  restFamily("kalshi.rest", 19, [
    [json("kalshi-orderbook-fp-docs-example.json"), KalshiOrderbookResponse],
    [json("kalshi-orderbook-legacy-cents-docs-example.json"), KalshiOrderbookResponse],
    [json("kalshi-market-KXGDPSHAREMANU-29-2026-04.json"), KalshiMarketResponse],
    [{ events: [{ event_ticker: "KXA-1", series_ticker: "KXA", title: null, markets: [json("kalshi-market-KXGDPSHAREMANU-29-2026-04.json").market] }], cursor: "" }, KalshiEventsResponse]
  ], pricesAndSizes)
  restFamily("polymarket.gamma", 23, [
    // One event with two markets each: the mutations land on the fields, not on copying big pages
    [json("polymarket-gamma-events-sports-mlp-2026-08.json").slice(0, 1).map((e: any) => ({ ...e, markets: e.markets.slice(0, 2) })), GammaEventsResponse],
    [json("polymarket-gamma-events-politics-negrisk.json").slice(0, 1).map((e: any) => ({ ...e, markets: e.markets.slice(0, 2) })), GammaEventsResponse]
  ], pricesAndSizes)
  restFamily("polymarket.clob", 29, [[[json("polymarket-clob-book-2024.json")], ClobBooksResponse]], pricesAndSizes)

  /** A decoded game state that cannot be wrong: counts, clock and probabilities in range, and plausible. */
  const validGame = (g: GameState, where: string) => {
    for (const side of [g.home, g.away]) assert.isTrue(Number.isSafeInteger(side.score) && side.score >= 0, `${where}: score ${side.score}`)
    assert.isTrue(Number.isSafeInteger(g.period) && g.period >= 0, `${where}: period ${g.period}`)
    for (const v of [g.secondsRemaining, g.periodSecondsRemaining]) assert.isTrue(v === undefined || (Number.isFinite(v) && v >= 0), `${where}: clock ${v}`)
    assert.isUndefined(checkState(g), where)
  }

  /** `decode` returns how many game states it decoded (each checked valid). */
  const espnFamily = (family: string, seed: number, base: unknown, decode: (json: unknown, gate: PlausibilityGate) => number) =>
    it(`${family}: mutated payloads never throw; every game state is valid`, () => {
      const mutate = mutator(seed)
      const paths = pathsOf(base, 2_000)
      const gate = new PlausibilityGate()
      let truncated = 0
      let states = 0
      for (let i = 0; i < PER_FAMILY; i++) {
        let parsed: unknown
        try {
          parsed = JSON.parse(mutate(base, paths))
        } catch {
          truncated++
          continue // a truncated body: the client reports it as malformed JSON before decoding
        }
        states += decode(parsed, gate)
      }
      counts[family] = { runs: PER_FAMILY, outcome: `${truncated} not JSON, ${states} game states decoded and valid` }
    }, TIMEOUT)

  // Real payloads without what no decoder reads (news, videos, box scores, team logos and records),
  // so the mutations land on the fields that matter and 10,000 runs stay fast
  const pick = (o: any, keys: ReadonlyArray<string>) => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]))
  const competitor = (c: any) => ({ ...pick(c, ["id", "homeAway", "order", "score", "winner", "possession", "linescores"]), team: pick(c.team ?? {}, ["id", "abbreviation", "displayName", "name", "location"]) })
  const competition = (c: any) => ({ ...pick(c, ["id", "date", "startDate", "status", "situation", "format", "odds", "details"]), competitors: c.competitors.map(competitor) })
  const scoreboard = json("espn-nhl-scoreboard-live-ot.json") as { events: Array<any> }
  const events = scoreboard.events.map((e) => ({ ...pick(e, ["id", "date", "status", "season"]), competitions: e.competitions.map(competition) }))
  espnFamily("espn.scoreboard", 31, { events }, (parsed, gate) => {
    const decoded = decodeScoreboard(parsed, { league: "nhl", observedAt: 1_761_000_000_000 })
    for (const g of decoded.games) {
      validGame(g, `scoreboard ${g.gameId}`)
      gate.admit(g)
    }
    return decoded.games.length
  })
  const summary = json("espn-nba-summary-401772994.json")
  const header = { ...summary.header, competitions: summary.header.competitions.map(competition) }
  espnFamily("espn.summary", 37, { ...pick(summary, ["pickcenter", "odds", "predictor"]), header, plays: summary.plays.slice(0, 8), winprobability: summary.winprobability.slice(0, 8) }, (parsed, gate) => {
    const decoded = decodeSummary(parsed, { league: "nba", observedAt: 1_761_000_000_000 })
    if (decoded._tag === "Failure") return 0
    validGame(decoded.success.game, "summary")
    gate.admit(decoded.success.game)
    for (const p of decoded.success.plays) {
      for (const v of [p.espnHomeWinProbability, p.espnTieProbability]) assert.isTrue(v === undefined || (v >= 0 && v <= 1), `play ${p.playId}: probability ${v}`)
      for (const side of [p.state.home, p.state.away]) assert.isTrue(Number.isSafeInteger(side.score) && side.score >= 0, `play ${p.playId}: score ${side.score}`)
    }
    return 1
  })

  it("reports the counts per family", () => {
    // Every family ran to its end (a throw or an invalid value fails its test before it is counted)
    console.log(`fuzz (seeded, mutated real payloads), 0 crashes, 0 invalid values:\n${Object.entries(counts).map(([k, c]) => `  ${k}: ${c.runs} (${c.outcome})`).join("\n")}`)
    assert.deepStrictEqual(Object.keys(counts).sort(), ["espn.scoreboard", "espn.summary", "kalshi.rest", "kalshi.ws", "polymarket.clob", "polymarket.gamma", "polymarket.ws"])
    assert.isTrue(Object.values(counts).every((c) => c.runs >= 10_000))
  })
})
