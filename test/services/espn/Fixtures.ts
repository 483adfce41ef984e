/**
 * Where the real ESPN payloads are: `../shared/fixtures` beside the repository (a worktree sits one
 * level deeper, so `../../shared/fixtures` is tried too), or `ARBEES_FIXTURES_DIR`. Fixtures this
 * repository adds itself are in `test/services/espn/fixtures`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"

const candidates = [
  process.env["ARBEES_FIXTURES_DIR"],
  resolve("../shared/fixtures"),
  resolve("../../shared/fixtures"),
  "/work/shared/fixtures"
].filter((d): d is string => d !== undefined && d !== "")

/** The shared fixtures directory. */
export const sharedDir: string = (() => {
  const dir = candidates.find((d) => existsSync(join(d, "SOURCES.md")))
  if (dir === undefined) throw new Error(`shared fixtures not found; tried ${candidates.join(", ")} (set ARBEES_FIXTURES_DIR)`)
  return dir
})()

/** Fixtures kept in this repository. */
export const localDir = resolve("test/services/espn/fixtures")

/** The path of a fixture, shared or local. */
export const fixturePath = (name: string): string => {
  const local = join(localDir, name)
  return existsSync(local) ? local : join(sharedDir, name)
}

/** A fixture's text. */
export const fixtureText = (name: string): string => readFileSync(fixturePath(name), "utf8")

/** A fixture, parsed. */
export const fixture = (name: string): unknown => JSON.parse(fixtureText(name))

/** Every shared ESPN fixture's file name. */
export const espnFixtures = (): ReadonlyArray<string> => readdirSync(sharedDir).filter((f) => f.startsWith("espn-") && f.endsWith(".json")).sort()

/** How many games each shared scoreboard fixture holds (every one decodes). */
export const scoreboardGames: Readonly<Record<string, number>> = {
  "espn-cfb-scoreboard-2025wk1-sec-pregame-odds.json": 16,
  "espn-mlb-scoreboard-live-and-pregame-odds.json": 15,
  "espn-nba-scoreboard-20241215-final.json": 7,
  "espn-nba-scoreboard-single-final.json": 1,
  "espn-ncaam-scoreboard-acc-final.json": 9,
  "espn-nfl-scoreboard-20241215-final.json": 13,
  "espn-nfl-scoreboard-2025wk1-pregame-odds.json": 16,
  "espn-nhl-scoreboard-final.json": 1,
  "espn-nhl-scoreboard-live-ot.json": 1,
  "espn-soccer-eng1-scoreboard-final.json": 10,
  "espn-soccer-usa1-scoreboard-pregame-odds.json": 1
}
