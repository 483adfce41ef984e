/**
 * Dead letters: every payload arbees could not decode or process, kept for diagnosis.
 *
 * Bad input never crashes and is never silent: the caller turns it into a typed error, and
 * records it here, which writes a row to `dead_letters` and counts it in the
 * `arbees_dead_letters_total` metric (by source and reason). Recording never fails the caller:
 * if the database is down, the letter is logged at error level instead.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Metric } from "effect"
import { SqlClient } from "effect/sql"
import { nowMillis } from "./Time.ts"

/** @category models */
export interface DeadLetter {
  /** Where it came from: `espn.scoreboard`, `kalshi.ws`, `polymarket.ws`, ... */
  readonly source: string
  /** A stable code: `Decode`, `Truncated`, `BookInconsistent`, ... */
  readonly reason: string
  /** The human-readable error */
  readonly error: string
  /** The offending payload (truncated to 64 KiB) */
  readonly payload?: string | undefined
  /** Identifiers that help find it again: game id, market, URL */
  readonly context?: Readonly<Record<string, unknown>> | undefined
}

/** @category metrics */
export const deadLettersTotal = Metric.counter("arbees_dead_letters_total", {
  description: "Payloads that failed to decode or process, by source and reason"
})

const MAX_PAYLOAD = 64 * 1024

/** @category services */
export class DeadLetters extends Context.Service<DeadLetters, {
  readonly record: (letter: DeadLetter) => Effect.Effect<void>
}>()("arbees/services/DeadLetters") {
  /** Writes to the `dead_letters` table. */
  static readonly layer: Layer.Layer<DeadLetters, never, SqlClient.SqlClient> = Layer.effect(
    DeadLetters,
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const record = Effect.fn("DeadLetters.record")(function*(letter: DeadLetter) {
        yield* Metric.update(Metric.withAttributes(deadLettersTotal, { source: letter.source, reason: letter.reason }), 1)
        const at = yield* nowMillis
        const payload = letter.payload === undefined ? null : letter.payload.slice(0, MAX_PAYLOAD)
        yield* sql`INSERT INTO dead_letters (source, reason, error, payload, context, created_at)
                   VALUES (${letter.source}, ${letter.reason}, ${letter.error}, ${payload},
                           ${JSON.stringify(letter.context ?? {})}::jsonb, to_timestamp(${at / 1000}))`.pipe(
          Effect.catch((e) =>
            Effect.logError("dead letter not stored").pipe(
              Effect.annotateLogs({ source: letter.source, reason: letter.reason, error: letter.error, storeError: e.message })
            )
          )
        )
      })
      return DeadLetters.of({ record })
    })
  )

  /** Counts and logs dead letters without a database (offline commands such as `inspect`). */
  static readonly layerLog: Layer.Layer<DeadLetters> = Layer.succeed(
    DeadLetters,
    DeadLetters.of({
      record: (letter) =>
        Metric.update(Metric.withAttributes(deadLettersTotal, { source: letter.source, reason: letter.reason }), 1).pipe(
          Effect.andThen(Effect.logWarning("dead letter").pipe(Effect.annotateLogs({ source: letter.source, reason: letter.reason, error: letter.error })))
        )
    })
  )
}
