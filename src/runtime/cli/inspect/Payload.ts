/**
 * Reading a saved payload for `arbees inspect`: one file, parsed as JSON, with errors a user can act
 * on (which file, what is wrong with it).
 *
 * @since 0.1.0
 */
import { Effect, FileSystem, Schema } from "effect"
import { unreadable } from "../Output.ts"

/** A payload that cannot be inspected: unreadable, not JSON, or not the kind asked for. @category errors */
export class InspectError extends Schema.TaggedError<InspectError>()("InspectError", {
  message: Schema.String
}) {}

/** The file's text. @category reading */
export const readText = Effect.fn("inspect.readText")(function*(file: string) {
  const fs = yield* FileSystem.FileSystem
  return yield* fs.readFileString(file).pipe(
    Effect.mapError((e) => new InspectError({ message: unreadable(file, e) }))
  )
})

/** The file, parsed as one JSON document. @category reading */
export const readJson = Effect.fn("inspect.readJson")(function*(file: string) {
  const text = yield* readText(file)
  return yield* Effect.try({
    try: (): unknown => JSON.parse(text),
    catch: (e) => new InspectError({ message: `${file} is not JSON: ${e instanceof Error ? e.message : String(e)}` })
  })
})
