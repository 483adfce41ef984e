/**
 * Venue decimal parsing: `Money.parseScaled` on Kalshi/Polymarket price and size strings, against
 * `Number()` on the same strings (which is not exact, but is the floor of what parsing can cost).
 */
import type { Benchmark } from "./run.ts"
import { parseScaled } from "../src/schema/Money.ts"

const inputs = ["0.4300", "0.999", "0.001", "72612.49", "219.217767", "13.00", "0.5", "1", "0.0001", "2505.61"]

const time = (f: () => void, iterations: number): number => {
  const start = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) f()
  return Number(process.hrtime.bigint() - start) / 1e9
}

const bench: Benchmark = {
  name: "money-parse",
  run: async () => {
    const n = 2_000_000
    let sink = 0
    const parse = () => {
      for (const s of inputs) sink += parseScaled(s) ?? 0
    }
    const number = () => {
      for (const s of inputs) sink += Number(s)
    }
    time(parse, n / 10)
    time(number, n / 10)
    const tParse = time(parse, n)
    const tNumber = time(number, n)
    const parsesPerSecond = Math.round((n * inputs.length) / tParse)
    const numbersPerSecond = Math.round((n * inputs.length) / tNumber)
    process.stdout.write(`parseScaled: ${parsesPerSecond.toLocaleString()} /s; Number(): ${numbersPerSecond.toLocaleString()} /s (sink ${sink > 0})\n`)
    return { parsesPerSecond, numbersPerSecond, ratio: parsesPerSecond / numbersPerSecond }
  }
}
export default bench
