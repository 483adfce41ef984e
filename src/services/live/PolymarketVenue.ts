/**
 * Polymarket, live: the execution interface over the CLOB (PROTOCOLS.md §3.5, §5.1, §5.2).
 *
 * - **Submit** signs an EIP-712 order for the exchange the venue reports on `GET /version` (V2, its
 *   neg-risk exchange, or V3) with the market's tick size and neg-risk flag, rounds price and size
 *   to what the CLOB accepts, and sends one `POST /order` (L2 HMAC over the exact body) through
 *   the no-retry write path. FAK/FOK/GTC map from ioc/fok/gtc. Polymarket has no client order id,
 *   so the order's EIP-712 hash, which is the `orderID` the CLOB assigns, is computed before
 *   sending: an order whose answer was lost is looked up by it, never re-sent.
 * - **Sells** first refresh the token's balance and allowance (`/balance-allowance/update`) and
 *   refuse to send more shares than the venue says we hold.
 * - **Trades are provisional until `CONFIRMED`.** Only confirmed trades become fills; `MATCHED`,
 *   `MINED` and `RETRYING` wait; a `FAILED` trade voids the match and asks for reconciliation.
 * - **Events** come from the `/ws/user` channel (orders and trades; authenticated in the subscribe
 *   message and re-sent on every reconnect).
 * - An `order_version_mismatch` refusal re-reads `/version` (the next order signs for the new
 *   exchange); the refused order is a proven rejection and is not re-sent here.
 *
 * @since 0.1.0
 */
import { Duration, Effect, PubSub, Random, Redacted, Schema, Stream } from "effect"
import { OrderError, Rejected } from "../../schema/errors/OrderError.ts"
import type { ClientOrderId, FillId, MarketId, OutcomeId, VenueOrderId } from "../../schema/Ids.ts"
import { type Micros, ONE, type Qty, QtyFromString } from "../../schema/Money.ts"
import type { Action, TimeInForce } from "../../schema/Trading.ts"
import type { OutcomeRef } from "../../schema/Market.ts"
import { ClobTickSize } from "../polymarket/ClobSchemas.ts"
import { runFeedConnection } from "../marketdata/FeedConnection.ts"
import { makeVenueHttp, parseJson } from "../marketdata/VenueHttp.ts"
import { orderAmounts } from "../polymarket/PolymarketOrderAmounts.ts"
import {
  ApiKeyResponse,
  BalanceAllowance,
  CancelResponse,
  type ClobOrder,
  ClobOrder as ClobOrderSchema,
  type ClobTrade,
  ClobTrade as ClobTradeSchema,
  DataPositions,
  NegRiskResponse,
  OrdersPage,
  PostOrderResponse,
  TradesPage,
  UserEventHead,
  VersionResponse
} from "../polymarket/PolymarketOrderSchemas.ts"
import { type ApiCredentials, EMPTY_BYTES32, l2Headers, orderHash, type OrderVersion, type PolymarketSigner, type UnsignedOrder } from "../polymarket/PolymarketSigning.ts"
import { nowMillis } from "../Time.ts"
import type { OrderRef, OrderRequest, OrderSnapshot, SubmitResult, VenueEvent, VenueFill, VenueOrderState, VenueOrderStatus } from "../venue/Venue.ts"
import type { AccountFill, AccountOrder, AccountPosition, LiveVenue } from "./LiveVenue.ts"
import { makeOrderHttp } from "./OrderHttp.ts"
import { allPages, isStatus, readFailed } from "./Reads.ts"
import { makeBucket, reserve, type TokenBucket } from "../kalshi/TokenBucket.ts"

/** What we meant by an order, and the id the CLOB gives it. @category models */
export interface PolymarketIntent {
  readonly clientOrderId: ClientOrderId
  readonly outcome: OutcomeRef
  readonly action: Action
  readonly quantity: Qty
  readonly timeInForce: TimeInForce
  /** The order hash (the CLOB's `orderID`) */
  readonly venueOrderId: VenueOrderId
}

/** @category models */
export interface PolymarketVenueConfig {
  readonly clobUrl: string
  readonly userWsUrl: string
  /** The Data API (positions); absent: positions are not listed */
  readonly dataUrl?: string | undefined
  readonly signer: PolymarketSigner
  /** The CLOB API key; absent: derived from the wallet (L1) at start-up */
  readonly credentials?: ApiCredentials | undefined
  readonly timeout: Duration.Duration
  readonly retries: number
  /** Order writes per second (the write bucket; a burst of one second) */
  readonly writesPerSecond: number
  readonly silence: Duration.Duration
  readonly reconnectInitial: Duration.Duration
  readonly reconnectMax: Duration.Duration
  readonly pingInterval: Duration.Duration
  /** The intent of an order this process did not place (the order journal) */
  readonly intentOf?: ((clientOrderId: ClientOrderId) => Effect.Effect<PolymarketIntent | undefined>) | undefined
  /** Persists an order's id before its POST (so a crash cannot lose it); a failure stops the send */
  readonly beforeSend?: ((intent: PolymarketIntent) => Effect.Effect<void, OrderError>) | undefined
}

const ORDER_TYPE = { ioc: "FAK", fok: "FOK", gtc: "GTC" } as const

/** Our state from the CLOB's order status and matched size. @category mapping */
export const statusOf = (status: string, matched: Qty, size: Qty): VenueOrderStatus => {
  const s = status.toUpperCase()
  if (s === "MATCHED" || matched >= size) return "filled"
  if (s.startsWith("CANCELED") || s === "UNMATCHED") return "canceled"
  if (s === "INVALID") return "rejected"
  return matched > 0 ? "partially_filled" : "resting"
}

/**
 * The fill a confirmed trade is for one of our orders: as taker (the trade's size and price) or as
 * a maker (its matched amount at its own price). `undefined`: the trade is not ours, or not final.
 *
 * @category mapping
 */
export const fillOfTrade = (trade: ClobTrade, intent: PolymarketIntent): VenueFill | undefined => {
  if (trade.status.toUpperCase() !== "CONFIRMED") return undefined
  const orderId = intent.venueOrderId.toLowerCase()
  const taker = trade.taker_order_id.toLowerCase() === orderId
  const maker = trade.maker_orders.find((m) => m.order_id.toLowerCase() === orderId)
  if (!taker && maker === undefined) return undefined
  const quantity = taker ? trade.size : maker!.matched_amount
  const price = taker ? trade.price : maker!.price
  // Taker fee at the trade's rate: C × rate × p × (1 − p), floored to 5 decimals (Polymarket's rounding)
  const bps = taker ? Number(trade.fee_rate_bps ?? "0") : 0
  const raw = (BigInt(quantity) * BigInt(Number.isSafeInteger(bps) ? bps : 0) * BigInt(price) * BigInt(ONE - price)) / (10_000n * BigInt(ONE) * BigInt(ONE))
  const fee = Number((raw / 10n) * 10n) as Micros
  const at = trade.match_time === undefined ? 0 : Number(trade.match_time) * 1000
  return {
    fillId: `polymarket:${trade.id}` as FillId,
    clientOrderId: intent.clientOrderId,
    venueOrderId: intent.venueOrderId,
    outcome: intent.outcome,
    action: intent.action,
    price,
    quantity,
    fee,
    isTaker: taker,
    filledAt: Number.isSafeInteger(at) ? at : 0
  }
}

const decodeQty = Schema.decodeUnknownOption(QtyFromString)

/**
 * Builds the venue and starts its user channel in the current scope.
 *
 * @category constructors
 */
export const makePolymarketVenue = (config: PolymarketVenueConfig) =>
  Effect.gen(function*() {
    const signer = config.signer
    const fail = (reason: OrderError["reason"]) => new OrderError({ platform: "polymarket", reason })
    const seconds = Effect.map(nowMillis, (now) => Math.floor(now / 1000))
    const bare = yield* makeVenueHttp({ platform: "polymarket", source: "polymarket.clob", baseUrl: config.clobUrl, timeout: config.timeout, retries: config.retries })

    // L2 credentials: configured, or derived from the wallet (L1)
    const credentials: ApiCredentials = config.credentials ?? (yield* Effect.gen(function*() {
      const l1 = yield* Effect.flatMap(seconds, (ts) => signer.l1Headers(ts, 0))
      const derive = yield* makeVenueHttp({
        platform: "polymarket",
        source: "polymarket.auth",
        baseUrl: config.clobUrl,
        timeout: config.timeout,
        retries: config.retries,
        sign: () => Effect.succeed({ ...l1 })
      })
      const key = yield* derive.get("deriveApiKey", "/auth/derive-api-key", {}, ApiKeyResponse)
      return { apiKey: Redacted.make(key.apiKey), secret: Redacted.make(key.secret), passphrase: Redacted.make(key.passphrase) }
    }))
    const sign = (method: string, path: string, body: string | undefined) =>
      Effect.map(seconds, (ts) => ({ ...l2Headers(signer.address, credentials, ts, method, path, body) }))
    const reads = yield* makeVenueHttp({
      platform: "polymarket",
      source: "polymarket.clob",
      baseUrl: config.clobUrl,
      timeout: config.timeout,
      retries: config.retries,
      sign: (method, path) => sign(method, path, undefined)
    })
    let bucket: TokenBucket = makeBucket(config.writesPerSecond, config.writesPerSecond, yield* nowMillis)
    const throttle = Effect.gen(function*() {
      const now = yield* nowMillis
      const { bucket: next, waitMillis } = reserve(bucket, 1, now)
      bucket = next
      if (waitMillis > 0) yield* Effect.sleep(Duration.millis(waitMillis))
    })
    const writes = yield* makeOrderHttp({ platform: "polymarket", source: "polymarket.orders", baseUrl: config.clobUrl, timeout: config.timeout, sign, throttle })

    // The exchange version, re-read after a version mismatch
    let version: OrderVersion = 2
    const readVersion = Effect.gen(function*() {
      const v = yield* Effect.orElseSucceed(Effect.map(bare.get("getVersion", "/version", {}, VersionResponse), (r) => r.version), () => 2)
      version = v === 3 ? 3 : 2
    })
    yield* readVersion

    const markets = new Map<string, { readonly tick: number; readonly negRisk: boolean }>()
    const marketOf = (tokenId: string) =>
      Effect.gen(function*() {
        const known = markets.get(tokenId)
        if (known !== undefined) return known
        const tick = yield* bare.get("getTickSize", "/tick-size", { token_id: tokenId }, ClobTickSize)
        const negRisk = yield* bare.get("getNegRisk", "/neg-risk", { token_id: tokenId }, NegRiskResponse)
        const found = { tick: tick.minimum_tick_size, negRisk: negRisk.neg_risk }
        markets.set(tokenId, found)
        return found
      }).pipe(Effect.mapError(readFailed))

    const intents = new Map<ClientOrderId, PolymarketIntent>()
    const byOrderId = new Map<string, ClientOrderId>()
    const remember = (intent: PolymarketIntent) => {
      intents.set(intent.clientOrderId, intent)
      byOrderId.set(intent.venueOrderId.toLowerCase(), intent.clientOrderId)
    }
    const intentOf = (id: ClientOrderId) =>
      Effect.suspend(() => {
        const known = intents.get(id)
        if (known !== undefined || config.intentOf === undefined) return Effect.succeed(known)
        return Effect.tap(config.intentOf(id), (found) => Effect.sync(() => found !== undefined && remember(found)))
      })

    const sharesHeld = (tokenId: string) =>
      Effect.gen(function*() {
        const params = { asset_type: "CONDITIONAL", token_id: tokenId, signature_type: signer.signatureType }
        yield* reads.get("updateBalanceAllowance", "/balance-allowance/update", params, Schema.Unknown)
        const b = yield* reads.get("getBalanceAllowance", "/balance-allowance", params, BalanceAllowance)
        return /^\d{1,15}$/.test(b.balance) ? Number(b.balance) : 0
      }).pipe(Effect.mapError(readFailed))

    const tradesOf = (intent: PolymarketIntent) =>
      Effect.gen(function*() {
        const trades = yield* allPages((cursor) =>
          Effect.map(
            reads.get("getTrades", "/data/trades", { asset_id: intent.outcome.outcomeId, next_cursor: cursor }, TradesPage),
            (r) => ({ items: r.data, cursor: r.next_cursor })
          )
        )
        return trades.flatMap((t) => {
          const f = fillOfTrade(t, intent)
          return f === undefined ? [] : [f]
        })
      }).pipe(Effect.mapError(readFailed))

    const submit = Effect.fn("PolymarketVenue.submit")(function*(order: OrderRequest) {
      const tokenId = order.outcome.outcomeId
      if (!/^\d{1,80}$/.test(tokenId)) return yield* fail(new Rejected({ code: "invalid_order", message: `a Polymarket outcome is a token id, was ${tokenId}` }))
      if (order.postOnly && order.timeInForce !== "gtc") return yield* fail(new Rejected({ code: "invalid_order", message: "post-only needs GTC" }))
      const market = yield* marketOf(tokenId)
      const side = order.action === "buy" ? "BUY" : "SELL"
      const amounts = orderAmounts({ side, price: order.limitPrice, size: order.quantity, tick: market.tick, kind: order.timeInForce === "gtc" ? "limit" : "market" })
      if ("error" in amounts) return yield* fail(new Rejected({ code: "invalid_order", message: amounts.error }))
      if (side === "SELL") {
        const held = yield* sharesHeld(tokenId)
        if (held < amounts.size) return yield* fail(new Rejected({ code: "insufficient_shares", message: `selling ${amounts.size} base units, the venue shows ${held}` }))
      }
      const now = yield* nowMillis
      const salt = yield* Random.nextIntBetween(1, Number.MAX_SAFE_INTEGER)
      const unsigned: UnsignedOrder = {
        salt,
        maker: signer.maker,
        signer: signer.address,
        tokenId,
        makerAmount: amounts.makerAmount.toString(),
        takerAmount: amounts.takerAmount.toString(),
        side,
        signatureType: signer.signatureType,
        timestamp: String(now),
        expiration: order.expiresAt === undefined ? "0" : String(Math.floor(order.expiresAt / 1000)),
        metadata: EMPTY_BYTES32,
        builder: EMPTY_BYTES32
      }
      const signedFor = version
      const venueOrderId = orderHash(unsigned, signedFor, market.negRisk, signer.chainId) as string as VenueOrderId
      const intent: PolymarketIntent = { clientOrderId: order.clientOrderId, outcome: order.outcome, action: order.action, quantity: amounts.size, timeInForce: order.timeInForce, venueOrderId }
      remember(intent)
      if (config.beforeSend !== undefined) yield* config.beforeSend(intent)
      const signed = yield* signer.signOrder(unsigned, signedFor, market.negRisk)
      const body = {
        deferExec: false,
        postOnly: order.postOnly,
        order: { ...signed },
        owner: Redacted.value(credentials.apiKey),
        orderType: order.expiresAt !== undefined && order.timeInForce === "gtc" ? "GTD" : ORDER_TYPE[order.timeInForce]
      }
      const answer = yield* writes.send("postOrder", "POST", "/order", body, PostOrderResponse)
      if (!answer.success) {
        const message = answer.errorMsg ?? "refused"
        if (message.includes("order_version_mismatch")) yield* readVersion
        return yield* fail(new Rejected({ code: message.split(/[\s:]/)[0] ?? "refused", message }))
      }
      const done = yield* nowMillis
      const filledText = side === "BUY" ? answer.takingAmount : answer.makingAmount
      const filledDecoded = filledText === undefined || filledText === null || filledText === "" ? undefined : decodeQty(filledText)
      const filled = (filledDecoded?._tag === "Some" ? Math.min(filledDecoded.value, amounts.size) : 0) as Qty
      const s = (answer.status ?? "").toLowerCase()
      // "delayed": the market imposes a matching delay and the order is queued, even a FAK. It is
      // open, not cancelled: treating it as 0 filled unwound the other leg too early (LESSONS.md 2.2)
      const status: VenueOrderStatus = filled >= amounts.size
        ? "filled"
        : s === "delayed"
        ? (filled > 0 ? "partially_filled" : "resting")
        : order.timeInForce !== "gtc" || s === "unmatched"
        ? "canceled"
        : filled > 0
        ? "partially_filled"
        : "resting"
      const state: VenueOrderState = { clientOrderId: order.clientOrderId, venueOrderId, status, quantity: amounts.size, filledQuantity: filled, updatedAt: done }
      // Trades settle on chain: fills come once CONFIRMED, from the channel or reconciliation
      return { state, fills: [] } satisfies SubmitResult
    })

    const findOrder = (venueOrderId: VenueOrderId) =>
      reads.get("getOrder", `/data/order/${encodeURIComponent(venueOrderId)}`, {}, Schema.NullOr(ClobOrderSchema)).pipe(
        Effect.map((o): ClobOrder | undefined => o ?? undefined),
        Effect.catchIf((e) => isStatus(e, 404), () => Effect.succeed(undefined)),
        Effect.mapError(readFailed)
      )

    const status = Effect.fn("PolymarketVenue.status")(function*(ref: OrderRef) {
      const intent = yield* intentOf(ref.clientOrderId)
      const venueOrderId = ref.venueOrderId ?? intent?.venueOrderId
      if (venueOrderId === undefined) return undefined
      const order = yield* findOrder(venueOrderId)
      if (order === undefined) return undefined
      if (intent === undefined) return yield* fail(new Rejected({ code: "unknown_intent", message: `order ${venueOrderId} found, but not what ${ref.clientOrderId} meant` }))
      const now = yield* nowMillis
      const fills = yield* tradesOf(intent)
      const state: VenueOrderState = {
        clientOrderId: ref.clientOrderId,
        venueOrderId,
        status: statusOf(order.status, order.size_matched, order.original_size),
        quantity: order.original_size,
        filledQuantity: order.size_matched,
        updatedAt: now
      }
      return { state, fills } satisfies OrderSnapshot
    })

    const cancel = Effect.fn("PolymarketVenue.cancel")(function*(ref: OrderRef) {
      const intent = yield* intentOf(ref.clientOrderId)
      const venueOrderId = ref.venueOrderId ?? intent?.venueOrderId
      if (venueOrderId === undefined) return yield* fail(new Rejected({ code: "not_found", message: `no order ${ref.clientOrderId} at Polymarket` }))
      yield* writes.send("cancelOrder", "DELETE", "/order", { orderID: venueOrderId }, CancelResponse).pipe(Effect.catchIf((e) => e.reason._tag === "Rejected", () => Effect.void))
      const after = yield* status({ clientOrderId: ref.clientOrderId, venueOrderId })
      if (after === undefined) return yield* fail(new Rejected({ code: "not_found", message: `order ${venueOrderId} not found after cancel` }))
      return after.state
    })

    // -- the user channel ----------------------------------------------------------------------
    const events = yield* PubSub.unbounded<VenueEvent>()
    const triggers = yield* PubSub.unbounded<number>()
    const outbox: Array<string> = []
    let opens = 0
    let subscribed = false
    const decodeHead = Schema.decodeUnknownOption(UserEventHead)
    const decodeOrder = Schema.decodeUnknownOption(ClobOrderSchema)
    const decodeTrade = Schema.decodeUnknownOption(ClobTradeSchema)
    const handle = (item: unknown, now: number) => {
      const head = decodeHead(item)
      if (head._tag === "None") return
      if (head.value.event_type === "order") {
        const order = decodeOrder(item)
        if (order._tag === "None") return
        const id = byOrderId.get(order.value.id.toLowerCase())
        const intent = id === undefined ? undefined : intents.get(id)
        if (intent === undefined) return
        PubSub.publishUnsafe(events, {
          _tag: "OrderUpdated",
          state: {
            clientOrderId: intent.clientOrderId,
            venueOrderId: intent.venueOrderId,
            status: statusOf(order.value.status, order.value.size_matched, order.value.original_size),
            quantity: order.value.original_size,
            filledQuantity: order.value.size_matched,
            updatedAt: now
          }
        })
      } else if (head.value.event_type === "trade") {
        const trade = decodeTrade(item)
        if (trade._tag === "None") return
        const status = trade.value.status.toUpperCase()
        // A failed settlement undoes a match we may have counted: reconcile
        if (status === "FAILED") PubSub.publishUnsafe(triggers, now)
        const ids = [trade.value.taker_order_id, ...trade.value.maker_orders.map((m) => m.order_id)]
        for (const orderId of ids) {
          const id = byOrderId.get(orderId.toLowerCase())
          const intent = id === undefined ? undefined : intents.get(id)
          const fill = intent === undefined ? undefined : fillOfTrade(trade.value, intent)
          if (fill !== undefined) PubSub.publishUnsafe(events, { _tag: "Filled", fill })
        }
      }
    }
    const session = {
      onOpen: (now: number) => {
        opens++
        subscribed = true
        outbox.push(JSON.stringify({
          auth: { apiKey: Redacted.value(credentials.apiKey), secret: Redacted.value(credentials.secret), passphrase: Redacted.value(credentials.passphrase) },
          markets: [],
          type: "user"
        }))
        if (opens > 1) PubSub.publishUnsafe(triggers, now)
      },
      onFrame: (text: string, now: number) => {
        if (text === "PONG") return
        const json = parseJson(text)
        if (json instanceof Error) return
        for (const item of Array.isArray(json) ? json : [json]) handle(item, now)
      },
      onClose: () => {
        subscribed = false
      },
      drain: () => outbox.splice(0, outbox.length),
      canHeartbeat: () => subscribed
    }
    const connection = yield* runFeedConnection({
      name: "polymarket-user",
      url: config.userWsUrl,
      silence: config.silence,
      checkEvery: Duration.seconds(1),
      reconnectInitial: config.reconnectInitial,
      reconnectMax: config.reconnectMax,
      heartbeat: { interval: config.pingInterval, message: "PING" }
    }, session)

    // -- the account ---------------------------------------------------------------------------
    const openOrders = Effect.map(
      allPages((cursor) => Effect.map(reads.get("getOpenOrders", "/data/orders", { next_cursor: cursor }, OrdersPage), (r) => ({ items: r.data, cursor: r.next_cursor }))),
      (orders) =>
        orders.map((o): AccountOrder => ({
          venueOrderId: o.id as VenueOrderId,
          clientOrderId: byOrderId.get(o.id.toLowerCase()),
          marketId: o.market ?? ""
        }))
    ).pipe(Effect.mapError(readFailed))

    const fills = (sinceMillis: number) =>
      Effect.gen(function*() {
        const trades = yield* allPages((cursor) =>
          Effect.map(
            reads.get("getTrades", "/data/trades", { maker_address: signer.maker, after: Math.floor(sinceMillis / 1000), next_cursor: cursor }, TradesPage),
            (r) => ({ items: r.data, cursor: r.next_cursor })
          )
        )
        return trades.filter((t) => t.status.toUpperCase() === "CONFIRMED").map((t): AccountFill => ({
          fillId: `polymarket:${t.id}`,
          venueOrderId: t.taker_order_id as VenueOrderId,
          marketId: t.market ?? "",
          filledAt: t.match_time === undefined ? sinceMillis : Number(t.match_time) * 1000
        }))
      }).pipe(Effect.mapError(readFailed))

    const data = config.dataUrl === undefined
      ? undefined
      : yield* makeVenueHttp({ platform: "polymarket", source: "polymarket.data", baseUrl: config.dataUrl, timeout: config.timeout, retries: config.retries })
    const positions = data === undefined
      ? Effect.succeed<ReadonlyArray<AccountPosition>>([])
      : Effect.map(data.get("getPositions", "/positions", { user: signer.maker }, DataPositions), (rows) =>
        rows.flatMap((p): Array<AccountPosition> => {
          const q = decodeQty(String(p.size))
          if (q._tag === "None" || q.value === 0 || !/^0x[0-9a-fA-F]{64}$/.test(p.conditionId)) return []
          return [{ outcome: { platform: "polymarket", marketId: p.conditionId as MarketId, outcomeId: p.asset as OutcomeId }, quantity: q.value }]
        })).pipe(Effect.mapError(readFailed))

    const balance = reads.get("getBalance", "/balance-allowance", { asset_type: "COLLATERAL", signature_type: signer.signatureType }, BalanceAllowance).pipe(
      Effect.map((b) => (/^\d{1,15}$/.test(b.balance) ? Number(b.balance) : 0) as Micros),
      Effect.mapError(readFailed)
    )

    const venue: LiveVenue = {
      platform: "polymarket",
      paper: false,
      submit,
      cancel,
      status,
      events: Stream.fromPubSub(events),
      account: { openOrders, fills, positions, balance, reconnects: Stream.fromPubSub(triggers) }
    }
    return { venue, connection, version: () => version, credentials }
  })
