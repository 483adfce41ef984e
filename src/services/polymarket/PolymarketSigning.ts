/**
 * Polymarket CLOB signing: the EIP-712 order signature (Exchange V2 and V3, the neg-risk exchange),
 * the L1 `ClobAuth` signature that creates or derives an API key, and the L2 HMAC headers of every
 * authenticated request (PROTOCOLS.md §3.5, §5.2).
 *
 * - Elliptic-curve work (keccak, EIP-712 hashing, secp256k1 signing) is `viem`'s: we never hand-roll
 *   crypto. The HMAC is `node:crypto`'s.
 * - The exchange is chosen by the order version the venue reports on `GET /version` (2 or 3) and,
 *   for V2, by the market's `negRisk` flag; V3 has one exchange.
 * - The HMAC signs `timestamp(seconds) + METHOD + path + body`, keyed by the base64url-decoded
 *   secret, and is sent URL-safe with its `=` padding kept, byte for byte what the official client
 *   sends. The body is the exact string we send.
 * - Signature types 0 (EOA), 1 (POLY_PROXY) and 2 (POLY_GNOSIS_SAFE) are supported; with 1 and 2
 *   the maker (funder) is the proxy and the signer the EOA. Type 3 (ERC-1271 deposit wallets)
 *   wraps the signature differently and is refused.
 *
 * The private key lives only inside the viem account (a closure); the API secret and passphrase
 * stay `Redacted` until the moment a header is built. Nothing here logs.
 *
 * @since 0.1.0
 */
import { createHmac } from "node:crypto"
import { Effect, Redacted } from "effect"
import { type Hex, hashTypedData, isAddress, isHex } from "viem"
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts"

/** Polygon mainnet. @category constants */
export const POLYGON_CHAIN_ID = 137

/** The exchange contracts on Polygon (PROTOCOLS.md §5.2). @category constants */
export const EXCHANGES = {
  v2: "0xE111180000d2663C0091e4f400237545B87B996B",
  v2NegRisk: "0xe2222d279d744050d28e00520010520000310F59",
  v3: "0xe3333700cA9d93003F00f0F71f8515005F6c00Aa"
} as const

/** The order versions we sign. @category models */
export type OrderVersion = 2 | 3

/** 0 EOA, 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE. @category models */
export type SignatureType = 0 | 1 | 2

const ZERO_BYTES32 = "0x0000000000000000000000000000000000000000000000000000000000000000" as const

/** The exchange an order is signed for. @category signing */
export const exchangeFor = (version: OrderVersion, negRisk: boolean): Hex =>
  version === 3 ? EXCHANGES.v3 : negRisk ? EXCHANGES.v2NegRisk : EXCHANGES.v2

/** The V2/V3 order struct (same fields in both versions; only the domain differs). @category signing */
export const ORDER_TYPES = {
  Order: [
    { name: "salt", type: "uint256" },
    { name: "maker", type: "address" },
    { name: "signer", type: "address" },
    { name: "tokenId", type: "uint256" },
    { name: "makerAmount", type: "uint256" },
    { name: "takerAmount", type: "uint256" },
    { name: "side", type: "uint8" },
    { name: "signatureType", type: "uint8" },
    { name: "timestamp", type: "uint256" },
    { name: "metadata", type: "bytes32" },
    { name: "builder", type: "bytes32" }
  ]
} as const

/** The L1 auth struct. @category signing */
export const CLOB_AUTH_TYPES = {
  ClobAuth: [
    { name: "address", type: "address" },
    { name: "timestamp", type: "string" },
    { name: "nonce", type: "uint256" },
    { name: "message", type: "string" }
  ]
} as const

/** The text every L1 signature attests. @category constants */
export const CLOB_AUTH_MESSAGE = "This message attests that I control the given wallet"

/**
 * An order before signing, as the venue's JSON carries it: integers as decimal strings (amounts in
 * 6-decimal base units), `side` as text.
 *
 * @category models
 */
export interface UnsignedOrder {
  /** A JSON number on the wire, so at most 2^53 − 1 */
  readonly salt: number
  readonly maker: Hex
  readonly signer: Hex
  readonly tokenId: string
  readonly makerAmount: string
  readonly takerAmount: string
  readonly side: "BUY" | "SELL"
  readonly signatureType: SignatureType
  /** Epoch milliseconds, as a decimal string */
  readonly timestamp: string
  /** Unix seconds; "0" unless GTD. Not part of the signed hash */
  readonly expiration: string
  readonly metadata: Hex
  readonly builder: Hex
}

/** @category models */
export interface SignedOrder extends UnsignedOrder {
  readonly signature: Hex
}

/** The EIP-712 typed data of an order for an exchange. @category signing */
export const orderTypedData = (order: UnsignedOrder, version: OrderVersion, exchange: Hex, chainId: number = POLYGON_CHAIN_ID) => ({
  domain: { name: "Polymarket CTF Exchange", version: String(version), chainId, verifyingContract: exchange },
  types: ORDER_TYPES,
  primaryType: "Order" as const,
  message: {
    salt: BigInt(order.salt),
    maker: order.maker,
    signer: order.signer,
    tokenId: BigInt(order.tokenId),
    makerAmount: BigInt(order.makerAmount),
    takerAmount: BigInt(order.takerAmount),
    side: order.side === "BUY" ? 0 : 1,
    signatureType: order.signatureType,
    timestamp: BigInt(order.timestamp),
    metadata: order.metadata,
    builder: order.builder
  }
})

/**
 * The order's EIP-712 hash: the id the CLOB gives the order (`orderID`), known before it is sent,
 * so an order whose answer was lost can still be looked up.
 *
 * @category signing
 */
export const orderHash = (order: UnsignedOrder, version: OrderVersion, negRisk: boolean, chainId: number = POLYGON_CHAIN_ID): Hex =>
  hashTypedData(orderTypedData(order, version, exchangeFor(version, negRisk), chainId))

/** The L1 typed data for one timestamp (seconds) and nonce. @category signing */
export const clobAuthTypedData = (address: Hex, timestampSeconds: number, nonce: number, chainId: number = POLYGON_CHAIN_ID) => ({
  domain: { name: "ClobAuthDomain", version: "1", chainId },
  types: CLOB_AUTH_TYPES,
  primaryType: "ClobAuth" as const,
  message: { address, timestamp: String(timestampSeconds), nonce: BigInt(nonce), message: CLOB_AUTH_MESSAGE }
})

/** A CLOB API key (L2 credentials). @category models */
export interface ApiCredentials {
  readonly apiKey: Redacted.Redacted<string>
  readonly secret: Redacted.Redacted<string>
  readonly passphrase: Redacted.Redacted<string>
}

/** The L1 headers (`/auth/api-key`, `/auth/derive-api-key`). @category models */
export interface L1Headers {
  readonly POLY_ADDRESS: string
  readonly POLY_SIGNATURE: string
  readonly POLY_TIMESTAMP: string
  readonly POLY_NONCE: string
}

/** The L2 headers of an authenticated request. @category models */
export interface L2Headers {
  readonly POLY_ADDRESS: string
  readonly POLY_SIGNATURE: string
  readonly POLY_TIMESTAMP: string
  readonly POLY_API_KEY: string
  readonly POLY_PASSPHRASE: string
}

/**
 * `base64url(HMAC_SHA256(base64url_decode(secret), timestamp + METHOD + path + body))`, URL-safe
 * with the `=` padding kept (the official client's exact output).
 *
 * @category signing
 */
export const hmacSignature = (secret: string, timestampSeconds: number, method: string, requestPath: string, body: string | undefined): string => {
  const key = Buffer.from(secret.replace(/-/g, "+").replace(/_/g, "/"), "base64")
  const message = `${timestampSeconds}${method}${requestPath}${body ?? ""}`
  return createHmac("sha256", key).update(message, "utf8").digest("base64").replace(/\+/g, "-").replace(/\//g, "_")
}

/** The L2 headers for one request; `requestPath` excludes the query string (as the client signs it). @category signing */
export const l2Headers = (address: Hex, credentials: ApiCredentials, timestampSeconds: number, method: string, requestPath: string, body: string | undefined): L2Headers => ({
  POLY_ADDRESS: address,
  POLY_SIGNATURE: hmacSignature(Redacted.value(credentials.secret), timestampSeconds, method, requestPath, body),
  POLY_TIMESTAMP: String(timestampSeconds),
  POLY_API_KEY: Redacted.value(credentials.apiKey),
  POLY_PASSPHRASE: Redacted.value(credentials.passphrase)
})

/**
 * The wallet that signs orders and L1 requests. `address` is the EOA; `maker` is the funder (the
 * proxy wallet for signature types 1 and 2, the EOA for type 0).
 *
 * @category models
 */
export interface PolymarketSigner {
  readonly address: Hex
  readonly maker: Hex
  readonly signatureType: SignatureType
  readonly chainId: number
  readonly signOrder: (order: UnsignedOrder, version: OrderVersion, negRisk: boolean) => Effect.Effect<SignedOrder>
  readonly l1Headers: (timestampSeconds: number, nonce: number) => Effect.Effect<L1Headers>
}

const fromAccount = (account: PrivateKeyAccount, maker: Hex, signatureType: SignatureType, chainId: number): PolymarketSigner => ({
  address: account.address,
  maker,
  signatureType,
  chainId,
  signOrder: (order, version, negRisk) =>
    Effect.map(
      Effect.promise(() => account.signTypedData(orderTypedData(order, version, exchangeFor(version, negRisk), chainId))),
      (signature) => ({ ...order, signature })
    ),
  l1Headers: (timestampSeconds, nonce) =>
    Effect.map(
      Effect.promise(() => account.signTypedData(clobAuthTypedData(account.address, timestampSeconds, nonce, chainId))),
      (signature) => ({ POLY_ADDRESS: account.address, POLY_SIGNATURE: signature, POLY_TIMESTAMP: String(timestampSeconds), POLY_NONCE: String(nonce) })
    )
})

/**
 * A signer from configuration. Returns an error message (never containing key material) when the
 * key or the funder address is malformed.
 *
 * @category constructors
 */
export const makeSigner = (options: {
  readonly privateKey: Redacted.Redacted<string>
  readonly funder?: string | undefined
  readonly signatureType?: number | undefined
  readonly chainId?: number | undefined
}): PolymarketSigner | { readonly error: string } => {
  const raw = Redacted.value(options.privateKey).trim()
  const key = raw.startsWith("0x") ? raw : `0x${raw}`
  if (!isHex(key) || key.length !== 66) return { error: "polymarket.walletPrivateKey is not a 32-byte hex key" }
  const signatureType = options.signatureType ?? 0
  if (signatureType !== 0 && signatureType !== 1 && signatureType !== 2) {
    return { error: `polymarket.signatureType ${signatureType} is not supported (0 EOA, 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE)` }
  }
  if (options.funder !== undefined && !isAddress(options.funder)) return { error: "polymarket.funderAddress is not an address" }
  if (signatureType !== 0 && options.funder === undefined) return { error: "polymarket.signatureType 1 or 2 needs polymarket.funderAddress (the proxy wallet)" }
  const account = privateKeyToAccount(key)
  const maker = (options.funder ?? account.address) as Hex
  return fromAccount(account, maker, signatureType, options.chainId ?? POLYGON_CHAIN_ID)
}

/** The empty `metadata` / `builder` fields. @category constants */
export const EMPTY_BYTES32: Hex = ZERO_BYTES32
