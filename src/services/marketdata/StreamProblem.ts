/**
 * What a venue stream could not use. The connection that owns the stream turns each into a dead
 * letter, a metric and a log line; the stream has already dropped or resynced what it affects.
 *
 * @since 0.1.0
 */

/** @category models */
export interface StreamProblem {
  /** Stable code: `Decode`, `SequenceGap`, `NegativeLevel`, `Crossed`, `BestBidAskMismatch`, `VenueError`, ... */
  readonly reason: string
  readonly message: string
  readonly market?: string | undefined
  /** The offending frame, when there is one */
  readonly payload?: string | undefined
}
