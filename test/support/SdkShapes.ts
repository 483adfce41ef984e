/**
 * Checks a JSON value against a model interface the official `kalshi-typescript` SDK declares (its
 * OpenAPI-generated `models/*.ts`), with the TypeScript compiler's own type checker: every required
 * property present, every value of a declared type (string, number, boolean, `null`, arrays,
 * nested models, string enums). The SDK itself does no runtime validation (axios hands back
 * whatever arrives), so this is how a contract test sees a fake that drifts from the published
 * schema. Properties the SDK does not declare are reported apart: they are allowed on the wire
 * (the venue adds fields), but a test may pin which ones a fake sends.
 */
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import ts from "typescript"

export interface ShapeReport {
  /** Missing required properties and wrongly typed values, as `path: problem` */
  readonly errors: ReadonlyArray<string>
  /** Properties the SDK's model does not declare, as paths */
  readonly undeclared: ReadonlyArray<string>
}

const describe = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v)

/** A checker over the SDK's models, loaded once (a second or two of type checking). */
export const kalshiSdkShapes = () => {
  const root = dirname(createRequire(import.meta.url).resolve("kalshi-typescript/package.json"))
  const entry = join(root, "models", "index.ts")
  const program = ts.createProgram([entry], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, strict: true, noEmit: true, skipLibCheck: true })
  const checker = program.getTypeChecker()
  const models = new Map<string, ts.Type>()
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.startsWith(join(root, "models"))) continue
    for (const statement of file.statements) {
      if (ts.isInterfaceDeclaration(statement)) models.set(statement.name.text, checker.getTypeAtLocation(statement))
    }
  }

  const check = (type: ts.Type, value: unknown, path: string, errors: Array<string>, undeclared: Array<string>): boolean => {
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return true
    if (type.isUnion()) {
      // The first member that accepts the value, its findings kept; else one error for the union
      for (const member of type.types) {
        const e: Array<string> = []
        const u: Array<string> = []
        if (check(member, value, path, e, u) && e.length === 0) {
          undeclared.push(...u)
          return true
        }
      }
      errors.push(`${path}: ${JSON.stringify(value)?.slice(0, 80)} is not ${checker.typeToString(type)}`)
      return false
    }
    if (type.flags & ts.TypeFlags.Null) return value === null
    if (type.flags & ts.TypeFlags.Undefined) return value === undefined
    if (type.isStringLiteral()) return value === type.value
    if (type.isNumberLiteral()) return value === type.value
    if (type.flags & ts.TypeFlags.BooleanLiteral) return value === (checker.typeToString(type) === "true")
    if (type.flags & ts.TypeFlags.String) return typeof value === "string"
    if (type.flags & ts.TypeFlags.Number) return typeof value === "number"
    if (type.flags & ts.TypeFlags.Boolean) return typeof value === "boolean"
    if (checker.isArrayType(type)) {
      if (!Array.isArray(value)) return false
      const element = checker.getTypeArguments(type as ts.TypeReference)[0]!
      value.forEach((x, i) => {
        if (!check(element, x, `${path}[${i}]`, errors, undeclared)) errors.push(`${path}[${i}]: ${describe(x)} is not ${checker.typeToString(element)}`)
      })
      return true
    }
    if (type.flags & ts.TypeFlags.Object) {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return false
      const index = checker.getIndexInfosOfType(type)
      const declared = new Set<string>()
      for (const property of checker.getPropertiesOfType(type)) {
        declared.add(property.name)
        const v = (value as Record<string, unknown>)[property.name]
        const optional = (property.flags & ts.SymbolFlags.Optional) !== 0
        if (v === undefined) {
          if (!optional) errors.push(`${path}.${property.name}: required, missing`)
          continue
        }
        const propertyType = checker.getTypeOfSymbol(property)
        if (!check(propertyType, v, `${path}.${property.name}`, errors, undeclared)) {
          errors.push(`${path}.${property.name}: ${JSON.stringify(v)?.slice(0, 80)} is not ${checker.typeToString(propertyType)}`)
        }
      }
      if (index.length === 0) for (const k of Object.keys(value)) if (!declared.has(k)) undeclared.push(`${path}.${k}`)
      return true
    }
    return true
  }

  return {
    /** The names of every model the SDK declares */
    models: (): ReadonlyArray<string> => [...models.keys()],
    /** Checks `value` against the SDK's model `name` (e.g. `GetMarketsResponse`). */
    check: (name: string, value: unknown): ShapeReport => {
      const type = models.get(name)
      if (type === undefined) throw new Error(`kalshi-typescript declares no model ${name}`)
      const errors: Array<string> = []
      const undeclared: Array<string> = []
      if (!check(type, value, name, errors, undeclared)) errors.push(`${name}: ${describe(value)} is not an object`)
      return { errors, undeclared }
    }
  }
}
