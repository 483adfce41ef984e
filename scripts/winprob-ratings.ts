/**
 * Builds the shipped team-rating files (`data/ratings/<sport>.json`) that give a live game with no
 * line its prior (`src/domain/winprob/prior/TeamRatings.ts`).
 *
 *   node_modules/.bin/node scripts/winprob-ratings.ts [--corpus .arbees/corpus] [--out data/ratings] [--min-results 500]
 *
 * The results are the final scores in the headers of the corpus built by
 * `scripts/winprob-corpus.ts` (public ESPN summaries at pinned commits; each manifest line names
 * its repository and commit, and the file lists them). Every result is rated in date order by the
 * walk-forward team Elo (`prior/TeamElo.ts`, its default parameters); the file keeps each team's
 * last rating and season. Rating on every season, the evaluation season included, is not fitting:
 * no parameter is chosen on the results. A league with fewer than `--min-results` results gets no
 * file (the corpus holds a game or two of some sports, too few to rate a team): live, its games
 * keep the league home edge. Uses only Node built-ins.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { finalRatings, type TeamResult, teamEloParameters } from "../src/domain/winprob/prior/TeamElo.ts"

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback
}
const corpus = arg("corpus", ".arbees/corpus")
const out = arg("out", "data/ratings")
const minResults = Number(arg("min-results", "500"))

interface Line {
  readonly league: string
  readonly season: number
  readonly eventId: string
  readonly repository: string
  readonly path: string
  readonly commit: string
  readonly file: string
}

interface Competitor {
  readonly id?: string
  readonly homeAway?: string
  readonly score?: unknown
}

const byLeague = new Map<string, { results: Array<TeamResult>; sources: Set<string> }>()
for (const name of readdirSync(corpus).filter((n) => n.startsWith("manifest") && n.endsWith(".jsonl")).sort()) {
  for (const raw of readFileSync(join(corpus, name), "utf8").split("\n")) {
    if (raw.trim() === "") continue
    const line = JSON.parse(raw) as Line
    const json = JSON.parse(readFileSync(join(corpus, line.file), "utf8")) as { header?: { competitions?: Array<{ date?: string; neutralSite?: boolean; competitors?: Array<Competitor> }> } }
    const competition = json.header?.competitions?.[0]
    const home = competition?.competitors?.find((c) => c.homeAway === "home")
    const away = competition?.competitors?.find((c) => c.homeAway === "away")
    const startTime = Date.parse(competition?.date ?? "")
    const homeScore = Number(home?.score)
    const awayScore = Number(away?.score)
    if (home?.id === undefined || away?.id === undefined || !Number.isFinite(startTime) || !Number.isFinite(homeScore) || !Number.isFinite(awayScore)) continue
    const entry = byLeague.get(line.league) ?? { results: [], sources: new Set<string>() }
    entry.results.push({ eventId: line.eventId, season: line.season, startTime, home: home.id, away: away.id, homeScore, awayScore, ...(competition?.neutralSite === true ? { neutral: true } : {}) })
    entry.sources.add(`${line.repository}@${line.commit} ${line.path.replace(/[^/]+$/, "")}`)
    byLeague.set(line.league, entry)
  }
}

for (const [league, { results, sources }] of byLeague) {
  if (results.length < minResults) {
    console.log(`${league}: ${results.length} results, fewer than ${minResults}: no ratings file`)
    continue
  }
  const ratings = finalRatings(results)
  const last = Math.max(...results.map((r) => r.startTime))
  const file = {
    sport: league,
    method: "walk-forward team Elo (src/domain/winprob/prior/TeamElo.ts) over every result in date order; new teams 1500, margin-scaled K, a third of the way back to 1500 per season",
    parameters: teamEloParameters,
    sources: [...sources].sort(),
    results: results.length,
    through: new Date(last).toISOString().slice(0, 10),
    ratings: Object.fromEntries([...ratings].sort((a, b) => Number(a[0]) - Number(b[0]) || a[0].localeCompare(b[0])).map(([team, r]) => [team, { rating: Math.round(r.rating * 10) / 10, season: r.season }]))
  }
  // One team a line
  const text = JSON.stringify(file, null, 1).replace(/\{\n\s+"rating": ([-\d.]+),\n\s+"season": (\d+)\n\s+\}/g, '{ "rating": $1, "season": $2 }')
  writeFileSync(join(out, `${league}.json`), text + "\n")
  console.log(`${league}: ${results.length} results, ${ratings.size} teams, through ${file.through} -> ${join(out, `${league}.json`)}`)
}
