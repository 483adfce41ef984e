import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, layer } from "@effect/vitest"
import { Duration, Effect, Layer } from "effect"
import { DeadLetters } from "../../../src/services/DeadLetters.ts"
import { PolymarketClient } from "../../../src/services/polymarket/PolymarketClient.ts"
import { acquireFake, json } from "../../support/FakeVenue.ts"
import { FakePolymarket, type FakePolymarketOptions } from "../../support/FakePolymarket.ts"

// Dead letters are counted and logged here; their database path is covered by the Kalshi client tests
const Infra = Layer.mergeAll(DeadLetters.layerLog, NodeHttpClient.layerUndici)

const setup = (options: FakePolymarketOptions = {}, clientPageSize?: number) =>
  Effect.gen(function*() {
    const fake = yield* acquireFake(() => new FakePolymarket(options))
    const client = yield* PolymarketClient.make({
      gammaUrl: fake.gammaUrl(),
      clobUrl: fake.httpUrl(),
      timeout: Duration.seconds(2),
      retries: 2,
      pageSize: clientPageSize ?? options.pageSize ?? 100,
      backoff: Duration.millis(10)
    })
    return { fake, client }
  })

describe("PolymarketClient against the fake venue", () => {
  layer(Infra, { excludeTestServices: true })((it) => {
    it.effect("lists sports events by tag, paging by offset", () =>
      Effect.gen(function*() {
        const { client, fake } = yield* setup({ pageSize: 1 })
        const sports = yield* client.events({ tagId: "1", active: true })
        assert.deepStrictEqual(sports.map((e) => e.id), ["835109"])
        assert.deepStrictEqual(sports[0]!.markets!.map((m) => m.sportsMarketType), ["moneyline", "soccer_team_to_advance"])
        const pages = fake.requestsTo("/events")
        assert.deepStrictEqual(pages.map((r) => [r.query.get("tag_id"), r.query.get("offset"), r.query.get("active")]), [["1", "0", "true"], ["1", "1", "true"]])
      }))

    it.effect("Gamma clamps limit silently: paging goes on until an empty page, not a short one", () =>
      Effect.gen(function*() {
        const { client, fake } = yield* setup({ pageSize: 2 }, 100) // asks for 100, gets at most 2
        const all = yield* client.markets({})
        assert.strictEqual(all.length, 7)
        assert.deepStrictEqual(fake.requestsTo("/markets").map((r) => r.query.get("offset")), ["0", "2", "4", "6", "7"])
      }))

    it.effect("a Gamma market pending deployment is dead-lettered and skipped; the page is kept", () =>
      Effect.gen(function*() {
        const { client, fake } = yield* setup()
        fake.gammaMarkets[0] = { ...fake.gammaMarkets[0], conditionId: "" }
        fake.gammaMarkets[1] = { ...fake.gammaMarkets[1], outcomes: null }
        const all = yield* client.markets({})
        assert.strictEqual(all.length, 5)
      }))

    it.effect("lists markets, narrowed by repeated condition_ids", () =>
      Effect.gen(function*() {
        const { client, fake } = yield* setup()
        const all = yield* client.markets({})
        assert.strictEqual(all.length, 7)
        const one = yield* client.markets({ conditionIds: ["0x202abb9a80673068ec5ce9294d60e31eeaf3ab5c82fb21fb0c9142e5d0cab385"] })
        assert.deepStrictEqual(one.map((m) => m.id), ["1878152"])
        assert.deepStrictEqual(fake.requestsTo("/markets").at(-1)!.query.getAll("condition_ids"), ["0x202abb9a80673068ec5ce9294d60e31eeaf3ab5c82fb21fb0c9142e5d0cab385"])
      }))

    it.effect("reads books, batches of books, tick size and fee rate from the CLOB", () =>
      Effect.gen(function*() {
        const { client } = yield* setup()
        const token = "23360939988679364027624185518382759743328544433592111535569478055890815567848"
        const book = yield* client.book(token)
        assert.deepStrictEqual<unknown>(book.bids.at(-1), { price: 100_000, size: 125_000_000 })
        const books = yield* client.books([token, "350977769852917329387037893294763093471844346281449484439085576212613048126"])
        assert.deepStrictEqual(books.map((b) => b.asset_id), [token, "350977769852917329387037893294763093471844346281449484439085576212613048126"])
        assert.strictEqual(yield* client.tickSize(token), 10_000)
        assert.strictEqual(yield* client.feeRateBps(token), 300)
        const missing = yield* Effect.flip(client.book("1"))
        assert.deepStrictEqual([missing.reason._tag, missing.reason._tag === "HttpStatus" ? missing.reason.status : 0], ["HttpStatus", 404])
      }))

    it.effect("takes the fee schedule from Gamma, falling back to /fee-rate", () =>
      Effect.gen(function*() {
        const { client } = yield* setup()
        const [event] = yield* client.events({ tagId: "1" })
        const market = event!.markets![0]!
        assert.deepStrictEqual(yield* client.feeSchedule(market), { _tag: "PolymarketFeeSchedule", rate: 50_000, exponent: 1, takerOnly: true })
        assert.deepStrictEqual(yield* client.feeSchedule({ ...market, feeSchedule: null }), { _tag: "PolymarketFeeSchedule", rate: 30_000, exponent: 1, takerOnly: true })
        assert.deepStrictEqual(yield* client.feeSchedule({ ...market, feesEnabled: false }), { _tag: "PolymarketFeeSchedule", rate: 0, exponent: 1, takerOnly: true })
      }))

    it.effect("retries a 429, and reports a malformed body as Decode without retrying", () =>
      Effect.gen(function*() {
        const { client, fake } = yield* setup()
        fake.failNext(1, json({ error: "Too Many Requests" }, 429), "/tick-size")
        assert.strictEqual(yield* client.tickSize("23360939988679364027624185518382759743328544433592111535569478055890815567848"), 10_000)
        assert.strictEqual(fake.requestsTo("/tick-size").length, 2)
        fake.failNext(1, { status: 200, raw: '{"minimum_tick_size": "a lot"}' }, "/tick-size")
        const error = yield* Effect.flip(client.tickSize("1"))
        assert.strictEqual(error.reason._tag, "Decode")
        assert.strictEqual(fake.requestsTo("/tick-size").length, 3)
      }))
  })
})
