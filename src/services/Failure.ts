/**
 * What went wrong, in words a person can act on: the cause of a failed connection (refused, DNS,
 * TLS, authentication, a missing database, a timeout…) named from the error chain, whatever
 * library raised it (`@effect/sql-pg`, ioredis, undici, Node's `net`).
 *
 * - {@link describeFailure} is the one line: `connection refused (127.0.0.1:5999)`.
 * - {@link causeChain} is every message from the outermost error to the innermost, for debug logs:
 *   it adds to the line, never replaces it.
 *
 * Messages are the libraries' own and never carry credentials: a URL is never part of an error
 * here (callers name their target with `describeUrl`/`describeRedisUrl`).
 *
 * @since 0.1.0
 */
import { Cause } from "effect"

/** @category models */
export type FailureKind =
  | "refused"
  | "dns"
  | "tls"
  | "authentication"
  | "missing-database"
  | "timeout"
  | "reset"
  | "unreachable"
  | "closed"
  | "http"
  | "other"

/** @category models */
export interface NamedFailure {
  readonly kind: FailureKind
  /** One short line, never empty */
  readonly text: string
}

interface Node {
  readonly message: string
  readonly code: string | undefined
  readonly tag: string | undefined
  readonly hostname: string | undefined
  readonly address: string | undefined
  readonly port: number | undefined
  /** Our own reasons' fields: `HttpStatus.status`, `Timeout.afterMillis`, `*.operation` */
  readonly status: number | undefined
  readonly afterMillis: number | undefined
  readonly operation: string | undefined
}

const num = (u: unknown): number | undefined => (typeof u === "number" && Number.isFinite(u) ? u : undefined)

const str = (u: unknown): string | undefined => (typeof u === "string" && u.length > 0 ? u : undefined)

const prop = (u: unknown, key: string): unknown => (typeof u === "object" && u !== null ? (u as Record<string, unknown>)[key] : undefined)

/** Every error in the chain, outermost first: `reason`, `cause`, an `AggregateError`'s errors, a `Cause`'s failures. */
const nodes = (error: unknown): ReadonlyArray<Node> => {
  const out: Array<Node> = []
  const seen = new Set<unknown>()
  const visit = (u: unknown, depth: number): void => {
    if (u === undefined || u === null || depth > 12 || seen.has(u)) return
    seen.add(u)
    if (Cause.isCause(u)) {
      for (const reason of u.reasons) {
        if (Cause.isFailReason(reason)) visit(reason.error, depth + 1)
        else if (Cause.isDieReason(reason)) visit(reason.defect, depth + 1)
      }
      return
    }
    if (typeof u !== "object") {
      out.push({ message: String(u), code: undefined, tag: undefined, hostname: undefined, address: undefined, port: undefined, status: undefined, afterMillis: undefined, operation: undefined })
      return
    }
    const port = prop(u, "port")
    out.push({
      message: str(prop(u, "message")) ?? "",
      code: str(prop(u, "code")) ?? (typeof prop(u, "code") === "number" ? String(prop(u, "code")) : undefined),
      tag: str(prop(u, "_tag")),
      hostname: str(prop(u, "hostname")),
      address: str(prop(u, "address")),
      port: typeof port === "number" ? port : undefined,
      status: num(prop(u, "status")),
      afterMillis: num(prop(u, "afterMillis")),
      operation: str(prop(u, "operation"))
    })
    visit(prop(u, "reason"), depth + 1)
    visit(prop(u, "cause"), depth + 1)
    // A WebSocket ErrorEvent carries the socket's error as `error`
    visit(prop(u, "error"), depth + 1)
    const errors = prop(u, "errors")
    if (Array.isArray(errors)) for (const e of errors) visit(e, depth + 1)
  }
  visit(error, 0)
  return out
}

const where = (n: Node): string =>
  n.hostname !== undefined ? n.hostname : n.address !== undefined ? (n.port === undefined ? n.address : `${n.address}:${n.port}`) : ""

const withWhere = (text: string, n: Node): string => {
  const w = where(n)
  return w === "" ? text : `${text} (${w})`
}

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|EPROTO$|HOSTNAME_MISMATCH)/

/** Classifies one error of the chain; `undefined` when it says nothing specific. */
const classify = (n: Node): NamedFailure | undefined => {
  // Our own reasons (`schema/errors/Reasons.ts`) carry what happened as fields, not as a message
  const on = n.operation === undefined ? "" : ` (${n.operation})`
  if (n.tag === "HttpStatus" && n.status !== undefined) return { kind: "http", text: `HTTP ${n.status}${on}` }
  if (n.tag === "RateLimited") return { kind: "http", text: `rate limited${on}` }
  if (n.tag === "Timeout" && n.afterMillis !== undefined) return { kind: "timeout", text: `timed out after ${n.afterMillis} ms${on}` }
  const m = n.message
  // A code only in the message (`connect ECONNREFUSED 127.0.0.1:80`), as WebSocket errors have it
  const inMessage = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b(?:\s+(\S+))?/.exec(m)
  const code = n.code ?? inMessage?.[1] ?? ""
  if (n.code === undefined && inMessage !== null && inMessage[2] !== undefined && n.address === undefined && n.hostname === undefined) {
    const target = inMessage[2]
    n = inMessage[1] === "ENOTFOUND" || inMessage[1] === "EAI_AGAIN" ? { ...n, hostname: target } : { ...n, address: target }
  }
  if (code === "ECONNREFUSED") return { kind: "refused", text: withWhere("connection refused", n) }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME" || code === "EAI_FAIL" || /getaddrinfo/.test(m)) {
    return { kind: "dns", text: `host not found (DNS${n.hostname === undefined ? "" : `: ${n.hostname}`})` }
  }
  if (TLS_CODE.test(code) || /\b(SSL|TLS)\b|certificate/i.test(m)) return { kind: "tls", text: `TLS failed: ${m || code}` }
  // Postgres SQLSTATE 28xxx (invalid authorization), Redis WRONGPASS/NOAUTH, the driver's own auth errors
  if (/^28/.test(code) || n.tag === "AuthenticationError" || /^(WRONGPASS|NOAUTH)\b|password authentication failed|No password configured/i.test(m)) {
    return { kind: "authentication", text: `authentication failed${m === "" ? "" : `: ${m.replace(/^PgConnection: /, "")}`}` }
  }
  if (code === "3D000" || /database ".*" does not exist/.test(m)) return { kind: "missing-database", text: m === "" ? "the database does not exist" : m }
  if (code === "ETIMEDOUT" || code === "UND_ERR_CONNECT_TIMEOUT" || code === "UND_ERR_HEADERS_TIMEOUT" || /timed out|timeout/i.test(m)) {
    return { kind: "timeout", text: withWhere(m === "" ? "timed out" : m.replace(/^PgConnection: /, "").toLowerCase(), n) }
  }
  if (code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET") return { kind: "reset", text: withWhere("connection reset", n) }
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH" || code === "EHOSTDOWN" || code === "ENETDOWN") {
    return { kind: "unreachable", text: withWhere("host unreachable", n) }
  }
  return undefined
}

/**
 * Names the cause of `error`: the most specific error of its chain (refused, DNS, TLS,
 * authentication, missing database, timeout, reset), or else its innermost non-empty message.
 *
 * @category describing
 */
export const nameFailure = (error: unknown): NamedFailure => {
  const chain = nodes(error)
  // The innermost specific cause wins: `Failed to connect` ← `connect ECONNREFUSED …`
  for (let i = chain.length - 1; i >= 0; i--) {
    const named = classify(chain[i]!)
    if (named !== undefined) return named
  }
  const closed = chain.find((n) => /connection (is )?closed|Connection closed/i.test(n.message))
  if (closed !== undefined) return { kind: "closed", text: "the connection closed" }
  const messages = chain.map((n) => n.message.trim()).filter((m) => m !== "")
  const text = messages.length === 0 ? (chain.find((n) => n.tag !== undefined)?.tag ?? "unknown error") : messages[messages.length - 1]!
  return { kind: "other", text }
}

/**
 * The one line for a failure: its named cause. Never empty.
 *
 * @category describing
 */
export const describeFailure = (error: unknown): string => nameFailure(error).text

/**
 * Every distinct message of the chain, outermost first (`_tag` when a link has no message):
 * what a debug log adds under the one line.
 *
 * @category describing
 */
export const causeChain = (error: unknown): ReadonlyArray<string> => {
  const out: Array<string> = []
  for (const n of nodes(error)) {
    const text = [n.tag, n.code, n.message].filter((x) => x !== undefined && x !== "").join(" ")
    if (text !== "" && out[out.length - 1] !== text) out.push(text)
  }
  return out
}
