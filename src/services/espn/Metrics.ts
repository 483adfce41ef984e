/**
 * ESPN client metrics: request outcomes and latency, decode failures, and circuit-breaker state.
 *
 * Labels stay low-cardinality: endpoint, league, outcome (the error reason tag or `ok`), host.
 *
 * @since 0.1.0
 */
import { Effect, Metric } from "effect"
import type { CircuitBreaker } from "effect/persistence"
import type { Endpoint } from "./Urls.ts"

/** @category metrics */
export const requestsTotal = Metric.counter("arbees_espn_requests_total", {
  description: "ESPN requests by endpoint, league and outcome (ok, Timeout, HttpStatus, Transport, Decode, CircuitOpen)",
  incremental: true
})

/** @category metrics */
export const requestDuration = Metric.histogram("arbees_espn_request_duration_ms", {
  description: "ESPN request latency including retries, milliseconds",
  boundaries: [25, 50, 100, 200, 400, 800, 1600, 3200, 6400, 12_800]
})

/** @category metrics */
export const decodeFailuresTotal = Metric.counter("arbees_espn_decode_failures_total", {
  description: "ESPN payloads, games or plays that failed to decode, by endpoint and league",
  incremental: true
})

/** @category metrics */
export const implausibleTotal = Metric.counter("arbees_espn_implausible_total", {
  description: "ESPN states or values that decoded but cannot be true, by check and league (held back and dead-lettered)",
  incremental: true
})

/** Counts one implausible state or value. @category metrics */
export const recordImplausible = (check: string, league: string) => Metric.update(Metric.withAttributes(implausibleTotal, { check, league }), 1)

/** 0 closed, 1 half-open, 2 open. @category metrics */
export const breakerState = Metric.gauge("arbees_espn_breaker_state", {
  description: "ESPN circuit breaker state per host: 0 closed, 1 half-open, 2 open"
})

/** @category metrics */
export const breakerTransitionsTotal = Metric.counter("arbees_espn_breaker_transitions_total", {
  description: "ESPN circuit breaker transitions by from and to state",
  incremental: true
})

const stateValue = { Closed: 0, HalfOpen: 1, Open: 2 } as const

/** Counts one request outcome. @category metrics */
export const recordRequest = (endpoint: Endpoint, league: string, outcome: string, millis: number) =>
  Effect.all([
    Metric.update(Metric.withAttributes(requestsTotal, { endpoint, league, outcome }), 1),
    Metric.update(Metric.withAttributes(requestDuration, { endpoint }), millis)
  ], { discard: true })

/** Counts decode failures. @category metrics */
export const recordDecodeFailures = (endpoint: Endpoint, league: string, count: number) =>
  count === 0 ? Effect.void : Metric.update(Metric.withAttributes(decodeFailuresTotal, { endpoint, league }), count)

/** Records a breaker transition. @category metrics */
export const recordTransition = (transition: CircuitBreaker.Transition) =>
  Effect.all([
    Metric.update(Metric.withAttributes(breakerState, { host: transition.key }), stateValue[transition.to]),
    Metric.update(Metric.withAttributes(breakerTransitionsTotal, { from: transition.from, to: transition.to }), 1)
  ], { discard: true })
