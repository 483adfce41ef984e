/**
 * The ESPN site API client: scoreboards and game summaries, decoded into normalised states.
 *
 * Every request goes through, from the outside in:
 *
 * 1. **single-flight** — concurrent calls for the same URL share one request and one decode;
 * 2. **a per-host circuit breaker** (`effect/persistence/CircuitBreaker`, closed → open →
 *    half-open) that sees one outcome per call: timeouts, transport errors, 5xx/429 and
 *    undecodable documents count against the host; other 4xx say nothing about its health;
 * 3. **retries** with jittered exponential backoff, for timeouts, transport errors and 5xx/429;
 * 4. **a concurrency bound** (held per attempt, not across backoff sleeps) and **a timeout** per
 *    attempt covering headers and body.
 *
 * URLs come only from `Urls.ts` (closed league table, validated ids and dates). Bad input never
 * crashes and is never silent: an undecodable document fails the call with an `EspnError`
 * (`Decode`); an undecodable game or play is dropped from the result; each is counted, logged with
 * its id and written to dead letters. A game state that cannot be true (an impossible value, or a
 * move from the game's last state that no timeline explains: `PlausibilityGate`) is held back the
 * same way, with an `Implausible` reason, and counted in `arbees_espn_implausible_total`.
 *
 * @since 0.1.0
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Cause, Context, Duration, Effect, Exit, Layer, Option, Result, Schedule, Schema, Semaphore, Stream } from "effect"
import { HttpClient } from "effect/http"
import { CircuitBreaker } from "effect/persistence"
import { EspnError } from "../../schema/errors/EspnError.ts"
import { CircuitOpen, HttpStatus, Timeout, Transport } from "../../schema/errors/Reasons.ts"
import type { GameState } from "../../schema/GameState.ts"
import type { GameId } from "../../schema/Ids.ts"
import type { League } from "../../schema/Sport.ts"
import { AppConfig, type Config } from "../config/AppConfig.ts"
import { DeadLetters } from "../DeadLetters.ts"
import * as Metrics from "./Metrics.ts"
import { PlausibilityGate } from "./PlausibilityGate.ts"
import { decodeError, decodeScoreboard, type GameFailure, implausibleError, sampleOf, type ScoreboardDecoded } from "./Scoreboard.ts"
import * as SingleFlight from "./SingleFlight.ts"
import { decodeSummary, type GameSummary } from "./Summary.ts"
import { type Endpoint, hostOf, type ScoreboardDates, scoreboardUrl, summaryUrl } from "./Urls.ts"
import { nowMillis } from "../Time.ts"
import { describeFailure } from "../Failure.ts"
import * as Outage from "../Outage.ts"

/** @category models */
export interface EspnClientOptions {
  /** The site API base, `https://site.api.espn.com/apis/site/v2/sports` in production */
  readonly baseUrl: string
  /** Per attempt, headers and body */
  readonly timeout: Duration.Input
  /** Retries after the first attempt */
  readonly retries: number
  /** First backoff delay; doubles per retry, jittered */
  readonly retryBase: Duration.Input
  /** Consecutive failed calls that open a host's circuit */
  readonly breakerFailures: number
  /** How long an open circuit rejects calls before it lets a probe through */
  readonly breakerReset: Duration.Input
  /** Requests in flight at once */
  readonly concurrency: number
  /** Failing longer than this, ESPN is degraded in the supervision tree (`feed:espn`); 30 s unless given */
  readonly staleAfter?: Duration.Input | undefined
}

/** The client's options from the `espn.*` configuration. @category config */
export const optionsFrom = (config: Config): EspnClientOptions => ({
  baseUrl: config.espn.baseUrl,
  timeout: config.espn.timeout,
  retries: config.espn.retries,
  retryBase: config.espn.retryBase,
  breakerFailures: config.espn.breakerFailures,
  breakerReset: config.espn.breakerReset,
  concurrency: config.espn.concurrency,
  staleAfter: config.staleness.gameState
})

/** @category services */
export class EspnClient extends Context.Service<EspnClient, {
  /** Every game on a league's scoreboard for a day or a range; undecodable games are left out */
  readonly scoreboard: (league: League, dates: ScoreboardDates) => Effect.Effect<ScoreboardDecoded, EspnError>
  /** A game's summary: state, plays with ESPN's win probability, odds, predictor */
  readonly summary: (league: League, gameId: GameId) => Effect.Effect<GameSummary, EspnError>
  /** The circuit state of the base URL's host */
  readonly circuit: Effect.Effect<CircuitBreaker.State>
}>()("arbees/services/espn/EspnClient") {
  /** Needs an `HttpClient` and `DeadLetters`; brings its own in-memory breaker store. */
  static readonly layerNoDeps = (options: EspnClientOptions): Layer.Layer<EspnClient, never, HttpClient.HttpClient | DeadLetters> =>
    Layer.effect(EspnClient, make(options)).pipe(Layer.provide(CircuitBreaker.layerStoreMemory()))

  /** From the `espn.*` configuration, over undici. */
  static readonly layer: Layer.Layer<EspnClient, never, AppConfig | DeadLetters> = Layer.unwrap(
    Effect.map(AppConfig, ({ config }) => EspnClient.layerNoDeps(optionsFrom(config)))
  ).pipe(Layer.provide(NodeHttpClient.layerUndici))
}

const OPERATION: Record<Endpoint, string> = { scoreboard: "espn.scoreboard", summary: "espn.summary" }

const fail = (reason: EspnError["reason"]) => Effect.fail(new EspnError({ reason }))

/** Retry what a second attempt can fix. */
const isTransient = (error: EspnError): boolean => {
  const r = error.reason
  return r._tag === "Timeout" || r._tag === "Transport" || (r._tag === "HttpStatus" && (r.status >= 500 || r.status === 429))
}

/** Whether a call's outcome counts against the host. */
const classify = (exit: Exit.Exit<unknown, EspnError>): CircuitBreaker.Outcome => {
  if (Exit.isSuccess(exit)) return CircuitBreaker.success
  const error = Cause.findErrorOption(exit.cause)
  if (Option.isNone(error)) return CircuitBreaker.failure()
  const r = error.value.reason
  if (r._tag === "HttpStatus" && r.status < 500 && r.status !== 429) return CircuitBreaker.ignored
  return CircuitBreaker.failure()
}

// The shape that tells what kind of document ESPN sent; its contents are decoded afterwards
const isScoreboard = Schema.is(Schema.Struct({ events: Schema.Array(Schema.Unknown) }))
const isSummary = Schema.is(Schema.Struct({ header: Schema.Struct({ competitions: Schema.Array(Schema.Unknown) }) }))

/** An entry that did not decode, with the ids that find it again. */
interface Rejected {
  readonly error: EspnError
  readonly payload: unknown
  readonly ids: Readonly<Record<string, string>>
}

const rejected = (error: EspnError, payload: unknown, ids: Readonly<Record<string, string | undefined>>): Rejected => ({
  error,
  payload,
  ids: Object.fromEntries(Object.entries(ids).filter((e): e is [string, string] => e[1] !== undefined))
})

const describeReason = (error: EspnError): string => {
  const r = error.reason
  switch (r._tag) {
    case "Decode":
    case "Transport":
      return r.message
    case "Implausible":
      return `${r.check}: ${r.message}`
    case "HttpStatus":
      return `HTTP ${r.status}`
    case "Timeout":
      return `no response within ${r.afterMillis} ms`
    case "CircuitOpen":
      return `circuit open for ${r.host}`
  }
}

const describeCause = (cause: Cause.Cause<EspnError>): string =>
  Option.match(Cause.findErrorOption(cause), { onNone: () => describeFailure(cause), onSome: describeReason })

/** A failure that says ESPN cannot be reached (not that it sent something we could not read). */
const isOutage = (error: EspnError): boolean => isTransient(error) || error.reason._tag === "CircuitOpen"

interface Fetched {
  readonly json: unknown
  readonly observedAt: number
}

const make = Effect.fnUntraced(function*(options: EspnClientOptions) {
  const http = yield* HttpClient.HttpClient
  const deadLetters = yield* DeadLetters
  const breaker = yield* CircuitBreaker.make({
    tripPolicy: CircuitBreaker.consecutive(options.breakerFailures),
    openDuration: options.breakerReset
  })
  const semaphore = yield* Semaphore.make(options.concurrency)
  const scoreboards = yield* SingleFlight.make<ScoreboardDecoded, EspnError>()
  const summaries = yield* SingleFlight.make<GameSummary, EspnError>()
  const timeout = Duration.fromInputUnsafe(options.timeout)
  const retrySchedule = Schedule.exponential(options.retryBase).pipe(Schedule.jittered)

  // The outage is told once and summarised (Outage.ts); the breaker's every probe only at debug
  const outage = yield* Outage.make({
    name: "ESPN",
    node: "feed:espn",
    staleAfter: options.staleAfter ?? Duration.seconds(30),
    whenStale: "game states are stale, so no signal trades on them until ESPN answers"
  })
  yield* breaker.transitions.pipe(
    Stream.runForEach((t) =>
      Metrics.recordTransition(t).pipe(
        Effect.andThen(
          (t.from === "Closed" || t.to === "Closed" ? Effect.logInfo : Effect.logDebug)("ESPN circuit breaker").pipe(
            Effect.annotateLogs({ host: t.key, from: t.from, to: t.to })
          )
        )
      )
    ),
    Effect.forkScoped({ startImmediately: true })
  )

  /** One attempt: status checked, whole body read, all within the timeout. */
  const attempt = (url: string, operation: string) =>
    Effect.gen(function*() {
      const response = yield* http.get(url, { headers: { accept: "application/json" } }).pipe(
        // The cause (refused, DNS, TLS, reset…), not undici's "fetch failed"
        Effect.mapError((e) => new EspnError({ reason: new Transport({ operation, message: describeFailure(e) }) }))
      )
      if (response.status < 200 || response.status >= 300) {
        const body = yield* response.text.pipe(Effect.orElseSucceed(() => ""))
        return yield* fail(new HttpStatus({ operation, status: response.status, body: body.slice(0, 256) }))
      }
      return yield* response.text.pipe(
        Effect.mapError((e) => new EspnError({ reason: new Transport({ operation, message: `reading the body: ${e.message}` }) }))
      )
    }).pipe(
      Effect.timeoutOrElse({
        duration: timeout,
        orElse: () => fail(new Timeout({ operation, afterMillis: Duration.toMillis(timeout) }))
      }),
      semaphore.withPermits(1)
    )

  /**
   * The document at `url`, parsed and checked to be the right kind, through retries and the
   * breaker. An unparseable or wrong document is a dead letter.
   */
  const fetchJson = (url: string, endpoint: Endpoint, league: League, accepts: (json: unknown) => boolean) => {
    const operation = OPERATION[endpoint]
    const parse = (text: string): Effect.Effect<unknown, EspnError> => {
      const parsed = Result.try({ try: (): unknown => JSON.parse(text), catch: (e) => (e instanceof Error ? e.message : String(e)) })
      if (Result.isSuccess(parsed) && accepts(parsed.success)) return Effect.succeed(parsed.success)
      const problem = Result.isFailure(parsed) ? `malformed JSON (${text.length} bytes): ${parsed.failure}` : `not an ESPN ${endpoint} document`
      return deadLetters.record({ source: operation, reason: "Decode", error: problem, payload: text, context: { url, league } }).pipe(
        Effect.andThen(Metrics.recordDecodeFailures(endpoint, league, 1)),
        Effect.andThen(Effect.fail(decodeError(operation, problem, text)))
      )
    }
    return Effect.gen(function*() {
      const started = yield* nowMillis
      const exit = yield* attempt(url, operation).pipe(
        Effect.retry({ schedule: retrySchedule, times: options.retries, while: isTransient }),
        Effect.flatMap(parse),
        breaker.execute({ key: hostOf(url), classify }),
        Effect.catchTag("CircuitBreakerError", (e) =>
          Effect.flatMap(nowMillis, (now) =>
            fail(
              e.reason._tag === "CircuitOpen"
                ? new CircuitOpen({ host: e.reason.key, retryAt: now + Duration.toMillis(e.reason.retryAfter) })
                : e.reason._tag === "CircuitHalfOpen"
                ? new CircuitOpen({ host: e.reason.key, retryAt: now })
                : new Transport({ operation, message: e.reason.message })
            )
          )),
        Effect.exit
      )
      const observedAt = yield* nowMillis
      const outcome = Exit.isSuccess(exit) ? "ok" : Option.match(Cause.findErrorOption(exit.cause), { onNone: () => "defect", onSome: (e) => e.reason._tag })
      yield* Metrics.recordRequest(endpoint, league, outcome, observedAt - started)
      if (Exit.isFailure(exit)) {
        const error = Cause.findErrorOption(exit.cause)
        if (Option.isSome(error) && isOutage(error.value)) {
          // An open breaker says nothing new about the cause: counted, the cause kept
          yield* error.value.reason._tag === "CircuitOpen" ? outage.failed(undefined) : outage.failed(describeReason(error.value))
          yield* Effect.logDebug("ESPN request failed").pipe(Effect.annotateLogs({ url, outcome, error: describeCause(exit.cause) }))
        } else {
          yield* Effect.logWarning("ESPN request failed").pipe(Effect.annotateLogs({ url, outcome, error: describeCause(exit.cause) }))
        }
        return yield* Effect.failCause(exit.cause)
      }
      yield* outage.succeeded
      return { json: exit.value, observedAt } satisfies Fetched
    })
  }

  /** Logs, counts and dead-letters entries (games, plays, whole documents) that did not decode. */
  const recordRejected = (endpoint: Endpoint, league: League, url: string, rejected: ReadonlyArray<Rejected>) =>
    Effect.forEach(rejected, ({ error, ids, payload }) => {
      const message = describeReason(error)
      const check = error.reason._tag === "Implausible" ? { check: error.reason.check } : {}
      return Effect.logWarning(`ESPN ${endpoint} entry did not decode`).pipe(
        Effect.annotateLogs({ league, ...ids, error: message }),
        Effect.andThen(deadLetters.record({
          source: OPERATION[endpoint],
          reason: error.reason._tag,
          error: message,
          payload: sampleOf(payload, 64 * 1024),
          context: { url, league, ...ids, ...check }
        })),
        Effect.andThen(error.reason._tag === "Implausible" ? Metrics.recordImplausible(error.reason.check, league) : Effect.void)
      )
    }, { discard: true }).pipe(Effect.andThen(Metrics.recordDecodeFailures(endpoint, league, rejected.length)))

  /** Each state against its game's last one: held-back states are rejected; rebases are logged. */
  const gate = new PlausibilityGate()
  const admit = (operation: string, league: League, state: GameState) => {
    const verdict = gate.admit(state)
    if (verdict._tag === "Accepted") return Effect.succeed(undefined)
    if (verdict._tag === "Rebased") {
      return Effect.logWarning("ESPN stands by a contradicting game state: it is the new baseline").pipe(
        Effect.annotateLogs({ league, gameId: state.gameId, check: verdict.after.check, polls: verdict.strikes, detail: verdict.after.message }),
        Effect.as(undefined)
      )
    }
    return Effect.succeed(rejected(implausibleError(operation, verdict.implausible), state, { gameId: state.gameId }))
  }

  const scoreboard = Effect.fn("EspnClient.scoreboard")(function*(league: League, dates: ScoreboardDates) {
    const url = scoreboardUrl(options.baseUrl, league, dates)
    return yield* scoreboards.run(url, Effect.gen(function*() {
      const { json, observedAt } = yield* fetchJson(url, "scoreboard", league, isScoreboard)
      const decoded = decodeScoreboard(json, { league, observedAt })
      const games: Array<GameState> = []
      const held: Array<Rejected> = []
      const failures: Array<GameFailure> = [...decoded.failures]
      for (const game of decoded.games) {
        const verdict = yield* admit(OPERATION.scoreboard, league, game)
        if (verdict === undefined) {
          games.push(game)
        } else {
          held.push(verdict)
          failures.push({ gameId: game.gameId, error: verdict.error, payload: game })
        }
      }
      yield* recordRejected("scoreboard", league, url, [...decoded.failures.map((f) => rejected(f.error, f.payload, { gameId: f.gameId })), ...held])
      return held.length === 0 ? decoded : { games, failures }
    }))
  })

  const summary = Effect.fn("EspnClient.summary")(function*(league: League, gameId: GameId) {
    const url = summaryUrl(options.baseUrl, league, gameId)
    return yield* summaries.run(url, Effect.gen(function*() {
      const { json, observedAt } = yield* fetchJson(url, "summary", league, isSummary)
      const decoded = decodeSummary(json, { league, observedAt })
      if (Result.isFailure(decoded)) {
        yield* recordRejected("summary", league, url, [rejected(decoded.failure, json, { gameId })])
        return yield* Effect.fail(decoded.failure)
      }
      const held = yield* admit(OPERATION.summary, league, decoded.success.game)
      if (held !== undefined) {
        yield* recordRejected("summary", league, url, [held])
        return yield* Effect.fail(held.error)
      }
      yield* recordRejected("summary", league, url, decoded.success.failures.map((f) => rejected(f.error, f.payload, { gameId, playId: f.playId })))
      return decoded.success
    }))
  })

  const circuit = breaker.state(hostOf(options.baseUrl)).pipe(
    Effect.orElseSucceed((): CircuitBreaker.State => ({ _tag: "Closed", key: hostOf(options.baseUrl) }))
  )

  return EspnClient.of({ scoreboard, summary, circuit })
})
