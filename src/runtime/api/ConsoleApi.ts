/**
 * The operator's API: `/api/...` on the admin server, described by the OpenAPI document at
 * `/api/openapi.json` and browsable at `/api/docs`.
 *
 * Reads come from the record (Postgres, through `ReadModel`), the supervision tree and the
 * effective configuration (secrets masked as `<redacted>`). `GET /api/stream` is a Server-Sent
 * Events stream of bus events; each event's id is `<epoch>-<seq>`, and a client that reconnects
 * with that id (`Last-Event-ID`, or `?after=`) gets every later event once, in order. A `gap`
 * event says that events were dropped from the window in between (reload the tables), and a
 * `reset` event that the process restarted.
 *
 * Money is integer micro-dollars (`*Micros`), prices micro-dollars per contract, quantities
 * micro-contracts: exactly as stored.
 *
 * @since 0.1.0
 */
import { Effect, Layer, Schema, Stream } from "effect"
import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiError, HttpApiGroup, HttpApiScalar, HttpApiSchema, OpenApi } from "effect/http-api"
import { requestPositionClose } from "../../actors/Positions.ts"
import { readTradingState, setTradingState } from "../../actors/Risk.ts"
import { readStrategySwitches, setStrategySwitch, StrategySwitch } from "../../actors/Strategies.ts"
import type { TradingState } from "../../domain/risk/Rules.ts"
import { AppConfig } from "../../services/config/AppConfig.ts"
import { formatSource } from "../../services/config/ConfigLoader.ts"
import { EventFeed, type FeedEvent } from "../../services/console/EventFeed.ts"
import * as Read from "../../services/console/ReadModel.ts"
import { Diagnostics } from "../../services/Diagnostics.ts"
import { nowMillis } from "../../services/Time.ts"

const Limit = Schema.optional(Schema.NumberFromString.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 1_000 })))
const Filter = {
  game: Schema.optional(Schema.String),
  status: Schema.optional(Schema.String),
  limit: Limit
}

/** One game with everything the console shows about it. @category schemas */
export const GameDetail = Schema.Struct({
  game: Read.GameRow,
  mappings: Schema.Array(Read.MappingRow),
  states: Schema.Array(Read.GameStatePoint),
  prices: Schema.Array(Read.PricePoint)
})

/** @category schemas */
export const BankrollDetail = Schema.Struct({
  bankroll: Read.BankrollView,
  ledger: Schema.Array(Read.LedgerRow),
  /** Every other account in brief (in live mode, each live venue's `live:<platform>`) */
  others: Schema.Array(Read.BankrollView)
})

/** The global trading state and who set it, why and when. @category schemas */
export const TradingStateView = Schema.Struct({
  state: Schema.Literals(["ACTIVE", "REDUCING", "HALTED"]),
  reason: Schema.String,
  changedBy: Schema.String,
  at: Schema.Finite
})

/**
 * What the runtime has done, as of its clock (`at`: the simulated time in a replay): the counts of
 * signals (approved, denied), orders and fills recorded.
 *
 * @category schemas
 */
export const ActivityView = Schema.Struct({ at: Schema.Finite, ...Read.ActivityCounts.fields })

/** One screen: the trading state, the games in play with their prices, open positions, today's P&L. @category schemas */
export const StatusScreen = Schema.Struct({ trading: TradingStateView, ...Read.StatusView.fields })

/** Why an operator changes the trading state, and who they are. @category schemas */
export const TradingChange = Schema.Struct({
  reason: Schema.NonEmptyString.check(Schema.isMaxLength(500)),
  by: Schema.optional(Schema.NonEmptyString.check(Schema.isMaxLength(100)))
})

/** A close the upkeep singleton will carry out on its next exit pass. @category schemas */
export const CloseRequested = Schema.Struct({ positionId: Schema.String, reason: Schema.String, requestedBy: Schema.String, requestedAt: Schema.Finite })

/** Too many actions in the last minute. @category errors */
export class TooManyActions extends Schema.Error<TooManyActions>("arbees/api/TooManyActions")({
  _tag: Schema.tag("TooManyActions"),
  message: Schema.String
}, { description: "Too many actions in the last minute", httpApiStatus: 429 }) {}

/** @category schemas */
export const ConfigEntry = Schema.Struct({
  key: Schema.String,
  value: Schema.Unknown,
  source: Schema.String,
  secret: Schema.Boolean
})

/** A stream event: a bus event, a `gap` or a `reset` marker. @category schemas */
export const StreamEvent = Schema.Struct({ id: Schema.optional(Schema.String), event: Schema.String, data: Schema.String })

const GamesGroup = HttpApiGroup.make("games")
  .add(HttpApiEndpoint.get("list", "/api/games", { query: { status: Filter.status, limit: Limit }, success: Schema.Array(Read.GameRow) }))
  .add(
    HttpApiEndpoint.get("get", "/api/games/:gameId", {
      params: { gameId: Schema.String },
      query: { limit: Limit },
      success: GameDetail,
      error: HttpApiError.NotFound
    })
  )
  .annotate(OpenApi.Description, "Games, their state over time, their venue prices and market mappings")

const TradingGroup = HttpApiGroup.make("trading")
  .add(
    HttpApiEndpoint.get("signals", "/api/signals", {
      query: { ...Filter, kind: Schema.optional(Schema.String), reason: Schema.optional(Schema.String) },
      success: Schema.Array(Read.SignalRow)
    })
  )
  .add(HttpApiEndpoint.get("activity", "/api/activity", { success: ActivityView }))
  .add(HttpApiEndpoint.get("orders", "/api/orders", { query: Filter, success: Schema.Array(Read.OrderRow) }))
  .add(HttpApiEndpoint.get("fills", "/api/fills", { query: { game: Filter.game, limit: Limit }, success: Schema.Array(Read.FillRow) }))
  .add(HttpApiEndpoint.get("positions", "/api/positions", { query: Filter, success: Schema.Array(Read.PositionRow) }))
  .annotate(OpenApi.Description, "Signals with their decisions (reasonCode: APPROVED or the denial's code), orders, fills and positions, newest first; the counts so far")

const MoneyGroup = HttpApiGroup.make("money")
  .add(HttpApiEndpoint.get("bankroll", "/api/bankroll", {
    // `account`: another account than bankroll.account (a live venue's `live:<platform>`)
    query: { limit: Limit, account: Schema.optional(Schema.String.check(Schema.isMaxLength(100))) },
    success: BankrollDetail,
    error: HttpApiError.NotFound
  }))
  .add(HttpApiEndpoint.get("pnl", "/api/pnl", { query: { by: Read.PnlGrouping }, success: Schema.Array(Read.PnlRow) }))
  .annotate(OpenApi.Description, "The bankroll, its ledger (with the balance = Σ ledger check) and realised P&L")

const SystemGroup = HttpApiGroup.make("system")
  .add(HttpApiEndpoint.get("diagnostics", "/api/diagnostics", { success: Schema.Unknown }))
  .add(HttpApiEndpoint.get("config", "/api/config", { success: Schema.Array(ConfigEntry) }))
  .add(
    HttpApiEndpoint.get("stream", "/api/stream", {
      query: { after: Schema.optional(Schema.String), topics: Schema.optional(Schema.String) },
      headers: { "last-event-id": Schema.optional(Schema.String) },
      success: HttpApiSchema.StreamSse({ events: StreamEvent })
    })
  )
  .annotate(OpenApi.Description, "The supervision tree, the effective configuration (secrets masked) and the live event stream")

const ControlGroup = HttpApiGroup.make("control")
  .add(HttpApiEndpoint.get("state", "/api/trading", { success: TradingStateView }))
  .add(HttpApiEndpoint.get("status", "/api/status", { success: StatusScreen }))
  .add(
    HttpApiEndpoint.post("set", "/api/trading/:action", {
      params: { action: Schema.Literals(["halt", "reduce", "resume"]) },
      payload: TradingChange,
      success: TradingStateView,
      error: TooManyActions
    })
  )
  .add(
    HttpApiEndpoint.post("closePosition", "/api/positions/:positionId/close", {
      params: { positionId: Schema.String.check(Schema.isMaxLength(200)) },
      payload: TradingChange,
      success: CloseRequested,
      error: [TooManyActions, HttpApiError.NotFound, HttpApiError.Conflict]
    })
  )
  .add(HttpApiEndpoint.get("strategies", "/api/strategies", { success: Schema.Array(StrategySwitch) }))
  .add(
    HttpApiEndpoint.post("switchStrategy", "/api/strategies/:name/:action", {
      params: { name: Schema.String.check(Schema.isMaxLength(100)), action: Schema.Literals(["pause", "resume"]) },
      payload: TradingChange,
      success: StrategySwitch,
      error: [TooManyActions, HttpApiError.NotFound]
    })
  )
  .annotate(
    OpenApi.Description,
    "Close a position (sold on the next exit pass at the bid less the slippage buffer, through the risk singleton). " +
      "Pause or resume a configured strategy (a paused strategy proposes no new entries; its exits still run). " +
      "The global trading state: halt (nothing new, resting orders cancelled by the risk singleton), reduce (exits only) or resume. " +
      "Actions need the admin token (Authorization: Bearer) and are rate-limited; each change is recorded with who and why."
  )

/** @category api */
export class ConsoleApi extends HttpApi.make("arbees")
  .add(GamesGroup)
  .add(TradingGroup)
  .add(MoneyGroup)
  .add(SystemGroup)
  .add(ControlGroup)
  .annotate(OpenApi.Title, "arbees operator API")
  .annotate(OpenApi.Description, "Read the trading runtime's state and follow it live. Money is integer micro-dollars.")
{}

const storage = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.orDie(effect)

const GamesLive = HttpApiBuilder.group(ConsoleApi, "games", (h) =>
  h.handle("list", ({ query }) => Effect.flatMap(Read.ReadModel, (r) => storage(r.games({ status: query.status, limit: query.limit }))))
    .handle("get", ({ params, query }) =>
      Effect.gen(function*() {
        const read = yield* Read.ReadModel
        const game = yield* storage(read.game(params.gameId))
        if (game === undefined) return yield* new HttpApiError.NotFound()
        const [mappings, states, prices] = yield* storage(
          Effect.all([read.mappings(params.gameId), read.gameStates(params.gameId, query.limit), read.prices(params.gameId, query.limit)], {
            concurrency: 3
          })
        )
        return { game, mappings, states, prices }
      })
    ))

const TradingLive = HttpApiBuilder.group(ConsoleApi, "trading", (h) =>
  h.handle("signals", ({ query }) =>
    Effect.flatMap(Read.ReadModel, (r) =>
      storage(r.signals({ gameId: query.game, status: query.status, kind: query.kind, reason: query.reason, limit: query.limit }))))
    .handle("activity", () =>
      Effect.gen(function*() {
        const read = yield* Read.ReadModel
        return { at: yield* nowMillis, ...(yield* storage(read.counts)) }
      }))
    .handle("orders", ({ query }) =>
      Effect.flatMap(Read.ReadModel, (r) => storage(r.orders({ gameId: query.game, status: query.status, limit: query.limit }))))
    .handle("fills", ({ query }) => Effect.flatMap(Read.ReadModel, (r) => storage(r.fills({ gameId: query.game, limit: query.limit }))))
    .handle("positions", ({ query }) =>
      Effect.flatMap(Read.ReadModel, (r) => storage(r.positions({ gameId: query.game, status: query.status, limit: query.limit })))))

const MoneyLive = HttpApiBuilder.group(ConsoleApi, "money", (h) =>
  h.handle("bankroll", ({ query }) =>
    Effect.gen(function*() {
      const read = yield* Read.ReadModel
      const { config } = yield* AppConfig
      const account = query.account ?? config.bankroll.account
      const accounts = yield* storage(read.accounts)
      const bankroll = accounts.find((a) => a.account === account)
      if (bankroll === undefined) return yield* new HttpApiError.NotFound()
      return { bankroll, ledger: yield* storage(read.ledger(account, query.limit)), others: accounts.filter((a) => a.account !== account) }
    }))
    .handle("pnl", ({ query }) => Effect.flatMap(Read.ReadModel, (r) => storage(r.pnl(query.by)))))

/** Parses `<epoch>-<seq>`; anything else starts from the window's beginning. */
const parseCursor = (text: string | undefined): { readonly epoch: number; readonly seq: number } | undefined => {
  const m = text === undefined ? null : /^(\d+)-(\d+)$/.exec(text)
  return m === null ? undefined : { epoch: Number(m[1]), seq: Number(m[2]) }
}

const SystemLive = HttpApiBuilder.group(ConsoleApi, "system", (h) =>
  h.handle("diagnostics", () => Effect.flatMap(Diagnostics, (d) => d.snapshot))
    .handle("config", () =>
      Effect.map(AppConfig, ({ entries }) =>
        entries.map((e) => ({
          key: e.key,
          value: e.value,
          source: formatSource(e.source),
          secret: e.secret
        }))))
    .handle("stream", ({ headers, query }) =>
      Effect.gen(function*() {
        const feed = yield* EventFeed
        const wanted = query.topics === undefined ? undefined : new Set(query.topics.split(",").map((t) => t.trim()))
        const keep = (e: FeedEvent) => wanted === undefined || wanted.has(e.topic)
        const toSse = (e: FeedEvent) => ({
          id: `${feed.epoch}-${e.seq}`,
          event: e.topic,
          data: JSON.stringify({ eventId: e.eventId, key: e.key, occurredAt: e.occurredAt, payload: JSON.parse(e.json) })
        })
        const cursor = parseCursor(headers["last-event-id"] ?? query.after)
        const restarted = cursor !== undefined && cursor.epoch !== feed.epoch
        const from = cursor === undefined || restarted ? 0 : cursor.seq
        // Subscribe before reading the window, then skip what the window already sent: no gap, no duplicate
        return Stream.unwrap(Effect.gen(function*() {
          const live = yield* Stream.toPull(feed.live)
          const { events, gap } = feed.after(from)
          const last = events.length === 0 ? Math.max(from, feed.latest()) : events[events.length - 1]!.seq
          const markers = [
            ...(restarted ? [{ event: "reset", data: JSON.stringify({ epoch: feed.epoch }) }] : []),
            ...(gap && !restarted ? [{ event: "gap", data: JSON.stringify({ after: from }) }] : [])
          ]
          const tail = Stream.fromPull(Effect.succeed(live)).pipe(Stream.filter((e) => e.seq > last && keep(e)), Stream.map(toSse))
          return Stream.concat(Stream.fromIterable([...markers, ...events.filter(keep).map(toSse)]), tail)
        }))
      })))

/** At most this many actions a minute, across clients: a runaway script cannot flap trading. */
const ACTIONS_PER_MINUTE = 30

const ControlLive = HttpApiBuilder.group(ConsoleApi, "control", (h) =>
  Effect.gen(function*() {
    const recent: Array<number> = []
    const state: Record<"halt" | "reduce" | "resume", TradingState> = { halt: "HALTED", reduce: "REDUCING", resume: "ACTIVE" }
    const limit = Effect.gen(function*() {
      const now = yield* nowMillis
      while (recent.length > 0 && now - recent[0]! > 60_000) recent.shift()
      if (recent.length >= ACTIONS_PER_MINUTE) return yield* new TooManyActions({ message: `at most ${ACTIONS_PER_MINUTE} actions a minute` })
      recent.push(now)
    })
    return h.handle("state", () => storage(readTradingState()))
      .handle("status", () =>
        Effect.gen(function*() {
          const read = yield* Read.ReadModel
          const { config } = yield* AppConfig
          const [trading, status] = yield* storage(Effect.all([readTradingState(), read.status(config.bankroll.account, yield* nowMillis)], { concurrency: 2 }))
          return { trading, ...status }
        }))
      .handle("closePosition", ({ params, payload }) =>
        Effect.gen(function*() {
          yield* limit
          const requested = yield* requestPositionClose(params.positionId, payload.reason, `api:${payload.by ?? "operator"}`).pipe(
            Effect.catchTag("CloseRefused", (e) => Effect.fail(e.reason === "not_open" ? new HttpApiError.NotFound() : new HttpApiError.Conflict())),
            Effect.catchTag("SqlError", (e) => Effect.die(e))
          )
          yield* Effect.logWarning("position close requested").pipe(Effect.annotateLogs({ positionId: requested.positionId, reason: requested.reason, by: requested.requestedBy }))
          return requested
        }))
      .handle("strategies", () => Effect.flatMap(AppConfig, ({ config }) => storage(readStrategySwitches(config.strategies.enabled))))
      .handle("switchStrategy", ({ params, payload }) =>
        Effect.gen(function*() {
          yield* limit
          const { config } = yield* AppConfig
          const paused = params.action === "pause"
          const changed = yield* setStrategySwitch(config.strategies.enabled, params.name, paused, payload.reason, `api:${payload.by ?? "operator"}`).pipe(
            Effect.catchTag("UnknownStrategy", () => Effect.fail(new HttpApiError.NotFound())),
            Effect.catchTag("SqlError", (e) => Effect.die(e))
          )
          yield* Effect.logWarning(paused ? "strategy paused" : "strategy resumed").pipe(
            Effect.annotateLogs({ strategy: changed.name, reason: changed.reason, by: changed.changedBy })
          )
          return changed
        }))
      .handle("set", ({ params, payload }) =>
        Effect.gen(function*() {
          yield* limit
          const changed = yield* storage(setTradingState(state[params.action], payload.reason, `api:${payload.by ?? "operator"}`))
          yield* Effect.logWarning("trading state changed").pipe(
            Effect.annotateLogs({ state: changed.state, reason: changed.reason, by: changed.changedBy })
          )
          return changed
        }))
  }))

/**
 * The API's routes, the OpenAPI document and the docs page, for the admin server's router.
 *
 * @category layers
 */
export const layer = Layer.mergeAll(
  HttpApiBuilder.layer(ConsoleApi, { openapiPath: "/api/openapi.json" }),
  HttpApiScalar.layer(ConsoleApi, { path: "/api/docs" })
).pipe(Layer.provide(Layer.mergeAll(GamesLive, TradingLive, MoneyLive, SystemLive, ControlLive)))
