/**
 * OpenTelemetry export with Effect's built-in OTLP/HTTP exporter (no OTel SDK).
 *
 * Traces and metrics go to `telemetry.otlpEndpoint` (or `OTEL_EXPORTER_OTLP_ENDPOINT`) when it is
 * set; otherwise nothing is exported and spans stay in-process (they still name every actor
 * message and external call, through `Effect.fn`). The exporter flushes on shutdown within
 * `shutdown.stepTimeout`. Prometheus scraping is served separately on the admin endpoint.
 *
 * @since 0.1.0
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Effect, Layer, Redacted } from "effect"
import { OtlpMetrics, OtlpSerialization, OtlpTracer } from "effect/observability"
import { AppConfig } from "../services/config/AppConfig.ts"

/** `k1=v1,k2=v2` (the OTEL_EXPORTER_OTLP_HEADERS format) → a header record. @category parsing */
export const parseHeaders = (text: string): Record<string, string> => {
  const headers: Record<string, string> = {}
  for (const pair of text.split(",")) {
    const eq = pair.indexOf("=")
    if (eq > 0) headers[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(pair.slice(eq + 1).trim())
  }
  return headers
}

/** @category layers */
export const layer = Layer.unwrap(
  Effect.map(AppConfig, ({ config }) => {
    const endpoint = config.telemetry.otlpEndpoint
    if (endpoint === undefined) return Layer.empty
    const base = endpoint.replace(/\/+$/, "")
    const resource = { serviceName: config.telemetry.serviceName, serviceVersion: "0.1.0" }
    const headers = config.telemetry.otlpHeaders === undefined ? {} : parseHeaders(Redacted.value(config.telemetry.otlpHeaders))
    const shutdownTimeout = config.shutdown.stepTimeout
    return Layer.mergeAll(
      OtlpTracer.layer({ url: `${base}/v1/traces`, resource, headers, shutdownTimeout, exportInterval: "2 seconds" }),
      OtlpMetrics.layer({ url: `${base}/v1/metrics`, resource, headers, shutdownTimeout, exportInterval: "10 seconds" })
    ).pipe(Layer.provide(OtlpSerialization.layerJson), Layer.provide(NodeHttpClient.layerUndici))
  })
)
