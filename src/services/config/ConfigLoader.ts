/**
 * Layered configuration: built-in defaults < config file < environment < flags.
 *
 * `resolve` is pure: it takes the raw inputs of each layer and returns every key's decoded value
 * together with the layer it came from, or the first problem, phrased as one line that names the
 * key, its source and what was expected. Unknown keys (in the file, in `ARBEES_*` variables or in
 * `--set`) are problems too: a misspelt risk limit must not be silently ignored.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { decodeText, Setting } from "./Setting.ts"

/** Where a value came from. @category models */
export type Source =
  | { readonly kind: "default" }
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "env"; readonly name: string }
  | { readonly kind: "flag"; readonly name: string }

/** @category models */
export const formatSource = (source: Source): string => {
  switch (source.kind) {
    case "default":
      return "default"
    case "file":
      return `file ${source.path}`
    case "env":
      return `env ${source.name}`
    case "flag":
      return `flag ${source.name}`
  }
}

/** A tree of settings. @category models */
export interface SpecTree {
  readonly [key: string]: Setting<any> | SpecTree
}

/** The decoded values of a spec tree. @category models */
export type Resolved<S> = {
  readonly [K in keyof S]: S[K] extends Setting<infer A> ? A : Resolved<S[K]>
}

/** One key of the effective configuration, for `arbees config`. @category models */
export interface Entry {
  readonly key: string
  /** The display form of the value: secrets are `<redacted>`, unset values `null` */
  readonly value: unknown
  readonly source: Source
  readonly secret: boolean
  readonly description: string
}

/** A value override from the command line. @category models */
export interface FlagValue {
  readonly key: string
  readonly value: string
  /** The flag as typed, for messages (`--set risk.kellyFraction`, `--mode`) */
  readonly flag: string
}

/** @category models */
export interface Inputs {
  readonly file?: { readonly path: string; readonly contents: unknown } | undefined
  readonly env: Readonly<Record<string, string | undefined>>
  readonly flags: ReadonlyArray<FlagValue>
}

/** @category models */
export interface ResolvedConfig<S> {
  readonly values: Resolved<S>
  readonly entries: ReadonlyArray<Entry>
}

/** The one-line description of what is wrong. @category errors */
export interface ConfigProblem {
  readonly key: string
  readonly source: Source
  readonly message: string
}

/** `ARBEES_` variables that are not keys. @category constants */
export const RESERVED_ENV = new Set(["ARBEES_CONFIG"])

/** `risk.kellyFraction` → `ARBEES_RISK_KELLY_FRACTION`. @category naming */
export const envName = (key: string): string =>
  "ARBEES_" + key.split(".").map((part) => part.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()).join("_")

/** Flattens a spec tree into `[key, setting]` pairs in declaration order. @category spec */
export const flatten = (tree: SpecTree, prefix = ""): Array<readonly [string, Setting<unknown>]> => {
  const out: Array<readonly [string, Setting<unknown>]> = []
  for (const [name, node] of Object.entries(tree)) {
    const key = prefix === "" ? name : `${prefix}.${name}`
    if (node instanceof Setting) out.push([key, node])
    else out.push(...flatten(node, key))
  }
  return out
}

const scalarText = (value: unknown): string | undefined => {
  if (typeof value === "string") return value
  if (typeof value === "number" && Number.isFinite(value)) return String(value)
  if (typeof value === "boolean") return value ? "true" : "false"
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join(",")
  // A mapping under a key whose setting takes an object (strategies.params) arrives as JSON text
  if (isRecord(value)) return JSON.stringify(value)
  return undefined
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/** Every leaf of a config file, as `[dotted key, value]`. */
const fileLeaves = (tree: unknown, known: ReadonlySet<string>, prefix = ""): Array<readonly [string, unknown]> => {
  if (!isRecord(tree)) return []
  const out: Array<readonly [string, unknown]> = []
  for (const [name, value] of Object.entries(tree)) {
    const key = prefix === "" ? name : `${prefix}.${name}`
    if (isRecord(value) && !known.has(key)) out.push(...fileLeaves(value, known, key))
    else out.push([key, value])
  }
  return out
}

/**
 * Resolves every key of `spec` from the layered inputs.
 *
 * @category resolving
 */
export const resolve = <S extends SpecTree>(spec: S, inputs: Inputs): Result.Result<ResolvedConfig<S>, ConfigProblem> => {
  const settings = flatten(spec)
  const known = new Set(settings.map(([key]) => key))
  const byEnv = new Map(settings.map(([key]) => [envName(key), key] as const))

  // Unknown keys in any layer are problems, not silently ignored typos
  if (inputs.file !== undefined) {
    if (inputs.file.contents !== null && inputs.file.contents !== undefined && !isRecord(inputs.file.contents)) {
      return Result.fail({ key: "(file)", source: { kind: "file", path: inputs.file.path }, message: "expected a mapping of keys to values at the top level" })
    }
    for (const [key] of fileLeaves(inputs.file.contents, known)) {
      if (!known.has(key)) {
        return Result.fail({ key, source: { kind: "file", path: inputs.file.path }, message: "unknown configuration key" })
      }
    }
  }
  for (const name of Object.keys(inputs.env)) {
    if (name.startsWith("ARBEES_") && !byEnv.has(name) && !RESERVED_ENV.has(name) && inputs.env[name] !== undefined) {
      return Result.fail({ key: name, source: { kind: "env", name }, message: "unknown configuration variable" })
    }
  }
  for (const flag of inputs.flags) {
    if (!known.has(flag.key)) {
      return Result.fail({ key: flag.key, source: { kind: "flag", name: flag.flag }, message: "unknown configuration key" })
    }
  }

  const fileValues = new Map(inputs.file === undefined ? [] : fileLeaves(inputs.file.contents, known))
  const values: Record<string, unknown> = {}
  const entries: Array<Entry> = []

  for (const [key, setting] of settings) {
    const secret = setting.options.secret === true
    let raw: { readonly text: string; readonly source: Source } | undefined
    let rawProblem: ConfigProblem | undefined

    const flag = [...inputs.flags].reverse().find((f) => f.key === key)
    if (flag !== undefined) {
      raw = { text: flag.value, source: { kind: "flag", name: flag.flag } }
    } else {
      const envNames = [envName(key), ...(setting.options.env ?? [])]
      const name = envNames.find((n) => inputs.env[n] !== undefined && inputs.env[n] !== "")
      if (name !== undefined) {
        raw = { text: inputs.env[name]!, source: { kind: "env", name } }
      } else if (fileValues.has(key) && fileValues.get(key) !== null) {
        const source: Source = { kind: "file", path: inputs.file!.path }
        const text = scalarText(fileValues.get(key))
        if (text === undefined) rawProblem = { key, source, message: `expected ${setting.type.expected}, was not a scalar value` }
        else raw = { text, source }
      }
    }
    if (rawProblem !== undefined) return Result.fail(rawProblem)

    let value: unknown
    let source: Source
    if (raw === undefined) {
      value = setting.defaultValue
      source = { kind: "default" }
    } else {
      const decoded = decodeText(setting.type, raw.text)
      if (Result.isFailure(decoded)) {
        // Never echo a secret, even a malformed one
        const was = secret ? "" : `, was ${JSON.stringify(raw.text)}`
        return Result.fail({ key, source: raw.source, message: `expected ${decoded.failure}${was}` })
      }
      value = decoded.success
      source = raw.source
    }

    setPath(values, key, value)
    entries.push({
      key,
      value: value === undefined ? null : setting.type.display(value),
      source,
      secret,
      description: setting.description
    })
  }

  return Result.succeed({ values: values as Resolved<S>, entries })
}

const setPath = (target: Record<string, unknown>, key: string, value: unknown): void => {
  const parts = key.split(".")
  let node = target
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {}
    node = node[part] as Record<string, unknown>
  }
  node[parts[parts.length - 1]!] = value
}

/** `invalid configuration: risk.kellyFraction (env ARBEES_RISK_KELLY_FRACTION): expected ...` @category errors */
export const formatProblem = (problem: ConfigProblem): string =>
  `invalid configuration: ${problem.key} (${formatSource(problem.source)}): ${problem.message}`
