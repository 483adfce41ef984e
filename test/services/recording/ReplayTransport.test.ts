import { assert, describe, it } from "vitest"
import type { Entry } from "../../../src/services/recording/Format.ts"
import { ReplayWorld } from "../../../src/services/recording/ReplayTransport.ts"

const KALSHI_WS = "wss://external-api-ws.kalshi.com/trade-api/ws/v2"

/** A Kalshi connection with recorded pings every 10 s from 0 to `last`, with a gap. */
const entries = (pings: ReadonlyArray<number>): Array<Entry> => [
  { k: "ws", t: 0, c: 1, e: "open", url: KALSHI_WS },
  ...pings.map((t): Entry => ({ k: "ws", t, c: 1, e: "ping" }))
]

const pingsHeard = (world: ReplayWorld, now: { t: number }, until: number) => {
  const socket = world.webSocket(KALSHI_WS) as unknown as { on: (e: string, f: () => void) => void }
  const heard: Array<number> = []
  socket.on("ping", () => heard.push(now.t))
  for (let next = world.nextTime(); next !== undefined && next <= until; next = world.nextTime()) {
    now.t = next
    world.deliverUntil(next)
  }
  return heard
}

describe("ReplayWorld heartbeat", () => {
  it("keeps the recorded heartbeat after the recording's last ping, so the feed is not silent", () => {
    const now = { t: 0 }
    const world = new ReplayWorld(entries([10_000, 20_000, 30_000]), () => now.t)
    assert.deepStrictEqual(pingsHeard(world, now, 70_000), [10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000])
  })

  it("a silence inside the recording stays a silence", () => {
    const now = { t: 0 }
    const world = new ReplayWorld(entries([10_000, 20_000, 30_000, 90_000, 100_000]), () => now.t)
    assert.deepStrictEqual(pingsHeard(world, now, 110_000), [10_000, 20_000, 30_000, 90_000, 100_000, 110_000])
  })
})

describe("ReplayWorld outages", () => {
  const POLY_WS = "wss://ws-subscriptions-clob.polymarket.com/ws/market"
  const book = (t: number, c: number): Entry => ({ k: "ws", t, c, e: "in", data: JSON.stringify({ event_type: "book", asset_id: "A", market: "m", bids: [], asks: [], timestamp: String(t), hash: "h" }) })
  type Fake = { readyState: number; addEventListener: (type: string, f: (e: any) => void) => void; send: (s: string) => void }
  const connect = (world: ReplayWorld) => {
    const socket = world.webSocket(POLY_WS) as unknown as Fake
    const seen: Array<string> = []
    socket.addEventListener("close", (e) => seen.push(`close ${e.code}`))
    socket.addEventListener("message", (e) => seen.push(String(e.data).slice(0, 20)))
    socket.send(JSON.stringify({ assets_ids: ["A"], type: "market" }))
    return { socket, seen }
  }

  it("a recorded close followed by an open drops the venue's connections and refuses new ones until the open", async () => {
    const now = { t: 0 }
    const world = new ReplayWorld([
      { k: "ws", t: 0, c: 1, e: "open", url: POLY_WS },
      book(1_000, 1),
      book(5_000, 1),
      { k: "ws", t: 10_000, c: 1, e: "close" },
      book(12_000, 1),
      { k: "ws", t: 20_000, c: 2, e: "open", url: POLY_WS },
      book(25_000, 2)
    ], () => now.t)
    assert.deepStrictEqual(world.outages, [{ venue: "polymarket", from: 10_000, to: 20_000 }])
    const first = connect(world)
    // The next thing due is the 1 s frame; then, after the 5 s one, the outage at 10 s
    assert.strictEqual(world.nextTime(), 1_000)
    // One step over both frames and the outage: the frames reach the client before the close
    now.t = 10_000
    world.deliverUntil(10_000)
    await Promise.resolve()
    assert.deepStrictEqual(first.seen, ["{\"event_type\":\"book\"", "{\"event_type\":\"book\"", "close 1006"])
    assert.strictEqual(first.socket.readyState, 3)
    // Refused while the venue is down
    now.t = 15_000
    assert.strictEqual(connect(world).socket.readyState, 3)
    // Back at 20 s: the book as it stands (the 12 s snapshot), then live
    now.t = 20_000
    const second = connect(world)
    assert.strictEqual(second.socket.readyState, 1)
    now.t = 25_000
    world.deliverUntil(25_000)
    await Promise.resolve()
    assert.strictEqual(second.seen.length, 2)
    assert.deepStrictEqual({ disconnects: world.counts.disconnects, refused: world.counts.refused, connections: world.counts.connections }, { disconnects: 1, refused: 1, connections: 2 })
  })

  it("a last close with no open after it is the recorder stopping: the venue stays up", () => {
    const now = { t: 0 }
    const world = new ReplayWorld([{ k: "ws", t: 0, c: 1, e: "open", url: POLY_WS }, book(1_000, 1), { k: "ws", t: 2_000, c: 1, e: "close" }], () => now.t)
    assert.deepStrictEqual(world.outages, [])
    const { socket } = connect(world)
    now.t = 60_000
    world.deliverUntil(60_000)
    assert.strictEqual(socket.readyState, 1)
    now.t = 70_000
    assert.strictEqual(connect(world).socket.readyState, 1)
  })
})
