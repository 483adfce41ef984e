/**
 * Everything that can go wrong on the event bus (in-process or Redis Streams), as seen by a
 * publisher or by the bus's own consumer loops.
 *
 * A payload that fails to decode on the consumer side is not a `BusError`: it becomes a dead
 * letter and the stream moves on.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Timeout, Transport } from "./Reasons.ts"

/** The payload could not be encoded with its topic's schema (a bug in the publisher). @category errors */
export class Encode extends Schema.TaggedError<Encode>()("Encode", {
  topic: Schema.String,
  message: Schema.String
}) {}

/** The bus is shutting down or closed: nothing more is accepted. @category errors */
export class Closed extends Schema.TaggedError<Closed>()("Closed", {
  operation: Schema.String
}) {}

/** @category errors */
export class BusError extends Schema.TaggedError<BusError>()("BusError", {
  reason: Schema.Union([Timeout, Transport, Encode, Closed])
}) {
  override get message(): string {
    const r = this.reason
    switch (r._tag) {
      case "Timeout":
        return `${r.operation} timed out after ${r.afterMillis} ms`
      case "Transport":
        return `${r.operation}: ${r.message}`
      case "Encode":
        return `cannot encode a ${r.topic} event: ${r.message}`
      case "Closed":
        return `${r.operation}: the event bus is closed`
    }
  }
}
