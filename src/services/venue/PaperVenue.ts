/**
 * The paper venue: a {@link Venue} that simulates a venue against the real books.
 *
 * An order reaches the simulated venue after `paper.latency` ± `paper.jitter` (drawn from Effect's
 * `Random`, seeded by `paper.seed` and the client order id, so a run replays exactly under a test
 * clock), then meets the book **as it stands then** through the pure fill model
 * (`domain/execution/FillModel.ts`): takers walk the depth, makers rest behind the visible queue
 * and fill only on trades and crossing books, as {@link PaperMarket} reports them (see
 * `HubPaperMarket.ts` for what the live hub supplies today). Every fill and order state
 * carries the {@link Realism} settings that produced it.
 *
 * Like a real venue, it refuses a client order id it has seen before (so a resubmission after a
 * crash cannot place twice), and an order it cannot price (no live book, no fee terms) is rejected
 * rather than guessed.
 *
 * @since 0.1.0
 */
import { Context, Duration, Effect, FiberSet, Layer, PubSub, Random, Semaphore, Stream } from "effect"
import { arrive, type BookSides, type MakerStep, type ModelSettings, onBook, onTrade, type Resting, type SimFill, type TradePrint } from "../../domain/execution/FillModel.ts"
import type { FeeSchedule } from "../../domain/fees/Fee.ts"
import { OrderError, Rejected } from "../../schema/errors/OrderError.ts"
import type { FillId, VenueOrderId } from "../../schema/Ids.ts"
import { outcomeKey, type OutcomeRef } from "../../schema/Market.ts"
import { type Bps, type Qty, qtyOf } from "../../schema/Money.ts"
import type { Platform } from "../../schema/Platform.ts"
import { AppConfig } from "../config/AppConfig.ts"
import { nowMillis } from "../Time.ts"
import {
  isTerminal,
  type OrderRef,
  type OrderRequest,
  type Realism,
  type SubmitResult,
  type Venue,
  type VenueEvent,
  type VenueFill,
  type VenueOrderState,
  Venues
} from "./Venue.ts"

/** A change in the market a resting paper order may react to. @category models */
export type MarketEvent =
  | { readonly _tag: "Trade"; readonly outcome: OutcomeRef; readonly print: TradePrint }
  | { readonly _tag: "Book"; readonly outcome: OutcomeRef }

/**
 * What the paper venue reads of the real market: an outcome's book (both sides, best first;
 * `undefined` when it is not live), its fee terms, and the stream of trades and book changes.
 *
 * @category services
 */
export class PaperMarket extends Context.Service<PaperMarket, {
  readonly book: (outcome: OutcomeRef) => Effect.Effect<BookSides | undefined>
  readonly fees: (outcome: OutcomeRef) => Effect.Effect<FeeSchedule | undefined>
  /** Makes sure `events` carries this outcome's trades and book changes while orders rest on it */
  readonly watch: (outcome: OutcomeRef) => Effect.Effect<void>
  readonly events: Stream.Stream<MarketEvent>
}>()("arbees/services/venue/PaperMarket") {}

/** The paper venue's knobs (from `paper.*`). @category models */
export interface PaperSettings {
  readonly latencyMillis: number
  readonly jitterMillis: number
  readonly seed: number
  /** Share of each visible level a taker may take (`paper.takeShare`) */
  readonly takeShare: Bps
}

/** Both venues count in hundredths of a contract (Kalshi `count_fp`, Polymarket sizes). */
const LOT: Qty = qtyOf("0.01")

/** The realism record every paper result carries. @category constructors */
export const realismOf = (s: PaperSettings): Realism => ({
  model: `l2-walk take=${s.takeShare}bps; maker=trade-through+queue(visible-at-join, shrink-only)`,
  latencyMillis: s.latencyMillis,
  jitterMillis: s.jitterMillis,
  seed: s.seed,
  queue: "visible-at-join"
})

/** The latency of one order: base ± jitter, deterministic in the seed and the client order id. @category model */
export const latencyOf = (s: PaperSettings, clientOrderId: string): Effect.Effect<number> =>
  s.jitterMillis <= 0
    ? Effect.succeed(s.latencyMillis)
    : Random.nextIntBetween(-s.jitterMillis, s.jitterMillis).pipe(
      Effect.map((j) => Math.max(0, s.latencyMillis + j)),
      Random.withSeed(`${s.seed}:${clientOrderId}`)
    )

interface Entry {
  readonly request: OrderRequest
  readonly fees: FeeSchedule
  state: VenueOrderState
  readonly fills: Array<VenueFill>
  resting: Resting | undefined
}

const rejected = (platform: Platform, code: string, message: string) => new OrderError({ platform, reason: new Rejected({ code, message }) })

/**
 * A paper venue for one platform, running in the current scope.
 *
 * @category constructors
 */
export const makePaperVenue = (platform: Platform, settings: PaperSettings) =>
  Effect.gen(function*() {
    const market = yield* PaperMarket
    const realism = realismOf(settings)
    const orders = new Map<string, Entry>()
    const resting = new Map<string, Set<Entry>>() // outcome key → resting entries
    const lock = yield* Semaphore.make(1)
    const events = yield* PubSub.unbounded<VenueEvent>()
    const fibers = yield* FiberSet.make()

    const modelFor = (fees: FeeSchedule): ModelSettings => ({ fees, takeShare: settings.takeShare, lot: LOT })

    const toFill = (entry: Entry, sim: SimFill, at: number): VenueFill => ({
      fillId: `${entry.state.venueOrderId}-${entry.fills.length + 1}` as FillId,
      clientOrderId: entry.request.clientOrderId,
      venueOrderId: entry.state.venueOrderId,
      outcome: entry.request.outcome,
      action: entry.request.action,
      price: sim.price,
      quantity: sim.quantity,
      fee: sim.fee,
      isTaker: sim.isTaker,
      filledAt: at,
      realism
    })

    const setResting = (entry: Entry, r: Resting | undefined) => {
      entry.resting = r
      const key = outcomeKey(entry.request.outcome)
      const set = resting.get(key) ?? new Set<Entry>()
      if (r === undefined) set.delete(entry)
      else set.add(entry)
      if (set.size === 0) resting.delete(key)
      else resting.set(key, set)
    }

    const publishState = (entry: Entry) => PubSub.publish(events, { _tag: "OrderUpdated", state: entry.state })

    const applyMakerStep = Effect.fnUntraced(function*(entry: Entry, step: MakerStep) {
      setResting(entry, step.resting)
      if (step.fill === undefined) return
      const at = yield* nowMillis
      const fill = toFill(entry, step.fill, at)
      entry.fills.push(fill)
      const filledQuantity = (entry.state.filledQuantity + fill.quantity) as Qty
      entry.state = {
        ...entry.state,
        filledQuantity,
        status: filledQuantity >= entry.request.quantity ? "filled" : "partially_filled",
        updatedAt: at
      }
      yield* PubSub.publish(events, { _tag: "Filled", fill })
      yield* publishState(entry)
    })

    const onMarket = (event: MarketEvent) =>
      lock.withPermit(Effect.gen(function*() {
        const entries = resting.get(outcomeKey(event.outcome))
        if (entries === undefined) return
        const book = event._tag === "Book" ? yield* market.book(event.outcome) : undefined
        for (const entry of [...entries]) {
          if (entry.resting === undefined) continue
          const model = modelFor(entry.fees)
          if (event._tag === "Trade") yield* applyMakerStep(entry, onTrade(entry.resting, event.print, model))
          else if (book !== undefined) yield* applyMakerStep(entry, onBook(entry.resting, book, model))
        }
      }))
    yield* market.events.pipe(Stream.runForEach(onMarket), FiberSet.run(fibers))

    const expire = (entry: Entry, at: number) =>
      Effect.sleep(Duration.millis(Math.max(0, at - (entry.state.updatedAt)))).pipe(
        Effect.andThen(lock.withPermit(Effect.gen(function*() {
          if (isTerminal(entry.state.status)) return
          setResting(entry, undefined)
          entry.state = { ...entry.state, status: "expired", reason: "expired", updatedAt: yield* nowMillis }
          yield* publishState(entry)
        })))
      )

    const submit = Effect.fn("PaperVenue.submit")(function*(request: OrderRequest) {
      if (orders.has(request.clientOrderId)) {
        return yield* rejected(platform, "duplicate_client_order_id", `client order id ${request.clientOrderId} was already used`)
      }
      const fees = yield* market.fees(request.outcome)
      if (fees === undefined) return yield* rejected(platform, "paper_no_fee_terms", "no fee terms for this market: cannot simulate a fill")
      // Claimed before the latency sleep, so a concurrent duplicate is refused too
      const venueOrderId = `paper-${request.clientOrderId}` as VenueOrderId
      const entry: Entry = {
        request,
        fees,
        fills: [],
        resting: undefined,
        state: { clientOrderId: request.clientOrderId, venueOrderId, status: "resting", quantity: request.quantity, filledQuantity: 0 as Qty, updatedAt: yield* nowMillis, realism }
      }
      orders.set(request.clientOrderId, entry)
      yield* Effect.sleep(Duration.millis(yield* latencyOf(settings, request.clientOrderId)))
      if (request.timeInForce === "gtc") yield* market.watch(request.outcome)
      return yield* lock.withPermit(Effect.gen(function*() {
        // Cancelled while on its way: it never meets the book
        if (isTerminal(entry.state.status)) return { state: entry.state, fills: [] } satisfies SubmitResult
        const at = yield* nowMillis
        const book = yield* market.book(request.outcome)
        if (book === undefined) {
          entry.state = { ...entry.state, status: "rejected", reason: "paper: no live book to fill against", updatedAt: at }
          yield* publishState(entry)
          return yield* rejected(platform, "paper_no_book", "no live book for this outcome: cannot simulate a fill")
        }
        const result = arrive(
          { action: request.action, limit: request.limitPrice, quantity: request.quantity, timeInForce: request.timeInForce, postOnly: request.postOnly },
          book,
          modelFor(fees)
        )
        for (const sim of result.fills) entry.fills.push(toFill(entry, sim, at))
        const status = result.status === "resting" ? (result.filled > 0 ? "partially_filled" : "resting") : result.status
        entry.state = { ...entry.state, status, filledQuantity: result.filled, updatedAt: at, ...(result.reason !== undefined ? { reason: result.reason } : {}) }
        setResting(entry, result.resting)
        if (status === "rejected") {
          yield* publishState(entry)
          return yield* rejected(platform, "paper_rejected", result.reason ?? "rejected")
        }
        for (const fill of entry.fills) yield* PubSub.publish(events, { _tag: "Filled", fill })
        yield* publishState(entry)
        if (result.resting !== undefined && request.expiresAt !== undefined) yield* FiberSet.run(fibers, expire(entry, request.expiresAt))
        return { state: entry.state, fills: [...entry.fills] } satisfies SubmitResult
      }))
    })

    const find = (ref: OrderRef) => orders.get(ref.clientOrderId)

    const cancel = Effect.fn("PaperVenue.cancel")(function*(ref: OrderRef) {
      return yield* lock.withPermit(Effect.gen(function*() {
        const entry = find(ref)
        if (entry === undefined) return yield* rejected(platform, "not_found", `no order ${ref.clientOrderId}`)
        if (isTerminal(entry.state.status)) return entry.state
        setResting(entry, undefined)
        entry.state = { ...entry.state, status: "canceled", reason: "cancelled by request", updatedAt: yield* nowMillis }
        yield* publishState(entry)
        return entry.state
      }))
    })

    const status = Effect.fn("PaperVenue.status")(function*(ref: OrderRef) {
      const entry = find(ref)
      return entry === undefined ? undefined : { state: entry.state, fills: [...entry.fills] }
    })

    return {
      platform,
      paper: true,
      submit,
      cancel,
      status,
      events: Stream.fromPubSub(events)
    } satisfies Venue
  })

/** The paper settings from configuration. @category constructors */
export const paperSettings = Effect.map(AppConfig, ({ config }): PaperSettings => ({
  latencyMillis: Duration.toMillis(config.paper.latency),
  jitterMillis: Duration.toMillis(config.paper.jitter),
  seed: config.paper.seed,
  takeShare: config.paper.takeShare
}))

/**
 * Paper venues for both platforms, over {@link PaperMarket}.
 *
 * @category layers
 */
export const layer: Layer.Layer<Venues, never, PaperMarket | AppConfig> = Layer.effect(
  Venues,
  Effect.gen(function*() {
    const settings = yield* paperSettings
    const kalshi = yield* makePaperVenue("kalshi", settings)
    const polymarket = yield* makePaperVenue("polymarket", settings)
    return Venues.of({ get: (p) => (p === "kalshi" ? kalshi : polymarket) })
  })
)
