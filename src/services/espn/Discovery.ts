/**
 * Game discovery and adaptive polling over ESPN scoreboards.
 *
 * `discover` is one pass: for each configured league it asks for the scoreboard of the days
 * around now (one range request per league) and keeps the games that are live or start within the
 * look-ahead window. The `Discovery` service keeps doing that, one loop per league, at a pace set
 * by the games it follows:
 *
 * - a live game, or one whose start is less than one pre-game interval away: `espn.pollLive`;
 * - a game further away: `espn.pollPregame`;
 * - a final (or postponed, cancelled) game: not at all — it is published once and dropped;
 * - nothing to follow: `discovery.interval`, to notice new games.
 *
 * A failed poll changes nothing: the league keeps its pace, the breaker in `EspnClient` keeps it
 * from hammering ESPN, and the states it holds age until `games` marks them stale
 * (`staleness.gameState`). Requests are bounded and de-duplicated by `EspnClient`. Time is read
 * only through `Clock`.
 *
 * @since 0.1.0
 */
import { Cause, Context, Duration, Effect, Layer, Option, PubSub, Ref, Stream } from "effect"
import type { EspnError } from "../../schema/errors/EspnError.ts"
import { type GameState, isFinished, isLive, isStale, sameMoment } from "../../schema/GameState.ts"
import type { GameId } from "../../schema/Ids.ts"
import type { League } from "../../schema/Sport.ts"
import { AppConfig } from "../config/AppConfig.ts"
import { EspnClient } from "./EspnClient.ts"
import type { GameSummary } from "./Summary.ts"
import { espnDateOf, type ScoreboardDates } from "./Urls.ts"
import { nowMillis } from "../Time.ts"

const DAY = 24 * 60 * 60 * 1000

/** Poll intervals, in milliseconds. @category models */
export interface PollIntervals {
  readonly live: number
  readonly pregame: number
  /** When a league has nothing to follow */
  readonly idle: number
}

/**
 * How long until a game should be polled again, or `None` once it is over.
 *
 * @category polling
 */
export const gamePollDelay = (state: GameState, now: number, intervals: PollIntervals): Option.Option<number> => {
  if (isFinished(state)) return Option.none()
  if (isLive(state)) return Option.some(intervals.live)
  // Scheduled (or suspended): slow, until the start is less than one slow interval away
  return Option.some(state.startTime - now <= intervals.pregame ? intervals.live : intervals.pregame)
}

/** The next poll of a league: the most urgent of its games, or `idle`. @category polling */
export const leaguePollDelay = (states: Iterable<GameState>, now: number, intervals: PollIntervals): number => {
  let delay: number | undefined
  for (const s of states) {
    const d = gamePollDelay(s, now, intervals)
    if (Option.isSome(d)) delay = Math.min(delay ?? d.value, d.value)
  }
  return delay ?? intervals.idle
}

/**
 * Whether discovery follows a game: live, or not over and starting within `lookahead` (a game
 * still scheduled up to `lookahead` past its start counts: a late start is still coming).
 *
 * @category polling
 */
export const inWindow = (state: GameState, now: number, lookahead: number): boolean =>
  isLive(state) || (!isFinished(state) && state.startTime <= now + lookahead && state.startTime >= now - lookahead)

/** The ESPN days to ask for: from yesterday (games running past midnight) to the window's end. @category polling */
export const discoveryDates = (now: number, lookahead: number): ScoreboardDates => ({
  from: espnDateOf(now - DAY),
  to: espnDateOf(now + lookahead)
})

/** @category models */
export interface DiscoveryResult {
  readonly games: ReadonlyArray<GameState>
  readonly errors: ReadonlyArray<{ readonly league: League; readonly error: EspnError }>
}

/**
 * One discovery pass: the live and soon-starting games of each league. A league whose scoreboard
 * fails is reported in `errors`; the others still count.
 *
 * @category discovery
 */
export const discover = Effect.fn("Discovery.discover")(function*(
  leagues: ReadonlyArray<League>,
  lookahead: Duration.Input,
  concurrency = 4
) {
  const client = yield* EspnClient
  const now = yield* nowMillis
  const window = Duration.toMillis(Duration.fromInputUnsafe(lookahead))
  const results = yield* Effect.forEach(
    leagues,
    (league) => Effect.result(client.scoreboard(league, discoveryDates(now, window))).pipe(Effect.map((r) => ({ league, r }))),
    { concurrency }
  )
  const games: Array<GameState> = []
  const errors: Array<{ league: League; error: EspnError }> = []
  for (const { league, r } of results) {
    if (r._tag === "Failure") errors.push({ league, error: r.failure })
    else games.push(...r.success.games.filter((g) => inWindow(g, now, window)))
  }
  return { games, errors } satisfies DiscoveryResult
})

/** A followed game's latest state, and whether it is too old to trade on. @category models */
export interface TrackedGame {
  readonly state: GameState
  readonly stale: boolean
  readonly ageMillis: number
}

/** @category models */
export interface DiscoveryOptions {
  readonly leagues: ReadonlyArray<League>
  readonly lookahead: Duration.Input
  readonly pollLive: Duration.Input
  readonly pollPregame: Duration.Input
  /** How often a league with nothing to follow is looked at again */
  readonly idle: Duration.Input
  /** A state older than this is stale */
  readonly staleAfter: Duration.Input
}

const millis = (d: Duration.Input) => Duration.toMillis(Duration.fromInputUnsafe(d))

/** @category services */
export class Discovery extends Context.Service<Discovery, {
  /** Every followed game's latest state, marked stale when it is older than the limit */
  readonly games: Effect.Effect<ReadonlyArray<TrackedGame>>
  /** Each new state of a followed game, including its final one; unchanged polls publish nothing */
  readonly changes: Stream.Stream<GameState>
  /** When each league is next polled (epoch ms), for diagnostics */
  readonly schedule: Effect.Effect<ReadonlyMap<League, number>>
  /** A game's summary, re-polled at the game's pace until a final summary, which ends the stream */
  readonly summaries: (league: League, gameId: GameId) => Stream.Stream<GameSummary>
}>()("arbees/services/espn/Discovery") {
  /** Polls the given leagues in the background for the life of the layer. */
  static readonly layerWith = (options: DiscoveryOptions): Layer.Layer<Discovery, never, EspnClient> =>
    Layer.effect(Discovery, make(options))

  /** From `discovery.*`, `espn.poll*` and `staleness.gameState`. */
  static readonly layer: Layer.Layer<Discovery, never, EspnClient | AppConfig> = Layer.unwrap(
    Effect.map(AppConfig, ({ config }) =>
      Discovery.layerWith({
        leagues: config.discovery.leagues,
        lookahead: config.discovery.lookahead,
        pollLive: config.espn.pollLive,
        pollPregame: config.espn.pollPregame,
        idle: config.discovery.interval,
        staleAfter: config.staleness.gameState
      }))
  )
}

const make = Effect.fnUntraced(function*(options: DiscoveryOptions) {
  const client = yield* EspnClient
  const intervals: PollIntervals = { live: millis(options.pollLive), pregame: millis(options.pollPregame), idle: millis(options.idle) }
  const lookahead = millis(options.lookahead)
  const staleAfter = millis(options.staleAfter)
  const followed = yield* Ref.make(new Map<string, GameState>())
  const nextPoll = yield* Ref.make(new Map<League, number>())
  const changes = yield* PubSub.unbounded<GameState>()

  const pollLeague = Effect.fnUntraced(function*(league: League) {
    const now = yield* nowMillis
    const board = yield* Effect.result(client.scoreboard(league, discoveryDates(now, lookahead)))
    if (board._tag === "Success") {
      const previous = yield* Ref.get(followed)
      const next = new Map([...previous].filter(([, s]) => s.league !== league))
      for (const state of board.success.games) {
        const before = previous.get(state.gameId)
        const follow = inWindow(state, now, lookahead)
        // A followed game that ends is published once, then dropped
        if (!follow && !(before !== undefined && isFinished(state))) continue
        if (before === undefined || !sameMoment(before, state)) yield* PubSub.publish(changes, state)
        if (follow) next.set(state.gameId, state)
      }
      yield* Ref.set(followed, next)
    }
    const mine = [...(yield* Ref.get(followed)).values()].filter((s) => s.league === league)
    const delay = leaguePollDelay(mine, now, intervals)
    yield* Ref.update(nextPoll, (m) => new Map(m).set(league, now + delay))
    return delay
  })

  const loop = (league: League) =>
    pollLeague(league).pipe(
      // A defect (a bug, not bad input: that is a typed failure) must not end the league's polling
      Effect.catchCause((cause) =>
        Cause.hasInterruptsOnly(cause) ? Effect.failCause(cause) : Effect.as(Effect.logError("ESPN league poll died", cause), intervals.pregame)
      ),
      Effect.flatMap((delay) => Effect.sleep(Duration.millis(delay))),
      Effect.forever,
      Effect.annotateLogs({ league })
    )
  yield* Effect.forEach(options.leagues, (league) => Effect.forkScoped(loop(league), { startImmediately: true }), { discard: true })

  const games = Effect.gen(function*() {
    const now = yield* nowMillis
    return [...(yield* Ref.get(followed)).values()].map((state) => ({
      state,
      stale: isStale(state, now, staleAfter),
      ageMillis: now - state.observedAt
    }))
  })

  // Each pull waits out the previous summary's delay, fetches, and emits at once; a final summary ends it
  const summaries = (league: League, gameId: GameId): Stream.Stream<GameSummary> =>
    Stream.unfold(0 as number | "done", (wait): Effect.Effect<readonly [ReadonlyArray<GameSummary>, number | "done"] | undefined> =>
      wait === "done"
        ? Effect.succeed(undefined)
        : Effect.gen(function*() {
          if (wait > 0) yield* Effect.sleep(Duration.millis(wait))
          const summary = yield* Effect.option(client.summary(league, gameId))
          // A failure is already logged, counted and dead-lettered by the client: keep the pace (slow if none yet)
          if (Option.isNone(summary)) return [[], wait > 0 ? wait : intervals.pregame]
          const now = yield* nowMillis
          const delay = gamePollDelay(summary.value.game, now, intervals)
          return [[summary.value], Option.getOrElse(delay, (): number | "done" => "done")]
        })
    ).pipe(Stream.flattenIterable)

  return Discovery.of({
    games,
    changes: Stream.fromPubSub(changes),
    schedule: Ref.get(nextPoll),
    summaries
  })
})
