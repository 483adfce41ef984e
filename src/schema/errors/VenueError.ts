/**
 * Everything that can go wrong reading a venue's market data (REST and WebSocket).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Platform } from "../Platform.ts"
import { CircuitOpen, Decode, HttpStatus, RateLimited, Timeout, Transport, Unauthorized } from "./Reasons.ts"

/** The stream skipped a sequence number: the book must be resnapshotted. @category errors */
export class SequenceGap extends Schema.TaggedError<SequenceGap>()("SequenceGap", {
  subscription: Schema.String,
  expected: Schema.Number,
  received: Schema.Number
}) {}

/** A book became crossed or disagreed with the venue's own best bid/ask: it must be resynced. @category errors */
export class BookInconsistent extends Schema.TaggedError<BookInconsistent>()("BookInconsistent", {
  market: Schema.String,
  message: Schema.String
}) {}

/** @category errors */
export class VenueError extends Schema.TaggedError<VenueError>()("VenueError", {
  platform: Platform,
  reason: Schema.Union([Timeout, HttpStatus, RateLimited, Transport, Decode, CircuitOpen, Unauthorized, SequenceGap, BookInconsistent])
}) {}
