/**
 * ESPN decoding cost: a full scoreboard (13 NFL games, 98 KB) and a full summary (NBA, 472 plays
 * with win probability, 843 KB) from JSON already parsed, as the client decodes them on every poll.
 * Needs the shared fixtures (`../shared/fixtures` or `ARBEES_FIXTURES_DIR`).
 */
import type { Benchmark } from "./run.ts"
import { decodeScoreboard } from "../src/services/espn/Scoreboard.ts"
import { decodeSummary } from "../src/services/espn/Summary.ts"
import { fixture } from "../test/services/espn/Fixtures.ts"

const time = (f: () => void, iterations: number): number => {
  const start = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) f()
  return Number(process.hrtime.bigint() - start) / 1e6 / iterations
}

const bench: Benchmark = {
  name: "espn-decode",
  run: async () => {
    const scoreboard = fixture("espn-nfl-scoreboard-20241215-final.json")
    const summary = fixture("espn-nba-summary-401772994.json")
    let sink = 0
    const board = () => {
      sink += decodeScoreboard(scoreboard, { league: "nfl", observedAt: 0 }).games.length
    }
    const plays = () => {
      const r = decodeSummary(summary, { league: "nba", observedAt: 0 })
      sink += r._tag === "Success" ? r.success.plays.length : 0
    }
    time(board, 50)
    time(plays, 5)
    const scoreboardMillis = time(board, 500)
    const summaryMillis = time(plays, 30)
    process.stdout.write(`scoreboard (13 games): ${scoreboardMillis.toFixed(3)} ms; summary (472 plays): ${summaryMillis.toFixed(2)} ms (sink ${sink > 0})\n`)
    return { scoreboardMillis, summaryMillis, summaryMicrosPerPlay: (summaryMillis * 1000) / 472 }
  }
}
export default bench
