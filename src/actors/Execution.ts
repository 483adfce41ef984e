/**
 * The execution actor: the singleton that turns approved orders into venue orders and drives each
 * through its lifecycle, and the driver that does the work on this runner.
 *
 * - `Submit` is a persisted message keyed by the client order id (`<signal id>-<leg>`, derived from
 *   the intent). Its handler records the order as `pending_submit` with its outbox event in one
 *   transaction (a replayed intent finds the row and places nothing), then hands it to the driver
 *   and answers at once, so the legs of an arbitrage go out concurrently.
 * - The **driver** sends the order to its {@link Venue} exactly once. The venue's answer, and every
 *   event on the venue's stream, is applied through `Trades.ts` (fills deduplicated by venue fill
 *   id, transitions never regress). A timeout or a lost connection makes the order `unknown`: it is
 *   never resent, only resolved by a status query. Every placement tells risk the venue's health
 *   (`recordVenueError` / `recordVenueSuccess`): a run of errors pauses new exposure there.
 * - **Halts**: whenever the trading state is HALTED (the kill switch, the admin endpoint, or
 *   `arbees trading halt` from another process; checked every 5 s and at start-up) the driver
 *   cancels every order that may rest at a venue, and their reservations are released.
 * - The **upkeep** singleton, while positions are open, runs the exit checks every
 *   `exits.checkInterval` (exits pass the risk singleton), asks the venues for the results of
 *   ended games' markets and applies the results they push (`Positions.ts`); and at start-up and
 *   then every few seconds, while any is left, resolves orders whose fate is open
 *   (`pending_submit` found after a crash counts as unknown: the request may have left), so a
 *   restart neither loses a fill nor places a second order. With nothing open these loops sleep on
 *   a latch (no timer), woken by the change that creates work. Once a minute it also releases the
 *   reservations of approvals that never became orders (`Trades.releaseUnusedReservations`).
 *
 * @since 0.1.0
 */
import { Cause, Context, Duration, Effect, FiberSet, Latch, Layer, Schedule, Schema, Stream } from "effect"
import { ClusterSchema, Entity, Singleton } from "effect/cluster"
import { Rpc } from "effect/rpc"
import { isTerminal, type VenueReport } from "../domain/execution/OrderLifecycle.ts"
import { DatabaseGate, isOutage } from "../services/database/DatabaseGate.ts"
import { backoff } from "../services/Backoff.ts"
import { describeFailure } from "../services/Failure.ts"
import * as Outage from "../services/Outage.ts"
import { AppConfig } from "../services/config/AppConfig.ts"
import { Diagnostics } from "../services/Diagnostics.ts"
import { StorageError } from "../schema/errors/StorageError.ts"
import { ClientOrderId, GameId, SignalId } from "../schema/Ids.ts"
import { OutcomeRef } from "../schema/Market.ts"
import { Price, Qty } from "../schema/Money.ts"
import { Action, OrderStatus, TimeInForce } from "../schema/Trading.ts"
import { type OrderSnapshot, type Venue, type VenueEvent, type VenueOrderState, Venues } from "../services/venue/Venue.ts"
import { accountBookOf } from "../services/live/LiveAccounts.ts"
import { MarketResults } from "../services/venue/MarketResults.ts"
import { PaperMarket } from "../services/venue/PaperVenue.ts"
import { applyAnnounced, checkExits, settleFromVenues } from "./Positions.ts"
import { readTradingState, recordVenueError, recordVenueSuccess, Risk, RISK_ID } from "./Risk.ts"
import * as Trades from "./Trades.ts"

/** @category messages */
export const Submit = Rpc.make("Submit", {
  payload: {
    clientOrderId: ClientOrderId,
    signalId: SignalId,
    gameId: GameId,
    outcome: OutcomeRef,
    action: Action,
    limitPrice: Price,
    quantity: Qty,
    timeInForce: TimeInForce,
    postOnly: Schema.optionalKey(Schema.Boolean),
    purpose: Schema.optionalKey(Schema.Literals(["entry", "exit", "unwind", "hedge"]))
  },
  success: Schema.Struct({ status: OrderStatus, recorded: Schema.Boolean }),
  error: StorageError,
  primaryKey: (p) => p.clientOrderId
}).annotate(ClusterSchema.Persisted, true)

/** @category entities */
export const Execution = Entity.make("Execution", [Submit])

/** The one execution entity. @category constants */
export const EXECUTION_ID = "global"

/** How often orders of unknown fate are resolved by a status query. */
const RESOLVE_EVERY = Duration.seconds(2)

/** How often, while positions are open, the venues are asked for ended games' results. */
const SETTLE_EVERY = Duration.seconds(30)

/** How often reservations of approvals that never became orders are looked for, and how long after their signal's expiry. */
const UNUSED_EVERY = Duration.minutes(1)
const UNUSED_GRACE = Duration.minutes(1)

/** What upkeep has to look at; setting a flag wakes the loop that waits on it. @category models */
export interface Work {
  reconcile: boolean
  exits: boolean
  /** Waits until `flag` is set (at once if it is) */
  readonly until: (flag: "reconcile" | "exits") => Effect.Effect<void>
}

const makeWork = (): Work => {
  const flags = { reconcile: true, exits: true }
  const latches = { reconcile: Latch.makeUnsafe(true), exits: Latch.makeUnsafe(true) }
  const set = (flag: "reconcile" | "exits", on: boolean) => {
    flags[flag] = on
    if (on) latches[flag].openUnsafe()
    else latches[flag].closeUnsafe()
  }
  return {
    get reconcile() {
      return flags.reconcile
    },
    set reconcile(on: boolean) {
      set("reconcile", on)
    },
    get exits() {
      return flags.exits
    },
    set exits(on: boolean) {
      set("exits", on)
    },
    until: (flag) => latches[flag].await
  }
}

/** How often the driver looks for a trading halt set elsewhere (`arbees trading halt` in another process). */
const HALT_CHECK_EVERY = Duration.seconds(5)

const stateReport = (state: VenueOrderState): VenueReport => ({ _tag: "State", status: state.status, filled: state.filledQuantity })

/**
 * The runner-local driver: places recorded orders and applies what the venues report.
 *
 * @category services
 */
export class ExecutionDriver extends Context.Service<ExecutionDriver, {
  /** Sends a recorded `pending_submit` order to its venue, in the background */
  readonly launch: (clientOrderId: string) => Effect.Effect<void>
  /** Sends it and waits for the venue's first answer (tests, unwinds) */
  readonly place: (clientOrderId: string) => Effect.Effect<void, StorageError>
  /** Resolves every open order by a status query (start-up and upkeep) */
  readonly reconcile: Effect.Effect<number, StorageError>
  /**
   * Cancels every order that may be resting at a venue (the kill switch and a trading halt); each
   * venue's answer is applied like any other, so the reservations of cancelled buys are released.
   * Answers how many the venues cancelled. A cancel a venue refuses or cannot answer is logged and
   * left to the status query.
   */
  readonly cancelOpen: Effect.Effect<number, StorageError>
  /** Resolves one order by a status query, when its fate is still open (arbitrage legs) */
  readonly refresh: (clientOrderId: string) => Effect.Effect<void, StorageError>
  readonly books: Trades.Books
  /**
   * What upkeep has to look at: orders of open fate, and open positions. Set at start-up and by
   * every change that may create work, cleared by a pass that finds none (so an idle runtime does
   * not query the database every second)
   */
  readonly work: Work
}>()("arbees/actors/ExecutionDriver") {
  static readonly layer: Layer.Layer<ExecutionDriver, never, Venues | AppConfig | Trades.TradesContext> = Layer.effect(
    ExecutionDriver,
    Effect.gen(function*() {
      const appConfig = yield* AppConfig
      const { config } = appConfig
      const venues = yield* Venues
      const context = yield* Effect.context<Trades.TradesContext>()
      // Each venue's money in its own account: a live venue's in `live:<platform>`, paper in `bankroll.account`
      const books: Trades.Books = { ...accountBookOf(config), piggybankShare: config.bankroll.piggybankShare }
      const fibers = yield* FiberSet.make()
      const work = makeWork()

      const applySnapshot = (snapshot: OrderSnapshot) =>
        Effect.gen(function*() {
          for (const fill of snapshot.fills) if (yield* Trades.applyFill(books, fill)) work.exits = true
          yield* Trades.applyReport(books, snapshot.state.clientOrderId, stateReport(snapshot.state), {
            reason: snapshot.state.reason,
            venueOrderId: snapshot.state.venueOrderId,
            realism: snapshot.state.realism
          })
        })

      // Orders this process is sending and has not heard back on: a status query now could find
      // nothing (the request has not arrived yet) and wrongly close them, so reconciling waits
      const sending = new Set<string>()

      /** Sends the order; the caller has claimed it in `sending` (so no status query races the send). */
      const send = (clientOrderId: string) =>
        Effect.gen(function*() {
          const row = yield* Trades.readOrder(clientOrderId).pipe(Effect.mapError((e) => Trades.storage(e)))
          if (row === undefined || row.status !== "pending_submit") return
          const venue = venues.get(row.outcome.platform)
          const result = yield* venue.submit({
            clientOrderId: row.clientOrderId,
            outcome: row.outcome,
            action: row.action,
            limitPrice: row.limitPrice,
            quantity: row.quantity,
            timeInForce: row.timeInForce,
            postOnly: row.postOnly,
            ...(row.expiresAt !== undefined ? { expiresAt: row.expiresAt } : {})
          }).pipe(Effect.result)
          // The venue's health: a run of errors pauses new exposure there (`execution.maxConsecutiveErrors`)
          if (result._tag === "Success") {
            yield* recordVenueSuccess(row.outcome.platform)
            return yield* applySnapshot(result.success)
          }
          yield* recordVenueError(row.outcome.platform).pipe(Effect.provideService(AppConfig, appConfig))
          const reason = result.failure.reason
          // Only a proven refusal is a rejection; anything we cannot be sure of is unknown
          const report: VenueReport = reason._tag === "OutcomeUnknown" ? { _tag: "Unknown" } : { _tag: "Rejected" }
          if (report._tag === "Unknown") work.reconcile = true
          const text = reason._tag === "Rejected" ? `${reason.code}: ${reason.message}` : reason._tag
          yield* Trades.applyReport(books, clientOrderId, report, { reason: text })
        }).pipe(Effect.provideContext(context), Effect.withSpan("Execution.place", { attributes: { clientOrderId } }))

      /**
       * Claims the order for sending at once (before its row is even read), so an upkeep pass that
       * starts meanwhile leaves it alone, and a second launch of the same order does nothing.
       */
      const claim = (clientOrderId: string): boolean => {
        if (sending.has(clientOrderId)) return false
        sending.add(clientOrderId)
        return true
      }
      const place = (clientOrderId: string) =>
        Effect.suspend(() =>
          claim(clientOrderId) ? send(clientOrderId).pipe(Effect.ensuring(Effect.sync(() => void sending.delete(clientOrderId)))) : Effect.void
        )

      const resolve = (row: Trades.OrderRow, venue: Venue) =>
        Effect.gen(function*() {
          if (sending.has(row.clientOrderId)) return
          const snapshot = yield* venue.status({ clientOrderId: row.clientOrderId, venueOrderId: row.venueOrderId }).pipe(
            Effect.catch(() => Effect.succeed("unreachable" as const))
          )
          if (snapshot === "unreachable") return
          if (snapshot !== undefined) return yield* applySnapshot(snapshot)
          // The venue has no such order: it never got it, or (paper) it died with the process
          if (row.status === "pending_submit" || row.status === "unknown") {
            yield* Trades.applyReport(books, row.clientOrderId, { _tag: "NotFound" }, { reason: "venue has no such order" })
          } else if (venue.paper) {
            yield* Trades.applyReport(books, row.clientOrderId, { _tag: "State", status: "canceled", filled: row.filled }, { reason: "paper venue restarted" })
          }
        })

      const reconcile = Effect.gen(function*() {
        const open = yield* Trades.openOrders.pipe(Effect.mapError(Trades.storage))
        for (const row of open) yield* resolve(row, venues.get(row.outcome.platform))
        // Resting orders are followed by the event stream; only an unresolved fate needs polling
        work.reconcile = open.some((o) => o.status === "unknown" || o.status === "pending_submit")
        return open.length
      }).pipe(Effect.provideContext(context))

      const refresh = (clientOrderId: string) =>
        Effect.gen(function*() {
          const row = yield* Trades.readOrder(clientOrderId).pipe(Effect.mapError(Trades.storage))
          if (row !== undefined && !isTerminal(row.status)) yield* resolve(row, venues.get(row.outcome.platform))
        }).pipe(Effect.provideContext(context))

      const apply = (event: VenueEvent) =>
        (event._tag === "Filled"
          ? Effect.map(Trades.applyFill(books, event.fill), (applied) => void (applied && (work.exits = true)))
          : Effect.asVoid(Trades.applyReport(books, event.state.clientOrderId, stateReport(event.state), {
            reason: event.state.reason,
            venueOrderId: event.state.venueOrderId,
            realism: event.state.realism
          }))).pipe(Effect.provideContext(context))

      // A fill or report that cannot be recorded while the database is unreachable is applied again
      // until it is (fills are deduplicated by their venue id, reports are idempotent), in order:
      // dropping it would leave a fill unbooked until a reconciliation happened to look
      const eventsOutage = yield* Outage.make({ name: "database (venue events)", staleAfter: Duration.minutes(1) })
      const onEvent = (event: VenueEvent, attempt = 1): Effect.Effect<void> =>
        apply(event).pipe(
          Effect.andThen(eventsOutage.succeeded),
          Effect.catchCause((cause) =>
            !Cause.hasDies(cause) && isOutage(Cause.squash(cause))
              ? eventsOutage.failed(Cause.squash(cause)).pipe(
                Effect.andThen(backoff(Duration.millis(100), Duration.seconds(5), attempt)),
                Effect.flatMap(Effect.sleep),
                Effect.andThen(Effect.suspend(() => onEvent(event, attempt + 1)))
              )
              : Effect.logError("venue event not applied", cause)
          )
        )

      for (const platform of ["kalshi", "polymarket"] as const) {
        yield* venues.get(platform).events.pipe(Stream.runForEach((event) => onEvent(event)), FiberSet.run(fibers))
      }

      const cancelOpen = Effect.gen(function*() {
        const open = yield* Trades.openOrders.pipe(Effect.mapError(Trades.storage))
        let cancelled = 0
        // Resting (acknowledged), part-filled, or of unknown fate (it may rest): never one not yet sent
        for (const row of open.filter((o) => o.status !== "pending_submit")) {
          const answer = yield* venues.get(row.outcome.platform).cancel({ clientOrderId: row.clientOrderId, venueOrderId: row.venueOrderId }).pipe(Effect.result)
          if (answer._tag === "Failure") {
            work.reconcile = true
            yield* Effect.logWarning("cancel refused").pipe(Effect.annotateLogs({ clientOrderId: row.clientOrderId, reason: answer.failure.reason._tag }))
            continue
          }
          if (answer.success.status === "canceled") cancelled++
          yield* Trades.applyReport(books, row.clientOrderId, stateReport(answer.success), {
            reason: answer.success.reason ?? "cancelled: trading halted",
            venueOrderId: answer.success.venueOrderId,
            realism: answer.success.realism
          })
        }
        if (cancelled > 0) yield* Effect.logWarning("resting orders cancelled: trading halted").pipe(Effect.annotateLogs({ cancelled }))
        return cancelled
      }).pipe(Effect.provideContext(context), Effect.withSpan("Execution.cancelOpen"))

      // A halt set anywhere (the kill switch, the admin endpoint, `arbees trading halt` from another
      // process) cancels what rests at the venues: checked every few seconds, and at start-up
      let enforced: number | undefined
      const gate = yield* Effect.serviceOption(DatabaseGate)
      yield* Effect.gen(function*() {
        // The trading state cannot be read while the database is unreachable (trading is blocked meanwhile)
        if (gate._tag === "Some" && gate.value.state()._tag === "Closed") return
        const trading = yield* readTradingState()
        if (trading.state !== "HALTED" || enforced === trading.at) return
        yield* cancelOpen
        enforced = trading.at
      }).pipe(
        Effect.provideContext(context),
        Effect.catchCause((cause) =>
          isOutage(Cause.squash(cause))
            ? Effect.logWarning("halt enforcement waits for the database").pipe(
              Effect.annotateLogs({ reason: describeFailure(Cause.squash(cause)), every: Duration.format(HALT_CHECK_EVERY) })
            )
            : Effect.logError("halt enforcement failed", cause)
        ),
        Effect.repeat(Schedule.spaced(HALT_CHECK_EVERY)),
        FiberSet.run(fibers)
      )

      return ExecutionDriver.of({
        launch: (id) =>
          Effect.suspend(() =>
            claim(id)
              ? Effect.asVoid(FiberSet.run(
                fibers,
                send(id).pipe(
                  Effect.catchCause((cause) => Effect.logError("order placement failed", cause)),
                  Effect.ensuring(Effect.sync(() => void sending.delete(id)))
                )
              ))
              : Effect.void
          ),
        place,
        reconcile,
        cancelOpen,
        refresh,
        books,
        work
      })
    })
  )
}

/** @category layers */
export const layer = Execution.toLayer(
  Effect.gen(function*() {
    const driver = yield* ExecutionDriver
    const context = yield* Effect.context<Trades.TradesContext>()
    const diagnostics = yield* Diagnostics
    const report = yield* diagnostics.register({ id: "singleton:execution", kind: "singleton", parent: "runner" })
    report.status = "running"
    yield* Effect.addFinalizer(() => Effect.sync(() => void (report.status = "passivated")))

    const submit = Effect.fn("Execution.submit")(function*(p: typeof Submit.payloadSchema.Type) {
      report.lastMessageAt = yield* Effect.clockWith((c) => c.currentTimeMillis)
      // Recording and launching are one step: an interruption never leaves a recorded order unsent
      const recorded = yield* Effect.uninterruptible(Trades.recordOrder({
        clientOrderId: p.clientOrderId,
        signalId: p.signalId,
        gameId: p.gameId,
        outcome: p.outcome,
        action: p.action,
        limitPrice: p.limitPrice,
        quantity: p.quantity,
        timeInForce: p.timeInForce,
        postOnly: p.postOnly ?? false,
        purpose: p.purpose ?? "entry",
        // A venue without credentials stays paper in live mode too
        paper: !driver.books.live?.has(p.outcome.platform)
      }).pipe(Effect.provideContext(context), Effect.tap((recorded) => (recorded ? driver.launch(p.clientOrderId) : Effect.void))))
      // A delivery of an order already recorded places nothing: if it is still unsent, its request
      // may have left with an earlier process, so only a status query (upkeep) may settle its fate
      if (!recorded) driver.work.reconcile = true
      report.details["orders"] = Number(report.details["orders"] ?? 0) + (recorded ? 1 : 0)
      return { status: "pending_submit" as const, recorded }
    })

    return Execution.of({ Submit: ({ payload }) => submit(payload) })
  }),
  { maxIdleTime: "1 hour" }
)

/**
 * The upkeep singleton: exits and settlement while positions are open; open orders reconciled at
 * start-up and then every few seconds while any is left.
 *
 * @category layers
 */
export const upkeep = Singleton.make(
  "execution-upkeep",
  Effect.gen(function*() {
    const driver = yield* ExecutionDriver
    const { config } = yield* AppConfig
    const risk = (yield* Risk.client)(RISK_ID)
    const context = yield* Effect.context<Trades.TradesContext | PaperMarket | AppConfig | MarketResults>()
    /** Runs `body` every `every` while `flag` is set; waits for it (no timer) while it is not. */
    const whileWork = Effect.fnUntraced(function*(
      flag: "reconcile" | "exits",
      every: Duration.Duration,
      name: string,
      body: Effect.Effect<void, unknown, Trades.TradesContext | PaperMarket | AppConfig | MarketResults>
    ) {
      // An unreachable database is told once and summarised (the loop tries again every period);
      // anything else is an error each time
      const outage = yield* Outage.make({ name: `database (${name})`, staleAfter: Duration.minutes(1) })
      return yield* driver.work.until(flag).pipe(
        Effect.andThen(body.pipe(
          Effect.provideContext(context),
          Effect.andThen(outage.succeeded),
          Effect.catchCause((cause) =>
            !Cause.hasDies(cause) && isOutage(Cause.squash(cause)) ? outage.failed(Cause.squash(cause)) : Effect.logError(`${name} failed`, cause)
          )
        )),
        Effect.andThen(Effect.sleep(every)),
        Effect.forever,
        Effect.forkScoped
      )
    })
    yield* whileWork(
      "exits",
      config.exits.checkInterval,
      "exit check",
      // Exits, settlement polls and marks go on while any position is open (an arbitrage leg too)
      checkExits(driver.place, (request) => risk.Check(request)).pipe(
        Effect.andThen(Trades.openPositions()),
        Effect.map((open) => void (driver.work.exits = open.length > 0))
      )
    )
    yield* whileWork("exits", SETTLE_EVERY, "settlement", Effect.asVoid(settleFromVenues(driver.books)))
    yield* applyAnnounced(driver.books).pipe(Effect.provideContext(context), Effect.forkScoped)
    yield* whileWork("reconcile", RESOLVE_EVERY, "order reconciliation", Effect.asVoid(driver.reconcile))
    // One query a minute, idle or not: an approval lost with its actor must not hold money forever
    yield* Trades.releaseUnusedReservations(driver.books, Duration.toMillis(UNUSED_GRACE)).pipe(
      Effect.provideContext(context),
      Effect.catchCause((cause) => Effect.logError("unused reservations not released", cause)),
      Effect.andThen(Effect.sleep(UNUSED_EVERY)),
      Effect.forever,
      Effect.forkScoped
    )
    return yield* Effect.never
  })
)
