/**
 * The venues execution trades on, as `arbees run` builds them.
 *
 * In paper mode both are paper venues. In live mode (`mode=live` with `--authorize-live`, which
 * the configuration enforces), a venue whose credentials are configured trades live
 * (`LiveAccounts.ts`); a venue without them stays paper and start-up says so in one line.
 *
 * Live start-up, before any actor can trade:
 *
 * 1. each live venue is built (Kalshi: the key loads; Polymarket: the wallet key parses, the CLOB
 *    API key is configured or derived from the wallet) and its private channel opens;
 * 2. each is reconciled against its account (`live:<platform>`, opened at the venue's balance the
 *    first time); a fill it finds for one of our orders is booked as execution books it
 *    (`Trades.applyFill`: the order, the position, the ledger). A failure refuses live trading with
 *    one line naming the venue and why, and the process exits;
 * 3. reconciliation keeps running for the life of the process, after every reconnect of a venue's
 *    private channel and every {@link RECONCILE_EVERY}; while it runs, risk refuses new exposure
 *    on that venue.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Layer, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { kalshiIntents, LiveRefused, polymarketIntents, reconcileAtStartup, recordOrderId, runReconciliation } from "../actors/Reconciliation.ts"
import * as Trades from "../actors/Trades.ts"
import type { Platform } from "../schema/Platform.ts"
import { AppConfig, type Config } from "../services/config/AppConfig.ts"
import { loadCredentials } from "../services/kalshi/KalshiAuth.ts"
import { KalshiRateLimiter } from "../services/kalshi/KalshiRateLimiter.ts"
import { makeKalshiVenue } from "../services/live/KalshiVenue.ts"
import { accountBookOf, hasCredentials, liveAccount } from "../services/live/LiveAccounts.ts"
import type { LiveVenue } from "../services/live/LiveVenue.ts"
import { makePolymarketVenue } from "../services/live/PolymarketVenue.ts"
import { makeSigner } from "../services/polymarket/PolymarketSigning.ts"
import { makePaperVenue, paperSettings } from "../services/venue/PaperVenue.ts"
import { type Venue, type VenueFill, Venues } from "../services/venue/Venue.ts"

/** How often a live venue is reconciled when nothing else asked for it. @category constants */
export const RECONCILE_EVERY = Duration.minutes(5)
/** How far back reconciliation reads the venue's fills. @category constants */
export const RECONCILE_LOOKBACK = Duration.hours(24)

const refuse = (message: string) => new LiveRefused({ message: `live trading refused: ${message}` })

/** One live venue from the configuration (its private channel opens in the layer's scope). */
const liveVenue = (config: Config, platform: Platform) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const channels = {
      silence: config.staleness.socketSilence,
      reconnectInitial: config.marketdata.reconnectInitial,
      reconnectMax: config.marketdata.reconnectMax
    }
    if (platform === "kalshi") {
      const credentials = loadCredentials(config.kalshi)
      if (credentials === undefined || "error" in credentials) return yield* refuse(`kalshi: ${credentials?.error ?? "no credentials"}`)
      // The market data's buckets when it runs in this process (one key, one budget), else our own
      const shared = yield* Effect.serviceOption(KalshiRateLimiter)
      const limiter = shared._tag === "Some" ? shared.value : yield* KalshiRateLimiter.make({
        readTokensPerSecond: config.kalshi.readTokensPerSecond,
        writeTokensPerSecond: config.kalshi.writeTokensPerSecond,
        burstSeconds: config.kalshi.burstSeconds
      })
      const made = yield* makeKalshiVenue({
        restUrl: config.kalshi.restUrl,
        wsUrl: config.kalshi.wsUrl,
        credentials,
        timeout: config.kalshi.timeout,
        retries: config.kalshi.retries,
        requestCost: config.kalshi.requestCost,
        rateLimitPause: config.kalshi.rateLimitPause,
        ...channels,
        intentOf: (id) => kalshiIntents(id).pipe(Effect.provideService(SqlClient.SqlClient, sql))
      }).pipe(Effect.provideService(KalshiRateLimiter, limiter))
      return made.venue as LiveVenue
    }
    const signer = makeSigner({ privateKey: config.polymarket.walletPrivateKey ?? Redacted.make("") })
    if ("error" in signer) return yield* refuse(`polymarket: ${signer.error}`)
    const { apiKey, apiPassphrase, apiSecret } = config.polymarket
    const made = yield* makePolymarketVenue({
      clobUrl: config.polymarket.clobUrl,
      userWsUrl: config.polymarket.userWsUrl,
      dataUrl: config.polymarket.dataUrl,
      signer,
      credentials: apiKey !== undefined && apiSecret !== undefined && apiPassphrase !== undefined
        ? { apiKey, secret: apiSecret, passphrase: apiPassphrase }
        : undefined,
      timeout: config.polymarket.timeout,
      retries: config.polymarket.retries,
      writesPerSecond: 10,
      ...channels,
      pingInterval: config.polymarket.pingInterval,
      intentOf: (id) => polymarketIntents(id).pipe(Effect.provideService(SqlClient.SqlClient, sql)),
      beforeSend: (intent) => Effect.orDie(recordOrderId("polymarket", intent.clientOrderId, intent.venueOrderId)).pipe(Effect.provideService(SqlClient.SqlClient, sql))
    })
    return made.venue as LiveVenue
  }).pipe(
    // A venue that cannot even be built (its key, the API key derivation) refuses live trading too
    Effect.catch((e) => Effect.fail(e._tag === "LiveRefused" ? e : refuse(`${platform}: ${describe(e)}`)))
  )

const describe = (e: { readonly _tag: string; readonly reason?: { readonly _tag?: string; readonly message?: string } }): string =>
  [e._tag, e.reason?._tag, e.reason?.message].filter((x) => x !== undefined && x !== "").join(": ").slice(0, 300)

/**
 * The venues of this configuration: paper for both in paper mode; in live mode, live for each
 * venue with credentials, reconciled before the layer is built. Fails with {@link LiveRefused}
 * (one line) when a live venue cannot be built or its start-up reconciliation fails.
 *
 * @category layers
 */
export const layer = Layer.effect(
  Venues,
  Effect.gen(function*() {
    const { config } = yield* AppConfig
    const settings = yield* paperSettings
    const paper: Record<Platform, Venue> = {
      kalshi: yield* makePaperVenue("kalshi", settings),
      polymarket: yield* makePaperVenue("polymarket", settings)
    }
    if (config.mode !== "live") return Venues.of({ get: (p) => paper[p] })
    const live: Partial<Record<Platform, LiveVenue>> = {}
    for (const platform of ["kalshi", "polymarket"] as const) {
      if (!hasCredentials(config, platform)) {
        yield* Effect.logWarning(`${platform}: no credentials configured; paper only (its orders are simulated, and a trade across it and a live venue is refused)`)
        continue
      }
      live[platform] = yield* liveVenue(config, platform)
    }
    const entries = Object.values(live).map((venue) => ({ venue, account: liveAccount(venue.platform) }))
    // A fill reconciliation finds for one of our orders is booked as execution books it: the
    // order's progress, the position (so exits and settlement follow it) and the ledger
    const books = { ...accountBookOf(config), piggybankShare: config.bankroll.piggybankShare }
    const journal = yield* Effect.context<Trades.TradesContext>()
    const apply = (fill: VenueFill) => Trades.applyFill(books, fill).pipe(Effect.provideContext(journal))
    const options = { lookback: RECONCILE_LOOKBACK, every: RECONCILE_EVERY, apply }
    yield* reconcileAtStartup(entries, options)
    for (const { account, venue } of entries) yield* runReconciliation(venue, account, options)
    if (entries.length > 0) {
      yield* Effect.logWarning("LIVE TRADING: real orders go to these venues").pipe(
        Effect.annotateLogs({ venues: entries.map((e) => e.venue.platform).join(","), accounts: entries.map((e) => e.account).join(",") })
      )
    }
    return Venues.of({ get: (p) => live[p] ?? paper[p] })
  })
)
