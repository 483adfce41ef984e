/**
 * The order-entry HTTP path: separate from market-data HTTP (`VenueHttp`), because a write is not a
 * read.
 *
 * - **Sent once.** An order POST (or a cancel) is never retried here. Polymarket has no client
 *   idempotency key, so a retried `POST /order` can place twice; Kalshi's `client_order_id` only
 *   protects while the order lives. Recovery is the caller's status query and reconciliation.
 * - **Outcomes are classified by what they prove.** A 4xx is the venue refusing (`Rejected`; 429 is
 *   `RateLimited` and 401/403 `Unauthorized`, both also "not placed"). A timeout, a dropped
 *   connection, a 5xx or a 2xx we cannot decode prove nothing: `OutcomeUnknown`.
 * - **Signed bodies.** The body is serialised once; the signer sees the exact string that is sent
 *   (Polymarket's L2 HMAC covers it).
 * - **Write budget.** `throttle` (the venue's write bucket) is taken before the send.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Metric, Schema } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import { OrderError, OutcomeUnknown, Rejected } from "../../schema/errors/OrderError.ts"
import { RateLimited, Unauthorized } from "../../schema/errors/Reasons.ts"
import type { Platform } from "../../schema/Platform.ts"
import { DeadLetters } from "../DeadLetters.ts"
import { parseJson, type WireSchema } from "../marketdata/VenueHttp.ts"

/** @category models */
export interface OrderHttpConfig {
  readonly platform: Platform
  /** Dead-letter source, e.g. `kalshi.orders` */
  readonly source: string
  readonly baseUrl: string
  readonly timeout: Duration.Duration
  /** Auth headers for one request: the method, the path from the host root (no query) and the exact body */
  readonly sign: (method: string, path: string, body: string | undefined) => Effect.Effect<Record<string, string>>
  /** Waits for write budget */
  readonly throttle?: Effect.Effect<void> | undefined
  /** Runs on a 429 (pause the write bucket) */
  readonly onRateLimited?: Effect.Effect<void> | undefined
}

/** @category models */
export interface OrderHttp {
  /** One write, sent once; a 4xx names the venue's code and message ({@link rejectionOf}). */
  readonly send: <A>(
    operation: string,
    method: "POST" | "DELETE" | "PUT",
    path: string,
    body: unknown,
    schema: WireSchema<A>
  ) => Effect.Effect<A, OrderError>
}

/** @category metrics */
export const orderRequestsTotal = Metric.counter("arbees_order_requests_total", {
  description: "Order-entry writes by platform, operation and outcome (ok, Rejected, OutcomeUnknown, RateLimited, Unauthorized)"
})

/** The venue's error code and message from a refusal body (Kalshi `{error:{code,message}}`, Polymarket `{error}` / `{errorMsg}`). @category parsing */
export const rejectionOf = (status: number, text: string): Rejected => {
  const json = parseJson(text)
  if (json !== null && typeof json === "object" && !(json instanceof Error)) {
    const record = json as Record<string, unknown>
    const error = record["error"]
    if (error !== null && typeof error === "object") {
      const e = error as Record<string, unknown>
      return new Rejected({ code: String(e["code"] ?? status), message: String(e["message"] ?? "").slice(0, 500) })
    }
    if (typeof error === "string") return new Rejected({ code: String(status), message: error.slice(0, 500) })
    if (typeof record["errorMsg"] === "string") return new Rejected({ code: String(status), message: record["errorMsg"].slice(0, 500) })
  }
  return new Rejected({ code: String(status), message: text.slice(0, 500) })
}

/**
 * Builds the path. Requires an `HttpClient` and `DeadLetters`.
 *
 * @category constructors
 */
export const makeOrderHttp = (config: OrderHttpConfig) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const deadLetters = yield* DeadLetters
    const base = new URL(config.baseUrl.endsWith("/") ? config.baseUrl : `${config.baseUrl}/`)
    const fail = (reason: OrderError["reason"]) => new OrderError({ platform: config.platform, reason })
    const count = (operation: string, outcome: string) =>
      Metric.update(Metric.withAttributes(orderRequestsTotal, { platform: config.platform, operation, outcome }), 1)

    const send = <A>(operation: string, method: "POST" | "DELETE" | "PUT", path: string, body: unknown, schema: WireSchema<A>) =>
      Effect.gen(function*() {
        if (config.throttle !== undefined) yield* config.throttle
        const url = new URL(path.replace(/^\//, ""), base)
        const text = body === undefined ? undefined : JSON.stringify(body)
        const headers = yield* config.sign(method, url.pathname, text)
        let request = HttpClientRequest.make(method)(url.toString())
        request = HttpClientRequest.setHeaders(request, headers)
        if (text !== undefined) request = HttpClientRequest.bodyText(request, text, "application/json")
        const unknown = (message: string) => fail(new OutcomeUnknown({ message: `${operation}: ${message}` }))
        const response = yield* client.execute(request).pipe(
          Effect.flatMap((r) => Effect.map(r.text, (t) => ({ status: r.status, text: t }))),
          Effect.timeoutOrElse({
            duration: config.timeout,
            orElse: () => Effect.fail(unknown(`no answer within ${Duration.toMillis(config.timeout)} ms`))
          }),
          Effect.catchTag("HttpClientError", (e) => Effect.fail(unknown(`connection failed: ${e.message.slice(0, 200)}`)))
        )
        const { status } = response
        if (status === 429) {
          if (config.onRateLimited !== undefined) yield* config.onRateLimited
          return yield* fail(new RateLimited({ operation }))
        }
        if (status === 401 || status === 403) return yield* fail(new Unauthorized({ operation, message: `HTTP ${status}` }))
        if (status >= 400 && status < 500) return yield* fail(rejectionOf(status, response.text))
        if (status < 200 || status >= 300) return yield* unknown(`HTTP ${status}`)
        const json = parseJson(response.text)
        const decoded = json instanceof Error ? undefined : Schema.decodeUnknownResult(schema)(json)
        if (decoded === undefined || decoded._tag === "Failure") {
          const message = decoded === undefined ? "malformed JSON" : decoded.failure.message.slice(0, 1_000)
          yield* deadLetters.record({ source: config.source, reason: "Decode", error: message, payload: response.text.slice(0, 64 * 1024), context: { operation } })
          return yield* unknown(`the answer did not decode: ${message.slice(0, 200)}`)
        }
        return decoded.success
      }).pipe(
        Effect.tap(() => count(operation, "ok")),
        Effect.tapError((e) => count(operation, e.reason._tag)),
        Effect.withSpan(`${config.platform}.${operation}`)
      )

    return { send } satisfies OrderHttp
  })
