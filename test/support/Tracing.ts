/**
 * An in-memory span exporter: a Tracer that records every span it creates, so a test can assert
 * the parent/child structure of a trace.
 */
import { Layer, Option, Tracer } from "effect"

export interface RecordedSpans {
  readonly spans: Array<Tracer.NativeSpan>
  /** The names along the parent chain of the first span named `name`, root first */
  readonly ancestry: (name: string) => Array<string>
  /** Every span of the trace containing the first span named `name` */
  readonly traceOf: (name: string) => Array<Tracer.NativeSpan>
}

export const makeRecorder = (): RecordedSpans & { readonly layer: Layer.Layer<never> } => {
  const spans: Array<Tracer.NativeSpan> = []
  const tracer = Tracer.make({
    span: (options) => {
      const span = new Tracer.NativeSpan(options)
      spans.push(span)
      return span
    }
  })
  const find = (name: string) => spans.find((s) => s.name === name)
  return {
    spans,
    layer: Layer.succeed(Tracer.Tracer, tracer),
    ancestry: (name) => {
      const chain: Array<string> = []
      let current: Tracer.AnySpan | undefined = find(name)
      while (current !== undefined) {
        chain.unshift(current._tag === "Span" ? current.name : `external:${current.spanId}`)
        current = current._tag === "Span" ? Option.getOrUndefined(current.parent) : undefined
      }
      return chain
    },
    traceOf: (name) => {
      const span = find(name)
      return span === undefined ? [] : spans.filter((s) => s.traceId === span.traceId)
    }
  }
}
