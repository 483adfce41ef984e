import * as NodeServices from "@effect/platform-node/NodeServices"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, layer } from "@effect/vitest"
import { Duration, Effect, Layer, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { generateKeyPairSync } from "node:crypto"
import { DeadLetters } from "../../../src/services/DeadLetters.ts"
import { migrate } from "../../../src/services/database/Migrations.ts"
import type { KalshiCredentials } from "../../../src/services/kalshi/KalshiAuth.ts"
import { KalshiClient } from "../../../src/services/kalshi/KalshiClient.ts"
import { KalshiRateLimiter } from "../../../src/services/kalshi/KalshiRateLimiter.ts"
import { acquireFake, json } from "../../support/FakeVenue.ts"
import { FakeKalshi, type FakeKalshiOptions } from "../../support/FakeKalshi.ts"
import * as TestDatabase from "../../support/TestDatabase.ts"

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
const credentials: KalshiCredentials = { keyId: Redacted.make("test-key"), privateKey }

const Infra = Layer.mergeAll(DeadLetters.layer, NodeHttpClient.layerUndici).pipe(
  Layer.provideMerge(Layer.effectDiscard(Effect.orDie(migrate()))),
  Layer.provideMerge(TestDatabase.postgres),
  Layer.provideMerge(NodeServices.layer)
)

/** A fake venue for the test's scope and a client pointed at it. */
const setup = (options: FakeKalshiOptions = {}, signed = true) =>
  Effect.gen(function*() {
    const fake = yield* acquireFake(() => new FakeKalshi({ publicKey, ...options }))
    const client = yield* KalshiClient.make({
      restUrl: fake.httpUrl("/trade-api/v2"),
      timeout: Duration.seconds(2),
      retries: 3,
      requestCost: 10,
      rateLimitPause: Duration.millis(20),
      backoff: Duration.millis(10),
      credentials: signed ? credentials : undefined
    }).pipe(Effect.provideServiceEffect(KalshiRateLimiter, KalshiRateLimiter.make({ readTokensPerSecond: 10_000, writeTokensPerSecond: 10_000, burstSeconds: 1 })))
    return { fake, client }
  })

describe("KalshiClient against the fake venue", () => {
  layer(Infra, { excludeTestServices: true })((it) => {
    it.effect("reads a series' fee parameters", () =>
      Effect.gen(function*() {
        const { client } = yield* setup()
        const series = yield* client.getSeries("KXMLBGAME")
        assert.deepStrictEqual([series.ticker, series.fee_type, series.fee_multiplier], ["KXMLBGAME", "quadratic_with_maker_fees", 500_000])
        const all = yield* client.listSeries()
        assert.deepStrictEqual(all.map((s) => s.ticker), ["KXMLBGAME", "KXNBAGAME", "KXMYSTERY"])
      }))

    it.effect("pages /events with nested markets until the cursor is empty", () =>
      Effect.gen(function*() {
        const { client, fake } = yield* setup({ pageSize: 1 })
        const events = yield* client.listEvents({ withNestedMarkets: true })
        assert.deepStrictEqual(events.map((e) => e.event_ticker), ["KXMLBGAME-26OCT072000TBNYY", "KXMLBGAME-26OCT082000HOUSEA", "KXNBAGAME-26OCT21LALGSW"])
        assert.deepStrictEqual(events[0]!.markets?.map((m) => m.ticker), ["KXMLBGAME-26OCT072000TBNYY-TB", "KXMLBGAME-26OCT072000TBNYY-NYY"])
        assert.strictEqual(events[1]!.fee_multiplier_override, 1_000_000)
        const pages = fake.requestsTo("/events")
        assert.deepStrictEqual(pages.map((r) => r.query.get("cursor")), [null, "1", "2"])
        assert.isTrue(pages.every((r) => r.query.get("with_nested_markets") === "true"))
        const mlb = yield* client.listEvents({ seriesTicker: "KXMLBGAME" })
        assert.strictEqual(mlb.length, 2)
        assert.isUndefined(mlb[0]!.markets)
      }))

    it.effect("pages /markets and normalises legacy-cent markets", () =>
      Effect.gen(function*() {
        const { client, fake } = yield* setup({ pageSize: 3 })
        const markets = yield* client.listMarkets({})
        assert.strictEqual(markets.length, 8)
        assert.strictEqual(fake.requestsTo("/markets").length, 3)
        const legacy = markets.find((m) => m.ticker === "KXLEGACY-24DEC31-A")!
        assert.deepStrictEqual([legacy.yes_bid_dollars, legacy.yes_ask_dollars, legacy.volume_fp], [420_000, 440_000, 1_200_000_000])
        const recorded = yield* client.getMarket("KXGDPSHAREMANU-29")
        assert.strictEqual(recorded.yes_bid_size_fp, 2_505_610_000)
        const event = yield* client.getEvent("KXNBAGAME-26OCT21LALGSW", false)
        assert.deepStrictEqual(event.markets.map((m) => m.yes_sub_title), ["LAL", "GSW"])
      }))

    it.effect("fetches one book, and a batch with repeated tickers= on a signed request", () =>
      Effect.gen(function*() {
        const { client, fake } = yield* setup()
        const book = yield* client.getOrderbook("KXMLBGAME-26OCT072000TBNYY-TB")
        assert.deepStrictEqual(book.yes.at(-1), [420_000, 13_000_000])
        assert.deepStrictEqual(book.no.at(-1), [560_000, 17_000_000])
        const unknown = yield* client.getOrderbook("KXNOPE-1")
        assert.deepStrictEqual(unknown, { yes: [], no: [] })
        const books = yield* client.getOrderbooks(["KXMLBGAME-26OCT072000TBNYY-TB", "FED-23DEC-T3.00"])
        assert.deepStrictEqual(books.get("FED-23DEC-T3.00")!.no.at(-1), [560_000, 146_000_000])
        const request = fake.requestsTo("/markets/orderbooks")[0]!
        assert.deepStrictEqual(request.query.getAll("tickers"), ["KXMLBGAME-26OCT072000TBNYY-TB", "FED-23DEC-T3.00"])
        assert.strictEqual(request.headers["kalshi-access-key"], "test-key")
      }))

    it.effect("an unsigned batch request is Unauthorized", () =>
      Effect.gen(function*() {
        const { client } = yield* setup({}, false)
        const error = yield* Effect.flip(client.getOrderbooks(["KXA-1"]))
        assert.strictEqual(error.reason._tag, "Unauthorized")
      }))

    it.effect("retries 429s and 5xx with backoff, then succeeds", () =>
      Effect.gen(function*() {
        const { client, fake } = yield* setup()
        fake.failNext(2, json({ error: { code: "too_many_requests", message: "too many requests" } }, 429), "/series/")
        fake.failNext(1, json({ error: "boom" }, 503), "/series/")
        const series = yield* client.getSeries("KXNBAGAME")
        assert.strictEqual(series.fee_multiplier, 1_000_000)
        assert.strictEqual(fake.requestsTo("/series/KXNBAGAME").length, 4)
      }))

    it.effect("gives up after the configured retries with RateLimited", () =>
      Effect.gen(function*() {
        const { client, fake } = yield* setup()
        fake.failNext(10, json({ error: "too many requests" }, 429), "/series/")
        const error = yield* Effect.flip(client.getSeries("KXNBAGAME"))
        assert.strictEqual(error.reason._tag, "RateLimited")
        assert.strictEqual(fake.requestsTo("/series/").length, 4)
      }))

    it.effect("a 404 is HttpStatus and is not retried", () =>
      Effect.gen(function*() {
        const { client, fake } = yield* setup()
        const error = yield* Effect.flip(client.getSeries("KXNOPE"))
        assert.strictEqual(error.reason._tag, "HttpStatus")
        assert.strictEqual(fake.requestsTo("/series/KXNOPE").length, 1)
      }))

    it.effect("a malformed body is a Decode error, a dead letter row, and no retry", () =>
      Effect.gen(function*() {
        const { client, fake } = yield* setup()
        fake.failNext(1, { status: 200, raw: '{"market": {"ticker": "KXA-1", "event_ticker": "KXA", "status": "active", "yes_bid_dollars": "0.1234567"}}' }, "/markets/KXA-1")
        const error = yield* Effect.flip(client.getMarket("KXA-1"))
        assert.strictEqual(error.reason._tag, "Decode")
        assert.strictEqual(fake.requestsTo("/markets/KXA-1").length, 1)
        const sql = yield* SqlClient.SqlClient
        const rows = yield* sql<{ source: string; reason: string; payload: string }>`SELECT source, reason, payload FROM dead_letters WHERE payload LIKE '%0.1234567%'`
        assert.strictEqual(rows.length, 1)
        assert.deepStrictEqual([rows[0]!.source, rows[0]!.reason], ["kalshi.rest", "Decode"])
        fake.failNext(1, { status: 200, raw: "<html>gateway</html>" }, "/markets/KXA-2")
        const html = yield* Effect.flip(client.getMarket("KXA-2"))
        assert.include(html.reason._tag === "Decode" ? html.reason.message : "", "malformed JSON")
      }))
  })
})
