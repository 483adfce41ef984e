/**
 * The team reference data, loaded once: every `data/teams/<league>.json` decoded by its Schema,
 * checked for key collisions, and turned into the matcher's {@link TeamIndex}.
 *
 * @since 0.1.0
 */
import { Context, Effect, type FileSystem, Layer, type Path } from "effect"
import { type TeamFile as TeamFileType, TeamFile, validateLeague } from "../../domain/matching/TeamData.ts"
import { buildIndex, type TeamIndex } from "../../domain/matching/TeamIndex.ts"
import { Collision, type ReferenceDataError } from "../../schema/errors/ReferenceDataError.ts"
import { packagePath } from "../PackagePath.ts"
import { referenceFiles } from "../ReferenceData.ts"

/** `data/teams/` at the package root, from both `src/` and `dist/`. @category constants */
export const defaultTeamDirectory: string = packagePath(import.meta.url, "data/teams/")

const teamFiles = referenceFiles<TeamFileType>({
  service: "TeamReference",
  schema: TeamFile,
  keyName: "league",
  keyOf: (f) => f.league,
  refuse: (file, decoded) => {
    const collisions = validateLeague(decoded)
    if (collisions.length === 0) return undefined
    return new Collision({ file, message: collisions.map((c) => `${c.kind} "${c.key}" → ${c.teams.join(" / ")}`).join("; ") })
  }
})

/**
 * Decodes and validates one file's text. Fails on bad JSON, a Schema mismatch, a file whose
 * league does not match its name, or any key collision.
 *
 * @category loading
 */
export const parseTeamFile = teamFiles.parse

/** Reads every `*.json` in `directory`. @category loading */
export const loadTeamFiles = teamFiles.load

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
