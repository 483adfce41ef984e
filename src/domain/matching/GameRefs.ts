/**
 * The adapter from the ESPN decoder's {@link GameState} to the matcher's {@link GameRef}.
 *
 * @since 0.1.0
 */
import type { GameState, TeamState } from "../../schema/GameState.ts"
import type { GameRef, GameTeam } from "./Inputs.ts"

const team = (t: TeamState): GameTeam => ({
  teamId: t.teamId,
  abbreviation: t.abbreviation,
  name: t.name,
  ...(t.location !== undefined ? { location: t.location } : {}),
  ...(t.nickname !== undefined ? { nickname: t.nickname } : {})
})

/** @category adapters */
export const gameRefOf = (state: GameState): GameRef => ({
  gameId: state.gameId,
  league: state.league,
  startTime: state.startTime,
  status: state.status,
  home: team(state.home),
  away: team(state.away)
})
