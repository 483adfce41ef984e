/**
 * Failure reasons shared by several boundaries. Each boundary has one error class (`EspnError`,
 * `KalshiError`, ...) whose `reason` is a union of these small tagged errors; the reason tag is
 * the stable code a metric or a dashboard shows.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/** The request did not complete within its timeout. @category errors */
export class Timeout extends Schema.TaggedError<Timeout>()("Timeout", {
  operation: Schema.String,
  afterMillis: Schema.Number
}) {}

/** The peer answered with a non-success HTTP status. @category errors */
export class HttpStatus extends Schema.TaggedError<HttpStatus>()("HttpStatus", {
  operation: Schema.String,
  status: Schema.Number,
  body: Schema.optionalKey(Schema.String)
}) {}

/** The peer asked us to slow down (HTTP 429 or a venue rate-limit error). @category errors */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", {
  operation: Schema.String,
  retryAfterMillis: Schema.optionalKey(Schema.Number)
}) {}

/** The connection failed, reset or was closed before a complete response. @category errors */
export class Transport extends Schema.TaggedError<Transport>()("Transport", {
  operation: Schema.String,
  message: Schema.String
}) {}

/** A payload did not match its schema (malformed JSON, a missing field, an inexact price). @category errors */
export class Decode extends Schema.TaggedError<Decode>()("Decode", {
  operation: Schema.String,
  message: Schema.String,
  /** The first bytes of the offending payload, for the dead-letter record */
  sample: Schema.optionalKey(Schema.String)
}) {}

/**
 * A payload decoded but says something that cannot be true (a score going backwards, two sides the
 * same team). `check` is a stable code, for the dead letter and the metric. @category errors
 */
export class Implausible extends Schema.TaggedError<Implausible>()("Implausible", {
  operation: Schema.String,
  check: Schema.String,
  message: Schema.String
}) {}

/** A circuit breaker is open: the call was not attempted. @category errors */
export class CircuitOpen extends Schema.TaggedError<CircuitOpen>()("CircuitOpen", {
  host: Schema.String,
  /** Epoch ms when the breaker will let a probe through */
  retryAt: Schema.Number
}) {}

/** Credentials were missing, refused or expired. @category errors */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", {
  operation: Schema.String,
  message: Schema.String
}) {}
