/**
 * Slimming an ESPN game summary to what `arbees eval winprob --corpus` reads, for
 * `scripts/winprob-corpus.ts` (which imports this module directly under Node, so it has no imports
 * and uses only erasable TypeScript).
 *
 * - Football keeps the drive plays (the sources' top-level `plays` are processed rows there, not
 *   ESPN's), each cut to the keys the summary decoder reads.
 * - Every other sport keeps the top-level plays, each cut to the keys the decoder reads (clock,
 *   period, score, team; for baseball outs, count and runners).
 * - The per-play probability is renamed to `winprobability` where the source calls it `espnWP` or
 *   `espnWinProbability`, keeping only entries with a probability (a summary with none is left
 *   out); the header, pickcenter and predictor are kept whole (the header carries
 *   the result, the pickcenter the pre-game line the live system would have had).
 *
 * @since 0.1.0
 */

type Json = Record<string, unknown>

/** The keys of a drive play (football) that the decoder reads. */
const DRIVE_PLAY_KEYS = ["id", "sequenceNumber", "type", "text", "awayScore", "homeScore", "period", "clock", "start", "end", "scoringPlay", "scoreValue"]
const END_KEYS = ["team", "down", "distance", "yardsToEndzone", "yardLine"]
/** The keys of a top-level play (basketball, baseball, hockey) that the decoder reads. */
const PLAY_KEYS = [
  "id",
  "sequenceNumber",
  "type",
  "text",
  "awayScore",
  "homeScore",
  "period",
  "clock",
  "team",
  "scoringPlay",
  "scoreValue",
  "start",
  "end",
  "outs",
  "resultCount",
  "onFirst",
  "onSecond",
  "onThird",
  "atBatId"
]

const pick = (o: unknown, keys: ReadonlyArray<string>): Json | undefined => {
  if (typeof o !== "object" || o === null) return undefined
  const r: Json = {}
  for (const k of keys) if ((o as Json)[k] !== undefined) r[k] = (o as Json)[k]
  return r
}

const slimDrivePlay = (p: unknown): Json | undefined => {
  const play = pick(p, DRIVE_PLAY_KEYS)
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

const slimPlay = (p: unknown): Json | undefined => {
  const play = pick(p, PLAY_KEYS)
  if (play === undefined) return undefined
  const team = pick(play["team"], ["id"])
  if (team !== undefined) play["team"] = team
  return play
}

/**
 * ESPN's per-play probabilities under whichever key the source used, or none.
 *
 * @category slimming
 */
export const probabilities = (summary: Json): ReadonlyArray<unknown> => {
  for (const key of ["winprobability", "espnWP", "espnWinProbability"]) {
    const v = summary[key]
    // Old summaries list every play with no probability in it: those entries say nothing
    const given = Array.isArray(v) ? v.filter((w) => typeof w === "object" && w !== null && (w as Json)["homeWinPercentage"] != null) : []
    if (given.length > 0) return given
  }
  return []
}

const defined = <A>(a: A | undefined): a is A => a !== undefined

/**
 * The slimmed summary, or undefined when it has no probability or no header.
 *
 * @category slimming
 */
export const slimSummary = (summary: Json): Json | undefined => {
  const wp = probabilities(summary)
  const header = summary["header"] as Json | undefined
  if (wp.length === 0 || header === undefined) return undefined
  const drives = summary["drives"] as { previous?: Array<{ plays?: Array<unknown> }>; current?: { plays?: Array<unknown> } } | undefined
  const slimDrives = drives === undefined ? undefined : {
    previous: (drives.previous ?? []).map((d) => ({ plays: (d.plays ?? []).map(slimDrivePlay).filter(defined) })),
    ...(drives.current?.plays === undefined ? {} : { current: { plays: drives.current.plays.map(slimDrivePlay).filter(defined) } })
  }
  const plays = Array.isArray(summary["plays"]) ? (summary["plays"] as Array<unknown>).map(slimPlay).filter(defined) : undefined
  return {
    header,
    ...(slimDrives !== undefined ? { drives: slimDrives } : plays !== undefined ? { plays } : {}),
    ...(summary["pickcenter"] === undefined ? {} : { pickcenter: summary["pickcenter"] }),
    ...(summary["predictor"] === undefined ? {} : { predictor: summary["predictor"] }),
    winprobability: wp.map((w) => pick(w, ["playId", "homeWinPercentage", "tiePercentage"]))
  }
}

/** ESPN league slugs → arbees leagues, for the sports where ESPN publishes a probability. */
const LEAGUES: Record<string, string> = {
  "college-football": "ncaaf",
  nfl: "nfl",
  nba: "nba",
  wnba: "wnba",
  "mens-college-basketball": "ncaab",
  mlb: "mlb"
}

/**
 * The arbees league of a summary, from `header.league.slug`.
 *
 * @category slimming
 */
export const leagueOf = (summary: Json): string | undefined => {
  const slug = ((summary["header"] as { league?: { slug?: unknown } } | undefined)?.league?.slug)
  return typeof slug === "string" ? LEAGUES[slug] : undefined
}

/**
 * The season of a summary: `header.season.year`, else a `/20xx/` folder in its path.
 *
 * @category slimming
 */
export const seasonOf = (summary: Json, path: string): number | undefined => {
  const header = summary["header"] as { season?: { year?: unknown } } | undefined
  const fromHeader = Number(header?.season?.year ?? (summary["season"] as { year?: unknown } | undefined)?.year)
  if (Number.isInteger(fromHeader) && fromHeader > 1900) return fromHeader
  const m = /\/(20\d\d)\//.exec(path)
  return m === null ? undefined : Number(m[1])
}

/**
 * The event id of a summary: `header.id`, else the digits of its file name.
 *
 * @category slimming
 */
export const eventIdOf = (summary: Json, path: string): string =>
  String((summary["header"] as Json | undefined)?.["id"] ?? /(\d+)\.json$/.exec(path)?.[1] ?? "")
