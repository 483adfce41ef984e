/**
 * The JSON line `arbees match` prints per ESPN game: the matched market ids per venue with their
 * outcome mapping, confidence, method and evidence, or `unmatched` with the reason.
 *
 * @since 0.1.0
 */
import type { GameMatch, Unmatched, VenueMatch } from "./Matcher.ts"

const venue = (m: VenueMatch | Unmatched) =>
  m._tag === "Unmatched"
    ? { status: "unmatched", reason: m.reason, detail: m.detail }
    : {
      status: "matched",
      method: m.method,
      confidence: m.confidence,
      eventId: m.eventId,
      markets: m.markets.map((k) => ({
        marketId: k.marketId,
        outcomes: k.outcomes.map((o) => ({ outcomeId: o.outcomeId, label: o.label, meaning: o.meaning })),
        rules: { void: k.rules.void, overtime: k.rules.overtime, draw: k.rules.draw, implicitOther: k.rules.implicitOther }
      })),
      evidence: m.evidence
    }

/** One game's result as a plain object for `JSON.stringify`. @category formatting */
export const matchLine = (g: GameMatch) => ({
  gameId: g.game.gameId,
  league: g.game.league,
  start: new Date(g.game.startTime).toISOString(),
  status: g.game.status,
  away: { teamId: g.game.away.teamId, abbreviation: g.game.away.abbreviation, name: g.game.away.name },
  home: { teamId: g.game.home.teamId, abbreviation: g.game.home.abbreviation, name: g.game.home.name },
  kalshi: venue(g.kalshi),
  polymarket: venue(g.polymarket),
  arbitrage: g.arbitrage
})
