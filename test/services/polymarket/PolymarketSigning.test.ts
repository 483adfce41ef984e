import { assert, describe, it } from "@effect/vitest"
import { Wallet } from "@ethersproject/wallet"
import { verifyTypedData } from "@ethersproject/wallet"
import { createL1Headers, createL2Headers, OrderBuilder, Side, SignatureTypeV2 } from "@polymarket/clob-client-v2"
import { Effect, Redacted } from "effect"
import { recoverTypedDataAddress } from "viem"
import { orderAmounts } from "../../../src/services/polymarket/PolymarketOrderAmounts.ts"
import {
  EMPTY_BYTES32,
  exchangeFor,
  EXCHANGES,
  hmacSignature,
  l2Headers,
  makeSigner,
  type OrderVersion,
  orderTypedData,
  type PolymarketSigner,
  type UnsignedOrder
} from "../../../src/services/polymarket/PolymarketSigning.ts"
import type { Price, Qty } from "../../../src/schema/Money.ts"

// Publicly known test key (Hardhat account #0), as in the official client's own tests
const KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
const ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
const TOKEN = "71321045679252212594626385532706912750332728571942532289631379312455583992563"

const signer = (chainId = 137): PolymarketSigner => {
  const made = makeSigner({ privateKey: Redacted.make(KEY), chainId })
  if ("error" in made) throw new Error(made.error)
  return made
}

const order = (overrides: Partial<UnsignedOrder> = {}): UnsignedOrder => ({
  salt: 479_249_096_354,
  maker: ADDRESS,
  signer: ADDRESS,
  tokenId: TOKEN,
  makerAmount: "40000000",
  takerAmount: "100000000",
  side: "BUY",
  signatureType: 0,
  timestamp: "1764700000000",
  expiration: "0",
  metadata: EMPTY_BYTES32,
  builder: EMPTY_BYTES32,
  ...overrides
})

const cases: ReadonlyArray<{ readonly name: string; readonly version: OrderVersion; readonly negRisk: boolean; readonly exchange: string }> = [
  { name: "V2", version: 2, negRisk: false, exchange: EXCHANGES.v2 },
  { name: "V2 neg-risk", version: 2, negRisk: true, exchange: EXCHANGES.v2NegRisk },
  { name: "V3", version: 3, negRisk: false, exchange: EXCHANGES.v3 }
]

describe("Polymarket order signing (EIP-712)", () => {
  for (const c of cases) {
    it.effect(`${c.name}: the signer address recovers from our signature, by viem and by ethers`, () =>
      Effect.gen(function*() {
        assert.strictEqual(exchangeFor(c.version, c.negRisk), c.exchange)
        const signed = yield* signer().signOrder(order(), c.version, c.negRisk)
        const typed = orderTypedData(signed, c.version, c.exchange as `0x${string}`)
        const byViem = yield* Effect.promise(() => recoverTypedDataAddress({ ...typed, signature: signed.signature }))
        assert.strictEqual(byViem, ADDRESS)
        // An independent implementation (ethers v5) recovers the same address from the same bytes
        const byEthers = verifyTypedData(
          typed.domain,
          { Order: [...typed.types.Order] },
          { ...typed.message, salt: String(signed.salt), tokenId: signed.tokenId, makerAmount: signed.makerAmount, takerAmount: signed.takerAmount, timestamp: signed.timestamp },
          signed.signature
        )
        assert.strictEqual(byEthers, ADDRESS)
        // The signature commits to the exchange: the same order under another domain recovers someone else
        const other = cases.find((o) => o.exchange !== c.exchange)!
        const wrong = yield* Effect.promise(() =>
          recoverTypedDataAddress({ ...orderTypedData(signed, other.version, other.exchange as `0x${string}`), signature: signed.signature })
        )
        assert.notStrictEqual(wrong, ADDRESS)
      }))

    it.effect(`${c.name}: byte for byte the official client's signature and amounts for the same order`, () =>
      Effect.gen(function*() {
        const official = new OrderBuilder(new Wallet(KEY), 137, SignatureTypeV2.EOA)
        const theirs = yield* Effect.promise(() =>
          official.buildOrder({ tokenID: TOKEN, price: 0.43, size: 21.37, side: Side.BUY }, { tickSize: "0.01", negRisk: c.negRisk }, c.version)
        )
        const amounts = orderAmounts({ side: "BUY", price: 430_000 as Price, size: 21_370_000 as Qty, tick: 10_000, kind: "limit" })
        assert.isFalse("error" in amounts)
        if ("error" in amounts) return
        assert.strictEqual(amounts.makerAmount.toString(), theirs.makerAmount)
        assert.strictEqual(amounts.takerAmount.toString(), theirs.takerAmount)
        const ours = yield* signer().signOrder(
          order({ salt: Number(theirs.salt), makerAmount: theirs.makerAmount, takerAmount: theirs.takerAmount, timestamp: (theirs as { timestamp: string }).timestamp }),
          c.version,
          c.negRisk
        )
        assert.strictEqual(ours.signature, theirs.signature)
      }))
  }

  it.effect("sell and market (FAK/FOK) amounts match the official builder", () =>
    Effect.gen(function*() {
      const official = new OrderBuilder(new Wallet(KEY), 137, SignatureTypeV2.EOA)
      const sell = yield* Effect.promise(() => official.buildOrder({ tokenID: TOKEN, price: 0.615, size: 10.5, side: Side.SELL }, { tickSize: "0.005", negRisk: false }, 2))
      const ourSell = orderAmounts({ side: "SELL", price: 615_000 as Price, size: 10_500_000 as Qty, tick: 5_000, kind: "limit" })
      assert.deepStrictEqual("error" in ourSell ? ourSell : [ourSell.makerAmount.toString(), ourSell.takerAmount.toString()], [sell.makerAmount, sell.takerAmount])
      // A market buy of $7.77 at 0.37: dollars with 2 decimals, shares with the tick's amount precision
      const buy = yield* Effect.promise(() =>
        official.buildMarketOrder({ tokenID: TOKEN, price: 0.37, amount: 7.77, side: Side.BUY, orderType: "FOK" } as never, { tickSize: "0.01", negRisk: false }, 2)
      )
      const ourBuy = orderAmounts({ side: "BUY", price: 370_000 as Price, size: 21_000_000 as Qty, tick: 10_000, kind: "market" })
      assert.deepStrictEqual("error" in ourBuy ? ourBuy : [ourBuy.makerAmount.toString(), ourBuy.takerAmount.toString()], [buy.makerAmount, buy.takerAmount])
    }))

  it("refuses keys and signature types it cannot sign with, naming no key material", () => {
    const bad = makeSigner({ privateKey: Redacted.make("0x1234") })
    assert.isTrue("error" in bad && !bad.error.includes("1234"))
    const proxyWithoutFunder = makeSigner({ privateKey: Redacted.make(KEY), signatureType: 1 })
    assert.isTrue("error" in proxyWithoutFunder && proxyWithoutFunder.error.includes("funderAddress"))
    const deposit = makeSigner({ privateKey: Redacted.make(KEY), signatureType: 3 })
    assert.isTrue("error" in deposit)
    const proxy = makeSigner({ privateKey: Redacted.make(KEY), signatureType: 2, funder: "0x00000000000000000000000000000000000000aa" })
    assert.isTrue(!("error" in proxy) && proxy.maker === "0x00000000000000000000000000000000000000aa" && proxy.address === ADDRESS)
  })
})

describe("Polymarket L1 and L2 auth", () => {
  it.effect("L1: the official client's published ClobAuth vector (Amoy, ts 10000000, nonce 23)", () =>
    Effect.gen(function*() {
      const headers = yield* signer(80002).l1Headers(10_000_000, 23)
      assert.strictEqual(
        headers.POLY_SIGNATURE,
        "0xf62319a987514da40e57e2f4d7529f7bac38f0355bd88bb5adbb3768d80de6c1682518e0af677d5260366425f4361e7b70c25ae232aff0ab2331e2b164a1aedc1b"
      )
      assert.deepStrictEqual({ ...headers, POLY_SIGNATURE: "" }, { POLY_ADDRESS: ADDRESS, POLY_SIGNATURE: "", POLY_TIMESTAMP: "10000000", POLY_NONCE: "23" })
      const official = yield* Effect.promise(() => createL1Headers(new Wallet(KEY), 137, 7, 1_764_700_000))
      const ours = yield* signer(137).l1Headers(1_764_700_000, 7)
      assert.deepStrictEqual(ours, official)
    }))

  it("L2: the official client's published HMAC vector", () => {
    assert.strictEqual(
      hmacSignature("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 1_000_000, "test-sign", "/orders", "{\"hash\": \"0x123\"}"),
      "ZwAdJKvoYRlEKDkNMwd5BuwNNtg93kNaR_oU2HrfVvc="
    )
  })

  it.effect("L2: the same five headers as the official client for an order POST (URL-safe secret, body signed)", () =>
    Effect.gen(function*() {
      const secret = "dGhpcyBpcyBhIHRlc3Qgc2VjcmV0IGZvciBobWFjIC0-Pz8_"
      const body = JSON.stringify({ order: { salt: 1, side: "BUY" }, owner: "key", orderType: "FAK" })
      const official = yield* Effect.promise(() =>
        createL2Headers(new Wallet(KEY), { key: "key-1", secret, passphrase: "pass-1" }, { method: "POST", requestPath: "/order", body }, 1_764_700_123)
      )
      const ours = l2Headers(ADDRESS, { apiKey: Redacted.make("key-1"), secret: Redacted.make(secret), passphrase: Redacted.make("pass-1") }, 1_764_700_123, "POST", "/order", body)
      assert.deepStrictEqual(ours, official)
      assert.notStrictEqual(l2Headers(ADDRESS, { apiKey: Redacted.make("key-1"), secret: Redacted.make(secret), passphrase: Redacted.make("pass-1") }, 1_764_700_123, "POST", "/order", `${body} `).POLY_SIGNATURE, official.POLY_SIGNATURE)
    }))
})
