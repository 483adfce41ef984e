/**
 * Building priors: from pre-game odds (moneylines, spread, total), from venue prices at the start,
 * or, when there is nothing, the neutral league baseline flagged `none`.
 *
 * **Order of preference.** A de-vigged moneyline prices exactly the event we trade ("who wins"), so
 * it comes first; the spread is converted through the sport's margin model (`Spread.ts`) when
 * there is no usable moneyline. MLB and NHL spreads are fixed ±1.5 run or puck lines and are never
 * used as a prior. Soccer needs the three-way line (home, draw, away); a two-way soccer price is
 * not a win price and is ignored.
 *
 * The total line is attached where models use it (hockey and baseball goal or run rates); for
 * soccer the draw price pins the expected total better than a 2.5 line does.
 *
 * @since 0.1.0
 */
import type { PregameOdds } from "../../../schema/GameState.ts"
import { hasDraw, type Sport } from "../../../schema/Sport.ts"
import { basketballParameters } from "../Basketball.ts"
import { baseballHomeEdge } from "../Baseball.ts"
import { footballParameters } from "../Football.ts"
import { finish } from "../Goals.ts"
import { hockeyParameters } from "../Hockey.ts"
import { soccerBaselineRates } from "../Soccer.ts"
import { devig, type DevigMethod, impliedFromAmerican } from "./Devig.ts"
import { type LeagueBaseline, noPriorFrom, type Prior, priorOf } from "./Prior.ts"
import { homeWinFromSpread } from "./Spread.ts"

const twoWayBaseline = (home: number): LeagueBaseline => ({ home, draw: 0, away: 1 - home })

/** The league baseline with no team information, per sport (sources in each model module). @category baselines */
export const leagueBaseline = (sport: Sport): LeagueBaseline => {
  switch (sport) {
    case "nba":
    case "ncaab":
    case "wnba":
      return twoWayBaseline(homeWinFromSpread(sport, -basketballParameters[sport].homeEdge)!)
    case "nfl":
    case "ncaaf":
      return twoWayBaseline(homeWinFromSpread(sport, -footballParameters[sport].homeEdge)!)
    case "nhl":
      return twoWayBaseline(hockeyParameters.homeEdge)
    case "mlb":
      return twoWayBaseline(baseballHomeEdge)
    case "soccer":
    case "mls": {
      const f = finish(0, soccerBaselineRates.home, soccerBaselineRates.away)
      return { home: f.home, draw: f.level, away: f.away, rates: soccerBaselineRates }
    }
    case "tennis":
    case "mma":
      return twoWayBaseline(0.5)
  }
}

/**
 * The league baseline at a neutral site: no home edge (two-way sports even, soccer's home and away
 * goal rates averaged).
 *
 * @category baselines
 */
export const neutralBaseline = (sport: Sport): LeagueBaseline => {
  const sited = leagueBaseline(sport)
  if (sited.rates === undefined) return twoWayBaseline(0.5)
  const mean = (sited.rates.home + sited.rates.away) / 2
  const f = finish(0, mean, mean)
  return { home: f.home, draw: f.level, away: f.away, rates: { home: mean, away: mean } }
}

/**
 * The prior with no team information, `source: "none"`: the league home edge, or none at a
 * neutral site.
 *
 * @category constructors
 */
export const noPrior = (sport: Sport, neutralSite = false): Prior =>
  neutralSite ? noPriorFrom(sport, neutralBaseline(sport), "neutral site, no home edge") : noPriorFrom(sport, leagueBaseline(sport))

const usesTotal = (sport: Sport): boolean => sport === "nhl" || sport === "mlb"

const americanLabel = (odds: number): string => (odds > 0 ? `+${odds}` : `${odds}`)

/**
 * The prior from published pre-game odds, or the neutral prior (flagged) when the odds hold
 * nothing usable for this sport.
 *
 * @category constructors
 */
export const priorFromOdds = (sport: Sport, odds: PregameOdds, method: DevigMethod | "auto" = "auto"): Prior => {
  const total = usesTotal(sport) ? odds.total : undefined
  const home = odds.homeMoneyline !== undefined ? impliedFromAmerican(odds.homeMoneyline) : undefined
  const away = odds.awayMoneyline !== undefined ? impliedFromAmerican(odds.awayMoneyline) : undefined
  if (hasDraw(sport)) {
    const draw = odds.drawMoneyline !== undefined ? impliedFromAmerican(odds.drawMoneyline) : undefined
    if (home !== undefined && away !== undefined && draw !== undefined) {
      const fair = devig([home, draw, away], method)
      return priorOf("moneyline", { home: fair.probabilities[0]!, draw: fair.probabilities[1]!, away: fair.probabilities[2]! }, `${odds.provider} ML ${americanLabel(odds.homeMoneyline!)}/${americanLabel(odds.drawMoneyline!)}/${americanLabel(odds.awayMoneyline!)}, ${fair.method}`)
    }
  } else if (home !== undefined && away !== undefined) {
    const fair = devig([home, away], method)
    return priorOf("moneyline", { home: fair.probabilities[0]!, away: fair.probabilities[1]! }, `${odds.provider} ML ${americanLabel(odds.homeMoneyline!)}/${americanLabel(odds.awayMoneyline!)}, ${fair.method}`, { total })
  }
  if (odds.homeSpread !== undefined) {
    const p = homeWinFromSpread(sport, odds.homeSpread)
    if (p !== undefined) return priorOf("spread", { home: p, away: 1 - p }, `${odds.provider} home spread ${odds.homeSpread}`, { total })
  }
  const neutral = noPrior(sport)
  return { ...neutral, detail: `${neutral.detail} (odds from ${odds.provider} had no usable line)` }
}

/**
 * The prior from venue prices at the start (Kalshi/Polymarket mids, already close to
 * probabilities): normalised to sum to 1.
 *
 * @category constructors
 */
export const priorFromMarket = (prices: { readonly home: number; readonly draw?: number; readonly away: number }, detail: string): Prior =>
  priorOf("market", prices, detail)

/**
 * The prior from another model's pre-game P(home), e.g. ESPN's matchup predictor: `source: "rating"`.
 *
 * @category constructors
 */
export const priorFromRating = (home: number, detail: string, draw = 0): Prior => priorOf("rating", { home, draw, away: 1 - home - draw }, detail)
