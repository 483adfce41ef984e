/**
 * Everything that can go wrong reading ESPN.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { CircuitOpen, Decode, HttpStatus, Implausible, Timeout, Transport } from "./Reasons.ts"

/** @category errors */
export class EspnError extends Schema.TaggedError<EspnError>()("EspnError", {
  reason: Schema.Union([Timeout, HttpStatus, Transport, Decode, Implausible, CircuitOpen])
}) {}
