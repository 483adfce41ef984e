/**
 * The replay report: figures computed from a replay's event log, rendered as text, JSON or one
 * self-contained HTML file with Chart.js charts (the library is read from `node_modules` and
 * inlined, so the file opens from disk with no network).
 *
 * The three renderings carry the same figures ({@link ReportData}); the HTML adds the charts.
 *
 * Trading figures come from the event log (fills with their fees, positions, marks from the last
 * bid of each outcome) and are reconciled with the books the replay left in its database: the
 * ledger check (balance = Σ ledger per bucket) and cash = initial + Σ realised P&L − Σ cost of
 * the open positions. Money is integer micro-dollars throughout; dollars only when rendered.
 *
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import * as Money from "../../schema/Money.ts"
import type { LoggedEvent, ReplayResult } from "./Replay.ts"

/** @category models */
export interface GameReport {
  readonly gameId: string
  readonly league: string
  readonly matchup: string
  readonly final: string | undefined
  readonly states: number
  /** [epoch ms, home-win probability] per state */
  readonly model: ReadonlyArray<readonly [number, number]>
  /** Per venue outcome: [epoch ms, mid in dollars] */
  readonly mids: Readonly<Record<string, ReadonlyArray<readonly [number, number]>>>
  readonly signals: number
  readonly approved: number
  readonly denied: Readonly<Record<string, number>>
  readonly orders: number
  readonly fills: number
  readonly feesMicros: number
  readonly pnlMicros: number
  readonly brier: number | undefined
}

/** One fill. @category models */
export interface FillRow {
  readonly at: number
  readonly gameId: string
  readonly venue: string
  readonly outcome: string
  readonly action: string
  readonly priceMicros: number
  /** Micro-contracts */
  readonly quantity: number
  readonly feeMicros: number
}

/** One position at the end of the replay, marked at its outcome's last bid when still open. @category models */
export interface PositionRow {
  readonly positionId: string
  readonly gameId: string
  readonly sport: string
  readonly venue: string
  readonly outcome: string
  readonly strategy: string
  readonly status: string
  readonly quantity: number
  readonly costMicros: number
  readonly feesMicros: number
  readonly realizedMicros: number
  readonly markMicros: number | undefined
  readonly unrealizedMicros: number
  readonly pnlMicros: number
  readonly reason: string | undefined
}

/** @category models */
export interface TradingReport {
  readonly fills: ReadonlyArray<FillRow>
  readonly feesMicros: number
  readonly feesByVenue: Readonly<Record<string, number>>
  readonly positions: ReadonlyArray<PositionRow>
  readonly pnl: {
    readonly realizedMicros: number
    readonly unrealizedMicros: number
    readonly totalMicros: number
    readonly bySport: Readonly<Record<string, number>>
    readonly byStrategy: Readonly<Record<string, number>>
    readonly byVenue: Readonly<Record<string, number>>
  }
  /** Closed or settled positions with a positive realised P&L, of all closed ones */
  readonly winRate: number | undefined
  readonly closed: number
  /** [epoch ms, equity micros]: cash from the ledger plus open positions at their last bid */
  readonly equity: ReadonlyArray<readonly [number, number]>
  readonly maxDrawdownMicros: number
  readonly ledger: {
    readonly account: string
    readonly initialMicros: number
    readonly balanceMicros: number
    readonly piggybankMicros: number
    readonly reservedMicros: number
    /** Balance = Σ ledger per bucket, reserved = Σ open reservations */
    readonly checkOk: boolean
    /** Initial + Σ realised − Σ cost of open positions: what the positions say cash should be */
    readonly expectedCashMicros: number
    /** Balance + piggybank, from the ledger */
    readonly cashMicros: number
    readonly reconciles: boolean
    readonly postings: number
    readonly lastPostings: ReadonlyArray<{ readonly at: number; readonly bucket: string; readonly kind: string; readonly amountMicros: number; readonly reference: string }>
  }
  /** The paper venue's fill-realism settings this replay ran with */
  readonly realism: Readonly<Record<string, string>>
}

/** @category models */
export interface ReportData {
  readonly synthetic: boolean
  readonly description: string | undefined
  readonly start: string
  readonly end: string
  readonly simulatedHours: number
  readonly wallSeconds: number
  readonly speedup: number
  readonly digest: string
  readonly events: Readonly<Record<string, number>>
  readonly replayed: { readonly http: number; readonly httpUnanswered: number; readonly frames: number; readonly connections: number; readonly disconnects: number; readonly refused: number }
  readonly games: ReadonlyArray<GameReport>
  readonly signals: { readonly total: number; readonly approved: number; readonly deniedByReason: Readonly<Record<string, number>>; readonly byKind: Readonly<Record<string, number>> }
  readonly orders: { readonly total: number; readonly byVenue: Readonly<Record<string, number>> }
  readonly trading: TradingReport
  readonly brier: number | undefined
  readonly settings: Readonly<Record<string, string>>
  /** What this version of the report cannot show yet, and why */
  readonly notYet: ReadonlyArray<string>
}

/** A number with `digits` decimals, for display (not money). */
const fixed = (x: number, digits: number): string => String(Math.round(x * 10 ** digits) / 10 ** digits)

const inc = (r: Record<string, number>, k: string, by = 1) => void (r[k] = (r[k] ?? 0) + by)
const micros = (v: unknown): number => (typeof v === "number" ? v : Number(v ?? 0))

/** A short label of an outcome: `KXNBAGAME-…-IND yes`, `token 2025060101…` (tokens differ early or late). */
const outcomeLabel = (o: { readonly platform: string; readonly marketId: string; readonly outcomeId: string }): string =>
  o.platform === "kalshi" ? `${o.marketId} ${o.outcomeId}` : `token ${o.outcomeId.slice(0, 10)}…${o.outcomeId.slice(-4)}`
const outcomeId = (o: { readonly platform: string; readonly marketId: string; readonly outcomeId: string }): string =>
  `${o.platform}|${o.marketId}|${o.outcomeId}`

const num = (v: unknown): number => (typeof v === "number" ? v : v === null || v === undefined || v === "" ? 0 : Number(v))

/** The paper venue's settings, as the replay ran with them. */
const realismOf = (settings: Readonly<Record<string, string>>): Record<string, string> => {
  const defaults: Record<string, string> = { "paper.latency": "500 ms", "paper.jitter": "100 ms", "paper.takeShare": "0.85", "paper.seed": "42" }
  for (const [k, v] of Object.entries(settings)) if (k.startsWith("paper.")) defaults[k] = v
  return defaults
}

/** Fills, positions, P&L, equity and the ledger reconciliation. */
const tradingOf = (result: ReplayResult, settings: Readonly<Record<string, string>>, sportOf: (gameId: string) => string): TradingReport => {
  const events = result.events as ReadonlyArray<LoggedEvent & { payload: any }>
  // Last bid per outcome over time, for marks and the equity curve
  const bids = new Map<string, Array<readonly [number, number]>>()
  const orderInfo = new Map<string, { readonly gameId: string; readonly signalId: string }>()
  const strategyOf = new Map<string, string>()
  const fills: Array<FillRow> = []
  for (const e of events) {
    const p = e.payload
    if (e.topic === "game.price" && p?.top?.bid !== undefined) {
      const key = outcomeId(p.top.outcome)
      const list = bids.get(key) ?? []
      list.push([p.top.asOf, num(p.top.bid.price)])
      bids.set(key, list)
    } else if (e.topic === "orders" && p?.order !== undefined) {
      orderInfo.set(p.order.clientOrderId, { gameId: p.order.gameId, signalId: p.order.signalId })
    } else if (e.topic === "signals" && p?.signal !== undefined) {
      strategyOf.set(p.signal.signalId, p.signal.strategy ?? p.signal.kind)
    }
  }
  for (const e of events) {
    if (e.topic !== "fills" || e.payload?.fill === undefined) continue
    const f = e.payload.fill
    fills.push({
      at: num(f.filledAt),
      gameId: orderInfo.get(f.clientOrderId)?.gameId ?? "",
      venue: f.outcome.platform,
      outcome: outcomeLabel(f.outcome),
      action: f.action,
      priceMicros: num(f.price),
      quantity: num(f.quantity),
      feeMicros: num(f.fee)
    })
  }
  fills.sort((a, b) => a.at - b.at)
  const bidAt = (key: string, t: number): number | undefined => {
    const list = bids.get(key)
    if (list === undefined) return undefined
    let found: number | undefined
    for (const [at, bid] of list) {
      if (at > t) break
      found = bid
    }
    return found
  }
  const feesByVenue: Record<string, number> = {}
  for (const f of fills) inc(feesByVenue, f.venue, f.feeMicros)

  const books = result.books
  const entryOrder = new Map<string, string>()
  for (const o of books.orders) {
    if (o["position_id"] !== null && o["position_id"] !== undefined && (o["purpose"] === "entry" || !entryOrder.has(String(o["position_id"])))) {
      entryOrder.set(String(o["position_id"]), String(o["client_order_id"]))
    }
  }
  const end = result.end
  const positions: Array<PositionRow> = books.positions.map((r) => {
    const positionId = String(r["position_id"])
    const key = outcomeId({ platform: String(r["platform"]), marketId: String(r["market_id"]), outcomeId: String(r["outcome_id"]) })
    const status = String(r["status"])
    const quantity = num(r["quantity"])
    const cost = num(r["cost_basis_micros"])
    const realized = num(r["realized_pnl_micros"])
    const mark = status === "open" ? bidAt(key, end) : undefined
    const unrealized = status === "open" && mark !== undefined ? Money.sub(Money.notional(mark as Money.Price, quantity as Money.Qty, "floor"), cost) : status === "open" ? -cost : 0
    const order = entryOrder.get(positionId)
    const signalId = order === undefined ? undefined : orderInfo.get(order)?.signalId
    return {
      positionId,
      gameId: String(r["game_id"]),
      sport: String(r["sport"] ?? sportOf(String(r["game_id"]))),
      venue: String(r["platform"]),
      outcome: outcomeLabel({ platform: String(r["platform"]), marketId: String(r["market_id"]), outcomeId: String(r["outcome_id"]) }),
      strategy: (signalId === undefined ? undefined : strategyOf.get(signalId)) ?? "unknown",
      status,
      quantity,
      costMicros: cost,
      feesMicros: num(r["fees_paid_micros"]),
      realizedMicros: realized,
      markMicros: mark,
      unrealizedMicros: unrealized,
      pnlMicros: Money.add(realized, unrealized),
      reason: (r["settlement_reason"] ?? r["exit_reason"] ?? undefined) as string | undefined
    }
  })
  const bySport: Record<string, number> = {}
  const byStrategy: Record<string, number> = {}
  const byVenue: Record<string, number> = {}
  for (const p of positions) {
    inc(bySport, p.sport, p.pnlMicros)
    inc(byStrategy, p.strategy, p.pnlMicros)
    inc(byVenue, p.venue, p.pnlMicros)
  }
  const realizedMicros = Money.sum(positions.map((p) => p.realizedMicros))
  const unrealizedMicros = Money.sum(positions.map((p) => p.unrealizedMicros))
  const closedRows = positions.filter((p) => p.status !== "open")

  // Equity over time: cash (available + piggybank postings) plus what open holdings fetch at the bid
  const cashPostings = books.postings.filter((x) => x.bucket === "available" || x.bucket === "piggybank").sort((a, b) => a.at - b.at || a.id - b.id)
  const held = new Map<string, number>()
  const fillEvents = events.filter((e) => e.topic === "fills" && e.payload?.fill !== undefined).map((e) => e.payload.fill).sort((a: any, b: any) => num(a.filledAt) - num(b.filledAt))
  const closes = books.positions.filter((r) => r["status"] !== "open" && r["closed_ms"] !== null).map((r) => ({
    at: num(r["closed_ms"]),
    key: outcomeId({ platform: String(r["platform"]), marketId: String(r["market_id"]), outcomeId: String(r["outcome_id"]) }),
    settled: r["status"] === "settled"
  }))
  const times = new Set<number>([result.start, end])
  for (const f of fillEvents) times.add(num(f.filledAt))
  for (const x of cashPostings) times.add(x.at)
  for (let t = result.start; t < end; t += 60_000) times.add(t)
  // From the account's opening posting on (before it there is no bankroll to show)
  const opened = cashPostings[0]?.at ?? result.start
  const sorted = [...times].filter((t) => t >= opened && t <= end).sort((a, b) => a - b)
  const equity: Array<readonly [number, number]> = []
  let cash = 0
  let ci = 0
  let fi = 0
  let peak = Number.NEGATIVE_INFINITY
  let maxDrawdown = 0
  const settledKeys = new Map<string, number>()
  for (const t of sorted) {
    while (ci < cashPostings.length && cashPostings[ci]!.at <= t) cash = Money.add(cash, cashPostings[ci++]!.amount)
    while (fi < fillEvents.length && num(fillEvents[fi].filledAt) <= t) {
      const f = fillEvents[fi++]
      const key = outcomeId(f.outcome)
      held.set(key, (held.get(key) ?? 0) + (f.action === "buy" ? num(f.quantity) : -num(f.quantity)))
    }
    for (const c of closes) {
      if (c.settled && c.at <= t && !settledKeys.has(`${c.key}@${c.at}`)) {
        settledKeys.set(`${c.key}@${c.at}`, c.at)
        held.set(c.key, 0)
      }
    }
    let value = 0
    for (const [key, q] of held) {
      if (q <= 0) continue
      value = Money.add(value, Money.notional((bidAt(key, t) ?? 0) as Money.Price, q as Money.Qty, "floor"))
    }
    const e = Money.add(cash, value)
    equity.push([t, e])
    peak = Math.max(peak, e)
    maxDrawdown = Math.max(maxDrawdown, peak - e)
  }

  const balance = books.balance
  const balanceMicros = balance?.balance ?? books.ledger.balance
  const piggybankMicros = balance?.piggybank ?? books.ledger.piggybank
  const openCost = Money.sum(positions.filter((p) => p.status === "open").map((p) => p.costMicros))
  const expectedCash = Money.sub(Money.add(books.initial, realizedMicros), openCost)
  const cashNow = Money.add(balanceMicros, piggybankMicros)
  return {
    fills,
    feesMicros: Money.sum(fills.map((f) => f.feeMicros)),
    feesByVenue,
    positions,
    pnl: { realizedMicros, unrealizedMicros, totalMicros: Money.add(realizedMicros, unrealizedMicros), bySport, byStrategy, byVenue },
    winRate: closedRows.length === 0 ? undefined : closedRows.filter((p) => p.realizedMicros > 0).length / closedRows.length,
    closed: closedRows.length,
    equity,
    maxDrawdownMicros: maxDrawdown,
    ledger: {
      account: books.account,
      initialMicros: books.initial,
      balanceMicros,
      piggybankMicros,
      reservedMicros: balance?.reserved ?? books.ledger.reserved,
      checkOk: books.ledger.ok,
      expectedCashMicros: expectedCash,
      cashMicros: cashNow,
      reconciles: books.ledger.ok && expectedCash === cashNow,
      postings: books.postings.length,
      lastPostings: books.postings.slice(-40).map((x) => ({ at: x.at, bucket: x.bucket, kind: x.kind, amountMicros: x.amount, reference: x.reference }))
    },
    realism: realismOf(settings)
  }
}

/** Computes the report's figures from a replay. @category report */
export const reportData = (
  result: ReplayResult,
  meta: { readonly synthetic: boolean; readonly description?: string | undefined; readonly settings: Readonly<Record<string, string>> }
): ReportData => {
  const events: Record<string, number> = {}
  const games = new Map<string, { league: string; matchup: string; final: string | undefined; homeWon: boolean | undefined; model: Array<[number, number]>; mids: Record<string, Array<[number, number]>>; signals: number; approved: number; denied: Record<string, number>; orders: number }>()
  const game = (id: string) => {
    let g = games.get(id)
    if (g === undefined) {
      g = { league: "", matchup: id, final: undefined, homeWon: undefined, model: [], mids: {}, signals: 0, approved: 0, denied: {}, orders: 0 }
      games.set(id, g)
    }
    return g
  }
  const deniedByReason: Record<string, number> = {}
  const byKind: Record<string, number> = {}
  const byVenue: Record<string, number> = {}
  let signals = 0
  let approved = 0
  let orders = 0
  const orderIds = new Set<string>()
  for (const e of result.events as ReadonlyArray<LoggedEvent & { payload: any }>) {
    inc(events, e.topic)
    const p = e.payload
    if (e.topic === "game.state" && p?.state !== undefined) {
      const s = p.state
      const g = game(s.gameId)
      g.league = s.league
      g.matchup = `${s.away.abbreviation} @ ${s.home.abbreviation}`
      if (p.model !== undefined) g.model.push([s.observedAt, p.model.home])
      if (s.status === "final") {
        g.final = `${s.away.abbreviation} ${s.away.score} - ${s.home.score} ${s.home.abbreviation}`
        g.homeWon = s.home.score > s.away.score
      }
    } else if (e.topic === "game.price" && p?.top !== undefined) {
      const t = p.top
      if (t.bid === undefined || t.ask === undefined) continue
      const key = `${t.outcome.platform} ${outcomeLabel(t.outcome)}`
      ;(game(p.gameId).mids[key] ??= []).push([t.asOf, (micros(t.bid.price) + micros(t.ask.price)) / 2 / 1_000_000])
    } else if (e.topic === "signals" && p?.signal !== undefined) {
      const g = game(p.signal.gameId)
      signals++
      g.signals++
      inc(byKind, p.signal.kind)
      if (p.verdict === "approved") {
        approved++
        g.approved++
      } else {
        const reason = String(p.reason ?? "unknown").split(":")[0]!
        inc(deniedByReason, reason)
        inc(g.denied, reason)
      }
    } else if (e.topic === "orders" && p?.order !== undefined) {
      // An order's every transition is an event: count each order once
      if (orderIds.has(p.order.clientOrderId)) continue
      orderIds.add(p.order.clientOrderId)
      orders++
      game(p.order.gameId).orders++
      inc(byVenue, p.order.outcome.platform)
    }
  }
  const trading = tradingOf(result, meta.settings, (id) => games.get(id)?.league ?? "unknown")
  let sum = 0
  let n = 0
  const gameReports: Array<GameReport> = [...games].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([gameId, g]) => {
    let brier: number | undefined
    if (g.homeWon !== undefined && g.model.length > 0) {
      const y = g.homeWon ? 1 : 0
      const se = g.model.reduce((acc, [, q]) => acc + (q - y) ** 2, 0)
      brier = se / g.model.length
      sum += se
      n += g.model.length
    }
    const fills = trading.fills.filter((f) => f.gameId === gameId)
    return {
      gameId,
      league: g.league,
      matchup: g.matchup,
      final: g.final,
      states: g.model.length,
      model: g.model,
      mids: g.mids,
      signals: g.signals,
      approved: g.approved,
      denied: g.denied,
      orders: g.orders,
      fills: fills.length,
      feesMicros: Money.sum(fills.map((f) => f.feeMicros)),
      pnlMicros: Money.sum(trading.positions.filter((p) => p.gameId === gameId).map((p) => p.pnlMicros)),
      brier
    }
  })
  const simulatedHours = (result.end - result.start) / 3_600_000
  const settled = trading.positions.some((p) => p.status === "settled")
  return {
    synthetic: meta.synthetic,
    description: meta.description,
    start: new Date(result.start).toISOString(),
    end: new Date(result.end).toISOString(),
    simulatedHours,
    wallSeconds: result.wallMillis / 1000,
    speedup: (result.end - result.start) / Math.max(1, result.wallMillis),
    digest: result.digest,
    events,
    replayed: { http: result.counts.http, httpUnanswered: result.counts.httpMissing, frames: result.counts.frames, connections: result.counts.connections, disconnects: result.counts.disconnects, refused: result.counts.refused },
    games: gameReports,
    signals: { total: signals, approved, deniedByReason, byKind },
    orders: { total: orders, byVenue },
    trading,
    brier: n === 0 ? undefined : sum / n,
    settings: meta.settings,
    notYet: [
      ...(settled ? [] : ["settlement: no position settled in this replay (the runtime does not settle paper positions at a game's end yet); open positions are marked at their last bid"]),
      "ESPN's own win probability: scoreboards carry none, and the runtime does not poll summaries"
    ]
  }
}

const fmt = (x: number | undefined, digits = 4) => (x === undefined ? "n/a" : fixed(x, digits))
const pairs = (r: Readonly<Record<string, number>>) => Object.entries(r).sort().map(([k, v]) => `${k}=${v}`).join(", ") || "none"

/** Dollars with a sign: `-$1.23`, `$4.50`. */
const usd = (m: number): string => `${m < 0 ? "-" : ""}$${Money.formatDollars(Math.abs(m) as Money.Micros)}`
const usdPairs = (r: Readonly<Record<string, number>>) => Object.entries(r).sort().map(([k, v]) => `${k} ${usd(v)}`).join(", ") || "none"
const contracts = (q: number) => Money.formatQty(q as Money.Qty)
const clock = (t: number) => new Date(t).toISOString().slice(11, 19)

const tradingText = (t: TradingReport): Array<string> => {
  const l = t.ledger
  const lines = [
    `fills: ${t.fills.length}; fees ${usd(t.feesMicros)} (${usdPairs(t.feesByVenue)})`,
    `P&L: ${usd(t.pnl.totalMicros)} (realised ${usd(t.pnl.realizedMicros)}, open positions at their last bid ${usd(t.pnl.unrealizedMicros)}); max drawdown ${usd(t.maxDrawdownMicros)}; win rate ${t.winRate === undefined ? "n/a (no position closed)" : `${fixed(t.winRate * 100, 1)}% of ${t.closed}`}`,
    `P&L by sport: ${usdPairs(t.pnl.bySport)}; by strategy: ${usdPairs(t.pnl.byStrategy)}; by venue: ${usdPairs(t.pnl.byVenue)}`,
    `ledger (${l.account}): initial ${usd(l.initialMicros)}, cash ${usd(l.balanceMicros)}, piggybank ${usd(l.piggybankMicros)}, reserved ${usd(l.reservedMicros)}, ${l.postings} postings; balance = Σ ledger: ${l.checkOk ? "yes" : "NO"}; cash ${usd(l.cashMicros)} vs initial + realised − open cost ${usd(l.expectedCashMicros)}: ${l.reconciles ? "reconciles" : "DOES NOT reconcile"}`,
    `paper fill realism: ${Object.entries(t.realism).map(([k, v]) => `${k}=${v}`).join(", ")}`
  ]
  if (t.fills.length > 0) {
    lines.push("", "fills:")
    for (const f of t.fills) lines.push(`  ${clock(f.at)} ${f.gameId} ${f.venue} ${f.outcome} ${f.action} ${contracts(f.quantity)} @ ${usd(f.priceMicros)} fee ${usd(f.feeMicros)}`)
  }
  if (t.positions.length > 0) {
    lines.push("", "positions:")
    for (const p of t.positions) {
      lines.push(`  ${p.positionId} ${p.gameId} ${p.venue} ${p.outcome} (${p.strategy}) ${p.status} qty ${contracts(p.quantity)} cost ${usd(p.costMicros)} fees ${usd(p.feesMicros)} realised ${usd(p.realizedMicros)}${p.markMicros === undefined ? "" : ` mark ${usd(p.markMicros)}`} P&L ${usd(p.pnlMicros)}${p.reason === undefined ? "" : ` (${p.reason})`}`)
    }
  }
  return lines
}

/** @category rendering */
export const renderText = (d: ReportData): string => {
  const lines = [
    `arbees replay report${d.synthetic ? " (SYNTHETIC venue data)" : ""}`,
    ...(d.description === undefined ? [] : [d.description]),
    `simulated ${d.start} .. ${d.end} (${fixed(d.simulatedHours, 2)} h) in ${fixed(d.wallSeconds, 1)} s: ${fixed(d.speedup, 0)}x real time`,
    `digest ${d.digest}`,
    `replayed: ${d.replayed.http} HTTP responses (${d.replayed.httpUnanswered} unanswered), ${d.replayed.frames} WebSocket frames, ${d.replayed.connections} connections (${d.replayed.disconnects} dropped and ${d.replayed.refused} refused by recorded outages)`,
    `events: ${pairs(d.events)}`,
    `signals: ${d.signals.total} (approved ${d.signals.approved}); by kind: ${pairs(d.signals.byKind)}; denied by reason: ${pairs(d.signals.deniedByReason)}`,
    `orders: ${d.orders.total}; by venue: ${pairs(d.orders.byVenue)}`,
    ...tradingText(d.trading),
    "",
    `model Brier score on replayed states: ${fmt(d.brier)}`,
    "",
    "games:"
  ]
  for (const g of d.games) {
    lines.push(`  ${g.gameId} ${g.league} ${g.matchup} ${g.final ?? "(not final)"}: ${g.states} states, ${Object.keys(g.mids).length} venue outcomes, signals ${g.signals} (approved ${g.approved}; denied ${pairs(g.denied)}), orders ${g.orders}, fills ${g.fills}, fees ${usd(g.feesMicros)}, P&L ${usd(g.pnlMicros)}, Brier ${fmt(g.brier)}`)
  }
  lines.push("", `settings: ${pairs(d.settings as Record<string, never>)}`, "", "not in this report yet:", ...d.notYet.map((s) => `  - ${s}`))
  return `${lines.join("\n")}\n`
}

/** @category rendering */
export const renderJson = (d: ReportData): string => `${JSON.stringify(d, null, 2)}\n`

// The package exports only its module entry; the standalone UMD build sits beside it
const chartJs = (): string => readFileSync(join(dirname(createRequire(import.meta.url).resolve("chart.js")), "chart.umd.min.js"), "utf8")

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" })[c]!)

/** One self-contained HTML file: the figures, and a chart per game (model vs venue mids). @category rendering */
export const renderHtml = (d: ReportData): string => {
  const t = d.trading
  // The charts need the series only; the tables are rendered here
  const data = JSON.stringify({ games: d.games.map((g) => ({ model: g.model, mids: g.mids })), equity: t.equity.map(([at, m]) => [at, m / 1_000_000]) }).replace(/</g, "\\u003c")
  const games = d.games.map((g, i) => `
<section><h2>${escapeHtml(`${g.league.toUpperCase()} ${g.matchup}`)} <small>${escapeHtml(g.final ?? "not final")}</small></h2>
<p>${g.states} states · signals ${g.signals} (approved ${g.approved}; denied ${escapeHtml(pairs(g.denied))}) · orders ${g.orders} · fills ${g.fills} · fees ${usd(g.feesMicros)} · P&amp;L <b>${usd(g.pnlMicros)}</b> · Brier ${fmt(g.brier)}</p>
<div class="chart"><canvas id="g${i}"></canvas></div></section>`).join("\n")
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>arbees replay report</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#1d2330;max-width:1100px}h1{margin:0 0 4px}.synthetic{background:#fff3cd;border:1px solid #e0c200;padding:6px 10px;border-radius:4px;display:inline-block}
table{border-collapse:collapse;margin:8px 0}.ok{background:#ebfbee}.bad{background:#fff5f5}td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}.chart{height:320px}small{color:#667;font-weight:normal}code{font-size:12px}</style></head>
<body><h1>arbees replay report</h1>
${d.synthetic ? `<p class="synthetic">SYNTHETIC venue data — ${escapeHtml(d.description ?? "generated books")}</p>` : ""}
<table>
<tr><th>simulated</th><td>${escapeHtml(d.start)} .. ${escapeHtml(d.end)} (${fixed(d.simulatedHours, 2)} h) in ${fixed(d.wallSeconds, 1)} s — ${fixed(d.speedup, 0)}× real time</td></tr>
<tr><th>event-log digest</th><td><code>${d.digest}</code></td></tr>
<tr><th>replayed</th><td>${d.replayed.http} HTTP responses (${d.replayed.httpUnanswered} unanswered), ${d.replayed.frames} WebSocket frames</td></tr>
<tr><th>events</th><td>${escapeHtml(pairs(d.events))}</td></tr>
<tr><th>signals</th><td>${d.signals.total} (approved ${d.signals.approved}); by kind ${escapeHtml(pairs(d.signals.byKind))}; denied by reason ${escapeHtml(pairs(d.signals.deniedByReason))}</td></tr>
<tr><th>orders</th><td>${d.orders.total}; by venue ${escapeHtml(pairs(d.orders.byVenue))}</td></tr>
<tr><th>fills</th><td>${t.fills.length}; fees ${usd(t.feesMicros)} (${escapeHtml(usdPairs(t.feesByVenue))})</td></tr>
<tr><th>P&amp;L</th><td><b>${usd(t.pnl.totalMicros)}</b> (realised ${usd(t.pnl.realizedMicros)}, open positions at their last bid ${usd(t.pnl.unrealizedMicros)}); max drawdown ${usd(t.maxDrawdownMicros)}; win rate ${t.winRate === undefined ? "n/a (no position closed)" : `${fixed(t.winRate * 100, 1)}% of ${t.closed}`}</td></tr>
<tr><th>P&amp;L by</th><td>sport: ${escapeHtml(usdPairs(t.pnl.bySport))}<br>strategy: ${escapeHtml(usdPairs(t.pnl.byStrategy))}<br>venue: ${escapeHtml(usdPairs(t.pnl.byVenue))}</td></tr>
<tr><th>ledger</th><td class="${t.ledger.reconciles ? "ok" : "bad"}">${escapeHtml(t.ledger.account)}: initial ${usd(t.ledger.initialMicros)}, cash ${usd(t.ledger.balanceMicros)}, piggybank ${usd(t.ledger.piggybankMicros)}, reserved ${usd(t.ledger.reservedMicros)}, ${t.ledger.postings} postings.<br>balance = Σ ledger: ${t.ledger.checkOk ? "yes" : "NO"}; cash ${usd(t.ledger.cashMicros)} vs initial + realised − cost of open positions ${usd(t.ledger.expectedCashMicros)}: <b>${t.ledger.reconciles ? "reconciles" : "DOES NOT reconcile"}</b></td></tr>
<tr><th>paper fill realism</th><td>${escapeHtml(Object.entries(t.realism).map(([k, v]) => `${k}=${v}`).join(", "))}</td></tr>
<tr><th>model Brier</th><td>${fmt(d.brier)}</td></tr>
</table>
<h2>Equity</h2><p><small>cash from the ledger plus open positions at their last bid</small></p>
<div class="chart"><canvas id="equity"></canvas></div>
${games}
<h2>Fills</h2>
<table><tr><th>time (UTC)</th><th>game</th><th>venue</th><th>outcome</th><th>side</th><th>contracts</th><th>price</th><th>fee</th></tr>
${t.fills.map((f) => `<tr><td>${clock(f.at)}</td><td>${escapeHtml(f.gameId)}</td><td>${escapeHtml(f.venue)}</td><td>${escapeHtml(f.outcome)}</td><td>${escapeHtml(f.action)}</td><td>${contracts(f.quantity)}</td><td>${usd(f.priceMicros)}</td><td>${usd(f.feeMicros)}</td></tr>`).join("\n")}
</table>
<h2>Positions</h2>
<table><tr><th>game</th><th>venue</th><th>outcome</th><th>strategy</th><th>status</th><th>contracts</th><th>cost</th><th>fees</th><th>realised</th><th>mark</th><th>P&amp;L</th></tr>
${t.positions.map((p) => `<tr><td>${escapeHtml(p.gameId)}</td><td>${escapeHtml(p.venue)}</td><td>${escapeHtml(p.outcome)}</td><td>${escapeHtml(p.strategy)}</td><td>${escapeHtml(p.status)}</td><td>${contracts(p.quantity)}</td><td>${usd(p.costMicros)}</td><td>${usd(p.feesMicros)}</td><td>${usd(p.realizedMicros)}</td><td>${p.markMicros === undefined ? "" : usd(p.markMicros)}</td><td><b>${usd(p.pnlMicros)}</b></td></tr>`).join("\n")}
</table>
<h2>Ledger (last ${t.ledger.lastPostings.length} of ${t.ledger.postings} postings)</h2>
<table><tr><th>time (UTC)</th><th>bucket</th><th>kind</th><th>amount</th><th>reference</th></tr>
${t.ledger.lastPostings.map((x) => `<tr><td>${clock(x.at)}</td><td>${escapeHtml(x.bucket)}</td><td>${escapeHtml(x.kind)}</td><td>${usd(x.amountMicros)}</td><td><code>${escapeHtml(x.reference)}</code></td></tr>`).join("\n")}
</table>
<h2>Not in this report yet</h2><ul>${d.notYet.map((s) => `<li>${escapeHtml(s)}</li>`).join("")}</ul>
<script>${chartJs()}</script>
<script>
const report = ${data};
const palette = ["#d9480f", "#1971c2", "#2f9e44", "#9c36b5", "#e8590c", "#0c8599"];
new Chart(document.getElementById("equity"), { type: "line", data: { datasets: [{ label: "equity ($)", data: report.equity.map(([t, v]) => ({ x: t, y: v })), borderColor: "#2f9e44", borderWidth: 2, pointRadius: 0, stepped: true }] },
  options: { animation: false, maintainAspectRatio: false, parsing: false, scales: { x: { type: "linear", ticks: { callback: (v) => new Date(v).toISOString().slice(11, 16) } } } } });
report.games.forEach((g, i) => {
  const datasets = [{ label: "model P(home)", data: g.model.map(([t, p]) => ({ x: t, y: p })), borderColor: "#111", borderWidth: 2, pointRadius: 0, stepped: true }];
  Object.entries(g.mids).forEach(([k, pts], j) => datasets.push({ label: k.length > 40 ? k.slice(0, 37) + "…" : k, data: pts.map(([t, p]) => ({ x: t, y: p })), borderColor: palette[j % palette.length], borderWidth: 1, pointRadius: 0 }));
  new Chart(document.getElementById("g" + i), { type: "line", data: { datasets }, options: { animation: false, maintainAspectRatio: false, parsing: false,
    scales: { x: { type: "linear", ticks: { callback: (v) => new Date(v).toISOString().slice(11, 16) } }, y: { min: 0, max: 1 } }, plugins: { legend: { labels: { boxWidth: 12 } } } } });
});
</script></body></html>
`
}
