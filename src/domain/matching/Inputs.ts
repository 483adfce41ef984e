/**
 * The small, normalised inputs the matcher works on. Thin adapters build them from the ESPN
 * decoder's `GameState` and from the Kalshi and Polymarket wire schemas, so the matching core does
 * not depend on any wire format.
 *
 * @since 0.1.0
 */
import type { GameStatus } from "../../schema/GameState.ts"
import type { League } from "../../schema/Sport.ts"

/** One side of an ESPN game. @category models */
export interface GameTeam {
  readonly teamId: string
  readonly abbreviation: string
  readonly name: string
  readonly location?: string
  readonly nickname?: string
}

/** An ESPN game to find markets for. @category models */
export interface GameRef {
  readonly gameId: string
  readonly league: League
  /** Scheduled start, epoch ms */
  readonly startTime: number
  readonly status: GameStatus
  readonly home: GameTeam
  readonly away: GameTeam
}

/** One Kalshi market inside an event listing. @category models */
export interface KalshiMarketListing {
  readonly ticker: string
  readonly title?: string
  readonly yesSubTitle?: string
  readonly noSubTitle?: string
  readonly status?: string
  /** Epoch ms */
  readonly openTime?: number
  readonly closeTime?: number
  readonly expectedExpirationTime?: number
  readonly occurrenceTime?: number
  readonly rulesPrimary?: string
  readonly rulesSecondary?: string
}

/** A Kalshi event with its markets (`/events?with_nested_markets=true`, or `/markets` grouped). @category models */
export interface KalshiEventListing {
  readonly eventTicker: string
  readonly seriesTicker?: string
  readonly title?: string
  readonly subTitle?: string
  readonly markets: ReadonlyArray<KalshiMarketListing>
}

/** A Gamma `teams[]` entry. @category models */
export interface PolymarketTeam {
  readonly name: string
  readonly abbreviation?: string
  readonly ordering?: "home" | "away"
}

/** One Polymarket market (a condition) of an event. @category models */
export interface PolymarketMarketListing {
  readonly id: string
  readonly conditionId: string
  readonly slug?: string
  readonly question: string
  readonly groupItemTitle?: string
  readonly outcomes: ReadonlyArray<string>
  readonly tokenIds: ReadonlyArray<string>
  readonly sportsMarketType?: string
  /** Epoch ms */
  readonly gameStartTime?: number
  readonly negRisk?: boolean
  readonly negRiskOther?: boolean
  readonly description?: string
  readonly closed?: boolean
}

/** A Gamma event. @category models */
export interface PolymarketEventListing {
  readonly id: string
  readonly slug: string
  readonly title: string
  readonly seriesSlug?: string
  readonly tagSlugs: ReadonlyArray<string>
  readonly teams: ReadonlyArray<PolymarketTeam>
  readonly gameId?: string
  /** `YYYY-MM-DD` */
  readonly eventDate?: string
  /** Epoch ms */
  readonly startTime?: number
  readonly negRisk: boolean
  readonly negRiskAugmented: boolean
  readonly description?: string
  readonly markets: ReadonlyArray<PolymarketMarketListing>
}
