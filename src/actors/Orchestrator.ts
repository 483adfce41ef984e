/**
 * The orchestrator: a cluster singleton that decides which games have actors.
 *
 * It runs ESPN discovery (adaptive polling of the configured leagues, inside its own scope, so
 * only the runner that owns the singleton polls), matches the followed games to venue markets and
 * reads each market's fee terms. Then, for each game:
 *
 * - shortly before the start (`discovery.activateBefore`), or as soon as it is live, it sends a
 *   persisted `Track` with the mapped outcomes — which activates the game's entity wherever its
 *   shard lives — and re-sends it when the mapping changes;
 * - it forwards every new ESPN state as an `Update`, and re-sends the latest one to every tracked
 *   game each discovery interval, which also re-activates a game on a new runner after a move;
 * - once the game is final and holds nothing (its positions settled from the venues' results or
 *   exited, no order of open fate), it sends a persisted `Release`, and the actor passivates. A
 *   game whose venues have not settled within `discovery.releaseAfter` of the final is released
 *   anyway: the upkeep singleton goes on settling its positions without an actor.
 *
 * Intake stops when the singleton is interrupted (shutdown or a shard move): discovery ends, no
 * new game is activated. The games table is upserted from every state, so orders and risk queries
 * always find their game; while the database is unreachable the upserts wait, in order, and are
 * written when it answers.
 *
 * @since 0.1.0
 */
import { Context, Duration, Effect, Hash, Layer, Option, Queue, Stream } from "effect"
import { Singleton } from "effect/cluster"
import { SqlClient } from "effect/sql"
import { settlingWinner } from "../domain/execution/Resolution.ts"
import { gameRefOf } from "../domain/matching/GameRefs.ts"
import type { GameMatch, VenueMatch } from "../domain/matching/Matcher.ts"
import { AppConfig } from "../services/config/AppConfig.ts"
import { Diagnostics } from "../services/Diagnostics.ts"
import { type GameState, isFinished, isLive } from "../schema/GameState.ts"
import type { MarketId, OutcomeId } from "../schema/Ids.ts"
import type { Platform } from "../schema/Platform.ts"
import * as WriteBehind from "../services/database/WriteBehind.ts"
import { Discovery } from "../services/espn/Discovery.ts"
import { MarketTerms } from "../services/MarketTerms.ts"
import { MarketDiscovery } from "../services/matching/MarketDiscovery.ts"
import { Game, type TrackedOutcome } from "./Game.ts"
import { holdsAnything } from "./Positions.ts"
import { nowMillis } from "../services/Time.ts"

interface Followed {
  state: GameState
  outcomes: ReadonlyArray<TrackedOutcome>
  revision: string
  /** The revision the actor was last sent, if any */
  sent: string | undefined
  /** Bumped when an activation turns out not to be tracked, so the same revision is delivered again */
  attempt: number
  finishedAt: number | undefined
  released: boolean
  /** When this orchestrator first saw the game */
  seenAt: number
  /** Whether a market discovery has run with this game in it (its outcomes are known) */
  mapped: boolean
}

/**
 * Upserts the `games` row from a state: orders, positions and risk queries refer to it.
 *
 * @category persistence
 */
export const upsertGame = Effect.fn("Orchestrator.upsertGame")(function*(s: GameState) {
  const sql = yield* SqlClient.SqlClient
  // As the markets settle: a soccer game past 90 minutes is a draw whoever advanced
  const winner = settlingWinner(s) ?? null
  yield* sql`
    INSERT INTO games (game_id, league, sport, home_team_id, home_team, home_abbr, away_team_id, away_team, away_abbr,
                       start_time, status, home_score, away_score, winner, updated_at)
    VALUES (${s.gameId}, ${s.league}, ${s.sport}, ${s.home.teamId}, ${s.home.name}, ${s.home.abbreviation}, ${s.away.teamId},
            ${s.away.name}, ${s.away.abbreviation}, to_timestamp(${s.startTime / 1000}), ${s.status}, ${s.home.score}, ${s.away.score},
            ${winner}, to_timestamp(${s.observedAt / 1000}))
    ON CONFLICT (game_id) DO UPDATE SET
      league = excluded.league, sport = excluded.sport, home_team = excluded.home_team, away_team = excluded.away_team,
      start_time = excluded.start_time, status = excluded.status, home_score = excluded.home_score,
      away_score = excluded.away_score, winner = excluded.winner, updated_at = excluded.updated_at`
})

/** How long the direct write of a games row may take before it joins the write-behind queue. */
const UPSERT_TIMEOUT = Duration.seconds(5)

/** Whether a game's actor should be running at `now`. @category policy */
export const isDue = (state: GameState, now: number, activateBefore: Duration.Duration): boolean =>
  isLive(state) || (!isFinished(state) && state.startTime - now <= Duration.toMillis(activateBefore))

const revisionOf = (outcomes: ReadonlyArray<TrackedOutcome>): string =>
  outcomes.length === 0 ? "none" : Math.abs(Hash.string(JSON.stringify(outcomes.map((o) => [o.outcome, o.meaning, o.fees, o.arbEligible])))).toString(36)

/**
 * The tradeable outcomes of a match: every mapped outcome whose fee terms are known. A market
 * that is not routable is logged when its reason first appears or changes, not on every refresh
 * (`notRoutable` remembers the last reason per market).
 */
/**
 * The outcomes a game's match makes tradeable. What could not be asked this time (a venue whose
 * listings failed, a market whose fee terms could not be fetched) keeps what `previous` tracked
 * there: a passing venue error never takes a game's markets (and the positions held in them) away.
 */
const outcomesOf = Effect.fn("Orchestrator.outcomesOf")(function*(
  match: GameMatch,
  terms: MarketTerms["Service"],
  notRoutable: Map<string, string>,
  previous: ReadonlyArray<TrackedOutcome>,
  unavailable: ReadonlyArray<Platform>
) {
  const result: Array<TrackedOutcome> = previous.filter((o) => unavailable.includes(o.outcome.platform))
  const venues: ReadonlyArray<VenueMatch> = [match.kalshi, match.polymarket].filter((v): v is VenueMatch => v._tag === "Matched" && !unavailable.includes(v.platform))
  for (const venue of venues) {
    for (const market of venue.markets) {
      const t = yield* terms.termsOf(venue.platform, market.marketId)
      const key = `${venue.platform}:${market.marketId}`
      if (t._tag === "NonRoutable" && t.transient === true) {
        result.push(...previous.filter((o) => o.outcome.platform === venue.platform && o.outcome.marketId === market.marketId))
      }
      if (t._tag === "NonRoutable") {
        if (notRoutable.get(key) !== t.reason) {
          notRoutable.set(key, t.reason)
          yield* Effect.logWarning("market not routable").pipe(
            Effect.annotateLogs({ gameId: match.game.gameId, platform: venue.platform, market: market.marketId, reason: t.reason })
          )
        }
        continue
      }
      if (notRoutable.delete(key)) {
        yield* Effect.logInfo("market routable again").pipe(Effect.annotateLogs({ gameId: match.game.gameId, platform: venue.platform, market: market.marketId }))
      }
      for (const o of market.outcomes) {
        result.push({
          outcome: { platform: venue.platform, marketId: market.marketId as MarketId, outcomeId: o.outcomeId as OutcomeId },
          meaning: o.meaning,
          fees: t.fees,
          // Fuzzy matches are never used for arbitrage; rules must be equivalent on both venues
          arbEligible: match.arbitrage.eligible && venue.method === "deterministic"
        })
      }
    }
  }
  return result
})

/** The orchestrator's loop. @category running */
export const run = Effect.gen(function*() {
  const { config } = yield* AppConfig
  const diagnostics = yield* Diagnostics
  const report = yield* diagnostics.register({ id: "orchestrator", kind: "orchestrator", parent: "runner" })
  const discovery = Context.get(yield* Layer.build(Discovery.layer), Discovery)
  const matching = yield* Effect.serviceOption(MarketDiscovery)
  const terms = yield* Effect.serviceOption(MarketTerms)
  const games = yield* Game.client
  const followed = new Map<string, Followed>()
  const notRoutable = new Map<string, string>()
  report.status = "running"
  yield* Effect.addFinalizer(() => Effect.sync(() => void (report.status = "stopped")))

  const matchingOn = Option.isSome(matching) && Option.isSome(terms)
  // A game is first tracked with its markets known: an orchestrator that starts again (its shard
  // moved, a restart) must not tell a running game actor that it has none. Past two discovery
  // rounds without a mapping (matching is failing) the game is tracked anyway, for its states.
  const ready = (f: Followed, now: number) => f.mapped || now - f.seenAt >= 2 * Duration.toMillis(config.discovery.interval)
  const newGames = yield* Queue.sliding<void>(1)
  // A games row that cannot be written now (the database is unreachable) is written when it answers
  // again, in order: while one waits, the newer ones queue behind it rather than overtake it
  const writes = yield* WriteBehind.make({
    name: "orchestrator",
    capacity: 10_000,
    retryBase: config.bus.reconnectBase,
    retryMax: config.bus.reconnectMax,
    drainTimeout: config.shutdown.stepTimeout
  })
  const sql = yield* SqlClient.SqlClient
  const upsert = (state: GameState) => upsertGame(state).pipe(Effect.provideService(SqlClient.SqlClient, sql))
  const storeGame = (state: GameState) =>
    writes.pending() > 0
      ? writes.enqueue("game", upsert(state))
      : upsert(state).pipe(
        // A connection that hangs must not hold up the states behind this one
        Effect.timeout(UPSERT_TIMEOUT),
        Effect.catch(() => writes.enqueue("game", upsert(state)))
      )

  const send = <A, E>(gameId: string, what: string, effect: Effect.Effect<A, E>) =>
    effect.pipe(
      Effect.timeout(config.shutdown.stepTimeout),
      Effect.catchCause((cause) => Effect.logWarning(`could not ${what}`, cause).pipe(Effect.annotateLogs({ gameId }))),
      Effect.asVoid
    )

  const track = (f: Followed) =>
    send(f.state.gameId, "track the game", games(f.state.gameId).Track({ state: f.state, outcomes: f.outcomes, revision: f.revision, attempt: f.attempt })).pipe(
      Effect.tap(() =>
        Effect.gen(function*() {
          const first = f.sent === undefined
          f.sent = f.revision
          if (!first) return
          const s = f.state
          yield* Effect.logInfo("game tracked").pipe(Effect.annotateLogs({
            gameId: s.gameId,
            league: s.league,
            game: `${s.away.name} at ${s.home.name}`,
            start: new Date(s.startTime).toISOString(),
            status: s.status,
            outcomes: f.outcomes.length
          }))
        })
      )
    )

  /** Sends the latest state; an actor that answers with another revision (a fresh activation) is re-tracked. */
  const update = (f: Followed) =>
    games(f.state.gameId).Update({ state: f.state }).pipe(
      Effect.timeout(config.shutdown.stepTimeout),
      Effect.flatMap((reply) =>
        reply.revision === f.sent
          ? Effect.void
          : Effect.gen(function*() {
            f.attempt++
            yield* track(f)
          })
      ),
      Effect.catchCause((cause) => Effect.logWarning("could not update the game", cause).pipe(Effect.annotateLogs({ gameId: f.state.gameId })))
    )

  const onState = Effect.fn("Orchestrator.onState")(function*(state: GameState) {
    report.lastMessageAt = yield* nowMillis
    yield* storeGame(state)
    const now = yield* nowMillis
    let f = followed.get(state.gameId)
    if (f === undefined) {
      f = { state, outcomes: [], revision: "none", sent: undefined, attempt: 0, finishedAt: undefined, released: false, seenAt: now, mapped: !matchingOn }
      followed.set(state.gameId, f)
      // A new game: match it now rather than at the next round
      if (matchingOn) yield* Queue.offer(newGames, undefined)
    }
    f.state = state
    if (isFinished(state) && f.finishedAt === undefined) f.finishedAt = now
    if (f.sent !== undefined) yield* update(f)
    else if (isDue(state, now, config.discovery.activateBefore) && ready(f, now)) yield* track(f)
    report.details["games"] = followed.size
  })

  /** Matches the followed games to venue markets; a changed mapping is re-tracked by `sweep`. */
  const refreshMappings = Effect.fn("Orchestrator.refreshMappings")(function*() {
    if (Option.isNone(matching) || Option.isNone(terms)) return
    const open = [...followed.values()].filter((f) => !f.released)
    if (open.length === 0) return
    const matched = yield* matching.value.discover(open.map((f) => gameRefOf(f.state))).pipe(Effect.option)
    if (Option.isNone(matched)) return
    for (const m of matched.value.games) {
      const f = followed.get(m.game.gameId)
      if (f === undefined) continue
      f.outcomes = yield* outcomesOf(m, terms.value, notRoutable, f.outcomes, matched.value.unavailable)
      const revision = revisionOf(f.outcomes)
      if (revision !== f.revision) {
        for (const venue of [m.kalshi, m.polymarket]) {
          if (venue._tag !== "Matched") continue
          yield* Effect.logInfo("markets matched").pipe(Effect.annotateLogs({
            gameId: f.state.gameId,
            game: `${f.state.away.abbreviation} at ${f.state.home.abbreviation}`,
            platform: venue.platform,
            event: venue.eventId,
            markets: venue.markets.map((mk) => mk.marketId).join(","),
            method: venue.method,
            confidence: venue.confidence,
            evidence: venue.evidence.join("; "),
            tradeable: f.outcomes.filter((o) => o.outcome.platform === venue.platform).length
          }))
        }
      }
      f.revision = revision
    }
    // Only now that their outcomes are set may they be tracked: the due ones at once
    for (const f of open) f.mapped = true
    const now = yield* nowMillis
    const due = open.filter((f) => !f.released && f.sent === undefined && isDue(f.state, now, config.discovery.activateBefore))
    yield* Effect.forEach(due, track, { concurrency: 16, discard: true })
  })

  /**
   * Activates due games, re-tracks changed mappings, re-sends the latest state (which also
   * re-activates a game whose shard moved to another runner) and releases finished games. Sends
   * run concurrently and each is bounded, so one slow entity cannot hold up the others.
   */
  const sweep = Effect.fn("Orchestrator.sweep")(function*() {
    // Discovery publishes changes only; a game first seen before this loop subscribed is picked up here
    for (const { state } of yield* discovery.games) {
      const known = followed.get(state.gameId)
      if (known === undefined || known.state.observedAt < state.observedAt) yield* onState(state)
    }
    const now = yield* nowMillis
    const open = [...followed.values()].filter((f) =>
      !f.released && (f.sent !== undefined || (isDue(f.state, now, config.discovery.activateBefore) && ready(f, now)))
    )
    yield* Effect.forEach(
      open,
      (f) =>
        Effect.gen(function*() {
          if (f.sent !== f.revision) yield* track(f)
          else yield* update(f)
          const settled = f.finishedAt !== undefined &&
            (now - f.finishedAt >= Duration.toMillis(config.discovery.releaseAfter) || !(yield* holdsAnything(f.state.gameId).pipe(Effect.orElseSucceed(() => true))))
          if (settled) {
            yield* send(f.state.gameId, "release the game", games(f.state.gameId).Release({ gameId: f.state.gameId, reason: `final ${f.state.detail}` }))
            f.released = true
            followed.delete(f.state.gameId)
          }
        }),
      { concurrency: 16, discard: true }
    )
    report.details["tracked"] = [...followed.values()].filter((f) => f.sent !== undefined).length
  })

  const every = <R>(name: string, effect: Effect.Effect<void, never, R>) =>
    effect.pipe(
      Effect.catchCause((cause) => Effect.logError(`orchestrator ${name} failed`, cause)),
      Effect.andThen(Effect.sleep(config.discovery.interval)),
      Effect.forever,
      Effect.forkScoped
    )

  yield* Stream.runForEach(discovery.changes, onState).pipe(Effect.forkScoped)
  yield* every("sweep", sweep())
  // Matching runs every round, and at once when a new game appears
  yield* refreshMappings().pipe(
    Effect.catchCause((cause) => Effect.logError("orchestrator matching failed", cause)),
    Effect.andThen(Effect.sleep(config.discovery.interval).pipe(Effect.raceFirst(Queue.take(newGames)))),
    Effect.forever,
    Effect.forkScoped
  )
  return yield* Effect.never
})

/** @category layers */
export const layer = Singleton.make("orchestrator", Effect.scoped(run))
