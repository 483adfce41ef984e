/**
 * Rebuilds the win-probability evaluation corpus from fetched snapshots of public repositories.
 *
 *   npx node scripts/winprob-corpus.ts [--mirror /work/.mirror] [--out .arbees/corpus] [--source owner/name]
 *
 * Each source is a bare git directory (`<mirror>/<owner>+<name>/repo`, as the fetch tool leaves it)
 * at a pinned commit. Every ESPN summary there with a win probability is slimmed to what
 * `arbees eval winprob --corpus` reads (`src/domain/winprob/eval/CorpusSlim.ts`: header, drive or
 * top-level plays, pickcenter, predictor and the per-play probability) and written to
 * `<out>/<league>/<season>/<event>.json`, with one line per game in
 * `<out>/manifest-<owner>+<name>.jsonl` (one manifest per source, so one source can be rebuilt alone
 * with `--source`): repository, path, commit, blob, event id, league, season. A game found twice in
 * one source is kept once; a game a source's previous build wrote and this one does not is removed. The data stays outside git; this script is how it is rebuilt. Uses only
 * Node built-ins, `git` and the slimming module.
 *
 * Sources (see `shared/data/SOURCES.md` for the catalogue):
 * - saiemgilani/game-on-paper-app: ESPN college-football summaries, 2019 and 2020 (`espnWP`),
 *   under `data/cfb/<season>/` at the commit before their removal.
 * - sportsdataverse/gp-cfb-raw: ESPN college-football summaries, 2022 (`winprobability`). The 2022
 *   season is reserved for independent evaluation: nothing is fitted or tuned on it.
 * - aaronweldy/espn-openapi: raw ESPN summaries under `json_output/`: one NFL game (2023), one NBA
 *   game (2025) and one MLB game (2023) with probabilities (the MLB game under three names).
 * - aburkard/espn-data: raw ESPN summaries under `example_data/`: two men's college-basketball
 *   games with probabilities (2025, 2026; a 2009 game lists its plays with no probability).
 * - sportsdataverse/sportsdataverse-js: one raw ESPN NBA summary (2024), a test fixture.
 * The last three are a format and sanity check for the other sports, not a statistical evaluation.
 *
 * Other sports, checked on 2026-12-03: the public archives of ESPN game data are far over the
 * 500 MiB snapshot limit (sportsdataverse/hoopR-nba-raw 17.6 GB, hoopR-mbb-raw 16.6 GB,
 * wehoop-wbb-raw 18.0 GB, wehoop-wnba-raw 3.1 GB, hoopR-data 8.5 GB, wehoop-data 9.2 GB,
 * saiemgilani/pbp-data 4.4 GB; the play-by-play tables hoopR-nba-data 2.1 GB, hoopR-mbb-data
 * 2.7 GB and wehoop-wnba-data 3.0 GB too), and reading them file by file costs about 30–55
 * look-ups per game (hoopR-nba-raw's processed files are about 880 kB, and the one read,
 * 401584793, has an empty `espnWP`). sportsdataverse/nfl-raw (229 MiB) holds NFL.com game detail,
 * not ESPN summaries; sportsdataverse/nfl-data and sportsdataverse-data hold code only; the stored
 * sportsdataverse-py snapshot predates its ESPN summary fixtures (which are gzipped).
 */
import { execFileSync, spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { eventIdOf, leagueOf, seasonOf, slimSummary } from "../src/domain/winprob/eval/CorpusSlim.ts"

interface Source {
  readonly repository: string
  readonly commit: string
  readonly prefixes: ReadonlyArray<string>
  /** The league of every summary; else each summary's own (`header.league.slug`) */
  readonly league?: string
}

const sources: ReadonlyArray<Source> = [
  { repository: "saiemgilani/game-on-paper-app", commit: "1aaaf9fef2f3ea55718c24798bd68ae2720089a6", prefixes: ["data/cfb/2019/", "data/cfb/2020/"], league: "ncaaf" },
  { repository: "sportsdataverse/gp-cfb-raw", commit: "a1cfce2f95b3661a35f460969432f1d3547a8f20", prefixes: ["cfb/json/final/"], league: "ncaaf" },
  { repository: "aaronweldy/espn-openapi", commit: "f2a6a46cafeb7058e002faa28e4d408723d19201", prefixes: ["json_output/"] },
  { repository: "aburkard/espn-data", commit: "7481e4172f5fa32034c04985eb176446b99978df", prefixes: ["example_data/"] },
  { repository: "sportsdataverse/sportsdataverse-js", commit: "aaec461a9b171de2e1ae2e4b0663cd712b4abae5", prefixes: ["test/fixtures/espn/summary_nba.json"] }
]

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback
}

const mirror = arg("mirror", "/work/.mirror")
const out = arg("out", ".arbees/corpus")
const only = arg("source", "")

type Json = Record<string, unknown>

mkdirSync(out, { recursive: true })
for (const source of sources.filter((s) => only === "" || s.repository === only)) {
  const manifest: Array<string> = []
  const skipped: Record<string, number> = {}
  const gitDir = join(mirror, source.repository.replace("/", "+"), "repo")
  if (!existsSync(gitDir)) {
    console.error(`missing snapshot ${gitDir}: fetch github:${source.repository} first`)
    process.exitCode = 1
    continue
  }
  const listing = execFileSync("git", ["-C", gitDir, "ls-tree", "-r", source.commit, "--", ...source.prefixes], { maxBuffer: 1 << 28 }).toString()
  const entries = listing.split("\n").filter((l) => l.endsWith(".json")).map((l) => {
    const [meta, path] = l.split("\t")
    return { blob: meta!.split(" ")[2]!, path: path! }
  })
  const written = new Set<string>()
  // One `git cat-file --batch` per chunk: a process per blob re-inflates delta chains every time
  const contents = new Map<string, Buffer>()
  const CHUNK = 200
  const read = (from: number) => {
    contents.clear()
    const chunk = entries.slice(from, from + CHUNK)
    const batch = spawnSync("git", ["-C", gitDir, "-c", "core.deltaBaseCacheLimit=2g", "cat-file", "--batch"], { input: chunk.map((e) => e.blob).join("\n") + "\n", maxBuffer: 1 << 30 })
    const buf = batch.stdout
    let at = 0
    while (at < buf.length) {
      const nl = buf.indexOf(10, at)
      const [sha, kind, size] = buf.subarray(at, nl).toString().split(" ")
      if (kind !== "blob") {
        at = nl + 1
        continue
      }
      const n = Number(size)
      contents.set(sha!, buf.subarray(nl + 1, nl + 1 + n))
      at = nl + 1 + n + 1
    }
  }
  for (let i = 0; i < entries.length; i++) {
    if (i % CHUNK === 0) read(i)
    const { blob, path } = entries[i]!
    const content = contents.get(blob)
    if (content === undefined) {
      // Files of 4 MiB and more are absent from snapshots
      skipped["absent from the snapshot"] = (skipped["absent from the snapshot"] ?? 0) + 1
      continue
    }
    let summary: Json
    try {
      // The 2019–2020 files were written by pandas, which writes bare NaN for missing numbers
      summary = JSON.parse(content.toString().replace(/(?<=[:\[,]\s*)-?(NaN|Infinity)(?=\s*[,\]}])/g, "null")) as Json
    } catch {
      skipped["not JSON"] = (skipped["not JSON"] ?? 0) + 1
      continue
    }
    const slimmed = slimSummary(summary)
    const season = seasonOf(summary, path)
    const eventId = eventIdOf(summary, path)
    const league = source.league ?? leagueOf(summary)
    if (slimmed === undefined || season === undefined || eventId === "" || league === undefined) {
      skipped["no win probability, header, league or season"] = (skipped["no win probability, header, league or season"] ?? 0) + 1
      continue
    }
    const file = join(league, String(season), `${eventId}.json`)
    // A source may hold the same game under several names: the first path (in git order) is kept
    if (written.has(file)) {
      skipped["the same game again"] = (skipped["the same game again"] ?? 0) + 1
      continue
    }
    written.add(file)
    mkdirSync(join(out, league, String(season)), { recursive: true })
    writeFileSync(join(out, file), JSON.stringify(slimmed))
    manifest.push(JSON.stringify({ league, season, eventId, repository: source.repository, path, commit: source.commit, blob, file }))
  }
  const file = join(out, `manifest-${source.repository.replace("/", "+")}.jsonl`)
  // A game the source's previous build wrote and this one does not is removed, unless another
  // source's manifest lists it too
  const listed = (name: string): Array<string> =>
    existsSync(join(out, name)) ? readFileSync(join(out, name), "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => String((JSON.parse(l) as Json)["file"])) : []
  const others = new Set(readdirSync(out).filter((n) => n.startsWith("manifest") && n.endsWith(".jsonl") && join(out, n) !== file).flatMap(listed))
  const stale = listed(file.slice(out.length + 1)).filter((f) => !written.has(f) && !others.has(f))
  for (const f of stale) rmSync(join(out, f), { force: true })
  writeFileSync(file, manifest.join("\n") + "\n")
  console.log(`${source.repository}@${source.commit.slice(0, 8)}: ${written.size} of ${entries.length} summaries in ${file}; skipped: ${JSON.stringify(skipped)}${stale.length > 0 ? `; removed ${stale.length} no longer built` : ""}`)
}
