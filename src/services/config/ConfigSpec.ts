/**
 * Every configuration key arbees has, with its type, default and meaning.
 *
 * Keys are dotted paths (`risk.kellyFraction`). The environment variable for a key is `ARBEES_`
 * plus the path in constant case (`ARBEES_RISK_KELLY_FRACTION`); a few keys also read a standard
 * variable (`DATABASE_URL`, `REDIS_URL`, `OTEL_*`). The defaults carry over the original system's
 * risk, sizing, exit and staleness knobs (LESSONS.md 1.7-1.9), corrected where it was wrong.
 *
 * @since 0.1.0
 */
import { Duration } from "effect"
import { KINDS as NOTIFY_KINDS } from "../../domain/notify/Digest.ts"
import * as Money from "../../schema/Money.ts"
import { League, Sport } from "../../schema/Sport.ts"
import * as S from "./Setting.ts"

const seconds = (n: number) => Duration.seconds(n)
const minutes = (n: number) => Duration.minutes(n)
const usd = Money.dollars
const px = Money.priceOf
const ratio = Money.bpsOf

/** Stop-loss distance per sport, in the position's own price (LESSONS.md 1.9). */
const stopLoss: Record<Sport, string> = {
  nba: "0.03",
  ncaab: "0.03",
  wnba: "0.03",
  nfl: "0.05",
  ncaaf: "0.05",
  nhl: "0.07",
  mlb: "0.06",
  mls: "0.07",
  soccer: "0.07",
  tennis: "0.04",
  mma: "0.08"
}

/** @category spec */
export const spec = {
  mode: S.setting(S.oneOf(["paper", "live"]), "paper", "paper trades against real books; live sends real orders"),
  liveTradingAuthorized: S.setting(
    S.bool,
    false,
    "must be true (flag --authorize-live) for mode=live to start; a second, deliberate switch"
  ),
  dataDir: S.setting(S.nonEmptyText, "./.arbees", "where the embedded database and local state live"),
  log: {
    level: S.setting(S.oneOf(["all", "trace", "debug", "info", "warn", "error", "fatal", "none"]), "info", "minimum log level"),
    format: S.setting(S.oneOf(["auto", "json", "pretty"]), "auto", "json, pretty, or auto (pretty on a TTY, json otherwise)")
  },
  database: {
    url: S.optional(S.secret, "Postgres URL; unset runs the embedded PGlite database under dataDir", {
      secret: true,
      env: ["DATABASE_URL"]
    }),
    poolSize: S.setting(S.int(1, 100), 10, "Postgres connection pool size"),
    connectTimeout: S.setting(S.timeout, seconds(10), "how long to wait for the database at start-up"),
    retentionDays: S.setting(S.int(1, 3650), 30, "days of time-series data (prices, states, signals) to keep"),
    latencyRetentionDays: S.setting(S.int(1, 3650), 7, "days of latency metrics to keep"),
    partitionsAheadDays: S.setting(S.int(1, 60), 7, "daily partitions created ahead of time")
  },
  redis: {
    url: S.optional(S.secret, "Redis URL for the event bus; unset uses the in-process bus", {
      secret: true,
      env: ["REDIS_URL"]
    }),
    allowVolatile: S.setting(S.bool, false, "allow mode=live on a Redis that persists nothing (no AOF, no RDB snapshots); the outbox republishes what a reset loses, so this only trades latency")
  },
  bus: {
    streamPrefix: S.setting(S.nonEmptyText, "arbees:bus:", "prefix of the Redis stream keys (one stream per topic)"),
    consumer: S.optional(S.nonEmptyText, "this process's consumer name in its groups; unset uses host:pid"),
    maxLen: S.setting(S.int(1, 1_000_000_000), 100_000, "approximate length each stream is trimmed to (XADD MAXLEN ~)"),
    batchSize: S.setting(S.int(1, 10_000), 64, "events a consumer reads per round trip"),
    block: S.setting(S.durationIn(10, 60_000), Duration.millis(500), "how long a consumer's read waits for new events"),
    claimMinIdle: S.setting(
      S.duration,
      seconds(30),
      "an event pending this long is taken over by another consumer (its own is presumed dead); keep it above the slowest handler"
    ),
    claimInterval: S.setting(S.interval, seconds(5), "how often each consumer looks for events to take over"),
    maxDeliveries: S.setting(S.int(1, 1000), 10, "an event delivered this many times without an ack becomes a dead letter"),
    drainTimeout: S.setting(S.timeout, seconds(5), "at shutdown a consumer finishes the events it holds within this"),
    publishTimeout: S.setting(S.timeout, seconds(5), "a Redis command (a publish) not answered within this fails"),
    connectTimeout: S.setting(S.timeout, seconds(10), "how long to wait for Redis at start-up"),
    reconnectBase: S.setting(S.duration, Duration.millis(100), "first delay of the jittered exponential reconnect backoff"),
    reconnectMax: S.setting(S.duration, seconds(1), "longest delay of the reconnect backoff (and of the outbox relay's retries): how soon a returning Redis or database is noticed"),
    outbox: {
      pollInterval: S.setting(S.durationIn(10, 3_600_000), Duration.millis(200), "how often the outbox relay looks for unpublished events (a commit also wakes it)"),
      batchSize: S.setting(S.int(1, 10_000), 200, "outbox rows the relay publishes per transaction"),
      // 1ms is allowed: publish nothing more at shutdown (the rows stay in the outbox for the next start)
      drainTimeout: S.setting(S.durationIn(1, 10 * 60_000), seconds(10), "at shutdown the relay publishes what is left within this"),
      retention: S.setting(S.duration, Duration.days(7), "published outbox rows older than this are deleted")
    }
  },
  admin: {
    host: S.setting(S.nonEmptyText, "127.0.0.1", "admin HTTP bind address (diagnostics, metrics); loopback by default"),
    port: S.setting(S.port, 9464, "admin HTTP port (0 picks a free one)"),
    token: S.optional(S.secret, "bearer token for the admin endpoint: required on every request when admin.host is not loopback (start-up refuses otherwise), and on every action always"),
    allowedHosts: S.setting(S.text, "", "extra Host header names the admin endpoint answers to (comma-separated); loopback and admin.host always are"),
    corsOrigin: S.optional(S.url, "the one browser origin allowed to read the admin endpoint (CORS); unset sends no CORS headers"),
    headerTimeout: S.setting(S.timeout, seconds(5), "a client that has not sent its request headers within this is disconnected (slowloris)"),
    idleTimeout: S.setting(S.timeout, seconds(10), "an idle kept-alive admin connection is closed after this"),
    maxConnections: S.setting(S.int(4, 10_000), 64, "admin connections held at once; at the cap a new one evicts the oldest idle one"),
    maxBodyBytes: S.setting(S.int(0, 1_048_576), 65_536, "largest admin request body accepted")
  },
  telemetry: {
    otlpEndpoint: S.optional(S.url, "OTLP/HTTP collector base URL; unset disables export", {
      env: ["OTEL_EXPORTER_OTLP_ENDPOINT"]
    }),
    otlpHeaders: S.optional(S.secret, "OTLP headers (k=v,k=v), often an API key", {
      secret: true,
      env: ["OTEL_EXPORTER_OTLP_HEADERS"]
    }),
    serviceName: S.setting(S.nonEmptyText, "arbees", "service.name on traces and metrics", { env: ["OTEL_SERVICE_NAME"] })
  },
  shutdown: {
    deadline: S.setting(S.timeout, seconds(30), "the whole shutdown must finish within this"),
    stepTimeout: S.setting(S.timeout, seconds(10), "each shutdown step (drain, flush, close) gets at most this")
  },
  espn: {
    baseUrl: S.setting(S.url, "https://site.api.espn.com/apis/site/v2/sports", "ESPN site API base"),
    timeout: S.setting(S.timeout, seconds(5), "per-request timeout"),
    retries: S.setting(S.int(0, 10), 3, "retries per request, with jittered exponential backoff"),
    retryBase: S.setting(S.duration, Duration.millis(200), "first retry delay; doubles per retry, jittered"),
    breakerFailures: S.setting(S.int(1, 100), 5, "consecutive failures that open the circuit breaker"),
    breakerReset: S.setting(S.duration, seconds(30), "how long the breaker stays open before a probe"),
    concurrency: S.setting(S.int(1, 64), 4, "concurrent ESPN requests"),
    pollLive: S.setting(S.interval, seconds(2), "poll interval for live games"),
    pollPregame: S.setting(S.interval, seconds(60), "poll interval for games not yet started")
  },
  discovery: {
    leagues: S.setting(S.listOf(League.literals), ["nfl", "ncaaf", "nba", "ncaab", "nhl", "mlb", "mls", "epl"], "leagues to follow"),
    interval: S.setting(S.interval, seconds(30), "how often discovery and matching run"),
    lookahead: S.setting(S.duration, Duration.hours(6), "follow games starting within this window"),
    activateBefore: S.setting(S.duration, minutes(15), "start a game's actor this long before its start"),
    releaseAfter: S.setting(S.duration, minutes(30), "a finished game's actor is released once the venues have settled its positions, or this long after its final whistle at the latest"),
    listingsTtl: S.setting(S.duration, seconds(60), "how long a venue's listings of a league are reused before they are fetched again"),
    listingsFailureTtl: S.setting(S.duration, seconds(5), "how long a failed listings fetch is remembered before it is retried")
  },
  staleness: {
    gameState: S.setting(S.duration, seconds(30), "a game state older than this blocks trading"),
    book: S.setting(S.duration, seconds(30), "an order book older than this blocks trading"),
    model: S.setting(S.duration, seconds(30), "a model output older than this blocks trading"),
    socketSilence: S.setting(S.duration, seconds(30), "an open socket silent this long is reconnected"),
    maxFeedLatency: S.setting(S.duration, seconds(5), "a game state that reaches its actor longer than this after ESPN answered blocks model-edge trading on it")
  },
  kalshi: {
    restUrl: S.setting(S.url, "https://external-api.kalshi.com/trade-api/v2", "Kalshi REST base"),
    wsUrl: S.setting(S.url, "wss://external-api-ws.kalshi.com/trade-api/ws/v2", "Kalshi WebSocket"),
    keyId: S.optional(S.secret, "Kalshi API key id", { secret: true }),
    privateKey: S.optional(S.secret, "Kalshi RSA private key (PEM)", { secret: true }),
    privateKeyFile: S.optional(S.nonEmptyText, "path to the Kalshi RSA private key (PEM), instead of privateKey"),
    readTokensPerSecond: S.setting(S.int(1, 100_000), 200, "read token bucket refill (most requests cost 10)"),
    writeTokensPerSecond: S.setting(S.int(1, 100_000), 100, "write token bucket refill"),
    burstSeconds: S.setting(S.int(1, 60), 3, "seconds of budget a full token bucket holds (the burst)"),
    requestCost: S.setting(S.int(1, 1_000), 10, "tokens one REST request costs"),
    timeout: S.setting(S.timeout, seconds(5), "per-request REST timeout"),
    retries: S.setting(S.int(0, 10), 3, "retries per REST request (429, 5xx, transport), with jittered exponential backoff"),
    rateLimitPause: S.setting(S.timeout, seconds(2), "how long a 429 pauses the whole request class (Kalshi sends no Retry-After)"),
    tradeChannels: S.setting(S.bool, false, "also subscribe to the ticker and trade WebSocket channels"),
    pollInterval: S.setting(S.interval, seconds(5), "without an API key, how often the tracked markets' public REST order books are polled (the WebSocket needs a key)")
  },
  polymarket: {
    gammaUrl: S.setting(S.url, "https://gamma-api.polymarket.com", "Gamma API base"),
    clobUrl: S.setting(S.url, "https://clob.polymarket.com", "CLOB REST base"),
    wsUrl: S.setting(S.url, "wss://ws-subscriptions-clob.polymarket.com/ws/market", "CLOB market WebSocket"),
    userWsUrl: S.setting(S.url, "wss://ws-subscriptions-clob.polymarket.com/ws/user", "CLOB user WebSocket (our orders and trades; live mode)"),
    dataUrl: S.setting(S.url, "https://data-api.polymarket.com", "Data API base (our positions, read by reconciliation; live mode)"),
    walletPrivateKey: S.optional(S.secret, "Polygon wallet private key (order signing); with mode=live, Polymarket trades live", { secret: true }),
    apiKey: S.optional(S.secret, "CLOB API key (with apiSecret and apiPassphrase; unset: derived from the wallet at start-up)", { secret: true }),
    apiSecret: S.optional(S.secret, "CLOB API secret", { secret: true }),
    apiPassphrase: S.optional(S.secret, "CLOB API passphrase", { secret: true }),
    maxAssetsPerConnection: S.setting(S.int(1, 500), 200, "assets per market WebSocket before sharding"),
    timeout: S.setting(S.timeout, seconds(5), "per-request REST timeout (Gamma and CLOB)"),
    retries: S.setting(S.int(0, 10), 3, "retries per REST request (429, 5xx, transport), with jittered exponential backoff"),
    pingInterval: S.setting(S.interval, seconds(10), "text PING interval on the market WebSocket, sent only after subscribing"),
    gammaPageSize: S.setting(S.int(1, 500), 100, "events or markets per Gamma page")
  },
  marketdata: {
    reconnectInitial: S.setting(S.duration, Duration.millis(500), "first reconnect delay after a socket drops (doubles, jittered)"),
    reconnectMax: S.setting(S.duration, seconds(30), "longest reconnect delay"),
    snapshotTimeout: S.setting(S.timeout, seconds(10), "a subscribed book still waiting for its snapshot this long is resynced (resubscribe or REST)"),
    watchdogInterval: S.setting(S.interval, seconds(1), "how often each socket's silence watchdog checks"),
    validateQuiet: S.setting(S.interval, seconds(10), "a live Polymarket book with no message of its own this long is checked against the REST book"),
    validateEvery: S.setting(S.interval, seconds(60), "a live Polymarket book not checked against the REST book this long is checked"),
    validateDepth: S.setting(S.int(1, 1_000), 10, "levels per side compared when a book is checked against the REST book")
  },
  model: {
    probabilityBound: S.setting(S.ratio, ratio("0.01"), "model probabilities are clamped to [bound, 1 - bound]")
  },
  signals: {
    minModelEdge: S.setting(S.ratio, ratio("0.05"), "model edge after fees needed to trade (probability points); never applied to arbitrage"),
    minArbProfit: S.setting(S.dollars, usd("0.01"), "arbitrage profit per contract after fees, both legs"),
    debounce: S.setting(S.duration, seconds(30), "minimum time between signals for the same outcome and direction"),
    expiry: S.setting(S.duration, seconds(10), "a signal not acted on within this is dropped"),
    tradeInOvertime: S.setting(S.bool, false, "allow model-edge signals in overtime"),
    requirePrior: S.setting(S.bool, true, "refuse model-edge signals when the model has no pre-game prior"),
    tradeOnRatingPrior: S.setting(S.bool, false, "allow model-edge signals when the model's prior is a team rating (Elo), not a line or venue prices")
  },
  strategies: {
    enabled: S.setting(S.names, ["model_edge", "arbitrage"], "strategies to run, by name (built-in: model_edge, arbitrage, lagging_market; user strategies once registered)"),
    params: S.setting(S.jsonObject, {}, "each enabled strategy's parameters, by name, validated by its own Schema (lagging_market: minJump, windowMillis, maxHoldMillis, catchUpTolerance, minEdge)")
  },
  risk: {
    kellyFraction: S.setting(S.ratio, ratio("0.25"), "fraction of the Kelly stake to bet"),
    maxPositionFraction: S.setting(S.ratio, ratio("0.05"), "largest single position as a fraction of the bankroll"),
    maxBuyPrice: S.setting(S.price, px("0.95"), "never buy above this price"),
    minBuyPrice: S.setting(S.price, px("0.05"), "never buy below this price"),
    maxDailyLoss: S.setting(S.dollars, usd("100"), "realised + unrealised loss in a day that halts new exposure"),
    maxDrawdown: S.setting(S.ratio, ratio("0.20"), "drawdown from the bankroll peak that halts new exposure"),
    maxGameExposure: S.setting(S.dollars, usd("50"), "money at risk in one game"),
    maxSportExposure: S.setting(S.dollars, usd("200"), "money at risk in one sport"),
    maxTotalExposure: S.setting(S.dollars, usd("500"), "money at risk overall"),
    maxMarketExposure: S.setting(S.dollars, usd("50"), "money at risk in one market"),
    maxPositionsPerGame: S.setting(S.int(1, 100), 2, "open positions in one game"),
    winCooldown: S.setting(S.duration, seconds(180), "pause on a game after a winning exit"),
    lossCooldown: S.setting(S.duration, seconds(300), "pause on a game after a losing exit"),
    consecutiveLossesHalt: S.setting(S.int(1, 100), 3, "consecutive losing exits that halt a game"),
    minLiquidity: S.setting(S.dollars, usd("10"), "top-of-book notional needed to trade"),
    maxBookShare: S.setting(S.ratio, ratio("0.80"), "largest share of the visible top-of-book size to take"),
    allowHedging: S.setting(S.bool, false, "allow positions on both sides of a game")
  },
  bankroll: {
    account: S.setting(S.nonEmptyText, "paper", "bankroll account name"),
    initial: S.setting(S.dollars, usd("1000"), "starting balance of a new account"),
    piggybankShare: S.setting(S.ratio, ratio("0.5"), "share of each realised profit set aside from compounding")
  },
  execution: {
    maxOrderNotional: S.setting(S.dollars, usd("100"), "largest order, in dollars"),
    maxOrderContracts: S.setting(S.int(1, 1_000_000), 100, "largest order, in contracts"),
    maxContractsPerMarket: S.setting(S.int(1, 10_000_000), 500, "contracts held in one market"),
    maxContractsPerGame: S.setting(S.int(1, 10_000_000), 500, "contracts held in one game"),
    maxContractsPerSport: S.setting(S.int(1, 10_000_000), 1000, "contracts held in one sport"),
    maxContractsTotal: S.setting(S.int(1, 10_000_000), 1000, "contracts held overall"),
    submitsPerMinute: S.setting(S.int(1, 10_000), 20, "order submissions per minute"),
    submitsPerHour: S.setting(S.int(1, 100_000), 100, "order submissions per hour"),
    killSwitchDailyLoss: S.setting(S.dollars, usd("500"), "daily loss that trips the execution kill switch"),
    maxConsecutiveErrors: S.setting(S.int(1, 1000), 5, "venue errors in a row that pause execution"),
    errorCooldown: S.setting(S.duration, seconds(60), "pause after maxConsecutiveErrors"),
    unwindMaxLoss: S.setting(S.dollars, usd("0.10"), "largest loss per contract accepted to unwind a one-legged arbitrage")
  },
  exits: {
    takeProfit: S.setting(S.price, px("0.03"), "favourable move in the position's own price that takes profit"),
    stopLoss: Object.fromEntries(
      Sport.literals.map((sport) => [sport, S.setting(S.price, px(stopLoss[sport]), `adverse move that stops out a ${sport} position`)])
    ) as Record<Sport, S.Setting<Money.Price>>,
    holdToSettleAbove: S.setting(S.price, px("0.85"), "hold to settlement once the position's mark is above this"),
    checkInterval: S.setting(S.interval, seconds(1), "how often exits are evaluated"),
    minHold: S.setting(S.duration, seconds(10), "no exit within this of entry"),
    requireValidBook: S.setting(S.bool, true, "no exit on an empty or absurd book"),
    maxSpread: S.setting(S.price, px("0.50"), "a book wider than this is not valid for exits"),
    slippageBuffer: S.setting(S.ratio, ratio("0.005"), "price buffer applied to exit limits")
  },
  paper: {
    latency: S.setting(S.duration, Duration.millis(500), "simulated order latency; the order then meets the book as it stands"),
    jitter: S.setting(S.durationIn(0, 60_000), Duration.millis(100), "latency jitter: each order's delay is latency ± up to this, drawn from the seeded Random"),
    takeShare: S.setting(S.ratio, ratio("0.85"), "share of each visible book level a paper taker may take (others race for the rest)"),
    seed: S.setting(S.int(0, 2 ** 31 - 1), 42, "random seed of the paper venue (latency jitter)")
  },
  recording: {
    segmentBytes: S.setting(S.int(4_096, 2 ** 40), 16 * 1024 * 1024, "compressed bytes after which a recording segment is closed and the next begun"),
    segmentDuration: S.setting(S.duration, minutes(10), "receive time after which a recording segment is closed and the next begun"),
    maxBytes: S.setting(S.int(65_536, 2 ** 50), 2 * 1024 * 1024 * 1024, "disk budget of a recording; the oldest segments are deleted beyond it")
  },
  supervision: {
    initialBackoff: S.setting(S.duration, Duration.millis(200), "first restart delay of a crashed actor (then doubling, jittered)"),
    maxBackoff: S.setting(S.duration, seconds(30), "longest restart delay"),
    crashLoopRestarts: S.setting(S.int(1, 1000), 5, "restarts within crashLoopWindow that count as a crash loop (the game is halted)"),
    crashLoopWindow: S.setting(S.duration, seconds(60), "window for crash-loop detection"),
    faultInjection: S.setting(S.bool, false, "accept operator-injected actor defects (for supervision drills and tests only)")
  },
  notify: {
    interval: S.setting(S.interval, seconds(30), "a notification channel sends at most one message per interval; a burst becomes one summary"),
    retries: S.setting(S.int(0, 10), 3, "retries of a failed notification delivery, with jittered exponential backoff"),
    retryBase: S.setting(S.duration, Duration.millis(500), "first retry delay of a notification delivery (doubles, jittered)"),
    timeout: S.setting(S.timeout, seconds(10), "per-request timeout of a notification delivery"),
    bufferSize: S.setting(S.int(1, 1_000_000), 10_000, "notifications a channel holds between deliveries; beyond it the oldest are dropped and counted"),
    maxLines: S.setting(S.int(0, 1000), 20, "notification lines listed in one summary message (the rest are counted)"),
    webhook: {
      url: S.optional(S.secret, "generic webhook URL: receives a JSON POST {source, text, count, byKind, dropped}", { secret: true }),
      kinds: S.setting(S.listOf(NOTIFY_KINDS), NOTIFY_KINDS, "notification kinds sent to the webhook")
    },
    slack: {
      url: S.optional(S.secret, "Slack incoming-webhook URL", { secret: true }),
      kinds: S.setting(S.listOf(NOTIFY_KINDS), NOTIFY_KINDS, "notification kinds sent to Slack")
    },
    discord: {
      url: S.optional(S.secret, "Discord webhook URL", { secret: true }),
      kinds: S.setting(S.listOf(NOTIFY_KINDS), NOTIFY_KINDS, "notification kinds sent to Discord")
    },
    telegram: {
      token: S.optional(S.secret, "Telegram bot token (with telegram.chatId)", { secret: true }),
      chatId: S.optional(S.nonEmptyText, "Telegram chat id the bot posts to"),
      apiUrl: S.setting(S.url, "https://api.telegram.org", "Telegram Bot API base URL"),
      kinds: S.setting(S.listOf(NOTIFY_KINDS), NOTIFY_KINDS, "notification kinds sent to Telegram")
    }
  },
  cluster: {
    runnerHost: S.optional(S.nonEmptyText, "this runner's address for multi-process clustering; unset runs one process"),
    runnerPort: S.setting(S.port, 34431, "this runner's port"),
    shardsPerGroup: S.setting(S.int(1, 10_000), 300, "shards per group (identical on every runner)")
  }
} as const

/** The spec's shape. @category spec */
export type Spec = typeof spec
