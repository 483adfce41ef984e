/**
 * Kalshi, live: the execution interface over the Trade API v2 (PROTOCOLS.md §5.3).
 *
 * - **Submit** is one `POST /portfolio/events/orders` carrying our deterministic `client_order_id`,
 *   through the no-retry write path and Kalshi's write bucket. A refusal is `Rejected`; a timeout,
 *   a 5xx or a dropped connection is `OutcomeUnknown`, resolved only by {@link status} and by
 *   reconciliation. Immediate fills are read back from `GET /portfolio/fills?order_id=`.
 * - **Status** reads the order by the venue's id, or, when a submit's answer was lost, finds it by
 *   our client order id among the market's orders. No order there is proof it was never placed.
 * - **Cancel** is `DELETE /portfolio/events/orders/{id}`; the answer is the order's state after.
 * - **Events** come from the private `fill` and `user_orders` WebSocket channels (signed handshake,
 *   re-signed on every reconnect). Delivery is at least once; fills carry the trade id as their
 *   dedupe key, the same as REST fills.
 * - **Account** (open orders, fills, positions, balance) is what reconciliation reads.
 *
 * Kalshi's one-book convention means a fill or an order reads back only through our intent (the
 * outcome and action we sent): the venue keeps them for the orders it placed in this process and
 * asks `intentOf` (the order journal) for the rest.
 *
 * @since 0.1.0
 */
import { Duration, Effect, PubSub, Schema, Stream } from "effect"
import { OrderError, Rejected } from "../../schema/errors/OrderError.ts"
import type { ClientOrderId, MarketId, OutcomeId, VenueOrderId } from "../../schema/Ids.ts"
import { type Micros, ONE, type Qty } from "../../schema/Money.ts"
import { authHeaders, type KalshiCredentials } from "../kalshi/KalshiAuth.ts"
import { createOrderBody, fillOf, type OrderIntent, orderState } from "../kalshi/KalshiOrderMapping.ts"
import {
  CreateOrderV2Response,
  GetBalanceResponse,
  GetFillsResponse,
  GetOrderResponse,
  GetOrdersResponse,
  GetPositionsResponse,
  KalshiOrder,
  type KalshiFill,
  ReduceOrderV2Response,
  WsFill,
  WsPrivateFrame
} from "../kalshi/KalshiOrderSchemas.ts"
import { KalshiRateLimiter } from "../kalshi/KalshiRateLimiter.ts"
import { runFeedConnection } from "../marketdata/FeedConnection.ts"
import { makeVenueHttp } from "../marketdata/VenueHttp.ts"
import { nowMillis } from "../Time.ts"
import type { OrderRef, OrderRequest, OrderSnapshot, SubmitResult, VenueEvent, VenueOrderState } from "../venue/Venue.ts"
import type { AccountFill, AccountOrder, AccountPosition, LiveVenue } from "./LiveVenue.ts"
import { makeOrderHttp } from "./OrderHttp.ts"
import { allPages, isStatus, readFailed } from "./Reads.ts"

/** @category models */
export interface KalshiVenueConfig {
  readonly restUrl: string
  readonly wsUrl: string
  readonly credentials: KalshiCredentials
  readonly timeout: Duration.Duration
  readonly retries: number
  readonly requestCost: number
  readonly rateLimitPause: Duration.Duration
  readonly silence: Duration.Duration
  readonly reconnectInitial: Duration.Duration
  readonly reconnectMax: Duration.Duration
  /** The intent of an order this process did not place (the order journal); absent: unknown */
  readonly intentOf?: ((clientOrderId: ClientOrderId) => Effect.Effect<OrderIntent | undefined>) | undefined
  /** Look this far back for an order whose submit answer was lost */
  readonly lookback?: Duration.Duration | undefined
}

const WS_PATH = "/trade-api/ws/v2"

/**
 * Builds the venue and starts its private channel in the current scope.
 *
 * @category constructors
 */
export const makeKalshiVenue = (config: KalshiVenueConfig) =>
  Effect.gen(function*() {
    const limiter = yield* KalshiRateLimiter
    const credentials = config.credentials
    const sign = (method: string, path: string) => Effect.map(nowMillis, (now) => ({ ...authHeaders(credentials, now, method, path) }))
    const pause = Duration.toMillis(config.rateLimitPause)
    const writes = yield* makeOrderHttp({
      platform: "kalshi",
      source: "kalshi.orders",
      baseUrl: config.restUrl,
      timeout: config.timeout,
      sign: (method, path) => sign(method, path),
      throttle: limiter.acquire("write", config.requestCost),
      onRateLimited: limiter.penalize("write", pause)
    })
    const reads = yield* makeVenueHttp({
      platform: "kalshi",
      source: "kalshi.portfolio",
      baseUrl: config.restUrl,
      timeout: config.timeout,
      retries: config.retries,
      sign,
      throttle: limiter.acquire("read", config.requestCost),
      onRateLimited: limiter.penalize("read", pause)
    })
    const fail = (reason: OrderError["reason"]) => new OrderError({ platform: "kalshi", reason })

    // Our intents, by client order id and by venue order id (the channels only name the latter)
    const intents = new Map<ClientOrderId, OrderIntent>()
    const byVenueId = new Map<VenueOrderId, ClientOrderId>()
    const intentOf = (id: ClientOrderId) =>
      Effect.suspend(() => {
        const known = intents.get(id)
        if (known !== undefined || config.intentOf === undefined) return Effect.succeed(known)
        return Effect.tap(config.intentOf(id), (found) => Effect.sync(() => found !== undefined && intents.set(id, found)))
      })

    const fillsOf = (venueOrderId: VenueOrderId, intent: OrderIntent) =>
      Effect.gen(function*() {
        const now = yield* nowMillis
        const fills = yield* allPages((cursor) =>
          Effect.map(
            reads.get("getFills", "/portfolio/fills", { order_id: venueOrderId, limit: 200, cursor }, GetFillsResponse),
            (r) => ({ items: r.fills, cursor: r.cursor })
          )
        )
        return fills.map((f) => fillOf(f, intent, venueOrderId, now))
      }).pipe(Effect.mapError(readFailed))

    const submit = Effect.fn("KalshiVenue.submit")(function*(order: OrderRequest) {
      const body = createOrderBody(order)
      if ("error" in body) return yield* fail(new Rejected({ code: "invalid_order", message: body.error }))
      const intent: OrderIntent = { clientOrderId: order.clientOrderId, outcome: order.outcome, action: order.action, quantity: order.quantity }
      intents.set(order.clientOrderId, intent)
      const answer = yield* writes.send("createOrder", "POST", "/portfolio/events/orders", body, CreateOrderV2Response)
      const venueOrderId = answer.order_id as VenueOrderId
      byVenueId.set(venueOrderId, order.clientOrderId)
      const now = yield* nowMillis
      const filled = answer.fill_count
      const status = filled >= order.quantity
        ? "filled"
        : answer.remaining_count === 0
        ? "canceled"
        : filled > 0
        ? "partially_filled"
        : "resting"
      const state: VenueOrderState = { clientOrderId: order.clientOrderId, venueOrderId, status, quantity: order.quantity, filledQuantity: filled, updatedAt: now }
      // The immediate fills: a failed read here loses nothing (the channel and reconciliation bring them)
      const fills = filled > 0 ? yield* Effect.orElseSucceed(fillsOf(venueOrderId, intent), () => []) : []
      return { state, fills } satisfies SubmitResult
    })

    const findOrder = (ref: OrderRef, intent: OrderIntent | undefined) =>
      Effect.gen(function*() {
        if (ref.venueOrderId !== undefined) {
          return yield* reads.get("getOrder", `/portfolio/orders/${encodeURIComponent(ref.venueOrderId)}`, {}, GetOrderResponse).pipe(
            Effect.map((r) => r.order as KalshiOrder | undefined),
            Effect.catchIf((e) => isStatus(e, 404), () => Effect.succeed(undefined))
          )
        }
        if (intent === undefined) return undefined
        const now = yield* nowMillis
        const since = Math.floor((now - Duration.toMillis(config.lookback ?? Duration.days(2))) / 1000)
        const orders = yield* allPages((cursor) =>
          Effect.map(
            reads.get("getOrders", "/portfolio/orders", { ticker: intent.outcome.marketId, min_ts: since, limit: 200, cursor }, GetOrdersResponse),
            (r) => ({ items: r.orders, cursor: r.cursor })
          )
        )
        return orders.find((o) => o.client_order_id === ref.clientOrderId)
      }).pipe(Effect.mapError(readFailed))

    const status = Effect.fn("KalshiVenue.status")(function*(ref: OrderRef) {
      const intent = yield* intentOf(ref.clientOrderId)
      const order = yield* findOrder(ref, intent)
      if (order === undefined) return undefined
      if (intent === undefined) {
        return yield* fail(new Rejected({ code: "unknown_intent", message: `order ${order.order_id} found, but not what ${ref.clientOrderId} meant` }))
      }
      const venueOrderId = order.order_id as VenueOrderId
      byVenueId.set(venueOrderId, ref.clientOrderId)
      const now = yield* nowMillis
      const fills = yield* fillsOf(venueOrderId, intent)
      return { state: orderState(order, intent, now), fills } satisfies OrderSnapshot
    })

    const cancel = Effect.fn("KalshiVenue.cancel")(function*(ref: OrderRef) {
      const known = ref.venueOrderId ?? (yield* status(ref))?.state.venueOrderId
      if (known === undefined) return yield* fail(new Rejected({ code: "not_found", message: `no order ${ref.clientOrderId} at Kalshi` }))
      yield* writes.send("cancelOrder", "DELETE", `/portfolio/events/orders/${encodeURIComponent(known)}`, undefined, ReduceOrderV2Response).pipe(
        // An order that already filled or was cancelled cannot be cancelled: its state says so
        Effect.catchIf((e) => e.reason._tag === "Rejected", () => Effect.void)
      )
      const after = yield* status({ clientOrderId: ref.clientOrderId, venueOrderId: known })
      if (after === undefined) return yield* fail(new Rejected({ code: "not_found", message: `order ${known} vanished after cancel` }))
      return after.state
    })

    // -- the private channel ------------------------------------------------------------------
    const events = yield* PubSub.unbounded<VenueEvent>()
    const reconnects = yield* PubSub.unbounded<number>()
    const outbox: Array<string> = []
    let opens = 0
    let nextId = 1
    const decodeFill = Schema.decodeUnknownOption(WsFill)
    const decodeOrder = Schema.decodeUnknownOption(KalshiOrder)
    const decodeFrame = Schema.decodeUnknownOption(Schema.fromJsonString(WsPrivateFrame))

    const session = {
      onOpen: (now: number) => {
        opens++
        outbox.push(JSON.stringify({ id: nextId++, cmd: "subscribe", params: { channels: ["fill", "user_orders"] } }))
        if (opens > 1) PubSub.publishUnsafe(reconnects, now)
      },
      onFrame: (text: string, now: number) => {
        const frame = decodeFrame(text)
        if (frame._tag === "None") return
        const { type, msg } = frame.value
        if (type === "fill") {
          const fill = decodeFill(msg)
          if (fill._tag === "None") return
          const venueOrderId = fill.value.order_id as VenueOrderId
          const clientOrderId = byVenueId.get(venueOrderId) ?? (fill.value.client_order_id as ClientOrderId | null | undefined) ?? undefined
          const intent = clientOrderId === undefined ? undefined : intents.get(clientOrderId)
          // Not an order we know in memory: reconciliation records it
          if (intent !== undefined) PubSub.publishUnsafe(events, { _tag: "Filled", fill: fillOf(fill.value, intent, venueOrderId, now) })
        } else if (type === "user_order" || type === "user_orders") {
          const order = decodeOrder(msg)
          if (order._tag === "None") return
          const venueOrderId = order.value.order_id as VenueOrderId
          const clientOrderId = byVenueId.get(venueOrderId) ?? (order.value.client_order_id as ClientOrderId | null | undefined) ?? undefined
          const intent = clientOrderId === undefined ? undefined : intents.get(clientOrderId)
          if (intent === undefined) return
          byVenueId.set(venueOrderId, intent.clientOrderId)
          PubSub.publishUnsafe(events, { _tag: "OrderUpdated", state: orderState(order.value, intent, now) })
        }
      },
      onClose: () => {},
      drain: () => outbox.splice(0, outbox.length)
    }
    const connection = yield* runFeedConnection({
      name: "kalshi-user",
      url: config.wsUrl,
      headers: Effect.map(nowMillis, (now) => ({ ...authHeaders(credentials, now, "GET", WS_PATH) })),
      silence: config.silence,
      checkEvery: Duration.seconds(1),
      reconnectInitial: config.reconnectInitial,
      reconnectMax: config.reconnectMax
    }, session)

    // -- the account ---------------------------------------------------------------------------
    const openOrders = Effect.gen(function*() {
      const orders = yield* allPages((cursor) =>
        Effect.map(reads.get("getOrders", "/portfolio/orders", { status: "resting", limit: 200, cursor }, GetOrdersResponse), (r) => ({ items: r.orders, cursor: r.cursor }))
      )
      return orders.map((o): AccountOrder => ({
        venueOrderId: o.order_id as VenueOrderId,
        clientOrderId: (o.client_order_id ?? undefined) as ClientOrderId | undefined,
        marketId: o.ticker
      }))
    }).pipe(Effect.mapError(readFailed))

    const fills = (sinceMillis: number) =>
      Effect.gen(function*() {
        const all = yield* allPages((cursor) =>
          Effect.map(
            reads.get("getFills", "/portfolio/fills", { min_ts: Math.floor(sinceMillis / 1000), limit: 200, cursor }, GetFillsResponse),
            (r) => ({ items: r.fills, cursor: r.cursor })
          )
        )
        return all.map((f: KalshiFill): AccountFill => ({
          fillId: `kalshi:${f.trade_id}`,
          venueOrderId: f.order_id as VenueOrderId,
          marketId: f.market_ticker ?? f.ticker ?? "",
          filledAt: f.ts !== undefined ? f.ts * 1000 : sinceMillis
        }))
      }).pipe(Effect.mapError(readFailed))

    const positions = Effect.gen(function*() {
      const all = yield* allPages((cursor) =>
        Effect.map(reads.get("getPositions", "/portfolio/positions", { limit: 200, cursor }, GetPositionsResponse), (r) => ({ items: r.market_positions, cursor: r.cursor }))
      )
      const out: Array<AccountPosition> = []
      for (const p of all) {
        const signed: number = p.position_fp
        if (signed === 0) continue
        out.push({
          outcome: { platform: "kalshi", marketId: p.ticker as MarketId, outcomeId: (signed > 0 ? "yes" : "no") as OutcomeId },
          quantity: Math.abs(signed) as Qty
        })
      }
      return out
    }).pipe(Effect.mapError(readFailed))

    const balance = reads.get("getBalance", "/portfolio/balance", {}, GetBalanceResponse).pipe(
      Effect.map((b) => (b.balance_dollars ?? Math.round(b.balance * (ONE / 100))) as Micros),
      Effect.mapError(readFailed)
    )

    const venue: LiveVenue = {
      platform: "kalshi",
      paper: false,
      submit,
      cancel,
      status,
      events: Stream.fromPubSub(events),
      account: { openOrders, fills, positions, balance, reconnects: Stream.fromPubSub(reconnects) }
    }
    return { venue, connection }
  })
