/**
 * The dashboard: an overview (bankroll, equity curve, P&L, exposure, health, games), a game view
 * (our model vs ESPN vs the venues over game time, the book, the game's signals, orders and
 * positions) and filterable tables with CSV export. Everything is read from the operator API and
 * refreshed as the live stream reports changes.
 */
import { render } from "preact"
import { useCallback, useEffect, useMemo, useState } from "preact/hooks"
import { type Bankroll, contracts, dollars, follow, type Game, type GameDetail, getJson, percent, price, type Row, time, toCsv, type TreeNode } from "./api.ts"
import { Chart } from "./Chart.tsx"

type Route = { readonly view: "overview" } | { readonly view: "game"; readonly gameId: string } | { readonly view: "table"; readonly table: TableName }
type TableName = "signals" | "orders" | "positions" | "ledger"

const parseRoute = (hash: string): Route => {
  const parts = hash.replace(/^#\/?/, "").split("/")
  if (parts[0] === "game" && parts[1] !== undefined) return { view: "game", gameId: parts[1] }
  if (parts[0] === "signals" || parts[0] === "orders" || parts[0] === "positions" || parts[0] === "ledger") return { view: "table", table: parts[0] }
  return { view: "overview" }
}

/** Re-runs `load` now and whenever the stream reports something, at most once a second. */
const useLive = <A,>(load: () => Promise<A>, deps: ReadonlyArray<unknown>): { data: A | undefined; error: string | undefined } => {
  const [data, setData] = useState<A | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)
  useEffect(() => {
    let alive = true
    let timer: ReturnType<typeof setTimeout> | undefined
    const run = () =>
      load().then((d) => alive && (setData(d), setError(undefined)), (e: unknown) => alive && setError(String(e)))
    void run()
    const stop = follow(() => {
      if (timer === undefined) timer = setTimeout(() => ((timer = undefined), void run()), 1_000)
    })
    return () => {
      alive = false
      stop()
      if (timer !== undefined) clearTimeout(timer)
    }
  }, deps)
  return { data, error }
}

const Card = (props: { readonly label: string; readonly value: string; readonly tone?: "good" | "bad" | undefined; readonly testId?: string }) => (
  <div class={`card ${props.tone ?? ""}`} data-testid={props.testId}>
    <div class="label">{props.label}</div>
    <div class="value">{props.value}</div>
  </div>
)

const flatten = (node: TreeNode, depth = 0): Array<TreeNode & { depth: number }> => [
  { ...node, depth },
  ...node.children.flatMap((c) => flatten(c, depth + 1))
]

/** `/api/activity`: what the runtime has done, as of its clock (the simulated one in a replay). */
interface Activity {
  at: number
  signals: number
  approved: number
  denied: number
  orders: number
  fills: number
}

const teams = (g: Game) => `${g.away.abbreviation} @ ${g.home.abbreviation}`

const Overview = () => {
  const { data, error } = useLive(
    () =>
      Promise.all([
        getJson<Bankroll>("/api/bankroll").catch(() => undefined),
        getJson<Array<{ key: string; realizedPnlMicros: number }>>("/api/pnl?by=day"),
        getJson<Array<Row>>("/api/positions?status=open"),
        getJson<Array<Row>>("/api/orders?limit=1000"),
        getJson<Array<Game>>("/api/games"),
        getJson<TreeNode>("/api/diagnostics"),
        getJson<Array<{ key: string; value: unknown }>>("/api/config"),
        getJson<Activity>("/api/activity")
      ]),
    []
  )
  if (data === undefined) return <p class="muted">{error ?? "loading…"}</p>
  const [bankroll, pnl, positions, orders, games, tree, config, activity] = data
  const b = bankroll?.bankroll
  const lastDay = pnl[pnl.length - 1]
  // Money at risk: cost of open positions plus the unfilled part of open orders, exactly
  const open = new Set(["pending_submit", "submitted", "unknown", "resting", "partially_filled"])
  const exposure = positions.reduce((n, p) => n + BigInt(p["costBasisMicros"] as number), 0n) +
    orders.filter((o) => open.has(o["status"] as string)).reduce(
      (n, o) => n + (BigInt((o["quantity"] as number) - (o["filledQuantity"] as number)) * BigInt(o["limitPriceMicros"] as number)) / 1_000_000n,
      0n
    )
  const limit = config.find((e) => e.key === "risk.maxTotalExposure")?.value
  // The equity curve, walking the newest postings back from today's ledger sum
  const ledger = bankroll?.ledger.filter((l) => l.bucket === "available") ?? []
  let running = b?.ledgerAvailableMicros ?? 0
  const curve: Array<[number, number]> = []
  for (const l of ledger) {
    if (l.createdAt !== null) curve.push([l.createdAt, running])
    running -= l.amountMicros
  }
  curve.reverse()
  const nodes = flatten(tree)
  return (
    <div>
      <div class="cards">
        <Card label="Clock (UTC)" value={time(activity.at)} testId="clock" />
        <Card label={`Signals (${activity.approved} approved)`} value={String(activity.signals)} testId="signals" />
        <Card label="Orders" value={String(activity.orders)} testId="orders" />
        <Card label="Fills" value={String(activity.fills)} testId="fills" />
      </div>
      <div class="cards">
        <Card label={b === undefined ? "Balance" : `Balance (${b.account})`} value={dollars(b?.balanceMicros)} testId="balance" />
        <Card label="Reserved" value={dollars(b?.reservedMicros)} />
        <Card label="Available" value={b === undefined ? "–" : dollars(b.balanceMicros - b.reservedMicros)} />
        <Card label="Piggybank" value={dollars(b?.piggybankMicros)} />
        <Card
          label={lastDay === undefined ? "Realised P&L" : `Realised P&L ${lastDay.key}`}
          value={dollars(lastDay?.realizedPnlMicros ?? 0)}
          tone={lastDay === undefined ? undefined : lastDay.realizedPnlMicros >= 0 ? "good" : "bad"}
          testId="pnl"
        />
        <Card label={`Open exposure${limit === undefined ? "" : ` (limit $${String(limit)})`}`} value={dollars(Number(exposure))} testId="exposure" />
        <Card
          label="Ledger check"
          value={b === undefined ? "–" : b.ledgerBalanced ? "balance = Σ ledger" : "MISMATCH"}
          tone={b === undefined ? undefined : b.ledgerBalanced ? "good" : "bad"}
        />
      </div>
      {(bankroll?.others.length ?? 0) > 0 && (
        <div class="cards">
          {bankroll!.others.map((o) => (
            <Card
              key={o.account}
              label={`${o.account}: available ${dollars(o.balanceMicros - o.reservedMicros)}${o.ledgerBalanced ? "" : " · LEDGER MISMATCH"}`}
              value={dollars(o.balanceMicros)}
              tone={o.ledgerBalanced ? undefined : "bad"}
              testId={`account-${o.account}`}
            />
          ))}
        </div>
      )}
      <section>
        <Chart
          title="Equity (available balance)"
          testId="equity"
          x={curve.map((c) => c[0])}
          series={[{ label: "balance $", color: "#4fc3f7", values: curve.map((c) => c[1] / 1_000_000) }]}
          height={200}
        />
      </section>
      <div class="columns">
        <section>
          <h2>Games</h2>
          <table data-testid="games">
            <thead>
              <tr><th>game</th><th>league</th><th>start</th><th>status</th><th>score</th><th /></tr>
            </thead>
            <tbody>
              {games.map((g) => (
                <tr key={g.gameId}>
                  <td><a href={`#/game/${g.gameId}`}>{teams(g)}</a></td>
                  <td>{g.league}</td>
                  <td>{time(g.startTime)}</td>
                  <td>{g.status}</td>
                  <td>{g.awayScore ?? "–"}–{g.homeScore ?? "–"}</td>
                  <td>{g.tradingHalted ? <span class="bad">halted</span> : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section>
          <h2>Health</h2>
          <table data-testid="health">
            <tbody>
              {nodes.map((n) => (
                <tr key={n.id}>
                  <td style={{ paddingLeft: `${0.5 + n.depth}em` }}>{n.id}</td>
                  <td>{n.kind}</td>
                  <td class={n.status === "running" ? "good" : n.status === "degraded" || n.status === "halted" ? "bad" : ""}>{n.status}</td>
                  <td>{n.restarts > 0 ? `${n.restarts} restarts` : ""}</td>
                  <td class="muted">{n.lastError?.message ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      <div class="columns">
        <OpenPositions positions={positions} />
        <StrategiesPanel />
      </div>
    </div>
  )
}

/** Midpoint of a venue quote, as a probability. */
const mid = (p: { bidMicros: number | null; askMicros: number | null }): number | null =>
  p.bidMicros === null || p.askMicros === null ? null : (p.bidMicros + p.askMicros) / 2 / 1_000_000

const GameView = (props: { readonly gameId: string }) => {
  const { data, error } = useLive(
    () =>
      Promise.all([
        getJson<GameDetail>(`/api/games/${props.gameId}?limit=1000`),
        getJson<Array<Row>>(`/api/signals?game=${props.gameId}`),
        getJson<Array<Row>>(`/api/orders?game=${props.gameId}`),
        getJson<Array<Row>>(`/api/positions?game=${props.gameId}`)
      ]),
    [props.gameId]
  )
  const chart = useMemo(() => {
    if (data === undefined) return undefined
    const detail = data[0]
    // The home side's outcomes on each venue, by their mapping
    const homeOutcomes = new Map(detail.mappings.filter((m) => m.meaning === "home_win").map((m) => [`${m.platform}|${m.marketId}|${m.outcomeId}`, m.platform]))
    const points: Array<{ t: number; model: number | null; espn: number | null; venue: Record<string, number | null> }> = []
    for (const s of detail.states) if (s.observedAt !== null) points.push({ t: s.observedAt, model: s.modelHome, espn: s.espnHome, venue: {} })
    for (const p of detail.prices) {
      const platform = homeOutcomes.get(`${p.platform}|${p.marketId}|${p.outcomeId}`)
      // A book that is not live has no observation time (0): nothing to plot
      if (platform !== undefined && p.observedAt !== null && p.observedAt > 0) points.push({ t: p.observedAt, model: null, espn: null, venue: { [platform]: mid(p) } })
    }
    points.sort((a, b) => a.t - b.t)
    const venues = [...new Set(homeOutcomes.values())].sort()
    const colors: Record<string, string> = { kalshi: "#81c784", polymarket: "#ba68c8" }
    return {
      x: points.map((p) => p.t),
      series: [
        { label: "model (home)", color: "#4fc3f7", values: points.map((p) => p.model) },
        { label: "ESPN (home)", color: "#ffb74d", values: points.map((p) => p.espn) },
        ...venues.map((v) => ({ label: `${v} mid (home)`, color: colors[v] ?? "#e0e0e0", values: points.map((p) => p.venue[v] ?? null) }))
      ]
    }
  }, [data])
  if (data === undefined || chart === undefined) return <p class="muted">{error ?? "loading…"}</p>
  const [detail, signals, orders, positions] = data
  const g = detail.game
  const last = detail.states[detail.states.length - 1]
  // The latest quote per outcome
  const books = new Map<string, (typeof detail.prices)[number]>()
  for (const p of detail.prices) books.set(`${p.platform}|${p.marketId}|${p.outcomeId}`, p)
  return (
    <div>
      <h2 data-testid="game-title">
        {g.away.name} at {g.home.name} <span class="muted">{g.league} · {g.status} · {g.awayScore ?? 0}–{g.homeScore ?? 0}</span>
      </h2>
      <div class="cards">
        <Card label="Model (home)" value={percent(last?.modelHome)} />
        <Card label="ESPN (home)" value={percent(last?.espnHome)} testId="espn" />
        <Card label="Trading" value={g.tradingHalted ? `halted: ${g.haltedReason ?? ""}` : "active"} tone={g.tradingHalted ? "bad" : "good"} />
      </div>
      <Chart title="Home win probability: model, ESPN and venue mids" testId="game-chart" x={chart.x} series={chart.series} yRange={[0, 1]} />
      <div class="columns">
        <section>
          <h3>Books (latest)</h3>
          <table>
            <thead><tr><th>venue</th><th>market</th><th>outcome</th><th>meaning</th><th>bid</th><th>ask</th><th>size</th></tr></thead>
            <tbody>
              {detail.mappings.map((m) => {
                const p = books.get(`${m.platform}|${m.marketId}|${m.outcomeId}`)
                return (
                  <tr key={`${m.platform}${m.marketId}${m.outcomeId}`}>
                    <td>{m.platform}</td><td>{m.marketId}</td><td>{m.outcomeId}</td><td>{m.meaning}</td>
                    <td>{price(p?.bidMicros)}</td><td>{price(p?.askMicros)}</td>
                    <td>{contracts(p?.bidSize)} / {contracts(p?.askSize)}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </section>
        <section>
          <h3>Positions</h3>
          <RowsTable rows={positions} columns={["platform", "marketId", "outcomeId", "quantity", "costBasisMicros", "realizedPnlMicros", "status"]} />
        </section>
      </div>
      <section>
        <h3>Signals</h3>
        <RowsTable rows={signals} columns={["createdAt", "kind", "edgePct", "modelProb", "status", "reasonCode", "denialReason"]} />
      </section>
      <section>
        <h3>Orders</h3>
        <RowsTable rows={orders} columns={["createdAt", "platform", "marketId", "outcomeId", "action", "limitPriceMicros", "quantity", "filledQuantity", "status"]} />
      </section>
    </div>
  )
}

const formatCell = (column: string, v: unknown): string => {
  if (v === null || v === undefined) return "–"
  if (typeof v === "number") {
    if (/At$/.test(column)) return time(v)
    if (/Micros$/.test(column)) return /price/i.test(column) ? price(v) : dollars(v)
    if (/quantity|Quantity/.test(column)) return contracts(v)
  }
  return typeof v === "object" ? JSON.stringify(v) : String(v)
}

const RowsTable = (props: { readonly rows: ReadonlyArray<Row>; readonly columns: ReadonlyArray<string>; readonly testId?: string }) => (
  <table data-testid={props.testId}>
    <thead><tr>{props.columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
    <tbody>
      {props.rows.map((r, i) => <tr key={i}>{props.columns.map((c) => <td key={c}>{formatCell(c, r[c])}</td>)}</tr>)}
    </tbody>
  </table>
)

const TABLES: Record<TableName, { readonly path: string; readonly columns: ReadonlyArray<string>; readonly filters: ReadonlyArray<string> }> = {
  signals: {
    path: "/api/signals?limit=1000",
    columns: ["createdAt", "signalId", "gameId", "strategy", "kind", "edgePct", "modelProb", "status", "reasonCode", "denialReason"],
    filters: ["gameId", "strategy", "kind", "status", "reasonCode"]
  },
  orders: {
    path: "/api/orders?limit=1000",
    columns: ["createdAt", "clientOrderId", "gameId", "platform", "marketId", "outcomeId", "action", "timeInForce", "limitPriceMicros", "quantity", "filledQuantity", "status"],
    filters: ["gameId", "platform", "status"]
  },
  positions: {
    path: "/api/positions?limit=1000",
    columns: ["openedAt", "positionId", "gameId", "platform", "marketId", "outcomeId", "quantity", "costBasisMicros", "realizedPnlMicros", "feesPaidMicros", "status"],
    filters: ["gameId", "platform", "status"]
  },
  ledger: { path: "/api/bankroll?limit=1000", columns: ["entryId", "createdAt", "bucket", "kind", "amountMicros", "reference"], filters: ["bucket", "kind"] }
}

const TableView = (props: { readonly table: TableName }) => {
  const spec = TABLES[props.table]
  const { data, error } = useLive(
    () => (props.table === "ledger" ? getJson<Bankroll>(spec.path).then((b) => b.ledger as Array<Row>) : getJson<Array<Row>>(spec.path)),
    [props.table]
  )
  const [filters, setFilters] = useState<Record<string, string>>({})
  const [text, setText] = useState("")
  useEffect(() => (setFilters({}), setText("")), [props.table])
  const rows = useMemo(
    () =>
      (data ?? []).filter((r) =>
        Object.entries(filters).every(([k, v]) => v === "" || String(r[k]) === v) &&
        (text === "" || spec.columns.some((c) => String(r[c] ?? "").toLowerCase().includes(text.toLowerCase())))
      ),
    [data, filters, text]
  )
  const exportCsv = useCallback(() => {
    const blob = new Blob([toCsv(rows, spec.columns)], { type: "text/csv" })
    const a = document.createElement("a")
    a.href = URL.createObjectURL(blob)
    a.download = `arbees-${props.table}.csv`
    a.click()
    URL.revokeObjectURL(a.href)
  }, [rows])
  if (data === undefined) return <p class="muted">{error ?? "loading…"}</p>
  return (
    <div>
      <div class="toolbar">
        <input placeholder="search" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} data-testid="search" />
        {spec.filters.map((f) => (
          <select key={f} data-testid={`filter-${f}`} value={filters[f] ?? ""} onChange={(e) => setFilters({ ...filters, [f]: (e.target as HTMLSelectElement).value })}>
            <option value="">all {f}</option>
            {[...new Set(data.map((r) => String(r[f] ?? "")))].sort().map((v) => <option key={v} value={v}>{v}</option>)}
          </select>
        ))}
        <button onClick={exportCsv} data-testid="csv">Export CSV</button>
        <span class="muted" data-testid="row-count">{rows.length} of {data.length}</span>
      </div>
      <RowsTable rows={rows} columns={spec.columns} testId={`table-${props.table}`} />
    </div>
  )
}

interface TradingView {
  state: "ACTIVE" | "REDUCING" | "HALTED"
  reason: string
  changedBy: string
  at: number
}

/**
 * Posts an action with the operator's reason; undefined when the operator cancelled. The token
 * never reaches this script: the login sets an HttpOnly cookie the browser sends; without it the
 * page goes to `/login`.
 */
const postAction = async <A,>(path: string, what: string): Promise<{ ok: true; value: A } | { ok: false; problem: string } | undefined> => {
  const reason = window.prompt(`Reason to ${what}:`)
  if (reason === null || reason.trim() === "") return undefined
  const response = await fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ reason: reason.trim(), by: "dashboard" })
  })
  if (response.ok) return { ok: true, value: (await response.json()) as A }
  if (response.status === 401) {
    window.location.href = "/login"
    return { ok: false, problem: `${what} needs the admin token: log in, then try again` }
  }
  return { ok: false, problem: `${what} refused: HTTP ${response.status} ${await response.text()}` }
}

/** Open positions, each with a Close button (sold on the next exit pass, through risk). */
const OpenPositions = (props: { readonly positions: ReadonlyArray<Row> }) => {
  const [note, setNote] = useState<string | undefined>(undefined)
  const close = async (positionId: string) => {
    const result = await postAction<{ positionId: string }>(`/api/positions/${encodeURIComponent(positionId)}/close`, `close ${positionId}`)
    if (result !== undefined) setNote(result.ok ? `close of ${positionId} requested: it sells on the next exit pass` : result.problem)
  }
  return (
    <section>
      <h2>Open positions</h2>
      <table data-testid="open-positions">
        <thead>
          <tr><th /><th>game</th><th>venue</th><th>market</th><th>outcome</th><th>qty</th><th>cost</th></tr>
        </thead>
        <tbody>
          {props.positions.map((p) => (
            <tr key={String(p["positionId"])}>
              <td><button data-testid={`close-${String(p["positionId"])}`} onClick={() => void close(String(p["positionId"]))}>Close</button></td>
              <td><a href={`#/game/${String(p["gameId"])}`}>{String(p["gameId"])}</a></td>
              <td>{String(p["platform"])}</td>
              <td>{String(p["marketId"])}</td>
              <td>{String(p["outcomeId"])}</td>
              <td>{formatCell("quantity", p["quantity"])}</td>
              <td>{formatCell("costBasisMicros", p["costBasisMicros"])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {note !== undefined && <p class="muted" data-testid="close-note">{note}</p>}
    </section>
  )
}

interface StrategySwitch {
  readonly name: string
  readonly configured: boolean
  readonly paused: boolean
  readonly reason: string
  readonly changedBy: string
}

/** The configured strategies with Pause / Resume (a paused strategy makes no new entries). */
const StrategiesPanel = () => {
  const { data } = useLive(() => getJson<Array<StrategySwitch>>("/api/strategies"), [])
  const [shown, setShown] = useState<ReadonlyArray<StrategySwitch> | undefined>(undefined)
  const [problem, setProblem] = useState<string | undefined>(undefined)
  const current = shown ?? data
  if (current === undefined) return null
  const flip = async (s: StrategySwitch) => {
    const action = s.paused ? "resume" : "pause"
    const result = await postAction<StrategySwitch>(`/api/strategies/${encodeURIComponent(s.name)}/${action}`, `${action} ${s.name}`)
    if (result === undefined) return
    if (result.ok) {
      setShown(current.map((x) => (x.name === s.name ? result.value : x)))
      setProblem(undefined)
    } else setProblem(result.problem)
  }
  return (
    <section>
      <h2>Strategies</h2>
      <table data-testid="strategies">
        <tbody>
          {current.filter((s) => s.configured).map((s) => (
            <tr key={s.name}>
              <td>{s.name}</td>
              <td class={s.paused ? "bad" : "good"} data-testid={`strategy-state-${s.name}`}>{s.paused ? "paused" : "running"}</td>
              <td class="muted">{s.paused ? `${s.reason} (${s.changedBy})` : ""}</td>
              <td><button data-testid={`strategy-${s.name}`} onClick={() => void flip(s)}>{s.paused ? "Resume" : "Pause"}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      {problem !== undefined && <p class="bad">{problem}</p>}
    </section>
  )
}

/** The trading state and the halt / reduce / resume buttons; actions ride on the login's session cookie. */
const TradingControl = () => {
  const { data } = useLive(() => getJson<TradingView>("/api/trading"), [])
  const [shown, setShown] = useState<TradingView | undefined>(undefined)
  const [problem, setProblem] = useState<string | undefined>(undefined)
  const current = shown ?? data
  const act = async (action: "halt" | "reduce" | "resume") => {
    const result = await postAction<TradingView>(`/api/trading/${action}`, `${action} trading`)
    if (result === undefined) return
    if (result.ok) {
      setShown(result.value)
      setProblem(undefined)
    } else setProblem(result.problem)
  }
  if (current === undefined) return null
  const tone = current.state === "ACTIVE" ? "good" : "bad"
  return (
    <div class="control">
      <span class={`badge ${tone}`} data-testid="trading-state" title={`${current.reason} (${current.changedBy}, ${time(current.at)})`}>{current.state}</span>
      {current.state !== "HALTED" && <button class="danger" data-testid="halt" onClick={() => void act("halt")}>Halt</button>}
      {current.state === "ACTIVE" && <button data-testid="reduce" onClick={() => void act("reduce")}>Reduce</button>}
      {current.state !== "ACTIVE" && <button data-testid="resume" onClick={() => void act("resume")}>Resume</button>}
      {problem !== undefined && <span class="bad">{problem}</span>}
    </div>
  )
}

const App = () => {
  const [route, setRoute] = useState(parseRoute(location.hash))
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash))
    window.addEventListener("hashchange", onHash)
    return () => window.removeEventListener("hashchange", onHash)
  }, [])
  const tab = (href: string, label: string, active: boolean) => <a href={href} class={active ? "active" : ""}>{label}</a>
  return (
    <div>
      <header>
        <strong>arbees</strong>
        <nav>
          {tab("#/", "Overview", route.view === "overview")}
          {(["signals", "orders", "positions", "ledger"] as const).map((t) => tab(`#/${t}`, t[0]!.toUpperCase() + t.slice(1), route.view === "table" && route.table === t))}
        </nav>
        <TradingControl />
      </header>
      <main>
        {route.view === "overview" ? <Overview /> : route.view === "game" ? <GameView gameId={route.gameId} /> : <TableView table={route.table} />}
      </main>
    </div>
  )
}

render(<App />, document.getElementById("app")!)
