/**
 * The replay report: figures computed from a replay's event log, rendered as text, JSON or one
 * self-contained HTML file with Chart.js charts (the library is read from `node_modules` and
 * inlined, so the file opens from disk with no network).
 *
 * The three renderings carry the same figures ({@link ReportData}); the HTML adds the charts.
 *
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
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
  readonly brier: number | undefined
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
  readonly replayed: { readonly http: number; readonly httpUnanswered: number; readonly frames: number; readonly connections: number }
  readonly games: ReadonlyArray<GameReport>
  readonly signals: { readonly total: number; readonly approved: number; readonly deniedByReason: Readonly<Record<string, number>>; readonly byKind: Readonly<Record<string, number>> }
  readonly orders: { readonly total: number; readonly byVenue: Readonly<Record<string, number>> }
  readonly brier: number | undefined
  readonly settings: Readonly<Record<string, string>>
  /** What this version of the report cannot show yet, and why */
  readonly notYet: ReadonlyArray<string>
}

/** A number with `digits` decimals, for display (not money). */
const fixed = (x: number, digits: number): string => String(Math.round(x * 10 ** digits) / 10 ** digits)

const inc = (r: Record<string, number>, k: string, by = 1) => void (r[k] = (r[k] ?? 0) + by)
const micros = (v: unknown): number => (typeof v === "number" ? v : Number(v ?? 0))

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
      const key = `${t.outcome.platform}:${t.outcome.outcomeId}`
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
      orders++
      game(p.order.gameId).orders++
      inc(byVenue, p.order.outcome.platform)
    }
  }
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
    return { gameId, league: g.league, matchup: g.matchup, final: g.final, states: g.model.length, model: g.model, mids: g.mids, signals: g.signals, approved: g.approved, denied: g.denied, orders: g.orders, brier }
  })
  const simulatedHours = (result.end - result.start) / 3_600_000
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
    replayed: { http: result.counts.http, httpUnanswered: result.counts.httpMissing, frames: result.counts.frames, connections: result.counts.connections },
    games: gameReports,
    signals: { total: signals, approved, deniedByReason, byKind },
    orders: { total: orders, byVenue },
    brier: n === 0 ? undefined : sum / n,
    settings: meta.settings,
    notYet: [
      "fills, fees, positions, P&L, equity curve, drawdown, win rate and the ledger check: the paper venue's fill and position events are not on the bus in this version",
      "ESPN's own win probability: scoreboards carry none, and the runtime does not poll summaries"
    ]
  }
}

const fmt = (x: number | undefined, digits = 4) => (x === undefined ? "n/a" : fixed(x, digits))
const pairs = (r: Readonly<Record<string, number>>) => Object.entries(r).sort().map(([k, v]) => `${k}=${v}`).join(", ") || "none"

/** @category rendering */
export const renderText = (d: ReportData): string => {
  const lines = [
    `arbees replay report${d.synthetic ? " (SYNTHETIC venue data)" : ""}`,
    ...(d.description === undefined ? [] : [d.description]),
    `simulated ${d.start} .. ${d.end} (${fixed(d.simulatedHours, 2)} h) in ${fixed(d.wallSeconds, 1)} s: ${fixed(d.speedup, 0)}x real time`,
    `digest ${d.digest}`,
    `replayed: ${d.replayed.http} HTTP responses (${d.replayed.httpUnanswered} unanswered), ${d.replayed.frames} WebSocket frames, ${d.replayed.connections} connections`,
    `events: ${pairs(d.events)}`,
    `signals: ${d.signals.total} (approved ${d.signals.approved}); by kind: ${pairs(d.signals.byKind)}; denied by reason: ${pairs(d.signals.deniedByReason)}`,
    `orders: ${d.orders.total}; by venue: ${pairs(d.orders.byVenue)}`,
    `model Brier score on replayed states: ${fmt(d.brier)}`,
    "",
    "games:"
  ]
  for (const g of d.games) {
    lines.push(`  ${g.gameId} ${g.league} ${g.matchup} ${g.final ?? "(not final)"}: ${g.states} states, ${Object.keys(g.mids).length} venue outcomes, signals ${g.signals} (approved ${g.approved}; denied ${pairs(g.denied)}), orders ${g.orders}, Brier ${fmt(g.brier)}`)
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
  const data = JSON.stringify(d).replace(/</g, "\\u003c")
  const games = d.games.map((g, i) => `
<section><h2>${escapeHtml(`${g.league.toUpperCase()} ${g.matchup}`)} <small>${escapeHtml(g.final ?? "not final")}</small></h2>
<p>${g.states} states · signals ${g.signals} (approved ${g.approved}; denied ${escapeHtml(pairs(g.denied))}) · orders ${g.orders} · Brier ${fmt(g.brier)}</p>
<div class="chart"><canvas id="g${i}"></canvas></div></section>`).join("\n")
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>arbees replay report</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#1d2330;max-width:1100px}h1{margin:0 0 4px}.synthetic{background:#fff3cd;border:1px solid #e0c200;padding:6px 10px;border-radius:4px;display:inline-block}
table{border-collapse:collapse;margin:8px 0}td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}.chart{height:320px}small{color:#667;font-weight:normal}code{font-size:12px}</style></head>
<body><h1>arbees replay report</h1>
${d.synthetic ? `<p class="synthetic">SYNTHETIC venue data — ${escapeHtml(d.description ?? "generated books")}</p>` : ""}
<table>
<tr><th>simulated</th><td>${escapeHtml(d.start)} .. ${escapeHtml(d.end)} (${fixed(d.simulatedHours, 2)} h) in ${fixed(d.wallSeconds, 1)} s — ${fixed(d.speedup, 0)}× real time</td></tr>
<tr><th>event-log digest</th><td><code>${d.digest}</code></td></tr>
<tr><th>replayed</th><td>${d.replayed.http} HTTP responses (${d.replayed.httpUnanswered} unanswered), ${d.replayed.frames} WebSocket frames</td></tr>
<tr><th>events</th><td>${escapeHtml(pairs(d.events))}</td></tr>
<tr><th>signals</th><td>${d.signals.total} (approved ${d.signals.approved}); by kind ${escapeHtml(pairs(d.signals.byKind))}; denied by reason ${escapeHtml(pairs(d.signals.deniedByReason))}</td></tr>
<tr><th>orders</th><td>${d.orders.total}; by venue ${escapeHtml(pairs(d.orders.byVenue))}</td></tr>
<tr><th>model Brier</th><td>${fmt(d.brier)}</td></tr>
</table>
${games}
<h2>Not in this report yet</h2><ul>${d.notYet.map((s) => `<li>${escapeHtml(s)}</li>`).join("")}</ul>
<script>${chartJs()}</script>
<script>
const report = ${data};
const palette = ["#d9480f", "#1971c2", "#2f9e44", "#9c36b5", "#e8590c", "#0c8599"];
report.games.forEach((g, i) => {
  const datasets = [{ label: "model P(home)", data: g.model.map(([t, p]) => ({ x: t, y: p })), borderColor: "#111", borderWidth: 2, pointRadius: 0, stepped: true }];
  Object.entries(g.mids).forEach(([k, pts], j) => datasets.push({ label: k.length > 40 ? k.slice(0, 37) + "…" : k, data: pts.map(([t, p]) => ({ x: t, y: p })), borderColor: palette[j % palette.length], borderWidth: 1, pointRadius: 0 }));
  new Chart(document.getElementById("g" + i), { type: "line", data: { datasets }, options: { animation: false, maintainAspectRatio: false, parsing: false,
    scales: { x: { type: "linear", ticks: { callback: (v) => new Date(v).toISOString().slice(11, 16) } }, y: { min: 0, max: 1 } }, plugins: { legend: { labels: { boxWidth: 12 } } } } });
});
</script></body></html>
`
}
