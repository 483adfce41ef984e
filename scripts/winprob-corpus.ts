/**
 * Rebuilds the win-probability evaluation corpus from fetched snapshots of public repositories.
 *
 *   npx node scripts/winprob-corpus.ts [--mirror /work/.mirror] [--out .arbees/corpus] [--source owner/name]
 *
 * Each source is a bare git directory (`<mirror>/<owner>+<name>/repo`, as the fetch tool leaves it)
 * at a pinned commit. Every ESPN summary there with a win probability is slimmed to what
 * `arbees eval winprob --corpus` reads (header, drives or plays, pickcenter, predictor and the
 * per-play probability, renamed to `winprobability` where the source calls it `espnWP` or
 * `espnWinProbability`) and written to `<out>/<league>/<season>/<event>.json`, with one line per
 * game in `<out>/manifest-<owner>+<name>.jsonl` (one manifest per source, so one source can be
 * rebuilt alone with `--source`): repository, path, commit, blob, event id, league, season. The data
 * stays outside git; this script is how it is rebuilt. Uses only Node built-ins and `git`.
 *
 * Sources (see `shared/data/SOURCES.md` for the catalogue):
 * - saiemgilani/game-on-paper-app: ESPN college-football summaries, 2019 and 2020 (`espnWP`),
 *   under `data/cfb/<season>/` at the commit before their removal.
 * - sportsdataverse/gp-cfb-raw: ESPN college-football summaries, 2022 (`winprobability`). The 2022
 *   season is reserved for independent evaluation: nothing is fitted or tuned on it.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { existsSync, mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"

interface Source {
  readonly repository: string
  readonly commit: string
  readonly prefixes: ReadonlyArray<string>
  readonly league: string
}

const sources: ReadonlyArray<Source> = [
  { repository: "saiemgilani/game-on-paper-app", commit: "1aaaf9fef2f3ea55718c24798bd68ae2720089a6", prefixes: ["data/cfb/2019/", "data/cfb/2020/"], league: "ncaaf" },
  { repository: "sportsdataverse/gp-cfb-raw", commit: "a1cfce2f95b3661a35f460969432f1d3547a8f20", prefixes: ["cfb/json/final/"], league: "ncaaf" }
]

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback
}

const mirror = arg("mirror", "/work/.mirror")
const out = arg("out", ".arbees/corpus")
const only = arg("source", "")

type Json = Record<string, unknown>

const PLAY_KEYS = ["id", "sequenceNumber", "type", "text", "awayScore", "homeScore", "period", "clock", "start", "end", "scoringPlay", "scoreValue"]
const END_KEYS = ["team", "down", "distance", "yardsToEndzone", "yardLine"]

const pick = (o: unknown, keys: ReadonlyArray<string>): Json | undefined => {
  if (typeof o !== "object" || o === null) return undefined
  const r: Json = {}
  for (const k of keys) if ((o as Json)[k] !== undefined) r[k] = (o as Json)[k]
  return r
}

const slimPlay = (p: unknown): Json | undefined => {
  const play = pick(p, PLAY_KEYS)
  if (play === undefined) return undefined
  for (const side of ["start", "end"]) {
    const s = pick(play[side], END_KEYS)
    if (s !== undefined) {
      const team = pick(s["team"], ["id"])
      play[side] = { ...s, ...(team === undefined ? {} : { team }) }
    }
  }
  return play
}

const probabilities = (summary: Json): ReadonlyArray<unknown> => {
  for (const key of ["winprobability", "espnWP", "espnWinProbability"]) {
    const v = summary[key]
    if (Array.isArray(v) && v.length > 0) return v
  }
  return []
}

/** Drive plays when there are drives (the sources' top-level `plays` are processed rows, not ESPN's). */
const slim = (summary: Json): Json | undefined => {
  const wp = probabilities(summary)
  const header = summary["header"] as Json | undefined
  if (wp.length === 0 || header === undefined) return undefined
  const drives = summary["drives"] as { previous?: Array<{ plays?: Array<unknown> }>; current?: { plays?: Array<unknown> } } | undefined
  const slimDrives = drives === undefined ? undefined : {
    previous: (drives.previous ?? []).map((d) => ({ plays: (d.plays ?? []).map(slimPlay).filter((p) => p !== undefined) })),
    ...(drives.current?.plays === undefined ? {} : { current: { plays: drives.current.plays.map(slimPlay).filter((p) => p !== undefined) } })
  }
  return {
    header,
    ...(slimDrives === undefined ? { plays: summary["plays"] } : { drives: slimDrives }),
    ...(summary["pickcenter"] === undefined ? {} : { pickcenter: summary["pickcenter"] }),
    ...(summary["predictor"] === undefined ? {} : { predictor: summary["predictor"] }),
    winprobability: wp.map((w) => pick(w, ["playId", "homeWinPercentage", "tiePercentage"]))
  }
}

const seasonOf = (summary: Json, path: string): number | undefined => {
  const header = summary["header"] as { season?: { year?: unknown } } | undefined
  const fromHeader = Number(header?.season?.year ?? (summary["season"] as { year?: unknown } | undefined)?.year)
  if (Number.isInteger(fromHeader) && fromHeader > 1900) return fromHeader
  const m = /\/(20\d\d)\//.exec(path)
  return m === null ? undefined : Number(m[1])
}

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
  let written = 0
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
    const slimmed = slim(summary)
    const season = seasonOf(summary, path)
    const eventId = String((summary["header"] as Json | undefined)?.["id"] ?? /(\d+)\.json$/.exec(path)?.[1] ?? "")
    if (slimmed === undefined || season === undefined || eventId === "") {
      skipped["no win probability, header or season"] = (skipped["no win probability, header or season"] ?? 0) + 1
      continue
    }
    const dir = join(out, source.league, String(season))
    mkdirSync(dir, { recursive: true })
    const file = join(source.league, String(season), `${eventId}.json`)
    writeFileSync(join(out, file), JSON.stringify(slimmed))
    manifest.push(JSON.stringify({ league: source.league, season, eventId, repository: source.repository, path, commit: source.commit, blob, file }))
    written++
  }
  const file = join(out, `manifest-${source.repository.replace("/", "+")}.jsonl`)
  writeFileSync(file, manifest.join("\n") + "\n")
  console.log(`${source.repository}@${source.commit.slice(0, 8)}: ${written} of ${entries.length} summaries in ${file}; skipped: ${JSON.stringify(skipped)}`)
}
