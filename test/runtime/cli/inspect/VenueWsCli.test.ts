import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import * as Cli from "../../../support/Cli.ts"
import { runCli } from "../../../support/CliInProcess.ts"

const run = (args: ReadonlyArray<string>) => runCli(args)
const jsonLines = (text: string) => text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>)
const FIXTURES = "/work/shared/fixtures"

describe("arbees inspect kalshi-ws / polymarket-ws (built CLI)", () => {
  it.live("kalshi-ws replays a JSON-lines capture, printing tops and error lines, and exits 0", () =>
    Effect.gen(function*() {
      const file = join(Cli.tempDir(), "kalshi.jsonl")
      writeFileSync(file, [
        '{"type":"orderbook_snapshot","sid":2,"seq":2,"msg":{"market_ticker":"FED-23DEC-T3.00","yes_dollars_fp":[["0.0800","300.00"],["0.2200","333.00"]],"no_dollars_fp":[["0.5400","20.00"],["0.5600","146.00"]]}}',
        "this is not json",
        '{"type":"orderbook_delta","sid":2,"seq":3,"msg":{"market_ticker":"FED-23DEC-T3.00","price_dollars":"0.2300","delta_fp":"10.50","side":"yes","ts_ms":1}}'
      ].join("\n"))
      const result = yield* run(["inspect", "kalshi-ws", file])
      assert.strictEqual(result.code, 0, result.stderr)
      assert.deepStrictEqual(jsonLines(result.stdout).map((l) => [l["message"], l["error"] ?? l["bestBid"], l["bestBidSize"] ?? null, l["bestAsk"] ?? null]), [
        [1, "0.22", "333", "0.44"],
        [2, "Decode", null, null],
        [3, "0.23", "10.5", "0.44"]
      ])
    }))

  it.live("polymarket-ws replays the recorded stream (a JSON array) and exits 0", () =>
    Effect.gen(function*() {
      const result = yield* run(["inspect", "polymarket-ws", `${FIXTURES}/polymarket-ws-market-stream-2026-head.json`])
      assert.strictEqual(result.code, 0, result.stderr)
      const lines = jsonLines(result.stdout)
      assert.deepStrictEqual(lines.map((l) => [l["bestBid"], l["bestAsk"]]), [["0.30", "0.397"], ["0.301", "0.397"], ["0.311", "0.397"]])
      assert.isTrue(lines.every((l) => l["status"] === "live"))
    }))
})
