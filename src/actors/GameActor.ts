/**
 * The game actor: one per live game, a cluster entity keyed by ESPN game id.
 *
 * It owns its game's state. ESPN states arrive as `Update` messages from the orchestrator; book
 * updates for its mapped outcomes arrive in-process from the runner-local `MarketDataHub` (books
 * never travel as cluster messages). On each change it:
 *
 * 1. recomputes the win-probability model when the game state changed (`GameActor.model`);
 * 2. publishes game-state and price events;
 * 3. looks for cross-venue arbitrage and model edges (`GameActor.evaluate`), sends each signal to
 *    the risk singleton and, when approved, the orders to the execution singleton.
 *
 * So one trace runs from a book update or a game-state change through the model and the signal
 * to the order. Message handling is serialised (one permit) across the `Update` handler and the
 * book fiber, so the actor's state is never mutated concurrently.
 *
 * **Supervision.** A defect rebuilds the actor (the cluster's `defectRetryPolicy`: jittered
 * exponential backoff, capped); every rebuild is a restart in the diagnostics tree, and a crash
 * loop halts the game for trading and raises an alert. The book subscription and the model state
 * are rebuilt from the last `Track`, which is persisted. A failing feed degrades only this actor:
 * stale books or a stale game state block its signals, nothing else.
 *
 * **Database outages.** The actor keeps its state and goes on deciding; its writes wait in order
 * in its write-behind queue. While `DatabaseGate` is closed no signal reaches risk: each is denied
 * here with `DATABASE_UNREACHABLE` and the gate's reason (risk's check is a persisted message, and
 * nothing could record the trade).
 *
 * @since 0.1.0
 */
import { Cause, Duration, Effect, Exit, Hash, Layer, Metric, Queue, Random, Schedule, Scope, Semaphore } from "effect"
import { Entity } from "effect/cluster"
import { SqlClient } from "effect/sql"
import { describeLeg, describeOutcome, describeTop, modelMoved, percent } from "../domain/activity/Describe.ts"
import type { FeeSchedule } from "../domain/fees/Fee.ts"
import { isBehind } from "../domain/game/Progress.ts"
import { kalshiRules, polymarketRules, type VenueRules } from "../domain/risk/Sizing.ts"
import type { Holding, Intent, OutcomeBook, StrategyInput } from "../domain/strategy/Strategy.ts"
import type { Prior } from "../domain/winprob/prior/Prior.ts"
import { livePrior } from "../domain/winprob/prior/TeamRatings.ts"
import type { SequenceCarry } from "../domain/winprob/Sequence.ts"
import { estimateNext } from "../domain/winprob/WinProb.ts"
import { AppConfig } from "../services/config/AppConfig.ts"
import { Diagnostics } from "../services/Diagnostics.ts"
import type { TopOfBook } from "../schema/Book.ts"
import { type GameState, isFinished, sameMoment } from "../schema/GameState.ts"
import { ClientOrderId, GameId, SignalId } from "../schema/Ids.ts"
import { outcomeKey } from "../schema/Market.ts"
import * as Money from "../schema/Money.ts"
import { hasDraw } from "../schema/Sport.ts"
import { priceFromProbability, probability } from "../schema/Probability.ts"
import type { Signal } from "../schema/Trading.ts"
import { eventId } from "../services/bus/EventBus.ts"
import { Fanout } from "../services/bus/Fanout.ts"
import { Outbox } from "../services/bus/Outbox.ts"
import { DatabaseGate } from "../services/database/DatabaseGate.ts"
import { describeFailure } from "../services/Failure.ts"
import * as WriteBehind from "../services/database/WriteBehind.ts"
import { type BookSubscription, type BookUpdate, MarketDataHub } from "../services/marketdata/MarketDataHub.ts"
import { TeamRatings } from "../services/ratings/TeamRatings.ts"
import { Alert, GameStateChanged, type ModelView, PriceChanged, SignalDecided } from "./Events.ts"
import { ARBITRAGE_ID, ArbitrageUnits } from "./Arbitrage.ts"
import { Execution, EXECUTION_ID } from "./Execution.ts"
import { FaultInjectionDisabled, Game, type GameView, type TrackedOutcome } from "./Game.ts"
import { type CheckRequest, Risk, RISK_ID, signalsTotal, type Verdict } from "./Risk.ts"
import { builtins, enable, Strategies, StrategyPauses } from "./Strategies.ts"
import * as Trades from "./Trades.ts"
import { policyFromConfig, recordRestart, supervise } from "./Supervisor.ts"
import { nowMillis } from "../services/Time.ts"

/** @category metrics */
export const messagesTotal = Metric.counter("arbees_actor_messages_total", { description: "Messages handled by game actors, by kind" })

/** From a book update or a game-state change arriving to the decision it led to (signal or none). @category metrics */
export const tickToDecision = Metric.histogram("arbees_tick_to_decision_ms", {
  description: "Milliseconds from a tick (book update or game-state change) reaching a game actor to its trading decision",
  boundaries: Metric.exponentialBoundaries({ start: 0.25, factor: 2, count: 16 })
})

/** Game states dropped because ESPN's content placed them before the last accepted one. @category metrics */
export const staleStatesTotal = Metric.counter("arbees_game_states_stale_total", {
  description: "Game states dropped because they were behind the last accepted state (score, clock, status): a stale ESPN response"
})

/** Game states that reached their actor later than `staleness.maxFeedLatency` (no model-edge trading on them). @category metrics */
export const lateStatesTotal = Metric.counter("arbees_game_states_late_total", {
  description: "Game states that reached their actor more than staleness.maxFeedLatency after they were observed"
})

const countMessage = (kind: string) => Metric.update(Metric.withAttributes(messagesTotal, { kind }), 1)

/** Restart policy for defects: jittered exponential from `initialBackoff`, capped at `maxBackoff`. @category supervision */
export const defectRetryPolicy = (initial: Duration.Duration, max: Duration.Duration) =>
  Schedule.min([Schedule.exponential(initial), Schedule.spaced(max)]).pipe(Schedule.jittered)

/** The denial of a signal while the database cannot record it (`DatabaseGate`). @category constants */
export const DATABASE_UNREACHABLE = "DATABASE_UNREACHABLE"

/**
 * The longest the actor waits for risk's answer or an order hand-off. Across a database crash the
 * cluster can lose a reply (a chaos scenario left an actor waiting on a check for good, holding its
 * lock); a check not answered by then is denied like an outage (a reservation it made is released
 * by the unused-reservation sweep), and a hand-off not answered is left to execution, whose
 * persisted message and reconciliation settle the order (it is never sent again from here).
 */
export const ANSWER_TIMEOUT = Duration.seconds(15)

/** Book levels a strategy sees per side. */
const BOOK_DEPTH = 20

const newSignalId = (gameId: string) =>
  Effect.gen(function*() {
    const now = yield* nowMillis
    const r = yield* Random.nextIntBetween(0, 2 ** 31 - 1)
    return SignalId.make(`s${gameId}-${now.toString(36)}${r.toString(36)}`)
  })

/** @category layers */
export const layer = Layer.unwrap(Effect.gen(function*() {
  const { config } = yield* AppConfig
  const policy = policyFromConfig(config)
  // The enabled strategies, decoded once: a bad name or parameter stops start-up
  const registry = yield* Effect.serviceOption(Strategies)
  const strategies = registry._tag === "Some" ? registry.value.enabled : yield* enable(builtins(config), config)
  // An operator may pause a strategy at run time: its entries stop, its exits still run
  const pauses = yield* Effect.serviceOption(StrategyPauses)
  const isPaused = (name: string) => pauses._tag === "Some" && pauses.value.isPaused(name)
  // While the database cannot record a trade, no signal reaches risk (its check is a persisted message)
  const gate = yield* Effect.serviceOption(DatabaseGate)
  const blockedBy = (): string | undefined => {
    if (gate._tag === "None") return undefined
    const s = gate.value.state()
    return s._tag === "Closed" ? s.reason : undefined
  }
  // The team ratings: the prior of a game with no line (none when the layer is not given)
  const ratings = yield* Effect.serviceOption(TeamRatings)
  return Game.toLayer(
    Effect.gen(function*() {
      const address = yield* Entity.CurrentAddress
      const gameId = address.entityId
      const diagnostics = yield* Diagnostics
      const hub = yield* MarketDataHub
      const sql = yield* SqlClient.SqlClient
      const outbox = yield* Outbox
      const fanout = yield* Fanout
      // Records and events leave through here: an unreachable database or bus never holds a decision
      const writes = yield* WriteBehind.make({
        name: "game",
        capacity: 10_000,
        retryBase: config.bus.reconnectBase,
        retryMax: config.bus.reconnectMax,
        drainTimeout: config.shutdown.stepTimeout
      })
      const risk = (yield* Risk.client)(RISK_ID)
      const execution = (yield* Execution.client)(EXECUTION_ID)
      const arbitrage = (yield* ArbitrageUnits.client)(ARBITRAGE_ID)
      const activationScope = yield* Effect.scope
      const lock = yield* Semaphore.make(1)

      const report = yield* diagnostics.register({ id: `game:${gameId}`, kind: "game", parent: "orchestrator" })
      const activations = (Number(report.details["activations"] ?? 0)) + 1
      report.details["activations"] = activations
      const startedAt = yield* nowMillis
      // The ratings as of this activation, carried forward by the games seen finish since they were shipped
      const ratingFiles = ratings._tag === "Some" ? yield* ratings.value.current : []

      // Actor state: rebuilt on every activation from the persisted Track and the next Update
      let state: GameState | undefined
      // The state reached this actor later than `staleness.maxFeedLatency`: no model-edge trading on it
      let stateLate = false
      let staleDropped = 0
      let prior: Prior | undefined
      // What the play sequence has seen (unknown clocks, college overtime turns); starts afresh on activation
      let sequence: SequenceCarry = {}
      let model: ModelView | undefined
      // When the model was computed and when ESPN's content last changed (staleness at decision time)
      let modelAt = 0
      // The home probability last told in the log: a line when it moves MODEL_LOG_STEP or more
      let modelLogged: number | undefined
      let stateChangedAt = 0
      // Each strategy's memory and what its approved entries hold
      const memory = new Map<string, unknown>(strategies.map((s) => [s.definition.name, s.definition.initial]))
      const holdings = new Map<string, Array<Holding>>()
      let outcomes: ReadonlyArray<TrackedOutcome> = []
      let revision: string | undefined
      let halted = false
      let signals = 0
      const tops = new Map<string, BookUpdate>()
      // Outcomes whose book has been told live in the log (once per subscription)
      const liveBooks = new Set<string>()
      const lastSignalAt = new Map<string, number>()
      let subscription: { readonly scope: Scope.Closeable; readonly books: BookSubscription } | undefined

      const halt = Effect.fn("GameActor.halt")(function*(reason: string) {
        if (halted) return
        halted = true
        report.status = "halted"
        const at = yield* nowMillis
        yield* writes.enqueue(
          "halt",
          sql.withTransaction(
            sql`UPDATE games SET trading_halted = true, halted_reason = ${reason}, updated_at = to_timestamp(${at / 1000}) WHERE game_id = ${gameId}`.pipe(
              Effect.andThen(outbox.append(Alert, { id: eventId("alert", gameId, at), key: gameId, payload: { source: `game:${gameId}`, gameId, message: reason, at } }))
            )
          )
        )
        yield* Effect.logError("game halted for trading").pipe(Effect.annotateLogs({ gameId, reason }))
      })

      // A rebuild after a defect is a restart; too many in the window is a crash loop
      if (report.restarts > 0 && report.restartTimes.length > 0) {
        const now = yield* nowMillis
        if (recordRestart(report, now, policy) || report.restartTimes.length >= policy.crashLoopRestarts) {
          yield* halt(`crash loop: ${report.restartTimes.length} restarts within ${Duration.format(policy.crashLoopWindow)}`)
        }
      }
      report.status = halted ? "halted" : "running"
      // A close after a defect is a restart (the node stays `backing_off` until the rebuild
      // registers it again); any other close is a passivation
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          if (report.status !== "backing_off") report.status = "passivated"
        })
      )

      /** Records a defect on the node before the cluster rebuilds the actor. */
      const guarded = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
        Effect.tapCause(effect, (cause) =>
          Cause.hasDies(cause)
            ? Effect.flatMap(nowMillis, (at) =>
              Effect.sync(() => {
                report.status = "backing_off"
                const error = Cause.squash(cause)
                report.lastError = { at, message: error instanceof Error ? error.message : String(error) }
              }))
            : Effect.void)

      const touched = Effect.map(nowMillis, (now) => {
        report.lastMessageAt = now
      })

      const debounced = (key: string, now: number): boolean => {
        const last = lastSignalAt.get(key)
        if (last !== undefined && now - last < Duration.toMillis(config.signals.debounce)) return true
        lastSignalAt.set(key, now)
        return false
      }

      /** The decision's event; the signal row itself is written by risk, with its reservation. */
      const recordSignal = Effect.fn("GameActor.recordSignal")(function*(signal: Signal, verdict: Verdict) {
        const denial = verdict._tag === "Denied" ? `${verdict.denial.code}: ${verdict.denial.message}` : null
        const event = outbox.append(SignalDecided, {
          id: eventId("signal", signal.signalId),
          key: gameId,
          payload: { signal, verdict: verdict._tag === "Approved" ? "approved" : "denied", ...(denial === null ? {} : { reason: denial }) }
        })
        yield* writes.enqueue("signal", event)
      })

      const venueOf = (o: TrackedOutcome): VenueRules =>
        o.venue !== undefined ? (o.venue as VenueRules) : o.outcome.platform === "kalshi" ? kalshiRules() : polymarketRules()

      /** The tracked outcomes' books as strategies see them: depth, and age from the feed's liveness. */
      const booksNow = Effect.fnUntraced(function*() {
        const books: Array<OutcomeBook> = []
        for (const o of outcomes) {
          const latest = subscription === undefined ? undefined : yield* subscription.books.latest(o.outcome)
          const live = latest?.live === true
          const asks = live && subscription !== undefined ? yield* subscription.books.depth(o.outcome, "ask", BOOK_DEPTH) : []
          const bids = live && subscription !== undefined ? yield* subscription.books.depth(o.outcome, "bid", BOOK_DEPTH) : []
          books.push({ outcome: o.outcome, meaning: o.meaning, fees: o.fees as FeeSchedule, venue: venueOf(o), arbEligible: o.arbEligible, asks, bids, asOf: latest?.top.asOf ?? 0, live })
        }
        return books
      })

      /** A hand-off not answered within {@link ANSWER_TIMEOUT}: said, and left to execution. */
      const unanswered = <A, E, R>(what: string, signalId: string, handOff: Effect.Effect<A, E, R>) =>
        handOff.pipe(
          Effect.timeoutOption(ANSWER_TIMEOUT),
          Effect.flatMap((answer) =>
            answer._tag === "Some" ? Effect.void : Effect.logWarning(`${what} not answered; execution settles its orders`).pipe(
              Effect.annotateLogs({ gameId, signalId, reason: `no answer within ${Duration.format(ANSWER_TIMEOUT)}` })
            )
          )
        )

      /** Risk check of one intent, then its orders (both legs of an arbitrage at once). */
      const act = Effect.fn("GameActor.signal")(function*(intent: Intent, current: GameState, now: number) {
        const signalId = yield* newSignalId(gameId)
        // Interrupted between risk's approval and the hand-off of its orders: the reservations go back at once
        yield* Trades.releasingOnInterrupt(signalId, (handOff) =>
          Effect.gen(function*() {
            const first = intent.legs[0]!
            const topAsks = intent.legs.map((l) => l.book.asks[0]?.price ?? Money.ONE)
            // Before sizing: the edge at the top of book before fees; risk records the exact one
            const estimate = intent.threshold._tag === "sets"
              ? Math.floor((Money.ONE - Money.sum(topAsks)) / 100)
              : Math.floor((priceFromProbability(probability(Math.min(1, Math.max(0, intent.threshold.probability))), "floor") - topAsks[0]!) / 100)
            const signal: Signal = {
              signalId,
              kind: intent.threshold._tag === "sets" ? "cross_venue_arb" : "model_edge",
              gameId: GameId.make(gameId),
              legs: intent.legs.map((l) => ({
                outcome: l.book.outcome,
                action: l.action,
                limit: l.limit,
                available: Money.sum((l.action === "buy" ? l.book.asks : l.book.bids).filter((x) => (l.action === "buy" ? x.price <= l.limit : x.price >= l.limit)).map((x) => x.size)) as Money.Qty
              })) as unknown as Signal["legs"],
              edgeBps: Math.max(-1_000_000, estimate) as Money.Bps,
              strategy: intent.strategy,
              reasons: intent.reasons,
              ...(intent.threshold._tag === "edge" && intent.purpose === "entry" ? { modelProbability: probability(Math.min(1, Math.max(0, intent.threshold.probability))) } : {}),
              createdAt: now,
              expiresAt: now + Duration.toMillis(config.signals.expiry)
            }
            yield* Effect.annotateCurrentSpan({ gameId, signalId, kind: signal.kind, strategy: intent.strategy })
            signals++
            const request: CheckRequest = {
              signal,
              sport: current.sport,
              purpose: intent.purpose,
              legs: intent.legs.map((l) => ({
                outcome: l.book.outcome,
                meaning: l.book.meaning,
                action: l.action,
                limit: l.limit,
                asks: l.book.asks,
                fees: l.book.fees as CheckRequest["legs"][number]["fees"],
                venue: l.book.venue,
                bookAsOf: l.book.asOf
              })),
              threshold: intent.threshold,
              ...(intent.desired === undefined ? {} : { desired: intent.desired }),
              withDraw: hasDraw(current.sport),
              gameStateChangedAt: stateChangedAt,
              ...(model === undefined ? {} : { modelAt })
            }
            // The gate sees an outage within a second; a check that could not be stored meanwhile is the same denial
            let blocked = blockedBy()
            const verdict: Verdict = blocked === undefined
              ? yield* risk.Check(request).pipe(
                Effect.catchTag("PersistenceError", (e) =>
                  Effect.sync((): Verdict => {
                    blocked = `the risk check could not be stored (${describeFailure(e.cause)})`
                    return { _tag: "Denied", denial: { code: DATABASE_UNREACHABLE, message: `trading blocked: ${blocked}` } }
                  })),
                Effect.timeoutOption(ANSWER_TIMEOUT),
                Effect.map((answer): Verdict => {
                  if (answer._tag === "Some") return answer.value
                  blocked = `the risk check was not answered within ${Duration.format(ANSWER_TIMEOUT)}`
                  return { _tag: "Denied", denial: { code: DATABASE_UNREACHABLE, message: `trading blocked: ${blocked}` } }
                })
              )
              : { _tag: "Denied", denial: { code: DATABASE_UNREACHABLE, message: `trading blocked: ${blocked}` } }
            if (blocked !== undefined) {
              yield* Metric.update(Metric.withAttributes(signalsTotal, { decision: "denied", reason: DATABASE_UNREACHABLE }), 1)
            }
            yield* recordSignal(verdict._tag === "Approved" ? { ...signal, edgeBps: verdict.edgeBps } : signal, verdict)
            if (verdict._tag === "Denied") {
              yield* Effect.logInfo("signal denied").pipe(Effect.annotateLogs({
                gameId,
                signalId,
                strategy: intent.strategy,
                code: verdict.denial.code,
                ...(blocked === undefined ? {} : { reason: verdict.denial.message })
              }))
              return
            }
            yield* Effect.logInfo("signal approved").pipe(Effect.annotateLogs({
              gameId,
              signalId,
              strategy: intent.strategy,
              purpose: intent.purpose,
              edgeBps: verdict.edgeBps,
              legs: intent.legs.map((l, i) => describeLeg({ outcome: l.book.outcome, action: l.action, limit: verdict.legs[i]!.limit }, verdict.legs[i]!.quantity)).join("; ")
            }))
            const held = holdings.get(intent.strategy) ?? []
            if (intent.purpose === "entry") {
              holdings.set(intent.strategy, [...held, ...intent.legs.map((l, i) => ({ outcome: l.book.outcome, quantity: verdict.legs[i]!.quantity, entryPrice: verdict.legs[i]!.limit, enteredAt: now }))])
            } else {
              holdings.set(intent.strategy, held.filter((h) => outcomeKey(h.outcome) !== outcomeKey(first.book.outcome)))
            }
            // Both legs of an arbitrage go out as one unit: equal shares, reconciled, unwound or hedged together
            const [a, b] = verdict.legs
            if (signal.kind === "cross_venue_arb" && intent.legs.length === 2 && intent.legs.every((l) => l.action === "buy") && a !== undefined && b !== undefined && a.quantity === b.quantity) {
            yield* handOff
            yield* unanswered("arbitrage hand-off", signalId, arbitrage.Open({
                arbId: signalId,
                signalId,
                gameId: GameId.make(gameId),
                quantity: a.quantity,
                legs: [
                  { clientOrderId: ClientOrderId.make(`${signalId}-0`), outcome: intent.legs[0]!.book.outcome, limitPrice: a.limit },
                  { clientOrderId: ClientOrderId.make(`${signalId}-1`), outcome: intent.legs[1]!.book.outcome, limitPrice: b.limit }
                ]
              }))
              return
            }
            yield* handOff
            yield* unanswered("order hand-off", signalId, Effect.forEach(
              intent.legs,
              (leg, i) =>
                execution.Submit({
                  clientOrderId: ClientOrderId.make(`${signalId}-${i}`),
                  signalId,
                  gameId: GameId.make(gameId),
                  outcome: leg.book.outcome,
                  action: leg.action,
                  limitPrice: verdict.legs[i]!.limit,
                  quantity: verdict.legs[i]!.quantity,
                  timeInForce: "ioc",
                  purpose: intent.purpose
                }),
              { concurrency: "unbounded", discard: true }
            ))
          })
        ).pipe(Effect.provideService(SqlClient.SqlClient, sql))
      }, Effect.catchCause((cause) => Effect.logError("signal could not be acted on", cause).pipe(Effect.annotateLogs({ gameId }))))

      /** Runs every enabled strategy on the current state and books; sends their intents on. */
      const evaluate = Effect.fn("GameActor.evaluate")(function*(trigger: "book" | "state", receivedAt: number) {
        yield* Effect.annotateCurrentSpan({ gameId, trigger })
        yield* Effect.addFinalizer(() =>
          Effect.flatMap(nowMillis, (now) => Metric.update(tickToDecision, Math.max(0, now - receivedAt)))
        )
        if (halted || outcomes.length === 0 || state === undefined || isFinished(state)) return
        const current = state
        const now = yield* nowMillis
        const books = yield* booksNow()
        const input: Omit<StrategyInput, "holdings"> = {
          now,
          gameId,
          state: current,
          stateChangedAt,
          model: model === undefined ? undefined : { home: model.home, draw: model.draw, away: model.away, hasPrior: model.hasPrior, priorSource: model.priorSource, at: modelAt },
          books
        }
        for (const { definition, params } of strategies) {
          const result = definition.evaluate(params, { ...input, holdings: holdings.get(definition.name) ?? [] }, memory.get(definition.name))
          const paused = isPaused(definition.name)
          // A paused strategy's entries never happen, so its memory does not move past them
          if (!(paused && result.intents.some((i) => i.purpose === "entry"))) memory.set(definition.name, result.state)
          for (const intent of result.intents) {
            // A state that reached us late never feeds a model-based entry
            if (stateLate && intent.purpose === "entry" && intent.threshold._tag === "edge") continue
            if (intent.purpose === "entry" && paused) continue
            if (debounced(intent.key, now)) continue
            yield* act(intent, current, now)
          }
        }
      }, Effect.scoped)

      const runModel = Effect.fn("GameActor.model")(function*(next: GameState) {
        // A line beats a team rating, a rating beats the bare home edge; a line replaces either when it arrives
        prior = livePrior(prior, next, ratingFiles)
        const { estimate: e, state: seen, carry } = estimateNext(sequence, next, prior, config.model.probabilityBound / 10_000)
        sequence = carry
        model = { home: e.probability.home, draw: e.probability.draw, away: e.probability.away, hasPrior: e.hasPrior, priorSource: e.priorSource, priorDetail: e.priorDetail }
        modelAt = yield* nowMillis
        if (modelMoved(modelLogged, model.home)) {
          modelLogged = model.home
          yield* Effect.logInfo("model").pipe(Effect.annotateLogs({
            gameId,
            game: `${next.away.abbreviation} ${next.away.score} at ${next.home.abbreviation} ${next.home.score}`,
            clock: next.detail,
            home: percent(model.home),
            ...(model.draw > 0 ? { draw: percent(model.draw) } : {}),
            prior: model.priorSource,
            priorDetail: e.priorDetail,
            ...(seen.clockEstimated === true ? { clockEstimated: `${seen.periodSecondsRemaining ?? 0} s left in the period (the feed shows 0:00)` } : {})
          }))
        }
        return model
      })

      /** The state row and its event, in one transaction, queued behind the decision. */
      const persistState = (next: GameState, view: ModelView) =>
        writes.enqueue(
          "state",
          sql.withTransaction(
            sql`INSERT INTO game_states (game_id, observed_at, status, period, seconds_remaining, home_score, away_score, possession, model_home_prob, model_draw_prob,
                                         model_prior_source, model_prior_detail, espn_home_prob, state)
            VALUES (${gameId}, to_timestamp(${next.observedAt / 1000}), ${next.status}, ${next.period}, ${next.secondsRemaining ?? null},
                    ${next.home.score}, ${next.away.score}, ${next.possession ?? null}, ${view.home}, ${view.draw},
                    ${view.priorSource}, ${view.priorDetail ?? null}, ${next.espnHomeProbability ?? null},
                    ${JSON.stringify(next)}::jsonb)
            ON CONFLICT DO NOTHING`.pipe(
              Effect.andThen(outbox.append(GameStateChanged, { id: eventId("gs", gameId, next.observedAt), key: gameId, occurredAt: next.observedAt, payload: { state: next, model: view } }))
            )
          )
        )

      const onState = Effect.fn("GameActor.onState")(function*(next: GameState) {
        const receivedAt = yield* nowMillis
        yield* countMessage("state")
        // A stale ESPN response (an earlier score or clock) never moves the game backwards
        if (state !== undefined && (isBehind(next, state) || (sameMoment(state, next) && next.observedAt < state.observedAt))) {
          staleDropped++
          report.details["staleStatesDropped"] = staleDropped
          yield* Metric.update(staleStatesTotal, 1)
          yield* Effect.logDebug("stale game state dropped").pipe(Effect.annotateLogs({ gameId, detail: next.detail, accepted: state.detail }))
          return
        }
        stateLate = receivedAt - next.observedAt > Duration.toMillis(config.staleness.maxFeedLatency)
        if (stateLate) yield* Metric.update(lateStatesTotal, 1)
        report.espnUpdatedAt = next.observedAt
        report.details["status"] = next.status
        const changed = state === undefined || !sameMoment(state, next)
        // The game's record is keyed by observation time: a newer state observed in the same
        // millisecond as the last one (a burst, two pollers) is kept 1 ms after it, never
        // silently merged into it
        if (changed && state !== undefined && next.observedAt <= state.observedAt) next = { ...next, observedAt: state.observedAt + 1 }
        state = next
        if (!changed) return
        // Age the game state from when ESPN's content changed: a frozen response is not fresh
        stateChangedAt = next.observedAt
        const view = yield* runModel(next)
        yield* persistState(next, view)
        yield* evaluate("state", receivedAt)
      })

      const onBook = Effect.fn("GameActor.onBook")(function*(update: BookUpdate) {
        const receivedAt = yield* nowMillis
        yield* countMessage("book")
        const key = outcomeKey(update.top.outcome)
        tops.set(key, update)
        if (update.live && !liveBooks.has(key)) {
          liveBooks.add(key)
          yield* Effect.logInfo("book live").pipe(Effect.annotateLogs({ gameId, outcome: describeOutcome(update.top.outcome), top: describeTop(update.top) }))
        }
        report.bookUpdatedAt = update.top.asOf
        report.mailboxDepth = subscription === undefined ? 0 : yield* Queue.size(subscription.books.updates)
        yield* fanout.offer(PriceChanged, outcomeKey(update.top.outcome), {
          id: eventId("px", gameId, Hash.string(outcomeKey(update.top.outcome)).toString(36), update.top.epoch, update.top.asOf),
          key: gameId,
          payload: { gameId, top: update.top as TopOfBook }
        })
        if (update.live) yield* evaluate("book", receivedAt)
      })

      /** (Re)subscribes to the tracked outcomes' books; the old subscription closes first. */
      const resubscribe = Effect.fn("GameActor.subscribe")(function*() {
        if (subscription !== undefined) yield* Scope.close(subscription.scope, Exit.void)
        tops.clear()
        liveBooks.clear()
        subscription = undefined
        if (outcomes.length === 0) return
        const scope = yield* Scope.fork(activationScope, "sequential")
        const books = yield* hub.subscribe(outcomes.map((o) => o.outcome)).pipe(Scope.provide(scope))
        subscription = { scope, books }
        // The book fiber lives in the subscription's scope: closing it stops the fiber. A defect
        // in it restarts only the fiber, with backoff, and shows under the game in diagnostics
        yield* supervise(
          { id: `game:${gameId}/books`, kind: "service", parent: `game:${gameId}`, policy, onCrashLoop: halt("book handling is crash-looping") },
          Queue.take(books.updates).pipe(
            // Each book update starts its own trace: book → model → signal → order
            Effect.flatMap((update) => lock.withPermits(1)(onBook(update)).pipe(Effect.withSpan("GameActor.tick", { root: true, attributes: { gameId } }))),
            Effect.forever
          )
        ).pipe(Effect.forkIn(scope))
      })

      const view = (): GameView => ({
        gameId,
        status: report.status,
        ...(state === undefined ? {} : { state }),
        ...(model === undefined ? {} : { model }),
        outcomes: outcomes.length,
        tops: [...tops.values()].map((u) => ({
          outcome: u.top.outcome,
          ...(u.top.bid === undefined ? {} : { bid: u.top.bid.price }),
          ...(u.top.ask === undefined ? {} : { ask: u.top.ask.price }),
          asOf: u.top.asOf
        })),
        signals,
        halted,
        activations
      })

      yield* Effect.logDebug("game actor activated").pipe(Effect.annotateLogs({ gameId, activations, startedAt }))

      return Game.of({
        Track: ({ payload }) =>
          guarded(lock.withPermits(1)(
            Effect.gen(function*() {
              yield* touched
              outcomes = payload.outcomes
              report.details["outcomes"] = outcomes.length
              report.details["game"] = `${payload.state.away.name} at ${payload.state.home.name} (${payload.state.league})`
              report.details["markets"] = outcomes.map((o) => `${describeOutcome(o.outcome)} = ${o.meaning}`)
              revision = payload.revision
              yield* resubscribe()
              yield* onState(payload.state)
            })
          )),
        Update: ({ payload }) =>
          guarded(lock.withPermits(1)(Effect.andThen(touched, onState(payload.state)))).pipe(
            Effect.as(revision === undefined ? {} : { revision })
          ),
        Release: ({ payload }) =>
          lock.withPermits(1)(
            Effect.gen(function*() {
              yield* touched
              if (subscription !== undefined) yield* Scope.close(subscription.scope, Exit.void)
              subscription = undefined
              outcomes = []
              report.status = "passivated"
              report.details["released"] = payload.reason
            })
          ),
        Inspect: () => Effect.sync(view),
        InjectDefect: ({ payload }) => {
          if (!config.supervision.faultInjection) return Effect.fail(new FaultInjectionDisabled())
          // The cluster replays an interrupted request after the restart: a drill crashes the actor once
          const drills = (report.details["drills"] ??= []) as Array<string>
          if (drills.includes(payload.message)) return touched
          drills.push(payload.message)
          return guarded(Effect.andThen(touched, Effect.die(new Error(payload.message))))
        }
      })
    }),
    {
      // The orchestrator's Update every discovery interval keeps a tracked actor resident; a released
      // one hears nothing more and passivates after this
      maxIdleTime: "10 minutes",
      defectRetryPolicy: defectRetryPolicy(config.supervision.initialBackoff, config.supervision.maxBackoff)
    }
  )
}))
