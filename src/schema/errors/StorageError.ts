/**
 * Everything that can go wrong with the database, as seen by arbees' own code.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/** The database could not be reached or the connection broke. @category errors */
export class Unavailable extends Schema.TaggedError<Unavailable>()("Unavailable", {
  message: Schema.String,
  /** The driver's error, for the cause chain a debug log shows under the message */
  cause: Schema.optional(Schema.Unknown)
}) {}

/** A migration failed; the schema is not at the expected version. @category errors */
export class MigrationFailed extends Schema.TaggedError<MigrationFailed>()("MigrationFailed", {
  migration: Schema.String,
  message: Schema.String
}) {}

/** The database refused a write (unique, check or foreign-key constraint). @category errors */
export class ConstraintViolation extends Schema.TaggedError<ConstraintViolation>()("ConstraintViolation", {
  constraint: Schema.String,
  message: Schema.String
}) {}

/** A concurrent writer changed the row first (optimistic locking). @category errors */
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", {
  entity: Schema.String,
  message: Schema.String
}) {}

/** Any other query failure. @category errors */
export class QueryFailed extends Schema.TaggedError<QueryFailed>()("QueryFailed", {
  message: Schema.String
}) {}

/** @category errors */
export class StorageError extends Schema.TaggedError<StorageError>()("StorageError", {
  reason: Schema.Union([Unavailable, MigrationFailed, ConstraintViolation, Conflict, QueryFailed])
}) {}
