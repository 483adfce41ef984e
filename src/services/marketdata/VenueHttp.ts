/**
 * The REST plumbing both venue clients share: throttle, sign, send with a timeout, classify the
 * status, decode the body with a Schema, retry what is transient.
 *
 * - Every response body is decoded by its Schema. A body that does not decode fails with a
 *   `Decode` reason, is recorded as a dead letter (with the first bytes of the payload) and is not
 *   retried: asking again would only repeat it.
 * - 429 → `RateLimited` (and `onRateLimited`, which pauses the venue's bucket); 5xx, timeouts and
 *   transport failures → retried with jittered exponential backoff, up to `retries` times;
 *   401/403 → `Unauthorized`; other 4xx → `HttpStatus`, not retried.
 * - The request budget (`throttle`) is taken before *every* attempt, retries included.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Metric, Schedule, Schema } from "effect"
import { HttpClient, HttpClientRequest, type UrlParams } from "effect/http"
import type { Platform } from "../../schema/Platform.ts"
import { Decode, HttpStatus, RateLimited, Timeout, Transport, Unauthorized } from "../../schema/errors/Reasons.ts"
import { VenueError } from "../../schema/errors/VenueError.ts"
import { DeadLetters } from "../DeadLetters.ts"
import { describeFailure } from "../Failure.ts"
import * as Outage from "../Outage.ts"
import { type Rejected, splitElements } from "./Wire.ts"

/** @category models */
export interface VenueHttpConfig {
  readonly platform: Platform
  /** Dead-letter source, e.g. `kalshi.rest` */
  readonly source: string
  readonly baseUrl: string
  readonly timeout: Duration.Duration
  readonly retries: number
  /** First retry delay (doubles, jittered); 200 ms when unset */
  readonly backoff?: Duration.Duration | undefined
  /** Extra headers for one request (signing); gets the method and the path from the host root */
  readonly sign?: ((method: string, path: string) => Effect.Effect<Record<string, string>>) | undefined
  /** Waits for request budget; runs before every attempt */
  readonly throttle?: Effect.Effect<void> | undefined
  /** Runs on a 429, before the retry */
  readonly onRateLimited?: Effect.Effect<void> | undefined
}

/** A decoder with no service requirements. @category models */
export type WireSchema<A> = Schema.Codec<A, any, never, never>

/** @category models */
export interface VenueHttp {
  readonly get: <A>(operation: string, path: string, params: UrlParams.Input, schema: WireSchema<A>) => Effect.Effect<A, VenueError>
  readonly post: <A>(operation: string, path: string, body: unknown, schema: WireSchema<A>) => Effect.Effect<A, VenueError>
  /**
   * The good elements of an `Elements` list from `operation`; each rejected one becomes a dead
   * letter (reason `Decode`, its id and index in the context) and a log line.
   */
  readonly keep: <A>(operation: string, list: ReadonlyArray<A | Rejected> | undefined) => Effect.Effect<Array<A>>
}

/** @category metrics */
export const venueRequestsTotal = Metric.counter("arbees_venue_requests_total", {
  description: "Venue REST requests by platform, operation and outcome (ok or the failure reason)"
})

const SAMPLE = 2_048

/** `JSON.parse`, with a failure as a value. @category parsing */
export const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e))
  }
}

const retryable = (error: VenueError): boolean => {
  const reason = error.reason
  return reason._tag === "RateLimited" || reason._tag === "Timeout" || reason._tag === "Transport" ||
    (reason._tag === "HttpStatus" && reason.status >= 500)
}

/**
 * Builds the client. Requires an `HttpClient` and `DeadLetters`.
 *
 * @category constructors
 */
export const makeVenueHttp = (config: VenueHttpConfig) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const deadLetters = yield* DeadLetters
    const base = new URL(config.baseUrl.endsWith("/") ? config.baseUrl : `${config.baseUrl}/`)
    const fail = (reason: VenueError["reason"]) => new VenueError({ platform: config.platform, reason })
    // Unreachable (transport, timeout, 5xx) is told once and summarised; a minute of it degrades the node
    const outage = yield* Outage.make({
      name: `${config.platform} REST (${base.host})`,
      node: `venue:${config.source}`,
      staleAfter: Duration.minutes(1),
      whenStale: "its listings, terms and orders wait until it answers"
    })
    const unreachable = (e: VenueError) =>
      e.reason._tag === "Transport" || e.reason._tag === "Timeout" || (e.reason._tag === "HttpStatus" && e.reason.status >= 500)
    const why = (e: VenueError): string => {
      const r = e.reason
      return r._tag === "Transport" ? r.message : r._tag === "Timeout" ? `no answer within ${r.afterMillis} ms` : r._tag === "HttpStatus" ? `HTTP ${r.status}` : r._tag
    }

    const count = (operation: string, outcome: string) =>
      Metric.update(Metric.withAttributes(venueRequestsTotal, { platform: config.platform, operation, outcome }), 1)

    const attempt = <A>(operation: string, build: () => HttpClientRequest.HttpClientRequest, schema: WireSchema<A>) =>
      Effect.gen(function*() {
        if (config.throttle !== undefined) yield* config.throttle
        let request = build()
        if (config.sign !== undefined) {
          const url = new URL(request.url)
          request = HttpClientRequest.setHeaders(request, yield* config.sign(request.method, url.pathname))
        }
        const response = yield* client.execute(request).pipe(
          Effect.flatMap((r) => Effect.map(r.text, (text) => ({ status: r.status, text }))),
          Effect.timeoutOrElse({
            duration: config.timeout,
            orElse: () => Effect.fail(fail(new Timeout({ operation, afterMillis: Duration.toMillis(config.timeout) })))
          }),
          // The cause (refused, DNS, TLS, reset…), not the client's "Transport error (GET …)"
          Effect.catchTag("HttpClientError", (e) => Effect.fail(fail(new Transport({ operation, message: describeFailure(e) }))))
        )
        const { status, text } = response
        if (status === 429) {
          if (config.onRateLimited !== undefined) yield* config.onRateLimited
          return yield* fail(new RateLimited({ operation }))
        }
        if (status === 401 || status === 403) {
          return yield* fail(new Unauthorized({ operation, message: `HTTP ${status}: ${text.slice(0, 200)}` }))
        }
        if (status < 200 || status >= 300) {
          return yield* fail(new HttpStatus({ operation, status, body: text.slice(0, SAMPLE) }))
        }
        const json = parseJson(text)
        if (json instanceof Error) return yield* decodeFailure(operation, request.url, `malformed JSON: ${json.message}`, text)
        const decoded = Schema.decodeUnknownResult(schema)(json)
        if (decoded._tag === "Failure") return yield* decodeFailure(operation, request.url, decoded.failure.message.slice(0, 1_000), text)
        return decoded.success
      })

    const decodeFailure = (operation: string, url: string, message: string, payload: string) =>
      deadLetters.record({ source: config.source, reason: "Decode", error: message, payload: payload.slice(0, 64 * 1024), context: { operation, url } }).pipe(
        Effect.andThen(Effect.logWarning("venue response did not decode").pipe(Effect.annotateLogs({ platform: config.platform, operation, error: message.slice(0, 300) }))),
        Effect.andThen(Effect.fail(fail(new Decode({ operation, message, sample: payload.slice(0, SAMPLE) }))))
      )

    const run = <A>(operation: string, build: () => HttpClientRequest.HttpClientRequest, schema: WireSchema<A>) =>
      attempt(operation, build, schema).pipe(
        Effect.tapError((e) =>
          retryable(e)
            ? Effect.logDebug("venue request failed; retrying").pipe(Effect.annotateLogs({ platform: config.platform, operation, reason: e.reason._tag }))
            : Effect.void
        ),
        Effect.retry({
          while: retryable,
          times: config.retries,
          schedule: Schedule.exponential(config.backoff ?? Duration.millis(200), 2).pipe(Schedule.jittered)
        }),
        Effect.tap(() => Effect.andThen(count(operation, "ok"), outage.succeeded)),
        Effect.tapError((e) => Effect.andThen(count(operation, e.reason._tag), unreachable(e) ? outage.failed(why(e)) : Effect.void)),
        Effect.withSpan(`${config.platform}.${operation}`)
      )

    const url = (path: string) => new URL(path.replace(/^\//, ""), base).toString()

    const keep = <A>(operation: string, list: ReadonlyArray<A | Rejected> | undefined) =>
      Effect.gen(function*() {
        const { items, rejected } = splitElements(list)
        for (const r of rejected) {
          yield* deadLetters.record({
            source: config.source,
            reason: "Decode",
            error: r.error.slice(0, 1_000),
            payload: JSON.stringify(r.payload).slice(0, 64 * 1024),
            context: { operation, index: r.index, ...(r.id === undefined ? {} : { id: r.id }) }
          })
          yield* Effect.logWarning("venue list element did not decode; skipped").pipe(
            Effect.annotateLogs({ platform: config.platform, operation, id: r.id ?? "", error: r.error.slice(0, 300) })
          )
        }
        return items
      })

    const http: VenueHttp = {
      get: (operation, path, params, schema) => run(operation, () => HttpClientRequest.get(url(path), { urlParams: params }), schema),
      post: (operation, path, body, schema) => run(operation, () => HttpClientRequest.bodyJsonUnsafe(HttpClientRequest.post(url(path)), body), schema),
      keep
    }
    return http
  })
