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
        // A parent that crossed a boundary (a cluster message) arrives as an external span: resolve it
        const spanId: string = current.spanId
        const local: Tracer.NativeSpan | undefined = spans.find((s) => s.spanId === spanId)
        if (local === undefined) {
          chain.unshift(`external:${spanId}`)
          break
        }
        chain.unshift(local.name)
        current = Option.getOrUndefined(local.parent)
      }
      return chain
    },
    traceOf: (name) => {
      const span = find(name)
      return span === undefined ? [] : spans.filter((s) => s.traceId === span.traceId)
    }
  }
}
