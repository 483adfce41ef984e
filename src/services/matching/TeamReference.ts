/**
 * The team reference data, loaded once: every `data/teams/<league>.json` decoded by its Schema,
 * checked for key collisions, and turned into the matcher's {@link TeamIndex}.
 *
 * @since 0.1.0
 */
import { Context, Effect, FileSystem, Layer, Path, Schema } from "effect"
import { type TeamFile as TeamFileType, TeamFile, validateLeague } from "../../domain/matching/TeamData.ts"
import { buildIndex, type TeamIndex } from "../../domain/matching/TeamIndex.ts"
import { Collision, Invalid, ReferenceDataError, Unreadable } from "../../schema/errors/ReferenceDataError.ts"
import { packagePath } from "../PackagePath.ts"

/** `data/teams/` at the package root, from both `src/` and `dist/`. @category constants */
export const defaultTeamDirectory: string = packagePath(import.meta.url, "data/teams/")

const decodeFile = Schema.decodeUnknownEffect(Schema.fromJsonString(TeamFile))

/**
 * Decodes and validates one file's text. Fails on bad JSON, a Schema mismatch, a file whose
 * league does not match its name, or any key collision.
 *
 * @category loading
 */
export const parseTeamFile = Effect.fn("TeamReference.parse")(function*(file: string, text: string) {
  const decoded = yield* decodeFile(text).pipe(
    Effect.mapError((e) => new ReferenceDataError({ reason: new Invalid({ file, message: e.message }) }))
  )
  const expected = file.replace(/^.*\//, "").replace(/\.json$/, "")
  if (decoded.league !== expected) {
    return yield* new ReferenceDataError({ reason: new Invalid({ file, message: `league is ${decoded.league}, expected ${expected}` }) })
  }
  const collisions = validateLeague(decoded)
  if (collisions.length > 0) {
    const message = collisions.map((c) => `${c.kind} "${c.key}" → ${c.teams.join(" / ")}`).join("; ")
    return yield* new ReferenceDataError({ reason: new Collision({ file, message }) })
  }
  return decoded
})

/** Reads every `*.json` in `directory`. @category loading */
export const loadTeamFiles = Effect.fn("TeamReference.load")(function*(directory: string) {
  const fs = yield* FileSystem.FileSystem
  const path = yield* Path.Path
  const unreadable = (file: string) => (e: { readonly message: string }) =>
    new ReferenceDataError({ reason: new Unreadable({ file, message: e.message }) })
  const names = (yield* fs.readDirectory(directory).pipe(Effect.mapError(unreadable(directory)))).filter((n) => n.endsWith(".json")).sort()
  const files: Array<TeamFileType> = []
  for (const name of names) {
    const file = path.join(directory, name)
    const text = yield* fs.readFileString(file).pipe(Effect.mapError(unreadable(file)))
    files.push(yield* parseTeamFile(file, text))
  }
  return files
})

/** @category services */
export class TeamReference extends Context.Service<TeamReference, {
  readonly files: ReadonlyArray<TeamFileType>
  readonly index: TeamIndex
}>()("arbees/services/TeamReference") {
  /** Loads `directory` (default `data/teams/`). */
  static readonly layerFrom = (directory: string): Layer.Layer<TeamReference, ReferenceDataError, FileSystem.FileSystem | Path.Path> =>
    Layer.effect(
      TeamReference,
      Effect.map(loadTeamFiles(directory), (files) => TeamReference.of({ files, index: buildIndex(files) }))
    )

  static readonly layer = TeamReference.layerFrom(defaultTeamDirectory)
}
