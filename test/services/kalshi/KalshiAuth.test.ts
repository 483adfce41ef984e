import { assert, describe, it } from "@effect/vitest"
import { Redacted } from "effect"
import { generateKeyPairSync } from "node:crypto"
import { authHeaders, loadCredentials, signingMessage, signMessage, verifySignature } from "../../../src/services/kalshi/KalshiAuth.ts"

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })

describe("Kalshi request signing", () => {
  it("signs timestamp + METHOD + path, with /trade-api/v2 and without the query", () => {
    assert.strictEqual(signingMessage(1703123456789, "get", "/trade-api/v2/portfolio/orders?limit=5"), "1703123456789GET/trade-api/v2/portfolio/orders")
    assert.strictEqual(signingMessage(1, "GET", "/trade-api/ws/v2"), "1GET/trade-api/ws/v2")
  })

  it("produces RSA-PSS SHA-256 signatures that verify with the public key (salt = digest length)", () => {
    const message = signingMessage(1703123456789, "GET", "/trade-api/v2/portfolio/orders?limit=5")
    const a = signMessage(privateKey, message)
    const b = signMessage(privateKey, message)
    assert.notStrictEqual(a, b) // PSS is randomised: verify, never compare
    assert.isTrue(verifySignature(publicKey, message, a))
    assert.isTrue(verifySignature(publicKey, message, b))
    assert.strictEqual(Buffer.from(a, "base64").length, 256)
    assert.isFalse(verifySignature(publicKey, message.replace("GET", "POST"), a))
    assert.isFalse(verifySignature(publicKey, `${message}?limit=5`, a))
  })

  it("builds the three headers from a Clock timestamp", () => {
    const headers = authHeaders({ keyId: Redacted.make("key-123"), privateKey }, 1_770_000_000_000, "GET", "/trade-api/v2/markets/orderbooks?tickers=A&tickers=B")
    assert.strictEqual(headers["KALSHI-ACCESS-KEY"], "key-123")
    assert.strictEqual(headers["KALSHI-ACCESS-TIMESTAMP"], "1770000000000")
    assert.isTrue(verifySignature(publicKey, "1770000000000GET/trade-api/v2/markets/orderbooks", headers["KALSHI-ACCESS-SIGNATURE"]))
  })

  it("loads credentials from PEM text, or says precisely what is missing", () => {
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString()
    const loaded = loadCredentials({ keyId: Redacted.make("k"), privateKey: Redacted.make(pem) })
    assert.isTrue(loaded !== undefined && !("error" in loaded))
    assert.isUndefined(loadCredentials({}))
    const missing = loadCredentials({ keyId: Redacted.make("k") })
    assert.isTrue(missing !== undefined && "error" in missing && missing.error.includes("privateKey"))
    const bad = loadCredentials({ keyId: Redacted.make("k"), privateKey: Redacted.make("not a pem") })
    assert.isTrue(bad !== undefined && "error" in bad && !bad.error.includes("not a pem"))
  })
})
