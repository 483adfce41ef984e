/**
 * What the ESPN inspect commands share: the league a payload is for.
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import { League } from "../../../schema/Sport.ts"
import { inferLeague } from "../../../services/espn/Scoreboard.ts"
import { InspectError } from "./Payload.ts"

/** The league from the flag, else from the payload. @category reading */
export const leagueOf = (file: string, json: unknown, flag: Option.Option<League>): Effect.Effect<League, InspectError> => {
  const league = Option.getOrUndefined(flag) ?? inferLeague(json)
  return league === undefined
    ? Effect.fail(new InspectError({ message: `cannot tell which league ${file} is for; pass --league (${League.literals.join(", ")})` }))
    : Effect.succeed(league)
}
