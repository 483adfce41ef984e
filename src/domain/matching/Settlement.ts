/**
 * Settlement-rule equivalence between venues.
 *
 * Two markets on the same game are only an arbitrage if they pay out identically in every
 * outcome, including the awkward ones: a canceled or postponed game, overtime, a draw, and a
 * Polymarket negRisk event whose implicit "Other" outcome can win. Each market's rules are read
 * into a small {@link SettlementRules} record from its rule text and its league; anything the text
 * does not settle stays `unknown`, and an unknown never compares equal. So a pair is eligible only
 * when both venues' rules are known and the same.
 *
 * @since 0.1.0
 */
import type { Platform } from "../../schema/Platform.ts"
import type { League } from "../../schema/Sport.ts"

/** @category models */
export interface SettlementRules {
  readonly platform: Platform
  /** A game canceled or not completed: a 50-50 payout, a venue-set fair price, or "No" */
  readonly void: "fifty_fifty" | "fair_price" | "resolves_no" | "unknown"
  /** Whether overtime, extra innings or extra time count toward the result */
  readonly overtime: "included" | "regulation_only" | "unknown"
  /** How a draw settles: its own outcome, 50-50, or a draw cannot happen */
  readonly draw: "own_outcome" | "fifty_fifty" | "impossible" | "unknown"
  /** A negRisk event with an implicit "Other" outcome */
  readonly implicitOther: boolean
}

/** @category models */
export interface Equivalence {
  readonly eligible: boolean
  /** Why not, one entry per difference or unknown */
  readonly reasons: ReadonlyArray<string>
}

// Leagues whose games always produce a winner, with any overtime part of the game
const ALWAYS_DECIDED: ReadonlySet<League> = new Set(["nba", "wnba", "ncaab", "mlb", "nhl", "ncaaf"])
// League play in soccer has no extra time
const SOCCER_LEAGUE_PLAY: ReadonlySet<League> = new Set(["mls", "epl", "laliga", "bundesliga", "seriea", "ligue1"])

/**
 * Reads the rules of one market from its rule text (Kalshi `rules_primary`/`rules_secondary`,
 * Polymarket `description`) and its league.
 *
 * @category rules
 */
export const readRules = (
  platform: Platform,
  league: League,
  text: string,
  options: { readonly hasDrawOutcome: boolean; readonly implicitOther: boolean }
): SettlementRules => {
  const t = text.toLowerCase().replace(/\s+/g, " ")
  const voidRule: SettlementRules["void"] = /50-50|fifty[- ]fifty|50\/50/.test(t)
    ? "fifty_fifty"
    : /fair (market )?(price|value)|last traded price/.test(t)
    ? "fair_price"
    : /(cancel|postpon)[^.]*resolve[sd]? (to )?["“]?no\b/.test(t)
    ? "resolves_no"
    : "unknown"
  const overtime: SettlementRules["overtime"] = /(excluding|excludes|not include|does not count|regulation (time )?only|after 90 minutes|end of regulation)/.test(t)
    ? "regulation_only"
    : /(including|includes|include|counts?) (any )?(overtime|extra innings|extra time|shootouts?)/.test(t)
    ? "included"
    : ALWAYS_DECIDED.has(league)
    ? "included"
    : SOCCER_LEAGUE_PLAY.has(league)
    ? "regulation_only"
    : "unknown"
  const draw: SettlementRules["draw"] = options.hasDrawOutcome
    ? "own_outcome"
    : /(tie|draw)[^.]*(50-50|fifty[- ]fifty)/.test(t)
    ? "fifty_fifty"
    : ALWAYS_DECIDED.has(league)
    ? "impossible"
    : "unknown"
  return { platform, void: voidRule, overtime, draw, implicitOther: options.implicitOther }
}

/** Whether two markets settle identically in every case. @category rules */
export const equivalent = (a: SettlementRules, b: SettlementRules): Equivalence => {
  const reasons: Array<string> = []
  for (const r of [a, b]) {
    if (r.implicitOther) reasons.push(`${r.platform}: negRisk event with an implicit "Other" outcome`)
    if (r.void === "unknown") reasons.push(`${r.platform}: cancel/void rule unknown`)
    if (r.overtime === "unknown") reasons.push(`${r.platform}: overtime rule unknown`)
    if (r.draw === "unknown") reasons.push(`${r.platform}: draw rule unknown`)
  }
  if (a.void !== "unknown" && b.void !== "unknown" && a.void !== b.void) reasons.push(`void differs: ${a.void} vs ${b.void}`)
  if (a.overtime !== "unknown" && b.overtime !== "unknown" && a.overtime !== b.overtime) {
    reasons.push(`overtime differs: ${a.overtime} vs ${b.overtime}`)
  }
  if (a.draw !== "unknown" && b.draw !== "unknown" && a.draw !== b.draw) reasons.push(`draw differs: ${a.draw} vs ${b.draw}`)
  return { eligible: reasons.length === 0, reasons }
}
