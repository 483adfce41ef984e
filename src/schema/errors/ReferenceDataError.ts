/**
 * Everything that can be wrong with arbees' own reference data (`data/teams/*.json`, `data/ratings/*.json`). Reference
 * data ships with the code, so any of these stops start-up rather than being skipped.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/** A file could not be read. @category errors */
export class Unreadable extends Schema.TaggedError<Unreadable>()("Unreadable", {
  file: Schema.String,
  message: Schema.String
}) {}

/** A file is not valid JSON or does not match its Schema. @category errors */
export class Invalid extends Schema.TaggedError<Invalid>()("Invalid", {
  file: Schema.String,
  message: Schema.String
}) {}

/** A key (alias, code, id) resolves to two teams of one league. @category errors */
export class Collision extends Schema.TaggedError<Collision>()("Collision", {
  file: Schema.String,
  message: Schema.String
}) {}

/** @category errors */
export class ReferenceDataError extends Schema.TaggedError<ReferenceDataError>()("ReferenceDataError", {
  reason: Schema.Union([Unreadable, Invalid, Collision])
}) {}
