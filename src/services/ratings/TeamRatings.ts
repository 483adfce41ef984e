/**
 * The shipped team ratings (`data/ratings/<sport>.json`, built by `scripts/winprob-ratings.ts`),
 * loaded once at start-up and decoded by their Schema: the prior a live game with no line gets
 * (`domain/winprob/prior/TeamRatings.ts`). A file that does not decode, or whose sport does not
 * match its name, stops start-up, like the team reference data.
 *
 * @since 0.1.0
 */
import { Context, Effect, FileSystem, Layer, Path, Schema } from "effect"
import { TeamRatingsFile } from "../../domain/winprob/prior/TeamRatings.ts"
import { Invalid, ReferenceDataError, Unreadable } from "../../schema/errors/ReferenceDataError.ts"
import { packagePath } from "../PackagePath.ts"

/** `data/ratings/` at the package root, from both `src/` and `dist/`. @category constants */
export const defaultRatingsDirectory: string = packagePath(import.meta.url, "data/ratings/")

const decodeFile = Schema.decodeUnknownEffect(Schema.fromJsonString(TeamRatingsFile))

/** Decodes one file's text; fails on bad JSON, a Schema mismatch or a sport other than its name. @category loading */
export const parseRatingsFile = Effect.fn("TeamRatings.parse")(function*(file: string, text: string) {
  const decoded = yield* decodeFile(text).pipe(
    Effect.mapError((e) => new ReferenceDataError({ reason: new Invalid({ file, message: e.message }) }))
  )
  const expected = file.replace(/^.*\//, "").replace(/\.json$/, "")
  if (decoded.sport !== expected) {
    return yield* new ReferenceDataError({ reason: new Invalid({ file, message: `sport is ${decoded.sport}, expected ${expected}` }) })
  }
  return decoded
})

/** Reads every `*.json` in `directory`. @category loading */
export const loadRatingsFiles = Effect.fn("TeamRatings.load")(function*(directory: string) {
  const fs = yield* FileSystem.FileSystem
  const path = yield* Path.Path
  const unreadable = (file: string) => (e: { readonly message: string }) => new ReferenceDataError({ reason: new Unreadable({ file, message: e.message }) })
  const names = (yield* fs.readDirectory(directory).pipe(Effect.mapError(unreadable(directory)))).filter((n) => n.endsWith(".json")).sort()
  const files: Array<TeamRatingsFile> = []
  for (const name of names) {
    const file = path.join(directory, name)
    files.push(yield* parseRatingsFile(file, yield* fs.readFileString(file).pipe(Effect.mapError(unreadable(file)))))
  }
  return files
})

/** @category services */
export class TeamRatings extends Context.Service<TeamRatings, {
  readonly files: ReadonlyArray<TeamRatingsFile>
}>()("arbees/services/TeamRatings") {
  /** Loads `directory` (default `data/ratings/`). */
  static readonly layerFrom = (directory: string): Layer.Layer<TeamRatings, ReferenceDataError, FileSystem.FileSystem | Path.Path> =>
    Layer.effect(TeamRatings, Effect.map(loadRatingsFiles(directory), (files) => TeamRatings.of({ files })))

  static readonly layer = TeamRatings.layerFrom(defaultRatingsDirectory)
}
