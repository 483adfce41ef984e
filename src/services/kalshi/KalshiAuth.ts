/**
 * Kalshi request signing: RSA-PSS over `timestamp_ms + METHOD + path`.
 *
 * - `path` is the full path from the host root, **with** `/trade-api/v2` and **without** the query
 *   string: `GET /trade-api/v2/portfolio/orders?limit=5` signs `…GET/trade-api/v2/portfolio/orders`.
 * - SHA-256, MGF1(SHA-256), salt length = digest length (32 bytes).
 * - The WebSocket handshake signs `GET` and `/trade-api/ws/v2`, again on every reconnect.
 * - Signatures are randomised (PSS), so tests verify them with the public key; they never compare
 *   them.
 *
 * The private key is held as a `KeyObject`; the key id stays `Redacted`. Neither is ever logged.
 *
 * @since 0.1.0
 */
import { constants, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto"
import { readFileSync } from "node:fs"
import { Redacted } from "effect"

/** What signs Kalshi requests. @category models */
export interface KalshiCredentials {
  readonly keyId: Redacted.Redacted<string>
  readonly privateKey: KeyObject
}

/** The three auth headers. @category models */
export interface KalshiAuthHeaders {
  readonly "KALSHI-ACCESS-KEY": string
  readonly "KALSHI-ACCESS-TIMESTAMP": string
  readonly "KALSHI-ACCESS-SIGNATURE": string
}

const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } as const

/** The signed message: `timestamp + METHOD + path`, the query string removed. @category signing */
export const signingMessage = (timestampMs: number, method: string, pathWithQuery: string): string => {
  const q = pathWithQuery.indexOf("?")
  const path = q === -1 ? pathWithQuery : pathWithQuery.slice(0, q)
  return `${timestampMs}${method.toUpperCase()}${path}`
}

/** base64(RSA-PSS-SHA256(message)). @category signing */
export const signMessage = (privateKey: KeyObject, message: string): string =>
  sign("sha256", Buffer.from(message, "utf8"), { key: privateKey, ...PSS }).toString("base64")

/** Verifies a signature with the public key (tests, and the fake venue). @category signing */
export const verifySignature = (publicKey: KeyObject | string, message: string, signatureBase64: string): boolean =>
  verify("sha256", Buffer.from(message, "utf8"), { key: typeof publicKey === "string" ? createPublicKey(publicKey) : publicKey, ...PSS }, Buffer.from(signatureBase64, "base64"))

/**
 * The auth headers for one request at `timestampMs` (from `Clock`).
 *
 * @category signing
 */
export const authHeaders = (credentials: KalshiCredentials, timestampMs: number, method: string, pathWithQuery: string): KalshiAuthHeaders => ({
  "KALSHI-ACCESS-KEY": Redacted.value(credentials.keyId),
  "KALSHI-ACCESS-TIMESTAMP": String(timestampMs),
  "KALSHI-ACCESS-SIGNATURE": signMessage(credentials.privateKey, signingMessage(timestampMs, method, pathWithQuery))
})

/**
 * Credentials from configuration: the key id and either the PEM text or a path to it. Returns
 * `undefined` when no key is configured (public market data needs none), or an error message.
 *
 * @category constructors
 */
export const loadCredentials = (config: {
  readonly keyId?: Redacted.Redacted<string> | undefined
  readonly privateKey?: Redacted.Redacted<string> | undefined
  readonly privateKeyFile?: string | undefined
}): KalshiCredentials | undefined | { readonly error: string } => {
  if (config.keyId === undefined) {
    return config.privateKey === undefined && config.privateKeyFile === undefined ? undefined : { error: "kalshi.privateKey is set but kalshi.keyId is not" }
  }
  try {
    const pem = config.privateKey !== undefined
      ? Redacted.value(config.privateKey)
      : config.privateKeyFile !== undefined
      ? readFileSync(config.privateKeyFile, "utf8")
      : undefined
    if (pem === undefined) return { error: "kalshi.keyId is set but neither kalshi.privateKey nor kalshi.privateKeyFile is" }
    const privateKey = createPrivateKey(pem)
    if (privateKey.asymmetricKeyType !== "rsa") return { error: `the Kalshi key must be RSA, was ${privateKey.asymmetricKeyType}` }
    return { keyId: config.keyId, privateKey }
  } catch (e) {
    // Never echo key material: the message of a PEM parse error names no secret, but keep it short
    return { error: `cannot load the Kalshi private key: ${e instanceof Error ? e.message.split("\n")[0] : "unreadable"}` }
  }
}
