/**
 * What the ESPN inspect commands share: the `--league` flag and the league a payload is for.
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import { Flag } from "effect/cli"
import { League } from "../../../schema/Sport.ts"
import { inferLeague } from "../../../services/espn/Scoreboard.ts"
import { InspectError } from "./Payload.ts"

/** `--league`: overrides the league read from the payload. @category flags */
export const leagueFlag = Flag.Literals("league", League.literals).pipe(
  Flag.withDescription("the league, when the payload does not say (leagues[0].slug / header.league.slug)"),
  Flag.optional
)

/** The league from the flag, else from the payload. @category reading */
export const leagueOf = (file: string, json: unknown, flag: Option.Option<League>): Effect.Effect<League, InspectError> => {
  const league = Option.getOrUndefined(flag) ?? inferLeague(json)
  return league === undefined
    ? Effect.fail(new InspectError({ message: `cannot tell which league ${file} is for; pass --league (${League.literals.join(", ")})` }))
    : Effect.succeed(league)
}
