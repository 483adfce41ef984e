/**
 * arbees' own reference data: a directory of `<key>.json` files that ships with the code (the team
 * reference `data/teams/<league>.json`, the ratings `data/ratings/<sport>.json`). Each file is
 * decoded by its Schema and must name its own key; anything wrong is a `ReferenceDataError`, which
 * stops start-up rather than being skipped.
 *
 * @since 0.1.0
 */
import { Effect, FileSystem, Path, Schema } from "effect"
import { Invalid, ReferenceDataError, Unreadable } from "../schema/errors/ReferenceDataError.ts"

/** One kind of reference file. @category models */
export interface ReferenceFiles<A> {
  /** The service that loads them: names the spans (`<service>.parse`, `<service>.load`) */
  readonly service: string
  readonly schema: Schema.ConstraintDecoder<A>
  /** The field that must equal the file's name (`league`, `sport`), and its value */
  readonly keyName: string
  readonly keyOf: (decoded: A) => string
  /** A further check of a decoded file: the reason it is refused, if it is */
  readonly refuse?: (file: string, decoded: A) => ReferenceDataError["reason"] | undefined
}

/**
 * The parser of one file's text (fails on bad JSON, a Schema mismatch, a key other than the file's
 * name, or what `refuse` says) and the loader of every `*.json` in a directory, in name order.
 *
 * @category loading
 */
export const referenceFiles = <A>(kind: ReferenceFiles<A>) => {
  const decodeFile = Schema.decodeUnknownEffect(Schema.fromJsonString(kind.schema))

  const parse = Effect.fn(`${kind.service}.parse`)(function*(file: string, text: string) {
    const decoded: A = yield* decodeFile(text).pipe(
      Effect.mapError((e) => new ReferenceDataError({ reason: new Invalid({ file, message: e.message }) }))
    )
    const key = kind.keyOf(decoded)
    const expected = file.replace(/^.*\//, "").replace(/\.json$/, "")
    if (key !== expected) {
      return yield* new ReferenceDataError({ reason: new Invalid({ file, message: `${kind.keyName} is ${key}, expected ${expected}` }) })
    }
    const refused = kind.refuse?.(file, decoded)
    if (refused !== undefined) return yield* new ReferenceDataError({ reason: refused })
    return decoded
  })

  const load = Effect.fn(`${kind.service}.load`)(function*(directory: string) {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const unreadable = (file: string) => (e: { readonly message: string }) =>
      new ReferenceDataError({ reason: new Unreadable({ file, message: e.message }) })
    const names = (yield* fs.readDirectory(directory).pipe(Effect.mapError(unreadable(directory)))).filter((n) => n.endsWith(".json")).sort()
    const files: Array<A> = []
    for (const name of names) {
      const file = path.join(directory, name)
      files.push(yield* parse(file, yield* fs.readFileString(file).pipe(Effect.mapError(unreadable(file)))))
    }
    return files
  })

  return { parse, load }
}
