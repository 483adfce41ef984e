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
