/**
 * The recorder: captures every raw ESPN and venue REST response and every venue WebSocket event,
 * each with its receive time, into a recording (`SegmentWriter`).
 *
 * It hooks the two transport seams every external client goes through, so no client knows it is
 * recorded: {@link recordingHttpClient} wraps the `HttpClient` (ESPN, Kalshi and Polymarket REST
 * all use it) and {@link recordingWebSocket} wraps the `WebSocketConstructor` (both venue feeds).
 * A response body is read once and handed on unchanged.
 *
 * @since 0.1.0
 */
import { Clock, Context, Duration, Effect, Layer, Option, Result } from "effect"
import { HttpClient, HttpClientResponse, Url } from "effect/http"
import * as Socket from "effect/socket/Socket"
import type { Config } from "../config/AppConfig.ts"
import type { Entry, Manifest } from "./Format.ts"
import { SegmentWriter, type SegmentWriterOptions } from "./SegmentWriter.ts"

/** @category services */
export class Recorder extends Context.Service<Recorder, {
  readonly append: (entry: Entry) => void
  readonly manifest: () => Manifest
}>()("arbees/services/recording/Recorder") {
  /** Records into `dir` (which must not hold a recording yet); closes it with the scope. */
  static readonly layer = (options: SegmentWriterOptions): Layer.Layer<Recorder> =>
    Layer.effect(
      Recorder,
      Effect.acquireRelease(
        Effect.sync(() => new SegmentWriter(options)),
        (writer) =>
          Effect.flatMap(Effect.sync(() => writer.close()), (m) =>
            Effect.logInfo("recording closed").pipe(Effect.annotateLogs({ dir: options.dir, entries: m.entries, segments: m.segments.length })))
      ).pipe(Effect.map((writer) => Recorder.of({ append: (e) => writer.append(e), manifest: () => writer.manifest() })))
    )
}

/** The writer's options from the `recording.*` configuration. @category config */
export const writerOptions = (config: Config, dir: string): SegmentWriterOptions => ({
  dir,
  segmentBytes: config.recording.segmentBytes,
  segmentMillis: Duration.toMillis(config.recording.segmentDuration),
  maxBytes: config.recording.maxBytes,
  flushEntries: 512,
  flushMillis: 1_000
})

/** Wraps an `HttpClient` so every response (status and whole body) is recorded. @category transports */
export const recordingHttpClient = (client: HttpClient.HttpClient, recorder: Recorder["Service"], clock: Clock.Clock): HttpClient.HttpClient =>
  HttpClient.transform(client, (effect, request) =>
    Effect.flatMap(effect, (response) =>
      Effect.map(response.text, (body) => {
        const url = Url.make(request.url, request.urlParams, Option.getOrUndefined(request.hash))
        const full = Result.isSuccess(url) ? url.success.toString() : request.url
        recorder.append({ k: "http", t: Math.floor(clock.currentTimeMillisUnsafe()), method: request.method, url: full, status: response.status, body })
        const headers = new Headers()
        for (const [k, v] of Object.entries(response.headers)) if (typeof v === "string") headers.set(k, v)
        return HttpClientResponse.fromWeb(request, new Response(body, { status: response.status, headers }))
      })
    ))

/** Wraps a `WebSocketConstructor` so every connection's frames, pings and close are recorded. @category transports */
export const recordingWebSocket = (
  make: Socket.WebSocketConstructor["Service"],
  recorder: Recorder["Service"],
  clock: Clock.Clock
): Socket.WebSocketConstructor["Service"] => {
  let connections = 0
  const now = () => Math.floor(clock.currentTimeMillisUnsafe())
  return (url, options) => {
    const ws = make(url, options)
    const c = ++connections
    const decoder = new TextDecoder()
    ws.addEventListener("open", () => recorder.append({ k: "ws", t: now(), c, e: "open", url }))
    ws.addEventListener("message", (event) => {
      const data = (event as { data: unknown }).data
      const text = typeof data === "string" ? data : data instanceof ArrayBuffer ? decoder.decode(data) : ArrayBuffer.isView(data) ? decoder.decode(data as Uint8Array) : String(data)
      recorder.append({ k: "ws", t: now(), c, e: "in", data: text })
    })
    ws.addEventListener("close", () => recorder.append({ k: "ws", t: now(), c, e: "close" }))
    const emitter = ws as unknown as { on?: (event: string, listener: () => void) => void }
    emitter.on?.("ping", () => recorder.append({ k: "ws", t: now(), c, e: "ping" }))
    const send = ws.send.bind(ws)
    ws.send = (data: string | Uint8Array<ArrayBuffer>) => {
      recorder.append({ k: "ws", t: now(), c, e: "out", data: typeof data === "string" ? data : decoder.decode(data) })
      return send(data)
    }
    return ws
  }
}

/**
 * Replaces the `HttpClient` and `WebSocketConstructor` below it with recording ones.
 *
 * @category layers
 */
export const recordingTransport: Layer.Layer<HttpClient.HttpClient | Socket.WebSocketConstructor, never, HttpClient.HttpClient | Socket.WebSocketConstructor | Recorder> =
  Layer.effectContext(
    Effect.gen(function*() {
      const recorder = yield* Recorder
      const clock = yield* Clock.Clock
      const client = yield* HttpClient.HttpClient
      const make = yield* Socket.WebSocketConstructor
      return Context.make(HttpClient.HttpClient, recordingHttpClient(client, recorder, clock)).pipe(
        Context.add(Socket.WebSocketConstructor, recordingWebSocket(make, recorder, clock))
      )
    })
  )
