/**
 * Notifications never slow trading (issue 18): a burst of 500 fill notifications, and then of
 * 10,000, against a Slack channel that answers 500 after 200 ms (so every message is retried), with
 * the trading stand-in measured beside it: the event-loop delay (p50/p99/max, what every actor's
 * next step waits for). Baseline first, then under each burst; plus what one `notify` call costs
 * the caller (it only joins a bounded buffer).
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect, Layer } from "effect"
import * as http from "node:http"
import { monitorEventLoopDelay } from "node:perf_hooks"
import type { Benchmark } from "./run.ts"
import { AppConfig } from "../src/services/config/AppConfig.ts"
import { Diagnostics } from "../src/services/Diagnostics.ts"
import { Notifier } from "../src/services/notify/Notifier.ts"

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The stand-in for trading: the event loop's delay over `ms`, while a 1 ms timer keeps ticking. */
const loopDelay = async (ms: number) => {
  const h = monitorEventLoopDelay({ resolution: 1 })
  h.enable()
  await sleep(ms)
  h.disable()
  return { p50Ms: h.percentile(50) / 1e6, p99Ms: h.percentile(99) / 1e6, maxMs: h.max / 1e6 }
}

const bench: Benchmark = {
  name: "notify",
  run: async () => {
    let received = 0
    const slack = http.createServer((req, res) => {
      req.resume()
      received++
      setTimeout(() => res.writeHead(500).end("overloaded"), 200)
    })
    await new Promise<void>((ok) => slack.listen(0, "127.0.0.1", () => ok()))
    const port = (slack.address() as { port: number }).port
    const layer = Notifier.layer.pipe(
      Layer.provide(Layer.mergeAll(
        AppConfig.layerTest({ "notify.slack.url": `http://127.0.0.1:${port}/hook`, "notify.interval": "1s", "notify.retries": "3" }).pipe(Layer.orDie),
        Diagnostics.layer
      )),
      Layer.provide(NodeHttpClient.layerUndici),
      Layer.provide(NodeServices.layer)
    )
    const figures = await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
      const notifier = yield* Notifier
      const baseline = yield* Effect.promise(() => loopDelay(3_000))
      const burst = (n: number) =>
        Effect.gen(function*() {
          const costs: Array<number> = []
          for (let i = 0; i < n; i++) {
            const start = process.hrtime.bigint()
            yield* notifier.notify("fill", `paper fill buy 1 kalshi KXNBAGAME-25DEC15LALBOS-BOS/yes @ 0.41, fee 0.01 (taker) #${i}`)
            costs.push(Number(process.hrtime.bigint() - start) / 1e3)
          }
          costs.sort((a, b) => a - b)
          return { notifyP50Us: costs[Math.floor(n * 0.5)]!, notifyP99Us: costs[Math.floor(n * 0.99)]! }
        })
      const during500 = yield* Effect.all([burst(500), Effect.promise(() => loopDelay(3_000))], { concurrency: 2 })
      const during10k = yield* Effect.all([burst(10_000), Effect.promise(() => loopDelay(3_000))], { concurrency: 2 })
      return {
        baselineLoopDelay: baseline,
        burst500: { ...during500[0], loopDelay: during500[1] },
        burst10k: { ...during10k[0], loopDelay: during10k[1] },
        slackRequestsIn9s: received
      }
    })).pipe(Effect.provide(layer)))
    slack.close()
    process.stdout.write(
      `event loop p99: ${figures.baselineLoopDelay.p99Ms.toFixed(2)} ms idle, ${figures.burst500.loopDelay.p99Ms.toFixed(2)} ms during 500 fills, ` +
        `${figures.burst10k.loopDelay.p99Ms.toFixed(2)} ms during 10,000; notify() p99 ${figures.burst10k.notifyP99Us.toFixed(1)} µs; ` +
        `${figures.slackRequestsIn9s} requests reached the failing channel\n`
    )
    return figures
  }
}

export default bench
