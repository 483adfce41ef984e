/**
 * Every warning has a reason (issue 14): the lint rule `warning-without-reason`.
 *
 * Each `Effect.logWarning`, `Effect.logError` and `Effect.logFatal` call in `src/` must say why,
 * in a way that can be read off the call site:
 *
 * - a cause or further message parts after the message (`Effect.logError("x failed", cause)`);
 * - a message of the form "what: why" (a literal or template with text after a colon);
 * - or `.pipe(Effect.annotateLogs({ reason | error | cause: ... }))` on the call itself.
 *
 * That the reason is not empty when the line is logged is checked at run time, on every line the
 * test suite logs, by `emptyReason` in `src/runtime/Logging.ts` (installed in `test/setup.ts`).
 */
import ts from "typescript"
import { REASON_KEYS, SAYS_WHY } from "../src/runtime/Logging.ts"

/** The log functions whose lines need a reason. */
export const REASONED_LEVELS: ReadonlySet<string> = new Set(["logWarning", "logError", "logFatal"])

export interface Unreasoned {
  readonly line: number
  readonly text: string
}

const isLevelCallee = (callee: ts.Expression): boolean => {
  if (ts.isPropertyAccessExpression(callee)) return REASONED_LEVELS.has(callee.name.text)
  if (ts.isIdentifier(callee)) return REASONED_LEVELS.has(callee.text)
  // `(volatile ? Effect.logWarning : Effect.logInfo)("...")`
  if (ts.isParenthesizedExpression(callee)) return isLevelCallee(callee.expression)
  if (ts.isConditionalExpression(callee)) return isLevelCallee(callee.whenTrue) || isLevelCallee(callee.whenFalse)
  return false
}

/** The message's literal text, `${...}` parts as `X`; undefined when it is not a literal. */
const literalText = (node: ts.Expression | undefined): string | undefined => {
  if (node === undefined) return undefined
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s) => `X${s.literal.text}`).join("")
  return undefined
}

const propertyName = (p: ts.ObjectLiteralElementLike): string | undefined =>
  (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined

/** `Effect.annotateLogs({ reason })` or `Effect.annotateLogs("reason", x)`. */
const annotatesReason = (node: ts.Expression): boolean => {
  if (!ts.isCallExpression(node)) return false
  const callee = node.expression
  const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : ""
  if (name !== "annotateLogs") return false
  const [first] = node.arguments
  if (first === undefined) return false
  if (ts.isObjectLiteralExpression(first)) return first.properties.some((p) => REASON_KEYS.includes(propertyName(p) ?? ""))
  const key = literalText(first)
  return key !== undefined && REASON_KEYS.includes(key)
}

/** Whether the call is piped into a reason annotation: `log(...).pipe(..., Effect.annotateLogs({ reason }), ...)`. */
const pipedReason = (call: ts.CallExpression): boolean => {
  const access = call.parent
  if (access === undefined || !ts.isPropertyAccessExpression(access) || access.expression !== call || access.name.text !== "pipe") return false
  const pipe = access.parent
  return pipe !== undefined && ts.isCallExpression(pipe) && pipe.expression === access && pipe.arguments.some(annotatesReason)
}

/**
 * The warning and error log calls in `code` that name no reason.
 *
 * @category lint
 */
export const unreasonedLogs = (file: string, code: string): Array<Unreasoned> => {
  const source = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const out: Array<Unreasoned> = []
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && isLevelCallee(node.expression)) {
      const message = literalText(node.arguments[0])
      const reasoned = node.arguments.length >= 2 || (message !== undefined && SAYS_WHY.test(message)) || pipedReason(node)
      if (!reasoned) {
        out.push({ line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, text: node.getText(source).split("\n")[0]!.trim() })
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return out
}
