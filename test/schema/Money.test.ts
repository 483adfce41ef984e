import { assert, describe, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import * as fc from "fast-check"
import * as Money from "../../src/schema/Money.ts"

/** A fast-check property as a vitest test (effect/vitest's `it.prop` takes effect's own Arbitrary). */
const prop = <T extends [unknown, ...Array<unknown>]>(name: string, arbs: { [K in keyof T]: fc.Arbitrary<T[K]> }, body: (values: T) => void) =>
  it(name, () => fc.assert(fc.property(...(arbs as [fc.Arbitrary<unknown>]), (...values) => body(values as unknown as T)), { numRuns: 500 }))

const decode = <S extends Schema.Top & { readonly DecodingServices: never }>(schema: S) => (input: unknown) =>
  Schema.decodeUnknownResult(schema)(input)

describe("parseScaled", () => {
  it("parses venue decimals exactly", () => {
    assert.strictEqual(Money.parseScaled("0.4300"), 430_000)
    assert.strictEqual(Money.parseScaled("0.999"), 999_000)
    assert.strictEqual(Money.parseScaled("0.0001"), 100)
    assert.strictEqual(Money.parseScaled("0.000001"), 1)
    assert.strictEqual(Money.parseScaled("72612.49"), 72_612_490_000)
    assert.strictEqual(Money.parseScaled("219.217767"), 219_217_767)
    assert.strictEqual(Money.parseScaled("-54.00"), -54_000_000)
    assert.strictEqual(Money.parseScaled("1"), 1_000_000)
    assert.strictEqual(Money.parseScaled("0.430000000"), 430_000)
    assert.strictEqual(Money.parseScaled("-0"), 0)
  })

  it("rejects anything that is not exactly representable or not a plain decimal", () => {
    for (const bad of ["", "-", ".5", "1.", "1e3", " 1", "1 ", "+1", "0x10", "NaN", "Infinity", "1,5", "0.0000001", "1.2.3", "--1"]) {
      assert.strictEqual(Money.parseScaled(bad), undefined, bad)
    }
  })

  it("rejects values beyond the safe-integer range instead of rounding them", () => {
    assert.strictEqual(Money.parseScaled("9007199254.740991"), Number.MAX_SAFE_INTEGER)
    assert.strictEqual(Money.parseScaled("9007199254.740992"), undefined)
    assert.strictEqual(Money.parseScaled("123456789012345678901234567890"), undefined)
  })

  prop("formatScaled then parseScaled is the identity on safe integers", [fc.maxSafeInteger().map((n) => n * (n % 2 === 0 ? 1 : -1))], ([n]) => {
    assert.strictEqual(Money.parseScaled(Money.formatScaled(n)), n)
  })

  prop("parseScaled then formatScaled is canonical on 6-decimal strings", [fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 0, max: 6 })], ([raw, decimals]) => {
    // Keep the value inside the safe range once scaled to micro-units
    const big = raw % (BigInt(Number.MAX_SAFE_INTEGER) / 10n ** BigInt(6 - decimals))
    const text = decimals === 0 ? big.toString() : `${big / 10n ** BigInt(decimals)}.${(big % 10n ** BigInt(decimals)).toString().padStart(decimals, "0")}`
    const parsed = Money.parseScaled(text)
    assert.isDefined(parsed)
    assert.strictEqual(BigInt(parsed!), big * 10n ** BigInt(6 - decimals))
  })
})

describe("mulDiv", () => {
  it("rounds as asked", () => {
    assert.strictEqual(Money.mulDiv(7, 1, 2, "floor"), 3)
    assert.strictEqual(Money.mulDiv(7, 1, 2, "ceil"), 4)
    assert.strictEqual(Money.mulDiv(7, 1, 2, "halfUp"), 4)
    assert.strictEqual(Money.mulDiv(-7, 1, 2, "floor"), -4)
    assert.strictEqual(Money.mulDiv(-7, 1, 2, "ceil"), -3)
    assert.strictEqual(Money.mulDiv(-7, 1, 2, "halfUp"), -4)
    assert.throws(() => Money.mulDiv(7, 1, 2, "exact"))
    assert.strictEqual(Money.mulDiv(8, 1, 2, "exact"), 4)
  })

  it("is exact when the product passes 2^53", () => {
    // 72612.49 contracts at $0.43: 31,223.3707 dollars
    const q = Money.qtyOf("72612.49")
    assert.strictEqual(Money.notional(Money.priceOf("0.43"), q, "exact"), 31_223_370_700)
    const big = 9_000_000_000_000_000
    assert.strictEqual(Money.mulDiv(big, 999_999, 1_000_000, "floor"), 8_999_991_000_000_000)
  })

  prop("agrees with BigInt arithmetic", [fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: 0, max: 2 ** 30 }), fc.integer({ min: 2 ** 18, max: 2 ** 31 })], ([a, b, d]) => {
    const num = BigInt(a) * BigInt(b)
    const den = BigInt(d)
    const floor = num >= 0n ? num / den : (num % den === 0n ? num / den : num / den - 1n)
    const ceil = num % den === 0n ? num / den : floor + 1n
    assert.strictEqual(BigInt(Money.mulDiv(a, b, d, "floor")), floor)
    assert.strictEqual(BigInt(Money.mulDiv(a, b, d, "ceil")), ceil)
  })

  it("throws instead of returning an unsafe integer", () => {
    assert.throws(() => Money.mulDiv(Number.MAX_SAFE_INTEGER, 2, 1, "exact"), RangeError)
    assert.throws(() => Money.add(Number.MAX_SAFE_INTEGER, 1), RangeError)
  })
})

describe("schemas", () => {
  it("decodes Kalshi and Polymarket prices exactly", () => {
    assert.deepStrictEqual(decode(Money.PriceFromDollars)("0.4300"), Result.succeed(Money.price(430_000)))
    assert.deepStrictEqual(decode(Money.PriceFromDollars)("0.001"), Result.succeed(Money.price(1_000)))
    assert.deepStrictEqual(decode(Money.PriceFromDollars)("1.0000"), Result.succeed(Money.price(1_000_000)))
  })

  it("rejects out-of-range and inexact prices", () => {
    for (const bad of ["1.01", "-0.01", "0.0000001", "abc", "0.43 "]) {
      assert.isTrue(Result.isFailure(decode(Money.PriceFromDollars)(bad)), bad)
    }
    assert.isTrue(Result.isFailure(decode(Money.PriceFromDollars)(0.43)))
  })

  it("decodes quantities and signed deltas", () => {
    assert.deepStrictEqual(decode(Money.QtyFromString)("72612.49"), Result.succeed(Money.qty(72_612_490_000)))
    assert.isTrue(Result.isFailure(decode(Money.QtyFromString)("-1")))
    assert.deepStrictEqual(decode(Money.QtyDeltaFromString)("-54.00"), Result.succeed(Money.qtyDelta(-54_000_000)))
  })

  it("decodes legacy integer cents and contracts", () => {
    assert.deepStrictEqual(decode(Money.PriceFromCents)(42), Result.succeed(Money.price(420_000)))
    assert.isTrue(Result.isFailure(decode(Money.PriceFromCents)(101)))
    assert.isTrue(Result.isFailure(decode(Money.PriceFromCents)(4.5)))
    assert.deepStrictEqual(decode(Money.QtyFromContracts)(13), Result.succeed(Money.qty(13_000_000)))
  })

  prop("PriceFromDollars round-trips through encode", [fc.integer({ min: 0, max: 1_000_000 })], ([n]) => {
    const encoded = Schema.encodeSync(Money.PriceFromDollars)(Money.price(n))
    assert.strictEqual(Schema.decodeSync(Money.PriceFromDollars)(encoded), n)
  })
})

describe("arithmetic", () => {
  it("complements a price", () => {
    assert.strictEqual(Money.complement(Money.priceOf("0.43")), Money.priceOf("0.57"))
  })

  it("rounds to the cent", () => {
    assert.strictEqual(Money.toCent(Money.dollars("1.7157"), "ceil"), Money.dollars("1.72"))
    assert.strictEqual(Money.toCent(Money.dollars("1.7157"), "floor"), Money.dollars("1.71"))
    assert.strictEqual(Money.toCent(Money.dollars("-1.7157"), "ceil"), Money.dollars("-1.71"))
  })

  it("formats dollars for people", () => {
    assert.strictEqual(Money.formatDollars(Money.dollars("0.43")), "0.43")
    assert.strictEqual(Money.formatDollars(Money.dollars("0.4315")), "0.4315")
    assert.strictEqual(Money.formatDollars(Money.dollars("-12")), "-12.00")
    assert.strictEqual(Money.formatQty(Money.qtyOf("72612.490")), "72612.49")
  })

  prop("bps applied to an amount matches exact rational arithmetic", [fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 10_000 })], ([amount, ratio]) => {
    const got = Money.applyBps(Money.micros(amount), Money.bps(ratio), "floor")
    assert.strictEqual(BigInt(got), (BigInt(amount) * BigInt(ratio)) / 10_000n)
  })
})
