/**
 * A slowloris, as its own process (`node test/support/SlowlorisAttacker.ts <port> <connections>
 * <give up after ms>`), for `AdminSlowloris.ts`: opens the connections to 127.0.0.1:<port> all at
 * once, each sending part of a request line and then one more header byte every 500 ms, never
 * finishing its headers. Prints `OPEN <connected> <failed>` once every connection has connected
 * or failed, then, once every connection is closed (or the give-up time has passed),
 * `DONE <json>`: how many connected, how many the server closed, how many were still open, and
 * how long the server kept them (ms from connect to close: p50, p99, max).
 */
import * as net from "node:net"

const [port, connections, giveUpMs] = process.argv.slice(2).map(Number) as [number, number, number]

const elapsed = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6

interface Slow {
  connectedAt?: bigint
  lifetimeMs?: number
  failed: boolean
}

const slow: Array<Slow> = []
let settled = 0
const started = process.hrtime.bigint()

const settle = () => {
  settled++
  if (settled === connections) {
    const connected = slow.filter((s) => s.connectedAt !== undefined).length
    process.stdout.write(`OPEN ${connected} ${connections - connected}\n`)
  }
}

for (let i = 0; i < connections; i++) {
  const entry: Slow = { failed: false }
  slow.push(entry)
  const socket = net.connect(port, "127.0.0.1")
  let trickle: NodeJS.Timeout | undefined
  socket.once("connect", () => {
    entry.connectedAt = process.hrtime.bigint()
    socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    trickle = setInterval(() => socket.write("a"), 500)
    settle()
  })
  // Read whatever the server says (a 408), so its close is seen
  socket.resume()
  socket.once("close", () => {
    if (trickle !== undefined) clearInterval(trickle)
    if (entry.connectedAt !== undefined) entry.lifetimeMs = elapsed(entry.connectedAt)
    else {
      entry.failed = true
      settle()
    }
  })
  socket.on("error", () => {})
}

const percentile = (values: ReadonlyArray<number>, p: number): number | null => {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!)
}

const check = setInterval(() => {
  const open = slow.filter((s) => s.connectedAt !== undefined && s.lifetimeMs === undefined).length
  if (settled < connections || (open > 0 && elapsed(started) < giveUpMs)) return
  clearInterval(check)
  const lifetimes = slow.flatMap((s) => (s.lifetimeMs === undefined ? [] : [s.lifetimeMs]))
  process.stdout.write(`DONE ${JSON.stringify({
    connected: slow.filter((s) => s.connectedAt !== undefined).length,
    failedToConnect: slow.filter((s) => s.failed).length,
    closedByServer: lifetimes.length,
    stillOpen: open,
    keptP50Ms: percentile(lifetimes, 50),
    keptP99Ms: percentile(lifetimes, 99),
    keptMaxMs: lifetimes.length === 0 ? null : Math.round(Math.max(...lifetimes))
  })}\n`)
  process.exit(0)
}, 100)
