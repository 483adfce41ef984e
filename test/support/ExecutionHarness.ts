/**
 * The execution driver on a real database, over paper venues that read a scripted market, with
 * a switch that loses the next submit answer in transit (the venue took the order; we never heard).
 */
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import * as BankrollActor from "../../src/actors/Bankroll.ts"
import { ExecutionDriver } from "../../src/actors/Execution.ts"
import { OrderError, OutcomeUnknown } from "../../src/schema/errors/OrderError.ts"
import { DeadLetters } from "../../src/services/DeadLetters.ts"
import { EventBus } from "../../src/services/bus/EventBus.ts"
import { Outbox } from "../../src/services/bus/Outbox.ts"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import { makePaperVenue, PaperMarket, paperSettings } from "../../src/services/venue/PaperVenue.ts"
import { type Venue, Venues } from "../../src/services/venue/Venue.ts"
import { makeScriptedMarket, type ScriptedMarket } from "./ScriptedMarket.ts"
import { actorRuntime, type DatabaseChoice } from "./Runtime.ts"

export interface Harness {
  readonly market: ScriptedMarket
  /** Lose the answer of the next submit to this platform (the venue still gets the order) */
  readonly loseNextAnswer: (platform: "kalshi" | "polymarket") => void
}

const lossy = (venue: Venue, lose: Set<string>): Venue => ({
  ...venue,
  submit: (order) =>
    Effect.flatMap(venue.submit(order), (result) =>
      lose.delete(venue.platform)
        ? Effect.fail(new OrderError({ platform: venue.platform, reason: new OutcomeUnknown({ message: "connection reset after send" }) }))
        : Effect.succeed(result))
})

export const harness = (kind: DatabaseChoice, overrides: Record<string, string> = {}) => {
  let handle: Harness | undefined
  let script: ScriptedMarket | undefined
  const market = Layer.effect(PaperMarket, Effect.map(makeScriptedMarket, (m) => ((script = m.script), m.service)))
  const venues = Layer.effect(
    Venues,
    Effect.gen(function*() {
      const settings = yield* paperSettings
      const lose = new Set<string>()
      const make = (p: "kalshi" | "polymarket") => Effect.map(makePaperVenue(p, settings), (v) => lossy(v, lose))
      const kalshi = yield* make("kalshi")
      const polymarket = yield* make("polymarket")
      handle = { market: script!, loseNextAnswer: (p) => void lose.add(p) }
      return Venues.of({ get: (p) => (p === "kalshi" ? kalshi : polymarket) })
    })
  )
  const layer = ExecutionDriver.layer.pipe(
    Layer.provideMerge(venues),
    Layer.provideMerge(market),
    Layer.provideMerge(Outbox.layerNoRelay),
    Layer.provideMerge(EventBus.layerMemory),
    Layer.provideMerge(DeadLetters.layer),
    Layer.provideMerge(actorRuntime(kind, { "paper.latency": "20ms", "paper.jitter": "1ms", "bankroll.initial": "1000", ...overrides }))
  )
  return { layer, handle: () => handle! }
}

/** A game row (orders reference it) and the opened account. */
export const seedGame = (gameId: string, sport: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { config } = yield* AppConfig
    yield* sql`INSERT INTO games (game_id, league, sport, home_team_id, home_team, home_abbr, away_team_id, away_team, away_abbr, start_time, status)
               VALUES (${gameId}, ${sport}, ${sport}, '1', 'Home', 'HOM', '2', 'Away', 'AWY', now(), 'in_progress') ON CONFLICT DO NOTHING`
    yield* BankrollActor.openAccount(config.bankroll.account, config.bankroll.initial)
  })
